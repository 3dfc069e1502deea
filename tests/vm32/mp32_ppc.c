// SPDX-License-Identifier: GPL-2.0
/*
 * mp32_ppc: a 32-bit powerpc caller of move_pages(2) for the big-endian
 * ppc64 guest, without a C library (Debian has no 32-bit powerpc libc to
 * install beside the cross compilers).  The same job as mp32.c on x86:
 * move one page of its own to node 1 through the "sc" instruction and
 * write the page address, the return value and the status, 3 x 32 bits,
 * to stdout for mpmon_selftest.
 */
#define NR_EXIT		1
#define NR_WRITE	4
#define NR_MOVE_PAGES	301

/* r0: number, r3..r8: arguments; on error CR0.SO is set and r3 = errno. */
static long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r0 __asm__("r0") = nr;
	register long r3 __asm__("r3") = a;
	register long r4 __asm__("r4") = b;
	register long r5 __asm__("r5") = c;
	register long r6 __asm__("r6") = d;
	register long r7 __asm__("r7") = e;
	register long r8 __asm__("r8") = f;
	long so;

	__asm__ volatile("sc\n\tmfcr %1"
			 : "+r"(r3), "=r"(so), "+r"(r0), "+r"(r4), "+r"(r5),
			   "+r"(r6), "+r"(r7), "+r"(r8)
			 :
			 : "memory", "cr0", "r9", "r10", "r11", "r12", "ctr");
	return (so & 0x10000000) ? -r3 : r3;	/* CR0.SO */
}

#include "mp32_start.h"
