/*
 * namedb.c: libpcap's name-database helpers (<pcap/namedb.h>) and the
 * exported eproto_db table.
 *
 * Everything here follows Debian's libpcap 1.10.3 on glibc (return values,
 * PROTO_UNDEF, malloc'ed results, the quirks of the ethers-file reader),
 * which test/namedb compares us with, with two deliberate exceptions where
 * libpcap master (the conformance vectors in ../shared) is stricter or
 * knows more:
 *  - pcap_ether_aton validates its input and returns NULL for anything that
 *    is not one of the documented MAC-48 forms (1.10.3 parses garbage and
 *    can write past its 6-byte buffer);
 *  - pcap_nametoeproto also knows "lldp" and "slow", which master added;
 *    eproto_db itself keeps 1.10.3's exact 12 entries and size.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/ether.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>
#include <pcap/namedb.h>

/* Scratch size libpcap gives the reentrant netdb lookups. */
#define NETDB_BUF 1024

/* ---- host, network, port and protocol names -------------------------- */

/*
 * gethostbyname() and turn every IPv4 address of its (static) result into
 * host byte order in place. Not reentrant, exactly like libpcap's.
 */
bpf_u_int32 **pcap_nametoaddr(const char *name)
{
	struct hostent *hp = gethostbyname(name);
	bpf_u_int32 **ap;

	if (hp == NULL)
		return NULL;
	for (ap = (bpf_u_int32 **)hp->h_addr_list; *ap != NULL; ap++)
		**ap = ntohl(**ap);
	return (bpf_u_int32 **)hp->h_addr_list;
}

/* The caller frees the list with freeaddrinfo(). */
struct addrinfo *pcap_nametoaddrinfo(const char *name)
{
	struct addrinfo hints, *res;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = PF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;	/* only to get one entry per address */
	hints.ai_protocol = IPPROTO_TCP;
	if (getaddrinfo(name, NULL, &hints, &res) != 0)
		return NULL;
	return res;
}

/* The network number from /etc/networks (host order), 0 if unknown. */
bpf_u_int32 pcap_nametonetaddr(const char *name)
{
	struct netent ne, *np = NULL;
	char buf[NETDB_BUF];
	int herr;

	if (getnetbyname_r(name, &ne, buf, sizeof buf, &np, &herr) != 0 || np == NULL)
		return 0;
	return np->n_net;
}

/*
 * Look the service up for one transport. Returns getaddrinfo's code; *port
 * gets the port of the first IPv4/IPv6 entry, or stays -1.
 */
static int service_port(const char *name, int socktype, int protocol, int *port)
{
	struct addrinfo hints, *res, *ai;
	int err;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = PF_UNSPEC;
	hints.ai_socktype = socktype;
	hints.ai_protocol = protocol;
	err = getaddrinfo(NULL, name, &hints, &res);
	if (err != 0)
		return err;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (ai->ai_addr == NULL)
			continue;
		if (ai->ai_addr->sa_family == AF_INET) {
			*port = ntohs(((struct sockaddr_in *)ai->ai_addr)->sin_port);
			break;
		}
		if (ai->ai_addr->sa_family == AF_INET6) {
			*port = ntohs(((struct sockaddr_in6 *)ai->ai_addr)->sin6_port);
			break;
		}
	}
	freeaddrinfo(res);
	return 0;
}

/*
 * A service name (or a number) to a port. 1 on success: proto is
 * IPPROTO_TCP or IPPROTO_UDP if only one of them knows the name (or, when
 * both do with different ports, TCP with TCP's port), PROTO_UNDEF if both
 * agree. 0 if neither knows it or the resolver failed for real.
 */
int pcap_nametoport(const char *name, int *port, int *proto)
{
	int tcp = -1, udp = -1, err;

	err = service_port(name, SOCK_STREAM, IPPROTO_TCP, &tcp);
	if (err != 0 && err != EAI_NONAME && err != EAI_SERVICE)
		return 0;
	err = service_port(name, SOCK_DGRAM, IPPROTO_UDP, &udp);
	if (err != 0 && err != EAI_NONAME && err != EAI_SERVICE)
		return 0;
	if (tcp >= 0) {
		*port = tcp;
		*proto = (udp == tcp) ? PROTO_UNDEF : IPPROTO_TCP;
		return 1;
	}
	if (udp >= 0) {
		*port = udp;
		*proto = IPPROTO_UDP;
		return 1;
	}
	return 0;
}

/*
 * "N-M" (numbers, any proto) or "name-name" split at the FIRST '-', so
 * names that contain a dash themselves (ftp-data) cannot start a range.
 * proto is PROTO_UNDEF unless both ends resolved to the same transport.
 */
