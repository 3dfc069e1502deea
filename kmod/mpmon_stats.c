// SPDX-License-Identifier: GPL-2.0
/*
 * mpmon: aggregate counters.
 *
 * Each CPU counts into its own struct mpmon_stats, so the probe's hot path
 * takes no lock and shares no cache line; GET_STATS sums them.  Every field
 * after the size header is a __u64 counter, summed the same way, except
 * lat_max_ns, which is a maximum.
 *
 * RESET does not write the counters (a probe on another CPU may be adding
 * to them at that moment): it records their current sums as a baseline that
 * later reads subtract, which is exact whatever runs concurrently.  The
 * return handler accounts a call under the ring's producer lock, which
 * RESET holds too, so the ring and the counters restart at the same call.
 */
#include <linux/math64.h>
#include <linux/mempolicy.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/seqlock.h>
#include <linux/slab.h>
#include <linux/stddef.h>

#include "mpmon.h"
#include "mpmon_call.h"
#include "mpmon_uaccess.h"

#define MPMON_NR_COUNTERS \
	((sizeof(struct mpmon_stats) - offsetof(struct mpmon_stats, calls)) / \
	 sizeof(u64))
#define MPMON_LAT_MAX_IDX \
	((offsetof(struct mpmon_stats, lat_max_ns) - \
	  offsetof(struct mpmon_stats, calls)) / sizeof(u64))

static struct mpmon_stats __percpu *mpmon_pcpu;
/*
 * A call's counters change together (calls, its outcome, events_off...);
 * a reader on another CPU takes each CPU's set whole.  One writer per CPU
 * at a time: the return handler, with preemption disabled.
 */
static DEFINE_PER_CPU(seqcount_t, mpmon_pcpu_seq);
static struct mpmon_stats *mpmon_baseline;
static struct mpmon_stats *mpmon_scratch;	/* one CPU's set, under the mutex */
static DEFINE_MUTEX(mpmon_stats_mutex);

static u64 *mpmon_counters(struct mpmon_stats *s)
{
	return &s->calls;
}

int mpmon_stats_init(void)
{
	unsigned int cpu;

	BUILD_BUG_ON(offsetof(struct mpmon_stats, calls) != 8);

	mpmon_pcpu = alloc_percpu(struct mpmon_stats);
	if (!mpmon_pcpu)
		return -ENOMEM;
	mpmon_baseline = kzalloc(sizeof(*mpmon_baseline), GFP_KERNEL);
	if (!mpmon_baseline)
		goto err_free_pcpu;
	mpmon_scratch = kmalloc(sizeof(*mpmon_scratch), GFP_KERNEL);
	if (!mpmon_scratch)
		goto err_free_baseline;
	for_each_possible_cpu(cpu)
		seqcount_init(per_cpu_ptr(&mpmon_pcpu_seq, cpu));
	return 0;

err_free_baseline:
	kfree(mpmon_baseline);
err_free_pcpu:
	free_percpu(mpmon_pcpu);
	return -ENOMEM;
}

void mpmon_stats_exit(void)
{
	kfree(mpmon_scratch);
	kfree(mpmon_baseline);
	free_percpu(mpmon_pcpu);
}

/*
 * Counts the status entries of a call that did not fail; returns how many
 * of them are a node (the pages the call placed).
 */
static u64 mpmon_outcome_account(struct mpmon_page_outcome *o,
				 const struct mpmon_event *ev)
{
	u64 placed = ev->node_overflow;
	unsigned int i;

	for (i = 0; i < ev->nr_node_pages; i++) {
		u32 node = ev->node_pages[i].node;

		if (node < MPMON_STATS_NODES)
			o->node[node] += ev->node_pages[i].pages;
		else
			o->node_overflow += ev->node_pages[i].pages;
		placed += ev->node_pages[i].pages;
	}
	o->node_overflow += ev->node_overflow;
	/* Every entry written is a node or an error: most calls have none. */
	if (placed == ev->pages_written)
		return placed;
	for (i = 0; i < MPMON_PERR_NR; i++)
		o->err[i] += ev->page_err[i];
	return placed;
}

