/*
 * pcap/vlan.h -- pcapshim's libpcap 1.10 compatible header.
 *
 * An 802.1Q VLAN tag as it appears in a packet (network byte order).
 */
#ifndef lib_pcap_vlan_h
#define lib_pcap_vlan_h

#include <pcap/pcap-inttypes.h>

struct vlan_tag {
	uint16_t vlan_tpid;	/* tag protocol identifier, 0x8100 */
	uint16_t vlan_tci;	/* priority, DEI and VLAN id */
};

#define VLAN_TAG_LEN 4

#endif /* lib_pcap_vlan_h */
