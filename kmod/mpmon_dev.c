// SPDX-License-Identifier: GPL-2.0
/*
 * mpmon: the /dev/mpmon device and its ioctls.
 *
 * Events expose other processes' addresses, so opening the device and every
 * ioctl require CAP_PERFMON or CAP_SYS_ADMIN.  Every argument is checked
 * (sizes, flags, reserved fields); every struct copied out is zeroed first;
 * a failed ioctl changes nothing.
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/nodemask.h>
#include <linux/nospec.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mpmon.h"
#include "mpmon_compat.h"

/* Largest size a caller may claim for a struct with a size field. */
#define MPMON_MAX_USIZE		(64U * 1024)
#define MPMON_MAX_EVENT_SIZE	4096U

/*
 * Open files of the device, and of them the readers: files that have
 * read events, polled or set a watermark.  Under mpmon_open_mutex.
 */
static unsigned int mpmon_open_files;
static unsigned int mpmon_readers;
static DEFINE_MUTEX(mpmon_open_mutex);

u32 mpmon_events_mode = MPMON_EVENTS_AUTO;
bool mpmon_events_on;

/* file->private_data: whether the file is a reader. */
#define MPMON_FILE_READER	((void *)1)

static void mpmon_readers_changed(void)
{
	lockdep_assert_held(&mpmon_open_mutex);
	if (mpmon_events_mode == MPMON_EVENTS_AUTO)
		WRITE_ONCE(mpmon_events_on, mpmon_readers > 0);
}

/* From now on, while @file is open, calls become events (events=auto). */
static void mpmon_reader_attach(struct file *file)
{
	if (READ_ONCE(file->private_data) == MPMON_FILE_READER)
		return;
	mutex_lock(&mpmon_open_mutex);
	if (file->private_data != MPMON_FILE_READER) {
		file->private_data = MPMON_FILE_READER;
		mpmon_readers++;
		mpmon_readers_changed();
	}
	mutex_unlock(&mpmon_open_mutex);
}

static int mpmon_open(struct inode *inode, struct file *file)
{
	if (!perfmon_capable())
		return -EPERM;
	mutex_lock(&mpmon_open_mutex);
	mpmon_open_files++;
	mutex_unlock(&mpmon_open_mutex);
	return nonseekable_open(inode, file);	/* no llseek: -ESPIPE */
}

/* The last reader gone: the next one starts from the default watermark. */
static int mpmon_release(struct inode *inode, struct file *file)
{
	mutex_lock(&mpmon_open_mutex);
	if (file->private_data == MPMON_FILE_READER) {
		mpmon_readers--;
		mpmon_readers_changed();
	}
	if (!--mpmon_open_files)
		mpmon_ring_set_wakeup(1, 0);
	mutex_unlock(&mpmon_open_mutex);
	return 0;
}

static __poll_t mpmon_poll(struct file *file, poll_table *wait)
{
	mpmon_reader_attach(file);
	poll_wait(file, mpmon_ring_waitq(), wait);
	return mpmon_ring_readable() ? EPOLLIN | EPOLLRDNORM : 0;
}

/*
 * Copy @kbuf (@ksize bytes) out to a caller's struct of @usize bytes: what
 * both know, and zeroes for the caller's fields this module does not have.
 */
static int mpmon_copy_out(void __user *uarg, u32 usize, const void *kbuf,
			  u32 ksize)
{
	u32 n = min(usize, ksize);

	if (copy_to_user(uarg, kbuf, n))
		return -EFAULT;
	if (usize > n && clear_user(uarg + n, usize - n))
		return -EFAULT;
	return 0;
}

/*
 * The caller's size of a struct that starts with a __u32 size (see the
 * uapi header): at least the first version's and a multiple of 8.
 */
static int mpmon_get_usize(void __user *uarg, u32 ver0, u32 *usize)
{
	if (get_user(*usize, (u32 __user *)uarg))
		return -EFAULT;
	if (*usize < ver0 || *usize % 8)
		return -EINVAL;
	if (*usize > MPMON_MAX_USIZE)
		return -E2BIG;
	return 0;
}

