// SPDX-License-Identifier: GPL-2.0
/*
 * mpmon: the probes.
 *
 * A kretprobe on the move_pages entry point records each call; its entry
 * handler applies the filter (mpmon_filter.c) and its return handler
 * works out the per-page outcome (mpmon_outcome.c) and accounts the call
 * (mpmon_stats.c) and its event (mpmon_ring.c).  Per-page outcomes of move
 * mode come from a kprobe on store_status(), through which
 * do_pages_move() writes every status entry it writes: counting there is
 * exact, where reading the user's array back after a partial failure would
 * count stale data; it finds its call in the in-flight table
 * (mpmon_inflight.c).  Query mode (nodes == NULL) fills the whole array on
 * success, so it is read back at return.
 *
 * Probe handlers run with preemption disabled: nothing here sleeps, user
 * memory is only read with page faults disabled (copy_from_user_nofault(),
 * or mpmon_status_readback()), and the work per call is bounded by
 * max_status whatever count is.  The entry handler and the
 * kprobes may run from a trap that lockdep counts as NMI (an unoptimized
 * kprobe): they take no lock and read only NMI-safe clocks.  Only the
 * return handler, which runs in task context, takes the ring's lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compat.h>
#include <linux/delay.h>
#include <linux/cred.h>
#include <linux/kprobes.h>
#include <linux/ktime.h>
#include <linux/sizes.h>
#include <linux/minmax.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/topology.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>
#include <asm/syscall.h>

#include "mpmon.h"
#include "mpmon_call.h"
#include "mpmon_compat.h"

/* The move_pages entry point of each architecture, most specific first. */
static const char * const mpmon_entry_symbols[] = {
	"__x64_sys_move_pages",
	"__arm64_sys_move_pages",
	"sys_move_pages",
};

static struct kretprobe mpmon_rp;
static struct kretprobe mpmon_rp_ia32;	/* x86_64: 32-bit callers */
static bool mpmon_rp_ia32_active;
static struct kprobe mpmon_store_kp;
static bool mpmon_store_active;

/*
 * Instances between entry and return handler, counted per CPU (a call may
 * return on another CPU than it entered on: only the sum means anything),
 * and whether unloading has begun (see mpmon_probe_quiesce()).
 */
static DEFINE_PER_CPU(long, mpmon_instances);
static bool mpmon_quiescing;

/* How long unloading waits for the calls in flight to return. */
#define MPMON_QUIESCE_MS	(60 * MSEC_PER_SEC)

/* ---- the probes ------------------------------------------------------------- */

/* First entries of pages[] and nodes[], for forensics. */
static void mpmon_read_args(struct mpmon_event *ev, unsigned long upages,
			    unsigned long unodes)
{
	unsigned int n = min_t(u64, ev->count, MPMON_FORENSIC);
	unsigned int i;

	ev->nr_forensic = n;
	if (!n)
		return;
	if (ev->flags & MPMON_EV_COMPAT) {
		u32 p32[MPMON_FORENSIC];

		if (copy_from_user_nofault(p32, (void __user *)upages,
					   n * sizeof(u32)))
			ev->flags |= MPMON_EV_ARGS_FAULT;
		else
			for (i = 0; i < n; i++)
				ev->pages[i] = p32[i];
	} else {
		unsigned long p[MPMON_FORENSIC];

		if (copy_from_user_nofault(p, (void __user *)upages,
					   n * sizeof(unsigned long)))
			ev->flags |= MPMON_EV_ARGS_FAULT;
		else
			for (i = 0; i < n; i++)
				ev->pages[i] = p[i];
	}
	if (unodes && copy_from_user_nofault(ev->nodes, (void __user *)unodes,
					     n * sizeof(int)))
		ev->flags |= MPMON_EV_ARGS_FAULT;
}

/* Who made the call and what it asked for: what only the event carries. */
static noinline void mpmon_event_identity(struct mpmon_event *ev,
					  unsigned long upages,
					  unsigned long unodes)
{
	unsigned int cpu = smp_processor_id();

	ev->cpu = cpu;
	ev->cpu_node = cpu_to_node(cpu);
	ev->tgid = current->tgid;
	ev->pid = current->pid;
	ev->uid = from_kuid(&init_user_ns, current_uid());
	strscpy_pad(ev->comm, current->comm, sizeof(ev->comm));
	mpmon_read_args(ev, upages, unodes);
}

