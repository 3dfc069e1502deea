// SPDX-License-Identifier: GPL-2.0
/*
 * mpbench: time per move_pages call, for make bench (scripts/bench runs it
 * in the VM under each tracing mode, rounds interleaved).
 *
 *   mpbench MODE query N    N one-page queries (the cheapest move_pages)
 *   mpbench MODE move N     N moves of 16 pages, back and forth between nodes
 *
 * Prints "RESULT MODE WORKLOAD NS_PER_CALL MEAN_NS_PER_CALL": the calls are
 * timed in 40 chunks, and NS_PER_CALL is the median of the chunks' means,
 * which a burst of other work on the emulating host (a preempted vCPU)
 * moves far less than the mean over all calls, printed beside it.
 *
 * Then, where the guest has a PMU that counts instructions (QEMU emulates
 * POWER8's and later; x86_64 under TCG has none), a tenth of the calls
 * (at most 2,000) again, counted: "INSNS MODE WORKLOAD INSNS_PER_CALL",
 * the instructions the thread retired per call, user and kernel.  Unlike
 * time, the count does not depend on the host's load or on what an
 * instruction costs to emulate; it is not timed with the counter on, as
 * the emulated PMU slows the guest.
 */
#define _GNU_SOURCE
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../vm/vmtest.h"

enum { N = 16 };
static void *pages[N];
static int query;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Call number k of the workload. */
static void one_call(long k)
{
	int nodes[N], status[N], i;

	if (query) {
		if (mp(0, 1, pages, NULL, status, 0))
			die("query");
		return;
	}
	for (i = 0; i < N; i++)
		nodes[i] = k & 1;
	if (mp(0, N, pages, nodes, status, MPOL_MF_MOVE) < 0)
		die("move");
}

/* Instructions per call over n calls, or -1 without a counting PMU. */
static double insns_per_call(long n)
{
	struct perf_event_attr a;
	long long count;
	long k;
	int fd;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_HARDWARE;
	a.config = PERF_COUNT_HW_INSTRUCTIONS;
	a.disabled = 1;
	a.exclude_hv = 1;
	fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
	if (fd < 0)
		return -1;
	ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
	for (k = 0; k < n; k++)
		one_call(k);
	ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
	if (read(fd, &count, sizeof(count)) != sizeof(count))
		die("read instruction counter");
	close(fd);
	return (double)count / n;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	enum { CHUNKS = 40 };
	long long chunk_ns[CHUNKS], t0, t, total = 0;
	long k, calls, per, done = 0, counted;
	int i, c, nchunks = 0;
	double insns;
	char *buf;

	if (argc != 4 || (strcmp(argv[2], "query") && strcmp(argv[2], "move"))) {
		fprintf(stderr, "usage: mpbench MODE query|move N\n");
		return 2;
	}
	calls = atol(argv[3]);
	if (calls < 1) {
		fprintf(stderr, "mpbench: N must be positive\n");
		return 2;
	}
	query = !strcmp(argv[2], "query");
	per = calls / CHUNKS > 0 ? calls / CHUNKS : 1;
	psize = sysconf(_SC_PAGESIZE);
	buf = map_pages(N);
	for (i = 0; i < N; i++)
		pages[i] = buf + i * psize;
	for (c = 0; c < CHUNKS && done < calls; c++) {
		long n = c == CHUNKS - 1 ? calls - done : per;

		if (n > calls - done)
			n = calls - done;
		t0 = now_ns();
		for (k = done; k < done + n; k++)
			one_call(k);
		t = now_ns() - t0;
		total += t;
		chunk_ns[nchunks++] = t / n;
		done += n;
	}
	qsort(chunk_ns, nchunks, sizeof(chunk_ns[0]), cmp_ll);
	printf("RESULT %s %s %lld %lld\n", argv[1], argv[2],
	       nchunks % 2 ? chunk_ns[nchunks / 2] :
			     (chunk_ns[nchunks / 2 - 1] + chunk_ns[nchunks / 2]) / 2,
	       total / calls);
	/* An even number of moves: as many to node 0 as to node 1. */
	counted = calls / 10 > 2000 ? 2000 : (calls / 10) & ~1L;
	if (counted < 2)
		counted = 2;
	insns = insns_per_call(counted);
	if (insns >= 0)
		printf("INSNS %s %s %.1f\n", argv[1], argv[2], insns);
	return 0;
}
