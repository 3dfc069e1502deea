/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mpmon: reading a few ints of the caller's memory from the return
 * handler (the status read-back), inline in the two paths that do it.
 */
#ifndef MPMON_UACCESS_H
#define MPMON_UACCESS_H

#include <linux/instrumented.h>
#include <linux/preempt.h>
#include <linux/uaccess.h>

/*
 * Read @n ints of user memory from the return handler, with the
 * safeguards of copy_from_user_nofault():
 * - no fault is served (pagefault_disable(): a page that is not there is
 *   an error, not a sleep), and only user addresses are read (access_ok()
 *   in user_read_access_begin());
 * - the loaded mm is the caller's: copy_from_user_nofault() asks
 *   nmi_uaccess_okay() (not exported on x86) because an NMI may interrupt
 *   a switch of mm; the return handler runs in the calling task, and
 *   refuses to read if it ever finds itself in NMI context;
 * - KASAN, KCSAN and KMSAN see the copy (instrument_copy_from_user_*());
 * - the destination's bounds, which hardened usercopy checks at run time,
 *   are static: @dst is the call's chunk and @n at most its length.
 * But one load per int inside one user-access window instead of the
 * generic copy routine, which for the few bytes of a chunk cost more than
 * the reads (make bench counts the instructions).
 */
static __always_inline bool mpmon_read_user_ints(int *dst,
						 const int __user *src,
						 unsigned long n)
{
	unsigned long i;
	bool ok = false;

	if (in_nmi())
		return false;
	instrument_copy_from_user_before(dst, src, n * sizeof(*src));
	pagefault_disable();
	if (!user_read_access_begin(src, n * sizeof(*src)))
		goto out;
	for (i = 0; i < n; i++)
		unsafe_get_user(dst[i], &src[i], end);
	ok = true;
end:
	user_read_access_end();
out:
	pagefault_enable();
	instrument_copy_from_user_after(dst, src, n * sizeof(*src),
					ok ? 0 : n * sizeof(*src));
	return ok;
}

#endif /* MPMON_UACCESS_H */
