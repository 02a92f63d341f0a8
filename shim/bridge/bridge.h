/* bridge.h: C helpers of the Go backend (bridge.c). */
#ifndef PCAPSHIM_BRIDGE_H
#define PCAPSHIM_BRIDGE_H
#include <stdio.h>
#include <sys/types.h>

/* Reads what is available: the FILE's buffer first, then one read(2). Returns
 * bytes read, 0 at end of file, -errno on error. */
ssize_t shim_read_avail(FILE *f, void *buf, size_t n);
#endif
