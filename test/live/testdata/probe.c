/*
 * probe: the live-handle API as a host sees it, printed line by line so
 * that a run with the system libpcap and one with pcapshim can be compared.
 * Nothing printed depends on time or addresses.
 *
 *   probe act DEV...        pcap_activate's code and pcap_geterr per device
 *   probe down DEV          inject and read on DEV taken down, then up
 *   probe bulk TX RX N      N frames injected on TX, read and checked on RX
 *   probe listen ADDR PORT  a TCP listener (for nmap's scan)
 *   probe version           pcap_lib_version (which library was loaded)
 *   probe api TX RX         options, direction, protocol, inject on TX,
 *                           pcap_next_ex on RX, non-blocking mode,
 *                           selectable fd, required select timeout
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <poll.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void activate_one(const char *dev)
{
	char eb[PCAP_ERRBUF_SIZE];
	pcap_t *p;
	int r, e;

	/* errno after a failed pcap_open_live: ngrep prints it (perror). */
	errno = 0;
	p = pcap_open_live(dev, 100, 0, 100, eb);
	if (p == NULL)
		printf("%s: open_live: %s; errno=%s\n", dev, eb, strerror(errno));
	else
		pcap_close(p);
	/* Not reset between pcap_create and pcap_activate: libpcap's
	 * pcap_create leaves errno set (its capture-module probes). */
	errno = 0;
	p = pcap_create(dev, eb);

	if (p == NULL) {
		printf("%s: create failed: %s\n", dev, eb);
		return;
	}
	r = pcap_activate(p);
	e = errno;
	printf("%s: activate=%d (%s) geterr=\"%s\"", dev, r,
	    pcap_statustostr(r), r != 0 ? pcap_geterr(p) : "");
	printf(r < 0 ? " errno=%s\n" : "\n", strerror(e));
	pcap_close(p);
}

/* frame: an Ethernet frame of len bytes (>= 14) with EtherType typ. */
static void frame(unsigned char *f, size_t len, unsigned typ, unsigned char tag)
{
	static const unsigned char dst[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};
	static const unsigned char src[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
	size_t i;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = (unsigned char)(typ >> 8);
	f[13] = (unsigned char)typ;
	for (i = 14; i < len; i++)
		f[i] = (unsigned char)(tag + i);
}

static pcap_t *open_rx(const char *dev, int nonblock_before, int proto)
{
	char eb[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_create(dev, eb);
	int r;

	if (p == NULL) {
		printf("create %s: %s\n", dev, eb);
		exit(1);
	}
	printf("pre-activate getnonblock=%d\n", pcap_getnonblock(p, eb));
	printf("pre-activate selectable_fd=%d fileno=%d required_select_timeout=%s\n",
	    pcap_get_selectable_fd(p), pcap_fileno(p),
	    pcap_get_required_select_timeout(p) == NULL ? "NULL" : "set");
	printf("pre-activate datalink=%d snapshot=%d\n", pcap_datalink(p), pcap_snapshot(p));
	if (nonblock_before) {
		r = pcap_setnonblock(p, 1, eb);
		printf("pre-activate setnonblock(1)=%d", r);
		printf(" getnonblock=%d\n", pcap_getnonblock(p, eb));
	}
	r = pcap_setdirection(p, PCAP_D_IN);
	printf("pre-activate setdirection=%d \"%s\"\n", r, r ? pcap_geterr(p) : "");
	r = pcap_inject(p, "x", 1);
	printf("pre-activate inject=%d \"%s\"\n", r, r < 0 ? pcap_geterr(p) : "");
	printf("set_snaplen=%d set_timeout=%d set_immediate=%d set_buffer_size=%d\n",
	    pcap_set_snaplen(p, 200), pcap_set_timeout(p, 100),
	    pcap_set_immediate_mode(p, 0), pcap_set_buffer_size(p, 1 << 20));
	if (proto)
		printf("set_protocol_linux=%d\n", pcap_set_protocol_linux(p, proto));
	r = pcap_activate(p);
	printf("activate %s=%d\n", dev, r);
	if (r < 0) {
		printf("geterr=\"%s\"\n", pcap_geterr(p));
		exit(1);
	}
	r = pcap_set_buffer_size(p, 1 << 21);
	printf("post-activate set_buffer_size=%d \"%s\"\n", r, pcap_geterr(p));
	r = pcap_set_immediate_mode(p, 1);
	printf("post-activate set_immediate=%d", r);
	r = pcap_set_protocol_linux(p, ETH_P_ALL);
	printf(" set_protocol_linux=%d snapshot=%d\n", r, pcap_snapshot(p));
	return p;
}

/* Reads until count packets or silence (nonblocking: poll-driven). */
static int drain(pcap_t *p, int want)
{
	struct pcap_pkthdr *h;
	const u_char *d;
	int got = 0, r = 0, idle = 0;
	int fd = pcap_get_selectable_fd(p);

	while (got < want && idle < 30) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};

		if (poll(&pfd, 1, 100) == 0) {
			idle++;
			continue;
		}
		/* Stop at the wanted count without another call: the caller
		 * then looks whether the descriptor is still readable. */
		while (got < want && (r = pcap_next_ex(p, &h, &d)) == 1) {
			printf("  pkt caplen=%u len=%u type=%02x%02x", h->caplen, h->len, d[12], d[13]);
			if (h->caplen > 14)
				printf(" first=%02x last=%02x", d[14], d[h->caplen - 1]);
			printf("\n");
			got++;
		}
		if (got < want && r != 0) {
			printf("  next_ex=%d \"%s\"\n", r, pcap_geterr(p));
			break;
		}
	}
	return got;
}

