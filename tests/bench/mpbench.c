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
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../vm/vmtest.h"

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	enum { N = 16, CHUNKS = 40 };
	int nodes[N], status[N], i, c, nchunks = 0, query;
	long long chunk_ns[CHUNKS], t0, t, total = 0;
	void *pages[N];
	long k, calls, per, done = 0;
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
		for (k = done; k < done + n; k++) {
			if (query) {
				if (mp(0, 1, pages, NULL, status, 0))
					die("query");
				continue;
			}
			for (i = 0; i < N; i++)
				nodes[i] = k & 1;
			if (mp(0, N, pages, nodes, status, MPOL_MF_MOVE) < 0)
				die("move");
		}
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
	return 0;
}