static int mpmon_get_version(struct file *file, void __user *uarg,
			     u32 usize)
{
	struct mpmon_version version = {
		.major = MPMON_ABI_MAJOR,
		.minor = MPMON_ABI_MINOR,
	};

	if (usize < sizeof(version))
		return -EINVAL;
	return mpmon_copy_out(uarg, usize, &version, sizeof(version));
}

static int mpmon_get_info(struct file *file, void __user *uarg,
			  u32 cmd_size)
{
	struct mpmon_info info;
	u32 usize;
	int ret;

	ret = mpmon_get_usize(uarg, MPMON_INFO_SIZE_VER0, &usize);
	if (ret)
		return ret;
	memset(&info, 0, sizeof(info));
	info.abi_major = MPMON_ABI_MAJOR;
	info.abi_minor = MPMON_ABI_MINOR;
	info.enabled = READ_ONCE(mpmon_enabled);
	strscpy(info.module_version, MPMON_VERSION, sizeof(info.module_version));
	strscpy(info.symbol, mpmon_probe_symbol(), sizeof(info.symbol));
	info.ring_capacity = mpmon_ring_capacity();
	info.ring_bytes = (u64)info.ring_capacity * sizeof(struct mpmon_event);
	mpmon_ring_get_wakeup(&info.wakeup_events, &info.wakeup_ms);
	info.events_mode = mpmon_events_mode;
	info.readers = READ_ONCE(mpmon_readers);
	info.event_size = sizeof(struct mpmon_event);
	info.page_size = PAGE_SIZE;
	info.nr_node_ids = nr_node_ids;
	info.nr_online_nodes = num_online_nodes();
	info.nr_cpu_ids = nr_cpu_ids;
	info.maxactive = mpmon_maxactive;
	info.max_status = mpmon_max_status;
	info.status_source = mpmon_probe_status_source();
	strscpy(info.status_probe, mpmon_probe_status_probe(),
		sizeof(info.status_probe));
	info.arch = MPMON_ARCH;
	info.big_endian = IS_ENABLED(CONFIG_CPU_BIG_ENDIAN);
	mpmon_mmu_info(&info);
	info.migrate_sources = mpmon_migrate_sources();
	info.size = min_t(u32, usize, sizeof(info));
	return mpmon_copy_out(uarg, usize, &info, sizeof(info));
}

struct mpmon_stats_req {
	void __user *uarg;
	u32 usize;
};

static int mpmon_deliver_stats(struct mpmon_stats *stats, void *ctx)
{
	const struct mpmon_stats_req *req = ctx;

	stats->size = min_t(u32, req->usize, sizeof(*stats));
	return mpmon_copy_out(req->uarg, req->usize, stats, sizeof(*stats));
}

static int mpmon_get_stats(struct file *file, void __user *uarg,
			   u32 cmd_size)
{
	struct mpmon_stats_req req = { .uarg = uarg };
	struct mpmon_stats *stats;
	u32 flags;
	int ret;

	ret = mpmon_get_usize(uarg, MPMON_STATS_SIZE_VER0, &req.usize);
	if (ret)
		return ret;
	if (get_user(flags, (u32 __user *)(uarg + offsetof(struct mpmon_stats, flags))))
		return -EFAULT;
	if (flags & ~MPMON_STATS_RESET)
		return -EINVAL;
	stats = kmalloc(sizeof(*stats), GFP_KERNEL);	/* 6 KiB: not on the stack */
	if (!stats)
		return -ENOMEM;
	/* Fills every byte; resets only once the caller has the counters. */
	ret = mpmon_stats_read(stats, mpmon_probe_nmissed(),
			       flags & MPMON_STATS_RESET, mpmon_deliver_stats,
			       &req);
	kfree(stats);
	return ret;
}

struct mpmon_events_req {
	void __user *uarg;
	u32 usize;
	struct mpmon_read_events r;
};

