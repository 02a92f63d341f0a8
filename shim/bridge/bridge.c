/*
 * bridge.c: C helpers the Go backend calls (Go->C is cheap; these run once
 * per chunk of input, never per packet).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <unistd.h>

#include "bridge.h"

ssize_t shim_read_avail(FILE *f, void *buf, size_t n)
{
	/*
	 * Bytes the host (or stdio's read-ahead) already pulled into the FILE
	 * come first, through fread. After that, read(2) once: fread would
	 * block until the whole request is filled, which stalls a pipe
	 * (`tcpdump -w - | tcpdump -r -`) until 256 KiB have arrived.
	 */
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
		if (errno != EINTR)	/* host signals land here; retry */
			return -errno;
	}
}