/*
 * A 32-bit call's arguments as the kernel uses them.  x86_64's
 * syscall_get_arguments() returns whole registers, which a 64-bit process
 * entering through int $0x80 may have left with high bits set; the ia32
 * wrapper zero-extends each from 32 bits (SC_IA32_REGS_TO_ARGS), and so
 * does this.  powerpc masks them already.
 */
static void mpmon_compat_args(unsigned long *args)
{
	unsigned int i;

	for (i = 0; i < 6; i++)
		args[i] = (u32)args[i];
}

/* What the counters of every call read from its arguments. */
static void mpmon_event_args(struct mpmon_event *ev, const unsigned long *args)
{
	ev->count = args[1];
	ev->mode = args[3] ? MPMON_MODE_MOVE : MPMON_MODE_QUERY;
	ev->mp_flags = (u32)args[5];
}

/*
 * Every call but a counters-only query: the event (recorded, or kept to
 * the fields the counters read when it will be dropped), and for a move
 * its place in the in-flight table.
 */
static noinline void mpmon_entry_call(struct mpmon_call *c, bool compat)
{
	struct mpmon_event *ev = &c->ev;
	const unsigned long *args = c->args;

	/*
	 * A call made while the ring is full will be dropped and counted as
	 * such, like one made while events are off: only the fields the
	 * counters read are set, and the rest of the event, which nobody
	 * will see, is left as it is.
	 */
	c->record = c->offered && !mpmon_ring_full();
	if (c->record) {
		memset(ev, 0, sizeof(*ev));
		ev->ts_ns = ktime_get_mono_fast_ns();
		mpmon_event_args(ev, args);
	} else {
		ev->flags = 0;
		mpmon_event_clear_outcome(ev, false);
	}
	ev->size = sizeof(*ev);
	if (compat)
		ev->flags |= MPMON_EV_COMPAT;
	ev->target_pid = (int)args[0];
	c->task = current;
	c->slot = -1;
	if (c->record)
		mpmon_event_identity(ev, args[2], args[3]);
	/*
	 * The store_status() and flush probes look for moves only: a query
	 * writes its status array at once and migrates nothing.
	 */
	if (ev->mode == MPMON_MODE_MOVE) {
		memset(c->flush_calls, 0, sizeof(c->flush_calls));
		memset(c->flush_pages, 0, sizeof(c->flush_pages));
		memset(c->inval, 0, sizeof(c->inval));
		memset(&c->mig, 0, sizeof(c->mig));
		mpmon_inflight_add(c);
	}
}

static int mpmon_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct mpmon_call *c = (struct mpmon_call *)ri->data;
	unsigned long *args = c->args;
	bool compat;

	/* Unloading: no new instance, so that none is left in flight. */
	if (!READ_ONCE(mpmon_enabled) || READ_ONCE(mpmon_quiescing))
		return 1;	/* no instance: the return is not seen */
	if (!mpmon_filter_match()) {
		mpmon_stats_inc_filtered();
		return 1;
	}
	/* The task's user registers: independent of the syscall wrapper. */
	syscall_get_arguments(current, task_pt_regs(current), args);
	compat = in_compat_syscall();
	if (compat)
		mpmon_compat_args(args);
	/*
	 * The latency is timed with the clock ftrace stamps its events with
	 * by default (local_clock(): the timebase on POWER, the TSC on
	 * x86_64), NMI-safe and cheap; CLOCK_MONOTONIC's accessor reads the
	 * clocksource, which can be an MMIO device (HPET where the TSC is
	 * unusable), and is read only for an event that is kept.
	 */
	c->t0 = local_clock();
	/*
	 * A query made while events are off (no reader attached: the common
	 * case of mpmon loaded for its counters) needs no more: its return
	 * counts it straight from its status array.
	 */
	c->offered = READ_ONCE(mpmon_events_on);
	c->record = false;
	mpmon_event_args(&c->ev, args);
	if (c->offered || c->ev.mode == MPMON_MODE_MOVE)
		mpmon_entry_call(c, compat);
	__this_cpu_inc(mpmon_instances);
	return 0;
}

static inline u32 mpmon_sat32(u64 v)
{
	return min_t(u64, v, U32_MAX);
}

#define MPMON_EV_ANATOMY (MPMON_EV_MIGRATION | MPMON_EV_RUNS | MPMON_EV_THP | \
			  MPMON_EV_STAYED)

/*
 * What a move's migrate_pages() runs did, where they were all followed,
 * and the translation invalidations it caused: into its event, from
 * pages_moved on, and into c->stayed for the counters.
 */
