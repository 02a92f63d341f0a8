/*
 * dump.c: writing savefiles: pcap_dump_open (file, "-", bad paths, an
 * unactivated handle), pcap_dump_fopen, pcap_dump_open_append (new, empty,
 * same and different link type, pcapng, other byte order, other precision,
 * truncated), pcap_dump as a pcap_loop callback and called directly,
 * pcap_dump_ftell/ftell64, pcap_dump_flush, pcap_dump_file, pcap_dump_close.
 * Every written file is printed as a hex dump so the bytes are compared.
 * Usage: dump <scratch dir> <pcap LE micro, EN10MB> <pcapng> <pcap BE micro,
 *             EN10MB> <pcap nano, any link type>
 *        dump <scratch dir> -stdout <savefile>   (the savefile on stdout)
 */
#include "common.h"

static int dumped;

static void count_dump(u_char *user, const struct pcap_pkthdr *h,
    const u_char *d)
{
	dumped++;
	pcap_dump(user, h, d);
}

static pcap_t *offline(const char *name, int nano)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p;

	p = pcap_open_offline_with_tstamp_precision(name,
	    nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO,
	    eb);
	if (p == NULL) {
		printf("cannot open %s: %s\n", name, eb);
		exit(1);
	}
	return p;
}

/* copy_n: dump the first n packets of p (all if n < 0) with pcap_loop. */
static void copy_n(const char *tag, pcap_t *p, pcap_dumper_t *d, int n)
{
	int r;

	dumped = 0;
	r = pcap_loop(p, n, count_dump, (u_char *)d);
	printf("%s loop=%d dumped=%d\n", tag, r, dumped);
}

static void positions(const char *tag, pcap_dumper_t *d)
{
	printf("%s ftell=%ld ftell64=%lld\n", tag, pcap_dump_ftell(d),
	    (long long)pcap_dump_ftell64(d));
}

/* append: pcap_dump_open_append of target from handle p; dumps n packets
 * of src (or one synthetic packet if src is NULL), then prints the file. */
static void append(const char *tag, pcap_t *p, const char *target,
    pcap_t *src, int n)
{
	pcap_dumper_t *d;

	pcap_geterr(p)[0] = '\0';
	d = pcap_dump_open_append(p, target);
	printf("%s append_open=%d err=\"%s\"\n", tag, d != NULL,
	    pcap_geterr(p));
	if (d != NULL) {
		positions(tag, d);
		if (src != NULL)
			copy_n(tag, src, d, n);
		else {
			struct pcap_pkthdr h;
			u_char pkt[20];

			memset(pkt, 0x45, sizeof pkt);
			memset(&h, 0, sizeof h);
			h.ts.tv_sec = 1000000000;
			h.ts.tv_usec = 123456;
			h.caplen = h.len = sizeof pkt;
			pcap_dump((u_char *)d, &h, pkt);
		}
		positions(tag, d);
		pcap_dump_close(d);
	}
	hexfile(tag, target);
}

static int to_stdout(const char *name)
{
	pcap_dumper_t *d;
	pcap_t *p = offline(name, 0);

	d = pcap_dump_open(p, "-");
	if (d == NULL) {
		fprintf(stderr, "dump_open(-) failed: %s\n", pcap_geterr(p));
		return 1;
	}
	fprintf(stderr, "dump_file_is_stdout=%d\n", pcap_dump_file(d) == stdout);
	dumped = 0;
	fprintf(stderr, "loop=%d\n", pcap_loop(p, -1, count_dump, (u_char *)d));
	fprintf(stderr, "dumped=%d flush=%d\n", dumped, pcap_dump_flush(d));
	pcap_dump_close(d);
	pcap_close(p);
	return 0;
}

