/* bridge.h: C helpers of the Go backend (bridge.c). */
#ifndef PCAPSHIM_BRIDGE_H
#define PCAPSHIM_BRIDGE_H
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* Calls the front library's shim_sf_read (its address in fn: struct
 * shim_sf's read): what the FILE holds, then one read(2). Returns bytes
 * read, 0 at end of file, -errno on error. */
ssize_t shim_read_via(uint64_t fn, FILE *f, void *buf, size_t n);
#endif
