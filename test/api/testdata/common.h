/*
 * common.h: helpers shared by the API test programs. Every program prints
 * one line per observation; nothing printed may depend on addresses, times
 * or the directory the program runs in, because the same binary runs against
 * the system libpcap and against ours and the outputs must be identical.
 */
#ifndef API_COMMON_H
#define API_COMMON_H

#include <errno.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define UNUSED __attribute__((unused))

/* watchdog: no test program may hang; SIGALRM kills it after 10 s. */
static UNUSED void watchdog(void)
{
	alarm(10);
	/* line-buffered, so a crash still shows how far the program got */
	setvbuf(stdout, NULL, _IOLBF, 0);
}

/* enter: chdir into the scratch directory the Go test made for this run. */
static UNUSED void enter(const char *dir)
{
	if (chdir(dir) != 0) {
		perror("chdir");
		exit(2);
	}
}

/* fnv: 32-bit FNV-1a over n bytes, continuing from h. */
static UNUSED uint32_t fnv(uint32_t h, const void *buf, size_t n)
{
	const unsigned char *b = buf;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 16777619u;
	}
	return h;
}

#define FNV_START 2166136261u

/* show: a string the library returned, or "(null)". */
static UNUSED const char *show(const char *s)
{
	return s == NULL ? "(null)" : s;
}

/* geterr: pcap_geterr on a handle that may be NULL. */
static UNUSED const char *geterr(pcap_t *p)
{
	return p == NULL ? "(no handle)" : pcap_geterr(p);
}

/* hexfile: print a file's size, hash and a hex dump, 32 bytes a line. */
static UNUSED void hexfile(const char *label, const char *name)
{
	FILE *f = fopen(name, "rb");
	unsigned char buf[32];
	size_t n, total = 0;
	uint32_t h = FNV_START;

	if (f == NULL) {
		printf("%s: cannot open %s: %s\n", label, name, strerror(errno));
		return;
	}
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		size_t i;

		printf("%s %06zx:", label, total);
		for (i = 0; i < n; i++)
			printf(" %02x", buf[i]);
		printf("\n");
		h = fnv(h, buf, n);
		total += n;
	}
	fclose(f);
	printf("%s: %zu bytes, fnv %08x\n", label, total, h);
}

/* copyfile: copy src to dst (for making append targets); 0 on success. */
static UNUSED int copyfile(const char *src, const char *dst)
{
	FILE *in = fopen(src, "rb"), *out;
	char buf[4096];
	size_t n;

	if (in == NULL)
		return -1;
	out = fopen(dst, "wb");
	if (out == NULL) {
		fclose(in);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		fwrite(buf, 1, n, out);
	fclose(in);
	return fclose(out);
}

/* pkthdr: one line for a packet: caplen, len, timestamp and byte hash. */
static UNUSED void pkthdr(const char *label, const struct pcap_pkthdr *h,
    const u_char *data)
{
	printf("%s caplen=%u len=%u ts=%ld.%06ld fnv=%08x\n", label, h->caplen,
	    h->len, (long)h->ts.tv_sec, (long)h->ts.tv_usec,
	    data == NULL ? 0u : fnv(FNV_START, data, h->caplen));
}

#endif
