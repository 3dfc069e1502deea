// SPDX-License-Identifier: GPL-2.0
/*
 * mpmon_torture: stress, fuzz and privilege tests of /dev/mpmon, run in the
 * VM by tests/matrix/suite-torture.sh.  Each test prints PASS or FAIL; the
 * invariants checked are mpmon's accounting promises:
 *   calls made            == calls recorded + kretprobe missed
 *   calls recorded        == events read + events dropped (ring drained)
 *
 *   mpmon_torture fuzz N            N random ioctls: documented errnos only
 *   mpmon_torture storm THREADS N   a storm followed by mpctl events --follow
 *   mpmon_torture overflow N        N calls into a ring nobody reads
 *   mpmon_torture privilege         uid 65534 with and without CAP_PERFMON
 *   mpmon_torture huge              one call of 1M pages, mostly unmapped
 *   mpmon_torture readers           readers killed in read and in poll
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <pthread.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/mpmon.h>

#include "vmtest.h"

static int verdict(const char *name)
{
	if (why[0])
		printf("FAIL torture/%s: %s\n", name, why);
	else
		printf("PASS torture/%s\n", name);
	return why[0] ? 1 : 0;
}

static void get_stats(struct mpmon_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	if (ioctl(dev, MPMON_IOC_GET_STATS, s))
		bad("GET_STATS: %s", strerror(errno));
}

static void get_info(struct mpmon_info *i)
{
	memset(i, 0, sizeof(*i));
	i->size = sizeof(*i);
	if (ioctl(dev, MPMON_IOC_GET_INFO, i))
		bad("GET_INFO: %s", strerror(errno));
}

static void reset(void)
{
	struct mpmon_filter f = { 0 };
	uint32_t on = 1;

	if (ioctl(dev, MPMON_IOC_RESET, 0) || ioctl(dev, MPMON_IOC_SET_FILTER, &f) ||
	    ioctl(dev, MPMON_IOC_SET_ENABLED, &on))
		bad("reset: %s", strerror(errno));
}

static struct mpmon_event drained[256];
static uint64_t drained_first_seq, drained_last_seq;

/* Drains the ring; returns the events read (and the first and last seq). */
static uint64_t drain(int fd)
{
	struct mpmon_read_events r;
	uint64_t n = 0;

	do {
		memset(&r, 0, sizeof(r));
		r.buf = (uintptr_t)drained;
		r.max = 256;
		r.event_size = sizeof(drained[0]);
		if (ioctl(fd, MPMON_IOC_READ_EVENTS, &r)) {
			bad("READ_EVENTS: %s", strerror(errno));
			break;
		}
		if (r.count && !n)
			drained_first_seq = drained[0].seq;
		if (r.count)
			drained_last_seq = drained[r.count - 1].seq;
		n += r.count;
	} while (r.count);
	return n;
}

/* ---- fuzz ----------------------------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/*
 * Random ioctl commands (mpmon's and others, every direction and size),
 * arguments pointing at random bytes, at read-only, unmapped and unaligned
 * memory, or plain numbers.  The only acceptable results are success and
 * the errnos the ABI documents; afterwards the device must still work.
 */
