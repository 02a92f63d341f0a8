/*
 * offline.c: opening savefiles. The Go backend parses the file (pcap or
 * pcapng) from the FILE* through fread, so bytes the host already buffered in
 * that FILE* are not lost and stdin ("-") works like any stream.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pcapshim.h"
#include "front.h"

pcap_t *pcap_fopen_offline_with_tstamp_precision(FILE *fp, u_int precision,
    char *errbuf)
{
	const struct shim_backend *be;
	sigset_t old;
	pcap_t *p;
	int rc;

	if (precision != PCAP_TSTAMP_PRECISION_MICRO &&
	    precision != PCAP_TSTAMP_PRECISION_NANO) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE,
		    "unknown time stamp resolution %u", precision);
		return NULL;
	}
	if ((be = shim_be(errbuf)) == NULL)
		return NULL;
	if ((p = shim_alloc(errbuf)) == NULL)
		return NULL;
	p->precision = p->opt_precision = (int)precision;
	p->kind = SHIM_KIND_OFFLINE;
	/* The record walk Go and sfread.c share, and the read both use. */
	if ((p->sf = calloc(1, sizeof *p->sf)) == NULL) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "malloc: %s", strerror(ENOMEM));
		pcap_close(p);
		return NULL;
	}
	p->sf->read = (uint64_t)(uintptr_t)shim_sf_read;
	shim_enter_go(&old);
	rc = be->open_offline(p, fp, errbuf);
	shim_leave_go(&old);
	if (rc < 0) {
		pcap_close(p);	/* rfile not yet set: fp stays the caller's */
		return NULL;
	}
	p->rfile = fp;
	p->selectable_fd = fileno(fp);
	p->activated = 1;
	return p;
}

pcap_t *pcap_fopen_offline(FILE *fp, char *errbuf)
{
	return pcap_fopen_offline_with_tstamp_precision(fp,
	    PCAP_TSTAMP_PRECISION_MICRO, errbuf);
}

pcap_t *pcap_open_offline_with_tstamp_precision(const char *fname,
    u_int precision, char *errbuf)
{
	FILE *fp;
	pcap_t *p;

	if (fname == NULL) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE,
		    "A null pointer was supplied as the file name");
		return NULL;
	}
	if (strcmp(fname, "-") == 0) {
		fp = stdin;
	} else {
		fp = fopen(fname, "rbe");	/* e: O_CLOEXEC, children never inherit it */
		if (fp == NULL) {
			snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s: %s", fname,
			    strerror(errno));
			return NULL;
		}
	}
	p = pcap_fopen_offline_with_tstamp_precision(fp, precision, errbuf);
	if (p == NULL && fp != stdin)
		fclose(fp);
	return p;
}

pcap_t *pcap_open_offline(const char *fname, char *errbuf)
{
	return pcap_open_offline_with_tstamp_precision(fname,
	    PCAP_TSTAMP_PRECISION_MICRO, errbuf);
}
