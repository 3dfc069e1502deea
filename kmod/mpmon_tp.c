// SPDX-License-Identifier: GPL-2.0
/*
 * mpmon: attaching to the kernel's tracepoints, found by name as LTTng does
 * (for_each_kernel_tracepoint()), for the migration and MMU counters.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/printk.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "mpmon.h"

#ifdef CONFIG_TRACEPOINTS
static void mpmon_tp_find(struct tracepoint *tp, void *priv)
{
	struct mpmon_tp *t = priv;

	if (!strcmp(tp->name, t->name))
		t->tp = tp;
}

/* Whether @t's probe is attached; says why not in the log. */
bool mpmon_tp_attach(struct mpmon_tp *t, const char *what)
{
	int ret;

	for_each_kernel_tracepoint(mpmon_tp_find, t);
	if (!t->tp) {
		pr_info("no %s tracepoint: %s are not counted\n", t->name, what);
		return false;
	}
	ret = tracepoint_probe_register(t->tp, t->probe, NULL);
	if (ret) {
		pr_info("%s tracepoint not attached (error %d): %s are not counted\n",
			t->name, ret, what);
		return false;
	}
	t->active = true;
	return true;
}

/* Detaches the probes of @tps; none runs, or will, once this returns. */
void mpmon_tp_detach(struct mpmon_tp *tps, unsigned int n)
{
	bool any = false;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!tps[i].active)
			continue;
		tracepoint_probe_unregister(tps[i].tp, tps[i].probe, NULL);
		tps[i].active = false;
		any = true;
	}
	if (any)
		tracepoint_synchronize_unregister();
}
#else
bool mpmon_tp_attach(struct mpmon_tp *t, const char *what)
{
	pr_info("no tracepoints in this kernel: %s are not counted\n", what);
	return false;
}

void mpmon_tp_detach(struct mpmon_tp *tps, unsigned int n)
{
}
#endif