/*
 * Flush calls per page the call @placed (status entry >= 0), in quarters,
 * bucketed by log2: [0] < 1/4, [i] 2^(i-1)/4 <= ratio < 2^i/4.
 */
static void mpmon_flush_account(struct mpmon_stats *s,
				const struct mpmon_call *c, u64 placed)
{
	const struct mpmon_event *ev = &c->ev;
	unsigned int i;

	/* Only moves are followed by the flush probes (see mpmon_entry()). */
	if (ev->mode != MPMON_MODE_MOVE)
		return;
	for (i = 0; i < MPMON_FLUSH_PROBES; i++) {
		s->flush_calls[i] += c->flush_calls[i];
		s->flush_pages[i] += c->flush_pages[i];
	}
	s->tlbi_local += c->inval[MPMON_INV_TLBI_LOCAL];
	s->tlbi_global += c->inval[MPMON_INV_TLBI_GLOBAL];
	s->hpte_removed += c->inval[MPMON_INV_HPTE_REMOVED];
	s->hpte_protected += c->inval[MPMON_INV_HPTE_PROTECTED];
	s->shootdown_ipis += c->inval[MPMON_INV_IPI];
	for (i = 0; i < MPMON_HCALL_NR; i++)
		s->hcalls[i] += c->inval[MPMON_INV_HCALL + i];
	if (ev->ret < 0)
		return;
	if (placed)
		s->flush_ratio[min_t(unsigned int,
				     fls64(div64_u64(ev->flush_calls * 4, placed)),
				     MPMON_FLUSH_RATIO - 1)]++;
}

/*
 * What every call counts, whatever its outcome.  @mode, @offered and
 * @record are the call's: inline, constants where the caller knows them.
 */
static __always_inline void mpmon_call_account(struct mpmon_stats *s,
					       const struct mpmon_event *ev,
					       u32 mode, bool offered,
					       bool record)
{
	u64 ns = ev->latency_ns;

	s->calls++;
	if (ev->ret == 0) {
		s->ret_zero++;
	} else if (ev->ret > 0) {
		s->ret_positive++;
	} else {
		u64 err = -ev->ret;

		s->ret_errno[err < MPMON_NR_ERRNO ? err : 0]++;
	}
	if (mode == MPMON_MODE_MOVE)
		s->mode_move++;
	else
		s->mode_query++;
	if (ev->mp_flags & MPOL_MF_MOVE)
		s->flag_move++;
	if (ev->mp_flags & MPOL_MF_MOVE_ALL)
		s->flag_move_all++;
	s->pages_requested += ev->count;
	s->lat_log2[min_t(unsigned int, fls64(ns), MPMON_LAT_BUCKETS - 1)]++;
	s->lat_sum_ns += ns;
	if (ns > s->lat_max_ns)
		WRITE_ONCE(s->lat_max_ns, ns);
	if (!offered)
		s->events_off++;
	else if (!record)
		s->ring_dropped++;	/* dropped at entry: see mpmon_entry() */
}

/* A move's migrate_pages() runs (mpmon_migrate.c). */
static void mpmon_migrate_account(struct mpmon_stats *s,
				  const struct mpmon_call *c)
{
	unsigned int i;

	s->migrate_batches += c->mig.batches;
	s->migrate_ns += c->mig.ns;
	s->pages_moved += c->mig.moved;
	s->pages_failed += c->mig.failed;
	s->failed_busy += c->mig.busy;
	s->failed_nomem += c->mig.nomem;
	s->failed_other += mpmon_mig_failed_other(c);
	s->migrate_inexact += c->mig.inexact;
	s->moved_other += c->mig.moved_other;
	s->thp_moved += c->mig.thp_moved;
	s->thp_split += c->mig.thp_split;
	s->thp_failed += c->mig.thp_failed;
	if (c->stayed > 0)
		s->pages_stayed += c->stayed;
	for (i = 0; i < c->mig.nr_moves; i++) {
		u32 from = c->mig.moves[i].from, to = c->mig.moves[i].to;

		if (from < MPMON_MOVE_NODES && to < MPMON_MOVE_NODES)
			s->moved[from][to] += c->mig.moves[i].pages;
		else
			s->moved_other += c->mig.moves[i].pages;
	}
}

