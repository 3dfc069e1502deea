// SPDX-License-Identifier: GPL-2.0
/*
 * mpfloor: the floor mpmon is measured against (make bench): a kretprobe
 * on the same move_pages entry point with empty entry and return handlers,
 * so what it costs is the kretprobe mechanism itself.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/module.h>

#include "move_pages_kretprobe.h"

static char *symbol;
module_param(symbol, charp, 0444);
MODULE_PARM_DESC(symbol, "move_pages entry point (default: the architecture's)");

static int mpfloor_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return 0;
}

static int mpfloor_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return 0;
}

static struct kretprobe mpfloor_rp = {
	.entry_handler = mpfloor_entry,
	.handler = mpfloor_return,
	.maxactive = 64,	/* as mpmon's default */
};

static int __init mpfloor_init(void)
{
	int ret = register_move_pages_kretprobe(&mpfloor_rp, symbol);

	if (ret)
		pr_err("cannot probe the move_pages entry point: error %d\n", ret);
	return ret;
}

static void __exit mpfloor_exit(void)
{
	unregister_kretprobe(&mpfloor_rp);
}

module_init(mpfloor_init);
module_exit(mpfloor_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("An empty kretprobe on move_pages: the floor of make bench");
