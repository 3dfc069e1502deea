// SPDX-License-Identifier: GPL-2.0
/*
 * mpmon: the move_pages calls in flight, by task.
 *
 * The probes inside move_pages (store_status(), the translation flushes)
 * find the call of the current task here, and add their work to it only
 * through these functions.
 */
#include <linux/atomic.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "mpmon.h"
#include "mpmon_call.h"

/*
 * The calls in flight, so that the store_status() and flush probes find the
 * call of the current task.  Lockless: an unoptimized kprobe runs its
 * handlers from a trap (int3 on x86) that lockdep counts as NMI, where no
 * lock may be taken.  A call claims a free slot with cmpxchg() and clears
 * it at return; there is a slot per kretprobe instance, so one is always
 * free.  Only a task's own handlers add or remove its call, so a slot found
 * holding the current task's call stays valid while that handler runs.
 */
static struct mpmon_call **mpmon_inflight;
static unsigned int mpmon_inflight_slots;
static atomic_t mpmon_inflight_count = ATOMIC_INIT(0);

void mpmon_inflight_add(struct mpmon_call *c)
{
	unsigned int i;

	for (i = 0; i < mpmon_inflight_slots; i++) {
		if (!READ_ONCE(mpmon_inflight[i]) &&
		    !cmpxchg(&mpmon_inflight[i], NULL, c)) {
			c->slot = i;
			atomic_inc(&mpmon_inflight_count);
			return;
		}
	}
}

void mpmon_inflight_del(struct mpmon_call *c)
{
	if (c->slot < 0)
		return;
	WRITE_ONCE(mpmon_inflight[c->slot], NULL);
	atomic_dec(&mpmon_inflight_count);
}

static struct mpmon_call *mpmon_inflight_find(struct task_struct *task)
{
	struct mpmon_call *c;
	unsigned int i;

	for (i = 0; i < mpmon_inflight_slots; i++) {
		c = READ_ONCE(mpmon_inflight[i]);
		if (c && READ_ONCE(c->task) == task)
			return c;
	}
	return NULL;
}

/*
 * The move_pages call the current task is in, or NULL: what the
 * store_status() and flush probes attribute their work to.  Leaves at once
 * when no call is in flight anywhere, the common case for functions that
 * run all the time.
 */
static struct mpmon_call *mpmon_current_call(void)
{
	if (!atomic_read(&mpmon_inflight_count))
		return NULL;
	return mpmon_inflight_find(current);
}

/* The translation-flush probes' work, into the current task's move. */
void mpmon_inflight_add_flush(unsigned int slot, u64 pages)
{
	struct mpmon_call *c = mpmon_current_call();

	if (!c)
		return;
	c->flush_calls[slot]++;
	c->flush_pages[slot] += pages;
}

/* @n translation invalidations of @kind (enum mpmon_inval), into the move. */
void mpmon_inflight_add_inval(unsigned int kind, u64 n)
{
	struct mpmon_call *c = mpmon_current_call();

	if (!c || c->ev.mode != MPMON_MODE_MOVE)
		return;
	c->inval[kind] += n;
}

/*
 * store_status()'s entries into the current task's move; only for the
 * call's own status array, which do_pages_move() passes.
 */
void mpmon_inflight_add_status(unsigned long status, int start, int value,
			       int nr)
{
	struct mpmon_call *c = mpmon_current_call();

	if (!c || c->ev.mode != MPMON_MODE_MOVE || status != c->args[4])
		return;
	if (nr > 0 && start >= 0)
		mpmon_event_status(c, start, value, nr);
}

/* Whether the current task is in a move mpmon follows. */
bool mpmon_inflight_current_moves(void)
{
	struct mpmon_call *c = mpmon_current_call();

	return c && c->ev.mode == MPMON_MODE_MOVE;
}

/* A migrate_pages() run into the current task's move. */
void mpmon_inflight_add_migrate(const struct mpmon_migrate_batch *b)
{
	struct mpmon_call *c = mpmon_current_call();
	u64 left = 0;
	unsigned int i, j;

	if (!c || c->ev.mode != MPMON_MODE_MOVE)
		return;
	c->mig.batches++;
	c->mig.ns += b->ns;
	if (!b->exact) {
		c->mig.inexact++;
		return;
	}
	if (b->ret == 0)
		c->mig.ok_folios += b->folios;
	for (i = 0; i < b->nr_src; i++) {
		u64 moved = b->src[i].pages - b->src[i].left;

		left += b->src[i].left;
		c->mig.moved += moved;
		if (!moved)
			continue;
		for (j = 0; j < c->mig.nr_moves; j++)
			if (c->mig.moves[j].from == b->src[i].node &&
			    c->mig.moves[j].to == b->target)
				break;
		if (j == ARRAY_SIZE(c->mig.moves)) {
			c->mig.moved_other += moved;
			continue;
		}
		if (j == c->mig.nr_moves) {
			c->mig.moves[j].from = b->src[i].node;
			c->mig.moves[j].to = b->target;
			c->mig.moves[j].pages = 0;
			c->mig.nr_moves++;
		}
		c->mig.moves[j].pages += moved;
	}
	c->mig.failed += left;
	if (b->ret == -ENOMEM)
		c->mig.nomem += left;
	else
		c->mig.busy += b->busy;
}

/* What the migrate:mm_migrate_pages tracepoint said of a run's THPs. */
void mpmon_inflight_add_thp(u64 moved, u64 split, u64 failed)
{
	struct mpmon_call *c = mpmon_current_call();

	if (!c || c->ev.mode != MPMON_MODE_MOVE)
		return;
	c->mig.thp_moved += moved;
	c->mig.thp_split += split;
	c->mig.thp_failed += failed;
}

/* A slot for every instance of both kretprobes. */
int mpmon_inflight_init(unsigned int slots)
{
	mpmon_inflight = kcalloc(slots, sizeof(*mpmon_inflight), GFP_KERNEL);
	if (!mpmon_inflight)
		return -ENOMEM;
	mpmon_inflight_slots = slots;
	return 0;
}

void mpmon_inflight_exit(void)
{
	kfree(mpmon_inflight);
	mpmon_inflight = NULL;
}
