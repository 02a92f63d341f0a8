/*
 * pace IFACE PPS MILLISECONDS SIZE: sends SIZE-byte Ethernet frames (UDP
 * over IPv4, a sequence number in the payload) on IFACE at PPS frames a
 * second for MILLISECONDS: sendmmsg in small batches on an AF_PACKET
 * socket that bypasses the qdisc, each batch released at its absolute
 * time (clock_nanosleep on CLOCK_MONOTONIC), so the average rate holds
 * even when one sleep overshoots. A sender that falls behind does not
 * sleep; what it achieved is in its output: "SENT NANOSECONDS".
 * Exits 1 on an error. Used by the live benchmarks inside their own
 * network namespace.
 */
#define _GNU_SOURCE
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "udpsend.h"

#define MAXBATCH 32

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	static unsigned char frames[MAXBATCH][MAXFRAME];
	struct mmsghdr msgs[MAXBATCH];
	struct iovec iov[MAXBATCH];
	struct sockaddr_ll sll;
	long pps, ms, size, count, sent = 0;
	long long t0, end;
	int fd, batch;

	if (argc != 5 || (pps = strtol(argv[2], NULL, 10)) <= 0 ||
	    (ms = strtol(argv[3], NULL, 10)) <= 0 || ms > 60000 ||
	    (size = strtol(argv[4], NULL, 10)) < 60 || size > MAXFRAME) {
		fprintf(stderr, "usage: pace IFACE PPS MILLISECONDS(1..60000) SIZE(60..1514)\n");
		return 2;
	}
	count = pps * ms / 1000;
	/* A batch per 20 microseconds or so, 1 to MAXBATCH frames. */
	batch = (int)(pps / 50000);
	if (batch < 1)
		batch = 1;
	if (batch > MAXBATCH)
		batch = MAXBATCH;
	(void)prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	fd = udpsend_open(argv[1], &sll, frames, iov, msgs, MAXBATCH, size);
	if (fd < 0)
		return 1;
	t0 = now_ns();
	/* Bounded: the run ends at twice its length whatever happened. */
	end = t0 + 2LL * ms * 1000000LL;
	while (sent < count && now_ns() < end) {
		int n = count - sent < batch ? (int)(count - sent) : batch, r;
		long long due = t0 + (long long)((double)sent * 1e9 / (double)pps);
		struct timespec ts = { .tv_sec = (time_t)(due / 1000000000LL),
				       .tv_nsec = (long)(due % 1000000000LL) };

		if (due > now_ns())
			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
				;
		if ((r = udpsend_batch(fd, frames, msgs, n, sent)) < 0)
			return 1;
		sent += r;	/* 0: the device is busy, try again */
	}
	printf("%ld %lld\n", sent, now_ns() - t0);
	return 0;
}
