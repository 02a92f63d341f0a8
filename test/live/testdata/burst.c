/*
 * burst IFACE COUNT [SIZE]: sends COUNT Ethernet frames of SIZE bytes
 * (default and minimum 60; UDP over IPv4, a sequence number in the
 * payload) on IFACE back to back: sendmmsg
 * in batches on an AF_PACKET socket that bypasses the qdisc, as fast as
 * the kernel takes them. Prints the number sent; exits 1 on an error.
 * Used by the live tests inside their own network namespace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH 256
#define MAXFRAME 1514

int main(int argc, char **argv)
{
	static unsigned char frames[BATCH][MAXFRAME];
	static const unsigned char head[] = {
		0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0x08, 0x00,
		0x45, 0x00, 0x00, 46, 0x00, 0x01, 0x00, 0x00, 64, 17, 0x00, 0x00,
		192, 0, 2, 1, 192, 0, 2, 2,
		0x04, 0xd2, 0x16, 0x2e, 0x00, 26, 0x00, 0x00,
	};
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_ll sll;
	long count, sent = 0, size = 60;
	int fd, one = 1, i;

	if (argc == 4)
		size = strtol(argv[3], NULL, 10);
	if (argc < 3 || argc > 4 || (count = strtol(argv[2], NULL, 10)) <= 0 ||
	    size < 60 || size > MAXFRAME) {
		fprintf(stderr, "usage: burst IFACE COUNT [SIZE (60..1514)]\n");
		return 2;
	}
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	(void)setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
	memset(&sll, 0, sizeof sll);
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)if_nametoindex(argv[1]);
	if (sll.sll_ifindex == 0) {
		perror(argv[1]);
		return 1;
	}
	memset(msgs, 0, sizeof msgs);
	for (i = 0; i < BATCH; i++) {
		memcpy(frames[i], head, sizeof head);
		/* IP total length and UDP length for this size */
		frames[i][16] = (unsigned char)((size - 14) >> 8);
		frames[i][17] = (unsigned char)(size - 14);
		frames[i][38] = (unsigned char)((size - 34) >> 8);
		frames[i][39] = (unsigned char)(size - 34);
		iov[i].iov_base = frames[i];
		iov[i].iov_len = (size_t)size;
		msgs[i].msg_hdr.msg_name = &sll;
		msgs[i].msg_hdr.msg_namelen = sizeof sll;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (sent < count) {
		int n = count - sent < BATCH ? (int)(count - sent) : BATCH, r;

		for (i = 0; i < n; i++) {
			long seq = sent + i;
			unsigned char *p = frames[i] + sizeof head;

			p[0] = (unsigned char)(seq >> 24);
			p[1] = (unsigned char)(seq >> 16);
			p[2] = (unsigned char)(seq >> 8);
			p[3] = (unsigned char)seq;
		}
		r = sendmmsg(fd, msgs, (unsigned)n, 0);
		if (r < 0) {
			if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR)
				continue;	/* the device is busy: try again */
			perror("sendmmsg");
			return 1;
		}
		sent += r;
	}
	printf("%ld\n", sent);
	return 0;
}
