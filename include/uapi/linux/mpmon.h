/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mpmon: monitor of the move_pages(2) system call.
 *
 * The ioctl ABI of /dev/mpmon, shared by the kernel module and user space.
 *
 * Layout rules: only fixed-width types, every struct a multiple of 8 bytes
 * with explicit padding, no pointers (user addresses travel as __u64), so
 * the layout is the same for 32- and 64-bit callers and the fields are read
 * natively on big- and little-endian machines.
 *
 * Growth without breaking a client built against an older header:
 *
 * - The module dispatches on the command's type and number (_IOC_NR), not
 *   on the whole command word, so the size a client's header encoded in it
 *   never makes the module refuse the command.
 * - The command numbers below are frozen: each encodes the size its struct
 *   had when the number was published, never sizeof() of today's struct.
 *   powerpc's ioctl size field has 13 bits, so every encoded size stays
 *   below 8192 (MPMON_IOC_SIZE_MAX).
 * - GET_INFO and GET_STATS structs begin with a size field that the caller
 *   sets to sizeof() of its version of the struct: at least the first
 *   version's size and a multiple of 8, else -EINVAL.  The module fills
 *   min(caller size, its size) bytes, zero-fills the rest of the caller's
 *   struct, and writes back in size the number of bytes it filled.
 * - READ_EVENTS, SET_FILTER and GET_FILTER take the caller's struct size
 *   from the command (_IOC_SIZE): input is read as copy_struct_from_user()
 *   does (a larger struct's unknown trailing bytes must be zero, else
 *   -E2BIG; one smaller than the first version is -EINVAL), output is
 *   truncated or zero-filled to the caller's size.
 * - Fields are only ever appended; every reserved field and flag bit must
 *   be zero (else -EINVAL).
 *
 * A failed ioctl changes nothing: no counter is reset and no event leaves
 * the ring unless the whole answer reached the caller.
 */
#ifndef _UAPI_LINUX_MPMON_H
#define _UAPI_LINUX_MPMON_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * A major change breaks compatibility; a minor one only appends fields or
 * adds ioctls.  1.1: MPMON_STATS_RESET; 1.2: MMU context; 1.3: commands
 * dispatched by number, whatever size a client's header encoded.
 */
#define MPMON_ABI_MAJOR		1
#define MPMON_ABI_MINOR		3

/*
 * 0xBA is not listed in Documentation/userspace-api/ioctl/ioctl-number.rst.
 */
#define MPMON_IOC_MAGIC		0xBA

#define MPMON_COMM_LEN		16	/* TASK_COMM_LEN */
#define MPMON_NAME_LEN		64
#define MPMON_FORENSIC		8	/* pages/nodes/status entries kept per event */
#define MPMON_EVENT_NODES	8	/* (node, pages) pairs kept per event */
#define MPMON_STATS_NODES	256	/* nodes counted one by one in the stats */
#define MPMON_NR_ERRNO		136	/* errno slots for call results */
#define MPMON_LAT_BUCKETS	64	/* log2 latency histogram */
#define MPMON_FLUSH_PROBES	8	/* translation-flush probe slots */
#define MPMON_FLUSH_RATIO	8	/* flushes-per-page histogram buckets */
#define MPMON_MOVE_NODES	16	/* nodes of the stats' from/to matrix */

/* Per-page errno classes (status entries < 0). */
enum mpmon_page_err {
	MPMON_PERR_EACCES = 0,
	MPMON_PERR_EBUSY,
	MPMON_PERR_EFAULT,
	MPMON_PERR_EIO,
	MPMON_PERR_EINVAL,
	MPMON_PERR_ENOENT,
	MPMON_PERR_ENOMEM,
	MPMON_PERR_OTHER,
	MPMON_PERR_NR		/* 8 */
};

/* Call mode. */
#define MPMON_MODE_MOVE		0	/* nodes != NULL */
#define MPMON_MODE_QUERY	1	/* nodes == NULL: report where pages are */

