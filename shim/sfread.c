/*
 * sfread.c: classic pcap savefile records read in C. Every call into Go
 * costs more than the crossing itself: the Go runtime's monitor sees the
 * C thread's P idle in a "system call" between crossings and hands it to
 * another thread, which wakes, finds nothing and sleeps (several context
 * switches per crossing; 12,000 for a 1 M-packet tcpdump -r that prints).
 * So the records of a plain file (host byte order, version 2.4, no
 * post-processing for the link type) are read here, from the Go reader's
 * own buffer, which this file also refills; Go (core/savefile) reads
 * everything else, from the same position (struct shim_sf).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "pcapshim.h"
#include "front.h"

#define REC_LEN 16	/* struct pcap_sf_pkthdr: ts (2 x 32 bits), caplen, len */

/*
 * shim_sf_read: what the FILE holds is read first, through fread (bytes
 * the host or stdio's read-ahead already took from the file); then one
 * read(2): fread would block until the whole request is filled, which
 * stalls a pipe (tcpdump -w - | tcpdump -r -) until the buffer is full.
 * Returns bytes read, 0 at the end, -errno on error. Go's reads use it too.
 */
ssize_t shim_sf_read(FILE *f, void *buf, size_t n)
{
	if (f->_IO_read_ptr < f->_IO_read_end) {
		size_t avail = (size_t)(f->_IO_read_end - f->_IO_read_ptr);
		size_t got = fread(buf, 1, avail < n ? avail : n, f);

		if (got > 0)
			return (ssize_t)got;
	}
	for (;;) {
		ssize_t r = read(fileno(f), buf, n);

		if (r >= 0)
			return r;
		if (errno != EINTR)	/* a host signal: retry */
			return -errno;
	}
}

/*
 * refill: moves the unread bytes to the start of the buffer and reads
 * more after them. Only with no packet of the current batch in the buffer.
 * 0: Go's turn (the buffer is full: a record longer than it; the end of
 * the file; an error, which Go's next read returns).
 */
static int refill(pcap_t *p, struct shim_sf *s)
{
	u_char *buf = (u_char *)(uintptr_t)s->buf;
	ssize_t r;

	if (s->no_read || s->read_held || p->rfile == NULL)
		return 0;
	if (s->pos > 0) {
		memmove(buf, buf + s->pos, s->end - s->pos);
		s->end -= s->pos;
		s->pos = 0;
	}
	if (s->end == s->cap)
		return 0;
	r = shim_sf_read(p->rfile, buf + s->end, s->cap - s->end);
	if (r <= 0) {
		/* Kept for Go's next read, which reports it as its own
		 * (an error may not happen again; a second read after the
		 * end would wait on a terminal or a reopened FIFO). */
		s->read_rc = (int32_t)r;
		s->read_held = 1;
		return 0;
	}
	s->end += (uint32_t)r;
	return 1;
}

/*
 * record: the header of the record at pos, if the C walk reads it: 1 when
 * the whole record is in the buffer, 0 when more bytes are needed, -1 when
 * it is Go's (longer than the snapshot, trimmed, or than the link type's
 * maximum, an error: libpcap's checks, in its order).
 */
static int record(const struct shim_sf *s, int32_t rec[4])
{
	uint32_t avail = s->end - s->pos;

	if (avail < REC_LEN)
		return 0;
	memcpy(rec, (const u_char *)(uintptr_t)s->buf + s->pos, REC_LEN);
	if ((uint32_t)rec[2] > s->max_snap || (uint32_t)rec[2] > s->snapshot)
		return -1;
	return avail - REC_LEN >= (uint32_t)rec[2];
}

/*
 * shim_sf_fill: the next batch of records, read in C. Returns how many
 * (> 0), or 0 when Go must fill: it has something to report, or the next
 * record is one the C walk leaves to it.
 */
int shim_sf_fill(pcap_t *p)
{
	struct shim_sf *s = p->sf;
	int n = 0, r;
	int32_t rec[4];

	if (s == NULL || !s->walk || s->go_next)
		return 0;
	while (n < SHIM_BATCH && (r = record(s, rec)) >= 0) {
		struct shim_pkt *k;
		int64_t frac;

		if (r == 0) {
			/* Refilling moves the buffer's bytes: only before
			 * the batch points into it. */
			if (n > 0 || !refill(p, s))
				break;
			continue;
		}
		/* A file in host byte order: 32-bit fields sign-extended,
		 * as libpcap reads them. */
		frac = rec[1];
		if (s->scale == 1)
			frac *= 1000;
		else if (s->scale == 2)
			frac /= 1000;
		k = &p->batch[n++];
		k->hdr.ts.tv_sec = rec[0];
		k->hdr.ts.tv_usec = (suseconds_t)frac;
		k->hdr.caplen = (uint32_t)rec[2];
		k->hdr.len = (uint32_t)rec[3];
		k->data = (const u_char *)(uintptr_t)s->buf + s->pos + REC_LEN;
		s->pos += REC_LEN + (uint32_t)rec[2];
	}
	if (n > 0)
		s->c_batches++;
	return n;
}