static int test_fuzz(long n)
{
	static const unsigned int nrs[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 0x40, 0xff };
	unsigned char *rw = mmap(NULL, 2 * psize, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *ro = mmap(NULL, psize, PROT_READ,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *gone = mmap(NULL, psize, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long i, ok = 0, errs[8] = { 0 };
	struct mpmon_stats s;
	uint32_t on = 1;

	if (rw == MAP_FAILED || ro == MAP_FAILED || gone == MAP_FAILED)
		die("mmap");
	munmap(gone, psize);
	for (i = 0; i < n; i++) {
		unsigned int dir = rnd() % 4, size = rnd() % 8192;
		unsigned int type = rnd() % 8 == 0 ? rnd() % 256 : MPMON_IOC_MAGIC;
		unsigned long cmd, arg;
		long k;
		int r;

		if (rnd() % 4 == 0) {
			/* A real command with a wrong size or direction. */
			const unsigned long real[] = {
				MPMON_IOC_GET_VERSION, MPMON_IOC_GET_INFO,
				MPMON_IOC_GET_STATS, MPMON_IOC_READ_EVENTS,
				MPMON_IOC_RESET, MPMON_IOC_SET_ENABLED,
				MPMON_IOC_SET_FILTER, MPMON_IOC_GET_FILTER };

			cmd = real[rnd() % 8];
			if (rnd() % 2)
				cmd ^= (unsigned long)(rnd() % 4) << _IOC_DIRSHIFT;
		} else {
			cmd = _IOC(dir, type, nrs[rnd() % 11], size);
		}
		for (k = 0; k < 64; k++)
			rw[k] = rnd() % 4 ? 0 : (unsigned char)rnd();
		if (rnd() % 3 == 0)	/* a plausible size field */
			*(uint32_t *)rw = (uint32_t[]){ sizeof(struct mpmon_info),
				sizeof(struct mpmon_stats), MPMON_INFO_SIZE_VER0,
				MPMON_STATS_SIZE_VER0, 4, 0, 1 << 20 }[rnd() % 7];
		switch (rnd() % 6) {
		case 0: arg = (unsigned long)rw; break;
		case 1: arg = (unsigned long)rw + 1 + rnd() % 7; break;	/* unaligned */
		case 2: arg = (unsigned long)ro; break;
		case 3: arg = (unsigned long)gone; break;
		case 4: arg = (unsigned long)(rw + 2 * psize - rnd() % 64); break; /* runs off the end */
		default: arg = rnd() % 3 ? rnd() % 4 : rnd(); break;
		}
		/* READ_EVENTS with a random buffer: keep it inside our memory. */
		if (cmd == MPMON_IOC_READ_EVENTS && arg == (unsigned long)rw) {
			struct mpmon_read_events *re = (void *)rw;

			re->buf = (uintptr_t)(rnd() % 2 ? (void *)ro : gone);
		}
		r = ioctl(dev, cmd, arg);
		if (!r) {
			ok++;
			continue;
		}
		switch (errno) {
		case ENOTTY: errs[0]++; break;
		case EINVAL: errs[1]++; break;
		case EFAULT: errs[2]++; break;
		case E2BIG: errs[3]++; break;
		case EPERM: errs[4]++; break;
		case ENOMEM: errs[5]++; break;
		default:
			bad("ioctl %#lx arg %#lx: unexpected errno %d (%s)",
			    cmd, arg, errno, strerror(errno));
		}
	}
	/* Leave the device as the suite expects it, and check it still works. */
	reset();
	ioctl(dev, MPMON_IOC_SET_ENABLED, &on);
	get_stats(&s);
	printf("NOTE torture/fuzz: %ld ioctls: %ld ok, ENOTTY %ld, EINVAL %ld, EFAULT %ld, E2BIG %ld, EPERM %ld, ENOMEM %ld\n",
	       n, ok, errs[0], errs[1], errs[2], errs[3], errs[4], errs[5]);
	return verdict("fuzz");
}

/* ---- storm, followed by mpctl ---------------------------------------------- */

struct storm_arg {
	long calls;
	long made;
};

static void *storm_worker(void *p)
{
	struct storm_arg *a = p;
	enum { N = 4 };
	int nodes[N], status[N], i;
	char *buf = map_pages(N);
	void *pages[N];
	long k;

	for (i = 0; i < N; i++)
		pages[i] = buf + i * psize;
	for (k = 0; k < a->calls; k++) {
		for (i = 0; i < N; i++)
			nodes[i] = k & 1;
		if (k % 3 == 2)
			mp(0, N, pages, NULL, status, 0);
		else
			mp(0, N, pages, nodes, status, MPOL_MF_MOVE);
		a->made++;
	}
	return NULL;
}

static uint64_t count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	uint64_t n = 0;
	int c;

	while (f && (c = getc(f)) != EOF)
		n += c == '\n';
	if (f)
		fclose(f);
	return n;
}

static int test_storm(int threads, long calls)
{
	struct storm_arg args[64];
	pthread_t th[64];
	struct mpmon_stats s;
	uint64_t made = 0, followed, left;
	pid_t follower;
	int i, st;

	if (threads > 64)
		threads = 64;
	reset();
	follower = fork();
	if (follower == 0) {
		int o = open("/tmp/storm.jsonl", O_WRONLY | O_CREAT | O_TRUNC, 0600);

		dup2(o, 1);
		execlp("mpctl", "mpctl", "events", "--follow", "--json", (char *)NULL);
		_exit(127);
	}
	usleep(300000);
	for (i = 0; i < threads; i++) {
		args[i].calls = calls;
		args[i].made = 0;
		pthread_create(&th[i], NULL, storm_worker, &args[i]);
	}
	for (i = 0; i < threads; i++) {
		pthread_join(th[i], NULL);
		made += args[i].made;
	}
	usleep(500000);
	kill(follower, SIGINT);
	waitpid(follower, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		bad("mpctl events --follow ended with status %#x", st);
	followed = count_lines("/tmp/storm.jsonl");
	left = drain(dev);
	get_stats(&s);
	if (made != s.calls + s.kretprobe_missed)
		bad("made %llu != recorded %llu + missed %llu",
		    (unsigned long long)made, (unsigned long long)s.calls,
		    (unsigned long long)s.kretprobe_missed);
	if (s.calls != followed + left + s.ring_dropped)
		bad("recorded %llu != followed %llu + left %llu + dropped %llu",
		    (unsigned long long)s.calls, (unsigned long long)followed,
		    (unsigned long long)left, (unsigned long long)s.ring_dropped);
	if (s.events_read != followed + left)
		bad("events_read %llu != followed %llu + left %llu",
		    (unsigned long long)s.events_read,
		    (unsigned long long)followed, (unsigned long long)left);
	printf("NOTE torture/storm: %d threads, %llu calls: %llu followed, %llu dropped, %llu missed\n",
	       threads, (unsigned long long)made, (unsigned long long)followed,
	       (unsigned long long)s.ring_dropped,
	       (unsigned long long)s.kretprobe_missed);
	return verdict("storm");
}

/* ---- overflow ------------------------------------------------------------- */

static int test_overflow(long calls)
{
	struct mpmon_info info;
	struct mpmon_stats s;
	char *buf = map_pages(1);
	void *page = buf;
	uint64_t read, kept_last;
	int status;
	long k;

	get_info(&info);
	reset();
	for (k = 0; k < calls; k++)
		mp(0, 1, &page, NULL, &status, 0);
	get_stats(&s);
	read = drain(dev);
	if ((uint64_t)calls != s.calls + s.kretprobe_missed)
		bad("made %ld != recorded %llu + missed %llu", calls,
		    (unsigned long long)s.calls,
		    (unsigned long long)s.kretprobe_missed);
	if (read != (uint64_t)info.ring_capacity && s.calls >= info.ring_capacity)
		bad("read %llu events from a full ring of %u",
		    (unsigned long long)read, info.ring_capacity);
	if (s.ring_dropped != s.calls - read)
		bad("dropped %llu, expected recorded %llu - read %llu",
		    (unsigned long long)s.ring_dropped,
		    (unsigned long long)s.calls, (unsigned long long)read);
	if (s.mode_query != s.calls || s.query.node[0] + s.query.node[1] != s.calls)
		bad("stats not exact under overflow: query %llu, pages %llu, calls %llu",
		    (unsigned long long)s.mode_query,
		    (unsigned long long)(s.query.node[0] + s.query.node[1]),
		    (unsigned long long)s.calls);
	/*
	 * The ring keeps the oldest events, numbered one after the other; every
	 * dropped call took a number too, so the next call's event comes after
	 * all of them.
	 */
	if (read && drained_last_seq != drained_first_seq + read - 1)
		bad("seq of the kept events %llu..%llu for %llu events",
		    (unsigned long long)drained_first_seq,
		    (unsigned long long)drained_last_seq,
		    (unsigned long long)read);
	kept_last = drained_last_seq;
	mp(0, 1, &page, NULL, &status, 0);
	if (drain(dev) != 1)
		bad("one more call: not one event");
	else if (read && drained_first_seq != kept_last + 1 + s.ring_dropped)
		bad("seq after %llu drops: %llu, expected %llu",
		    (unsigned long long)s.ring_dropped,
		    (unsigned long long)drained_first_seq,
		    (unsigned long long)(kept_last + 1 + s.ring_dropped));
	printf("NOTE torture/overflow: ring %u, %ld calls, %llu dropped\n",
	       info.ring_capacity, calls, (unsigned long long)s.ring_dropped);
	return verdict("overflow");
}

/* ---- privilege ------------------------------------------------------------- */

/* Runs fn as uid/gid 65534 with exactly the capabilities in caps (bit mask). */
static int as_nobody(uint64_t caps, int (*fn)(void))
{
	pid_t child = fork();
	int st;

	if (child == 0) {
		struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct d[2] = { { 0 } };

		prctl(PR_SET_KEEPCAPS, 1);
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(100);
		d[0].effective = d[0].permitted = (uint32_t)caps;
		d[1].effective = d[1].permitted = (uint32_t)(caps >> 32);
		if (syscall(SYS_capset, &h, d))
			_exit(101);
		_exit(fn());
	}
	waitpid(child, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 200;
}

/* 0: open and every ioctl refused with EPERM; else the first that was not. */
static int every_ioctl_refused(void)
{
	int fd = open(MPMON_DEVICE_PATH, O_RDONLY);

	if (fd >= 0)
		return 10;
	if (errno != EPERM && errno != EACCES)
		return 11;
	return 0;
}

/* 0: open and the read-side ioctls work. */
static int ioctls_work(void)
{
	int fd = open(MPMON_DEVICE_PATH, O_RDONLY);
	struct mpmon_version v;
	struct mpmon_stats s = { .size = sizeof(s) };
	struct mpmon_read_events r = { 0 };
	struct mpmon_event ev[4];

	if (fd < 0)
		return 20;
	if (ioctl(fd, MPMON_IOC_GET_VERSION, &v) || ioctl(fd, MPMON_IOC_GET_STATS, &s))
		return 21;
	r.buf = (uintptr_t)ev;
	r.max = 4;
	r.event_size = sizeof(ev[0]);
	if (ioctl(fd, MPMON_IOC_READ_EVENTS, &r))
		return 22;
	return 0;
}

/* With the device open (by root), every ioctl as nobody: EPERM. */
static int inherited_fd_refused(void)
{
	const unsigned long cmds[] = { MPMON_IOC_GET_VERSION, MPMON_IOC_GET_INFO,
		MPMON_IOC_GET_STATS, MPMON_IOC_READ_EVENTS, MPMON_IOC_RESET,
		MPMON_IOC_SET_ENABLED, MPMON_IOC_SET_FILTER, MPMON_IOC_GET_FILTER };
	static unsigned char arg[8192];
	unsigned int i;

	*(uint32_t *)arg = sizeof(struct mpmon_stats);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (ioctl(dev, cmds[i], arg) == 0 || errno != EPERM)
			return 30 + i;
	return 0;
}

static int test_privilege(void)
{
	int rc;

	/* The device's mode (0600 root) refuses nobody before mpmon does. */
	rc = as_nobody(0, every_ioctl_refused);
	if (rc)
		bad("nobody without capabilities: check %d failed", rc);
	rc = as_nobody(0, inherited_fd_refused);
	if (rc)
		bad("nobody with an inherited fd: ioctl %d not refused with EPERM", rc - 30);
	/* With the mode opened up, only CAP_PERFMON (or CAP_SYS_ADMIN) lets in. */
	if (chmod(MPMON_DEVICE_PATH, 0666))
		die("chmod");
	rc = as_nobody(0, every_ioctl_refused);
	if (rc)
		bad("nobody, mode 0666, no capabilities: check %d failed", rc);
	rc = as_nobody(1ULL << CAP_PERFMON, ioctls_work);
	if (rc)
		bad("nobody with only CAP_PERFMON: check %d failed", rc);
	chmod(MPMON_DEVICE_PATH, 0600);
	return verdict("privilege");
}

/* ---- huge count ------------------------------------------------------------ */

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* One query of 1M pages, mostly unmapped; timed with mpmon on and off. */
static long long huge_call(void **pages, int *status, unsigned long n)
{
	long long t0 = now_ns();
	long r = mp(0, n, pages, NULL, status, 0);

	if (r)
		bad("huge query returned %ld", r);
	return now_ns() - t0;
}

static int test_huge(void)
{
	const unsigned long n = 1UL << 20;
	void **pages = malloc(n * sizeof(*pages));
	int *status = malloc(n * sizeof(*status));
	char *buf = map_pages(16);
	struct mpmon_info info;
	struct mpmon_stats s;
	long long on, off;
	uint32_t zero = 0, one = 1;
	unsigned long i;

	if (!pages || !status)
		die("malloc");
	for (i = 0; i < n; i++)	/* 16 real pages, the rest unmapped */
		pages[i] = i < 16 ? buf + i * psize : (void *)(0x1000UL + i * 0x10000UL);
	get_info(&info);
	reset();
	on = huge_call(pages, status, n);
	get_stats(&s);
	drain(dev);
	if (s.calls != 1 || s.pages_requested != n)
		bad("huge call: calls %llu, pages %llu",
		    (unsigned long long)s.calls,
		    (unsigned long long)s.pages_requested);
	if (s.pages_truncated != n - info.max_status)
		bad("truncated %llu, expected %lu beyond max_status %u",
		    (unsigned long long)s.pages_truncated, n - info.max_status,
		    info.max_status);
	ioctl(dev, MPMON_IOC_SET_ENABLED, &zero);
	off = huge_call(pages, status, n);
	ioctl(dev, MPMON_IOC_SET_ENABLED, &one);
	printf("NOTE torture/huge: 1M-page query %.1f ms with mpmon, %.1f ms disabled (ratio %.2f)\n",
	       on / 1e6, off / 1e6, (double)on / (double)off);
	free(pages);
	free(status);
	return verdict("huge");
}

/* ---- readers killed ---------------------------------------------------------- */

static int test_readers(void)
{
	struct mpmon_stats s;
	pid_t child;
	int k, st;

	reset();
	for (k = 0; k < 20; k++) {
		child = fork();
		if (child == 0) {
			int fd = open(MPMON_DEVICE_PATH, O_RDONLY);
			struct pollfd p = { fd, POLLIN, 0 };

			if (k % 2)
				poll(&p, 1, -1);	/* killed in poll */
			else
				for (;;)	/* killed in or between reads */
					drain(fd);
			_exit(0);
		}
		usleep(20000 + k * 1000);
		kill(child, SIGKILL);
		waitpid(child, &st, 0);
		if (!WIFSIGNALED(st))
			bad("reader %d was not killed (status %#x)", k, st);
	}
	get_stats(&s);	/* the device still answers */
	return verdict("readers");
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	psize = sysconf(_SC_PAGESIZE);
	dev = open_reader(O_RDWR);
	if (dev < 0)
		die("open " MPMON_DEVICE_PATH);
	if (argc >= 3 && !strcmp(argv[1], "fuzz"))
		return test_fuzz(atol(argv[2]));
	if (argc >= 4 && !strcmp(argv[1], "storm"))
		return test_storm(atoi(argv[2]), atol(argv[3]));
	if (argc >= 3 && !strcmp(argv[1], "overflow"))
		return test_overflow(atol(argv[2]));
	if (argc >= 2 && !strcmp(argv[1], "privilege"))
		return test_privilege();
	if (argc >= 2 && !strcmp(argv[1], "huge"))
		return test_huge();
	if (argc >= 2 && !strcmp(argv[1], "readers"))
		return test_readers();
	fprintf(stderr, "usage: mpmon_torture fuzz N | storm THREADS N | overflow N | privilege | huge | readers\n");
	return 2;
}
