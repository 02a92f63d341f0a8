/*
 * pcap/pcap-inttypes.h -- pcapshim's libpcap 1.10 compatible header.
 *
 * The fixed-width integer types (uint8_t ... int64_t) the other headers
 * use. Every compiler pcapshim supports has <inttypes.h>.
 */
#ifndef pcap_pcap_inttypes_h
#define pcap_pcap_inttypes_h

#include <inttypes.h>

#endif /* pcap_pcap_inttypes_h */
