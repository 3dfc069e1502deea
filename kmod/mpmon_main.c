// SPDX-License-Identifier: GPL-2.0
/*
 * mpmon: a monitor of the move_pages(2) system call.
 *
 * Module parameters, and setting up and tearing down the parts: statistics,
 * event ring, probes, the /dev/mpmon device.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

#include "mpmon.h"

static char *symbol;
module_param(symbol, charp, 0444);
MODULE_PARM_DESC(symbol, "move_pages entry point to probe (default: the architecture's)");

/*
 * Every move_pages call in flight holds one kretprobe instance from entry to
 * return, and move_pages sleeps while it migrates: with too few instances
 * concurrent callers are missed (counted in kretprobe_missed).  The kernel's
 * default, max(10, 2 * CPUs), is too small for a handful of threads on a
 * small machine; 64 covers the 8-thread storm test with room to spare and
 * costs 64 * sizeof(struct mpmon_call), about 30 KiB.
 */
unsigned int mpmon_maxactive = 64;
module_param_named(maxactive, mpmon_maxactive, uint, 0444);
MODULE_PARM_DESC(maxactive, "concurrent move_pages calls tracked (1..4096, default 64)");

/*
 * The ring holds what arrives while a reader is away: 49,152 events
 * (24 MiB) are about 330 ms of the fastest storm measured under emulation
 * (150,000 calls/s).  SET_RING changes it at run time.
 */
static unsigned int mpmon_ring_events = 49152;
module_param_named(ring_events, mpmon_ring_events, uint, 0444);
MODULE_PARM_DESC(ring_events, "event ring capacity in events (16..1048576, default 49152)");

bool mpmon_enabled = true;
module_param_named(enabled, mpmon_enabled, bool, 0444);
MODULE_PARM_DESC(enabled, "record calls from the start (default 1)");

unsigned int mpmon_max_status = 4096;
module_param_named(max_status, mpmon_max_status, uint, 0444);
MODULE_PARM_DESC(max_status, "status entries read back per call (1..1048576, default 4096)");

/*
 * The translation-flush probes (mpmon_mmu.c).  On by default on POWER, where
 * they probe the hash/radix invalidation functions.  Off by default on
 * x86_64, where the tlb_flush tracepoint they attach to fires on every TLB
 * flush of every process.
 */
int mpmon_flush_probes = -1;
module_param_named(flush_probes, mpmon_flush_probes, int, 0444);
MODULE_PARM_DESC(flush_probes, "count translation flushes per call (0, 1; default 1 on POWER, 0 elsewhere)");

/*
 * The migrate_pages() probe (mpmon_migrate.c): it runs only for the
 * migrations of the move_pages calls mpmon follows.
 */
bool mpmon_migrate_probes = true;
module_param_named(migrate_probes, mpmon_migrate_probes, bool, 0444);
MODULE_PARM_DESC(migrate_probes, "count what migrate_pages() moved and failed per call (0, 1; default 1)");

/*
 * Where move mode's per-page outcomes come from: mm/migrate.c's
 * store_status(), through which the kernel writes every status entry.
 * Named here for kernels that rename it; refused unless it is in
 * mm/migrate.c.
 */
char *mpmon_status_probe = "store_status";
module_param_named(status_probe, mpmon_status_probe, charp, 0444);
MODULE_PARM_DESC(status_probe, "mm/migrate.c function that writes status entries (default store_status)");

/*
 * When calls become events: only while a reader is attached (auto), so
 * that mpmon loaded for its counters prepares no event; always, as a
 * flight recorder that a later reader drains; or never.
 */
static char *events = "auto";
module_param(events, charp, 0444);
MODULE_PARM_DESC(events, "calls become events: auto (while a reader is attached, default), always, never");

static const char * const mpmon_events_modes[] = {
	[MPMON_EVENTS_NEVER] = "never",
	[MPMON_EVENTS_AUTO] = "auto",
	[MPMON_EVENTS_ALWAYS] = "always",
};

static int __init mpmon_parse_events(void)
{
	int mode = match_string(mpmon_events_modes,
				ARRAY_SIZE(mpmon_events_modes), events);

	if (mode < 0) {
		pr_err("events=%s is not one of auto, always, never\n", events);
		return -EINVAL;
	}
	mpmon_events_mode = mode;
	mpmon_events_on = mode == MPMON_EVENTS_ALWAYS;
	return 0;
}