/* Where the per-page outcome came from (mpmon_info.status_source). */
#define MPMON_STATUS_STORE_PROBE 1	/* probe on the kernel's store_status() */
#define MPMON_STATUS_READBACK	2	/* status array read back at return */

/* What mpmon_stats' migration counters come from (info.migrate_sources). */
#define MPMON_MIGRATE_RUNS	(1U << 0) /* migrate_pages(): runs, moved, failed */
/* ABI 1.3, stats version 3: */
#define MPMON_MIGRATE_STAYED	(1U << 1) /* pages_stayed */
#define MPMON_MIGRATE_REASONS	(1U << 2) /* failed_busy, _nomem, _other */
#define MPMON_MIGRATE_THP	(1U << 3) /* thp_*: migrate:mm_migrate_pages */

/*
 * What mpmon_stats' invalidation counters come from (info.inval_sources;
 * ABI 1.3, stats version 4).
 */
#define MPMON_INVAL_TLBIE	(1U << 0) /* powerpc:tlbie: tlbi_local, _global */
#define MPMON_INVAL_HCALL	(1U << 1) /* powerpc:hcall_entry: hcalls, hpte_* */
#define MPMON_INVAL_IPI		(1U << 2) /* tlb:tlb_flush: shootdown_ipis */

/* mpmon_stats.hcalls[]: the hypercalls that invalidate translations. */
enum mpmon_hcall {
	MPMON_HCALL_REMOVE = 0,		/* H_REMOVE: one HPTE */
	MPMON_HCALL_BULK_REMOVE,	/* H_BULK_REMOVE: up to 4 HPTEs */
	MPMON_HCALL_PROTECT,		/* H_PROTECT: one HPTE's protection */
	MPMON_HCALL_RPT_INVALIDATE,	/* H_RPT_INVALIDATE: radix, no GTSE */
	MPMON_HCALL_NR = 8		/* slots; the rest are 0 */
};

/* struct mpmon_event.flags */
#define MPMON_EV_TRUNCATED	(1U << 0) /* count > max_status: outcome partial */
#define MPMON_EV_COMPAT		(1U << 1) /* 32-bit caller */
#define MPMON_EV_NODE_OVERFLOW	(1U << 2) /* more nodes than node_pages[] */
#define MPMON_EV_ARGS_FAULT	(1U << 3) /* pages/nodes unreadable at entry */
#define MPMON_EV_STATUS_FAULT	(1U << 4) /* status unreadable at return */
/*
 * ABI 1.3: the call returned a positive count (some pages not migrated)
 * while the store_status() probe was not in place, so which entries the
 * kernel wrote is not known: pages_unknown counts them, not
 * pages_not_written.
 */
#define MPMON_EV_INEXACT	(1U << 5)
/*
 * ABI 1.3: pages_moved and pages_failed say what the call's
 * migrate_pages() runs did (mpmon_info.migrate_sources)
 */
#define MPMON_EV_MIGRATION	(1U << 6)
/*
 * Event size 2 (MPMON_EVENT_SIZE_VER1), each set only by a module that
 * fills the fields it names, so that a field left at 0 by an older module
 * is not taken for a count:
 * RUNS: migrate_batches, migrate_ns, failed_busy/_nomem/_other, moves[]
 * (with MPMON_EV_MIGRATION); THP: thp_*; STAYED: pages_stayed.  The
 * invalidation counts say what they hold in the event's inval_sources.
 */
#define MPMON_EV_RUNS		(1U << 7)
#define MPMON_EV_THP		(1U << 8)
#define MPMON_EV_STAYED		(1U << 9)

/* ---- GET_VERSION ------------------------------------------------------ */
struct mpmon_version {
	__u32 major;
	__u32 minor;
};

/* ---- GET_INFO ---------------------------------------------------------- */
#define MPMON_ARCH_UNKNOWN	0
#define MPMON_ARCH_PPC64	1	/* big-endian */
#define MPMON_ARCH_PPC64LE	2
#define MPMON_ARCH_X86_64	3
#define MPMON_ARCH_ARM64	4

