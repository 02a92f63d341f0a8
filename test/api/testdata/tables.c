/*
 * tables.c: the library's tables and texts: pcap_lib_version (prefix only),
 * pcap_statustostr, pcap_strerror, link-type names and descriptions,
 * time-stamp type names and descriptions, the name databases (ports,
 * protocols, Ethernet types, LLC SAPs, Ethernet addresses), pcap_perror and
 * pcap_init.
 * Usage: tables <scratch dir> [init]
 *   with "init": pcap_init is called first (bad option, then UTF-8, then
 *   local) and the later texts must be unchanged on UNIX.
 */
#include "common.h"

#include <pcap/namedb.h>

static void texts(void)
{
	const char *v = pcap_lib_version();
	const char *names[] = { "EN10MB", "en10mb", "RAW", "raw", "NULL",
		"LINUX_SLL", "LINUX_SLL2", "IEEE802_11_RADIO", "USB_LINUX_MMAPPED",
		"NETLINK", "DLT_EN10MB", "EN3MB", "SLIP", "PPP", "", "nosuch",
		"USER0", "USER15", "ETHERNET", "IPV4", "IPV6", "LOOP" };
	const char *tsnames[] = { "host", "HOST", "host_lowprec",
		"host_hiprec", "adapter", "adapter_unsynced",
		"host_hiprec_unsynced", "", "nosuch" };
	int errnos[] = { 0, EPERM, ENOENT, EINTR, EACCES, ENODEV, ENXIO,
		EINVAL, ENETDOWN, EAGAIN, 1000, -1 };
	size_t i;
	int v2;

	printf("lib_version has prefix \"libpcap version 1.10.\": %d\n",
	    v != NULL && strncmp(v, "libpcap version 1.10.", 21) == 0);
	for (v2 = -13; v2 <= 4; v2++)
		printf("statustostr(%d)=\"%s\"\n", v2, pcap_statustostr(v2));
	printf("statustostr(-100)=\"%s\"\n", pcap_statustostr(-100));
	printf("statustostr(100)=\"%s\"\n", pcap_statustostr(100));
	for (i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
		printf("strerror(%d)=\"%s\"\n", errnos[i],
		    pcap_strerror(errnos[i]));

	for (v2 = -2; v2 <= 300; v2++) {
		const char *n = pcap_datalink_val_to_name(v2);
		const char *d = pcap_datalink_val_to_description(v2);

		printf("dlt %d name=%s description=%s or_dlt=\"%s\"", v2,
		    show(n), show(d),
		    pcap_datalink_val_to_description_or_dlt(v2));
		if (n != NULL)
			printf(" back=%d", pcap_datalink_name_to_val(n));
		printf("\n");
	}
	{
		int big[] = { 1000, 65535, 65536, 0x7fffffff, 0x00100001 };

		for (i = 0; i < sizeof big / sizeof big[0]; i++)
			printf("dlt %d name=%s description=%s or_dlt=\"%s\"\n",
			    big[i], show(pcap_datalink_val_to_name(big[i])),
			    show(pcap_datalink_val_to_description(big[i])),
			    pcap_datalink_val_to_description_or_dlt(big[i]));
	}
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		printf("name_to_val(\"%s\")=%d\n", names[i],
		    pcap_datalink_name_to_val(names[i]));

	for (v2 = -1; v2 <= 7; v2++)
		printf("tstamp %d name=%s description=%s\n", v2,
		    show(pcap_tstamp_type_val_to_name(v2)),
		    show(pcap_tstamp_type_val_to_description(v2)));
	for (i = 0; i < sizeof tsnames / sizeof tsnames[0]; i++)
		printf("tstamp_name_to_val(\"%s\")=%d\n", tsnames[i],
		    pcap_tstamp_type_name_to_val(tsnames[i]));
}

/* errors after pcap_init: an open error's text */
static void later_errors(void)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	struct pcap_stat st;
	pcap_t *p = pcap_open_offline("no-such-file.pcap", eb);

	printf("open_offline(no-such-file.pcap) handle=%d err=\"%s\"\n",
	    p != NULL, eb);
	if (p != NULL)
		pcap_close(p);
	p = pcap_open_dead(DLT_EN10MB, 100);
	printf("dead stats err=%d \"%s\"\n", pcap_stats(p, &st), geterr(p));
	fflush(stdout);
	pcap_perror(p, "perror prefix");
	pcap_perror(p, "");
	pcap_close(p);
}

