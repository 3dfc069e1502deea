/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The body of the 32-bit callers (mp32.c for x86, mp32_ppc.c for powerpc),
 * which define NR_EXIT, NR_WRITE, NR_MOVE_PAGES and sys6() for their
 * architecture: move one page of its own to node 1, then write the page
 * address, the return value and the status (3 x 32 bits) to stdout.
 */
static char page[65536] __attribute__((aligned(65536)));

void _start(void);

void _start(void)
{
	int out[3], node = 1, status = 0x7fff1234;
	void *pages[1];

	page[0] = 1;
	pages[0] = page;
	out[1] = sys6(NR_MOVE_PAGES, 0, 1, (long)pages, (long)&node,
		      (long)&status, 2 /* MPOL_MF_MOVE */);
	out[0] = (int)(long)page;
	out[2] = status;
	sys6(NR_WRITE, 1, (long)out, sizeof(out), 0, 0, 0);
	sys6(NR_EXIT, 0, 0, 0, 0, 0, 0);
	for (;;)
		;
}
