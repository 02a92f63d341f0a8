/*
 * tstamp.c: the time stamp types a capture device offers, as libpcap 1.10.3
 * on Linux finds them at pcap_create: the driver's ETHTOOL_GET_TS_INFO.
 * Adapter types are listed only when the device stamps all received packets
 * in hardware (HWTSTAMP_FILTER_ALL); then each of host, adapter and
 * adapter_unsynced the driver reports (software, system-synchronised and
 * raw hardware stamps). No list (only "host", from pcap_list_tstamp_types)
 * for "any", for unknown devices and for devices without hardware stamping;
 * all three when the driver cannot say. Turning hardware stamps on at
 * activation is the Go source's (core/live/tstamp.go).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pcapshim.h"
#include "front.h"

static const struct {
	unsigned int sof;	/* SOF_TIMESTAMPING_* capability bit */
	int type;		/* PCAP_TSTAMP_* it offers */
} ts_map[] = {
	{ SOF_TIMESTAMPING_SOFTWARE, PCAP_TSTAMP_HOST },
	{ SOF_TIMESTAMPING_SYS_HARDWARE, PCAP_TSTAMP_ADAPTER },
	{ SOF_TIMESTAMPING_RAW_HARDWARE, PCAP_TSTAMP_ADAPTER_UNSYNCED },
};
#define TS_MAP_N (sizeof ts_map / sizeof ts_map[0])

/* Sets p's list to the types whose capability bits are in sof (all of them
 * when sof is ~0u). 0, or -1 with text in errbuf. */
static int set_list(pcap_t *p, unsigned int sof, char *errbuf)
{
	size_t i;
	int n = 0;

	p->tstamp_list = malloc(TS_MAP_N * sizeof *p->tstamp_list);
	if (p->tstamp_list == NULL) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "malloc: %s", strerror(ENOMEM));
		return -1;
	}
	for (i = 0; i < TS_MAP_N; i++)
		if (sof & ts_map[i].sof)
			p->tstamp_list[n++] = ts_map[i].type;
	p->tstamp_count = n;
	if (n == 0) {
		free(p->tstamp_list);
		p->tstamp_list = NULL;
	}
	return 0;
}

int shim_tstamp_types(pcap_t *p, char *errbuf)
{
	struct ethtool_ts_info info;
	struct ifreq ifr;
	int fd, err;

	if (strcmp(p->device, "any") == 0)
		return 0;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE,
		    "socket for SIOCETHTOOL(ETHTOOL_GET_TS_INFO): %s", strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", p->device);
	memset(&info, 0, sizeof info);
	info.cmd = ETHTOOL_GET_TS_INFO;
	ifr.ifr_data = (void *)&info;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0) {
		err = errno;
		close(fd);
		switch (err) {
		case EOPNOTSUPP:
		case EINVAL:	/* the driver cannot say: offer everything */
			return set_list(p, ~0u, errbuf);
		case ENODEV:	/* activation will say so */
			return 0;
		}
		snprintf(errbuf, PCAP_ERRBUF_SIZE,
		    "%s: SIOCETHTOOL(ETHTOOL_GET_TS_INFO) ioctl failed: %s",
		    p->device, strerror(err));
		return -1;
	}
	close(fd);
	if (!(info.rx_filters & (1u << HWTSTAMP_FILTER_ALL)))
		return 0;
	return set_list(p, info.so_timestamping, errbuf);
}