/*
 * mpmon_info.events_mode (the module parameter events): calls become
 * events in the ring only while a reader is attached (AUTO: an open file
 * that has read, polled or set a watermark), always (a flight recorder),
 * or never.  Other calls update the counters alone (stats.events_off).
 */
#define MPMON_EVENTS_NEVER	0
#define MPMON_EVENTS_AUTO	1
#define MPMON_EVENTS_ALWAYS	2

/* mpmon_info.mmu */
#define MPMON_MMU_UNKNOWN	0
#define MPMON_MMU_HASH		1	/* POWER hashed page table (HPT) */
#define MPMON_MMU_RADIX		2	/* POWER9+ radix tree */
#define MPMON_MMU_X86_PAGING	3	/* x86_64 4- or 5-level paging */
#define MPMON_MMU_OTHER		4

/* mpmon_info.platform */
#define MPMON_PLATFORM_UNKNOWN	0
#define MPMON_PLATFORM_LPAR	1	/* POWER pseries guest (PowerVM or KVM) */
#define MPMON_PLATFORM_POWERNV	2	/* POWER bare metal (OPAL) */
#define MPMON_PLATFORM_OTHER	3	/* not POWER */

/* mpmon_info.mmu_flags */
#define MPMON_MMUF_1T_SEGMENT	(1U << 0)	/* hash: 1 TiB segments */
#define MPMON_MMUF_ARCHITECTED	(1U << 1)	/* CPU runs in an architected (compat) mode */

struct mpmon_info {
	__u32 size;		/* in: sizeof(struct); out: bytes filled */
	__u32 abi_major;
	__u32 abi_minor;
	__u32 enabled;		/* 0 or 1 */
	char module_version[32];
	char symbol[MPMON_NAME_LEN];	/* probed move_pages entry point */
	__u32 ring_capacity;	/* events */
	__u32 event_size;	/* sizeof(struct mpmon_event) */
	__u32 page_size;	/* base page size in bytes */
	__u32 nr_node_ids;	/* possible NUMA nodes */
	__u32 nr_online_nodes;
	__u32 nr_cpu_ids;
	__u32 maxactive;	/* kretprobe instances */
	__u32 max_status;	/* status entries examined per call */
	__u32 status_source;	/* MPMON_STATUS_* for move mode */
	__u32 arch;		/* MPMON_ARCH_* */
	__u32 big_endian;	/* 1 on big-endian kernels */
	__u32 __reserved0;
	/* ABI 1.3 (reserved before) */
	__u64 ring_bytes;	/* memory the event ring takes */
	__u32 wakeup_events;	/* the ring's wake-up watermark (SET_WAKEUP) */
	__u32 wakeup_ms;
	__u32 events_mode;	/* MPMON_EVENTS_*: when calls become events */
	__u32 readers;		/* open files attached as readers */
	/* ABI 1.3 (reserved before); 0 where a module counts none */
	__u32 migrate_sources;	/* MPMON_MIGRATE_*: what is counted */
	__u32 inval_sources;	/* MPMON_INVAL_*: what is counted */
	__u64 __reserved[4];
	/* ABI 1.2: the machine's translation context */
	__u32 mmu;		/* MPMON_MMU_* */
	__u32 platform;		/* MPMON_PLATFORM_* */
	__u32 cpu_pvr;		/* POWER: processor version register; 0 elsewhere */
	__u32 mmu_flags;	/* MPMON_MMUF_* */
	__u32 hpt_order;	/* hash: log2 of the HPT size in bytes; else 0 */
	__u32 pid_bits;		/* radix: width of the PID register; else 0 */
	__u32 paging_levels;	/* x86_64: 4 or 5; else 0 */
	__u32 flush_probes;	/* bit i set: flush_probe[i] is probed */
	__u64 page_sizes;	/* bit k set: the MMU maps pages of 2^k bytes */
	char cpu_name[32];	/* e.g. "POWER9 (raw)" */
	char platform_name[32];	/* e.g. "pSeries", "PowerNV" */
	char flush_probe[MPMON_FLUSH_PROBES][32]; /* "" for unused slots */
	/*
	 * ABI 1.3 (reserved before): the function probed for move mode's
	 * per-page outcomes, "" when they are read back (status_source)
	 */
	char status_probe[32];
};

