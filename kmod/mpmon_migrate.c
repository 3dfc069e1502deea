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
#include <linux/uaccess.h>

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
 * Add the folios of @from to @b's source nodes (@sign +1) or take them
 * away (-1).  At most @limit folios: beyond, the run is inexact.
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
		if (sign > 0)
			b->src[i].pages += pages;
		else
			b->src[i].left += pages;
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
	r->b.ret = (long)regs_return_value(regs);
	if (r->b.exact)
		r->b.exact = mpmon_migrate_walk(&r->b, r->from, -1,
						mpmon_max_status);
	mpmon_inflight_add_migrate(&r->b);
	return 0;
}

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
}

/*
 * After mpmon_probe_quiesce(): an instance lives only inside a move_pages
 * call mpmon follows, and returns before it, so none is in flight.
 */
void mpmon_migrate_exit(void)
{
	if (mpmon_migrate_active)
		unregister_kretprobe(&mpmon_migrate_rp);
	mpmon_migrate_active = false;
}

bool mpmon_migrate_probed(void)
{
	return mpmon_migrate_active;
}
