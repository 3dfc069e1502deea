// SPDX-License-Identifier: GPL-2.0
/*
 * mpmon: the translation context of the machine, and the translation-flush
 * work done on behalf of each move_pages call.
 *
 * Migrating a page tears down its translation: on a POWER hash MMU the
 * HPTEs are invalidated (flush_hash_page(), flush_hash_range()); on radix
 * the TLB entries are (radix__flush_tlb_*()).  A kprobe on each of those
 * functions that exists for the running MMU counts calls, and the pages
 * they cover, into the move_pages call of the current task.  On x86_64 the
 * tlb:tlb_flush tracepoint counts the local flushes and the rounds of
 * shootdown IPIs the task makes (see mpmon_tlb_flush()).
 * The functions run often outside move_pages, so the handler leaves at once
 * when no call is in flight, and otherwise after one hash lookup.  Work is
 * attributed by task, so it stays with its call when the task sleeps or
 * moves to another CPU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/of.h>
#include <linux/preempt.h>
#include <linux/string.h>
#if defined(CONFIG_PPC_BOOK3S_64)
#include <asm/cputable.h>
#include <asm/firmware.h>
#include <asm/hvcall.h>
#include <asm/machdep.h>
#include <asm/mmu.h>
#include <asm/reg.h>
#include <asm/trace.h>
#elif defined(CONFIG_X86_64)
#include <asm/cpufeature.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/tlbflush.h>
#include <trace/events/tlb.h>
#endif
#include <linux/tracepoint.h>

#include "mpmon.h"
#include "mpmon_compat.h"

/* How a probed function's arguments give the pages it covers. */
enum mpmon_flush_pages {
	MPMON_PAGES_ONE,	/* one page (or one huge page) */
	MPMON_PAGES_ARG0,	/* arg 0 is a number of pages */
	MPMON_PAGES_RANGE,	/* args 1, 2: [start, end) in base pages */
	MPMON_PAGES_ALL,	/* a whole address space: counted as 0 */
};

struct mpmon_flush_def {
	const char *symbol;
	enum mpmon_flush_pages pages;
};

struct mpmon_flush_probe {
	struct kprobe kp;
	const char *name;		/* mpmon_info.flush_probe[] */
	enum mpmon_flush_pages pages;
	unsigned int slot;
	bool active;
};

static struct mpmon_flush_probe mpmon_flush[MPMON_FLUSH_PROBES];

/*
 * Whether the probed function was called in task context: an interrupt
 * handler flushes for nobody's move_pages.
 */
static bool mpmon_probed_in_task(void)
{
	return !(preempt_count() & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_OFFSET));
}

#if defined(CONFIG_PPC_BOOK3S_64)

/*
 * The functions that do the flushing, not their callers or helpers, so
 * that no flush is counted twice.
 */
static const struct mpmon_flush_def mpmon_flush_hash[] = {
	{ "flush_hash_page", MPMON_PAGES_ONE },
	{ "flush_hash_range", MPMON_PAGES_ARG0 },
	{ "flush_hash_hugepage", MPMON_PAGES_ONE },
};

static const struct mpmon_flush_def mpmon_flush_radix[] = {
	{ "radix__flush_tlb_page", MPMON_PAGES_ONE },
	{ "radix__flush_tlb_range", MPMON_PAGES_RANGE },
	{ "radix__flush_pmd_tlb_range", MPMON_PAGES_RANGE },
	{ "radix__flush_tlb_mm", MPMON_PAGES_ALL },
};

static u64 mpmon_flush_range(unsigned long start, unsigned long end,
			     unsigned int shift)
{
	if (end <= start || end == ~0UL || shift >= BITS_PER_LONG)
		return 0;
	return (end - start) >> shift;
}

static int mpmon_flush_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct mpmon_flush_probe *fp =
		container_of(kp, struct mpmon_flush_probe, kp);
	u64 pages = 0;

	if (!mpmon_probed_in_task())
		return 0;
	switch (fp->pages) {
	case MPMON_PAGES_ONE:
		pages = 1;
		break;
	case MPMON_PAGES_ARG0:
		pages = mpmon_kernel_arg(regs, 0);
		break;
	case MPMON_PAGES_RANGE:
		pages = mpmon_flush_range(mpmon_kernel_arg(regs, 1),
					  mpmon_kernel_arg(regs, 2), PAGE_SHIFT);
		break;
	case MPMON_PAGES_ALL:
		break;
	}
	mpmon_inflight_add_flush(fp->slot, pages);
	return 0;
}

