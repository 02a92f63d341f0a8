/*
 * udpsend.h: what the burst and pace senders share. Frames are UDP over
 * IPv4 from 192.0.2.1:1234 to 192.0.2.2:5678 with a 32-bit sequence
 * number at the start of the payload, sent with sendmmsg on an AF_PACKET
 * socket that bypasses the qdisc.
 */
#ifndef UDPSEND_H
#define UDPSEND_H

#include <errno.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define MAXFRAME 1514

static const unsigned char udpsend_head[] = {
	0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0x08, 0x00,
	0x45, 0x00, 0x00, 46, 0x00, 0x01, 0x00, 0x00, 64, 17, 0x00, 0x00,
	192, 0, 2, 1, 192, 0, 2, 2,
	0x04, 0xd2, 0x16, 0x2e, 0x00, 26, 0x00, 0x00,
};

/* Opens the sending socket on ifname and fills n messages of size bytes
 * addressed to it; -1 (after perror) on an error. */
static int udpsend_open(const char *ifname, struct sockaddr_ll *sll,
    unsigned char (*frames)[MAXFRAME], struct iovec *iov,
    struct mmsghdr *msgs, int n, long size)
{
	int fd, one = 1, i;

	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		perror("socket");
		return -1;
	}
	(void)setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
	memset(sll, 0, sizeof *sll);
	sll->sll_family = AF_PACKET;
	sll->sll_ifindex = (int)if_nametoindex(ifname);
	if (sll->sll_ifindex == 0) {
		perror(ifname);
		return -1;
	}
	memset(msgs, 0, (size_t)n * sizeof *msgs);
	for (i = 0; i < n; i++) {
		memcpy(frames[i], udpsend_head, sizeof udpsend_head);
		/* IP total length and UDP length for this size */
		frames[i][16] = (unsigned char)((size - 14) >> 8);
		frames[i][17] = (unsigned char)(size - 14);
		frames[i][38] = (unsigned char)((size - 34) >> 8);
		frames[i][39] = (unsigned char)(size - 34);
		iov[i].iov_base = frames[i];
		iov[i].iov_len = (size_t)size;
		msgs[i].msg_hdr.msg_name = sll;
		msgs[i].msg_hdr.msg_namelen = sizeof *sll;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	return fd;
}

/* Numbers the first n frames first, first+1, … */
static void udpsend_number(unsigned char (*frames)[MAXFRAME], int n, long first)
{
	int i;

	for (i = 0; i < n; i++) {
		long seq = first + i;
		unsigned char *p = frames[i] + sizeof udpsend_head;

		p[0] = (unsigned char)(seq >> 24);
		p[1] = (unsigned char)(seq >> 16);
		p[2] = (unsigned char)(seq >> 8);
		p[3] = (unsigned char)seq;
	}
}

/*
 * Numbers n frames from first and sends them: the count sent (0 when the
 * device is busy: try again), or -1 after perror.
 */
static int udpsend_batch(int fd, unsigned char (*frames)[MAXFRAME],
    struct mmsghdr *msgs, int n, long first)
{
	int r;

	udpsend_number(frames, n, first);
	r = sendmmsg(fd, msgs, (unsigned)n, 0);
	if (r >= 0)
		return r;
	if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR)
		return 0;
	perror("sendmmsg");
	return -1;
}

#endif
