/* front.h: functions the front library's files share (not exported). */
#ifndef PCAPSHIM_FRONT_H
#define PCAPSHIM_FRONT_H

#include "pcapshim.h"

pcap_t *shim_alloc(char *errbuf);
int shim_check_activated(pcap_t *p);	/* 1 + text if activated */
int shim_not_activated(pcap_t *p);	/* text, returns PCAP_ERROR_NOT_ACTIVATED */
int shim_activate_live(pcap_t *p);	/* live.c: activate a pcap_create'd handle */
int shim_tstamp_types(pcap_t *p, char *errbuf);	/* tstamp.c: p's tstamp_list; 0 or -1 */
int shim_refill(pcap_t *p);		/* loop.c: > 0 packets ready, else SHIM_FILL_* */
void shim_release_held(pcap_t *p);	/* loop.c: ring units back to the kernel */
int shim_ring_fill(pcap_t *p);		/* ring.c: > 0, SHIM_FILL_TIMEOUT, 0: Go fills */
int shim_sf_fill(pcap_t *p);		/* sfread.c: > 0, or 0: Go fills */
ssize_t shim_sf_read(FILE *f, void *buf, size_t n);	/* sfread.c: FILE buffer, then read(2) */
int shim_init_called(void);		/* tables.c: pcap_init succeeded */

int shim_live_read(pcap_t *p, int cnt, pcap_handler cb, u_char *user);
int shim_live_next(pcap_t *p, struct pcap_pkthdr **h, const u_char **data);
int shim_live_wait(pcap_t *p);		/* live.c: 1 ready, 0 would block, < 0 error/break */
int shim_live_stats(pcap_t *p, struct pcap_stat *ps);	/* live.c, async-signal-safe */
int shim_live_setfilter(pcap_t *p);	/* live.c: kernel filter for p->fcode */
void shim_exanic_create(pcap_t *p);	/* exanic.c: ExaNIC probe at pcap_create */
int shim_exanic_possible(void);		/* exanic.c: driver or simulator present */
int shim_debug(void);			/* exanic.c: TCPDUMP_DEBUG / PCAPSHIM_DEBUG set */
int shim_exanic_stats(pcap_t *p, struct pcap_stat *ps);	/* exanic.c, async-signal-safe */

/* bpf.c: bpf_filter with a live packet's VLAN metadata (libpcap's
 * pcap_filter_with_aux_data). */
u_int shim_filter_vlan(const struct bpf_insn *pc, const u_char *p,
    u_int wirelen, u_int buflen, u_int vlan_present, u_int vlan_tag);

#endif