static void mpmon_flush_register(const struct mpmon_flush_def *defs,
				 unsigned int n)
{
	unsigned int i;
	int ret;

	for (i = 0; i < n && i < MPMON_FLUSH_PROBES; i++) {
		struct mpmon_flush_probe *fp = &mpmon_flush[i];

		fp->kp.symbol_name = defs[i].symbol;
		fp->kp.pre_handler = mpmon_flush_pre;
		fp->name = defs[i].symbol;
		fp->pages = defs[i].pages;
		fp->slot = i;
		ret = register_kprobe(&fp->kp);
		fp->active = !ret;
		if (ret)
			pr_info("%s not probed (error %d): its flushes are not counted\n",
				defs[i].symbol, ret);
	}
}

/* The PID width: the device tree's, else the kernel's default for radix. */
static u32 mpmon_radix_pid_bits(void)
{
	struct device_node *cpu = of_find_node_by_type(NULL, "cpu");
	u32 bits = 20;

	if (cpu) {
		of_property_read_u32(cpu, "ibm,mmu-pid-bits", &bits);
		of_node_put(cpu);
	}
	return bits;
}

static void mpmon_mmu_arch_info(struct mpmon_info *info)
{
	const struct cpu_spec *spec = cur_cpu_spec;
	unsigned int i;

	info->mmu = radix_enabled() ? MPMON_MMU_RADIX : MPMON_MMU_HASH;
	info->cpu_pvr = mfspr(SPRN_PVR);
	if (spec && spec->cpu_name)
		strscpy(info->cpu_name, spec->cpu_name, sizeof(info->cpu_name));
	/* A logical PVR (0x0fxxxxxx): the CPU runs in an architected mode. */
	if (spec && spec->pvr_mask == 0xffffffff &&
	    (spec->pvr_value & 0xff000000) == 0x0f000000)
		info->mmu_flags |= MPMON_MMUF_ARCHITECTED;
	if (firmware_has_feature(FW_FEATURE_LPAR))
		info->platform = MPMON_PLATFORM_LPAR;
	else if (firmware_has_feature(FW_FEATURE_OPAL))
		info->platform = MPMON_PLATFORM_POWERNV;
	if (ppc_md.name)
		strscpy(info->platform_name, ppc_md.name,
			sizeof(info->platform_name));
	for (i = 0; i < MMU_PAGE_COUNT; i++)
		if (mmu_psize_defs[i].shift && mmu_psize_defs[i].shift < 64)
			info->page_sizes |= 1ULL << mmu_psize_defs[i].shift;
	if (radix_enabled()) {
		info->pid_bits = mpmon_radix_pid_bits();
	} else {
		/* HPTE groups of 8 entries of 16 bytes. */
		info->hpt_order = ilog2((u64)(htab_hash_mask + 1) * 128);
		if (mmu_has_feature(MMU_FTR_1T_SEGMENT))
			info->mmu_flags |= MPMON_MMUF_1T_SEGMENT;
	}
}

/*
 * The invalidations themselves, from the kernel's tracepoints.  powerpc:tlbie
 * fires for every tlbie (broadcast to all CPUs) and tlbiel (this CPU's TLB)
 * the kernel issues: radix, and hash on bare metal.  A radix guest of an
 * LPAR without guest-issued tlbie (GTSE) invalidates by H_RPT_INVALIDATE:
 * powerpc:hcall_entry.  Both run in the task that invalidates, as the flush
 * kprobes do.
 */
enum { MPMON_TP_TLBIE, MPMON_TP_HCALL, MPMON_TP_NR };

#ifdef CONFIG_TRACEPOINTS
static void mpmon_tlbie_tp(void *data, unsigned long lpid, unsigned long local,
			   unsigned long rb, unsigned long rs, unsigned long ric,
			   unsigned long prs, unsigned long r)
{
	/* lpid != 0: a hypervisor's partition-scoped flush, for a guest */
	if (lpid || !mpmon_probed_in_task())
		return;
	mpmon_inflight_add_inval(local ? MPMON_INV_TLBI_LOCAL :
				 MPMON_INV_TLBI_GLOBAL, 1);
}
#endif