static void mpmon_event_migration(struct mpmon_call *c)
{
	struct mpmon_event *ev = &c->ev;
	u64 other;
	unsigned int i;
	s64 stayed;

	memset((char *)ev + offsetof(struct mpmon_event, pages_moved), 0,
	       sizeof(*ev) - offsetof(struct mpmon_event, pages_moved));
	ev->flags &= ~MPMON_EV_ANATOMY;
	c->stayed = -1;
	if (ev->mode != MPMON_MODE_MOVE)
		return;
	ev->inval_sources = mpmon_inval_sources();
	if (ev->inval_sources) {
		ev->tlbi_local = mpmon_sat32(c->inval[MPMON_INV_TLBI_LOCAL]);
		ev->tlbi_global = mpmon_sat32(c->inval[MPMON_INV_TLBI_GLOBAL]);
		ev->hpte_removed = mpmon_sat32(c->inval[MPMON_INV_HPTE_REMOVED]);
		ev->hpte_protected =
			mpmon_sat32(c->inval[MPMON_INV_HPTE_PROTECTED]);
		ev->shootdown_ipis = mpmon_sat32(c->inval[MPMON_INV_IPI]);
		for (i = 0; i < MPMON_EVENT_HCALLS; i++)
			ev->hcalls[i] = mpmon_sat32(c->inval[MPMON_INV_HCALL + i]);
	}
	if (!mpmon_migrate_probed() || c->mig.inexact)
		return;
	ev->flags |= MPMON_EV_MIGRATION | MPMON_EV_RUNS;
	ev->pages_moved = mpmon_sat32(c->mig.moved);
	ev->pages_failed = mpmon_sat32(c->mig.failed);
	ev->migrate_batches = mpmon_sat32(c->mig.batches);
	ev->migrate_ns = c->mig.ns;
	ev->failed_busy = mpmon_sat32(c->mig.busy);
	ev->failed_nomem = mpmon_sat32(c->mig.nomem);
	ev->failed_other = mpmon_sat32(mpmon_mig_failed_other(c));
	other = c->mig.moved_other;
	for (i = 0; i < c->mig.nr_moves; i++) {
		struct mpmon_event_move *m = &ev->moves[ev->nr_moves];

		if (ev->nr_moves == MPMON_EVENT_MOVES ||
		    (u32)c->mig.moves[i].from > U16_MAX ||
		    (u32)c->mig.moves[i].to > U16_MAX) {
			other += c->mig.moves[i].pages;
			continue;
		}
		m->from = c->mig.moves[i].from;
		m->to = c->mig.moves[i].to;
		m->pages = mpmon_sat32(c->mig.moves[i].pages);
		ev->nr_moves++;
	}
	ev->moved_other = mpmon_sat32(other);
	if (mpmon_migrate_sources() & MPMON_MIGRATE_THP) {
		ev->flags |= MPMON_EV_THP;
		ev->thp_moved = mpmon_sat32(c->mig.thp_moved);
		ev->thp_split = mpmon_sat32(c->mig.thp_split);
		ev->thp_failed = mpmon_sat32(c->mig.thp_failed);
	}
	/* every status write seen, or read back after a 0 */
	stayed = mpmon_outcome_stayed(c, mpmon_store_active || ev->ret == 0);
	c->stayed = stayed;
	if (stayed >= 0) {
		ev->flags |= MPMON_EV_STAYED;
		ev->pages_stayed = mpmon_sat32(stayed);
	}
}

/*
 * Every call but a counters-only query: its outcome from the status
 * entries seen or read back, its counters, and its event.  Out of line,
 * so that the lock's flags on its stack cost the fast path no canary.
 */
