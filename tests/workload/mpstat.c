// SPDX-License-Identifier: GPL-2.0
/*
 * mpstat: a minimal reader of /dev/mpmon's statistics through the ioctl ABI,
 * for the demo until mpctl (user/) exists.  Prints the non-zero counters.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/mpmon.h>

static const char *const perr_names[MPMON_PERR_NR] = {
	"EACCES", "EBUSY", "EFAULT", "EIO", "EINVAL", "ENOENT", "ENOMEM", "other",
};

static void outcome(const char *what, const struct mpmon_page_outcome *o)
{
	int i;

	printf("  %-22s", what);
	for (i = 0; i < MPMON_STATS_NODES; i++)
		if (o->node[i])
			printf(" node%d=%llu", i, (unsigned long long)o->node[i]);
	for (i = 0; i < MPMON_PERR_NR; i++)
		if (o->err[i])
			printf(" %s=%llu", perr_names[i],
			       (unsigned long long)o->err[i]);
	printf("\n");
}

int main(void)
{
	struct mpmon_info info = { .size = sizeof(info) };
	struct mpmon_stats s = { .size = sizeof(s) };
	int fd = open(MPMON_DEVICE_PATH, O_RDONLY), i;

	if (fd < 0) {
		fprintf(stderr, "mpstat: %s: %s%s\n", MPMON_DEVICE_PATH,
			strerror(errno),
			errno == ENOENT ? " (is mpmon.ko loaded?)" : "");
		return 1;
	}
	if (ioctl(fd, MPMON_IOC_GET_INFO, &info) ||
	    ioctl(fd, MPMON_IOC_GET_STATS, &s)) {
		perror("mpstat: ioctl");
		return 1;
	}
	printf("mpmon %s (ABI %u.%u), probing %s, ring %u events\n",
	       info.module_version, info.abi_major, info.abi_minor, info.symbol,
	       info.ring_capacity);
	printf("  %-22s %llu (move %llu, query %llu)\n", "calls",
	       (unsigned long long)s.calls, (unsigned long long)s.mode_move,
	       (unsigned long long)s.mode_query);
	printf("  %-22s 0=%llu positive=%llu", "returns",
	       (unsigned long long)s.ret_zero, (unsigned long long)s.ret_positive);
	for (i = 1; i < MPMON_NR_ERRNO; i++)
		if (s.ret_errno[i])
			printf(" %s=%llu", strerrorname_np(i) ?: "E?",
			       (unsigned long long)s.ret_errno[i]);
	printf("\n  %-22s %llu (not written %llu, truncated %llu)\n",
	       "pages requested", (unsigned long long)s.pages_requested,
	       (unsigned long long)s.pages_not_written,
	       (unsigned long long)s.pages_truncated);
	outcome("move page outcomes", &s.move);
	outcome("query page outcomes", &s.query);
	printf("  %-22s avg %llu ns, max %llu ns\n", "latency",
	       (unsigned long long)(s.calls ? s.lat_sum_ns / s.calls : 0),
	       (unsigned long long)s.lat_max_ns);
	printf("  %-22s ring_dropped=%llu kretprobe_missed=%llu filtered=%llu\n",
	       "lost", (unsigned long long)s.ring_dropped,
	       (unsigned long long)s.kretprobe_missed,
	       (unsigned long long)s.filtered);
	close(fd);
	return 0;
}
