/*
 * pcap-bpf.h -- pcapshim's libpcap 1.10 compatible header.
 *
 * Kept for programs that include <pcap-bpf.h>; see <pcap/bpf.h>.
 */
#include <pcap/bpf.h>
