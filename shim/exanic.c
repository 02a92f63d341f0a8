/*
 * exanic.c: the front library's part of ExaNIC kernel bypass capture
 * (the source itself is the Go package exanic/, glue in
 * shim/bridge/exanic.go). A bypass handle is an ordinary live handle whose
 * fd is an eventfd the Go reader signals (shim_live_wait polls it like a
 * socket), whose statistics the reader keeps in p->st_* with atomic adds,
 * and whose filters run in the C loop (no kernel).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcapshim.h"
#include "front.h"

/* The driver is loaded, or the simulator is selected: only then is the Go
 * backend loaded at pcap_create / pcap_findalldevs for ExaNIC's sake. */
int shim_exanic_possible(void)
{
	const char *sim = getenv("PCAPSHIM_EXANIC_SIM");

	if (sim != NULL && sim[0] != '\0')
		return 1;
	return access("/sys/bus/pci/drivers/exanic", F_OK) == 0;
}

/* TCPDUMP_DEBUG or PCAPSHIM_DEBUG set, and not "0" (as the Go side). */
int shim_debug(void)
{
	static const char *const names[] = { "TCPDUMP_DEBUG", "PCAPSHIM_DEBUG" };
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		const char *v = getenv(names[i]);

		if (v != NULL && v[0] != '\0' && strcmp(v, "0") != 0)
			return 1;
	}
	return 0;
}

/* At pcap_create: an ExaNIC port gets its time stamp types (host,
 * adapter, adapter_unsynced), so pcap_list_tstamp_types and
 * pcap_set_tstamp_type work before activation as with libpcap. */
void shim_exanic_create(pcap_t *p)
{
	const struct shim_backend *be;
	sigset_t old;

	if (!shim_exanic_possible() || (be = shim_be(NULL)) == NULL)
		return;
	shim_enter_go(&old);
	(void)be->exanic_probe(p);
	shim_leave_go(&old);
}

/* pcap_stats on a bypass handle. Async-signal-safe: atomic loads. ps_recv
 * counts frames taken from the card plus ps_drop (as the kernel's
 * tp_packets does), ps_drop frames lost when the card lapped the reader,
 * ps_ifdrop frames the card reported lost (hardware overflow). */
int shim_exanic_stats(pcap_t *p, struct pcap_stat *ps)
{
	ps->ps_recv = (u_int)__atomic_load_n(&p->st_recv, __ATOMIC_RELAXED);
	ps->ps_drop = (u_int)__atomic_load_n(&p->st_drop, __ATOMIC_RELAXED);
	ps->ps_ifdrop = (u_int)__atomic_load_n(&p->st_ifdrop, __ATOMIC_RELAXED);
	return 0;
}