int pcap_nametoportrange(const char *name, int *port1, int *port2, int *proto)
{
	int p1, p2, first_proto, ok;
	char *copy, *dash;

	if (sscanf(name, "%d-%d", &p1, &p2) == 2) {
		*port1 = p1;
		*port2 = p2;
		*proto = PROTO_UNDEF;
		return 1;
	}
	if ((copy = strdup(name)) == NULL)
		return 0;
	ok = 0;
	if ((dash = strchr(copy, '-')) != NULL) {
		*dash = '\0';
		if (pcap_nametoport(copy, port1, proto)) {
			first_proto = *proto;
			if (pcap_nametoport(dash + 1, port2, proto)) {
				if (*proto != first_proto)
					*proto = PROTO_UNDEF;
				ok = 1;
			}
		}
	}
	free(copy);
	return ok;
}

/* /etc/protocols: the number, PROTO_UNDEF if unknown (0 if the lookup errs). */
int pcap_nametoproto(const char *str)
{
	struct protoent pe, *pp = NULL;
	char buf[NETDB_BUF];

	if (getprotobyname_r(str, &pe, buf, sizeof buf, &pp) != 0)
		return 0;
	return pp != NULL ? pp->p_proto : PROTO_UNDEF;
}

/* ---- Ethernet types and LLC SAPs --------------------------------------- */

/* The element type libpcap exports eproto_db with: 16 bytes on LP64. */
struct eproto {
	const char *s;
	u_short p;
};

/*
 * Not declared in any installed header, but exported (tcpdump used to read
 * it). Same 12 names, values and order as 1.10.3, plus the terminator:
 * 13 entries, 208 bytes on LP64, like the system library's symbol.
 */
struct eproto eproto_db[] = {
	{ "aarp", 0x80f3 },
	{ "arp", 0x0806 },
	{ "atalk", 0x809b },
	{ "decnet", 0x6003 },
	{ "ip", 0x0800 },
	{ "ip6", 0x86dd },
	{ "lat", 0x6004 },
	{ "loopback", 0x9000 },
	{ "mopdl", 0x6001 },
	{ "moprc", 0x6002 },
	{ "rarp", 0x8035 },
	{ "sca", 0x6007 },
	{ NULL, 0 }
};

/* Names libpcap master knows beyond 1.10.3 (kept out of eproto_db so the
 * exported object keeps 1.10.3's size). */
static const struct eproto eproto_extra[] = {
	{ "lldp", 0x88cc },
	{ "slow", 0x8809 },
	{ NULL, 0 }
};

static const struct eproto llc_db[] = {
	{ "iso", 0xfe },	/* ISO CLNS */
	{ "stp", 0x42 },	/* 802.1D spanning tree */
	{ "ipx", 0xe0 },
	{ "netbeui", 0xf0 },
	{ NULL, 0 }
};

static int table_lookup(const struct eproto *t, const char *s)
{
	for (; t->s != NULL; t++)
		if (strcmp(t->s, s) == 0)
			return t->p;
	return PROTO_UNDEF;
}

int pcap_nametoeproto(const char *s)
{
	int v = table_lookup(eproto_db, s);

	return v != PROTO_UNDEF ? v : table_lookup(eproto_extra, s);
}

int pcap_nametollc(const char *s)
{
	return table_lookup(llc_db, s);
}

/* ---- Ethernet addresses ------------------------------------------------ */

/* ASCII only, like libpcap (no locale). */
static int is_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/*
 * A hex digit's value. Like libpcap, anything that is neither a digit nor
 * a-f is treated as if it were A-F (the ethers reader relies on this for
 * the unchecked character after a ':').
 */
static int hex_val(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return c - 'A' + 10;
}

static u_char hex_pair(const char *s)
{
	return (u_char)(hex_val(s[0]) << 4 | hex_val(s[1]));
}

/*
 * The MAC-48 forms pcap-filter(7) documents for "ether host":
 *   xxxxxxxxxxxx, xxxx.xxxx.xxxx, and six groups of one or two hex digits
 *   all separated by the same one of ':', '-', '.'.
 * 1 and the address in out[] if s is one of them, else 0.
 */
