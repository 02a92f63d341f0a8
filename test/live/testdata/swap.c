/*
 * swap DEV N: filter swaps while traffic flows. Frames to UDP ports 1111 and
 * 2222 arrive interleaved; the filter is "udp dst port 1111", then 2222,
 * then 1111 again, each swap made after N packets passed the current one:
 * the first between two pcap_dispatch(cnt 1) calls, with the rest of the
 * ring block still unread; the second from inside the callback of a
 * pcap_dispatch(-1), with the rest of the batch still to be delivered.
 * Each swap waits 70 ms first, so that ring blocks full of packets the old
 * filter passed are waiting. Every packet delivered after pcap_setfilter
 * returned must pass the new filter; prints one line per phase and the
 * number of packets that did not.
 * Prints "ready" on stderr once the first filter is set; gives up after 5 s
 * without a packet.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pcap_t *p;
static int want_port, n_per_phase, seen, bad, phase;

static void set(int port)
{
	struct bpf_program prog;
	char expr[64];

	/* Let a few more ring blocks (20 ms timeout) fill with packets the
	 * old filter passed before swapping. */
	usleep(70000);
	snprintf(expr, sizeof expr, "udp dst port %d", port);
	if (pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0 ||
	    pcap_setfilter(p, &prog) < 0) {
		printf("setfilter %s: %s\n", expr, pcap_geterr(p));
		exit(1);
	}
	pcap_freecode(&prog);
	want_port = port;	/* from here on, only this port may arrive */
	seen = 0;
}

/* Ethernet + IPv4 with a 20-byte header (what the test sends). */
static int dport(const struct pcap_pkthdr *h, const u_char *d)
{
	if (h->caplen < 38)
		return -1;
	return d[36] << 8 | d[37];
}

static void cb(u_char *user, const struct pcap_pkthdr *h, const u_char *d)
{
	(void)user;
	if (dport(h, d) != want_port) {
		bad++;
		return;
	}
	if (++seen == n_per_phase && phase == 1) {
		/* Second swap, inside the callback: the rest of this
		 * dispatch's packets must be judged by the new filter. */
		printf("phase 1: %d packets to port %d\n", seen, want_port);
		phase = 2;
		set(1111);
	}
}

int main(int argc, char **argv)
{
	char eb[PCAP_ERRBUF_SIZE];
	int idle = 0, r;

	if (argc != 3) {
		fprintf(stderr, "usage: swap DEV N\n");
		return 2;
	}
	n_per_phase = atoi(argv[2]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	p = pcap_create(argv[1], eb);
	if (p == NULL) {
		printf("create: %s\n", eb);
		return 1;
	}
	pcap_set_timeout(p, 20);
	if ((r = pcap_activate(p)) < 0) {
		printf("activate: %d %s\n", r, pcap_geterr(p));
		return 1;
	}
	set(1111);
	fprintf(stderr, "ready\n");
	while (phase < 3 && idle < 250) {
		int cnt = phase == 0 ? 1 : -1;

		r = pcap_dispatch(p, cnt, cb, NULL);
		if (r < 0) {
			printf("dispatch: %s\n", pcap_geterr(p));
			return 1;
		}
		idle = r == 0 ? idle + 1 : 0;
		if (phase == 0 && seen == n_per_phase) {
			/* First swap, between reads. */
			printf("phase 0: %d packets to port %d\n", seen, want_port);
			phase = 1;
			set(2222);
		} else if (phase == 2 && seen >= n_per_phase) {
			printf("phase 2: %d packets to port %d\n", n_per_phase, want_port);
			phase = 3;
		}
	}
	printf("done: phase %d, %d packets failing the filter in force\n", phase, bad);
	pcap_close(p);
	return 0;
}
