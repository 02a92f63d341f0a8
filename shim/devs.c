/*
 * devs.c: pcap_findalldevs, pcap_freealldevs and pcap_lookupdev, giving
 * what libpcap 1.10.3 gives on Linux (Debian's build):
 *
 *  - network interfaces from getifaddrs(), one entry per name (an alias
 *    label "eth0:3" counts as "eth0"), every address getifaddrs() reports
 *    (AF_PACKET, AF_INET, AF_INET6) in its order, each sockaddr copied at
 *    its family's size; broadcast only with IFF_BROADCAST, destination only
 *    with IFF_POINTOPOINT;
 *  - flags from the first entry's IFF_ flags plus: loopback => connection
 *    status "not applicable"; /sys/class/net/N/wireless => wireless;
 *    otherwise the ARPHRD type in /sys/class/net/N/type (loopback type:
 *    nothing more; IrDA, 802.11 and 802.15.4 types: wireless); then
 *    ETHTOOL_GLINK => connected / disconnected (EOPNOTSUPP/EINVAL: not
 *    applicable, ENODEV: unknown);
 *  - "any", then the pseudo-devices 1.10.3 lists, in its order: Bluetooth
 *    adapters (bluetoothN), bluetooth-monitor, usbmonN for each /dev/usbmonN,
 *    nflog and nfqueue (when the kernel has NETLINK_NETFILTER), dbus-system
 *    and dbus-session;
 *  - each new entry goes before the first entry whose rank (below) is
 *    strictly greater, so equal ranks keep their discovery order.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <ifaddrs.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/if_arp.h>
#include <linux/netlink.h>
#include <linux/sockios.h>

#include "front.h"

/* libpcap's error text for a failed call: "<what>: <strerror(err)>". */
static void errno_msg(char *errbuf, int err, const char *what)
{
	snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s: %s", what, strerror(err));
}

/*
 * Rank of an entry (smaller sorts first): not running, not up, a wired
 * device known to be disconnected, loopback, and "any" each add a bit, in
 * that order of weight. Names play no part.
 */
static uint32_t rank(const char *name, bpf_u_int32 flags)
{
	uint32_t r = 0;

	if (!(flags & PCAP_IF_RUNNING))
		r |= 0x80000000u;
	if (!(flags & PCAP_IF_UP))
		r |= 0x40000000u;
	if ((flags & (PCAP_IF_WIRELESS | PCAP_IF_CONNECTION_STATUS)) ==
	    PCAP_IF_CONNECTION_STATUS_DISCONNECTED)
		r |= 0x20000000u;
	if (flags & PCAP_IF_LOOPBACK)
		r |= 0x10000000u;
	if (strcmp(name, "any") == 0)
		r |= 0x08000000u;
	return r;
}

/* add_dev: a new entry, placed by rank; NULL + errbuf on failure. */
static pcap_if_t *add_dev(pcap_if_t **list, const char *name,
    bpf_u_int32 flags, const char *descr, char *errbuf)
{
	pcap_if_t *d, **at;
	uint32_t r;

	d = calloc(1, sizeof *d);
	if (d == NULL || (d->name = strdup(name)) == NULL ||
	    (descr != NULL && (d->description = strdup(descr)) == NULL)) {
		errno_msg(errbuf, ENOMEM, "malloc");
		if (d != NULL)
			free(d->name);
		free(d);
		return NULL;
	}
	d->flags = flags;
	r = rank(name, flags);
	for (at = list; *at != NULL; at = &(*at)->next)
		if (r < rank((*at)->name, (*at)->flags))
			break;
	d->next = *at;
	*at = d;
	return d;
}

static pcap_if_t *find_dev(pcap_if_t *list, const char *name)
{
	for (; list != NULL; list = list->next)
		if (strcmp(list->name, name) == 0)
			return list;
	return NULL;
}

/*
 * A socket for interface ioctls, tried in libpcap's order: generic netlink
 * (if it accepts device ioctls), AF_UNIX, AF_INET6, AF_INET.
 */
static int ioctl_socket(void)
{
	struct ifreq ifr;
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd >= 0) {
		memset(&ifr, 0, sizeof ifr);
		if (ioctl(fd, SIOCGIFNAME, &ifr) == 0 || errno != EOPNOTSUPP)
			return fd;
		close(fd);
	}
	fd = socket(AF_UNIX, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		return fd;
	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		return fd;
	return socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
}

