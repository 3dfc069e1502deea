// SPDX-License-Identifier: GPL-2.0
/*
 * mpmin: the least a kretprobe monitor can do per move_pages call and still
 * keep mpmon's counters for it, written for speed and nothing else: the
 * lower bound of make bench's "mpmon / floor" for a dropped 1-page query.
 *
 * Entry: the enable and filter checks, the clock, three arguments read
 * straight from the user registers.  Return: the clock, the return value,
 * status[0] read back in a user-access window (a successful query's
 * outcome), a dozen per-CPU counters (calls, return class, mode, pages,
 * node, latency histogram, sum and maximum, dropped) and the global event
 * number a dropped event takes.  No event, no ring, no forensics, no
 * per-page runs beyond the first entry, no flush counters.
 *
 * With readback=0 it leaves out the read-back too: what the counters of
 * calls alone, without any per-page outcome, would cost.
 *
 * An experiment, not part of mpmon: tests/bench/hotpath-guest.sh loads it
 * as mode "min" (and "min0", readback=0).  Build as bench/hotpath/mphot.c says.
 */
#include <linux/atomic.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/sched/clock.h>
#include <linux/uaccess.h>
#include <asm/syscall.h>

#include "move_pages_kretprobe.h"

static bool readback = true;
module_param(readback, bool, 0444);
MODULE_PARM_DESC(readback, "read status[0] back (0: no per-page outcome, the counters of calls only)");

static char *symbol;
module_param(symbol, charp, 0444);
MODULE_PARM_DESC(symbol, "move_pages entry point (default: the architecture's)");

struct mpmin_call {
	u64 t0;
	unsigned long count;
	unsigned long status;
	bool query;
};

struct mpmin_stats {
	u64 calls, ret_zero, ret_other, query, move, pages;
	u64 node[64], node_overflow, unread;
	u64 lat_log2[64], lat_sum, lat_max, dropped;
};

static struct mpmin_stats __percpu *mpmin_pcpu;
static atomic64_t mpmin_seq;
static bool mpmin_enabled = true;
static void __rcu *mpmin_filter;	/* always NULL: the check's cost */

static int mpmin_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct mpmin_call *c = (struct mpmin_call *)ri->data;
	struct pt_regs *uregs = task_pt_regs(current);

	if (!READ_ONCE(mpmin_enabled) || rcu_access_pointer(mpmin_filter))
		return 1;
	c->t0 = local_clock();
#if defined(CONFIG_X86_64)
	c->count = uregs->si;
	c->query = !uregs->r10;
	c->status = uregs->r8;
#elif defined(CONFIG_PPC64)
	c->count = uregs->gpr[4];
	c->query = !uregs->gpr[6];
	c->status = uregs->gpr[7];
#else
#error "mpmin reads the syscall arguments of x86_64 and ppc64 only"
#endif
	return 0;
}

/* A successful call's first status entry: the node of its first page. */
static void mpmin_outcome(struct mpmin_stats *s, const int __user *u)
{
	int node;

	s->ret_zero++;
	pagefault_disable();
	if (!user_read_access_begin(u, sizeof(*u)))
		goto out;
	unsafe_get_user(node, u, fault);
	user_read_access_end();
	pagefault_enable();
	if ((unsigned int)node < 64)
		s->node[node]++;
	else
		s->node_overflow++;
	return;
fault:
	user_read_access_end();
out:
	pagefault_enable();
	s->unread++;
}

static int mpmin_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct mpmin_call *c = (struct mpmin_call *)ri->data;
	struct mpmin_stats *s = this_cpu_ptr(mpmin_pcpu);
	u64 ns = local_clock() - c->t0;
	long ret = regs_return_value(regs);

	s->calls++;
	if (ret == 0 && c->count && readback)
		mpmin_outcome(s, (const int __user *)c->status);
	else if (ret == 0)
		s->ret_zero++;
	else
		s->ret_other++;
	if (c->query)
		s->query++;
	else
		s->move++;
	s->pages += c->count;
	s->lat_log2[fls64(ns) & 63]++;
	s->lat_sum += ns;
	if (ns > s->lat_max)
		s->lat_max = ns;
	atomic64_inc(&mpmin_seq);
	s->dropped++;
	return 0;
}

static struct kretprobe mpmin_rp = {
	.entry_handler = mpmin_entry,
	.handler = mpmin_return,
	.data_size = sizeof(struct mpmin_call),
	.maxactive = 64,
};

static int __init mpmin_init(void)
{
	int ret;

	mpmin_pcpu = alloc_percpu(struct mpmin_stats);
	if (!mpmin_pcpu)
		return -ENOMEM;
	ret = register_move_pages_kretprobe(&mpmin_rp, symbol);
	if (ret)
		free_percpu(mpmin_pcpu);
	return ret;
}

static void __exit mpmin_exit(void)
{
	unregister_kretprobe(&mpmin_rp);
	free_percpu(mpmin_pcpu);
}

module_init(mpmin_init);
module_exit(mpmin_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("The least per-call work of a move_pages monitor with mpmon's counters (make bench experiment)");
