/*
 * dump.c: writing classic pcap savefiles, byte for byte as libpcap does.
 * A pcap_dumper_t is the FILE* itself (as in libpcap), so pcap_dump can be
 * handed to pcap_loop as the callback and stays plain C stdio: no Go, no
 * per-packet crossing, and SIGPIPE behaves as the host expects.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "pcapshim.h"
#include "front.h"

#define MAGIC_MICRO 0xa1b2c3d4u
#define MAGIC_NANO 0xa1b23c4du

/* The record header as stored in the file: 32-bit seconds and fraction. */
struct file_rec {
	uint32_t sec, frac, caplen, len;
};

void pcap_dump(u_char *user, const struct pcap_pkthdr *h, const u_char *sp)
{
	FILE *f = (FILE *)user;
	struct file_rec r;

	r.sec = (uint32_t)h->ts.tv_sec;
	r.frac = (uint32_t)h->ts.tv_usec;
	r.caplen = h->caplen;
	r.len = h->len;
	/*
	 * libpcap ignores short writes here too; ferror() reports them. One
	 * lock for both writes: in a multithreaded process (every host of the
	 * Go runtime) each locked stdio call costs atomic operations, twice
	 * per packet with plain fwrite; and the record can no longer be split
	 * by another thread's write between its header and its bytes.
	 */
	flockfile(f);
	(void)fwrite_unlocked(&r, sizeof r, 1, f);
	(void)fwrite_unlocked(sp, h->caplen, 1, f);
	funlockfile(f);
}

/* The linktype field: LINKTYPE_ value plus the FCS/extension bits. */
static int file_linktype(pcap_t *p, const char *fname, int *out)
{
	const struct shim_backend *be = shim_be(p->errbuf);
	int lt;

	if (be == NULL)
		return -1;
	lt = be->dlt_to_linktype(p->linktype);
	if (lt == -1) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
		    "%s: link-layer type %d isn't supported in savefiles",
		    fname, p->linktype);
		return -1;
	}
	*out = lt | (p->linktype_ext & ~0xffff);
	return 0;
}

static int write_header(pcap_t *p, FILE *f, int linktype)
{
	struct pcap_file_header h;

	h.magic = p->precision == PCAP_TSTAMP_PRECISION_NANO ? MAGIC_NANO : MAGIC_MICRO;
	h.version_major = PCAP_VERSION_MAJOR;
	h.version_minor = PCAP_VERSION_MINOR;
	h.thiszone = 0;
	h.sigfigs = 0;
	h.snaplen = (bpf_u_int32)p->snapshot;
	h.linktype = (bpf_u_int32)linktype;
	return fwrite(&h, sizeof h, 1, f) == 1 ? 0 : -1;
}

static pcap_dumper_t *dump_setup(pcap_t *p, FILE *f, const char *fname, int lt)
{
	if (write_header(p, f, lt) == -1) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE, "Can't write to %s: %s",
		    fname, strerror(errno));
		if (f != stdout)
			fclose(f);
		return NULL;
	}
	return (pcap_dumper_t *)f;
}

static int dump_check(pcap_t *p, const char *fname, int *lt)
{
	if (!p->activated) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
		    "%s: not-yet-activated pcap_t passed to pcap_dump_open", fname);
		return -1;
	}
	return file_linktype(p, fname, lt);
}

pcap_dumper_t *pcap_dump_open(pcap_t *p, const char *fname)
{
	FILE *f;
	int lt;

	if (fname == NULL) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
		    "A null pointer was supplied as the file name");
		return NULL;
	}
	if (dump_check(p, fname, &lt) < 0)
		return NULL;
	if (strcmp(fname, "-") == 0) {
		f = stdout;
		fname = "standard output";
	} else {
		f = fopen(fname, "wbe");
		if (f == NULL) {
			snprintf(p->errbuf, PCAP_ERRBUF_SIZE, "%s: %s", fname,
			    strerror(errno));
			return NULL;
		}
	}
	return dump_setup(p, f, fname, lt);
}

pcap_dumper_t *pcap_dump_fopen(pcap_t *p, FILE *f)
{
	int lt;

	if (file_linktype(p, "stream", &lt) < 0)
		return NULL;
	return dump_setup(p, f, "stream", lt);
}

/* Checks an existing file's header against p before appending to it. */
static int append_check(pcap_t *p, FILE *f, const char *fname, int lt)
{
	struct pcap_file_header h;
	size_t got = fread(&h, 1, sizeof h, f);

	if (got != sizeof h) {
		if (ferror(f)) {
			snprintf(p->errbuf, PCAP_ERRBUF_SIZE, "%s: %s", fname,
			    strerror(errno));
			return -1;
		}
		if (got == 0)		/* empty file: write a header */
			return 1;
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
		    "%s: truncated pcap file header", fname);
		return -1;
	}
	switch (h.magic) {
	case MAGIC_MICRO:
	case MAGIC_NANO:
		if ((h.magic == MAGIC_NANO) != (p->precision == PCAP_TSTAMP_PRECISION_NANO)) {
			snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
			    "%s: different time stamp precision, cannot append to file",
			    fname);
			return -1;
		}
		break;
	case 0xd4c3b2a1u:
	case 0x4d3cb2a1u:
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
		    "%s: different byte order, cannot append to file", fname);
		return -1;
	default:
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE, "%s: not a pcap file", fname);
		return -1;
	}
	if (h.version_major != PCAP_VERSION_MAJOR || h.version_minor != PCAP_VERSION_MINOR) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
		    "%s: version is %u.%u, cannot append to file", fname,
		    h.version_major, h.version_minor);
		return -1;
	}
	if ((int)h.linktype != lt) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
		    "%s: different linktype, cannot append to file", fname);
		return -1;
	}
	if ((int)h.snaplen != p->snapshot) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
		    "%s: different snaplen, cannot append to file", fname);
		return -1;
	}
	return 0;
}

pcap_dumper_t *pcap_dump_open_append(pcap_t *p, const char *fname)
{
	FILE *f;
	int lt, rc;

	if (fname == NULL) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
		    "A null pointer was supplied as the file name");
		return NULL;
	}
	if (file_linktype(p, fname, &lt) < 0)
		return NULL;
	if (strcmp(fname, "-") == 0)
		return dump_setup(p, stdout, "standard output", lt);
	f = fopen(fname, "r+be");
	if (f == NULL && errno == ENOENT)
		f = fopen(fname, "w+be");
	if (f == NULL) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE, "%s: %s", fname,
		    strerror(errno));
		return NULL;
	}
	rc = append_check(p, f, fname, lt);
	if (rc < 0) {
		fclose(f);
		return NULL;
	}
	if (rc == 1) {
		rewind(f);
		return dump_setup(p, f, fname, lt);
	}
	if (fseeko(f, 0, SEEK_END) == -1) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
		    "Can't seek to end of %s: %s", fname, strerror(errno));
		fclose(f);
		return NULL;
	}
	return (pcap_dumper_t *)f;
}

FILE *pcap_dump_file(pcap_dumper_t *d)
{
	return (FILE *)d;
}

long pcap_dump_ftell(pcap_dumper_t *d)
{
	return ftell((FILE *)d);
}

int64_t pcap_dump_ftell64(pcap_dumper_t *d)
{
	return (int64_t)ftello((FILE *)d);
}

/* Called from tcpdump's SIGUSR2 handler: plain stdio, never Go. */
int pcap_dump_flush(pcap_dumper_t *d)
{
	return fflush((FILE *)d) == EOF ? -1 : 0;
}

void pcap_dump_close(pcap_dumper_t *d)
{
	fclose((FILE *)d);
}