static void count_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *d)
{
	(void)h, (void)d;
	(*(int *)(void *)user)++;
}

static void api(const char *txdev, const char *rxdev)
{
	char eb[PCAP_ERRBUF_SIZE];
	unsigned char f[3000];
	pcap_t *tx, *rx, *any;
	const struct timeval *tv;
	struct pollfd pfd;
	int r, i;

	/* Receiver: non-blocking chosen before activation, IPv4 only. */
	rx = open_rx(rxdev, 1, ETH_P_IP);
	printf("rx getnonblock=%d\n", pcap_getnonblock(rx, eb));
	printf("rx selectable==fileno: %d, >=0: %d\n",
	    pcap_get_selectable_fd(rx) == pcap_fileno(rx), pcap_get_selectable_fd(rx) >= 0);
	tv = pcap_get_required_select_timeout(rx);
	if (tv == NULL)
		printf("rx required_select_timeout=NULL\n");
	else
		printf("rx required_select_timeout=%ld.%06ld\n", (long)tv->tv_sec, (long)tv->tv_usec);
	for (i = 0; i < 3; i++) {
		r = pcap_setdirection(rx, i);
		printf("rx setdirection(%d)=%d \"%s\"\n", i, r, r ? pcap_geterr(rx) : "");
	}
	r = pcap_setdirection(rx, 7);
	printf("rx setdirection(7)=%d \"%s\"\n", r, r ? pcap_geterr(rx) : "");
	pcap_setdirection(rx, PCAP_D_INOUT);
	r = pcap_next_ex(rx, &(struct pcap_pkthdr *){0}, &(const u_char *){0});
	printf("rx next_ex with nothing there=%d\n", r);

	/* Sender, blocking. */
	tx = pcap_open_live(txdev, 65535, 0, 100, eb);
	if (tx == NULL) {
		printf("open_live %s: %s\n", txdev, eb);
		exit(1);
	}
	printf("tx getnonblock=%d\n", pcap_getnonblock(tx, eb));
	for (i = 0; i < 4; i++) {
		size_t len = (size_t)(60 + 300 * i);

		/* IPv4 frames pass rx's protocol, ARP ones do not. */
		frame(f, len, i % 2 ? 0x0806 : 0x0800, (unsigned char)i);
		r = pcap_inject(tx, f, len);
		printf("inject %zu=%d\n", len, r);
		r = pcap_sendpacket(tx, f, (int)len);
		printf("sendpacket %zu=%d\n", len, r);
	}
	frame(f, 14, 0x0800, 9);
	printf("inject 14=%d\n", pcap_inject(tx, f, 14));
	frame(f, 3000, 0x0800, 9);
	r = pcap_inject(tx, f, 3000);
	printf("inject 3000=%d \"%s\"\n", r, r < 0 ? pcap_geterr(tx) : "");
	r = pcap_sendpacket(tx, f, 3000);
	printf("sendpacket 3000=%d \"%s\"\n", r, r < 0 ? pcap_geterr(tx) : "");

	/* Two IPv4 frames, each sent twice, and the 14-byte one; not ARP. */
	printf("rx got %d\n", drain(rx, 5));
	/* Everything read: the descriptor must not be readable any more
	 * (libpcap hands each ring block back after its last packet). */
	pfd.fd = pcap_get_selectable_fd(rx);
	pfd.events = POLLIN;
	pfd.revents = 0;
	printf("rx readable after draining: %d\n", poll(&pfd, 1, 300));
	i = 0;
	r = pcap_dispatch(rx, -1, count_cb, (u_char *)&i);
	printf("rx dispatch nonblocking, nothing there=%d (%d)\n", r, i);

	/* The same with pcap_dispatch one packet at a time. */
	frame(f, 100, 0x0800, 5);
	printf("inject 100=%d", pcap_inject(tx, f, 100));
	printf(" inject 100=%d\n", pcap_inject(tx, f, 100));
	for (i = 0; i < 2; i++) {
		int n = 0, idle;

		for (idle = 0; n == 0 && idle < 30; idle++) {
			pfd.revents = 0;
			if (poll(&pfd, 1, 100) == 1)
				r = pcap_dispatch(rx, 1, count_cb, (u_char *)&n);
		}
		printf("rx dispatch(1)=%d (%d)\n", r, n);
	}
	pfd.revents = 0;
	printf("rx readable after dispatching all: %d\n", poll(&pfd, 1, 300));

	r = pcap_setnonblock(rx, 0, eb);
	printf("rx setnonblock(0)=%d", r);
	printf(" getnonblock=%d\n", pcap_getnonblock(rx, eb));

	/* Injecting on "any" is refused. */
	any = pcap_open_live("any", 100, 0, 100, eb);
	if (any != NULL) {
		r = pcap_inject(any, f, 60);
		printf("any inject=%d \"%s\"\n", r, r < 0 ? pcap_geterr(any) : "");
		r = pcap_sendpacket(any, f, 60);
		printf("any sendpacket=%d \"%s\"\n", r, r < 0 ? pcap_geterr(any) : "");
		pcap_close(any);
	} else {
		printf("open any: %s\n", eb);
	}
	pcap_close(tx);
	pcap_close(rx);
}

