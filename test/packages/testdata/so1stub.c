/*
 * so1stub: link-time stand-in for a library whose SONAME is libpcap.so.1, so
 * that so1client records DT_NEEDED libpcap.so.1. Never run: at run time the
 * dynamic linker loads the package's libpcap.so.1 instead.
 */
#include <pcap/pcap.h>

const char *pcap_lib_version(void) { return "stub"; }
pcap_t *pcap_open_offline(const char *f, char *e) { (void)f; (void)e; return NULL; }
int pcap_next_ex(pcap_t *p, struct pcap_pkthdr **h, const u_char **d) { (void)p; (void)h; (void)d; return -1; }
void pcap_close(pcap_t *p) { (void)p; }