static int __init mpmon_check_param(const char *name, unsigned int val,
				    unsigned int min, unsigned int max)
{
	if (val >= min && val <= max)
		return 0;
	pr_err("%s=%u is out of range %u..%u\n", name, val, min, max);
	return -EINVAL;
}

static int __init mpmon_init(void)
{
	int ret;

	BUILD_BUG_ON(sizeof(struct mpmon_info) != MPMON_INFO_SIZE_VER1);
	BUILD_BUG_ON(sizeof(struct mpmon_stats) != MPMON_STATS_SIZE_VER4);
	BUILD_BUG_ON(sizeof(struct mpmon_event) != MPMON_EVENT_SIZE_VER1);
	BUILD_BUG_ON(sizeof(struct mpmon_event) % 8);
	BUILD_BUG_ON(sizeof(struct mpmon_read_events) !=
		     MPMON_READ_EVENTS_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct mpmon_filter) != MPMON_FILTER_SIZE_VER0);
	/*
	 * Each command encodes a frozen size, never sizeof() of a struct that
	 * may grow, and every one fits powerpc's 13-bit ioctl size field.
	 */
	BUILD_BUG_ON(_IOC_SIZE(MPMON_IOC_GET_INFO) != MPMON_INFO_SIZE_VER1);
	BUILD_BUG_ON(_IOC_SIZE(MPMON_IOC_GET_STATS) != MPMON_STATS_SIZE_VER1);
	BUILD_BUG_ON(MPMON_INFO_SIZE_VER1 > MPMON_IOC_SIZE_MAX);
	BUILD_BUG_ON(MPMON_STATS_SIZE_VER1 > MPMON_IOC_SIZE_MAX);
	BUILD_BUG_ON(MPMON_READ_EVENTS_SIZE_VER0 > MPMON_IOC_SIZE_MAX);
	BUILD_BUG_ON(MPMON_FILTER_SIZE_VER0 > MPMON_IOC_SIZE_MAX);
	BUILD_BUG_ON(MPMON_FORENSIC > 32);	/* status_written is a u32 */

	ret = mpmon_check_param("maxactive", mpmon_maxactive, 1, 4096);
	if (!ret)
		ret = mpmon_check_param("ring_events", mpmon_ring_events,
					MPMON_RING_MIN, MPMON_RING_MAX);
	if (!ret)
		ret = mpmon_check_param("max_status", mpmon_max_status, 1,
					1U << 20);
	if (!ret && mpmon_flush_probes != -1) {
		/* -1 is the unset default; only 0 and 1 may be given. */
		ret = mpmon_check_param("flush_probes", mpmon_flush_probes, 0, 1);
	}
	if (!ret)
		ret = mpmon_parse_events();
	if (ret)
		return ret;
	if (mpmon_flush_probes == -1)
		mpmon_flush_probes = IS_ENABLED(CONFIG_PPC64);

	ret = mpmon_stats_init();
	if (ret)
		return ret;
	ret = mpmon_ring_init(mpmon_ring_events);
	if (ret)
		goto err_stats;
	ret = mpmon_probe_init(symbol);
	if (ret)
		goto err_ring;
	ret = mpmon_mmu_init();
	if (ret)
		goto err_probe;
	mpmon_migrate_init();	/* without it, migrations are not counted */
	ret = mpmon_dev_init();
	if (ret)
		goto err_migrate;
	pr_info("probing %s, ring of %u events, %s\n", mpmon_probe_symbol(),
		mpmon_ring_events, mpmon_enabled ? "enabled" : "disabled");
	return 0;

err_migrate:
	mpmon_migrate_exit();
	mpmon_mmu_exit();
err_probe:
	mpmon_probe_exit();
err_ring:
	mpmon_ring_exit();
err_stats:
	mpmon_stats_exit();
	return ret;
}

static void __exit mpmon_exit(void)
{
	/* No file can be open here: each open file holds a module reference. */
	mpmon_dev_exit();
	mpmon_probe_quiesce();
	pr_info("unloading; kretprobe missed %llu calls\n",
		mpmon_probe_nmissed());
	mpmon_migrate_exit();	/* its handlers look calls up too */
	mpmon_mmu_exit();	/* its handlers look calls up in the probe's table */
	mpmon_probe_exit();
	mpmon_ring_exit();
	mpmon_stats_exit();
}

module_init(mpmon_init);
module_exit(mpmon_exit);
MODULE_DESCRIPTION("move_pages(2) monitor");
MODULE_LICENSE("GPL");
MODULE_VERSION(MPMON_VERSION);
