/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mpmon: one move_pages call in flight.  For the files that keep and
 * account calls (probe, in-flight table, outcome, stats); the other
 * probes reach a call only through mpmon_inflight_*().
 */
#ifndef MPMON_CALL_H
#define MPMON_CALL_H

#include <linux/sched.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/mpmon.h>

#include "mpmon.h"

/*
 * One move_pages call in flight, kept in its kretprobe instance (ri->data).
 * Only the calling task touches it: the entry handler, the store_status()
 * probe and the return handler all run in that task, one after the other.
 */
struct mpmon_call {
	int slot;			/* in the in-flight table, or -1 */
	bool offered;			/* events on: the event is offered */
	bool record;			/* ... and the ring has room for it */
	struct task_struct *task;
	u64 t0;
	/*
	 * translation flushes while the call runs, by mpmon_info.flush_probe
	 * slot: moves only, unset for queries
	 */
	u64 flush_calls[MPMON_FLUSH_PROBES];
	/* translation invalidations (mpmon_mmu.c): moves only */
	u64 inval[MPMON_INV_NR];
	u64 flush_pages[MPMON_FLUSH_PROBES];
	/* its migrate_pages() runs: moves only (mpmon_migrate.c) */
	struct {
		u64 batches;
		u64 ns;
		u64 moved;
		u64 failed;
		u64 busy;	/* of failed: references beyond mappings */
		u64 nomem;	/* of failed: the run ended in -ENOMEM */
		u64 inexact;
		u64 moved_other; /* from or to a node >= MPMON_MOVE_NODES */
		u64 ok_folios;	/* queued in runs that returned 0 */
		u64 thp_moved, thp_split, thp_failed;
		u32 nr_moves;
		struct {
			s32 from, to;
			u64 pages;
		} moves[MPMON_MIGRATE_SRC];
	} mig;
	/* entries already on their target node; -1: not known */
	s64 stayed;
	/*
	 * The handlers' arrays: here rather than on the stack, where an
	 * array costs a stack canary and zero-initialisation on every call.
	 */
	unsigned long args[6];		/* the syscall's; [4]: status array */
	int chunk[16];			/* status entries read back */
	struct mpmon_event ev;
};

/*
 * Start the outcome over: the accumulators mpmon_event_status() adds to.
 * An event that will be kept also has the arrays they index cleared, so
 * that nothing of an earlier count reaches user space; the counters read
 * node_pages only up to nr_node_pages.
 */
static inline void mpmon_event_clear_outcome(struct mpmon_event *ev,
					     bool record)
{
	ev->pages_written = 0;
	ev->pages_truncated = 0;
	ev->nr_node_pages = 0;
	ev->node_overflow = 0;
	ev->status_written = 0;
	ev->flags &= ~MPMON_EV_NODE_OVERFLOW;
	memset(ev->page_err, 0, sizeof(ev->page_err));
	if (record) {
		memset(ev->node_pages, 0, sizeof(ev->node_pages));
		memset(ev->status, 0, sizeof(ev->status));
	}
}

/* Pages of the call's runs that failed for neither reason counted. */
static inline u64 mpmon_mig_failed_other(const struct mpmon_call *c)
{
	return c->mig.failed - c->mig.busy - c->mig.nomem;
}

/* mpmon_outcome.c */
void mpmon_event_status(struct mpmon_call *c, long start, int value,
			unsigned long nr);
void mpmon_status_readback(struct mpmon_call *c);
unsigned int mpmon_perr_class(int err);
s64 mpmon_outcome_stayed(const struct mpmon_call *c, bool writes_seen);

/* mpmon_stats.c */
void mpmon_stats_account(const struct mpmon_call *c);
void mpmon_stats_account_query(struct mpmon_call *c);

#endif /* MPMON_CALL_H */