/* ARPHRD types libpcap counts as wireless. */
static int wireless_arphrd(unsigned t)
{
	switch (t) {
	case 783:		/* ARPHRD_IRDA */
	case 801:		/* ARPHRD_IEEE80211 */
	case 802:		/* ARPHRD_IEEE80211_PRISM */
	case 803:		/* ARPHRD_IEEE80211_RADIOTAP */
	case 804:		/* ARPHRD_IEEE802154 */
	case 805:		/* ARPHRD_IEEE802154_MONITOR */
	case 825:		/* ARPHRD_6LOWPAN */
		return 1;
	}
	return 0;
}

/* The flags a network interface gets beyond its IFF_ ones; -1 on error. */
static int more_flags(const char *name, bpf_u_int32 *flags, char *errbuf)
{
	struct ethtool_value ev;
	struct ifreq ifr;
	char path[PATH_MAX];
	int fd;

	if (*flags & PCAP_IF_LOOPBACK) {
		*flags |= PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE;
		return 0;
	}
	fd = ioctl_socket();
	if (fd < 0) {
		int e = errno;
		char what[128];

		snprintf(what, sizeof what,
		    "Can't create socket to get ethtool information for %s", name);
		errno_msg(errbuf, e, what);
		return -1;
	}
	snprintf(path, sizeof path, "/sys/class/net/%s/wireless", name);
	if (access(path, F_OK) == 0) {
		*flags |= PCAP_IF_WIRELESS;
	} else {
		FILE *f;
		unsigned t;

		snprintf(path, sizeof path, "/sys/class/net/%s/type", name);
		f = fopen(path, "re");
		if (f != NULL) {
			if (fscanf(f, "%u", &t) == 1) {
				if (t == ARPHRD_LOOPBACK) {
					fclose(f);
					close(fd);
					return 0;
				}
				if (wireless_arphrd(t))
					*flags |= PCAP_IF_WIRELESS;
			}
			fclose(f);
		}
	}

	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
	memset(&ev, 0, sizeof ev);
	ev.cmd = ETHTOOL_GLINK;
	ifr.ifr_data = (char *)&ev;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0) {
		int e = errno;

		close(fd);
		if (e == EOPNOTSUPP || e == EINVAL) {
			*flags |= PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE;
			return 0;
		}
		if (e == ENODEV)
			return 0;	/* status unknown */
		{
			char what[128];

			snprintf(what, sizeof what,
			    "%s: SIOCETHTOOL(ETHTOOL_GLINK) ioctl failed", name);
			errno_msg(errbuf, e, what);
		}
		return -1;
	}
	close(fd);
	*flags |= ev.data ? PCAP_IF_CONNECTION_STATUS_CONNECTED :
	    PCAP_IF_CONNECTION_STATUS_DISCONNECTED;
	return 0;
}

/* How many bytes of a sockaddr libpcap copies, by family. */
static size_t sa_size(const struct sockaddr *sa)
{
	switch (sa->sa_family) {
	case AF_INET6:
		return sizeof(struct sockaddr_in6);
	case AF_PACKET:
		return 20;	/* struct sockaddr_ll */
	default:
		return sizeof(struct sockaddr);
	}
}

/* dup_sa: a malloc'ed copy of size n (n of sa's own family when 0). */
static struct sockaddr *dup_sa(const struct sockaddr *sa, size_t n, int *fail)
{
	struct sockaddr *d;

	if (sa == NULL)
		return NULL;
	if (n == 0)
		n = sa_size(sa);
	d = malloc(n);
	if (d == NULL) {
		*fail = 1;
		return NULL;
	}
	memcpy(d, sa, n);
	return d;
}

static void free_addr(struct pcap_addr *a)
{
	free(a->addr);
	free(a->netmask);
	free(a->broadaddr);
	free(a->dstaddr);
	free(a);
}