#if defined(CONFIG_TRACEPOINTS) && defined(CONFIG_PPC_PSERIES)
/* H_BULK_REMOVE's request words (PAPR): type in the top two bits */
#define MPMON_HBR_TYPE		0xc000000000000000UL
#define MPMON_HBR_REQUEST	0x4000000000000000UL

static void mpmon_hcall_tp(void *data, unsigned long opcode,
			   unsigned long *args)
{
	unsigned int kind, more = MPMON_INV_HPTE_REMOVED, i;
	u64 n = 0;

	if (!mpmon_probed_in_task())
		return;
	switch (opcode) {
	case H_REMOVE:
		kind = MPMON_HCALL_REMOVE;
		n = 1;
		break;
	case H_BULK_REMOVE:
		/* up to 4 (request, AVPN) pairs, the first non-request ends them */
		kind = MPMON_HCALL_BULK_REMOVE;
		for (i = 0; i < 8; i += 2, n++)
			if ((args[i] & MPMON_HBR_TYPE) != MPMON_HBR_REQUEST)
				break;
		break;
	case H_PROTECT:
		kind = MPMON_HCALL_PROTECT;
		more = MPMON_INV_HPTE_PROTECTED;
		n = 1;
		break;
	case H_RPT_INVALIDATE:
		kind = MPMON_HCALL_RPT_INVALIDATE;
		break;
	default:
		return;
	}
	mpmon_inflight_add_inval(MPMON_INV_HCALL + kind, 1);
	if (n)
		mpmon_inflight_add_inval(more, n);
}
#endif

static struct mpmon_tp mpmon_power_tp[MPMON_TP_NR] = {
#ifdef CONFIG_TRACEPOINTS
	[MPMON_TP_TLBIE] = { .name = "tlbie", .probe = mpmon_tlbie_tp },
#ifdef CONFIG_PPC_PSERIES
	[MPMON_TP_HCALL] = { .name = "hcall_entry", .probe = mpmon_hcall_tp },
#endif
#endif
};

static void mpmon_inval_attach(void)
{
#ifdef CONFIG_TRACEPOINTS
	check_trace_callback_type_tlbie(mpmon_tlbie_tp);
#ifdef CONFIG_PPC_PSERIES
	check_trace_callback_type_hcall_entry(mpmon_hcall_tp);
#endif
#endif
	mpmon_tp_attach(&mpmon_power_tp[MPMON_TP_TLBIE], "tlbie and tlbiel");
	/*
	 * Hypercalls are only made in an LPAR.  Not on hash, where the
	 * hash-fault path makes them too: attaching this probe there hung
	 * Debian's 6.1 kernel at once under emulation of POWER8.
	 */
	if (mpmon_power_tp[MPMON_TP_HCALL].probe && radix_enabled() &&
	    firmware_has_feature(FW_FEATURE_LPAR))
		mpmon_tp_attach(&mpmon_power_tp[MPMON_TP_HCALL],
				"invalidating hypercalls");
}

u32 mpmon_inval_sources(void)
{
	return (mpmon_power_tp[MPMON_TP_TLBIE].active ? MPMON_INVAL_TLBIE : 0) |
	       (mpmon_power_tp[MPMON_TP_HCALL].active ? MPMON_INVAL_HCALL : 0);
}

static void mpmon_mmu_arch_exit(void)
{
	mpmon_tp_detach(mpmon_power_tp, ARRAY_SIZE(mpmon_power_tp));
}

int mpmon_mmu_init(void)
{
	if (!mpmon_flush_probes)
		return 0;	/* module parameter flush_probes=0 */
	if (radix_enabled())
		mpmon_flush_register(mpmon_flush_radix,
				     ARRAY_SIZE(mpmon_flush_radix));
	else
		mpmon_flush_register(mpmon_flush_hash,
				     ARRAY_SIZE(mpmon_flush_hash));
	mpmon_inval_attach();
	return 0;
}

#elif defined(CONFIG_X86_64)

static void mpmon_mmu_arch_info(struct mpmon_info *info)
{
	info->mmu = MPMON_MMU_X86_PAGING;
	info->platform = MPMON_PLATFORM_OTHER;
	info->paging_levels = pgtable_l5_enabled() ? 5 : 4;
	info->page_sizes = BIT_ULL(PAGE_SHIFT) | BIT_ULL(PMD_SHIFT);
	if (boot_cpu_has(X86_FEATURE_GBPAGES))
		info->page_sizes |= BIT_ULL(PUD_SHIFT);
	strscpy(info->cpu_name, boot_cpu_data.x86_model_id,
		sizeof(info->cpu_name));
}