/* Sets dev administratively up or down. */
static void set_up(const char *dev, int up)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", dev);
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		perror("SIOCGIFFLAGS");
		exit(1);
	}
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0) {
		perror("SIOCSIFFLAGS");
		exit(1);
	}
	close(fd);
}

/* Injecting and reading on a device taken down under an open handle, then
 * brought up again. */
static void down(const char *dev)
{
	char eb[PCAP_ERRBUF_SIZE];
	unsigned char f[100];
	pcap_t *p = pcap_open_live(dev, 200, 0, 100, eb);
	int r, n = 0;

	if (p == NULL) {
		printf("open_live %s: %s\n", dev, eb);
		exit(1);
	}
	frame(f, sizeof f, 0x0800, 1);
	printf("inject up=%d\n", pcap_inject(p, f, sizeof f));
	set_up(dev, 0);
	r = pcap_inject(p, f, sizeof f);
	printf("inject down=%d \"%s\"\n", r, r < 0 ? pcap_geterr(p) : "");
	r = pcap_sendpacket(p, f, sizeof f);
	printf("sendpacket down=%d \"%s\"\n", r, r < 0 ? pcap_geterr(p) : "");
	pcap_setnonblock(p, 1, eb);
	r = pcap_dispatch(p, -1, count_cb, (u_char *)&n);
	printf("dispatch down=%d \"%s\"\n", r, r < 0 ? pcap_geterr(p) : "");
	set_up(dev, 1);
	printf("inject up again=%d\n", pcap_inject(p, f, sizeof f));
	pcap_close(p);
}

/* bulk: checks every packet's sequence number and contents. */
struct bulk {
	int next, bad;
};

