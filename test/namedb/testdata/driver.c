/*
 * driver.c: calls the <pcap/namedb.h> functions, pcap_strerror and the
 * exported data objects, one output line per call, so that the Go test can
 * diff a build against our shim/namedb.c + shim/strings.c with a build
 * against the system libpcap.
 *
 *   driver diff   everything whose result must match libpcap 1.10.3
 *   driver json   reads "function<TAB>argument" lines on stdin and prints one
 *                 line per case in the conformance vectors' format
 *                 ("OK: 0x0800", "OK: PROTO_UNDEF", "OK: aa:bb:..",
 *                 "ERROR: NULL"); each case runs in a child process so that
 *                 an implementation that overruns its buffer on malformed
 *                 input (1.10.3's pcap_ether_aton does) cannot take the
 *                 other cases with it ("CRASH" then).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <pcap/pcap.h>
#include <pcap/namedb.h>

/* Exported by libpcap without a header declaration. */
struct eproto {
	const char *s;
	u_short p;
};
extern struct eproto eproto_db[];
extern char pcap_version[];

/* -------------------------------------------------------------------- */

/*
 * Names collected from the system databases before any lookup, so that the
 * lookups under test cannot disturb the enumeration.
 */
static char **names;
static size_t nnames;

static void add_name(const char *n)
{
	names = realloc(names, (nnames + 1) * sizeof *names);
	if (names == NULL || (names[nnames] = strdup(n)) == NULL) {
		printf("out of memory\n");
		exit(1);
	}
	nnames++;
}

static void clear_names(void)
{
	while (nnames > 0)
		free(names[--nnames]);
}

static void show_port(const char *name)
{
	int port = -99, proto = -99;
	int r = pcap_nametoport(name, &port, &proto);

	printf("nametoport [%s] = %d port=%d proto=%d\n", name, r, port, proto);
}

static void show_range(const char *name)
{
	int p1 = -99, p2 = -99, proto = -99;
	int r = pcap_nametoportrange(name, &p1, &p2, &proto);

	printf("nametoportrange [%s] = %d %d-%d proto=%d\n", name, r, p1, p2, proto);
}

static void show_mac(const char *what, const char *arg, const u_char *e)
{
	if (e == NULL)
		printf("%s [%s] = NULL\n", what, arg);
	else
		printf("%s [%s] = %02x:%02x:%02x:%02x:%02x:%02x\n", what, arg,
		    e[0], e[1], e[2], e[3], e[4], e[5]);
}

/* Walks one in-memory ethers file through pcap_next_etherent. */
static void show_ethers(int idx, const char *content, size_t len)
{
	FILE *fp = tmpfile();
	struct pcap_etherent *ep;
	int k;

	if (fp == NULL || fwrite(content, 1, len, fp) != len) {
		printf("etherent file %d: cannot write a temporary file\n", idx);
		exit(1);
	}
	rewind(fp);
	for (k = 0; k < 100 && (ep = pcap_next_etherent(fp)) != NULL; k++)
		printf("etherent %d.%d = %02x:%02x:%02x:%02x:%02x:%02x [%s]\n", idx, k,
		    ep->addr[0], ep->addr[1], ep->addr[2], ep->addr[3],
		    ep->addr[4], ep->addr[5], ep->name);
	printf("etherent %d.%d = NULL (at offset %ld)\n", idx, k, ftell(fp));
	fclose(fp);
}

/* Each thread checks that its pcap_strerror text stays its own. */
static void *strerror_worker(void *arg)
{
	int code = (int)(long)arg, i;
	char want[64];

	snprintf(want, sizeof want, "Unknown error %d", code);
	for (i = 0; i < 20000; i++)
		if (strcmp(pcap_strerror(code), want) != 0)
			return (void *)1;
	return NULL;
}

static const char *services_extra[] = {
	"", "nosuchservice", "ftp-data", "ssh", "domain", "tftp", "ntp", "http",
	"www", "https", "0", "1", "22", "65535", "65536", "99999", "-1", "22x",
	" 22", "0x16", "SSH", "ssh ", "nfs",
};