/* The count reaches the caller before the events leave the ring. */
static int mpmon_deliver_events(u32 count, void *ctx)
{
	struct mpmon_events_req *req = ctx;

	req->r.count = count;
	req->r.lost = mpmon_stats_dropped();
	return mpmon_copy_out(req->uarg, req->usize, &req->r, sizeof(req->r));
}

static int mpmon_read_events(struct file *file, void __user *uarg,
			     u32 usize)
{
	struct mpmon_events_req req = { .uarg = uarg, .usize = usize };
	struct mpmon_read_events *r = &req.r;
	int ret;

	if (usize < MPMON_READ_EVENTS_SIZE_VER0)
		return -EINVAL;
	ret = copy_struct_from_user(r, sizeof(*r), uarg, usize);
	if (ret)
		return ret;
	if (r->flags || r->count || !r->max ||
	    r->event_size < MPMON_EVENT_SIZE_VER0 ||
	    r->event_size > MPMON_MAX_EVENT_SIZE || r->event_size % 8)
		return -EINVAL;
	mpmon_reader_attach(file);
	ret = mpmon_ring_read(u64_to_user_ptr(r->buf), r->max, r->event_size,
			      mpmon_deliver_events, &req);
	if (ret < 0)
		return ret;
	mpmon_stats_add_read(ret);
	return 0;
}