#define MPMON_INFO_SIZE_VER0	224
#define MPMON_INFO_SIZE_VER1	616

/* ---- GET_STATS --------------------------------------------------------- */
struct mpmon_page_outcome {
	__u64 node[MPMON_STATS_NODES];	/* status == node */
	__u64 node_overflow;		/* status >= MPMON_STATS_NODES */
	__u64 err[MPMON_PERR_NR];	/* status < 0, by class */
};

/*
 * mpmon_stats.flags (in; ABI 1.1, a 1.0 module refuses it with -EINVAL):
 * zero the counters in the same step as reading them, so that no call
 * falls between a read and a separate RESET.  The event ring is untouched.
 */
#define MPMON_STATS_RESET	(1U << 0)

struct mpmon_stats {
	__u32 size;		/* in: sizeof(struct); out: bytes filled */
	__u32 flags;		/* in: MPMON_STATS_*; out: 0 */
	__u64 calls;		/* calls recorded (passed the filter) */
	__u64 ret_zero;		/* returned 0 */
	__u64 ret_positive;	/* returned > 0: pages not migrated */
	__u64 ret_errno[MPMON_NR_ERRNO]; /* [e]: returned -e; [0]: -e >= NR */
	__u64 mode_move;
	__u64 mode_query;
	__u64 flag_move;	/* MPOL_MF_MOVE set */
	__u64 flag_move_all;	/* MPOL_MF_MOVE_ALL set */
	__u64 pages_requested;	/* sum of count */
	/* Of calls that returned >= 0 (a failed call writes no status): */
	__u64 pages_not_written; /* status entries the kernel did not write */
	__u64 pages_truncated;	/* entries beyond max_status, not examined */
	struct mpmon_page_outcome move;
	struct mpmon_page_outcome query;
	__u64 lat_log2[MPMON_LAT_BUCKETS]; /* [i]: 2^(i-1) <= ns < 2^i */
	__u64 lat_sum_ns;
	__u64 lat_max_ns;
	__u64 ring_dropped;	/* events lost because the ring was full */
	__u64 events_read;	/* events handed to readers */
	__u64 kretprobe_missed;	/* calls not seen: no free instance */
	__u64 filtered;		/* calls seen but rejected by the filter */
	__u64 __reserved[8];
	/*
	 * ABI 1.2: translation-flush work done while move_pages calls ran, by
	 * mpmon_info.flush_probe slot: calls of the function and the pages
	 * they covered (0 where a call covers a whole address space).
	 */
	__u64 flush_calls[MPMON_FLUSH_PROBES];
	__u64 flush_pages[MPMON_FLUSH_PROBES];
	/*
	 * Move calls that placed pages, by flush calls per placed page (status
	 * entry >= 0): [0] < 1/4, [i] 2^(i-1)/4 <= ratio < 2^i/4, [7] >= 16.
	 */
	__u64 flush_ratio[MPMON_FLUSH_RATIO];
	/* ABI 1.3 (reserved before): entries of MPMON_EV_INEXACT calls */
	__u64 pages_unknown;
	/*
	 * ABI 1.3: calls counted with no event prepared, while events were
	 * off (events_mode); read + ring_dropped + events_off + the events
	 * in the ring = calls
	 */
	__u64 events_off;
	__u64 __reserved2[2];
	/*
	 * ABI 1.3: what the migrate_pages() runs of move calls did, where
	 * mpmon_info.migrate_sources has MPMON_MIGRATE_RUNS (a module that
	 * fills less of the struct has none of these)
	 */
	__u64 migrate_batches;	/* runs */
	__u64 migrate_ns;	/* time spent in them */
	__u64 pages_moved;	/* base pages placed on another node */
	__u64 pages_failed;	/* base pages a run tried and could not move */
	__u64 migrate_inexact;	/* runs too long to follow (> max_status) */
	__u64 moved_other;	/* moved from or to a node >= MPMON_MOVE_NODES */
	__u64 __reserved3[2];
	__u64 moved[MPMON_MOVE_NODES][MPMON_MOVE_NODES]; /* [from][to] */
	/*
	 * Stats version 3, each where migrate_sources has its bit.  Stayed:
	 * entries whose page was already on the target node, in calls whose
	 * status writes were all seen.  The failures of pages_failed by
	 * reason: busy (references beyond the page's mappings when the
	 * kernel gave up, e.g. pinned or under I/O), nomem (the run ended in
	 * -ENOMEM), other.  Transparent huge pages (in huge pages): moved
	 * whole, split (their pieces are in the base-page counts), failed
	 * (neither moved nor split).
	 */
	__u64 pages_stayed;
	__u64 failed_busy;
	__u64 failed_nomem;
	__u64 failed_other;
	__u64 thp_moved;
	__u64 thp_split;
	__u64 thp_failed;
	__u64 __reserved4;
	/*
	 * Stats version 4, each where inval_sources has its bit: the
	 * translation invalidations move calls caused, by their task.  TLB
	 * invalidation instructions, local to the CPU (tlbiel) or broadcast
	 * to every CPU (tlbie); hypercalls by MPMON_HCALL_* and the HPTEs
	 * they name (removed, or changed by H_PROTECT); x86_64: rounds of
	 * TLB-shootdown IPIs sent.
	 */
	__u64 tlbi_local;
	__u64 tlbi_global;
	__u64 hcalls[MPMON_HCALL_NR];
	__u64 hpte_removed;
	__u64 hpte_protected;
	__u64 shootdown_ipis;
	__u64 __reserved5;
};