static const char *ranges[] = {
	"20-21", "21-20", "0-65535", "-5-6", "20-21x", "20 - 21", " 20-21",
	"ftp-data-ssh", "ftp-ssh", "ssh-ftp", "ssh-tftp", "tftp-ssh", "tftp-ntp",
	"domain-ntp", "20-ssh", "ssh-22", "http-https", "-", "20-", "-21",
	"a-b", "", "20", "ssh", "1-2-3", "nosuch-ssh", "ssh-nosuch",
	"99999-100000", "65536-ssh",
};

static const char *protos_extra[] = {
	"", "nosuch", "IP", "ip", "tcp", "TCP", "udp", "icmp", "ipv6-icmp",
	"0", "6", "ip ",
};

/* lldp and slow are left out: 1.10.3 lacks them, master (and we) have
 * them; the conformance vectors check those. */
static const char *eprotos_extra[] = {
	"", "IP", "pup", "xns", "atalkarp", "sprite", "decdts", "ip ", "ipv4",
	"vlan", "ARP",
};

static const char *llcs[] = {
	"iso", "stp", "ipx", "netbeui", "", "ISO", "snap", "nosuch", "stp ",
};

/* Forms both 1.10.3 and master parse the same way. */
static const char *macs[] = {
	"00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff", "FF:FF:FF:FF:FF:FF",
	"01:23:45:67:89:ab", "1:2:3:4:5:6", "a:b:c:d:e:f", "01:2:03:4:05:6",
	"01-23-45-67-89-AB", "1-2-3-4-5-6", "01.23.45.67.89.ab", "1.2.3.4.5.6",
	"0123.4567.89ab", "CDEF.0123.4567", "0123456789ab", "ABCDEF012345",
	"0:1:22:3:44:5", "aA-bB-cC-dD-eE-fF",
};

static const char *hosts[] = {
	"localhost", "127.0.0.1", "10.1.2.3", "255.255.255.255", "1.2.3",
	"0x7f.1", "nosuch.invalid", "",
};

static const char *nets[] = {
	"loopback", "link-local", "default", "nosuch", "", "127",
};

/* Ethers files: comments, blank lines, odd addresses, odd names. */
static const char *ethers_files[] = {
	"00:11:22:33:44:55 host1\n",
	"# a comment\n\n  \t # indented comment\n\n00:11:22:33:44:55 host2 # trailing\n"
	"00:11:22:33:44:56 # no name, only a comment\n66:77:88:99:aa:bb\thost3\n",
	"1:2:3:4:5:6 short\na:B:c:D:e:F\tmixed\r\nAA:BB:CC:DD:EE:FF upper\n",
	"11:22:33 partial\n",
	"11:22:33:44:55:66x bad\nzz:11 name\n11-22-33-44-55-66 dashes\n"
	"11:22:33:44:55:66:77 seven\n11:22:33:44:55:66: trailing-colon\n",
	"11:22:33:44:55:66\nnextline\n",
	"11:22:33:44:55:66 \nnextline2 rest\n",
	"01:02:03:04:05:06 "
	"aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeeeffffffffffgggggggggg"
	"hhhhhhhhhhiiiiiiiiiijjjjjjjjjjkkkkkkkkkkllllllllllmmmmmmmmmmnnnnnnnnnn tail\n"
	"01:02:03:04:05:07 "
	"aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeeeffffffffffgggggggggg"
	"hhhhhhhhhhiiiiiiiiiijjjjjjjjjjkkkkkkkkkkllllllllllmmmmmmmmmmn1234\n",
	"00:11:22:33:44:55 lastname",
	"00:11:22:33:44:55 crlf\r\n00:11:22:33:44:56\r\n",
	"1:g:3:4:5:6 unchecked\n1:\n:2 colon-newline\n",
	"11:22:33:44:55:66\vvtab\n11:22:33:44:55:67\fformfeed\n",
	"11:22:33:44:55:66x\n7 leftover\n",
	"00:11:22:33:44:55 a#b\n",
	"",
	"# only a comment",
	"\xc1\xe1 high-bytes\n00:11:22:33:44:55 h\xe9llo\n",
	":11:22 colon-first\n\n\n\t\n0 zero\n",
	"123:456 threedigits\n",
	"00:11:22:33:44:55 name1 alias1 alias2\n00:11:22:33:44:55\tname2\t\n",
	"00:11:22:33:44:55 x\n00:11:22:33:44:55 ",
};

