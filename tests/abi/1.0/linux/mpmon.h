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
 * Growth: GET_INFO and GET_STATS structs begin with a size field that the
 * caller sets to sizeof() of its version of the struct.  The kernel copies
 * out min(caller size, kernel size) bytes, zero-fills whatever is beyond its
 * own size, and writes back in size the number of bytes it filled.  Fields
 * are only ever appended.  Input structs are read with copy_struct_from_user()
 * semantics: unknown trailing bytes must be zero (else -E2BIG).  Every
 * reserved field and flag bit must be zero (else -EINVAL).
 */
#ifndef _UAPI_LINUX_MPMON_H
#define _UAPI_LINUX_MPMON_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define MPMON_DEVICE_PATH	"/dev/mpmon"

/*
 * A major change breaks compatibility; a minor one only appends fields or
 * adds ioctls.
 */
#define MPMON_ABI_MAJOR		1
#define MPMON_ABI_MINOR		0

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

/* struct mpmon_event.flags */
#define MPMON_EV_TRUNCATED	(1U << 0) /* count > max_status: outcome partial */
#define MPMON_EV_COMPAT		(1U << 1) /* 32-bit caller */
#define MPMON_EV_NODE_OVERFLOW	(1U << 2) /* more nodes than node_pages[] */
#define MPMON_EV_ARGS_FAULT	(1U << 3) /* pages/nodes unreadable at entry */
#define MPMON_EV_STATUS_FAULT	(1U << 4) /* status unreadable at return */

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
	__u64 __reserved[8];
};

#define MPMON_INFO_SIZE_VER0	224

/* ---- GET_STATS --------------------------------------------------------- */
struct mpmon_page_outcome {
	__u64 node[MPMON_STATS_NODES];	/* status == node */
	__u64 node_overflow;		/* status >= MPMON_STATS_NODES */
	__u64 err[MPMON_PERR_NR];	/* status < 0, by class */
};

struct mpmon_stats {
	__u32 size;		/* in: sizeof(struct); out: bytes filled */
	__u32 __reserved0;
	__u64 calls;		/* calls recorded (passed the filter) */
	__u64 ret_zero;		/* returned 0 */
	__u64 ret_positive;	/* returned > 0: pages not migrated */
	__u64 ret_errno[MPMON_NR_ERRNO]; /* [e]: returned -e; [0]: -e >= NR */
	__u64 mode_move;
	__u64 mode_query;
	__u64 flag_move;	/* MPOL_MF_MOVE set */
	__u64 flag_move_all;	/* MPOL_MF_MOVE_ALL set */
	__u64 pages_requested;	/* sum of count */
	__u64 pages_not_written; /* status entries the kernel did not write */
	__u64 pages_truncated;	/* entries beyond max_status, not examined */
	/* status entries of calls that returned >= 0 */
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
};

#define MPMON_STATS_SIZE_VER0	6040

/* ---- READ_EVENTS ------------------------------------------------------- */
struct mpmon_node_pages {
	__s32 node;
	__u32 pages;
};

struct mpmon_event {
	__u32 size;		/* sizeof(struct mpmon_event) */
	__u32 flags;		/* MPMON_EV_* */
	__u64 seq;		/* per-module sequence number of recorded calls */
	__u64 ts_ns;		/* CLOCK_MONOTONIC at entry */
	__u64 latency_ns;	/* entry to return */
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
	__u64 __reserved[4];
};

#define MPMON_EVENT_SIZE_VER0	392

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

#define MPMON_IOC_GET_VERSION	_IOR(MPMON_IOC_MAGIC, 0x00, struct mpmon_version)
#define MPMON_IOC_GET_INFO	_IOWR(MPMON_IOC_MAGIC, 0x01, struct mpmon_info)
#define MPMON_IOC_GET_STATS	_IOWR(MPMON_IOC_MAGIC, 0x02, struct mpmon_stats)
#define MPMON_IOC_READ_EVENTS	_IOWR(MPMON_IOC_MAGIC, 0x03, struct mpmon_read_events)
#define MPMON_IOC_RESET		_IO(MPMON_IOC_MAGIC, 0x04)
#define MPMON_IOC_SET_ENABLED	_IOW(MPMON_IOC_MAGIC, 0x05, __u32)
#define MPMON_IOC_SET_FILTER	_IOW(MPMON_IOC_MAGIC, 0x06, struct mpmon_filter)
#define MPMON_IOC_GET_FILTER	_IOR(MPMON_IOC_MAGIC, 0x07, struct mpmon_filter)

#endif /* _UAPI_LINUX_MPMON_H */
