/*
 * filter.c: non-empty filter expressions: pcap_compile on open_dead handles
 * of a few link types, optimised and not, each program run with bpf_filter
 * over every packet of the savefile (the verdicts, not the bytecode, are
 * compared: the compiler follows libpcap master, whose code and error texts
 * differ from 1.10.3's, and test/conformance checks those against master);
 * pcap_setfilter and pcap_offline_filter on the savefile.
 * Usage: filter <scratch dir> <Ethernet savefile>
 */
#include "common.h"

static const char *exprs[] = {
	"ip",
	"tcp",
	"udp port 53",
	"host 10.0.0.6",
	"ip multicast",
	"ether broadcast",
	"net 10.0.0.0/8 and not tcp",
	"ip proto 103",
	"len > 70",
	"ip[8] = 1",
	"ip6 or arp",
	"vlan",
	"tcp and",
	"nonsense words",
	"port 99999",
	"ip broadcast",
	"ether host zz:00:00:00:00:00",
	"(",
};

int main(int argc, char **argv)
{
	int dlts[] = { DLT_EN10MB, DLT_RAW, DLT_LINUX_SLL };
	char eb[PCAP_ERRBUF_SIZE];
	struct bpf_program fp;
	size_t i, j;
	pcap_t *p;
	int r, opt;

	watchdog();
	if (argc != 3) {
		fprintf(stderr, "usage: filter dir savefile\n");
		return 2;
	}
	enter(argv[1]);

	/* The savefile's packets, as test input for every link type. */
	static struct pcap_pkthdr hs[64];
	static u_char *ds[64];
	int npk = 0;
	p = pcap_open_offline(argv[2], eb);
	if (p == NULL) {
		printf("open failed: %s\n", eb);
		return 1;
	}
	{
		struct pcap_pkthdr *h;
		const u_char *d;

		while (npk < 64 && pcap_next_ex(p, &h, &d) == 1) {
			hs[npk] = *h;
			ds[npk] = malloc(h->caplen);
			memcpy(ds[npk], d, h->caplen);
			npk++;
		}
	}
	pcap_close(p);

	for (j = 0; j < sizeof dlts / sizeof dlts[0]; j++) {
		p = pcap_open_dead(dlts[j], 65535);
		for (i = 0; i < sizeof exprs / sizeof exprs[0]; i++) {
			for (opt = 0; opt <= 1; opt++) {
				r = pcap_compile(p, &fp, exprs[i], opt,
				    PCAP_NETMASK_UNKNOWN);
				printf("dlt=%d opt=%d \"%s\" compile=%d",
				    dlts[j], opt, exprs[i], r);
				if (r != 0) {
					printf("\n");
					continue;
				}
				printf(" verdicts:");
				for (int k = 0; k < npk; k++)
					printf(" %u", bpf_filter(fp.bf_insns, ds[k],
					    hs[k].len, hs[k].caplen));
				printf("\n");
				pcap_freecode(&fp);
			}
		}
		pcap_close(p);
	}

	/* netmask given: ip broadcast compiles */
	p = pcap_open_dead(DLT_EN10MB, 65535);
	r = pcap_compile(p, &fp, "ip broadcast", 1, 0xffffff00);
	printf("ip broadcast with netmask compile=%d", r);
	if (r == 0) {
		printf(" verdicts:");
		for (int k = 0; k < npk; k++)
			printf(" %u", bpf_filter(fp.bf_insns, ds[k], hs[k].len,
			    hs[k].caplen));
		pcap_freecode(&fp);
	}
	printf("\n");
	pcap_close(p);

	for (i = 0; i < sizeof exprs / sizeof exprs[0]; i++) {
		struct pcap_pkthdr *h;
		const u_char *d;
		int n = 0, pass = 0;

		eb[0] = '\0';
		p = pcap_open_offline(argv[2], eb);
		if (p == NULL) {
			printf("open failed: %s\n", eb);
			return 1;
		}
		r = pcap_compile(p, &fp, exprs[i], 1, PCAP_NETMASK_UNKNOWN);
		if (r != 0) {
			printf("offline \"%s\" compile=%d\n", exprs[i], r);
			pcap_close(p);
			continue;
		}
		printf("offline \"%s\" verdicts:", exprs[i]);
		while (pcap_next_ex(p, &h, &d) == 1)
			printf(" %d", pcap_offline_filter(&fp, h, d));
		printf("\n");
		pcap_close(p);
		p = pcap_open_offline(argv[2], eb);
		r = pcap_setfilter(p, &fp);
		while (pcap_next_ex(p, &h, &d) == 1) {
			n++;
			pass += h->caplen;
		}
		printf("offline \"%s\" setfilter=%d passed=%d bytes=%d\n",
		    exprs[i], r, n, pass);
		pcap_freecode(&fp);
		pcap_close(p);
	}
	return 0;
}
