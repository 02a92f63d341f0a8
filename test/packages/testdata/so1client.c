/*
 * so1client: a program as RPM distributions build them, asking the dynamic
 * linker for libpcap.so.1 (DT_NEEDED). It prints the library's version and
 * how many packets it reads from argv[1].
 */
#include <stdio.h>
#include <pcap/pcap.h>

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p;
	int n = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: so1client FILE\n");
		return 2;
	}
	printf("%s\n", pcap_lib_version());
	p = pcap_open_offline(argv[1], err);
	if (p == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	while (pcap_next_ex(p, &h, &data) == 1)
		n++;
	printf("%d packets\n", n);
	pcap_close(p);
	return 0;
}
