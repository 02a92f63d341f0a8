/* The capture loop's filter engine (engine.c): bpf_filter semantics over
 * a program translated once at pcap_setfilter. */
#ifndef SHIM_ENGINE_H
#define SHIM_ENGINE_H

#include <pcap/pcap.h>

struct shim_engine;

/* NULL when the program has something the engine does not translate
 * (the caller then runs bpf_filter). */
struct shim_engine *shim_engine_build(const struct bpf_insn *in, u_int n);
u_int shim_engine_run(const struct shim_engine *e, const u_char *p,
    u_int wirelen, u_int buflen);
void shim_engine_free(struct shim_engine *e);

#endif
