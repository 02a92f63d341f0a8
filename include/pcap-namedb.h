/*
 * pcap-namedb.h -- pcapshim's libpcap 1.10 compatible header.
 *
 * Kept for programs that include <pcap-namedb.h>; see <pcap/namedb.h>.
 */
#include <pcap/namedb.h>
