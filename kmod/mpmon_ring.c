// SPDX-License-Identifier: GPL-2.0
/*
 * mpmon: the event ring.
 *
 * One global ring of fixed-size records under a raw spinlock.  Global rather
 * than per-CPU: a move_pages call costs microseconds to milliseconds, so one
 * short critical section per call (a 400-byte copy) is never contended in a
 * way that matters, and a single ring keeps events in order and lets any
 * number of readers each take every event exactly once.  A full ring drops
 * the new event and the caller counts it; the traced task never waits.
 *
 * Readers are serialised by a mutex and copy straight from the ring's slots
 * to user space, outside the spinlock (copy_to_user() may fault): the slots
 * between tail and head are not written until tail passes them, and tail
 * moves, under the lock, only once the reader's caller has the count of
 * what it got, so a read that fails at any step leaves every event in the
 * ring.
 *
 * The return handler accounts a call in the counters and stores or drops
 * its event under the same lock (mpmon_ring_producers_lock()), so that a
 * RESET taken under it empties the ring and zeroes the counters in one step.
 */
#include <linux/atomic.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "mpmon.h"

static struct {
	raw_spinlock_t lock;
	struct mpmon_event *buf;
	u32 capacity;	/* changes under both locks (mpmon_ring_resize_locked()) */
	u64 head;	/* next to write; producers, under lock */
	u64 tail;	/* next to read; readers, under lock and read_mutex */
	atomic64_t seq;	/* numbers every recorded call, stored or dropped */
	wait_queue_head_t waitq;
	struct mutex read_mutex;	/* one reader at a time; and reset */
	/*
	 * The wake-up watermark: readers are woken once wake_events are
	 * unread, or wake_ms after the oldest unread event arrived (0:
	 * never), like perf's wakeup_watermark; no wake-up per event.
	 */
	u32 wake_events;
	u32 wake_ms;
	unsigned long first_unread;	/* jiffies; under lock */
	struct timer_list timer;
} mpmon_ring;

static void mpmon_ring_timeout(struct timer_list *t)
{
	wake_up_interruptible(&mpmon_ring.waitq);
}

int mpmon_ring_init(unsigned int capacity)
{
	mpmon_ring.buf = mpmon_ring_alloc(capacity);
	if (!mpmon_ring.buf)
		return -ENOMEM;
	mpmon_ring.capacity = capacity;
	mpmon_ring.head = 0;
	mpmon_ring.tail = 0;
	mpmon_ring.wake_events = 1;
	mpmon_ring.wake_ms = 0;
	atomic64_set(&mpmon_ring.seq, 0);
	raw_spin_lock_init(&mpmon_ring.lock);
	init_waitqueue_head(&mpmon_ring.waitq);
	mutex_init(&mpmon_ring.read_mutex);
	timer_setup(&mpmon_ring.timer, mpmon_ring_timeout, 0);
	return 0;
}

/* After the probes are gone: nothing arms the timer any more. */
void mpmon_ring_exit(void)
{
	timer_shutdown_sync(&mpmon_ring.timer);
	mpmon_ring_free(mpmon_ring.buf);
}

u32 mpmon_ring_capacity(void)
{
	return READ_ONCE(mpmon_ring.capacity);
}

static struct mpmon_event *mpmon_ring_slot(u64 pos)
{
	return &mpmon_ring.buf[pos % mpmon_ring.capacity];
}

/*
 * The producers' side: the return handler holds it while it accounts a
 * call and stores or drops its event, and RESET while it empties the ring
 * and zeroes the counters.  Never sleeps.
 */
void mpmon_ring_producers_lock(unsigned long *flags)
	__acquires(&mpmon_ring.lock)
{
	raw_spin_lock_irqsave(&mpmon_ring.lock, *flags);
}

void mpmon_ring_producers_unlock(unsigned long flags)
	__releases(&mpmon_ring.lock)
{
	raw_spin_unlock_irqrestore(&mpmon_ring.lock, flags);
}

/*
 * Store @ev, under mpmon_ring_producers_lock().  The event's sequence
 * number is taken under the lock, so the ring holds events in sequence
 * order; a dropped event takes its number too, so a gap is a drop.  The
 * lock orders the numbers: the atomic needs no barrier of its own.
 */
