/* read.c: offline read + callback cost. Usage: read loop|next FILE ROUNDS
 * Prints the best CPU time of ROUNDS full passes (ns), the packet count and
 * a checksum that keeps the reads from being optimised away. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static unsigned long long sink;
static long count;

static void cb(u_char *u, const struct pcap_pkthdr *h, const u_char *d)
{
	(void)u;
	sink += h->caplen + d[0];
	count++;
}

static double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	char eb[PCAP_ERRBUF_SIZE];
	double best = 1e18;
	long pkts = 0;
	int r, rounds;

	if (argc != 4)
		return 2;
	rounds = atoi(argv[3]);
	for (r = 0; r < rounds; r++) {
		pcap_t *p = pcap_open_offline(argv[2], eb);
		double t0, t;
		long n = 0;

		if (p == NULL) {
			fprintf(stderr, "%s\n", eb);
			return 1;
		}
		t0 = cpu_ns();
		if (strcmp(argv[1], "loop") == 0) {
			count = 0;
			if (pcap_loop(p, -1, cb, NULL) < 0)
				return 1;
			n = count;
		} else {
			struct pcap_pkthdr *h;
			const u_char *d;

			while (pcap_next_ex(p, &h, &d) == 1) {
				sink += h->caplen + d[0];
				n++;
			}
		}
		t = cpu_ns() - t0;
		pcap_close(p);
		if (t < best)
			best = t;
		pkts = n;
	}
	printf("%.2f %ld %llu\n", best, pkts, sink);
	return 0;
}
