/*
 * devs.c: pcap_findalldevs and friends. A first version from getifaddrs();
 * the live-capture work replaces the ordering and descriptions with
 * libpcap's exact ones.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "pcapshim.h"

static struct sockaddr *dup_sa(const struct sockaddr *sa)
{
	size_t len;
	struct sockaddr *d;

	if (sa == NULL)
		return NULL;
	len = sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
	    sa->sa_family == AF_INET ? sizeof(struct sockaddr_in) :
	    sizeof(struct sockaddr_storage);
	d = calloc(1, sizeof(struct sockaddr_storage));
	if (d != NULL)
		memcpy(d, sa, len);
	return d;
}

static pcap_if_t *find_or_add(pcap_if_t **list, const char *name, unsigned flags)
{
	pcap_if_t *d, **tail = list;

	for (d = *list; d != NULL; d = d->next) {
		if (strcmp(d->name, name) == 0)
			return d;
		tail = &d->next;
	}
	d = calloc(1, sizeof *d);
	if (d == NULL || (d->name = strdup(name)) == NULL) {
		free(d);
		return NULL;
	}
	if (flags & IFF_LOOPBACK)
		d->flags |= PCAP_IF_LOOPBACK;
	if (flags & IFF_UP)
		d->flags |= PCAP_IF_UP;
	if (flags & IFF_RUNNING)
		d->flags |= PCAP_IF_RUNNING;
	d->flags |= (flags & IFF_LOOPBACK) ? PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE :
	    (flags & IFF_RUNNING) ? PCAP_IF_CONNECTION_STATUS_CONNECTED :
	    PCAP_IF_CONNECTION_STATUS_DISCONNECTED;
	*tail = d;
	return d;
}

int pcap_findalldevs(pcap_if_t **alldevsp, char *errbuf)
{
	struct ifaddrs *ifa, *i;
	pcap_if_t *list = NULL, *d;

	if (getifaddrs(&ifa) != 0) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "getifaddrs: %s", strerror(errno));
		return PCAP_ERROR;
	}
	for (i = ifa; i != NULL; i = i->ifa_next) {
		struct pcap_addr *a, **at;

		d = find_or_add(&list, i->ifa_name, i->ifa_flags);
		if (d == NULL)
			goto nomem;
		if (i->ifa_addr == NULL || (i->ifa_addr->sa_family != AF_INET &&
		    i->ifa_addr->sa_family != AF_INET6))
			continue;
		a = calloc(1, sizeof *a);
		if (a == NULL)
			goto nomem;
		a->addr = dup_sa(i->ifa_addr);
		a->netmask = dup_sa(i->ifa_netmask);
		if (i->ifa_flags & IFF_BROADCAST)
			a->broadaddr = dup_sa(i->ifa_broadaddr);
		else if (i->ifa_flags & IFF_POINTOPOINT)
			a->dstaddr = dup_sa(i->ifa_dstaddr);
		for (at = &d->addresses; *at != NULL; at = &(*at)->next)
			;
		*at = a;
	}
	freeifaddrs(ifa);
	d = find_or_add(&list, "any", IFF_UP | IFF_RUNNING);
	if (d == NULL)
		goto nomem2;
	d->flags = PCAP_IF_UP | PCAP_IF_RUNNING | PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE;
	d->description = strdup("Pseudo-device that captures on all interfaces");
	*alldevsp = list;
	return 0;
nomem:
	freeifaddrs(ifa);
nomem2:
	pcap_freealldevs(list);
	snprintf(errbuf, PCAP_ERRBUF_SIZE, "malloc: %s", strerror(ENOMEM));
	return PCAP_ERROR;
}

void pcap_freealldevs(pcap_if_t *d)
{
	while (d != NULL) {
		pcap_if_t *next = d->next;
		struct pcap_addr *a = d->addresses;

		while (a != NULL) {
			struct pcap_addr *an = a->next;

			free(a->addr);
			free(a->netmask);
			free(a->broadaddr);
			free(a->dstaddr);
			free(a);
			a = an;
		}
		free(d->name);
		free(d->description);
		free(d);
		d = next;
	}
}

char *pcap_lookupdev(char *errbuf)
{
	static char name[IF_NAMESIZE + 1];
	pcap_if_t *all, *d;

	if (pcap_findalldevs(&all, errbuf) < 0)
		return NULL;
	for (d = all; d != NULL; d = d->next)
		if (!(d->flags & PCAP_IF_LOOPBACK) && strcmp(d->name, "any") != 0)
			break;
	if (d == NULL) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "no suitable device found");
		pcap_freealldevs(all);
		return NULL;
	}
	snprintf(name, sizeof name, "%s", d->name);
	pcap_freealldevs(all);
	return name;
}
