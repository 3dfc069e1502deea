/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the in-VM test programs (one translation unit each):
 * the device, the first failure reason of the running test, move_pages
 * without libnuma, and touched anonymous pages.
 */
#ifndef MPMON_VMTEST_H
#define MPMON_VMTEST_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/mpmon.h>

/* Not every program uses every helper. */
#define VMTEST_HELPER static __attribute__((unused))

#define MPMON_DEVICE_PATH "/dev/mpmon"

#define MPOL_MF_MOVE	 (1 << 1)
#define MPOL_MF_MOVE_ALL (1 << 2)

VMTEST_HELPER int dev = -1;	/* /dev/mpmon */
VMTEST_HELPER long psize;	/* sysconf(_SC_PAGESIZE) */
VMTEST_HELPER char why[512];	/* why the running test failed; "" while it passes */

VMTEST_HELPER void die(const char *what)
{
	printf("FAIL setup: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Record the first reason a test failed. */
VMTEST_HELPER int bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
VMTEST_HELPER int bad(const char *fmt, ...)
{
	va_list ap;

	if (!why[0]) {
		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
	}
	return 0;
}

/*
 * /dev/mpmon, attached as a reader (a watermark of one event): with the
 * module's default events=auto, calls become events only while a reader
 * is attached, and these tests read them after making them.
 */
VMTEST_HELPER int open_reader(int flags)
{
	struct mpmon_wakeup w = { 1, 0, 0 };
	int fd = open(MPMON_DEVICE_PATH, flags);

	if (fd >= 0 && ioctl(fd, MPMON_IOC_SET_WAKEUP, &w)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* move_pages(2); -errno on failure. */
VMTEST_HELPER long mp(int pid, unsigned long count, void **pages, const int *nodes,
	       int *status, int flags)
{
	long r = syscall(SYS_move_pages, pid, count, pages, nodes, status, flags);

	return r < 0 ? -errno : r;
}

/* n anonymous pages, written so that they exist. */
VMTEST_HELPER char *map_pages(unsigned long n)
{
	char *p = mmap(NULL, n * psize, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	memset(p, 0x5a, n * psize);
	return p;
}

#endif /* MPMON_VMTEST_H */
