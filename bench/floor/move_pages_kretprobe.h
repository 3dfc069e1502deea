/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bench modules' kretprobe on the move_pages entry point (mpfloor, and
 * bench/hotpath's mphot and mpmin): on the symbol given, or on the first of
 * the architectures' entry points that registers.
 */
#ifndef MOVE_PAGES_KRETPROBE_H
#define MOVE_PAGES_KRETPROBE_H

#include <linux/kernel.h>
#include <linux/kprobes.h>

static inline int register_move_pages_kretprobe(struct kretprobe *rp,
						const char *symbol)
{
	static const char * const symbols[] = {
		"__x64_sys_move_pages",
		"__arm64_sys_move_pages",
		"sys_move_pages",
	};
	unsigned int i;
	int ret = -ENOENT;

	for (i = 0; i < ARRAY_SIZE(symbols) && ret; i++) {
		rp->kp.symbol_name = symbol ?: symbols[i];
		rp->kp.addr = NULL;
		ret = register_kretprobe(rp);
		if (symbol)
			break;
	}
	return ret;
}

#endif /* MOVE_PAGES_KRETPROBE_H */