static noinline void mpmon_return_call(struct mpmon_call *c)
{
	struct mpmon_event *ev = &c->ev;
	bool readback, stored = false;
	unsigned long flags;
	unsigned int i;

	if (ev->mode == MPMON_MODE_MOVE)
		mpmon_inflight_del(c);
	/*
	 * A call that returned 0 wrote every entry, so reading them back is
	 * exact.  Do that for queries, and for moves whose store_status()
	 * writes were not all seen: a compiler may inline store_status() at
	 * some call sites (Debian's x86_64 kernels), which the probe misses.
	 */
	readback = ev->mode == MPMON_MODE_QUERY || ev->pages_written != ev->count;
	if (readback && ev->ret == 0) {
		if (ev->pages_written)
			mpmon_event_clear_outcome(ev, c->record);
		mpmon_status_readback(c);
	}
	ev->pages_unknown = 0;
	if (ev->ret > 0 && ev->mode == MPMON_MODE_MOVE && !mpmon_store_active) {
		/* Which entries were written cannot be known: say so. */
		ev->flags |= MPMON_EV_INEXACT;
		ev->pages_unknown = ev->count - ev->pages_written;
	}
	ev->pages_not_written = ev->count - ev->pages_written -
				ev->pages_truncated - ev->pages_unknown;

	mpmon_event_migration(c);
	ev->flush_calls = 0;
	ev->flush_pages = 0;
	for (i = 0; ev->mode == MPMON_MODE_MOVE && i < MPMON_FLUSH_PROBES; i++) {
		ev->flush_calls += c->flush_calls[i];
		ev->flush_pages += c->flush_pages[i];
	}
	if (!c->offered) {
		/* No event: nothing to keep in step with the ring. */
		mpmon_stats_account(c);
		return;
	}
	/*
	 * Accounted and stored in one step with respect to RESET.  The
	 * counters count the drop of an event the ring had no room for.
	 */
	mpmon_ring_producers_lock(&flags);
	mpmon_stats_account(c);
	if (!c->record)
		mpmon_ring_drop();
	else if (!mpmon_ring_push_locked(ev))
		mpmon_stats_inc_dropped();
	else
		stored = true;
	mpmon_ring_producers_unlock(flags);
	if (stored)
		mpmon_ring_wake();
}

static int mpmon_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct mpmon_call *c = (struct mpmon_call *)ri->data;
	struct mpmon_event *ev = &c->ev;
	u64 t1 = local_clock();

	/*
	 * Where the scheduler clock is per CPU (an unsynchronised TSC), a
	 * call that changed CPU may read a slightly earlier time at return.
	 */
	ev->latency_ns = t1 > c->t0 ? t1 - c->t0 : 0;
	ev->ret = (long)regs_return_value(regs);
	/* With events off, a query's counters come straight from its status. */
	if (!c->offered && ev->mode == MPMON_MODE_QUERY)
		mpmon_stats_account_query(c);
	else
		mpmon_return_call(c);
	__this_cpu_dec(mpmon_instances);
	return 0;
}

/* store_status(int __user *status, int start, int value, int nr) */
static int mpmon_store_status(struct kprobe *p, struct pt_regs *regs)
{
	mpmon_inflight_add_status(mpmon_kernel_arg(regs, 0),
				  (int)mpmon_kernel_arg(regs, 1),
				  (int)mpmon_kernel_arg(regs, 2),
				  (int)mpmon_kernel_arg(regs, 3));
	return 0;
}

/*
 * How far from the move_pages entry point mm/migrate.c's store_status()
 * may lie: both are in that one file, whose code is a few tens of KiB
 * (20 KiB apart in Debian's 6.1 ppc64le kernel; the namesake in x86_64's
 * is 4.4 MiB away).
 */
#define MPMON_SAME_FILE_SPAN	SZ_64K

/*
 * store_status() is static: a name, not an address.  Where mm/migrate.c's
 * copy is inlined or renamed (.constprop, .isra: other arguments), the
 * name resolves to a namesake such as drivers/cpufreq/intel_pstate.c's
 * sysfs handler.  The probe is armed only at an address in mm/migrate.c,
 * which the move_pages entry point (SYSCALL_DEFINE6 in that file) anchors.
 */
static int mpmon_store_probe_init(void)
{
	unsigned long at, anchor = (unsigned long)mpmon_rp.kp.addr;
	int ret;

	mpmon_store_kp.symbol_name = mpmon_status_probe;
	mpmon_store_kp.pre_handler = mpmon_store_status;
	mpmon_store_kp.flags = KPROBE_FLAG_DISABLED;
	ret = register_kprobe(&mpmon_store_kp);
	if (ret)
		return ret;
	at = (unsigned long)mpmon_store_kp.addr;
	if ((at > anchor ? at - anchor : anchor - at) > MPMON_SAME_FILE_SPAN) {
		pr_warn("%s at %pS is not mm/migrate.c's (%pS is %lu KiB away): refused\n",
			mpmon_status_probe, mpmon_store_kp.addr,
			mpmon_rp.kp.addr,
			(at > anchor ? at - anchor : anchor - at) >> 10);
		unregister_kprobe(&mpmon_store_kp);
		return -ENOENT;
	}
	ret = enable_kprobe(&mpmon_store_kp);
	if (ret)
		unregister_kprobe(&mpmon_store_kp);
	return ret;
}

static void mpmon_kretprobe_setup(struct kretprobe *rp, const char *sym)
{
	rp->kp.symbol_name = sym;
	rp->entry_handler = mpmon_entry;
	rp->handler = mpmon_return;
	rp->data_size = sizeof(struct mpmon_call);
	rp->maxactive = mpmon_maxactive;
}

