/*
 * devs.c: pcap_findalldevs (only that it succeeds and lists "lo" and "any":
 * the rest of the device list belongs to the live-capture tests) and
 * pcap_lookupnet on "lo", "any" and a missing device.
 * Usage: devs <scratch dir>
 */
#include "common.h"

#include <arpa/inet.h>

static void lookupnet(const char *dev)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	bpf_u_int32 net = 0x5a5a5a5a, mask = 0xa5a5a5a5;
	struct in_addr a;
	char nbuf[32], mbuf[32];
	int r;

	r = pcap_lookupnet(dev, &net, &mask, eb);
	a.s_addr = net;
	snprintf(nbuf, sizeof nbuf, "%s", inet_ntoa(a));
	a.s_addr = mask;
	snprintf(mbuf, sizeof mbuf, "%s", inet_ntoa(a));
	printf("lookupnet(%s)=%d err=\"%s\"", dev, r, eb);
	if (r == 0)
		printf(" net=%s mask=%s", nbuf, mbuf);
	printf("\n");
}

int main(int argc, char **argv)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	pcap_if_t *all = NULL, *d;
	int r, lo = 0, any = 0;

	watchdog();
	if (argc != 2) {
		fprintf(stderr, "usage: devs dir\n");
		return 2;
	}
	enter(argv[1]);

	r = pcap_findalldevs(&all, eb);
	printf("findalldevs=%d err=\"%s\" list_is_null=%d\n", r, eb,
	    all == NULL);
	for (d = all; d != NULL; d = d->next) {
		if (strcmp(d->name, "lo") == 0)
			lo++;
		if (strcmp(d->name, "any") == 0)
			any++;
	}
	printf("lists lo=%d any=%d\n", lo, any);
	if (r == 0)
		pcap_freealldevs(all);

	lookupnet("lo");
	lookupnet("any");
	lookupnet("nonexistent0");
	return 0;
}
