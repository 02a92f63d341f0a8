/*
 * burst IFACE COUNT [SIZE]: sends COUNT Ethernet frames of SIZE bytes
 * (default and minimum 60; UDP over IPv4, a sequence number in the
 * payload) on IFACE back to back: sendmmsg
 * in batches on an AF_PACKET socket that bypasses the qdisc, as fast as
 * the kernel takes them. Prints the number sent; exits 1 on an error.
 * Used by the live tests inside their own network namespace.
 */
#define _GNU_SOURCE
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "udpsend.h"

#define BATCH 256

int main(int argc, char **argv)
{
	static unsigned char frames[BATCH][MAXFRAME];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_ll sll;
	long count, sent = 0, size = 60;
	int fd;

	if (argc == 4)
		size = strtol(argv[3], NULL, 10);
	if (argc < 3 || argc > 4 || (count = strtol(argv[2], NULL, 10)) <= 0 ||
	    size < 60 || size > MAXFRAME) {
		fprintf(stderr, "usage: burst IFACE COUNT [SIZE (60..1514)]\n");
		return 2;
	}
	fd = udpsend_open(argv[1], &sll, frames, iov, msgs, BATCH, size);
	if (fd < 0)
		return 1;
	while (sent < count) {
		int n = count - sent < BATCH ? (int)(count - sent) : BATCH, r;

		if ((r = udpsend_batch(fd, frames, msgs, n, sent)) < 0)
			return 1;
		sent += r;	/* 0: the device is busy, try again */
	}
	printf("%ld\n", sent);
	return 0;
}
