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
 * moves, under the lock, only once their events have reached user space.
 */
#include <linux/atomic.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "mpmon.h"

/* Events copied before tail moves: room for producers comes back soon. */
#define MPMON_READ_RUN 256U

static struct {
	raw_spinlock_t lock;
	struct mpmon_event *buf;
	u32 capacity;
	u64 head;	/* next to write; producers, under lock */
	u64 tail;	/* next to read; readers, under lock and read_mutex */
	atomic64_t seq;	/* numbers every recorded call, stored or dropped */
	wait_queue_head_t waitq;
	struct mutex read_mutex;	/* one reader at a time; and reset */
} mpmon_ring;

int mpmon_ring_init(unsigned int capacity)
{
	mpmon_ring.buf = vmalloc(array_size(capacity, sizeof(struct mpmon_event)));
	if (!mpmon_ring.buf)
		return -ENOMEM;
	mpmon_ring.capacity = capacity;
	mpmon_ring.head = 0;
	mpmon_ring.tail = 0;
	atomic64_set(&mpmon_ring.seq, 0);
	raw_spin_lock_init(&mpmon_ring.lock);
	init_waitqueue_head(&mpmon_ring.waitq);
	mutex_init(&mpmon_ring.read_mutex);
	return 0;
}

void mpmon_ring_exit(void)
{
	vfree(mpmon_ring.buf);
}

static struct mpmon_event *mpmon_ring_slot(u64 pos)
{
	return &mpmon_ring.buf[pos % mpmon_ring.capacity];
}

/*
 * Called from the return handler: never sleeps.  The event's sequence
 * number is taken under the lock, so the ring holds events in sequence
 * order; a dropped event takes its number too, so a gap is a drop.  The
 * lock orders the numbers: the atomic needs no barrier of its own.
 */
bool mpmon_ring_push(const struct mpmon_event *ev)
{
	struct mpmon_event *slot;
	unsigned long flags;
	bool stored = false;

	raw_spin_lock_irqsave(&mpmon_ring.lock, flags);
	if (mpmon_ring.head - mpmon_ring.tail < mpmon_ring.capacity) {
		slot = mpmon_ring_slot(mpmon_ring.head);
		*slot = *ev;
		slot->seq = atomic64_inc_return_relaxed(&mpmon_ring.seq);
		mpmon_ring.head++;
		stored = true;
	} else {
		atomic64_inc(&mpmon_ring.seq);
	}
	raw_spin_unlock_irqrestore(&mpmon_ring.lock, flags);
	if (stored && wq_has_sleeper(&mpmon_ring.waitq))
		wake_up_interruptible(&mpmon_ring.waitq);
	return stored;
}

/* An event dropped without being offered (see mpmon_entry()): its number. */
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
	       mpmon_ring.capacity;
}

bool mpmon_ring_empty(void)
{
	return READ_ONCE(mpmon_ring.head) == READ_ONCE(mpmon_ring.tail);
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
 * module knows is copied, the rest of each record zeroed.  Runs of slots
 * up to the ring's end, each leaving the ring once copied.
 */
int mpmon_ring_read(struct mpmon_event __user *buf, u32 max, u32 stride,
		    u32 *count)
{
	char __user *dst = (char __user *)buf;
	unsigned long flags;
	u32 done = 0, n;
	u64 pos;
	int ret = 0;

	mutex_lock(&mpmon_ring.read_mutex);
	while (done < max) {
		n = min_t(u64, max - done, mpmon_ring_unread());
		if (!n)
			break;
		/* tail moves only under read_mutex, which is held. */
		pos = mpmon_ring.tail;
		n = min3(n, MPMON_READ_RUN,
			 (u32)(mpmon_ring.capacity - pos % mpmon_ring.capacity));
		ret = mpmon_ring_copy_out(dst, pos, n, stride);
		if (ret)
			break;
		raw_spin_lock_irqsave(&mpmon_ring.lock, flags);
		mpmon_ring.tail += n;
		raw_spin_unlock_irqrestore(&mpmon_ring.lock, flags);
		done += n;
		dst += (size_t)n * stride;
	}
	mutex_unlock(&mpmon_ring.read_mutex);
	mpmon_stats_add_read(done);
	*count = done;
	/* Events already delivered count as read even if a later run faulted. */
	return done ? 0 : ret;
}

void mpmon_ring_clear(void)
{
	unsigned long flags;

	mutex_lock(&mpmon_ring.read_mutex);
	raw_spin_lock_irqsave(&mpmon_ring.lock, flags);
	mpmon_ring.tail = mpmon_ring.head;
	raw_spin_unlock_irqrestore(&mpmon_ring.lock, flags);
	mutex_unlock(&mpmon_ring.read_mutex);
}