#define MPMON_STATS_SIZE_VER0	6040
#define MPMON_STATS_SIZE_VER1	6264
#define MPMON_STATS_SIZE_VER2	8376
#define MPMON_STATS_SIZE_VER3	8440
#define MPMON_STATS_SIZE_VER4	8552

/* ---- READ_EVENTS ------------------------------------------------------- */
struct mpmon_node_pages {
	__s32 node;
	__u32 pages;
};

/* struct mpmon_event.moves: pages moved from one node to another */
struct mpmon_event_move {
	__u16 from;		/* source node */
	__u16 to;		/* target node */
	__u32 pages;		/* base pages, saturating */
};

#define MPMON_EVENT_MOVES	4
#define MPMON_EVENT_HCALLS	4	/* the named enum mpmon_hcall slots */

struct mpmon_event {
	__u32 size;		/* sizeof(struct mpmon_event) */
	__u32 flags;		/* MPMON_EV_* */
	__u64 seq;		/* numbers recorded calls: rising in ring order, a gap is a drop */
	__u64 ts_ns;		/* CLOCK_MONOTONIC at entry */
	__u64 latency_ns;	/* entry to return, by the kernel's local_clock() */
	__u32 cpu;		/* CPU at entry */
	__s32 cpu_node;		/* that CPU's node */
	__u32 tgid;
	__u32 pid;
	__u32 uid;		/* caller's real uid in the initial namespace */
	__s32 target_pid;	/* as given: 0 = self */
	char comm[MPMON_COMM_LEN];
	__u64 count;
	__u32 mp_flags;		/* flags argument */
	__u32 mode;		/* MPMON_MODE_* */
	__s64 ret;		/* return value */
	__u64 pages[MPMON_FORENSIC];	/* first entries of pages[] */
	__s32 nodes[MPMON_FORENSIC];	/* first entries of nodes[] */
	__s32 status[MPMON_FORENSIC];	/* first status entries written */
	__u32 nr_forensic;	/* valid entries in pages/nodes: min(count, 8) */
	__u32 status_written;	/* bitmap: status[i] was written by the kernel */
	struct mpmon_node_pages node_pages[MPMON_EVENT_NODES];
	__u32 nr_node_pages;	/* valid entries in node_pages */
	__u32 node_overflow;	/* pages on nodes that did not fit */
	__u32 page_err[MPMON_PERR_NR];
	__u64 pages_written;	/* status entries the kernel wrote */
	__u64 pages_not_written;
	__u64 pages_truncated;
	/* ABI 1.2 (reserved before): translation-flush work during the call */
	__u64 flush_calls;
	__u64 flush_pages;
	/* ABI 1.3 (reserved before): see MPMON_EV_INEXACT */
	__u64 pages_unknown;
	/* ABI 1.3 (reserved before): see MPMON_EV_MIGRATION; saturating */
	__u32 pages_moved;	/* base pages placed on another node */
	__u32 pages_failed;	/* base pages a run could not move */
	/*
	 * Event size 2 (ABI 1.3): what the call's migrate_pages() runs did,
	 * in base pages unless said otherwise, saturating; see MPMON_EV_RUNS,
	 * _THP and _STAYED for which are filled.
	 */
	__u32 migrate_batches;	/* migrate_pages() runs */
	__u32 failed_busy;	/* of pages_failed: extra references (pinned) */
	__u32 failed_nomem;	/* of pages_failed: no memory on the target */
	__u32 failed_other;
	__u64 migrate_ns;	/* time in those runs */
	__u32 thp_moved;	/* transparent huge pages, in huge pages */
	__u32 thp_split;
	__u32 thp_failed;
	__u32 pages_stayed;	/* entries already on their target node */
	struct mpmon_event_move moves[MPMON_EVENT_MOVES];
	__u32 nr_moves;		/* valid entries in moves */
	__u32 moved_other;	/* pages moved between pairs beyond moves[] */
	/*
	 * translation invalidations the call caused (mpmon_stats' names),
	 * those of the kinds inval_sources names: moves only
	 */
	__u32 tlbi_local;
	__u32 tlbi_global;
	__u32 hpte_removed;
	__u32 hpte_protected;
	__u32 shootdown_ipis;
	__u32 hcalls[MPMON_EVENT_HCALLS]; /* by enum mpmon_hcall */
	__u32 inval_sources;	/* MPMON_INVAL_*: 0 for queries */
};

