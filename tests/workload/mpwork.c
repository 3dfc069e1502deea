// SPDX-License-Identifier: GPL-2.0
/*
 * mpwork: a small move_pages(2) workload with known outcomes, for the demo
 * and for benchmarks.  Moves a buffer back and forth between two nodes,
 * queries where its pages are, and makes a few calls that fail on purpose;
 * prints what it asked for and what the kernel answered.
 *
 *   mpwork [-p PAGES] [-r ROUNDS] [-q]     (-q: no per-call lines)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MPOL_MF_MOVE (1 << 1)

static long calls, failed_calls;

static long move_pages(int pid, unsigned long count, void **pages,
		       const int *nodes, int *status, int flags)
{
	long ret = syscall(SYS_move_pages, pid, count, pages, nodes, status,
			   flags);

	calls++;
	if (ret < 0) {
		failed_calls++;
		return -errno;
	}
	return ret;
}

static void show(int quiet, const char *what, long ret, const int *status,
		 unsigned long count)
{
	unsigned long i;

	if (quiet)
		return;
	printf("  %-30s = %ld", what, ret);
	if (ret < 0)
		printf(" (%s)", strerror((int)-ret));
	else if (count) {
		printf("  status:");
		for (i = 0; i < count && i < 8; i++)
			printf(" %d", status[i]);
		if (count > 8)
			printf(" ...");
	}
	printf("\n");
}

int main(int argc, char **argv)
{
	unsigned long npages = 16, rounds = 4, i, r;
	long psize = sysconf(_SC_PAGESIZE), ret;
	int quiet = 0, opt, *nodes, *status;
	char *buf, what[64];
	void **pages;

	while ((opt = getopt(argc, argv, "p:r:q")) != -1) {
		switch (opt) {
		case 'p': npages = strtoul(optarg, NULL, 0); break;
		case 'r': rounds = strtoul(optarg, NULL, 0); break;
		case 'q': quiet = 1; break;
		default:
			fprintf(stderr, "usage: mpwork [-p PAGES] [-r ROUNDS] [-q]\n");
			return 2;
		}
	}
	if (!npages || npages > 1 << 20) {
		fprintf(stderr, "mpwork: -p must be 1..%d\n", 1 << 20);
		return 2;
	}
	buf = mmap(NULL, npages * psize, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pages = calloc(npages + 1, sizeof(*pages));
	nodes = calloc(npages + 1, sizeof(*nodes));
	status = calloc(npages + 1, sizeof(*status));
	if (buf == MAP_FAILED || !pages || !nodes || !status) {
		perror("mpwork: allocation");
		return 1;
	}
	memset(buf, 1, npages * psize);
	for (i = 0; i < npages; i++)
		pages[i] = buf + i * psize;

	if (!quiet)
		printf("mpwork: pid %d, %lu pages of %ld bytes, %lu rounds\n",
		       getpid(), npages, psize, rounds);
	for (r = 0; r < rounds; r++) {
		int to = (r % 2 == 0) ? 1 : 0;

		for (i = 0; i < npages; i++)
			nodes[i] = to;
		ret = move_pages(0, npages, pages, nodes, status, MPOL_MF_MOVE);
		snprintf(what, sizeof(what), "move %lu pages to node %d",
			 npages, to);
		show(quiet, what, ret, status, npages);
		ret = move_pages(0, npages, pages, NULL, status, 0);
		show(quiet, "query where they are", ret, status, npages);
	}
	/* Failures on purpose: an unmapped page, a node that does not exist. */
	pages[npages] = NULL;
	nodes[npages] = 0;
	ret = move_pages(0, 1, &pages[npages], &nodes[npages], status,
			 MPOL_MF_MOVE);
	show(quiet, "move an unmapped address", ret, status, 1);
	nodes[0] = 1000;
	ret = move_pages(0, 1, pages, nodes, status, MPOL_MF_MOVE);
	show(quiet, "move to node 1000", ret, status, 1);

	printf("mpwork: %ld move_pages calls, %ld failed\n", calls,
	       failed_calls);
	return 0;
}
