// SPDX-License-Identifier: GPL-2.0
/*
 * mphot: where mpmon's cost per call goes.  The floor's kretprobe on the
 * move_pages entry point (bench/floor) plus the pieces of mpmon's hot path
 * (kmod/mpmon_probe.c, mpmon_ring.c, mpmon_stats.c) chosen by the bits of
 * the work parameter, each done the way mpmon does it:
 *
 *     1  ktime_get_ns() at entry and at return
 *     2  copy_from_user_nofault(): pages[0] at entry, status[0] at return
 *     4  zero the 392-byte event and the 2 x 64-byte flush counters
 *     8  push: raw spinlock, 392-byte copy into a vmalloc ring, wq_has_sleeper
 *    16  the in-flight table: hashed bucket lock add/del, atomic inc/dec
 *    32  atomic64_inc_return() of a global sequence number
 *    64  a dozen per-CPU counters spread over a 6 KiB struct
 *   128  caller identity: rcu read section, cpu_to_node, from_kuid,
 *        strscpy_pad of comm, in_compat_syscall
 *   256  the in-flight table since 16e2896: claim the first free slot of
 *        128 with cmpxchg(), release it with WRITE_ONCE(), atomic inc/dec
 *   512  ktime_get_mono_fast_ns() at entry and at return (since 16e2896)
 *  1024  local_clock() at entry and at return (since 5111dea)
 *  2048  copy_from_user_nofault() of status[0] at return only (what a
 *        query costs when its event is dropped, since 19785a0)
 *  4096  status[0] at return with unsafe_get_user() in a user-access
 *        window under pagefault_disable() (mpmon since 19b49d5)
 *  8192  the same user-access window opened and closed, nothing read
 *
 * Bits 1 and 16 are mpmon before commit 16e2896, bits 512 and 256 after.
 * A call whose event is dropped (the ring full) costs since 5111dea about
 * 1024 + 2048 + 32 + 64.
 *
 * An experiment, not part of mpmon: tests/bench/hotpath-guest.sh loads it
 * once per bit and compares the ns/call of 1-page queries.  Build:
 *   eval "$(scripts/fetch-kernel --arch ppc64le --quiet)"
 *   make -C "$KDIR" M=$PWD/bench/hotpath ARCH=powerpc \
 *        CROSS_COMPILE=powerpc64le-linux-gnu- modules
 */
#include <linux/atomic.h>
#include <linux/cred.h>
#include <linux/hash.h>
#include <linux/kprobes.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/topology.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <linux/compat.h>
#include <asm/syscall.h>

#include "move_pages_kretprobe.h"

static unsigned int work;
module_param(work, uint, 0444);
MODULE_PARM_DESC(work, "bit mask of the pieces of mpmon's hot path to do");

static char *symbol;
module_param(symbol, charp, 0444);
MODULE_PARM_DESC(symbol, "move_pages entry point (default: the architecture's)");

struct ev { char b[392]; };
struct call {
	struct hlist_node node;
	struct task_struct *task;
	int slot;
	unsigned long pages, status;
	u64 t0;
	u64 flush[16];
	struct ev ev;
};

static struct ev *ring;
static u64 head;
static DEFINE_RAW_SPINLOCK(ring_lock);
static DECLARE_WAIT_QUEUE_HEAD(waitq);
static struct hlist_head inflight[64];
static raw_spinlock_t inflight_lock[64];
static atomic_t inflight_count;
static atomic64_t seq;
struct stats { u64 c[783]; };
static struct stats __percpu *pcpu;
static struct call *slots[128];
static volatile u64 sink;