static void run_diff(void)
{
	struct servent *se;
	struct protoent *pe;
	struct netent *ne;
	size_t i;
	char **al;
	int e;

	/* Exported data. */
	printf("pcap_version [%s] strlen=%zu\n", pcap_version, strlen(pcap_version));
	for (i = 0; eproto_db[i].s != NULL; i++)
		printf("eproto_db[%zu] = %s 0x%04x\n", i, eproto_db[i].s, eproto_db[i].p);
	printf("eproto_db[%zu] = terminator 0x%04x\n", i, eproto_db[i].p);

	/* Every service name and alias the system knows, plus odd ones. */
	setservent(1);
	while ((se = getservent()) != NULL) {
		add_name(se->s_name);
		for (al = se->s_aliases; *al != NULL; al++)
			add_name(*al);
	}
	endservent();
	for (i = 0; i < nnames; i++)
		show_port(names[i]);
	clear_names();
	for (i = 0; i < sizeof services_extra / sizeof *services_extra; i++)
		show_port(services_extra[i]);
	for (i = 0; i < sizeof ranges / sizeof *ranges; i++)
		show_range(ranges[i]);

	setprotoent(1);
	while ((pe = getprotoent()) != NULL) {
		add_name(pe->p_name);
		for (al = pe->p_aliases; *al != NULL; al++)
			add_name(*al);
	}
	endprotoent();
	for (i = 0; i < nnames; i++)
		printf("nametoproto [%s] = %d\n", names[i], pcap_nametoproto(names[i]));
	clear_names();
	for (i = 0; i < sizeof protos_extra / sizeof *protos_extra; i++)
		printf("nametoproto [%s] = %d\n", protos_extra[i],
		    pcap_nametoproto(protos_extra[i]));

	for (i = 0; eproto_db[i].s != NULL; i++)
		printf("nametoeproto [%s] = %d\n", eproto_db[i].s,
		    pcap_nametoeproto(eproto_db[i].s));
	for (i = 0; i < sizeof eprotos_extra / sizeof *eprotos_extra; i++)
		printf("nametoeproto [%s] = %d\n", eprotos_extra[i],
		    pcap_nametoeproto(eprotos_extra[i]));
	for (i = 0; i < sizeof llcs / sizeof *llcs; i++)
		printf("nametollc [%s] = %d\n", llcs[i], pcap_nametollc(llcs[i]));

	for (i = 0; i < sizeof macs / sizeof *macs; i++) {
		u_char *m = pcap_ether_aton(macs[i]);

		show_mac("ether_aton", macs[i], m);
		free(m);
	}
	for (i = 0; i < sizeof hosts / sizeof *hosts; i++) {
		u_char *m = pcap_ether_hostton(hosts[i]);

		show_mac("ether_hostton", hosts[i], m);
		free(m);
	}

	for (i = 0; i < sizeof hosts / sizeof *hosts; i++) {
		bpf_u_int32 **ap;
		struct addrinfo *res, *ai;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
		ap = pcap_nametoaddr(hosts[i]);
#pragma GCC diagnostic pop
		printf("nametoaddr [%s] =", hosts[i]);
		if (ap == NULL)
			printf(" NULL");
		else
			for (; *ap != NULL; ap++)
				printf(" %08x", **ap);
		printf("\n");

		res = pcap_nametoaddrinfo(hosts[i]);
		printf("nametoaddrinfo [%s] =", hosts[i]);
		if (res == NULL)
			printf(" NULL");
		for (ai = res; ai != NULL; ai = ai->ai_next) {
			char buf[INET6_ADDRSTRLEN] = "?";

			if (ai->ai_family == AF_INET)
				inet_ntop(AF_INET, &((struct sockaddr_in *)ai->ai_addr)->sin_addr,
				    buf, sizeof buf);
			else if (ai->ai_family == AF_INET6)
				inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr,
				    buf, sizeof buf);
			printf(" {%d %d %d %s}", ai->ai_family, ai->ai_socktype,
			    ai->ai_protocol, buf);
		}
		printf("\n");
		if (res != NULL)
			freeaddrinfo(res);
	}

	setnetent(1);
	while ((ne = getnetent()) != NULL)
		add_name(ne->n_name);
	endnetent();
	for (i = 0; i < nnames; i++)
		printf("nametonetaddr [%s] = 0x%08x\n", names[i], pcap_nametonetaddr(names[i]));
	clear_names();
	for (i = 0; i < sizeof nets / sizeof *nets; i++)
		printf("nametonetaddr [%s] = 0x%08x\n", nets[i], pcap_nametonetaddr(nets[i]));

	for (i = 0; i < sizeof ethers_files / sizeof *ethers_files; i++)
		show_ethers((int)i, ethers_files[i], strlen(ethers_files[i]));

	for (e = -2; e <= 140; e++)
		printf("strerror %d = %s\n", e, pcap_strerror(e));
	printf("strerror %d = %s\n", INT_MAX, pcap_strerror(INT_MAX));
	printf("strerror %d = %s\n", INT_MIN, pcap_strerror(INT_MIN));
	{
		pthread_t th[4];
		int bad = 0;
		long t;

		for (t = 0; t < 4; t++)
			pthread_create(&th[t], NULL, strerror_worker, (void *)(1000 + t));
		for (t = 0; t < 4; t++) {
			void *r;

			pthread_join(th[t], &r);
			bad += r != NULL;
		}
		printf("strerror threads: %d of 4 saw another thread's text\n", bad);
	}
}

