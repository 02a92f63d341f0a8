/*
 * immediate: what immediate mode changes on a Linux live handle, printed so
 * that a run with the system libpcap and one with pcapshim can be compared.
 *
 *   immediate ring DEV SNAP BUF ...   per triple: pcap_activate's code, its
 *                                     error text, pcap_bufsize and the
 *                                     socket's PACKET_VERSION, in
 *                                     immediate mode and not (BUF 0: the
 *                                     default buffer size)
 *   immediate wake TX RX IMM          RX opened with a 1000 ms timeout
 *                                     (immediate mode if IMM is 1); a
 *                                     child injects one frame on TX
 *                                     100 ms after the reader blocked in
 *                                     pcap_next_ex: whether the reader
 *                                     has it within 500 ms (the time
 *                                     taken goes to stderr, not compared)
 *   immediate wrap TX RX N IMM        RX with a ring of one block (buffer
 *                                     4096, snaplen 100: one block of V2
 *                                     frames in immediate mode, if IMM is
 *                                     1, else one V3 block); N frames
 *                                     injected on
 *                                     TX before reading, then one
 *                                     pcap_dispatch(-1): the sequence
 *                                     numbers it delivers, then the
 *                                     statistics (a full ring drops the
 *                                     rest; none is delivered twice)
 */
#include <linux/if_packet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>

#ifndef SOL_PACKET
#define SOL_PACKET 263
#endif

static pcap_t *open_dev(const char *dev, int snap, int buf, int imm, int *rc)
{
	char eb[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_create(dev, eb);

	if (p == NULL) {
		printf("create %s: %s\n", dev, eb);
		exit(1);
	}
	pcap_set_snaplen(p, snap);
	pcap_set_timeout(p, 1000);
	pcap_set_immediate_mode(p, imm);
	if (buf > 0)
		pcap_set_buffer_size(p, buf);
	*rc = pcap_activate(p);
	return p;
}

static void ring(int argc, char **argv)
{
	int i, imm;

	for (i = 0; i + 2 < argc; i += 3) {
		int snap = atoi(argv[i + 1]), buf = atoi(argv[i + 2]);

		for (imm = 1; imm >= 0; imm--) {
			int rc, ver = -1;
			socklen_t len = sizeof ver;
			pcap_t *p = open_dev(argv[i], snap, buf, imm, &rc);

			printf("%s snaplen=%d buffer=%d immediate=%d: activate=%d \"%s\"",
			    argv[i], snap, buf, imm, rc, rc != 0 ? pcap_geterr(p) : "");
			if (rc >= 0) {
				if (getsockopt(pcap_fileno(p), SOL_PACKET, PACKET_VERSION, &ver, &len) < 0)
					ver = -1;
				printf(" bufsize=%d snapshot=%d tpacket_version=%s", pcap_bufsize(p),
				    pcap_snapshot(p), ver == TPACKET_V2 ? "V2" : ver == TPACKET_V3 ? "V3" : "?");
			}
			printf("\n");
			pcap_close(p);
		}
	}
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void wake(const char *txdev, const char *rxdev, int imm)
{
	static const unsigned char f[60] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee,
	    0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0x88, 0xb5, 'o', 'n', 'e'};
	struct pcap_pkthdr *h;
	const u_char *d;
	int rc, r, st = 0;
	pid_t child;
	pcap_t *tx = open_dev(txdev, 100, 0, 0, &rc);
	pcap_t *rx = open_dev(rxdev, 100, 0, imm, &rc);
	struct timespec rt;
	double t0, dt;

	if (rc < 0) {
		printf("activate %s: %s\n", rxdev, pcap_geterr(rx));
		exit(1);
	}
	t0 = now_ms();
	child = fork();
	if (child < 0) {
		perror("fork");
		exit(1);
	}
	if (child == 0) {
		struct timespec ts = {0, 100 * 1000 * 1000};

		nanosleep(&ts, NULL);
		_exit(pcap_inject(tx, f, sizeof f) == (int)sizeof f ? 0 : 1);
	}
	r = pcap_next_ex(rx, &h, &d);
	dt = now_ms() - t0;
	clock_gettime(CLOCK_REALTIME, &rt);
	waitpid(child, &st, 0);
	printf("inject %s\n", WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "ok" : "failed");
	printf("next_ex=%d", r);
	if (r == 1)
		printf(" caplen=%u type=%02x%02x", h->caplen, d[12], d[13]);
	printf(" within 500 ms: %s\n", dt < 500 ? "yes" : "no");
	fprintf(stderr, "immediate=%d: pcap_next_ex returned after %.3f ms", imm, dt);
	if (r == 1)	/* from the kernel's receive time stamp to now */
		fprintf(stderr, ", %.3f ms after the frame arrived",
		    (rt.tv_sec - h->ts.tv_sec) * 1e3 + (rt.tv_nsec / 1e3 - h->ts.tv_usec) / 1e3);
	fprintf(stderr, "\n");
	pcap_close(rx);
	pcap_close(tx);
}

static void seq_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *d)
{
	(void)user;
	printf(" %u", h->caplen > 15 ? (unsigned)d[14] << 8 | d[15] : 0u);
}

static void wrap(const char *txdev, const char *rxdev, int n, int imm)
{
	unsigned char f[60] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee,
	    0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0x88, 0xb5};
	struct pcap_stat st;
	int rc, i, r;
	pcap_t *tx = open_dev(txdev, 100, 0, 0, &rc);
	pcap_t *rx = open_dev(rxdev, 100, 4096, imm, &rc);

	if (rc < 0) {
		printf("activate %s: %s\n", rxdev, pcap_geterr(rx));
		exit(1);
	}
	for (i = 0; i < n; i++) {
		f[14] = (unsigned char)(i >> 8);
		f[15] = (unsigned char)i;
		if (pcap_inject(tx, f, sizeof f) != (int)sizeof f)
			printf("inject %d failed: %s\n", i, pcap_geterr(tx));
	}
	printf("bufsize=%d dispatch:", pcap_bufsize(rx));
	r = pcap_dispatch(rx, -1, seq_cb, NULL);
	printf(" = %d\n", r);
	if (pcap_stats(rx, &st) == 0)
		printf("stats recv=%u drop=%u\n", st.ps_recv, st.ps_drop);
	pcap_close(rx);
	pcap_close(tx);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 5 && strcmp(argv[1], "ring") == 0)
		ring(argc - 2, argv + 2);
	else if (argc == 5 && strcmp(argv[1], "wake") == 0)
		wake(argv[2], argv[3], atoi(argv[4]));
	else if (argc == 6 && strcmp(argv[1], "wrap") == 0)
		wrap(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]));
	else {
		fprintf(stderr, "usage: immediate ring DEV SNAP BUF ... | wake TX RX IMM | wrap TX RX N IMM\n");
		return 2;
	}
	return 0;
}
