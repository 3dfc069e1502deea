/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mpmon: internal interfaces between the module's parts.
 */
#ifndef MPMON_H
#define MPMON_H

#include <linux/kprobes.h>
#include <linux/list.h>
#include <linux/mpmon.h>
#include <linux/types.h>

#define MPMON_VERSION "1.3.0"

/* The event ring's capacity in events: the parameter's and SET_RING's. */
#define MPMON_RING_MIN		16U
#define MPMON_RING_MAX		(1024U * 1024)

/* Module parameters (mpmon_main.c). */
extern unsigned int mpmon_maxactive;
extern unsigned int mpmon_max_status;
extern bool mpmon_enabled;
extern int mpmon_flush_probes;
extern bool mpmon_migrate_probes;
extern char *mpmon_status_probe;

/* When calls become events (MPMON_EVENTS_*), and whether they do now. */
extern u32 mpmon_events_mode;
extern bool mpmon_events_on;

struct mpmon_call;

/*
 * One migrate_pages() run of a move (mpmon_migrate.c): the pages queued,
 * by source node, and those left unmigrated at return.
 */
#define MPMON_MIGRATE_SRC	8
struct mpmon_migrate_batch {
	int target;
	bool exact;		/* every folio of the queue was walked */
	long ret;
	u64 ns;
	u64 folios;		/* queued */
	u64 busy;		/* pages left with references beyond mappings */
	unsigned int nr_src;
	struct {
		int node;
		u64 pages;	/* queued */
		u64 left;	/* not migrated */
	} src[MPMON_MIGRATE_SRC];
};

/* mpmon_probe.c */
int mpmon_probe_init(const char *symbol);
void mpmon_probe_quiesce(void);
void mpmon_probe_exit(void);
const char *mpmon_probe_symbol(void);
u32 mpmon_probe_status_source(void);
const char *mpmon_probe_status_probe(void);
u64 mpmon_probe_nmissed(void);

/* mpmon_filter.c */
extern struct mpmon_filter_rcu __rcu *mpmon_filter_cur;
bool mpmon_filter_match_current(void);

/* No filter, the usual case, is decided without a call. */
static inline bool mpmon_filter_match(void)
{
	return !rcu_access_pointer(mpmon_filter_cur) ||
	       mpmon_filter_match_current();
}

int mpmon_filter_set(const struct mpmon_filter *f);
void mpmon_filter_get(struct mpmon_filter *f);
void mpmon_filter_exit(void);

/*
 * The translation invalidations a move caused, by kind: what the probes of
 * mpmon_mmu.c add to the call (mpmon_inflight_add_inval()).
 */
enum mpmon_inval {
	MPMON_INV_TLBI_LOCAL,
	MPMON_INV_TLBI_GLOBAL,
	MPMON_INV_HPTE_REMOVED,
	MPMON_INV_HPTE_PROTECTED,
	MPMON_INV_IPI,
	MPMON_INV_HCALL,	/* + enum mpmon_hcall */
	MPMON_INV_NR = MPMON_INV_HCALL + MPMON_HCALL_NR
};

/* mpmon_inflight.c (struct mpmon_call: mpmon_call.h) */
int mpmon_inflight_init(unsigned int slots);
void mpmon_inflight_exit(void);
void mpmon_inflight_add(struct mpmon_call *c);
void mpmon_inflight_del(struct mpmon_call *c);
void mpmon_inflight_add_flush(unsigned int slot, u64 pages);
void mpmon_inflight_add_inval(unsigned int kind, u64 n);
void mpmon_inflight_add_status(unsigned long status, int start, int value,
			       int nr);
bool mpmon_inflight_current_moves(void);
void mpmon_inflight_add_migrate(const struct mpmon_migrate_batch *b);
void mpmon_inflight_add_thp(u64 moved, u64 split, u64 failed);

/* mpmon_tp.c: a kernel tracepoint the module attaches to, found by name */
struct tracepoint;

struct mpmon_tp {
	const char *name;
	void *probe;
	struct tracepoint *tp;
	bool active;
};

bool mpmon_tp_attach(struct mpmon_tp *t, const char *what);
void mpmon_tp_detach(struct mpmon_tp *tps, unsigned int n);

/* mpmon_migrate.c */
void mpmon_migrate_init(void);
void mpmon_migrate_exit(void);
bool mpmon_migrate_probed(void);
u32 mpmon_migrate_sources(void);

/* mpmon_stats.c */
int mpmon_stats_init(void);
void mpmon_stats_exit(void);
void mpmon_stats_inc_filtered(void);
void mpmon_stats_inc_dropped(void);
void mpmon_stats_add_dropped(u64 n);
void mpmon_stats_add_read(unsigned int n);
int mpmon_stats_read(struct mpmon_stats *out, u64 missed, bool reset,
		     int (*deliver)(struct mpmon_stats *out, void *ctx),
		     void *ctx);
u64 mpmon_stats_dropped(void);
void mpmon_stats_lock(void);
void mpmon_stats_unlock(void);
void mpmon_stats_reset_locked(u64 missed);

/* mpmon_ring.c */
int mpmon_ring_init(unsigned int capacity);
void mpmon_ring_exit(void);
void mpmon_ring_producers_lock(unsigned long *flags)
	__acquires(mpmon_ring_lock);
void mpmon_ring_producers_unlock(unsigned long flags)
	__releases(mpmon_ring_lock);
bool mpmon_ring_push_locked(const struct mpmon_event *ev);
void mpmon_ring_wake(void);
void mpmon_ring_drop(void);
bool mpmon_ring_full(void);
int mpmon_ring_read(struct mpmon_event __user *buf, u32 max, u32 stride,
		    int (*deliver)(u32 count, void *ctx), void *ctx);
void mpmon_ring_readers_lock(void);
void mpmon_ring_readers_unlock(void);
void mpmon_ring_clear_locked(void);
wait_queue_head_t *mpmon_ring_waitq(void);
u32 mpmon_ring_capacity(void);
bool mpmon_ring_readable(void);
int mpmon_ring_set_wakeup(u32 events, u32 ms);
void mpmon_ring_get_wakeup(u32 *events, u32 *ms);
struct mpmon_event *mpmon_ring_alloc(u32 capacity);
void mpmon_ring_free(struct mpmon_event *buf);
u64 mpmon_ring_resize_locked(struct mpmon_event *buf, u32 capacity,
			     struct mpmon_event **old);

/* mpmon_dev.c */
int mpmon_dev_init(void);
void mpmon_dev_exit(void);

/* mpmon_mmu.c */
int mpmon_mmu_init(void);
void mpmon_mmu_exit(void);
void mpmon_mmu_info(struct mpmon_info *info);
u32 mpmon_inval_sources(void);

#endif /* MPMON_H */