/* Called from the return handler: preemption is disabled. */
void mpmon_stats_account(const struct mpmon_call *c)
{
	struct mpmon_stats *s = this_cpu_ptr(mpmon_pcpu);
	seqcount_t *seq = this_cpu_ptr(&mpmon_pcpu_seq);
	const struct mpmon_event *ev = &c->ev;
	u64 placed = 0;

	raw_write_seqcount_begin(seq);
	mpmon_call_account(s, ev, ev->mode, c->offered, c->record);
	if (ev->ret >= 0) {
		placed = mpmon_outcome_account(ev->mode == MPMON_MODE_MOVE ?
					       &s->move : &s->query, ev);
		s->pages_not_written += ev->pages_not_written;
		s->pages_unknown += ev->pages_unknown;
		s->pages_truncated += ev->pages_truncated;
	}
	mpmon_flush_account(s, c, placed);
	if (ev->mode == MPMON_MODE_MOVE)
		mpmon_migrate_account(s, c);
	raw_write_seqcount_end(seq);
}

/*
 * A query made while events are off (mpmon loaded for its counters, the
 * common case): its status entries, all written when it returned 0, are
 * read back and counted straight into this CPU's counters, without the
 * per-call sums an event needs (mpmon_event_status()).  The same counts
 * as mpmon_stats_account() would make from them.
 */
void mpmon_stats_account_query(struct mpmon_call *c)
{
	struct mpmon_stats *s = this_cpu_ptr(mpmon_pcpu);
	seqcount_t *seq = this_cpu_ptr(&mpmon_pcpu_seq);
	const struct mpmon_event *ev = &c->ev;
	const int __user *ustatus = (const int __user *)c->args[4];
	u64 n = min_t(u64, ev->count, mpmon_max_status);
	u64 off, len, i, written = 0;

	raw_write_seqcount_begin(seq);
	mpmon_call_account(s, ev, MPMON_MODE_QUERY, false, false);
	if (ev->ret == 0) {
		for (off = 0; off < n; off += len) {
			len = min_t(u64, n - off, ARRAY_SIZE(c->chunk));
			if (!mpmon_read_user_ints(c->chunk, ustatus + off, len))
				break;
			for (i = 0; i < len; i++) {
				int v = c->chunk[i];

				if (v < 0)
					s->query.err[mpmon_perr_class(-v)]++;
				else if (v < MPMON_STATS_NODES)
					s->query.node[v]++;
				else
					s->query.node_overflow++;
			}
			written += len;
		}
		s->pages_truncated += ev->count - n;
		s->pages_not_written += n - written;
	}
	raw_write_seqcount_end(seq);
}

/*
 * From the probe handlers, in the calling task with preemption disabled,
 * like mpmon_stats_account(): no other writer of this CPU's counters can
 * interrupt them, so the plain per-CPU increment is enough (this_cpu_inc()
 * masks interrupts around it on powerpc).
 */
void mpmon_stats_inc_filtered(void)
{
	__this_cpu_inc(mpmon_pcpu->filtered);
}

void mpmon_stats_inc_dropped(void)
{
	__this_cpu_inc(mpmon_pcpu->ring_dropped);
}

/* Events lost with a resized ring: under mpmon_ring_producers_lock(). */
void mpmon_stats_add_dropped(u64 n)
{
	this_cpu_add(mpmon_pcpu->ring_dropped, n);
}

void mpmon_stats_add_read(unsigned int n)
{
	this_cpu_add(mpmon_pcpu->events_read, n);
}

