// SPDX-License-Identifier: GPL-2.0
/*
 * mpstorm: a storm of 1-page move_pages queries from several threads, for
 * make bench's "largest lossless rate" and "follower CPU" figures.
 *
 *   mpstorm THREADS SECONDS RATE [FOLLOWER_PID]
 *
 * RATE is the total target in calls/s (0: as fast as the threads can go;
 * otherwise each thread paces itself to RATE/THREADS on absolute deadlines,
 * so that a slow call is caught up on rather than lost).  The counts come
 * from /dev/mpmon's GET_STATS before and after the storm: calls recorded,
 * events dropped by the full ring, calls the kretprobe missed.  With
 * FOLLOWER_PID (an "mpctl events --follow" draining the ring), the storm
 * waits after the last call until the follower has taken every event out
 * of the ring and gone idle (or 30 s have passed), and reports the
 * follower's CPU time (utime + stime of all its threads, from
 * /proc/PID/stat) over that window.
 *
 * Prints one line:
 *   STORM threads=T rate=R seconds=S calls=C calls_per_s=X recorded=N
 *     dropped=D missed=M drained_s=W follower_cpu_s=U follower_cpu_pct=P
 *     follower_us_per_event=E
 * (the follower fields are -1 without FOLLOWER_PID).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include <linux/mpmon.h>

#include "../vm/vmtest.h"

static double seconds;
static double per_thread_rate;	/* calls/s, 0 = unpaced */
static pthread_barrier_t go;

struct worker {
	pthread_t thread;
	long calls;
};

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_until(long long t)
{
	struct timespec ts = { .tv_sec = t / 1000000000LL, .tv_nsec = t % 1000000000LL };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static void *storm(void *arg)
{
	struct worker *w = arg;
	long long start, end, gap = 0;
	int status;
	char *page;
	void *pages[1];

	page = map_pages(1);
	pages[0] = page;
	pthread_barrier_wait(&go);
	if (per_thread_rate > 0)
		gap = (long long)(1e9 / per_thread_rate);
	start = now_ns();
	end = start + (long long)(seconds * 1e9);
	for (;;) {
		long long t = now_ns();

		if (t >= end)
			break;
		/* Paced: call number k is due at start + k * gap. */
		if (gap && start + w->calls * gap > t) {
			sleep_until(start + w->calls * gap);
			continue;
		}
		if (mp(0, 1, pages, NULL, &status, 0))
			die("query");
		w->calls++;
	}
	return NULL;
}

static void get_stats(int fd, struct mpmon_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	if (ioctl(fd, MPMON_IOC_GET_STATS, s))
		die("GET_STATS");
}

/* utime + stime of @pid in seconds; -1 if it is gone. */
static double cpu_seconds(int pid)
{
	unsigned long ut, st;
	char path[64], buf[1024], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	/* Fields after the ")" closing comm: state is field 3, utime 14, stime 15. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
			 &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / sysconf(_SC_CLK_TCK);
}

int main(int argc, char **argv)
{
	struct mpmon_stats *s0, *s1;
	struct worker *w;
	int threads, follower = 0, i, fd;
	long long t0, t1, t2;
	double cpu0 = -1, cpu1 = -1, rate;
	long calls = 0;
	unsigned long long recorded, dropped, missed, read;

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: mpstorm THREADS SECONDS RATE [FOLLOWER_PID]\n");
		return 2;
	}
	threads = atoi(argv[1]);
	seconds = atof(argv[2]);
	rate = atof(argv[3]);
	if (argc == 5)
		follower = atoi(argv[4]);
	if (threads < 1 || threads > 64 || seconds <= 0 || rate < 0) {
		fprintf(stderr, "mpstorm: bad arguments\n");
		return 2;
	}
	per_thread_rate = rate / threads;
	psize = sysconf(_SC_PAGESIZE);
	fd = open(MPMON_DEVICE_PATH, O_RDONLY);
	if (fd < 0)
		die(MPMON_DEVICE_PATH);
	s0 = malloc(sizeof(*s0));
	s1 = malloc(sizeof(*s1));
	w = calloc(threads, sizeof(*w));
	if (!s0 || !s1 || !w)
		die("malloc");
	pthread_barrier_init(&go, NULL, threads + 1);
	for (i = 0; i < threads; i++)
		if (pthread_create(&w[i].thread, NULL, storm, &w[i]))
			die("pthread_create");
	get_stats(fd, s0);
	if (follower)
		cpu0 = cpu_seconds(follower);
	t0 = now_ns();
	pthread_barrier_wait(&go);
	for (i = 0; i < threads; i++) {
		pthread_join(w[i].thread, NULL);
		calls += w[i].calls;
	}
	t1 = now_ns();
	get_stats(fd, s1);
	recorded = s1->calls - s0->calls;
	dropped = s1->ring_dropped - s0->ring_dropped;
	missed = s1->kretprobe_missed - s0->kretprobe_missed;
	t2 = t1;
	if (follower) {
		/* Until the follower has emptied the ring of this storm's events. */
		for (;;) {
			get_stats(fd, s1);
			read = s1->events_read - s0->events_read;
			t2 = now_ns();
			if (read + dropped >= recorded || t2 - t1 > 30000000000LL)
				break;
			usleep(10000);
		}
		/*
		 * mpctl formats on another thread than the one that empties
		 * the ring: its CPU time counts until it has gone idle (no
		 * growth over 200 ms; /proc counts in clock ticks).
		 */
		cpu1 = cpu_seconds(follower);
		for (;;) {
			double c;

			usleep(200000);
			c = cpu_seconds(follower);
			if (c <= cpu1 || now_ns() - t1 > 30000000000LL)
				break;
			cpu1 = c;
			t2 = now_ns();
		}
	}
	read = s1->events_read - s0->events_read;
	printf("STORM threads=%d rate=%.0f seconds=%.3f calls=%ld calls_per_s=%.0f "
	       "recorded=%llu dropped=%llu missed=%llu read=%llu drained_s=%.3f",
	       threads, rate, (t1 - t0) / 1e9, calls, calls / ((t1 - t0) / 1e9),
	       recorded, dropped, missed, read, (t2 - t0) / 1e9);
	if (follower && cpu0 >= 0 && cpu1 >= 0)
		printf(" follower_cpu_s=%.2f follower_cpu_pct=%.1f follower_us_per_event=%.2f\n",
		       cpu1 - cpu0, 100 * (cpu1 - cpu0) / ((t2 - t0) / 1e9),
		       read ? 1e6 * (cpu1 - cpu0) / read : 0);
	else
		printf(" follower_cpu_s=-1 follower_cpu_pct=-1 follower_us_per_event=-1\n");
	return 0;
}