int main(int argc, char **argv)
{
	char eb[PCAP_ERRBUF_SIZE];
	pcap_dumper_t *d;
	pcap_t *p, *src;
	FILE *f;

	watchdog();
	if (argc == 4 && strcmp(argv[2], "-stdout") == 0) {
		enter(argv[1]);
		return to_stdout(argv[3]);
	}
	if (argc != 6) {
		fprintf(stderr, "usage: dump dir le.pcap x.pcapng be.pcap "
		    "nano.pcap\n");
		return 2;
	}
	enter(argv[1]);
	const char *le = argv[2], *ng = argv[3], *be = argv[4], *ns = argv[5];

	/* pcap_dump_open to a file, pcap_loop with pcap_dump as callback */
	p = offline(le, 0);
	d = pcap_dump_open(p, "out.pcap");
	printf("open out.pcap=%d err=\"%s\"\n", d != NULL, pcap_geterr(p));
	if (d != NULL) {
		printf("dump_file_not_null=%d\n", pcap_dump_file(d) != NULL);
		positions("out.pcap start", d);
		copy_n("out.pcap", p, d, 3);
		positions("out.pcap after 3", d);
		printf("flush=%d\n", pcap_dump_flush(d));
		positions("out.pcap flushed", d);
		copy_n("out.pcap", p, d, -1);
		positions("out.pcap end", d);
		pcap_dump_close(d);
	}
	hexfile("out.pcap", "out.pcap");

	/* bad paths and names */
	pcap_geterr(p)[0] = '\0';
	d = pcap_dump_open(p, "nodir/x.pcap");
	printf("open nodir/x.pcap=%d err=\"%s\"\n", d != NULL, pcap_geterr(p));
	if (d != NULL)
		pcap_dump_close(d);
	pcap_geterr(p)[0] = '\0';
	d = pcap_dump_open(p, "");
	printf("open \"\"=%d err=\"%s\"\n", d != NULL, pcap_geterr(p));
	if (d != NULL)
		pcap_dump_close(d);
	pcap_geterr(p)[0] = '\0';
	d = pcap_dump_open(p, ".");
	printf("open .=%d err=\"%s\"\n", d != NULL, pcap_geterr(p));
	if (d != NULL)
		pcap_dump_close(d);
	pcap_close(p);

	/* an unactivated handle */
	eb[0] = '\0';
	p = pcap_create("lo", eb);
	if (p != NULL) {
		d = pcap_dump_open(p, "unactivated.pcap");
		printf("open from unactivated=%d err=\"%s\"\n", d != NULL,
		    pcap_geterr(p));
		if (d != NULL)
			pcap_dump_close(d);
		pcap_geterr(p)[0] = '\0';
		d = pcap_dump_open_append(p, "unactivated.pcap");
		printf("append from unactivated=%d err=\"%s\"\n", d != NULL,
		    pcap_geterr(p));
		if (d != NULL)
			pcap_dump_close(d);
		f = fopen("unactivated2.pcap", "wb");
		pcap_geterr(p)[0] = '\0';
		d = pcap_dump_fopen(p, f);
		printf("fopen from unactivated=%d err=\"%s\"\n", d != NULL,
		    pcap_geterr(p));
		if (d != NULL)
			pcap_dump_close(d);
		else
			fclose(f);
		pcap_close(p);
		hexfile("unactivated.pcap", "unactivated.pcap");
		hexfile("unactivated2.pcap", "unactivated2.pcap");
	}

	/* pcap_dump_fopen, and pcap_dump called directly */
	p = offline(ng, 0);
	f = fopen("fopen.pcap", "wb");
	d = pcap_dump_fopen(p, f);
	printf("dump_fopen=%d err=\"%s\"\n", d != NULL, pcap_geterr(p));
	if (d != NULL) {
		struct pcap_pkthdr *h;
		const u_char *data;
		int i;

		printf("dump_file_is_f=%d\n", pcap_dump_file(d) == f);
		for (i = 0; i < 4 && pcap_next_ex(p, &h, &data) == 1; i++)
			pcap_dump((u_char *)d, h, data);
		positions("fopen.pcap", d);
		printf("flush=%d\n", pcap_dump_flush(d));
		pcap_dump_close(d);
	}
	pcap_close(p);
	hexfile("fopen.pcap", "fopen.pcap");

	/* open_dead handles, with both precisions and a short snapshot */
	p = pcap_open_dead(DLT_RAW, 100);
	append("dead-raw", p, "dead-raw.pcap", NULL, 0);
	pcap_close(p);
	p = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535,
	    PCAP_TSTAMP_PRECISION_NANO);
	d = pcap_dump_open(p, "dead-nano.pcap");
	printf("dead-nano open=%d\n", d != NULL);
	if (d != NULL) {
		src = offline(le, 1);
		copy_n("dead-nano", src, d, 2);
		pcap_close(src);
		pcap_dump_close(d);
	}
	hexfile("dead-nano", "dead-nano.pcap");
	pcap_close(p);

	/* a nanosecond handle writes a nanosecond file */
	p = offline(le, 1);
	d = pcap_dump_open(p, "nano.pcap");
	printf("nano.pcap open=%d\n", d != NULL);
	if (d != NULL) {
		copy_n("nano.pcap", p, d, 2);
		pcap_dump_close(d);
	}
	pcap_close(p);
	hexfile("nano.pcap", "nano.pcap");

	/* pcap_dump_open_append */
	p = offline(le, 0);
	src = offline(le, 0);
	append("append-new", p, "new.pcap", src, 2);
	append("append-same", p, "new.pcap", src, 2);
	pcap_close(src);
	copyfile(le, "le-copy.pcap");
	src = offline(le, 0);
	append("append-le-copy", p, "le-copy.pcap", src, 1);
	pcap_close(src);
	f = fopen("empty.pcap", "wb");
	if (f != NULL)
		fclose(f);
	append("append-empty", p, "empty.pcap", NULL, 0);
	f = fopen("short.pcap", "wb");
	if (f != NULL) {
		fwrite("\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00", 1, 10, f);
		fclose(f);
	}
	append("append-short", p, "short.pcap", NULL, 0);
	copyfile(ng, "ng-copy.pcapng");
	append("append-pcapng", p, "ng-copy.pcapng", NULL, 0);
	copyfile(be, "be-copy.pcap");
	append("append-other-byte-order", p, "be-copy.pcap", NULL, 0);
	copyfile(ns, "nano-copy.pcap");
	append("append-nano-from-micro", p, "nano-copy.pcap", NULL, 0);
	f = fopen("garbage.pcap", "wb");
	if (f != NULL) {
		fwrite("this is not a capture file at all", 1, 33, f);
		fclose(f);
	}
	append("append-garbage", p, "garbage.pcap", NULL, 0);
	append("append-directory", p, ".", NULL, 0);
	pcap_close(p);

	p = pcap_open_dead(DLT_RAW, 100);
	copyfile(le, "le-copy2.pcap");
	append("append-other-linktype", p, "le-copy2.pcap", NULL, 0);
	pcap_close(p);
	p = pcap_open_dead(DLT_EN10MB, 100);
	append("append-other-snaplen", p, "le-copy2.pcap", NULL, 0);
	pcap_close(p);

	{
		int dlt;

		src = offline(ns, 1);
		dlt = pcap_datalink(src);
		p = pcap_open_dead_with_tstamp_precision(dlt, 262144,
		    PCAP_TSTAMP_PRECISION_NANO);
		append("append-nano-from-nano", p, "nano-copy.pcap", src, -1);
		pcap_close(p);
		pcap_close(src);
	}
	return 0;
}