bool mpmon_ring_push_locked(const struct mpmon_event *ev)
{
	struct mpmon_event *slot;

	lockdep_assert_held(&mpmon_ring.lock);
	if (mpmon_ring.head - mpmon_ring.tail >= mpmon_ring.capacity) {
		atomic64_inc(&mpmon_ring.seq);
		return false;
	}
	slot = mpmon_ring_slot(mpmon_ring.head);
	*slot = *ev;
	slot->seq = atomic64_inc_return_relaxed(&mpmon_ring.seq);
	if (mpmon_ring.head++ == mpmon_ring.tail) {
		/* The oldest unread event: the timeout starts. */
		mpmon_ring.first_unread = jiffies;
		if (mpmon_ring.wake_ms)
			mod_timer(&mpmon_ring.timer, jiffies +
				  msecs_to_jiffies(mpmon_ring.wake_ms));
	}
	return true;
}

/*
 * After a stored event, outside the lock: wake sleeping readers once the
 * watermark is reached.
 */
void mpmon_ring_wake(void)
{
	if (READ_ONCE(mpmon_ring.head) - READ_ONCE(mpmon_ring.tail) >=
	    READ_ONCE(mpmon_ring.wake_events) &&
	    wq_has_sleeper(&mpmon_ring.waitq))
		wake_up_interruptible(&mpmon_ring.waitq);
}

/*
 * For poll(): whether a reader should read now, by the watermark.  A
 * reader that finds events it should not read yet has the timer armed for
 * the moment it should.
 */
bool mpmon_ring_readable(void)
{
	unsigned long flags, due;
	bool readable;
	u64 unread;

	raw_spin_lock_irqsave(&mpmon_ring.lock, flags);
	unread = mpmon_ring.head - mpmon_ring.tail;
	due = mpmon_ring.first_unread + msecs_to_jiffies(mpmon_ring.wake_ms);
	readable = unread >= mpmon_ring.wake_events ||
		   (unread && mpmon_ring.wake_ms && time_after_eq(jiffies, due));
	if (unread && !readable && mpmon_ring.wake_ms)
		mod_timer(&mpmon_ring.timer, due);
	raw_spin_unlock_irqrestore(&mpmon_ring.lock, flags);
	return readable;
}

/* The watermark for every reader; wakes them to look again. */
int mpmon_ring_set_wakeup(u32 events, u32 ms)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&mpmon_ring.lock, flags);
	if (events > mpmon_ring.capacity) {
		raw_spin_unlock_irqrestore(&mpmon_ring.lock, flags);
		return -EINVAL;
	}
	WRITE_ONCE(mpmon_ring.wake_events, events);
	mpmon_ring.wake_ms = ms;
	raw_spin_unlock_irqrestore(&mpmon_ring.lock, flags);
	wake_up_interruptible(&mpmon_ring.waitq);
	return 0;
}

void mpmon_ring_get_wakeup(u32 *events, u32 *ms)
{
	*events = READ_ONCE(mpmon_ring.wake_events);
	*ms = READ_ONCE(mpmon_ring.wake_ms);
}

/*
 * Under the readers' and producers' locks: replace the ring's buffer by
 * @buf of @capacity events (from mpmon_ring_alloc()).  Returns the unread
 * events the old buffer held, which are lost, and the old buffer in @old
 * for the caller to free once the locks are dropped.
 */
u64 mpmon_ring_resize_locked(struct mpmon_event *buf, u32 capacity,
			     struct mpmon_event **old)
{
	u64 lost = mpmon_ring.head - mpmon_ring.tail;

	lockdep_assert_held(&mpmon_ring.read_mutex);
	lockdep_assert_held(&mpmon_ring.lock);
	*old = mpmon_ring.buf;
	mpmon_ring.buf = buf;
	WRITE_ONCE(mpmon_ring.capacity, capacity);
	mpmon_ring.tail = mpmon_ring.head;
	if (mpmon_ring.wake_events > capacity)
		WRITE_ONCE(mpmon_ring.wake_events, capacity);
	return lost;
}

struct mpmon_event *mpmon_ring_alloc(u32 capacity)
{
	return vmalloc(array_size(capacity, sizeof(struct mpmon_event)));
}

