/*
 * nextex DEV COUNT: pcap_next_ex in non-blocking mode, waiting with poll(2)
 * on pcap_get_selectable_fd, until COUNT packets arrived (or 5 s of
 * silence). Prints what it sees (no time stamps) and the final statistics.
 * With "-t0" first: timeout 0 and pcap_loop broken by pcap_breakloop from a
 * SIGALRM handler 300 ms later; prints how it ended.
 */
#include <poll.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static pcap_t *p;

static void on_alarm(int sig)
{
	(void)sig;
	pcap_breakloop(p);
}

static void cb(u_char *user, const struct pcap_pkthdr *h, const u_char *d)
{
	(void)user, (void)d;
	printf("cb caplen=%u len=%u\n", h->caplen, h->len);
}

static int breakloop_test(const char *dev)
{
	char eb[PCAP_ERRBUF_SIZE];
	struct itimerval it;
	int r;

	p = pcap_create(dev, eb);
	if (p == NULL) {
		printf("create: %s\n", eb);
		return 1;
	}
	pcap_set_timeout(p, 0);
	r = pcap_activate(p);
	printf("activate=%d\n", r);
	if (r < 0)
		return 1;
	signal(SIGALRM, on_alarm);
	memset(&it, 0, sizeof it);
	it.it_value.tv_usec = 300000;
	setitimer(ITIMER_REAL, &it, NULL);
	r = pcap_loop(p, -1, cb, NULL);
	printf("loop=%d\n", r);
	pcap_setnonblock(p, 1, eb);
	r = pcap_dispatch(p, -1, cb, NULL);
	printf("dispatch nonblock=%d\n", r);
	pcap_close(p);
	return 0;
}

int main(int argc, char **argv)
{
	char eb[PCAP_ERRBUF_SIZE];
	struct pcap_stat st;
	int want, got = 0, fd, r;

	alarm(20);
	if (argc == 3 && strcmp(argv[1], "-t0") == 0)
		return breakloop_test(argv[2]);
	if (argc != 3) {
		fprintf(stderr, "usage: nextex DEV COUNT | nextex -t0 DEV\n");
		return 2;
	}
	want = atoi(argv[2]);
	p = pcap_create(argv[1], eb);
	if (p == NULL) {
		printf("create: %s\n", eb);
		return 1;
	}
	pcap_set_snaplen(p, 100);
	pcap_set_timeout(p, 50);
	r = pcap_activate(p);
	printf("activate=%d snaplen=%d dlt=%d\n", r, pcap_snapshot(p), pcap_datalink(p));
	if (r < 0)
		return 1;
	printf("setnonblock=%d getnonblock=%d\n", pcap_setnonblock(p, 1, eb),
	    pcap_getnonblock(p, eb));
	fd = pcap_get_selectable_fd(p);
	printf("selectable=%d required_timeout=%s\n", fd >= 0,
	    pcap_get_required_select_timeout(p) == NULL ? "none" : "set");
	printf("empty next_ex=%d\n", pcap_next_ex(p, &(struct pcap_pkthdr *){0}, &(const u_char *){0}));
	fprintf(stderr, "ready\n");
	while (got < want) {
		struct pcap_pkthdr *h;
		const u_char *d;
		struct pollfd pfd = { fd, POLLIN, 0 };

		r = pcap_next_ex(p, &h, &d);
		if (r == 1) {
			u_int i;

			printf("pkt caplen=%u len=%u", h->caplen, h->len);
			for (i = 0; i < h->caplen && i < 24; i++)
				printf("%s%02x", i ? "" : " ", d[i]);
			printf("\n");
			got++;
			continue;
		}
		if (r != 0) {
			printf("next_ex=%d %s\n", r, pcap_geterr(p));
			break;
		}
		if (poll(&pfd, 1, 5000) == 0) {
			printf("poll timed out\n");
			break;
		}
	}
	if (pcap_stats(p, &st) == 0)
		printf("stats recv=%u drop=%u ifdrop=%u\n", st.ps_recv, st.ps_drop, st.ps_ifdrop);
	pcap_close(p);
	return 0;
}
