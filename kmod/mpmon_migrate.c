// SPDX-License-Identifier: GPL-2.0
/*
 * mpmon: what the migrate_pages() runs of a move_pages call did.
 *
 * do_pages_move() queues the pages of consecutive entries with the same
 * target node and hands each queue to migrate_pages() with
 * alloc_migration_target() and MR_SYSCALL.  A kretprobe on migrate_pages()
 * (a global function on every kernel and architecture mpmon supports, with
 * or without tracepoints) walks the queue at entry, by source node, and
 * again at return, when it holds exactly the folios that were not
 * migrated: the difference is what moved, from which node to which.  The
 * status array cannot tell this: when a run fails, move_pages() writes no
 * status for any page of it, also for those that moved.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/list.h>
#include <linux/migrate_mode.h>
#include <linux/mm.h>
#include <linux/sched/clock.h>
#include <linux/tracepoint.h>
#include <linux/uaccess.h>
#ifdef CONFIG_TRACEPOINTS
#include <trace/events/migrate.h>
#endif

#include "mpmon.h"
#include "mpmon_compat.h"

/* One migrate_pages() run, in its kretprobe instance. */
struct mpmon_migrate_run {
	u64 t0;
	struct list_head *from;
	struct mpmon_migrate_batch b;
};

static struct kretprobe mpmon_migrate_rp;
static bool mpmon_migrate_active;

/*
 * Whether a folio migrate_pages() gave up on still has references beyond
 * those its mappings, its page or swap cache and its isolation account
 * for: the kernel's reason to give up after its retries (pinned, under
 * I/O, held by get_user_pages()).  A large folio's mappings are counted
 * only where the kernel can do so inline (mpmon_folio_mapcount()).
 */
static bool mpmon_folio_busy(struct folio *folio)
{
	int maps = mpmon_folio_mapcount(folio);
	long refs;

	if (folio_maybe_dma_pinned(folio))
		return true;
	if (maps < 0)
		return false;
	refs = 1 + maps;
	if (folio_test_anon(folio) ? folio_test_swapcache(folio) :
				     !!folio->mapping)
		refs += folio_nr_pages(folio);
	if (folio_test_private(folio))
		refs++;
	return folio_ref_count(folio) > refs;
}

/*
 * Add the folios of @from to @b's source nodes (@sign +1) or, at return,
 * count them as left there (-1).  At most @limit folios: beyond, the run
 * is inexact.
 */
static bool mpmon_migrate_walk(struct mpmon_migrate_batch *b,
			       struct list_head *from, int sign,
			       unsigned int limit)
{
	struct folio *folio;
	unsigned int seen = 0, i;

	list_for_each_entry(folio, from, lru) {
		int nid = folio_nid(folio);
		u64 pages = folio_nr_pages(folio);

		if (++seen > limit)
			return false;
		for (i = 0; i < b->nr_src; i++)
			if (b->src[i].node == nid)
				break;
		if (i == b->nr_src) {
			if (sign < 0 || i == MPMON_MIGRATE_SRC)
				return false;	/* a node not seen at entry */
			b->src[i].node = nid;
			b->src[i].pages = 0;
			b->nr_src++;
		}
		if (sign > 0) {
			b->src[i].pages += pages;
			b->folios++;
		} else {
			b->src[i].left += pages;
			if (mpmon_folio_busy(folio))
				b->busy += pages;
		}
	}
	return true;
}

static int mpmon_migrate_entry(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	struct mpmon_migrate_run *r = (struct mpmon_migrate_run *)ri->data;
	unsigned long private = mpmon_kernel_arg(regs, 3);
	int target;

	/*
	 * Only move_pages()'s runs, in a call mpmon follows: MR_SYSCALL is
	 * also migrate_pages(2)'s, which the task cannot be in meanwhile,
	 * and a fault on the call's arrays migrates for another reason.
	 * Both pass alloc_migration_target() a migration_target_control,
	 * whose first member is the target node.
	 */
	if (mpmon_kernel_arg(regs, 5) != MR_SYSCALL ||
	    !mpmon_inflight_current_moves())
		return 1;
	if (get_kernel_nofault(target, (int *)private))
		return 1;
	r->from = (struct list_head *)mpmon_kernel_arg(regs, 0);
	memset(&r->b, 0, sizeof(r->b));
	r->b.target = target;
	r->b.exact = mpmon_migrate_walk(&r->b, r->from, 1, mpmon_max_status);
	r->t0 = local_clock();
	return 0;
}

