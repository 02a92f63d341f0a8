/*
 * devs.c: the whole pcap_findalldevs list (names, descriptions, flags, and
 * every address with its netmask, broadcast and destination, byte for
 * byte), then pcap_lookupnet on every listed device and on "any", NULL, a
 * missing device and names libpcap treats as pseudo-devices, then
 * pcap_lookupdev.
 * Usage: devs <scratch dir> [init]   ("init": call pcap_init first, after
 * which libpcap 1.10 refuses pcap_lookupdev)
 */
#include "common.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* The bytes libpcap copies for a sockaddr of this family. */
static size_t sa_bytes(int family)
{
	switch (family) {
	case AF_INET6:
		return 28;
	case AF_PACKET:
		return 20;
	default:
		return 16;
	}
}

/* One sockaddr as "family:hex", n bytes (the size it was copied at). */
static void show_sa(const char *label, const struct sockaddr *sa, size_t n)
{
	const unsigned char *b = (const unsigned char *)sa;
	size_t i;

	printf(" %s=", label);
	if (sa == NULL) {
		printf("none");
		return;
	}
	printf("%d:", sa->sa_family);
	for (i = 0; i < n; i++)
		printf("%02x", b[i]);
}

static void lookupnet(const char *dev)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	bpf_u_int32 net = 0x5a5a5a5a, mask = 0xa5a5a5a5;
	int r;

	r = pcap_lookupnet(dev, &net, &mask, eb);
	printf("lookupnet(%s)=%d err=\"%s\" net=%08x mask=%08x\n", show(dev), r,
	    eb, net, mask);
}

int main(int argc, char **argv)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	pcap_if_t *all = NULL, *d;
	const char *dev;
	int r, n = 0;

	watchdog();
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: devs dir [init]\n");
		return 2;
	}
	enter(argv[1]);
	if (argc == 3 && strcmp(argv[2], "init") == 0) {
		r = pcap_init(PCAP_CHAR_ENC_LOCAL, eb);
		printf("init=%d err=\"%s\"\n", r, eb);
	}

	r = pcap_findalldevs(&all, eb);
	printf("findalldevs=%d err=\"%s\" list_is_null=%d\n", r, eb,
	    all == NULL);
	for (d = all; d != NULL; d = d->next) {
		pcap_addr_t *a;

		printf("dev %d name=\"%s\" descr=\"%s\" flags=0x%x\n", n++,
		    d->name, show(d->description), d->flags);
		for (a = d->addresses; a != NULL; a = a->next) {
			size_t an = a->addr ? sa_bytes(a->addr->sa_family) : 0;

			printf("  addr");
			show_sa("a", a->addr, an);
			show_sa("mask", a->netmask, an);
			show_sa("bcast", a->broadaddr,
			    a->broadaddr ? sa_bytes(a->broadaddr->sa_family) : 0);
			show_sa("dst", a->dstaddr,
			    a->dstaddr ? sa_bytes(a->dstaddr->sa_family) : 0);
			printf("\n");
		}
	}
	for (d = all; d != NULL; d = d->next)
		lookupnet(d->name);
	if (r == 0)
		pcap_freealldevs(all);

	lookupnet("any");
	lookupnet(NULL);
	lookupnet("nonexistent0");
	lookupnet("lo");
	lookupnet("bluetooth7");
	lookupnet("usbmon9");
	lookupnet("xusbmonx");

	eb[0] = '\0';
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	dev = pcap_lookupdev(eb);
#pragma GCC diagnostic pop
	printf("lookupdev=%s err=\"%s\"\n", show(dev), eb);
	return 0;
}
