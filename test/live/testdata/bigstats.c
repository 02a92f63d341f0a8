/*
 * bigstats.so (LD_PRELOAD): adds 3,000,000,000 packets and 1,500,000,000
 * drops to every successful getsockopt(SOL_PACKET, PACKET_STATISTICS) on
 * the first socket asked (the capture's; pcapshim's elastic buffer reads a
 * second, overflow socket too), so that a few pcap_stats calls push the
 * totals past 2^32 and show how the library accumulates the kernel's
 * reset-on-read counters.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <linux/if_packet.h>
#include <stddef.h>
#include <sys/socket.h>

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	static int (*real)(int, int, int, void *, socklen_t *);
	static int first = -1;
	int r;

	if (real == NULL)
		real = (int (*)(int, int, int, void *, socklen_t *))dlsym(RTLD_NEXT, "getsockopt");
	r = real(fd, level, name, val, len);
	if (r == 0 && level == SOL_PACKET && name == PACKET_STATISTICS && first < 0)
		first = fd;
	if (r == 0 && level == SOL_PACKET && name == PACKET_STATISTICS &&
	    fd == first && *len >= sizeof(struct tpacket_stats)) {
		struct tpacket_stats *st = val;

		st->tp_packets += 3000000000u;
		st->tp_drops += 1500000000u;
	}
	return r;
}
