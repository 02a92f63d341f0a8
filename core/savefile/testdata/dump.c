/*
 * dump.c: the oracle side of the savefile differential test. It opens a
 * capture with the libpcap it is linked against and prints, in a fixed text
 * form, what a host would see: the handle's properties, then one line per
 * packet (time stamp, lengths, FNV-1a 64 of the bytes), then how the loop
 * ended; after an error it reads on, as a host that retries would. The Go
 * test prints the same form from core/savefile and compares.
 *
 * usage: dump micro|nano FILE
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>

#define MAX_ERRORS 50

static uint64_t fnv1a(const u_char *p, bpf_u_int32 n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	bpf_u_int32 i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h,
    const u_char *data)
{
	unsigned long *count = (unsigned long *)user;

	(*count)++;
	printf("pkt %lu ts=%lld.%09ld caplen=%u len=%u hash=%016" PRIx64 "\n",
	    *count, (long long)h->ts.tv_sec, (long)h->ts.tv_usec,
	    h->caplen, h->len, fnv1a(data, h->caplen));
}

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	unsigned long count = 0;
	u_int prec;
	pcap_t *p;
	int rc, errors;

	if (argc != 3) {
		fprintf(stderr, "usage: dump micro|nano FILE\n");
		return 2;
	}
	prec = strcmp(argv[1], "nano") == 0 ? PCAP_TSTAMP_PRECISION_NANO :
	    PCAP_TSTAMP_PRECISION_MICRO;
	errbuf[0] = '\0';
	p = pcap_open_offline_with_tstamp_precision(argv[2], prec, errbuf);
	if (p == NULL) {
		printf("open error: %s\n", errbuf);
		return 0;
	}
	printf("datalink=%d ext=%d snapshot=%d swapped=%d version=%d.%d\n",
	    pcap_datalink(p), pcap_datalink_ext(p), pcap_snapshot(p),
	    pcap_is_swapped(p), pcap_major_version(p), pcap_minor_version(p));
	/*
	 * A read error is not the end: libpcap goes on from where the failed
	 * read stopped, so loop again (a bounded number of times) to show
	 * what a host that retries sees.
	 */
	for (errors = 0;; errors++) {
		rc = pcap_loop(p, -1, on_packet, (u_char *)&count);
		if (rc != PCAP_ERROR) {
			printf("loop end rc=%d\n", rc);
			break;
		}
		printf("loop error rc=%d: %s\n", rc, pcap_geterr(p));
		if (errors == MAX_ERRORS) {
			printf("giving up\n");
			break;
		}
	}
	pcap_close(p);
	return 0;
}
