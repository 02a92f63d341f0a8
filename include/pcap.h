/*
 * pcap.h -- pcapshim's libpcap 1.10 compatible header.
 *
 * Kept for programs that include <pcap.h>; the API is in <pcap/pcap.h>.
 */
#include <pcap/pcap.h>