/*
 * Raw sums over all CPUs, without the baseline; @missed, the kretprobes'
 * count of calls they could not follow, is kept beside them.
 */
static void mpmon_stats_sum(struct mpmon_stats *out, u64 missed)
{
	u64 *sum = mpmon_counters(out), *one = mpmon_counters(mpmon_scratch);
	unsigned int cpu, i, start;

	lockdep_assert_held(&mpmon_stats_mutex);
	memset(out, 0, sizeof(*out));
	for_each_possible_cpu(cpu) {
		const seqcount_t *seq = per_cpu_ptr(&mpmon_pcpu_seq, cpu);
		u64 *c = mpmon_counters(per_cpu_ptr(mpmon_pcpu, cpu));

		do {
			start = raw_read_seqcount_begin(seq);
			for (i = 0; i < MPMON_NR_COUNTERS; i++)
				one[i] = READ_ONCE(c[i]);
		} while (read_seqcount_retry(seq, start));
		for (i = 0; i < MPMON_NR_COUNTERS; i++) {
			if (i == MPMON_LAT_MAX_IDX)
				sum[i] = max(sum[i], one[i]);
			else
				sum[i] += one[i];
		}
	}
	out->kretprobe_missed = missed;
}

/* Zero lat_max_ns, the one counter a baseline cannot take back. */
static void mpmon_stats_clear_max(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		WRITE_ONCE(per_cpu_ptr(mpmon_pcpu, cpu)->lat_max_ns, 0);
}

/*
 * The counters since the last reset, handed to @deliver.  With @reset, and
 * only if @deliver succeeded, the sums just read become the new baseline:
 * every call is counted in exactly one of the two periods, and a caller
 * that never got the counters finds them as they were.
 */
int mpmon_stats_read(struct mpmon_stats *out, u64 missed, bool reset,
		     int (*deliver)(struct mpmon_stats *out, void *ctx),
		     void *ctx)
{
	u64 *v = mpmon_counters(out);
	u64 *base = mpmon_counters(mpmon_baseline);
	unsigned int i;
	int ret;

	mutex_lock(&mpmon_stats_mutex);
	mpmon_stats_sum(out, missed);
	for (i = 0; i < MPMON_NR_COUNTERS; i++)
		if (i != MPMON_LAT_MAX_IDX)
			v[i] -= base[i];
	out->size = sizeof(*out);
	ret = deliver(out, ctx);
	if (!ret && reset) {
		/* base + (raw - base): the raw sums of the read. */
		for (i = 0; i < MPMON_NR_COUNTERS; i++)
			if (i != MPMON_LAT_MAX_IDX)
				base[i] += v[i];
		mpmon_stats_clear_max();
	}
	mutex_unlock(&mpmon_stats_mutex);
	return ret;
}

u64 mpmon_stats_dropped(void)
{
	u64 dropped = 0;
	unsigned int cpu;

	mutex_lock(&mpmon_stats_mutex);
	for_each_possible_cpu(cpu)
		dropped += READ_ONCE(per_cpu_ptr(mpmon_pcpu, cpu)->ring_dropped);
	dropped -= mpmon_baseline->ring_dropped;
	mutex_unlock(&mpmon_stats_mutex);
	return dropped;
}

/* A RESET's: taken after mpmon_ring_readers_lock(). */
void mpmon_stats_lock(void)
{
	mutex_lock(&mpmon_stats_mutex);
}

void mpmon_stats_unlock(void)
{
	mutex_unlock(&mpmon_stats_mutex);
}

/*
 * Under mpmon_stats_lock() and, so that no call is half accounted,
 * mpmon_ring_producers_lock(): the current sums become the baseline.
 */
void mpmon_stats_reset_locked(u64 missed)
{
	lockdep_assert_held(&mpmon_stats_mutex);
	mpmon_stats_sum(mpmon_baseline, missed);
	mpmon_stats_clear_max();
}
