/*
 * filter.c: compiling filters (in the Go backend) and installing them.
 * Installed programs are copied into the handle and run in C (engine.c,
 * bpf.c); on live handles they also go to the socket (live.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/filter.h>

#include "pcapshim.h"
#include "front.h"

int pcap_compile(pcap_t *p, struct bpf_program *fp, const char *str,
    int optimize, bpf_u_int32 netmask)
{
	const struct shim_backend *be;
	sigset_t old;
	int rc;

	if (!p->activated) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
		    "not-yet-activated pcap_t passed to pcap_compile");
		return PCAP_ERROR;
	}
	if ((be = shim_be(p->errbuf)) == NULL)
		return PCAP_ERROR;
	shim_enter_go(&old);
	rc = be->compile(p, fp, str == NULL ? "" : str, optimize, netmask,
	    p->errbuf);
	shim_leave_go(&old);
	return rc < 0 ? PCAP_ERROR : 0;
}

int pcap_compile_nopcap(int snaplen, int linktype, struct bpf_program *fp,
    const char *str, int optimize, bpf_u_int32 netmask)
{
	pcap_t *p = pcap_open_dead(linktype, snaplen);
	int rc;

	if (p == NULL)
		return PCAP_ERROR;
	rc = pcap_compile(p, fp, str, optimize, netmask);
	pcap_close(p);
	return rc;
}

int pcap_setfilter(pcap_t *p, struct bpf_program *fp)
{
	struct bpf_insn *copy;
	size_t size;

	if (!p->activated)
		return shim_not_activated(p);
	if (p->kind == SHIM_KIND_DEAD) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
		    "A filter cannot be set on a pcap_open_dead pcap_t");
		return PCAP_ERROR;
	}
	if (fp == NULL || !bpf_validate(fp->bf_insns, (int)fp->bf_len)) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE, "BPF program is not valid");
		return PCAP_ERROR;
	}
	size = fp->bf_len * sizeof *fp->bf_insns;
	copy = malloc(size);
	if (copy == NULL) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE, "malloc: %s", strerror(errno));
		return PCAP_ERROR;
	}
	memcpy(copy, fp->bf_insns, size);
	free(p->fcode.bf_insns);
	shim_engine_free(p->engine);
	p->fcode.bf_insns = copy;
	p->fcode.bf_len = fp->bf_len;
	/* NULL (bpf_filter runs instead) if it cannot be translated. */
	p->engine = shim_engine_build(copy, fp->bf_len);
	p->fcode_vlanaux = 0;
	for (size_t i = 0; i < fp->bf_len; i++) {
		/* ld{b,h,} [vlan_tci] / [vlanp] */
		if (BPF_CLASS(copy[i].code) == BPF_LD &&
		    BPF_MODE(copy[i].code) == BPF_ABS &&
		    (copy[i].k == (uint32_t)(SKF_AD_OFF + SKF_AD_VLAN_TAG) ||
		    copy[i].k == (uint32_t)(SKF_AD_OFF + SKF_AD_VLAN_TAG_PRESENT)))
			p->fcode_vlanaux = 1;
	}
	/* Live: into the kernel too, if it takes it (live.c). */
	if (p->kind == SHIM_KIND_LIVE)
		return shim_live_setfilter(p);
	return 0;
}
