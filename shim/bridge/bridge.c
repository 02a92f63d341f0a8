/*
 * bridge.c: C helpers the Go backend calls (Go->C is cheap; these run once
 * per chunk of input, never per packet).
 */
#include "bridge.h"

ssize_t shim_read_via(uint64_t fn, FILE *f, void *buf, size_t n)
{
	ssize_t (*read_fn)(FILE *, void *, size_t) =
	    (ssize_t (*)(FILE *, void *, size_t))(uintptr_t)fn;

	return read_fn(f, buf, n);
}