int mpmon_probe_init(const char *symbol)
{
	unsigned int i;
	int ret = -ENOENT;

	/* A slot for every instance of both kretprobes. */
	ret = mpmon_inflight_init(2 * mpmon_maxactive);
	if (ret)
		return ret;
	ret = -ENOENT;

	if (symbol) {
		mpmon_kretprobe_setup(&mpmon_rp, symbol);
		ret = register_kretprobe(&mpmon_rp);
	} else {
		for (i = 0; i < ARRAY_SIZE(mpmon_entry_symbols); i++) {
			memset(&mpmon_rp, 0, sizeof(mpmon_rp));
			mpmon_kretprobe_setup(&mpmon_rp, mpmon_entry_symbols[i]);
			ret = register_kretprobe(&mpmon_rp);
			if (!ret)
				break;
		}
	}
	if (ret) {
		pr_err("cannot probe the move_pages entry point %s: error %d\n",
		       symbol ?: "(none of the known symbols)", ret);
		goto err_free;
	}

	/* 32-bit callers on x86_64 enter through their own wrapper. */
	if (!symbol && !strcmp(mpmon_rp.kp.symbol_name, "__x64_sys_move_pages")) {
		mpmon_kretprobe_setup(&mpmon_rp_ia32, "__ia32_sys_move_pages");
		mpmon_rp_ia32_active = !register_kretprobe(&mpmon_rp_ia32);
	}

	mpmon_store_active = !mpmon_store_probe_init();
	if (!mpmon_store_active)
		pr_warn("%s() not probed: move-mode page outcomes are read back at return, inexact when a call partly fails\n",
			mpmon_status_probe);
	return 0;

err_free:
	mpmon_inflight_exit();
	return ret;
}

/*
 * Before unloading: take no new call, and wait until every call in flight
 * has returned through its return handler.  Unregistering a kretprobe
 * while instances are in flight is not safe on every kernel (Debian's
 * x86_64 kernels oops in the return path afterwards, an empty kretprobe
 * too).  A move_pages call returns in milliseconds to seconds; one that
 * is still in flight after MPMON_QUIESCE_MS is reported, and unloading
 * goes on.
 */
static long mpmon_instances_in_flight(void)
{
	long n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += READ_ONCE(per_cpu(mpmon_instances, cpu));
	return n;
}

void mpmon_probe_quiesce(void)
{
	unsigned int waited = 0;

	WRITE_ONCE(mpmon_quiescing, true);
	/*
	 * Handlers run with preemption disabled: once every entry handler
	 * that may have missed the flag has finished, the count can only
	 * fall.
	 */
	synchronize_rcu();
	while (mpmon_instances_in_flight() && waited < MPMON_QUIESCE_MS) {
		msleep(20);
		waited += 20;
	}
	if (mpmon_instances_in_flight())
		pr_warn("unloading with %ld move_pages calls still in flight after %u s\n",
			mpmon_instances_in_flight(), waited / 1000);
	else if (waited)
		pr_info("waited %u ms for the move_pages calls in flight\n",
			waited);
	/*
	 * The last return handler has counted itself out, but the kernel's
	 * return trampoline still runs a little after it (and recycles the
	 * instance): let it finish before the kretprobe goes away.
	 */
	synchronize_rcu();
}

void mpmon_probe_exit(void)
{
	/* Unregistering waits until no handler of these probes is running. */
	if (mpmon_store_active)
		unregister_kprobe(&mpmon_store_kp);
	if (mpmon_rp_ia32_active)
		unregister_kretprobe(&mpmon_rp_ia32);
	unregister_kretprobe(&mpmon_rp);
	mpmon_filter_exit();
	mpmon_inflight_exit();
}

const char *mpmon_probe_symbol(void)
{
	return mpmon_rp.kp.symbol_name;
}

/* The function whose calls give move mode's outcomes; "" if none. */
const char *mpmon_probe_status_probe(void)
{
	return mpmon_store_active ? mpmon_status_probe : "";
}

u32 mpmon_probe_status_source(void)
{
	return mpmon_store_active ? MPMON_STATUS_STORE_PROBE :
				    MPMON_STATUS_READBACK;
}

u64 mpmon_probe_nmissed(void)
{
	/* No free instance, or the probe hit while another was running. */
	u64 n = mpmon_rp.nmissed + mpmon_rp.kp.nmissed;

	if (mpmon_rp_ia32_active)
		n += mpmon_rp_ia32.nmissed + mpmon_rp_ia32.kp.nmissed;
	return n;
}
