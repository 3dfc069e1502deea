// SPDX-License-Identifier: GPL-2.0
/*
 * mpmon: the per-page outcome of a call, from the entries the kernel wrote
 * in its status array (seen by the store_status() probe) or, where every
 * entry was written, read back from it at return.
 */
#include <linux/minmax.h>

#include "mpmon.h"
#include "mpmon_call.h"
#include "mpmon_uaccess.h"

unsigned int mpmon_perr_class(int err)
{
	switch (err) {
	case EACCES: return MPMON_PERR_EACCES;
	case EBUSY: return MPMON_PERR_EBUSY;
	case EFAULT: return MPMON_PERR_EFAULT;
	case EIO: return MPMON_PERR_EIO;
	case EINVAL: return MPMON_PERR_EINVAL;
	case ENOENT: return MPMON_PERR_ENOENT;
	case ENOMEM: return MPMON_PERR_ENOMEM;
	default: return MPMON_PERR_OTHER;
	}
}

/*
 * Account @nr status entries from index @start, all holding @value.  The
 * first entries themselves are kept only in an event that will be
 * recorded: the counters read only the sums.
 */
void mpmon_event_status(struct mpmon_call *c, long start, int value,
			unsigned long nr)
{
	struct mpmon_event *ev = &c->ev;
	unsigned long i;

	ev->pages_written += nr;
	if (value < 0) {
		ev->page_err[mpmon_perr_class(-value)] += nr;
	} else {
		for (i = 0; i < ev->nr_node_pages; i++)
			if (ev->node_pages[i].node == value)
				break;
		if (i < MPMON_EVENT_NODES) {
			if (i == ev->nr_node_pages) {
				ev->node_pages[i].node = value;
				ev->node_pages[i].pages = 0;
				ev->nr_node_pages++;
			}
			ev->node_pages[i].pages += nr;
		} else {
			ev->node_overflow += nr;
			ev->flags |= MPMON_EV_NODE_OVERFLOW;
		}
	}
	if (!c->record)
		return;
	for (i = max(start, 0L); i < start + nr && i < MPMON_FORENSIC; i++) {
		ev->status[i] = value;
		ev->status_written |= 1U << i;
	}
}

/*
 * Read back the status array the kernel filled completely (a successful
 * query, or a successful move when store_status() cannot be probed), at
 * most max_status entries, accounted in runs of equal values.  A run that
 * goes on into the next chunk is accounted in two parts, which adds up to
 * the same.
 */
void mpmon_status_readback(struct mpmon_call *c)
{
	struct mpmon_event *ev = &c->ev;
	const int __user *ustatus = (const int __user *)c->args[4];
	unsigned long n = min_t(u64, ev->count, mpmon_max_status);
	int *chunk = c->chunk;
	unsigned long off, len, i, j;

	for (off = 0; off < n; off += len) {
		len = min_t(unsigned long, n - off, ARRAY_SIZE(c->chunk));
		if (!mpmon_read_user_ints(chunk, ustatus + off, len)) {
			ev->flags |= MPMON_EV_STATUS_FAULT;
			break;
		}
		for (i = 0; i < len; i = j) {
			for (j = i + 1; j < len && chunk[j] == chunk[i]; j++)
				;
			mpmon_event_status(c, off + i, chunk[i], j - i);
		}
	}
	if (ev->count > mpmon_max_status) {
		ev->pages_truncated = ev->count - mpmon_max_status;
		ev->flags |= MPMON_EV_TRUNCATED;
	}
}

/*
 * Entries whose page was already on its target node.  The kernel writes
 * a node into such an entry at once, and into the entries of a run that
 * returned 0 in one write after it (one entry per folio queued): so the
 * entries written with a node, less the folios of such runs, stayed.
 * Known only where every write was seen (@writes_seen: through the
 * store_status() probe, or read back after a call that returned 0) and
 * every run was followed; else -1.
 */
s64 mpmon_outcome_stayed(const struct mpmon_call *c, bool writes_seen)
{
	const struct mpmon_event *ev = &c->ev;
	u64 placed = ev->pages_written;
	unsigned int i;

	if (!writes_seen || c->mig.inexact ||
	    (ev->flags & (MPMON_EV_TRUNCATED | MPMON_EV_STATUS_FAULT |
			  MPMON_EV_INEXACT)))
		return -1;
	for (i = 0; i < MPMON_PERR_NR; i++)
		placed -= ev->page_err[i];
	return placed > c->mig.ok_folios ? placed - c->mig.ok_folios : 0;
}