static int mpmon_migrate_return(struct kretprobe_instance *ri,
				struct pt_regs *regs)
{
	struct mpmon_migrate_run *r = (struct mpmon_migrate_run *)ri->data;
	u64 t1 = local_clock();

	r->b.ns = t1 > r->t0 ? t1 - r->t0 : 0;
	r->b.ret = (int)regs_return_value(regs);	/* an int */
	if (r->b.exact)
		r->b.exact = mpmon_migrate_walk(&r->b, r->from, -1,
						mpmon_max_status);
	mpmon_inflight_add_migrate(&r->b);
	return 0;
}

#ifdef CONFIG_TRACEPOINTS
/*
 * migrate:mm_migrate_pages ends every migrate_pages() run with its counts,
 * the THPs' among them.  Only runs of a move mpmon follows are counted;
 * THPs split are also in thp_failed.
 */
static void mpmon_migrate_tp(void *data, unsigned long succeeded,
			     unsigned long failed, unsigned long thp_succeeded,
			     unsigned long thp_failed, unsigned long thp_split,
#ifdef MPMON_TP_LARGE_FOLIO_SPLIT	/* 6.7 on; see Kbuild */
			     unsigned long large_folio_split,
#endif
			     enum migrate_mode mode, int reason)
{
	if (reason != MR_SYSCALL)
		return;
	mpmon_inflight_add_thp(thp_succeeded, thp_split,
			       thp_failed > thp_split ? thp_failed - thp_split : 0);
}

static struct mpmon_tp mpmon_migrate_tp_point = {
	.name = "mm_migrate_pages", .probe = mpmon_migrate_tp,
};

static void mpmon_migrate_tp_init(void)
{
	check_trace_callback_type_mm_migrate_pages(mpmon_migrate_tp);
	mpmon_tp_attach(&mpmon_migrate_tp_point, "THPs");
}

static void mpmon_migrate_tp_exit(void)
{
	mpmon_tp_detach(&mpmon_migrate_tp_point, 1);
}

static bool mpmon_migrate_tp_active(void)
{
	return mpmon_migrate_tp_point.active;
}
#else
static void mpmon_migrate_tp_init(void) { }
static void mpmon_migrate_tp_exit(void) { }
static bool mpmon_migrate_tp_active(void) { return false; }
#endif

void mpmon_migrate_init(void)
{
	int ret;

	if (!mpmon_migrate_probes)
		return;	/* module parameter migrate_probes=0 */
	mpmon_migrate_rp.kp.symbol_name = "migrate_pages";
	mpmon_migrate_rp.entry_handler = mpmon_migrate_entry;
	mpmon_migrate_rp.handler = mpmon_migrate_return;
	mpmon_migrate_rp.data_size = sizeof(struct mpmon_migrate_run);
	mpmon_migrate_rp.maxactive = mpmon_maxactive;
	ret = register_kretprobe(&mpmon_migrate_rp);
	if (ret) {
		pr_info("migrate_pages not probed (error %d): migrations are not counted\n",
			ret);
		return;
	}
	mpmon_migrate_active = true;
	mpmon_migrate_tp_init();
}

/*
 * After mpmon_probe_quiesce(): an instance lives only inside a move_pages
 * call mpmon follows, and returns before it, so none is in flight.  The
 * tracepoint's probes have all returned once it is unregistered.
 */
void mpmon_migrate_exit(void)
{
	mpmon_migrate_tp_exit();
	if (mpmon_migrate_active)
		unregister_kretprobe(&mpmon_migrate_rp);
	mpmon_migrate_active = false;
}

bool mpmon_migrate_probed(void)
{
	return mpmon_migrate_active;
}

/* What mpmon_stats' migration counters come from: MPMON_MIGRATE_*. */
u32 mpmon_migrate_sources(void)
{
	u32 sources = 0;

	if (mpmon_migrate_active)
		sources |= MPMON_MIGRATE_RUNS | MPMON_MIGRATE_STAYED |
			   MPMON_MIGRATE_REASONS;
	if (mpmon_migrate_tp_active())
		sources |= MPMON_MIGRATE_THP;
	return sources;
}
