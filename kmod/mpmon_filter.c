// SPDX-License-Identifier: GPL-2.0
/*
 * mpmon: the filter, which callers of move_pages are recorded.
 *
 * Read in the entry handler under RCU, replaced whole by SET_FILTER.
 */
#include <linux/cred.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uidgid.h>

#include "mpmon.h"

struct mpmon_filter_rcu {
	struct mpmon_filter f;
	struct rcu_head rcu;
};

struct mpmon_filter_rcu __rcu *mpmon_filter_cur;
static DEFINE_MUTEX(mpmon_filter_mutex);

/* Whether the current task passes the filter set (mpmon_filter_match()). */
bool mpmon_filter_match_current(void)
{
	const struct mpmon_filter_rcu *fr;
	bool match = true;

	rcu_read_lock();
	fr = rcu_dereference(mpmon_filter_cur);
	if (fr) {
		const struct mpmon_filter *f = &fr->f;

		if ((f->mask & MPMON_FILTER_TGID) && f->tgid != current->tgid)
			match = false;
		if ((f->mask & MPMON_FILTER_UID) &&
		    f->uid != from_kuid(&init_user_ns, current_uid()))
			match = false;
		if ((f->mask & MPMON_FILTER_COMM) &&
		    strncmp(f->comm, current->comm, MPMON_COMM_LEN))
			match = false;
	}
	rcu_read_unlock();
	return match;
}

int mpmon_filter_set(const struct mpmon_filter *f)
{
	struct mpmon_filter_rcu *new = NULL, *old;

	if (f->mask) {
		new = kzalloc(sizeof(*new), GFP_KERNEL);
		if (!new)
			return -ENOMEM;
		new->f = *f;
	}
	mutex_lock(&mpmon_filter_mutex);
	old = rcu_replace_pointer(mpmon_filter_cur, new,
				  lockdep_is_held(&mpmon_filter_mutex));
	mutex_unlock(&mpmon_filter_mutex);
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}

void mpmon_filter_get(struct mpmon_filter *f)
{
	const struct mpmon_filter_rcu *fr;

	memset(f, 0, sizeof(*f));
	rcu_read_lock();
	fr = rcu_dereference(mpmon_filter_cur);
	if (fr)
		*f = fr->f;
	rcu_read_unlock();
}

/* Unloading: no filter left behind, and its RCU free done. */
void mpmon_filter_exit(void)
{
	mpmon_filter_set(&(struct mpmon_filter){ 0 });
	rcu_barrier();	/* the filter's kfree_rcu() */
}
