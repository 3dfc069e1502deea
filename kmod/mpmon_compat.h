/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where mpmon adapts to kernel versions and architectures.
 */
#ifndef MPMON_COMPAT_H
#define MPMON_COMPAT_H

#include <linux/mm.h>
#include <linux/ptrace.h>
#include <linux/version.h>
#include <linux/mpmon.h>

/*
 * Nth argument of a probed kernel function, read at its first instruction.
 * powerpc has no regs_get_kernel_argument() before 6.x: the ELF ABIs (v1
 * and v2) pass the first eight arguments in r3..r10.
 */
static inline unsigned long mpmon_kernel_arg(struct pt_regs *regs,
					     unsigned int n)
{
#if defined(CONFIG_PPC64)
	return regs->gpr[3 + n];
#else
	return regs_get_kernel_argument(regs, n);
#endif
}

/*
 * The mappings of a folio, or -1 where a large folio's cannot be counted
 * from a module: folio_mapcount() was out of line and not exported
 * before it was made inline (6.9; see Kbuild).
 */
static inline int mpmon_folio_mapcount(struct folio *folio)
{
#ifdef MPMON_FOLIO_MAPCOUNT_INLINE
	return folio_mapcount(folio);
#else
	if (folio_test_large(folio))
		return -1;
	return atomic_read(&folio->_mapcount) + 1;
#endif
}

#if defined(CONFIG_PPC64) && defined(CONFIG_CPU_BIG_ENDIAN)
#define MPMON_ARCH	MPMON_ARCH_PPC64
#elif defined(CONFIG_PPC64)
#define MPMON_ARCH	MPMON_ARCH_PPC64LE
#elif defined(CONFIG_X86_64)
#define MPMON_ARCH	MPMON_ARCH_X86_64
#elif defined(CONFIG_ARM64)
#define MPMON_ARCH	MPMON_ARCH_ARM64
#else
#define MPMON_ARCH	MPMON_ARCH_UNKNOWN
#endif

#endif /* MPMON_COMPAT_H */
