/*
 * pcap/bluetooth.h -- pcapshim's libpcap 1.10 compatible header.
 *
 * Pseudo-headers of the Linux Bluetooth link types; fields are in network
 * byte order.
 */
#ifndef lib_pcap_bluetooth_h
#define lib_pcap_bluetooth_h

#include <pcap/pcap-inttypes.h>

/* DLT_BLUETOOTH_HCI_H4_WITH_PHDR: bit 0 of direction set = received. */
typedef struct _pcap_bluetooth_h4_header {
	uint32_t direction;
} pcap_bluetooth_h4_header;

/* DLT_BLUETOOTH_LINUX_MONITOR. */
typedef struct _pcap_bluetooth_linux_monitor_header {
	uint16_t adapter_id;
	uint16_t opcode;
} pcap_bluetooth_linux_monitor_header;

#endif /* lib_pcap_bluetooth_h */
