/*
 * open.c: opening savefiles (pcap_open_offline, _with_tstamp_precision,
 * pcap_fopen_offline, _with_tstamp_precision, "-" for stdin), the errors for
 * files that are missing, directories, empty or invalid, and for valid files
 * the header facts and every packet read with pcap_next_ex up to the end.
 * Usage: open <scratch dir> [-v] [-n] [-f] file...
 *   -v  one line per packet (otherwise a count and a hash of all packets)
 *   -n  open with nanosecond precision
 *   -f  open with pcap_fopen_offline* on a FILE the program opened
 * The scratch directory receives "empty.pcap" (0 bytes) and "short.pcap".
 */
#include "common.h"

static int verbose, nano, use_fopen;

static void facts(const char *tag, pcap_t *p)
{
	printf("%s datalink=%d snapshot=%d major=%d minor=%d swapped=%d "
	    "precision=%d bufsize=%d\n", tag, pcap_datalink(p),
	    pcap_snapshot(p), pcap_major_version(p), pcap_minor_version(p),
	    pcap_is_swapped(p), pcap_get_tstamp_precision(p), pcap_bufsize(p));
}

static void readall(const char *tag, pcap_t *p)
{
	struct pcap_pkthdr *h;
	const u_char *d;
	uint32_t hash = FNV_START;
	long n = 0;
	int r;

	for (;;) {
		h = NULL;
		d = NULL;
		r = pcap_next_ex(p, &h, &d);
		if (r != 1)
			break;
		n++;
		if (verbose) {
			char lab[64];

			snprintf(lab, sizeof lab, "%s #%ld", tag, n);
			pkthdr(lab, h, d);
		}
		hash = fnv(hash, &h->caplen, sizeof h->caplen);
		hash = fnv(hash, &h->len, sizeof h->len);
		{
			int64_t s = h->ts.tv_sec, u = h->ts.tv_usec;

			hash = fnv(hash, &s, sizeof s);
			hash = fnv(hash, &u, sizeof u);
		}
		hash = fnv(hash, d, h->caplen);
	}
	printf("%s packets=%ld hash=%08x last=%d err=\"%s\"\n", tag, n, hash, r,
	    r == PCAP_ERROR ? pcap_geterr(p) : "");
	/* after the end, pcap_next_ex keeps saying so */
	r = pcap_next_ex(p, &h, &d);
	printf("%s again=%d\n", tag, r);
}

static void one(const char *name)
{
	char eb[PCAP_ERRBUF_SIZE];
	FILE *fp = NULL;
	pcap_t *p;

	memset(eb, 0, sizeof eb);
	if (use_fopen) {
		if (strcmp(name, "-") == 0)
			fp = stdin;
		else
			fp = fopen(name, "rb");
		if (fp == NULL) {
			printf("%s: fopen failed\n", name);
			return;
		}
		if (nano)
			p = pcap_fopen_offline_with_tstamp_precision(fp,
			    PCAP_TSTAMP_PRECISION_NANO, eb);
		else
			p = pcap_fopen_offline(fp, eb);
	} else if (nano)
		p = pcap_open_offline_with_tstamp_precision(name,
		    PCAP_TSTAMP_PRECISION_NANO, eb);
	else
		p = pcap_open_offline(name, eb);
	printf("%s open=%d err=\"%s\"\n", name, p != NULL, eb);
	if (p == NULL) {
		if (fp != NULL && fp != stdin)
			fclose(fp);
		return;
	}
	if (fp != NULL)
		printf("%s pcap_file_is_fp=%d\n", name, pcap_file(p) == fp);
	facts(name, p);
	readall(name, p);
	pcap_close(p);
}

int main(int argc, char **argv)
{
	char eb[PCAP_ERRBUF_SIZE];
	FILE *f;
	pcap_t *p;
	int i;

	watchdog();
	if (argc < 2) {
		fprintf(stderr, "usage: open dir [-v] [-n] [-f] file...\n");
		return 2;
	}
	enter(argv[1]);
	f = fopen("empty.pcap", "wb");
	if (f != NULL)
		fclose(f);
	f = fopen("short.pcap", "wb");
	if (f != NULL) {
		fwrite("\xd4\xc3\xb2\xa1\x02\x00\x04\x00", 1, 8, f);
		fclose(f);
	}
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0)
			verbose = 1;
		else if (strcmp(argv[i], "-n") == 0)
			nano = 1;
		else if (strcmp(argv[i], "-f") == 0)
			use_fopen = 1;
		else if (strcmp(argv[i], "-badprec") == 0) {
			/* an unknown precision is refused */
			memset(eb, 0, sizeof eb);
			p = pcap_open_offline_with_tstamp_precision(argv[++i],
			    2, eb);
			printf("precision 2: open=%d err=\"%s\"\n", p != NULL,
			    eb);
			if (p != NULL)
				pcap_close(p);
		} else
			one(argv[i]);
	}
	return 0;
}