static int mphot_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct call *c = (struct call *)ri->data;
	unsigned long args[6], p[1];

	syscall_get_arguments(current, task_pt_regs(current), args);
	if (work & 4) {
		memset(&c->ev, 0, sizeof(c->ev));
		memset(c->flush, 0, sizeof(c->flush));
	}
	c->pages = args[2];
	c->status = args[4];
	c->task = current;
	if (work & 1)
		c->t0 = ktime_get_ns();
	if (work & 512)
		c->t0 = ktime_get_mono_fast_ns();
	if (work & 1024)
		c->t0 = local_clock();
	if (work & 256) {
		unsigned int i;

		c->slot = -1;
		for (i = 0; i < ARRAY_SIZE(slots); i++) {
			if (!READ_ONCE(slots[i]) && !cmpxchg(&slots[i], NULL, c)) {
				c->slot = i;
				atomic_inc(&inflight_count);
				break;
			}
		}
	}
	if (work & 2) {
		if (!copy_from_user_nofault(p, (void __user *)args[2], sizeof(p)))
			sink += p[0];
	}
	if (work & 128) {
		unsigned int cpu = smp_processor_id();

		rcu_read_lock();
		sink += cpu_to_node(cpu);
		sink += from_kuid(&init_user_ns, current_uid());
		rcu_read_unlock();
		strscpy_pad(c->ev.b, current->comm, 16);
		sink += in_compat_syscall();
	}
	if (work & 16) {
		unsigned int b = hash_ptr(c->task, 6);
		unsigned long flags;

		raw_spin_lock_irqsave(&inflight_lock[b], flags);
		hlist_add_head(&c->node, &inflight[b]);
		raw_spin_unlock_irqrestore(&inflight_lock[b], flags);
		atomic_inc(&inflight_count);
	}
	return 0;
}

static int mphot_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct call *c = (struct call *)ri->data;
	int st[1];

	if (work & 16) {
		unsigned int b = hash_ptr(c->task, 6);
		unsigned long flags;

		raw_spin_lock_irqsave(&inflight_lock[b], flags);
		hlist_del(&c->node);
		raw_spin_unlock_irqrestore(&inflight_lock[b], flags);
		atomic_dec(&inflight_count);
	}
	if (work & 256 && c->slot >= 0) {
		WRITE_ONCE(slots[c->slot], NULL);
		atomic_dec(&inflight_count);
	}
	if (work & 1)
		sink += ktime_get_ns() - c->t0;
	if (work & 512)
		sink += ktime_get_mono_fast_ns() - c->t0;
	if (work & 1024)
		sink += local_clock() - c->t0;
	if (work & (2 | 2048)) {
		if (!copy_from_user_nofault(st, (void __user *)c->status, sizeof(st)))
			sink += st[0];
	}
	if (work & 4096) {
		const int __user *u = (const int __user *)c->status;

		pagefault_disable();
		if (user_read_access_begin(u, sizeof(*u))) {
			unsafe_get_user(st[0], u, fault);
			sink += st[0];
fault:
			user_read_access_end();
		}
		pagefault_enable();
	}
	if (work & 8192) {
		const int __user *u = (const int __user *)c->status;

		if (user_read_access_begin(u, sizeof(*u)))
			user_read_access_end();
	}
	if (work & 32)
		sink += atomic64_inc_return(&seq);
	if (work & 64) {
		struct stats *s = this_cpu_ptr(pcpu);

		s->c[0]++; s->c[1]++; s->c[138]++; s->c[140]++; s->c[141]++;
		s->c[400]++; s->c[420]++; s->c[700]++; s->c[720]++; s->c[721]++;
		s->c[760]++; s->c[770]++;
	}
	if (work & 8) {
		unsigned long flags;

		raw_spin_lock_irqsave(&ring_lock, flags);
		ring[head % 4096] = c->ev;
		head++;
		raw_spin_unlock_irqrestore(&ring_lock, flags);
		if (wq_has_sleeper(&waitq))
			wake_up_interruptible(&waitq);
	}
	return 0;
}

static struct kretprobe rp = {
	.entry_handler = mphot_entry,
	.handler = mphot_return,
	.data_size = sizeof(struct call),
	.maxactive = 64,
};

static int __init mphot_init(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < 64; i++) {
		INIT_HLIST_HEAD(&inflight[i]);
		raw_spin_lock_init(&inflight_lock[i]);
	}
	ring = vzalloc(4096 * sizeof(*ring));
	pcpu = alloc_percpu(struct stats);
	if (!ring || !pcpu) {
		vfree(ring);
		free_percpu(pcpu);
		return -ENOMEM;
	}
	ret = register_move_pages_kretprobe(&rp, symbol);
	if (ret) {
		vfree(ring);
		free_percpu(pcpu);
	}
	return ret;
}

static void __exit mphot_exit(void)
{
	unregister_kretprobe(&rp);
	vfree(ring);
	free_percpu(pcpu);
}

module_init(mphot_init);
module_exit(mphot_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("The floor kretprobe plus chosen pieces of mpmon's hot path (make bench experiment)");
