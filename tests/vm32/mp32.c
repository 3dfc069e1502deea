// SPDX-License-Identifier: GPL-2.0
/*
 * mp32: a 32-bit x86 caller of move_pages(2), without a C library (no
 * 32-bit libc can be installed beside Debian's ppc64el cross compilers).
 * Moves one page of its own to node 1 through int $0x80 and writes the
 * page address, the return value and the status, 3 x 32 bits, to stdout
 * for mpmon_selftest to compare with what mpmon recorded.
 */
#define NR_EXIT		1
#define NR_WRITE	4
#define NR_MOVE_PAGES	317

long arg6;	/* global, absolute address: still reachable once ebp is reused */

static long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	long ret;

	/* ebp carries the 6th argument; save it around the call. */
	arg6 = f;
	__asm__ volatile("push %%ebp\n\tmov arg6, %%ebp\n\tint $0x80\n\tpop %%ebp"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
			 : "memory");
	return ret;
}

#include "mp32_start.h"
