// SPDX-License-Identifier: GPL-2.0
/*
 * mpmon: the /dev/mpmon device and its ioctls.
 *
 * Events expose other processes' addresses, so opening the device and every
 * ioctl require CAP_PERFMON or CAP_SYS_ADMIN.  Every argument is checked
 * (sizes, flags, reserved fields); every struct copied out is zeroed first.
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/nodemask.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mpmon.h"
#include "mpmon_compat.h"

/* Largest size a caller may claim for a growing struct. */
#define MPMON_MAX_USIZE		(64U * 1024)
#define MPMON_MAX_EVENT_SIZE	4096U

static int mpmon_open(struct inode *inode, struct file *file)
{
	if (!perfmon_capable())
		return -EPERM;
	return nonseekable_open(inode, file);	/* no llseek: -ESPIPE */
}

static __poll_t mpmon_poll(struct file *file, poll_table *wait)
{
	poll_wait(file, mpmon_ring_waitq(), wait);
	return mpmon_ring_empty() ? 0 : EPOLLIN | EPOLLRDNORM;
}

/*
 * Copy a struct that starts with a __u32 size (see the uapi header): the
 * caller's size says how much it can take; fill what both know, zero the
 * rest, and report the size filled.
 */
static int mpmon_copy_sized(void __user *uarg, void *kbuf, u32 ksize,
			    u32 ver0)
{
	u32 usize, n;

	if (get_user(usize, (u32 __user *)uarg))
		return -EFAULT;
	if (usize < ver0)
		return -EINVAL;
	if (usize > MPMON_MAX_USIZE)
		return -E2BIG;
	n = min(usize, ksize);
	*(u32 *)kbuf = n;
	if (copy_to_user(uarg, kbuf, n))
		return -EFAULT;
	if (usize > n && clear_user(uarg + n, usize - n))
		return -EFAULT;
	return 0;
}

static int mpmon_get_info(void __user *uarg)
{
	struct mpmon_info info;

	memset(&info, 0, sizeof(info));
	info.abi_major = MPMON_ABI_MAJOR;
	info.abi_minor = MPMON_ABI_MINOR;
	info.enabled = READ_ONCE(mpmon_enabled);
	strscpy(info.module_version, MPMON_VERSION, sizeof(info.module_version));
	strscpy(info.symbol, mpmon_probe_symbol(), sizeof(info.symbol));
	info.ring_capacity = mpmon_ring_events;
	info.event_size = sizeof(struct mpmon_event);
	info.page_size = PAGE_SIZE;
	info.nr_node_ids = nr_node_ids;
	info.nr_online_nodes = num_online_nodes();
	info.nr_cpu_ids = nr_cpu_ids;
	info.maxactive = mpmon_maxactive;
	info.max_status = mpmon_max_status;
	info.status_source = mpmon_probe_status_source();
	info.arch = MPMON_ARCH;
	info.big_endian = IS_ENABLED(CONFIG_CPU_BIG_ENDIAN);
	mpmon_mmu_info(&info);
	return mpmon_copy_sized(uarg, &info, sizeof(info), MPMON_INFO_SIZE_VER0);
}

static int mpmon_get_stats(void __user *uarg)
{
	struct mpmon_stats *stats;
	u32 flags;
	int ret;

	if (get_user(flags, (u32 __user *)(uarg + offsetof(struct mpmon_stats, flags))))
		return -EFAULT;
	if (flags & ~MPMON_STATS_RESET)
		return -EINVAL;
	stats = kmalloc(sizeof(*stats), GFP_KERNEL);	/* 6 KiB: not on the stack */
	if (!stats)
		return -ENOMEM;
	mpmon_stats_read(stats, flags & MPMON_STATS_RESET);	/* fills every byte */
	ret = mpmon_copy_sized(uarg, stats, sizeof(*stats),
			       MPMON_STATS_SIZE_VER0);
	kfree(stats);
	return ret;
}

static int mpmon_read_events(void __user *uarg)
{
	struct mpmon_read_events req;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.flags || req.count || !req.max ||
	    req.event_size < MPMON_EVENT_SIZE_VER0 ||
	    req.event_size > MPMON_MAX_EVENT_SIZE || req.event_size % 8)
		return -EINVAL;
	ret = mpmon_ring_read(u64_to_user_ptr(req.buf), req.max,
			      req.event_size, &req.count);
	if (ret)
		return ret;
	req.lost = mpmon_stats_dropped();
	if (copy_to_user(uarg, &req, sizeof(req)))
		return -EFAULT;
	return 0;
}

static int mpmon_set_filter(void __user *uarg)
{
	struct mpmon_filter f;

	if (copy_from_user(&f, uarg, sizeof(f)))
		return -EFAULT;
	if ((f.mask & ~MPMON_FILTER_ALL) || f.__reserved0 ||
	    f.__reserved[0] || f.__reserved[1])
		return -EINVAL;
	if (f.mask & MPMON_FILTER_COMM) {
		if (!memchr(f.comm, 0, sizeof(f.comm)))
			return -EINVAL;
	} else if (memchr_inv(f.comm, 0, sizeof(f.comm))) {
		return -EINVAL;
	}
	if ((!(f.mask & MPMON_FILTER_TGID) && f.tgid) ||
	    (!(f.mask & MPMON_FILTER_UID) && f.uid))
		return -EINVAL;
	return mpmon_filter_set(&f);
}

static long mpmon_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	struct mpmon_version version;
	struct mpmon_filter f;
	u32 on;

	if (!perfmon_capable())
		return -EPERM;

	switch (cmd) {
	case MPMON_IOC_GET_VERSION:
		memset(&version, 0, sizeof(version));
		version.major = MPMON_ABI_MAJOR;
		version.minor = MPMON_ABI_MINOR;
		return copy_to_user(uarg, &version, sizeof(version)) ? -EFAULT : 0;
	case MPMON_IOC_GET_INFO:
		return mpmon_get_info(uarg);
	case MPMON_IOC_GET_STATS:
		return mpmon_get_stats(uarg);
	case MPMON_IOC_READ_EVENTS:
		return mpmon_read_events(uarg);
	case MPMON_IOC_RESET:
		if (arg)
			return -EINVAL;
		mpmon_ring_clear();
		mpmon_stats_reset();
		return 0;
	case MPMON_IOC_SET_ENABLED:
		if (get_user(on, (u32 __user *)uarg))
			return -EFAULT;
		if (on > 1)
			return -EINVAL;
		WRITE_ONCE(mpmon_enabled, on);
		return 0;
	case MPMON_IOC_SET_FILTER:
		return mpmon_set_filter(uarg);
	case MPMON_IOC_GET_FILTER:
		mpmon_filter_get(&f);
		return copy_to_user(uarg, &f, sizeof(f)) ? -EFAULT : 0;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations mpmon_fops = {
	.owner = THIS_MODULE,	/* pins the module while a file is open */
	.open = mpmon_open,
	.poll = mpmon_poll,
	.unlocked_ioctl = mpmon_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice mpmon_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "mpmon",
	.fops = &mpmon_fops,
	.mode = 0600,
};

int mpmon_dev_init(void)
{
	return misc_register(&mpmon_misc);
}

void mpmon_dev_exit(void)
{
	misc_deregister(&mpmon_misc);
}
