/*
 * pcap/sll.h -- pcapshim's libpcap 1.10 compatible header.
 *
 * The Linux "cooked" capture pseudo-headers that replace the link-layer
 * header of DLT_LINUX_SLL and DLT_LINUX_SLL2 packets. Multi-byte fields
 * are in network byte order.
 */
#ifndef lib_pcap_sll_h
#define lib_pcap_sll_h

#include <pcap/pcap-inttypes.h>

/* DLT_LINUX_SLL: 16 bytes. */
#define SLL_HDR_LEN 16
#define SLL_ADDRLEN 8		/* room for the link-layer address */

struct sll_header {
	uint16_t sll_pkttype;		/* LINUX_SLL_ value */
	uint16_t sll_hatype;		/* ARPHRD_ type of the device */
	uint16_t sll_halen;		/* bytes of sll_addr in use */
	uint8_t sll_addr[SLL_ADDRLEN];	/* link-layer source address */
	uint16_t sll_protocol;		/* EtherType or LINUX_SLL_P_ value */
};

/* DLT_LINUX_SLL2: 20 bytes, adds the interface index. */
#define SLL2_HDR_LEN 20

struct sll2_header {
	uint16_t sll2_protocol;		/* EtherType or LINUX_SLL_P_ value */
	uint16_t sll2_reserved_mbz;	/* zero */
	uint32_t sll2_if_index;		/* interface index, from 1 */
	uint16_t sll2_hatype;		/* ARPHRD_ type of the device */
	uint8_t sll2_pkttype;		/* LINUX_SLL_ value */
	uint8_t sll2_halen;		/* bytes of sll2_addr in use */
	uint8_t sll2_addr[SLL_ADDRLEN];	/* link-layer source address */
};

/* Packet types: who the packet was addressed to, or that we sent it. */
#define LINUX_SLL_HOST 0
#define LINUX_SLL_BROADCAST 1
#define LINUX_SLL_MULTICAST 2
#define LINUX_SLL_OTHERHOST 3
#define LINUX_SLL_OUTGOING 4

/* Protocol values that are not EtherTypes (they are below 1536). */
#define LINUX_SLL_P_802_3 0x0001	/* Novell 802.3, no 802.2 LLC header */
#define LINUX_SLL_P_802_2 0x0004	/* 802.2 LLC frames */
#define LINUX_SLL_P_CAN 0x000C		/* CAN, SocketCAN pseudo-header */
#define LINUX_SLL_P_CANFD 0x000D	/* CAN FD, SocketCAN pseudo-header */

#endif /* lib_pcap_sll_h */
