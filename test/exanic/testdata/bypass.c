/* bypass.c: the libpcap API on an ExaNIC port (simulated): selectable fd,
 * non-blocking mode, a userspace filter, pcap_stats, pcap_breakloop from
 * another thread, pcap_inject. Prints one line per check. */
#include <pcap/pcap.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int got, bad;
static unsigned last = 0;

static void cb(u_char *u, const struct pcap_pkthdr *h, const u_char *d)
{
	unsigned seq;

	(void)u;
	if (h->caplen < 18) {
		bad++;
		return;
	}
	seq = (unsigned)d[14] << 24 | d[15] << 16 | d[16] << 8 | d[17];
	if (seq % 2 != 0 || (got > 0 && seq <= last))
		bad++;
	last = seq;
	got++;
}

static void *breaker(void *arg)
{
	usleep(200000);
	pcap_breakloop((pcap_t *)arg);
	return NULL;
}

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct bpf_program prog;
	struct pcap_stat st;
	struct pollfd pfd;
	pthread_t th;
	pcap_t *p;
	int want, r;

	if (argc < 3)
		return 2;
	want = atoi(argv[2]);
	p = pcap_create(argv[1], err);
	if (p == NULL || pcap_set_timeout(p, 100) != 0 || pcap_activate(p) < 0) {
		printf("activate failed: %s\n", p ? pcap_geterr(p) : err);
		return 1;
	}
	pfd.fd = pcap_get_selectable_fd(p);
	pfd.events = POLLIN;
	printf("selectable %s\n", pfd.fd >= 0 ? "yes" : "no");
	if (pcap_setnonblock(p, 1, err) != 0)
		printf("setnonblock: %s\n", err);
	printf("nonblock dispatch %d getnonblock %d\n", pcap_dispatch(p, -1, cb, NULL),
	    pcap_getnonblock(p, err));
	if (pcap_compile(p, &prog, "ether[17] & 1 = 0", 1, PCAP_NETMASK_UNKNOWN) != 0 ||
	    pcap_setfilter(p, &prog) != 0) {
		printf("filter: %s\n", pcap_geterr(p));
		return 1;
	}
	pcap_freecode(&prog);
	printf("ready\n");
	fflush(stdout);
	/* Non-blocking, driven by the selectable fd, until all arrived. */
	while (got < want) {
		if (poll(&pfd, 1, 10000) <= 0) {
			printf("poll timed out with %d\n", got);
			break;
		}
		if (pcap_dispatch(p, -1, cb, NULL) < 0) {
			printf("dispatch: %s\n", pcap_geterr(p));
			break;
		}
	}
	printf("got %d bad %d\n", got, bad);
	pcap_stats(p, &st);
	printf("stats recv %u drop %u ifdrop %u\n", st.ps_recv, st.ps_drop, st.ps_ifdrop);
	pcap_setnonblock(p, 0, err);
	pthread_create(&th, NULL, breaker, p);
	r = pcap_loop(p, -1, cb, NULL);
	pthread_join(th, NULL);
	printf("loop %d\n", r);
	r = pcap_inject(p, "x", 1);
	printf("inject %d %s\n", r, pcap_geterr(p));
	pcap_close(p);
	return 0;
}
