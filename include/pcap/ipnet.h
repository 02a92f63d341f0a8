/*
 * pcap/ipnet.h -- pcapshim's libpcap 1.10 compatible header.
 *
 * Values found in the DLT_IPNET (Solaris ipnet) pseudo-header.
 */
#ifndef lib_pcap_ipnet_h
#define lib_pcap_ipnet_h

/* Address families, with Solaris's numbering. */
#define IPH_AF_INET 2
#define IPH_AF_INET6 26

/* Direction of the packet. */
#define IPNET_OUTBOUND 1
#define IPNET_INBOUND 2

#endif /* lib_pcap_ipnet_h */