#define MPMON_EVENT_SIZE_VER0	392
#define MPMON_EVENT_SIZE_VER1	512

struct mpmon_read_events {
	__u64 buf;		/* user address of struct mpmon_event[max] */
	__u32 max;		/* capacity of buf, in events */
	__u32 event_size;	/* sizeof(struct mpmon_event) of the caller */
	__u32 count;		/* out: events copied */
	__u32 flags;		/* must be 0 */
	__u64 lost;		/* out: ring_dropped so far (since reset) */
};

/* ---- SET_ENABLED ------------------------------------------------------- */
/* argument: pointer to __u32, 0 or 1 */

/* ---- SET_WAKEUP (ABI 1.3) ---------------------------------------------- */
/**
 * struct mpmon_wakeup - when poll() says the ring is readable
 * @events: once this many events are unread (1 .. the ring's capacity)
 * @timeout_ms: or this long after the oldest unread event arrived, if
 *	any is unread (0: never; at most MPMON_WAKEUP_MAX_MS)
 * @__reserved: must be 0
 *
 * One watermark for the ring, set by any reader, back to 1 event and no
 * timeout when the last open file of the device is closed.
 */
struct mpmon_wakeup {
	__u32 events;
	__u32 timeout_ms;
	__u64 __reserved;
};

#define MPMON_WAKEUP_SIZE_VER0	16
#define MPMON_WAKEUP_MAX_MS	60000

/* ---- SET_RING (ABI 1.3) ------------------------------------------------- */
/*
 * argument: pointer to __u32, the ring's new capacity in events
 * (16 .. 1048576).  Needs CAP_SYS_ADMIN; -EBUSY while another file of the
 * device is open.  Unread events are lost and counted in ring_dropped.
 */

/* ---- SET_FILTER / GET_FILTER ------------------------------------------- */
#define MPMON_FILTER_TGID	(1U << 0)
#define MPMON_FILTER_UID	(1U << 1)
#define MPMON_FILTER_COMM	(1U << 2)
#define MPMON_FILTER_ALL	(MPMON_FILTER_TGID | MPMON_FILTER_UID | \
				 MPMON_FILTER_COMM)

