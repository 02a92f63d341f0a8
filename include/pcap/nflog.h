/*
 * pcap/nflog.h -- pcapshim's libpcap 1.10 compatible header.
 *
 * The layout of DLT_NFLOG packets (Linux netfilter NFLOG): a 4-byte
 * header, then type-length-value attributes padded to 4 bytes. The header
 * and TLV fields are in host byte order; the attribute values mostly in
 * network byte order.
 */
#ifndef lib_pcap_nflog_h
#define lib_pcap_nflog_h

#include <pcap/pcap-inttypes.h>

typedef struct nflog_hdr {
	uint8_t nflog_family;	/* address family of the packet */
	uint8_t nflog_version;	/* 0 */
	uint16_t nflog_rid;	/* resource (group) id, network order */
} nflog_hdr_t;

typedef struct nflog_tlv {
	uint16_t tlv_length;	/* including this 4-byte header */
	uint16_t tlv_type;	/* NFULA_ value */
} nflog_tlv_t;

/* Value of an NFULA_PACKET_HDR attribute. */
typedef struct nflog_packet_hdr {
	uint16_t hw_protocol;	/* EtherType */
	uint8_t hook;		/* netfilter hook number */
	uint8_t pad;
} nflog_packet_hdr_t;

/* Value of an NFULA_HWADDR attribute. */
typedef struct nflog_hwaddr {
	uint16_t hw_addrlen;
	uint16_t pad;
	uint8_t hw_addr[8];
} nflog_hwaddr_t;

/* Value of an NFULA_TIMESTAMP attribute. */
typedef struct nflog_timestamp {
	uint64_t sec;
	uint64_t usec;
} nflog_timestamp_t;

/* Attribute types. */
#define NFULA_PACKET_HDR 1		/* nflog_packet_hdr_t */
#define NFULA_MARK 2			/* the packet's mark */
#define NFULA_TIMESTAMP 3		/* nflog_timestamp_t */
#define NFULA_IFINDEX_INDEV 4		/* input interface (maybe a bridge) */
#define NFULA_IFINDEX_OUTDEV 5		/* output interface (maybe a bridge) */
#define NFULA_IFINDEX_PHYSINDEV 6	/* physical input interface */
#define NFULA_IFINDEX_PHYSOUTDEV 7	/* physical output interface */
#define NFULA_HWADDR 8			/* nflog_hwaddr_t */
#define NFULA_PAYLOAD 9			/* the packet itself */
#define NFULA_PREFIX 10			/* NUL-terminated log prefix */
#define NFULA_UID 11			/* owner of the sending socket */
#define NFULA_SEQ 12			/* sequence number on this socket */
#define NFULA_SEQ_GLOBAL 13		/* sequence number on all sockets */
#define NFULA_GID 14			/* group of the sending socket */
#define NFULA_HWTYPE 15			/* ARPHRD_ type of the device */
#define NFULA_HWHEADER 16		/* the link-layer header */
#define NFULA_HWLEN 17			/* length of that header */

#endif /* lib_pcap_nflog_h */