static void bulk_check(struct bulk *b, const struct pcap_pkthdr *h, const u_char *d)
{
	unsigned seq, i;

	if (h->caplen < 18 || h->caplen != h->len) {
		if (b->bad++ == 0)
			printf("packet %d: caplen %u len %u\n", b->next, h->caplen, h->len);
		b->next++;
		return;
	}
	seq = (unsigned)d[14] << 24 | (unsigned)d[15] << 16 | (unsigned)d[16] << 8 | d[17];
	for (i = 18; i < h->caplen; i++)
		if (d[i] != (u_char)(seq + i))
			break;
	if ((seq != (unsigned)b->next || i != h->caplen || h->len != 60 + seq % 1400) && b->bad++ == 0)
		printf("packet %d: seq %u len %u, bytes good up to %u\n", b->next, seq, h->len, i);
	b->next++;
}

static void bulk_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *d)
{
	bulk_check((struct bulk *)(void *)user, h, d);
}

/*
 * Injects n frames on tx (sequence number, then a pattern; lengths 60 to
 * 1459) and reads them on rx, alternately with pcap_next_ex and
 * pcap_dispatch(5): many ring blocks and batches, every packet checked.
 */
static void bulk(const char *txdev, const char *rxdev, int n)
{
	char eb[PCAP_ERRBUF_SIZE];
	unsigned char f[1500];
	struct pcap_pkthdr *h;
	const u_char *d;
	struct bulk b = {0, 0};
	pcap_t *tx, *rx;
	int i, r, idle = 0, sent = 0;

	rx = pcap_create(rxdev, eb);
	if (rx == NULL) {
		printf("create: %s\n", eb);
		exit(1);
	}
	pcap_set_snaplen(rx, 2000);
	pcap_set_timeout(rx, 50);
	pcap_set_buffer_size(rx, 2 << 20);
	if ((r = pcap_activate(rx)) != 0) {
		printf("activate=%d %s\n", r, pcap_geterr(rx));
		exit(1);
	}
	tx = pcap_open_live(txdev, 100, 0, 100, eb);
	if (tx == NULL) {
		printf("open_live: %s\n", eb);
		exit(1);
	}
	/* In chunks of 250, each read before the next is sent: the 2 MB
	 * ring wraps around, which it can only if blocks are handed back. */
	for (i = 0; i < n; i++) {
		size_t len = (size_t)(60 + i % 1400), j;

		frame(f, len, 0x88b5, 0);	/* local experimental EtherType */
		f[14] = (unsigned char)(i >> 24);
		f[15] = (unsigned char)(i >> 16);
		f[16] = (unsigned char)(i >> 8);
		f[17] = (unsigned char)i;
		for (j = 18; j < len; j++)
			f[j] = (unsigned char)(i + j);
		if (pcap_inject(tx, f, len) == (int)len)
			sent++;
		if ((i + 1) % 250 != 0 && i + 1 != n)
			continue;
		for (idle = 0; b.next <= i && idle < 40;) {
			if (b.next % 2 == 0) {
				r = pcap_next_ex(rx, &h, &d);
				if (r == 1)
					bulk_check(&b, h, d);
			} else {
				r = pcap_dispatch(rx, 5, bulk_cb, (u_char *)&b);
			}
			if (r < 0) {
				printf("read=%d %s\n", r, pcap_geterr(rx));
				i = n;
				break;
			}
			idle = r == 0 ? idle + 1 : 0;
		}
		if (b.next <= i)
			break;
	}
	printf("bulk sent %d\n", sent);
	printf("bulk received %d, %d bad\n", b.next, b.bad);
	pcap_close(tx);
	pcap_close(rx);
}

/* A TCP listener for port scans: prints "up" once listening, then waits. */
static int listen_on(const char *addr, const char *port)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)atoi(port));
	if (fd < 0 || inet_pton(AF_INET, addr, &sin.sin_addr) != 1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0 || listen(fd, 8) < 0) {
		perror("listen");
		return 1;
	}
	printf("up\n");
	alarm(60);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	int i;

	alarm(20);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && strcmp(argv[1], "act") == 0) {
		for (i = 2; i < argc; i++)
			activate_one(argv[i]);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "version") == 0) {
		printf("%s\n", pcap_lib_version());
		return 0;
	}
	if (argc == 5 && strcmp(argv[1], "bulk") == 0) {
		bulk(argv[2], argv[3], atoi(argv[4]));
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "listen") == 0)
		return listen_on(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "down") == 0) {
		down(argv[2]);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "api") == 0) {
		api(argv[2], argv[3]);
		return 0;
	}
	fprintf(stderr, "usage: probe act DEV... | probe api TX RX\n");
	return 2;
}
