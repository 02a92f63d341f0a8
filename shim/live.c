/*
 * live.c: the calls that concern live devices. The AF_PACKET source is the
 * next piece of work; until then activation fails with a clear message
 * (never a crash, never a silent success), and the calls that make sense on
 * any handle behave as libpcap's do on savefiles and dead handles.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pcapshim.h"
#include "front.h"

int shim_activate_live(pcap_t *p)
{
	if (strcmp(p->device, "any") != 0 && if_nametoindex(p->device) == 0) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE, "No such device exists");
		return PCAP_ERROR_NO_SUCH_DEVICE;
	}
	snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
	    "pcapshim: live capture on %s is not available in this build yet; read capture files with -r",
	    p->device);
	return PCAP_ERROR;
}

int shim_live_read(pcap_t *p, int cnt, pcap_handler cb, u_char *user)
{
	(void)cnt, (void)cb, (void)user;
	snprintf(p->errbuf, PCAP_ERRBUF_SIZE, "pcapshim: no live source");
	return PCAP_ERROR;
}

int shim_live_next(pcap_t *p, struct pcap_pkthdr **h, const u_char **data)
{
	(void)h, (void)data;
	snprintf(p->errbuf, PCAP_ERRBUF_SIZE, "pcapshim: no live source");
	return PCAP_ERROR;
}

/* Text for an operation a savefile or dead handle cannot do. */
static int cannot(pcap_t *p, const char *savefile_text, const char *dead_text)
{
	if (!p->activated)
		return shim_not_activated(p);
	snprintf(p->errbuf, PCAP_ERRBUF_SIZE, "%s",
	    p->kind == SHIM_KIND_OFFLINE ? savefile_text : dead_text);
	return PCAP_ERROR;
}

int pcap_inject(pcap_t *p, const void *buf, size_t size)
{
	(void)buf, (void)size;
	return cannot(p, "Sending packets isn't supported on savefiles",
	    "Packets can't be sent on a pcap_open_dead pcap_t");
}

int pcap_sendpacket(pcap_t *p, const u_char *buf, int size)
{
	if (size <= 0) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
		    "The number of bytes to be sent must be positive");
		return PCAP_ERROR;
	}
	return pcap_inject(p, buf, (size_t)size) == -1 ? -1 : 0;
}

int pcap_setdirection(pcap_t *p, pcap_direction_t d)
{
	(void)d;
	return cannot(p, "Setting direction is not supported on savefiles",
	    "The packet direction cannot be set on a pcap_open_dead pcap_t");
}

int pcap_setnonblock(pcap_t *p, int nonblock, char *errbuf)
{
	if (!p->activated) {
		p->nonblock = nonblock != 0;	/* applied at activation */
		return 0;
	}
	if (p->kind == SHIM_KIND_OFFLINE) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE,
		    "Savefiles cannot be put into non-blocking mode");
		return PCAP_ERROR;
	}
	snprintf(errbuf, PCAP_ERRBUF_SIZE,
	    "A pcap_open_dead pcap_t does not have a non-blocking mode setting");
	return PCAP_ERROR;
}

int pcap_getnonblock(pcap_t *p, char *errbuf)
{
	if (!p->activated)
		return PCAP_ERROR_NOT_ACTIVATED;	/* libpcap: no text */
	if (p->kind == SHIM_KIND_OFFLINE)
		return 0;
	snprintf(errbuf, PCAP_ERRBUF_SIZE,
	    "A pcap_open_dead pcap_t does not have a non-blocking mode setting");
	return PCAP_ERROR;
}

int pcap_list_datalinks(pcap_t *p, int **list)
{
	int n = p->dlt_count > 0 ? p->dlt_count : 1;

	if (!p->activated)
		return PCAP_ERROR_NOT_ACTIVATED;
	*list = calloc((size_t)n, sizeof **list);
	if (*list == NULL) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE, "malloc: %s", strerror(errno));
		return PCAP_ERROR;
	}
	if (p->dlt_count > 0)
		memcpy(*list, p->dlt_list, (size_t)n * sizeof **list);
	else
		**list = p->linktype;
	return n;
}

void pcap_free_datalinks(int *list)
{
	free(list);
}

int pcap_set_datalink(pcap_t *p, int dlt)
{
	const char *name;
	int i;

	if (dlt >= 0) {
		if (p->dlt_count == 0 && p->linktype == dlt)
			return 0;
		for (i = 0; i < p->dlt_count; i++)
			if (p->dlt_list[i] == dlt) {
				p->linktype = dlt;
				return 0;
			}
	}
	name = pcap_datalink_val_to_name(dlt);
	if (name != NULL)
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
		    "%s is not one of the DLTs supported by this device", name);
	else
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE,
		    "DLT %d is not one of the DLTs supported by this device", dlt);
	return PCAP_ERROR;
}

int pcap_list_tstamp_types(pcap_t *p, int **list)
{
	int n = p->tstamp_count > 0 ? p->tstamp_count : 1;

	*list = calloc((size_t)n, sizeof **list);
	if (*list == NULL) {
		snprintf(p->errbuf, PCAP_ERRBUF_SIZE, "malloc: %s", strerror(errno));
		return PCAP_ERROR;
	}
	if (p->tstamp_count > 0)
		memcpy(*list, p->tstamp_list, (size_t)n * sizeof **list);
	else
		**list = PCAP_TSTAMP_HOST;
	return n;
}

void pcap_free_tstamp_types(int *list)
{
	free(list);
}

int pcap_lookupnet(const char *device, bpf_u_int32 *netp, bpf_u_int32 *maskp,
    char *errbuf)
{
	struct ifreq ifr;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
	int fd;

	if (device == NULL || strcmp(device, "any") == 0) {
		*netp = *maskp = 0;	/* "any" has no single network */
		return 0;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "socket: %s", strerror(errno));
		return PCAP_ERROR;
	}
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_addr.sa_family = AF_INET;
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", device);
	if (ioctl(fd, SIOCGIFADDR, &ifr) < 0) {
		if (errno == EADDRNOTAVAIL)
			snprintf(errbuf, PCAP_ERRBUF_SIZE,
			    "%s: no IPv4 address assigned", device);
		else
			snprintf(errbuf, PCAP_ERRBUF_SIZE, "SIOCGIFADDR: %s: %s",
			    device, strerror(errno));
		close(fd);
		return PCAP_ERROR;
	}
	*netp = sin->sin_addr.s_addr;
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_addr.sa_family = AF_INET;
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", device);
	if (ioctl(fd, SIOCGIFNETMASK, &ifr) < 0) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "SIOCGIFNETMASK: %s: %s",
		    device, strerror(errno));
		close(fd);
		return PCAP_ERROR;
	}
	close(fd);
	*maskp = sin->sin_addr.s_addr;
	if (*maskp == 0) {
		/* No mask: fall back to the address class, as libpcap does. */
		uint32_t a = ntohl(*netp);

		*maskp = htonl(IN_CLASSA(a) ? IN_CLASSA_NET :
		    IN_CLASSB(a) ? IN_CLASSB_NET : IN_CLASSC(a) ? IN_CLASSC_NET : 0);
		if (*maskp == 0) {
			snprintf(errbuf, PCAP_ERRBUF_SIZE,
			    "inet class for 0x%x unknown", a);
			return PCAP_ERROR;
		}
	}
	*netp &= *maskp;
	return 0;
}
