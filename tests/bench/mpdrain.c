// SPDX-License-Identifier: GPL-2.0
/*
 * mpdrain: how fast READ_EVENTS empties the ring, by batch size, for make
 * bench.  Nothing else may read /dev/mpmon meanwhile.
 *
 *   mpdrain ROUNDS BATCH...
 *
 * Each round, for each BATCH in turn: empty the ring, fill it with N
 * 1-page queries (N = the ring's capacity, so none is dropped), then time
 * READ_EVENTS calls of at most BATCH events until the ring is empty.
 * Prints the ABI's sizes once and one line per drain:
 *   INFO event_size=BYTES ring_capacity=EVENTS
 *   DRAIN batch=B events=N ioctls=I ns=T events_per_s=X
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include <linux/mpmon.h>

#include "../vm/vmtest.h"

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* One READ_EVENTS of at most @max events into @buf; events copied. */
static unsigned int read_events(struct mpmon_event *buf, unsigned int max)
{
	struct mpmon_read_events r = {
		.buf = (unsigned long)buf,
		.max = max,
		.event_size = sizeof(*buf),
	};

	if (ioctl(dev, MPMON_IOC_READ_EVENTS, &r))
		die("READ_EVENTS");
	return r.count;
}

int main(int argc, char **argv)
{
	struct mpmon_info info = { .size = sizeof(info) };
	struct mpmon_event *buf;
	unsigned int batch, got, n, maxb = 1;
	long ioctls, events, k;
	long long t0, t;
	int rounds, r, a, status;
	void *pages[1];

	if (argc < 3) {
		fprintf(stderr, "usage: mpdrain ROUNDS BATCH...\n");
		return 2;
	}
	rounds = atoi(argv[1]);
	for (a = 2; a < argc; a++) {
		batch = (unsigned int)atoi(argv[a]);
		if (batch < 1 || batch > 65536) {
			fprintf(stderr, "mpdrain: bad batch %s\n", argv[a]);
			return 2;
		}
		if (batch > maxb)
			maxb = batch;
	}
	psize = sysconf(_SC_PAGESIZE);
	pages[0] = map_pages(1);
	dev = open_reader(O_RDONLY);
	if (dev < 0)
		die(MPMON_DEVICE_PATH);
	if (ioctl(dev, MPMON_IOC_GET_INFO, &info))
		die("GET_INFO");
	printf("INFO event_size=%u ring_capacity=%u page_size=%u\n", info.event_size,
	       info.ring_capacity, info.page_size);
	n = info.ring_capacity;
	buf = calloc(maxb, sizeof(*buf));
	if (!buf)
		die("calloc");
	for (r = 0; r < rounds; r++) {
		for (a = 2; a < argc; a++) {
			batch = (unsigned int)atoi(argv[a]);
			while (read_events(buf, maxb))
				;
			for (k = 0; k < n; k++)
				if (mp(0, 1, pages, NULL, &status, 0))
					die("query");
			ioctls = events = 0;
			t0 = now_ns();
			do {
				got = read_events(buf, batch);
				events += got;
				ioctls++;
			} while (got);
			t = now_ns() - t0;
			printf("DRAIN batch=%u events=%ld ioctls=%ld ns=%lld events_per_s=%.0f\n",
			       batch, events, ioctls, t, events / (t / 1e9));
		}
	}
	return 0;
}