void mpmon_ring_free(struct mpmon_event *buf)
{
	vfree(buf);
}

/* An event dropped at entry, the ring being full: its number. */
void mpmon_ring_drop(void)
{
	atomic64_inc(&mpmon_ring.seq);
}

/*
 * Without the lock: a reader may be making room at this very moment, and
 * an event dropped then is dropped as if its call had come a little
 * earlier; either way it is counted.
 */
bool mpmon_ring_full(void)
{
	return READ_ONCE(mpmon_ring.head) - READ_ONCE(mpmon_ring.tail) >=
	       READ_ONCE(mpmon_ring.capacity);
}

wait_queue_head_t *mpmon_ring_waitq(void)
{
	return &mpmon_ring.waitq;
}

/* Events to read: head is read under the lock, after the slots it covers. */
static u64 mpmon_ring_unread(void)
{
	unsigned long flags;
	u64 n;

	raw_spin_lock_irqsave(&mpmon_ring.lock, flags);
	n = mpmon_ring.head - mpmon_ring.tail;
	raw_spin_unlock_irqrestore(&mpmon_ring.lock, flags);
	return n;
}

/* Copy @n events from slot @pos on to @dst, @stride bytes apart. */
static int mpmon_ring_copy_out(char __user *dst, u64 pos, u32 n, u32 stride)
{
	size_t part = min_t(size_t, stride, sizeof(struct mpmon_event));
	u32 i;

	/* The caller's layout is ours: the run of slots in one copy. */
	if (stride == sizeof(struct mpmon_event))
		return copy_to_user(dst, mpmon_ring_slot(pos),
				    (size_t)n * stride) ? -EFAULT : 0;
	for (i = 0; i < n; i++, dst += stride) {
		if (copy_to_user(dst, mpmon_ring_slot(pos + i), part) ||
		    (stride > part && clear_user(dst + part, stride - part)))
			return -EFAULT;
	}
	return 0;
}

/*
 * Copy up to @max events to @buf, @stride bytes apart (the caller's
 * sizeof(struct mpmon_event), at least the first version's): the part this
 * module knows is copied, the rest of each record zeroed.  Then @deliver
 * tells the caller how many it got; only if that succeeds do the events
 * leave the ring.  Events copied before a fault are delivered; a fault on
 * the first is -EFAULT.  Returns the events delivered or an error.
 */
int mpmon_ring_read(struct mpmon_event __user *buf, u32 max, u32 stride,
		    int (*deliver)(u32 count, void *ctx), void *ctx)
{
	char __user *dst = (char __user *)buf;
	unsigned long flags;
	u32 done = 0, n;
	u64 pos;
	int ret = 0;

	mutex_lock(&mpmon_ring.read_mutex);
	/* tail moves only under read_mutex, which is held. */
	pos = mpmon_ring.tail;
	n = min_t(u64, max, mpmon_ring_unread());
	while (done < n) {
		u32 run = min_t(u32, n - done,
				mpmon_ring.capacity - (pos + done) % mpmon_ring.capacity);

		ret = mpmon_ring_copy_out(dst, pos + done, run, stride);
		if (ret)
			break;
		done += run;
		dst += (size_t)run * stride;
	}
	if (done || !ret)
		ret = deliver(done, ctx);
	if (!ret) {
		raw_spin_lock_irqsave(&mpmon_ring.lock, flags);
		mpmon_ring.tail += done;
		/* What is left is waited for from now. */
		mpmon_ring.first_unread = jiffies;
		raw_spin_unlock_irqrestore(&mpmon_ring.lock, flags);
		ret = done;
	}
	mutex_unlock(&mpmon_ring.read_mutex);
	return ret;
}

/* Readers out, for a RESET; taken before mpmon_stats_lock(). */
void mpmon_ring_readers_lock(void)
{
	mutex_lock(&mpmon_ring.read_mutex);
}

void mpmon_ring_readers_unlock(void)
{
	mutex_unlock(&mpmon_ring.read_mutex);
}

/* Under both locks: the ring emptied of what nobody has read. */
void mpmon_ring_clear_locked(void)
{
	lockdep_assert_held(&mpmon_ring.read_mutex);
	lockdep_assert_held(&mpmon_ring.lock);
	mpmon_ring.tail = mpmon_ring.head;
}