static int mpmon_set_filter(struct file *file, void __user *uarg,
			    u32 usize)
{
	struct mpmon_filter f;
	int ret;

	if (usize < MPMON_FILTER_SIZE_VER0)
		return -EINVAL;
	ret = copy_struct_from_user(&f, sizeof(f), uarg, usize);
	if (ret)
		return ret;
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

static int mpmon_get_filter(struct file *file, void __user *uarg,
			    u32 usize)
{
	struct mpmon_filter f;

	if (usize < MPMON_FILTER_SIZE_VER0)
		return -EINVAL;
	mpmon_filter_get(&f);
	return mpmon_copy_out(uarg, usize, &f, sizeof(f));
}

static int mpmon_set_enabled(struct file *file, void __user *uarg,
			     u32 usize)
{
	u32 on;

	if (usize != sizeof(on))
		return -EINVAL;
	if (get_user(on, (u32 __user *)uarg))
		return -EFAULT;
	if (on > 1)
		return -EINVAL;
	WRITE_ONCE(mpmon_enabled, on);
	return 0;
}

static int mpmon_set_wakeup(struct file *file, void __user *uarg,
			    u32 usize)
{
	struct mpmon_wakeup w;
	int ret;

	if (usize < MPMON_WAKEUP_SIZE_VER0)
		return -EINVAL;
	ret = copy_struct_from_user(&w, sizeof(w), uarg, usize);
	if (ret)
		return ret;
	if (!w.events || w.timeout_ms > MPMON_WAKEUP_MAX_MS || w.__reserved)
		return -EINVAL;
	ret = mpmon_ring_set_wakeup(w.events, w.timeout_ms);
	if (!ret)
		mpmon_reader_attach(file);
	return ret;
}

/*
 * A new ring, allocated before anything is locked; refused while another
 * file is open (its reader would lose its place).  The events the old
 * ring held are counted as dropped in the same step, so that read +
 * dropped + in the ring still adds up to the calls.
 */
static int mpmon_set_ring(struct file *file, void __user *uarg,
			  u32 usize)
{
	struct mpmon_event *buf, *old;
	unsigned long flags;
	u32 capacity;
	int ret = 0;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (usize != sizeof(capacity))
		return -EINVAL;
	if (get_user(capacity, (u32 __user *)uarg))
		return -EFAULT;
	if (capacity < MPMON_RING_MIN || capacity > MPMON_RING_MAX)
		return -EINVAL;
	buf = mpmon_ring_alloc(capacity);
	if (!buf)
		return -ENOMEM;
	mutex_lock(&mpmon_open_mutex);
	if (mpmon_open_files > 1) {
		ret = -EBUSY;
		old = buf;
		goto out_unlock_open;
	}
	mpmon_ring_readers_lock();
	mpmon_stats_lock();
	mpmon_ring_producers_lock(&flags);
	mpmon_stats_add_dropped(mpmon_ring_resize_locked(buf, capacity, &old));
	mpmon_ring_producers_unlock(flags);
	mpmon_stats_unlock();
	mpmon_ring_readers_unlock();
out_unlock_open:
	mutex_unlock(&mpmon_open_mutex);
	mpmon_ring_free(old);
	return ret;
}

/*
 * Empty the ring and zero the counters with no call in between: the return
 * handler accounts and stores under the producers' lock held here.
 */
static int mpmon_reset(struct file *file, void __user *uarg,
		       u32 usize)
{
	unsigned long flags;

	if (uarg)
		return -EINVAL;
	mpmon_ring_readers_lock();
	mpmon_stats_lock();
	mpmon_ring_producers_lock(&flags);
	mpmon_ring_clear_locked();
	mpmon_stats_reset_locked(mpmon_probe_nmissed());
	mpmon_ring_producers_unlock(flags);
	mpmon_stats_unlock();
	mpmon_ring_readers_unlock();
	return 0;
}

/*
 * The commands by number; the size a client's header encoded in the
 * command is its struct's size, which the handler reads (see the uapi
 * header), so growing a struct never changes what the module accepts.
 * GET_INFO and GET_STATS size their structs by the size field instead.
 */
static const struct mpmon_ioctl_desc {
	unsigned int dir;
	int (*fn)(struct file *file, void __user *uarg, u32 usize);
} mpmon_ioctls[] = {
	[_IOC_NR(MPMON_IOC_GET_VERSION)] = {
		_IOC_DIR(MPMON_IOC_GET_VERSION), mpmon_get_version },
	[_IOC_NR(MPMON_IOC_GET_INFO)] = {
		_IOC_DIR(MPMON_IOC_GET_INFO), mpmon_get_info },
	[_IOC_NR(MPMON_IOC_GET_STATS)] = {
		_IOC_DIR(MPMON_IOC_GET_STATS), mpmon_get_stats },
	[_IOC_NR(MPMON_IOC_READ_EVENTS)] = {
		_IOC_DIR(MPMON_IOC_READ_EVENTS), mpmon_read_events },
	[_IOC_NR(MPMON_IOC_RESET)] = {
		_IOC_DIR(MPMON_IOC_RESET), mpmon_reset },
	[_IOC_NR(MPMON_IOC_SET_ENABLED)] = {
		_IOC_DIR(MPMON_IOC_SET_ENABLED), mpmon_set_enabled },
	[_IOC_NR(MPMON_IOC_SET_FILTER)] = {
		_IOC_DIR(MPMON_IOC_SET_FILTER), mpmon_set_filter },
	[_IOC_NR(MPMON_IOC_GET_FILTER)] = {
		_IOC_DIR(MPMON_IOC_GET_FILTER), mpmon_get_filter },
	[_IOC_NR(MPMON_IOC_SET_WAKEUP)] = {
		_IOC_DIR(MPMON_IOC_SET_WAKEUP), mpmon_set_wakeup },
	[_IOC_NR(MPMON_IOC_SET_RING)] = {
		_IOC_DIR(MPMON_IOC_SET_RING), mpmon_set_ring },
};

static long mpmon_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	const struct mpmon_ioctl_desc *desc;
	unsigned int nr = _IOC_NR(cmd);

	if (!perfmon_capable())
		return -EPERM;
	if (_IOC_TYPE(cmd) != MPMON_IOC_MAGIC || nr >= ARRAY_SIZE(mpmon_ioctls))
		return -ENOTTY;
	desc = &mpmon_ioctls[array_index_nospec(nr, ARRAY_SIZE(mpmon_ioctls))];
	if (!desc->fn || _IOC_DIR(cmd) != desc->dir)
		return -ENOTTY;
	return desc->fn(file, (void __user *)arg, _IOC_SIZE(cmd));
}

static const struct file_operations mpmon_fops = {
	.owner = THIS_MODULE,	/* pins the module while a file is open */
	.open = mpmon_open,
	.release = mpmon_release,
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
