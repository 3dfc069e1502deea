// SPDX-License-Identifier: GPL-2.0
/*
 * mpbench: time per move_pages call, for make bench (scripts/bench runs it
 * in the VM under each tracing mode, rounds interleaved).
 *
 *   mpbench MODE query N    N one-page queries (the cheapest move_pages)
 *   mpbench MODE move N     N moves of 16 pages, back and forth between nodes
 *
 * Prints "RESULT MODE WORKLOAD NS_PER_CALL".
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

int main(int argc, char **argv)
{
	enum { N = 16 };
	int nodes[N], status[N], i;
	void *pages[N];
	long k, calls;
	long long t0, t;
	char *buf;

	if (argc != 4 || (strcmp(argv[2], "query") && strcmp(argv[2], "move"))) {
		fprintf(stderr, "usage: mpbench MODE query|move N\n");
		return 2;
	}
	calls = atol(argv[3]);
	psize = sysconf(_SC_PAGESIZE);
	buf = map_pages(N);
	for (i = 0; i < N; i++)
		pages[i] = buf + i * psize;
	if (!strcmp(argv[2], "query")) {
		t0 = now_ns();
		for (k = 0; k < calls; k++)
			if (mp(0, 1, pages, NULL, status, 0))
				die("query");
	} else {
		t0 = now_ns();
		for (k = 0; k < calls; k++) {
			for (i = 0; i < N; i++)
				nodes[i] = k & 1;
			if (mp(0, N, pages, nodes, status, MPOL_MF_MOVE) < 0)
				die("move");
		}
	}
	t = now_ns() - t0;
	printf("RESULT %s %s %lld\n", argv[1], argv[2], t / calls);
	return 0;
}
