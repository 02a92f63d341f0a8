/*
 * pcap/namedb.h -- pcapshim's libpcap 1.10 compatible header.
 *
 * Name lookups the filter compiler uses, exported for applications:
 * Ethernet addresses from /etc/ethers, hosts, networks, ports and
 * protocols.
 */
#ifndef lib_pcap_namedb_h
#define lib_pcap_namedb_h

#include <pcap/pcap.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One line of an ethers file: a MAC address and its host name. */
struct pcap_etherent {
	u_char addr[6];
	char name[122];
};

#ifndef PCAP_ETHERS_FILE
#define PCAP_ETHERS_FILE "/etc/ethers"
#endif

PCAP_API struct pcap_etherent *pcap_next_etherent(FILE *);
PCAP_API u_char *pcap_ether_hostton(const char *);
PCAP_API u_char *pcap_ether_aton(const char *);

PCAP_API
PCAP_DEPRECATED("this is not reentrant; use 'pcap_nametoaddrinfo' instead")
bpf_u_int32 **pcap_nametoaddr(const char *);
PCAP_API struct addrinfo *pcap_nametoaddrinfo(const char *);
PCAP_API bpf_u_int32 pcap_nametonetaddr(const char *);

PCAP_API int pcap_nametoport(const char *, int *, int *);
PCAP_API int pcap_nametoportrange(const char *, int *, int *, int *);
PCAP_API int pcap_nametoproto(const char *);
PCAP_API int pcap_nametoeproto(const char *);
PCAP_API int pcap_nametollc(const char *);

/* What the port and protocol lookups give for "no such name". */
#define PROTO_UNDEF -1

#ifdef __cplusplus
}
#endif

#endif /* lib_pcap_namedb_h */