/* One getifaddrs() entry: find or add its device, append its address. */
static int add_ifaddr(pcap_if_t **list, struct ifaddrs *i, char *errbuf)
{
	char name[IFNAMSIZ * 4];
	struct pcap_addr *a, **at;
	pcap_if_t *d;
	char *colon;
	int fail = 0;

	snprintf(name, sizeof name, "%s", i->ifa_name);
	colon = strchr(name, ':');
	if (colon != NULL) {
		char *q = colon + 1;

		while (*q >= '0' && *q <= '9')
			q++;
		if (*q == '\0')
			*colon = '\0';	/* an alias label: the base device */
	}

	d = find_dev(*list, name);
	if (d == NULL) {
		bpf_u_int32 fl = 0;

		if (i->ifa_flags & IFF_LOOPBACK)
			fl |= PCAP_IF_LOOPBACK;
		if (i->ifa_flags & IFF_UP)
			fl |= PCAP_IF_UP;
		if (i->ifa_flags & IFF_RUNNING)
			fl |= PCAP_IF_RUNNING;
		if (more_flags(name, &fl, errbuf) < 0)
			return -1;
		d = add_dev(list, name, fl, NULL, errbuf);
		if (d == NULL)
			return -1;
	}
	if (i->ifa_addr == NULL)
		return 0;

	a = calloc(1, sizeof *a);
	if (a == NULL) {
		errno_msg(errbuf, ENOMEM, "malloc");
		return -1;
	}
	a->addr = dup_sa(i->ifa_addr, 0, &fail);
	/* the mask is copied at the address's size, as libpcap does */
	a->netmask = dup_sa(i->ifa_netmask, sa_size(i->ifa_addr), &fail);
	if (i->ifa_flags & IFF_BROADCAST)
		a->broadaddr = dup_sa(i->ifa_broadaddr, 0, &fail);
	if (i->ifa_flags & IFF_POINTOPOINT)
		a->dstaddr = dup_sa(i->ifa_dstaddr, 0, &fail);
	if (fail) {
		free_addr(a);
		errno_msg(errbuf, ENOMEM, "malloc");
		return -1;
	}
	for (at = &d->addresses; *at != NULL; at = &(*at)->next)
		;
	*at = a;
	return 0;
}

/* Bluetooth HCI adapters: bluetoothN, from HCIGETDEVLIST. */
#define SHIM_AF_BLUETOOTH 31
#define SHIM_BTPROTO_HCI 1
#define SHIM_HCI_MAX_DEV 16
#define SHIM_HCIGETDEVLIST _IOR('H', 210, int)

struct shim_hci_dev_req {
	uint16_t dev_id;
	uint32_t dev_opt;
};

struct shim_hci_dev_list_req {
	uint16_t dev_num;
	struct shim_hci_dev_req dev_req[SHIM_HCI_MAX_DEV];
};

static int add_bluetooth(pcap_if_t **list, char *errbuf)
{
	struct shim_hci_dev_list_req *req;
	int fd, ret = 0;
	unsigned i;

	fd = socket(SHIM_AF_BLUETOOTH, SOCK_RAW | SOCK_CLOEXEC, SHIM_BTPROTO_HCI);
	if (fd < 0) {
		if (errno == EAFNOSUPPORT)
			return 0;
		errno_msg(errbuf, errno, "Can't open raw Bluetooth socket");
		return -1;
	}
	req = calloc(1, sizeof *req);
	if (req == NULL) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE,
		    "Can't allocate %zu bytes for Bluetooth device list",
		    sizeof *req);
		close(fd);
		return -1;
	}
	req->dev_num = SHIM_HCI_MAX_DEV;
	if (ioctl(fd, SHIM_HCIGETDEVLIST, req) < 0) {
		errno_msg(errbuf, errno, "Can't get Bluetooth device list via ioctl");
		ret = -1;
	} else {
		for (i = 0; i < req->dev_num; i++) {
			char name[20], descr[40];

			snprintf(name, sizeof name, "bluetooth%u",
			    (unsigned)req->dev_req[i].dev_id);
			/* 1.10.3 numbers the description by list position */
			snprintf(descr, sizeof descr,
			    "Bluetooth adapter number %u", i);
			if (add_dev(list, name, PCAP_IF_WIRELESS, descr,
			    errbuf) == NULL) {
				ret = -1;
				break;
			}
		}
	}
	free(req);
	close(fd);
	return ret;
}

/* usbmonN for each /dev/usbmonN, in directory order. Never fails. */
static int add_usbmon(pcap_if_t **list, char *errbuf)
{
	struct dirent *e;
	DIR *dir;
	int ret = 0;

	dir = opendir("/dev");
	if (dir == NULL)
		return 0;
	while ((e = readdir(dir)) != NULL) {
		char name[10], descr[30];
		pcap_if_t *d;
		int n;

		if (strncmp(e->d_name, "usbmon", 6) != 0 ||
		    sscanf(e->d_name + 6, "%d", &n) != 1)
			continue;
		snprintf(name, sizeof name, "usbmon%d", n);
		if (n == 0) {
			d = add_dev(list, name,
			    PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE,
			    "Raw USB traffic, all USB buses", errbuf);
		} else {
			snprintf(descr, sizeof descr,
			    "Raw USB traffic, bus number %d", n);
			d = add_dev(list, name, 0, descr, errbuf);
		}
		if (d == NULL) {
			ret = -1;	/* errbuf is set: not a partial list */
			break;
		}
	}
	closedir(dir);
	return ret;
}