/*
 * x86_64 counts with the tlb:tlb_flush tracepoint, not with kprobes on
 * flush_tlb_mm_range() and arch_tlbbatch_flush(): removing those kprobes
 * while other CPUs ran through them oopsed Debian's 6.12 and 7.x kernels
 * under emulation (a call to NULL from ptep_clear_flush(), an unclaimed
 * int3 in arch_tlbbatch_flush()), where a tracepoint's probe comes and
 * goes by RCU.  The tracepoint fires in the flushing task for a flush of
 * its own CPU (TLB_LOCAL_SHOOTDOWN, TLB_LOCAL_MM_SHOOTDOWN) and for a round
 * of IPIs to the others (TLB_REMOTE_SEND_IPI): slots 0 and 1.  Its
 * TLB_REMOTE_SHOOTDOWN runs on the other CPUs, in interrupt context, for
 * nobody's call.
 */
#define MPMON_TLB_LOCAL	0
#define MPMON_TLB_IPI	1

static void mpmon_tlb_flush(void *data, int reason, unsigned long pages)
{
	unsigned int slot;

	if (!mpmon_probed_in_task())
		return;
	switch (reason) {
	case TLB_LOCAL_SHOOTDOWN:
	case TLB_LOCAL_MM_SHOOTDOWN:
		slot = MPMON_TLB_LOCAL;
		break;
	case TLB_REMOTE_SEND_IPI:
		slot = MPMON_TLB_IPI;
		mpmon_inflight_add_inval(MPMON_INV_IPI, 1);
		break;
	default:
		return;
	}
	/* A whole address space (TLB_FLUSH_ALL): a flush with 0 pages. */
	mpmon_inflight_add_flush(slot, pages == TLB_FLUSH_ALL ? 0 : pages);
}

static struct mpmon_tp mpmon_tlb_tp = {
	.name = "tlb_flush", .probe = mpmon_tlb_flush,
};

u32 mpmon_inval_sources(void)
{
	return mpmon_tlb_tp.active ? MPMON_INVAL_IPI : 0;
}

int mpmon_mmu_init(void)
{
	if (!mpmon_flush_probes)
		return 0;	/* module parameter flush_probes=0 */
	check_trace_callback_type_tlb_flush(mpmon_tlb_flush);
	if (!mpmon_tp_attach(&mpmon_tlb_tp, "flushes"))
		return 0;
	mpmon_flush[MPMON_TLB_LOCAL].name = "tlb_flush:local";
	mpmon_flush[MPMON_TLB_LOCAL].active = true;
	mpmon_flush[MPMON_TLB_IPI].name = "tlb_flush:ipi";
	mpmon_flush[MPMON_TLB_IPI].active = true;
	return 0;
}

static void mpmon_mmu_arch_exit(void)
{
	mpmon_tp_detach(&mpmon_tlb_tp, 1);
}

#else

static void mpmon_mmu_arch_info(struct mpmon_info *info)
{
	info->mmu = MPMON_MMU_OTHER;
	info->platform = MPMON_PLATFORM_OTHER;
	info->page_sizes = BIT_ULL(PAGE_SHIFT);
}

u32 mpmon_inval_sources(void)
{
	return 0;
}

int mpmon_mmu_init(void)
{
	return 0;
}

static void mpmon_mmu_arch_exit(void)
{
}

#endif

void mpmon_mmu_exit(void)
{
	unsigned int i;

	/* Unregistering waits until no handler of the probe is running. */
	for (i = 0; i < MPMON_FLUSH_PROBES; i++)
		if (mpmon_flush[i].active && mpmon_flush[i].kp.symbol_name)
			unregister_kprobe(&mpmon_flush[i].kp);
	mpmon_mmu_arch_exit();
}

/* The machine's translation context and the active flush probes. */
void mpmon_mmu_info(struct mpmon_info *info)
{
	unsigned int i;

	mpmon_mmu_arch_info(info);
	info->inval_sources = mpmon_inval_sources();
	for (i = 0; i < MPMON_FLUSH_PROBES; i++) {
		if (!mpmon_flush[i].active)
			continue;
		info->flush_probes |= 1U << i;
		strscpy(info->flush_probe[i], mpmon_flush[i].name,
			sizeof(info->flush_probe[i]));
	}
}
