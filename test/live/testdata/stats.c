/*
 * stats DEV N: opens DEV live and prints pcap_stats N times (used with
 * bigstats.so to compare how counters past 2^32 are reported).
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_stat st;
	pcap_t *p;
	int i, n;

	if (argc != 3) {
		fprintf(stderr, "usage: stats DEV N\n");
		return 2;
	}
	n = atoi(argv[2]);
	p = pcap_open_live(argv[1], 65535, 0, 100, errbuf);
	if (p == NULL) {
		fprintf(stderr, "pcap_open_live: %s\n", errbuf);
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (pcap_stats(p, &st) != 0) {
			fprintf(stderr, "pcap_stats: %s\n", pcap_geterr(p));
			return 1;
		}
		printf("recv=%u drop=%u ifdrop=%u\n", st.ps_recv, st.ps_drop, st.ps_ifdrop);
	}
	pcap_close(p);
	return 0;
}