/* namedb: the name-to-number helpers of pcap/namedb.h */
static void namedb(void)
{
	const char *ports[] = { "http", "domain", "ssh", "80", "tftp",
		"nosuchservice", "", "65535" };
	const char *ranges[] = { "http", "1-1024", "100-50", "x-y", "ssh" };
	const char *protos[] = { "tcp", "udp", "icmp", "ipv6-icmp", "pim",
		"nosuchproto", "" };
	const char *eprotos[] = { "ip", "arp", "rarp", "ip6", "atalk",
		"aarp", "decnet", "sca", "lat", "mopdl", "moprc", "iso",
		"stp", "ipx", "netbeui", "loopback", "nosuch", "" };
	const char *llcs[] = { "iso", "stp", "ipx", "netbeui", "nosuch" };
	const char *macs[] = { "00:11:22:33:44:55", "0:1:2:3:4:5",
		"00-11-22-33-44-55", "001122334455", "0011.2233.4455",
		"ff:ff:ff:ff:ff:ff" };
	size_t i;

	for (i = 0; i < sizeof ports / sizeof ports[0]; i++) {
		int port = -7, proto = -7, r;

		r = pcap_nametoport(ports[i], &port, &proto);
		printf("nametoport(\"%s\")=%d port=%d proto=%d\n", ports[i], r,
		    port, proto);
	}
	for (i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
		int p1 = -7, p2 = -7, proto = -7, r;

		r = pcap_nametoportrange(ranges[i], &p1, &p2, &proto);
		printf("nametoportrange(\"%s\")=%d ports=%d-%d proto=%d\n",
		    ranges[i], r, p1, p2, proto);
	}
	for (i = 0; i < sizeof protos / sizeof protos[0]; i++)
		printf("nametoproto(\"%s\")=%d\n", protos[i],
		    pcap_nametoproto(protos[i]));
	for (i = 0; i < sizeof eprotos / sizeof eprotos[0]; i++)
		printf("nametoeproto(\"%s\")=%d\n", eprotos[i],
		    pcap_nametoeproto(eprotos[i]));
	for (i = 0; i < sizeof llcs / sizeof llcs[0]; i++)
		printf("nametollc(\"%s\")=%d\n", llcs[i],
		    pcap_nametollc(llcs[i]));
	for (i = 0; i < sizeof macs / sizeof macs[0]; i++) {
		u_char *e = pcap_ether_aton(macs[i]);

		if (e == NULL) {
			printf("ether_aton(\"%s\")=NULL\n", macs[i]);
			continue;
		}
		printf("ether_aton(\"%s\")=%02x:%02x:%02x:%02x:%02x:%02x\n",
		    macs[i], e[0], e[1], e[2], e[3], e[4], e[5]);
		free(e);
	}
}

int main(int argc, char **argv)
{
	char eb[PCAP_ERRBUF_SIZE];
	int r;

	watchdog();
	if (argc < 2) {
		fprintf(stderr, "usage: tables dir [init]\n");
		return 2;
	}
	enter(argv[1]);
	if (argc > 2 && strcmp(argv[2], "init") == 0) {
		unsigned int bad[] = { 2, 3, 0x100, 0xffffffffu };
		size_t i;

		for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			memset(eb, 0, sizeof eb);
			r = pcap_init(bad[i], eb);
			printf("init(0x%x)=%d err=\"%s\"\n", bad[i], r, eb);
		}
		memset(eb, 0, sizeof eb);
		r = pcap_init(PCAP_CHAR_ENC_UTF_8, eb);
		printf("init(UTF_8)=%d err=\"%s\"\n", r, eb);
		memset(eb, 0, sizeof eb);
		r = pcap_init(PCAP_CHAR_ENC_UTF_8, eb);
		printf("init(UTF_8) again=%d err=\"%s\"\n", r, eb);
		memset(eb, 0, sizeof eb);
		r = pcap_init(PCAP_CHAR_ENC_LOCAL, eb);
		printf("init(LOCAL)=%d err=\"%s\"\n", r, eb);
	} else if (argc > 2 && strcmp(argv[2], "local") == 0) {
		memset(eb, 0, sizeof eb);
		r = pcap_init(PCAP_CHAR_ENC_LOCAL, eb);
		printf("init(LOCAL)=%d err=\"%s\"\n", r, eb);
	}
	texts();
	namedb();
	later_errors();
	return 0;
}