/* One conformance case, in the vectors' output format. */
static void run_case(const char *fn, const char *arg)
{
	if (strcmp(fn, "pcap_ether_aton") == 0) {
		u_char *e = pcap_ether_aton(arg);

		if (e == NULL)
			printf("ERROR: NULL\n");
		else
			printf("OK: %02x:%02x:%02x:%02x:%02x:%02x\n",
			    e[0], e[1], e[2], e[3], e[4], e[5]);
		free(e);
	} else if (strcmp(fn, "pcap_nametoeproto") == 0 || strcmp(fn, "pcap_nametollc") == 0) {
		int llc = strcmp(fn, "pcap_nametollc") == 0;
		int v = llc ? pcap_nametollc(arg) : pcap_nametoeproto(arg);

		if (v == PROTO_UNDEF)
			printf("OK: PROTO_UNDEF\n");
		else if (llc)
			printf("OK: 0x%02x\n", (unsigned)(v & 0xff));
		else
			printf("OK: 0x%04x\n", (unsigned)(v & 0xffff));
	} else {
		printf("UNSUPPORTED %s\n", fn);
	}
}

static void run_json(void)
{
	char line[4096];

	while (fgets(line, sizeof line, stdin) != NULL) {
		char *tab = strchr(line, '\t'), *nl = strchr(line, '\n');
		int status;
		pid_t pid;

		if (nl != NULL)
			*nl = '\0';
		if (tab == NULL) {
			printf("BADLINE\n");
			continue;
		}
		*tab = '\0';
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			run_case(line, tab + 1);
			fflush(stdout);
			_exit(0);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status)
		    || WEXITSTATUS(status) != 0)
			printf("CRASH\n");
	}
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (argc == 2 && strcmp(argv[1], "diff") == 0)
		run_diff();
	else if (argc == 2 && strcmp(argv[1], "json") == 0)
		run_json();
	else {
		fprintf(stderr, "usage: %s diff|json\n", argv[0]);
		return 2;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
