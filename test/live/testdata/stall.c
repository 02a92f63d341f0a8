/*
 * stall DEV IMM MS: a host whose callback stalls. Opens DEV (default
 * buffer; immediate mode if IMM is 1), prints "ready", reads N (a line on
 * stdin), and waits for a second line before reading (the test queues
 * frames meanwhile). The
 * callback sleeps MS milliseconds at the first packet, after printing
 * "stalled" (the test sends more frames then: the batch being delivered
 * holds the ring's units). It reads until N packets came, or until 3 s
 * pass without one (SIGALRM breaks the loop), then prints "got COUNT" and
 * the sequence numbers of the burst sender's frames (payload's first 4
 * bytes), in the order delivered.
 */
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pcap_t *p;
static int count, want, stall_ms;
static unsigned seqs[100000];

static void on_alarm(int sig)
{
	(void)sig;
	pcap_breakloop(p);
}

static void cb(u_char *u, const struct pcap_pkthdr *h, const u_char *d)
{
	(void)u;
	if (h->caplen >= 46 && count < (int)(sizeof seqs / sizeof seqs[0]))
		seqs[count] = (unsigned)d[42] << 24 | (unsigned)d[43] << 16 |
		    (unsigned)d[44] << 8 | d[45];
	count++;
	if (count == 1) {
		struct timespec ts = { stall_ms / 1000, (stall_ms % 1000) * 1000000L };

		printf("stalled\n");
		fflush(stdout);
		nanosleep(&ts, NULL);
	}
	if (count >= want)
		pcap_breakloop(p);
	alarm(3);
}

int main(int argc, char **argv)
{
	char eb[PCAP_ERRBUF_SIZE], line[16];
	struct sigaction sa;
	int i;

	if (argc < 4) {
		fprintf(stderr, "usage: stall DEV IMM MS\n");
		return 2;
	}
	stall_ms = atoi(argv[3]);
	if ((p = pcap_create(argv[1], eb)) == NULL) {
		fprintf(stderr, "create: %s\n", eb);
		return 1;
	}
	pcap_set_timeout(p, 1000);
	pcap_set_immediate_mode(p, atoi(argv[2]));
	if (pcap_activate(p) < 0) {
		fprintf(stderr, "activate: %s\n", pcap_geterr(p));
		return 1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	printf("ready\n");
	fflush(stdout);
	if (fgets(line, sizeof line, stdin) == NULL)
		return 1;
	want = atoi(line);
	if (fgets(line, sizeof line, stdin) == NULL)
		return 1;
	alarm(3);
	pcap_loop(p, -1, cb, NULL);
	printf("got %d\n", count);
	for (i = 0; i < count && i < (int)(sizeof seqs / sizeof seqs[0]); i++)
		printf("%u%c", seqs[i], i + 1 < count ? ' ' : '\n');
	pcap_close(p);
	return 0;
}
