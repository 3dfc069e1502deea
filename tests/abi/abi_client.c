// SPDX-License-Identifier: GPL-2.0
/*
 * abi_client: a client of /dev/mpmon built against one released uapi
 * header (tests/abi/<version>/linux/mpmon.h, copied from that release and
 * never edited), run against the module under test.  A module must keep
 * serving the clients of every earlier minor version: same command
 * numbers, same struct prefixes.  The truth it checks against is its own
 * move_pages call: what the kernel returned to it.
 *
 *   abi_client          prints "PASS abi-<ver>/<check>" or "FAIL ...: why"
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/mpmon.h>

#define STR_(x) #x
#define STR(x) STR_(x)
#define VER STR(MPMON_ABI_MAJOR) "." STR(MPMON_ABI_MINOR)

static int dev = -1;
static int failed;

static void result(const char *check, const char *why)
{
	if (why) {
		printf("FAIL abi-%s/%s: %s\n", VER, check, why);
		failed = 1;
	} else {
		printf("PASS abi-%s/%s\n", VER, check);
	}
}

/* The ioctl's error as the check's reason, or NULL. */
static const char *call(unsigned long cmd, void *arg)
{
	static char why[128];

	if (!ioctl(dev, cmd, arg))
		return NULL;
	snprintf(why, sizeof(why), "ioctl 0x%lx: %s", cmd, strerror(errno));
	return why;
}

static char why_buf[256];

#define CHECK(cond, ...)                                                      \
	((cond) ? NULL :                                                      \
		  (snprintf(why_buf, sizeof(why_buf), __VA_ARGS__), why_buf))

static void check_version(void)
{
	struct mpmon_version v = { 0 };
	const char *why = call(MPMON_IOC_GET_VERSION, &v);

	if (!why)
		why = CHECK(v.major == MPMON_ABI_MAJOR &&
				    (long)v.minor >= (long)MPMON_ABI_MINOR,
			    "module ABI %u.%u cannot serve a %s client",
			    v.major, v.minor, VER);
	result("get-version", why);
}

static void check_info(void)
{
	struct mpmon_info info;
	const char *why;

	memset(&info, 0xa5, sizeof(info));
	info.size = sizeof(info);
	why = call(MPMON_IOC_GET_INFO, &info);
	if (!why)
		why = CHECK(info.size == sizeof(info),
			    "size %u filled, expected %zu", info.size,
			    sizeof(info));
	if (!why)
		why = CHECK(info.abi_major == MPMON_ABI_MAJOR &&
				    info.page_size == (uint32_t)getpagesize() &&
				    info.ring_capacity > 0 && info.symbol[0] &&
				    memchr(info.symbol, 0, sizeof(info.symbol)),
			    "implausible info: abi %u, page %u, ring %u",
			    info.abi_major, info.page_size,
			    info.ring_capacity);
	result("get-info", why);
}

static void set_filter(uint32_t tgid)
{
	struct mpmon_filter f;

	memset(&f, 0, sizeof(f));
	if (tgid) {
		f.mask = MPMON_FILTER_TGID;
		f.tgid = tgid;
	}
	result(tgid ? "set-filter" : "clear-filter",
	       call(MPMON_IOC_SET_FILTER, &f));
}

static void check_filter(void)
{
	struct mpmon_filter f;
	const char *why;

	memset(&f, 0xa5, sizeof(f));
	why = call(MPMON_IOC_GET_FILTER, &f);
	if (!why)
		why = CHECK(f.mask == MPMON_FILTER_TGID &&
				    f.tgid == (uint32_t)getpid() && !f.uid,
			    "filter read back as mask %u tgid %u",
			    f.mask, f.tgid);
	result("get-filter", why);
}

static void get_stats(struct mpmon_stats *s, uint32_t flags,
		      const char *check)
{
	const char *why;

	memset(s, 0xa5, sizeof(*s));
	s->size = sizeof(*s);
#ifdef MPMON_STATS_RESET
	s->flags = flags;
#else
	s->__reserved0 = 0;
	(void)flags;
#endif
	why = call(MPMON_IOC_GET_STATS, s);
	if (!why)
		why = CHECK(s->size == sizeof(*s), "size %u filled, expected %zu",
			    s->size, sizeof(*s));
	result(check, why);
}

int main(void)
{
	long psize = sysconf(_SC_PAGESIZE);
	struct mpmon_read_events r;
	struct mpmon_event ev[4];
	struct mpmon_stats s;
	uint32_t on = 1;
	void *page;
	int status = -12345;
	long ret;

	dev = open("/dev/mpmon", O_RDWR);
	if (dev < 0) {
		printf("FAIL abi-%s/open: /dev/mpmon: %s\n", VER,
		       strerror(errno));
		return 1;
	}
	check_version();
	check_info();
	result("set-enabled", call(MPMON_IOC_SET_ENABLED, &on));
	set_filter((uint32_t)getpid());
	check_filter();
	result("reset", call(MPMON_IOC_RESET, NULL));

	/* One query of one page of ours: the kernel's answer is the truth. */
	page = mmap(NULL, psize, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED) {
		printf("FAIL abi-%s/setup: mmap: %s\n", VER, strerror(errno));
		return 1;
	}
	memset(page, 1, psize);
	ret = syscall(SYS_move_pages, 0, 1UL, &page, NULL, &status, 0);
	result("query", CHECK(ret == 0 && status >= 0,
			      "move_pages returned %ld, status %d", ret, status));

	get_stats(&s, 0, "get-stats");
	result("stats-match", CHECK(s.calls == 1 && s.mode_query == 1 &&
					    s.ret_zero == 1 &&
					    s.pages_requested == 1 &&
					    status >= 0 &&
					    status < MPMON_STATS_NODES &&
					    s.query.node[status] == 1,
				    "calls %llu query %llu node[%d] %llu",
				    (unsigned long long)s.calls,
				    (unsigned long long)s.mode_query, status,
				    status >= 0 && status < MPMON_STATS_NODES ?
					    (unsigned long long)s.query.node[status] :
					    0ULL));

	memset(&r, 0, sizeof(r));
	memset(ev, 0xa5, sizeof(ev));
	r.buf = (uintptr_t)ev;
	r.max = 4;
	r.event_size = sizeof(ev[0]);
	result("read-events", call(MPMON_IOC_READ_EVENTS, &r));
	result("event-match",
	       CHECK(r.count == 1 && ev[0].tgid == (uint32_t)getpid() &&
			     ev[0].count == 1 && ev[0].ret == 0 &&
			     ev[0].mode == MPMON_MODE_QUERY &&
			     ev[0].status[0] == status &&
			     ev[0].size >= MPMON_EVENT_SIZE_VER0,
		     "%u events; first: tgid %u count %llu ret %lld status %d",
		     r.count, ev[0].tgid, (unsigned long long)ev[0].count,
		     (long long)ev[0].ret, ev[0].status[0]));

#ifdef MPMON_STATS_RESET
	/* 1.1: read and zero in one step. */
	get_stats(&s, MPMON_STATS_RESET, "get-stats-reset");
	result("stats-reset-read", CHECK(s.calls == 1, "calls %llu before reset",
					 (unsigned long long)s.calls));
	get_stats(&s, 0, "get-stats-after-reset");
	result("stats-reset-zeroed", CHECK(s.calls == 0, "calls %llu after reset",
					   (unsigned long long)s.calls));
#endif
	set_filter(0);
	return failed;
}