struct mpmon_filter {
	__u32 mask;		/* MPMON_FILTER_*: which fields apply; 0 = none */
	__u32 tgid;
	__u32 uid;
	__u32 __reserved0;
	char comm[MPMON_COMM_LEN]; /* NUL-terminated, exact match */
	__u64 __reserved[2];
};

#define MPMON_READ_EVENTS_SIZE_VER0	32
#define MPMON_FILTER_SIZE_VER0		48

/* Largest size an ioctl command may encode on every architecture. */
#define MPMON_IOC_SIZE_MAX	8191

/**
 * DOC: ioctls
 *
 * All need CAP_PERFMON or CAP_SYS_ADMIN (else -EPERM); an unknown command
 * is -ENOTTY; a bad user address is -EFAULT.
 *
 * MPMON_IOC_GET_VERSION - the ABI version (struct mpmon_version).
 *
 * MPMON_IOC_GET_INFO - the module's configuration and the machine's
 * translation context (struct mpmon_info, sized by its size field).
 *
 * MPMON_IOC_GET_STATS - the counters since the last reset (struct
 * mpmon_stats, sized by its size field).  With MPMON_STATS_RESET in flags,
 * they are zeroed in the same step, once the caller has them.  -EINVAL for
 * an unknown flag or a bad size.
 *
 * MPMON_IOC_READ_EVENTS - move up to max events from the ring to buf
 * (struct mpmon_read_events); never blocks.  Events leave the ring only
 * once count has reached the caller.  -EINVAL for a bad max, event_size or
 * a nonzero flags or count.
 *
 * MPMON_IOC_RESET - empty the ring and zero the counters, in one step with
 * respect to the probes.  The argument must be 0.
 *
 * MPMON_IOC_SET_ENABLED - start (1) or stop (0) recording (a __u32).
 *
 * MPMON_IOC_SET_FILTER, MPMON_IOC_GET_FILTER - which callers are recorded
 * (struct mpmon_filter).
 *
 * MPMON_IOC_SET_WAKEUP - the ring's wake-up watermark (struct
 * mpmon_wakeup).  -EINVAL for values out of range or nonzero reserved.
 *
 * MPMON_IOC_SET_RING - the ring's capacity in events (a __u32).
 */
#define MPMON_IOC_GET_VERSION	_IOR(MPMON_IOC_MAGIC, 0x00, struct mpmon_version)
#define MPMON_IOC_GET_INFO	_IOC(_IOC_READ | _IOC_WRITE, MPMON_IOC_MAGIC, 0x01, \
				     MPMON_INFO_SIZE_VER1)
#define MPMON_IOC_GET_STATS	_IOC(_IOC_READ | _IOC_WRITE, MPMON_IOC_MAGIC, 0x02, \
				     MPMON_STATS_SIZE_VER1)
#define MPMON_IOC_READ_EVENTS	_IOC(_IOC_READ | _IOC_WRITE, MPMON_IOC_MAGIC, 0x03, \
				     MPMON_READ_EVENTS_SIZE_VER0)
#define MPMON_IOC_RESET		_IO(MPMON_IOC_MAGIC, 0x04)
#define MPMON_IOC_SET_ENABLED	_IOW(MPMON_IOC_MAGIC, 0x05, __u32)
#define MPMON_IOC_SET_FILTER	_IOC(_IOC_WRITE, MPMON_IOC_MAGIC, 0x06, \
				     MPMON_FILTER_SIZE_VER0)
#define MPMON_IOC_GET_FILTER	_IOC(_IOC_READ, MPMON_IOC_MAGIC, 0x07, \
				     MPMON_FILTER_SIZE_VER0)
#define MPMON_IOC_SET_WAKEUP	_IOC(_IOC_WRITE, MPMON_IOC_MAGIC, 0x08, \
				     MPMON_WAKEUP_SIZE_VER0)
#define MPMON_IOC_SET_RING	_IOW(MPMON_IOC_MAGIC, 0x09, __u32)

#endif /* _UAPI_LINUX_MPMON_H */