static int parse_mac48(const char *s, u_char out[6])
{
	size_t len = strlen(s), i;
	char sep = 0;

	if (len == 12 || len == 14) {
		/* digit positions of the two fixed-width forms */
		static const int dotted[12] = { 0, 1, 2, 3, 5, 6, 7, 8, 10, 11, 12, 13 };
		char digits[12];
		int ok = 1;

		for (i = 0; i < 12 && ok; i++) {
			digits[i] = s[len == 12 ? (int)i : dotted[i]];
			ok = is_hex((unsigned char)digits[i]);
		}
		if (ok && (len == 12 || (s[4] == '.' && s[9] == '.'))) {
			for (i = 0; i < 6; i++)
				out[i] = hex_pair(digits + 2 * i);
			return 1;
		}
		/* "xx.xx.x.x.xx.x" is 14 characters too: fall through */
	}
	for (i = 0; i < 6; i++) {
		if (i > 0) {
			if (sep == 0 && *s != '\0' && strchr(":-.", *s) != NULL)
				sep = *s;
			if (*s != sep)
				return 0;
			s++;
		}
		if (!is_hex((unsigned char)*s))
			return 0;
		out[i] = (u_char)hex_val((unsigned char)*s++);
		if (is_hex((unsigned char)*s))
			out[i] = (u_char)(out[i] << 4 | hex_val((unsigned char)*s++));
	}
	return *s == '\0';
}

/* A malloc'ed 6-byte address (the caller frees it), or NULL if s is
 * malformed or memory ran out. */
u_char *pcap_ether_aton(const char *s)
{
	u_char tmp[6], *e;

	if (s == NULL || !parse_mac48(s, tmp))
		return NULL;
	if ((e = malloc(6)) != NULL)
		memcpy(e, tmp, 6);
	return e;
}

/* /etc/ethers (or NSS) by host name: a malloc'ed address or NULL. */
u_char *pcap_ether_hostton(const char *name)
{
	char namebuf[1024];	/* libpcap passes a truncated copy */
	struct ether_addr ea;
	u_char *ap;

	snprintf(namebuf, sizeof namebuf, "%s", name);
	if (ether_hostton(namebuf, &ea) != 0)
		return NULL;
	if ((ap = malloc(6)) != NULL)
		memcpy(ap, ea.ether_addr_octet, 6);
	return ap;
}

/* The ethers reader's idea of white space: not '\v' or '\f'. */
static int is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int is_space(int c)
{
	return is_blank(c) || c == '\n';
}

/* Reads past blanks (not newlines); returns the first other character. */
static int skip_blanks(FILE *fp)
{
	int c;

	do
		c = getc(fp);
	while (is_blank(c));
	return c;
}

/* Reads through the end of the line; '\n' or EOF. */
static int skip_line(FILE *fp)
{
	int c;

	do
		c = getc(fp);
	while (c != '\n' && c != EOF);
	return c;
}

/*
 * The next "address name" line of an ethers file, in a buffer the next call
 * overwrites (per thread), or NULL at end of file. Like libpcap 1.10.3:
 *  - lines not starting (after blanks) with a hex digit are skipped, so are
 *    comments; '#' after the address ends the line;
 *  - the address is up to six ':'-separated groups of 1-2 hex digits and
 *    must be followed by white space; groups not given keep what an earlier
 *    skipped line of the same call left there (the buffer is cleared once
 *    per call);
 *  - an address that ends its line takes its name from the next line;
 *  - names are cut at 121 characters; the rest of the line is ignored;
 *  - a name that runs into end of file without a newline is not returned.
 */
struct pcap_etherent *pcap_next_etherent(FILE *fp)
{
	static _Thread_local struct pcap_etherent ent;
	int c, i, d;
	size_t n;

	memset(&ent, 0, sizeof ent);
	for (;;) {
		c = skip_blanks(fp);
		if (c == EOF)
			return NULL;
		if (c == '\n')
			continue;
		if (!is_hex(c)) {
			if (skip_line(fp) == EOF)
				return NULL;
			continue;
		}

		/* The address. After a ':' the next character is taken as a
		 * digit without checking, as libpcap does. */
		for (i = 0; i < 6; i++) {
			d = hex_val(c);
			if ((c = getc(fp)) == EOF)
				return NULL;
			if (is_hex(c)) {
				d = d << 4 | hex_val(c);
				if ((c = getc(fp)) == EOF)
					return NULL;
			}
			ent.addr[i] = (u_char)d;
			if (c != ':')
				break;
			if ((c = getc(fp)) == EOF)
				return NULL;
		}
		if (!is_space(c)) {
			if (skip_line(fp) == EOF)
				return NULL;
			continue;
		}

		/* Note: if c was '\n' this reads on into the next line. */
		c = skip_blanks(fp);
		if (c == EOF)
			return NULL;
		if (c == '\n')
			continue;
		if (c == '#') {
			if (skip_line(fp) == EOF)
				return NULL;
			continue;
		}

		n = 0;
		for (;;) {
			ent.name[n++] = (char)c;
			if ((c = getc(fp)) == EOF)
				return NULL;
			if (is_space(c) || n == sizeof ent.name - 1)
				break;
		}
		ent.name[n] = '\0';
		if (c != '\n')
			(void)skip_line(fp);
		return &ent;
	}
}