/* nflog and nfqueue, when the kernel has netfilter netlink sockets. */
static int add_netfilter(pcap_if_t **list, char *errbuf)
{
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
	if (fd < 0) {
		if (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT)
			return 0;
		errno_msg(errbuf, errno, "Can't open netlink socket");
		return -1;
	}
	close(fd);
	if (add_dev(list, "nflog", PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE,
	    "Linux netfilter log (NFLOG) interface", errbuf) == NULL ||
	    add_dev(list, "nfqueue", PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE,
	    "Linux netfilter queue (NFQUEUE) interface", errbuf) == NULL)
		return -1;
	return 0;
}

static int add_fixed(pcap_if_t **list, char *errbuf)
{
	if (add_dev(list, "bluetooth-monitor",
	    PCAP_IF_WIRELESS | PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE,
	    "Bluetooth Linux Monitor", errbuf) == NULL)
		return -1;
	return 0;
}

static int add_dbus(pcap_if_t **list, char *errbuf)
{
	if (add_dev(list, "dbus-system", PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE,
	    "D-Bus system bus", errbuf) == NULL ||
	    add_dev(list, "dbus-session", PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE,
	    "D-Bus session bus", errbuf) == NULL)
		return -1;
	return 0;
}

static int add_interfaces(pcap_if_t **list, char *errbuf)
{
	struct ifaddrs *ifa, *i;
	int ret = 0;

	if (getifaddrs(&ifa) != 0) {
		errno_msg(errbuf, errno, "getifaddrs");
		return -1;
	}
	for (i = ifa; i != NULL; i = i->ifa_next)
		if (add_ifaddr(list, i, errbuf) < 0) {
			ret = -1;
			break;
		}
	freeifaddrs(ifa);
	if (ret == 0 && add_dev(list, "any", PCAP_IF_UP | PCAP_IF_RUNNING |
	    PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE,
	    "Pseudo-device that captures on all interfaces", errbuf) == NULL)
		ret = -1;
	return ret;
}

/*
 * ExaNIC ports (driver loaded or simulator selected): a port whose
 * interface is listed gets the card's description; others (no interface,
 * or simulated) are added. Lines from the backend: name, flags,
 * description, tab-separated.
 */
static int add_exanic(pcap_if_t **list, char *errbuf)
{
	const struct shim_backend *be;
	char *text, *line, *save = NULL;
	sigset_t old;
	int ret = 0;

	if (!shim_exanic_possible() || (be = shim_be(NULL)) == NULL)
		return 0;
	shim_enter_go(&old);
	text = be->exanic_devs();
	shim_leave_go(&old);
	if (text == NULL)
		return 0;
	for (line = strtok_r(text, "\n", &save); line != NULL && ret == 0;
	    line = strtok_r(NULL, "\n", &save)) {
		char *flags = strchr(line, '\t'), *descr;
		pcap_if_t *d;

		if (flags == NULL || (descr = strchr(flags + 1, '\t')) == NULL)
			continue;
		*flags++ = '\0';
		*descr++ = '\0';
		if ((d = find_dev(*list, line)) != NULL) {
			if (d->description == NULL &&
			    (d->description = strdup(descr)) == NULL) {
				errno_msg(errbuf, ENOMEM, "malloc");
				ret = -1;
			}
		} else if (add_dev(list, line, (bpf_u_int32)strtoul(flags, NULL, 0),
		    descr, errbuf) == NULL) {
			ret = -1;
		}
	}
	free(text);
	return ret;
}

int pcap_findalldevs(pcap_if_t **alldevsp, char *errbuf)
{
	static int (*const sources[])(pcap_if_t **, char *) = {
		add_interfaces, add_bluetooth, add_fixed, add_usbmon,
		add_netfilter, add_dbus, add_exanic,
	};
	pcap_if_t *list = NULL;
	size_t k;

	for (k = 0; k < sizeof sources / sizeof sources[0]; k++)
		if (sources[k](&list, errbuf) < 0) {
			pcap_freealldevs(list);
			*alldevsp = NULL;
			return PCAP_ERROR;
		}
	*alldevsp = list;
	return 0;
}

void pcap_freealldevs(pcap_if_t *d)
{
	while (d != NULL) {
		pcap_if_t *next = d->next;
		struct pcap_addr *a = d->addresses;

		while (a != NULL) {
			struct pcap_addr *an = a->next;

			free_addr(a);
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
	pcap_if_t *all;
	char *ret = NULL;

	if (shim_init_called()) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "pcap_lookupdev() is deprecated "
		    "and is not supported in programs calling pcap_init()");
		return NULL;
	}
	if (pcap_findalldevs(&all, errbuf) < 0)
		return NULL;
	if (all == NULL || (all->flags & PCAP_IF_LOOPBACK)) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "no suitable device found");
	} else {
		snprintf(name, sizeof name, "%s", all->name);
		ret = name;
	}
	pcap_freealldevs(all);
	return ret;
}
