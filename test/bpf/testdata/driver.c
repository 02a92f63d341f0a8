/*
 * driver.c: exercises bpf_image, bpf_dump, bpf_validate, bpf_filter and
 * pcap_offline_filter and prints everything they say, so that two builds --
 * one linking shim/bpf.c, one linking the system libpcap -- can be diffed.
 *
 *   driver compile OUT        (system build only, -DHAVE_PCAP_COMPILE)
 *                             compile the expressions below, write programs
 *   driver image              bpf_image of all 65536 codes, varied operands
 *   driver dump PROGS         bpf_dump options 0..3 of every program
 *   driver validate SEED N    bpf_validate verdicts of N random programs
 *   driver filter SEED N PROGS  verdicts of N random valid programs and of
 *                             the compiled ones over random packets
 *   driver abort              which single opcodes bpf_filter runs, and what
 *                             it returns, or that it dies (and how)
 *   driver bench PROGS I N    ns/packet of program I over N packets
 *
 * Everything random comes from a fixed-seed generator, so both builds see
 * the same inputs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <pcap/pcap.h>

/* ---- deterministic randomness (xorshift64*) ---- */
static uint64_t rng_state;

static void rng_seed(uint64_t s)
{
	rng_state = s * 0x9e3779b97f4a7c15ull + 1;
}

static uint32_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static uint32_t below(uint32_t n)	/* 0 .. n-1; n > 0 */
{
	return rnd() % n;
}

/* Operands that sit on edges: zero, sign bits, the SKF_AD range, shifts
 * past 31, offsets around the packet sizes used here. */
static const uint32_t edge_k[] = {
	0, 1, 2, 3, 4, 5, 12, 14, 15, 16, 17, 20, 23, 31, 32, 33, 63, 64, 199,
	200, 201, 255, 256, 0x7fffffffu, 0x80000000u, 0xfffffffeu, 0xffffffffu,
	0xfffff000u, 0xfffff004u, 0xfffff02cu, 0xfffff030u, 0xfffff03cu,
	0xfffff040u, 0xfffff001u, 0xffffefffu, 65535, 0x86dd, 0x800,
};
#define NEDGE (sizeof edge_k / sizeof edge_k[0])

static uint32_t some_k(void)
{
	switch (below(4)) {
	case 0: return edge_k[below(NEDGE)];
	case 1: return below(64);
	case 2: return below(256);
	default: return rnd();
	}
}

/* ---- program files: one line per program, "n code jt jf k ... # expr" ---- */
#define MAXPROGS 128
static struct bpf_program progs[MAXPROGS];
static char *prog_names[MAXPROGS];
static int nprogs;

static void read_progs(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1 << 16];

	if (f == NULL) {
		perror(path);
		exit(2);
	}
	while (nprogs < MAXPROGS && fgets(line, sizeof line, f) != NULL) {
		char *s = line, *end, *hash = strchr(line, '#');
		u_int n = (u_int)strtoul(s, &end, 10), i;
		struct bpf_insn *ins = calloc(n ? n : 1, sizeof *ins);

		s = end;
		for (i = 0; i < n; i++) {
			ins[i].code = (u_short)strtoul(s, &s, 10);
			ins[i].jt = (u_char)strtoul(s, &s, 10);
			ins[i].jf = (u_char)strtoul(s, &s, 10);
			ins[i].k = (bpf_u_int32)strtoul(s, &s, 10);
		}
		if (hash != NULL)
			hash[strcspn(hash, "\n")] = '\0';
		prog_names[nprogs] = strdup(hash ? hash + 1 : "");
		progs[nprogs].bf_len = n;
		progs[nprogs].bf_insns = ins;
		nprogs++;
	}
	fclose(f);
}

#ifdef HAVE_PCAP_COMPILE
/* Expressions whose compiled programs the other modes use. Index 0 is the
 * benchmark's program. A trailing '!' means "compile unoptimised". */
static const char *const exprs[] = {
	"tcp port 80 or udp port 53",
	"ip", "ip6", "arp", "tcp", "udp", "icmp", "icmp6",
	"host 192.168.1.1", "net 10.0.0.0/8",
	"src host 10.1.2.3 and dst port 443",
	"portrange 1000-2000",
	"tcp[tcpflags] & (tcp-syn|tcp-fin) != 0",
	"ip[2:2] > 576", "len > 100", "len <= 64", "greater 200", "less 60",
	"vlan", "vlan 100 and tcp", "mpls", "pppoes",
	"ether host 00:11:22:33:44:55", "ether broadcast", "ip multicast",
	"ip proto 47", "ip6 and tcp port 22", "tcp[13] = 18",
	"udp and not port 53", "ip[0] & 0xf != 5", "ether[12:2] = 0x88cc",
	"ip[8] * 2 > 100", "tcp[0:2] / 3 = 10", "ip[1] % 4 = 1",
	"ip[2:2] - 20 > 0 and ip[3] ^ 5 = 1", "(ip[0] << 2) & 0x3c > 20",
	"ip[16:4] >> 24 = 10", "ip6 protochain 6", "ip protochain 17",
	"not ip and not arp", "tcp[tcpflags] = tcp-ack and len > 60",
	"ether proto 0x0806 or ether proto 0x8035",
	"tcp port 80 or udp port 53!", "ip[2:2] - 20 > 0 and ip[3] ^ 5 = 1!",
	"ip6 protochain 6!",
	/* the benchmark's long program */
	"(tcp port 80 or tcp port 443 or udp port 53 or tcp port 22 or "
	"tcp port 25 or udp port 123 or tcp portrange 8000-8100) and "
	"not host 10.1.2.3 and not net 192.168.0.0/16",
};

static int do_compile(const char *out)
{
	FILE *f = fopen(out, "w");
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
	size_t e;

	if (f == NULL || p == NULL) {
		perror(out);
		return 2;
	}
	for (e = 0; e < sizeof exprs / sizeof exprs[0]; e++) {
		char expr[256];
		int opt = 1;
		struct bpf_program fp;
		u_int i;

		snprintf(expr, sizeof expr, "%s", exprs[e]);
		if (expr[strlen(expr) - 1] == '!') {
			expr[strlen(expr) - 1] = '\0';
			opt = 0;
		}
		if (pcap_compile(p, &fp, expr, opt, PCAP_NETMASK_UNKNOWN) != 0) {
			fprintf(stderr, "compile %s: %s\n", expr, pcap_geterr(p));
			return 1;
		}
		fprintf(f, "%u", fp.bf_len);
		for (i = 0; i < fp.bf_len; i++)
			fprintf(f, " %u %u %u %u", fp.bf_insns[i].code,
			    fp.bf_insns[i].jt, fp.bf_insns[i].jf, fp.bf_insns[i].k);
		fprintf(f, " #%s%s\n", expr, opt ? "" : " (unoptimised)");
		pcap_freecode(&fp);
	}
	pcap_close(p);
	return fclose(f) != 0;
}
#endif

/* ---- image: all 65536 codes, each with several operand sets ---- */
static int do_image(void)
{
	static const int ns[] = { 0, 7, 99, 1000, 123456, -5, 2147483646 };
	u_int code;
	int v;

	rng_seed(1);
	for (code = 0; code < 65536; code++) {
		for (v = 0; v < 4; v++) {
			struct bpf_insn ins;

			ins.code = (u_short)code;
			ins.jt = (u_char)(v == 0 ? 0 : v == 1 ? 255 : rnd());
			ins.jf = (u_char)(v == 0 ? 0 : v == 2 ? 255 : rnd());
			ins.k = v == 0 ? edge_k[code % NEDGE] : some_k();
			printf("%s\n", bpf_image(&ins, ns[(code + v) % 7]));
		}
	}
	/* Every low-byte code with every edge operand and every k around
	 * the SKF_AD_OFF range (which absolute loads print by name). */
	for (code = 0; code < 256; code++) {
		struct bpf_insn ins = { (u_short)code, 1, 2, 0 };
		uint32_t k;
		size_t e;

		for (e = 0; e < NEDGE; e++) {
			ins.k = edge_k[e];
			printf("%s\n", bpf_image(&ins, 3));
		}
		for (k = 0xffffeffcu; k <= 0xfffff044u; k++) {
			ins.k = k;
			printf("%s\n", bpf_image(&ins, 3));
		}
	}
	return 0;
}

/* ---- dump: every program with every option ---- */
static int do_dump(const char *path)
{
	static const int opts[] = { -1, 0, 1, 2, 3, 4 };
	int i;
	size_t o;

	read_progs(path);
	/* Besides the compiled programs: an empty one, and one of noise. */
	if (nprogs + 2 <= MAXPROGS) {
		struct bpf_insn *noise = calloc(300, sizeof *noise);
		u_int j;

		rng_seed(3);
		for (j = 0; j < 300; j++) {
			noise[j].code = (u_short)(j < 256 ? j : rnd());
			noise[j].jt = (u_char)rnd();
			noise[j].jf = (u_char)rnd();
			noise[j].k = some_k();
		}
		prog_names[nprogs] = "empty";
		progs[nprogs].bf_len = 0;
		progs[nprogs++].bf_insns = NULL;
		prog_names[nprogs] = "noise";
		progs[nprogs].bf_len = 300;
		progs[nprogs++].bf_insns = noise;
	}
	for (i = 0; i < nprogs; i++) {
		for (o = 0; o < sizeof opts / sizeof opts[0]; o++) {
			printf("== %s, option %d\n", prog_names[i], opts[o]);
			bpf_dump(&progs[i], opts[o]);
		}
	}
	return 0;
}

/* ---- random programs ---- */

/* Codes bpf_filter can run (others abort in libpcap). */
static const u_short alu_ops[] = {
	BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_MOD, BPF_AND, BPF_OR, BPF_XOR,
	BPF_LSH, BPF_RSH,
};
static const u_short jmp_ops[] = { BPF_JGT, BPF_JGE, BPF_JEQ, BPF_JSET };

/*
 * A random program bpf_filter can run to completion: known opcodes only,
 * forward jumps inside the program, a RET at the end, and no scratch word
 * read unless every path to the read stored it first (libpcap does not
 * clear M[], so an unset word would read stack garbage).
 */
static void gen_runnable(struct bpf_insn *f, u_int len)
{
	uint16_t must[256];	/* words stored on every path to insn i */
	u_int i;

	for (i = 0; i < len; i++)
		must[i] = 0xffff;	/* no predecessor seen yet */
	must[0] = 0;
	for (i = 0; i + 1 < len; i++) {
		struct bpf_insn *ins = &f[i];
		u_int room = len - 2 - i;	/* max forward offset */
		uint16_t out = must[i];
		int r = (int)below(100);

		ins->jt = ins->jf = 0;
		ins->k = some_k();
		if (r < 14) {		/* absolute loads, mostly in range */
			static const u_short sz[] = { BPF_W, BPF_H, BPF_B };
			ins->code = BPF_LD | BPF_ABS | sz[below(3)];
			if (below(4))
				ins->k = below(120);
		} else if (r < 22) {	/* indexed loads */
			static const u_short sz[] = { BPF_W, BPF_H, BPF_B };
			ins->code = BPF_LD | BPF_IND | sz[below(3)];
			if (below(4))
				ins->k = below(60);
		} else if (r < 27) {
			ins->code = BPF_LDX | BPF_MSH | BPF_B;
			if (below(4))
				ins->k = below(60);
		} else if (r < 30) {
			ins->code = below(2) ? (BPF_LD | BPF_W | BPF_LEN)
			    : (BPF_LDX | BPF_W | BPF_LEN);
		} else if (r < 36) {
			ins->code = below(2) ? (BPF_LD | BPF_IMM) : (BPF_LDX | BPF_IMM);
			if (below(2))
				ins->k = below(40);
		} else if (r < 41 && must[i] != 0) {	/* reads of stored words */
			do
				ins->k = below(BPF_MEMWORDS);
			while (!(must[i] & (1u << ins->k)));
			ins->code = below(2) ? (BPF_LD | BPF_MEM) : (BPF_LDX | BPF_MEM);
		} else if (r < 47) {
			ins->code = below(2) ? BPF_ST : BPF_STX;
			ins->k = below(BPF_MEMWORDS);
			out |= (uint16_t)(1u << ins->k);
		} else if (r < 66) {
			ins->code = BPF_ALU | alu_ops[below(10)] |
			    (below(2) ? BPF_X : BPF_K);
			if (ins->code == (BPF_ALU | BPF_DIV | BPF_K) ||
			    ins->code == (BPF_ALU | BPF_MOD | BPF_K))
				ins->k = ins->k ? ins->k : 1 + below(9);
			else if (below(2))
				ins->k = below(40);
		} else if (r < 68) {
			ins->code = BPF_ALU | BPF_NEG;
		} else if (r < 73) {
			ins->code = below(2) ? (BPF_MISC | BPF_TAX) : (BPF_MISC | BPF_TXA);
		} else if (r < 93) {
			ins->code = BPF_JMP | jmp_ops[below(4)] |
			    (below(2) ? BPF_X : BPF_K);
			ins->jt = (u_char)below((room < 255 ? room : 255) + 1);
			ins->jf = (u_char)below((room < 255 ? room : 255) + 1);
			if (below(2))
				ins->k = below(200);
		} else if (r < 96) {
			ins->code = BPF_JMP | BPF_JA;
			ins->k = below(room + 1);
		} else {
			ins->code = BPF_RET | (below(2) ? BPF_A : BPF_K);
		}

		/* Propagate what is surely stored to the successors. */
		if (BPF_CLASS(ins->code) == BPF_RET)
			continue;
		if (ins->code == (BPF_JMP | BPF_JA)) {
			must[i + 1 + ins->k] &= out;
		} else if (BPF_CLASS(ins->code) == BPF_JMP) {
			must[i + 1 + ins->jt] &= out;
			must[i + 1 + ins->jf] &= out;
		} else {
			must[i + 1] &= out;
		}
	}
	f[len - 1].code = BPF_RET | (below(3) ? BPF_K : BPF_A);
	f[len - 1].jt = f[len - 1].jf = 0;
	f[len - 1].k = below(2) ? edge_k[below(NEDGE)] : rnd();
}

/* A program for the validator: runnable ones with one mutation, or noise. */
static int gen_any(struct bpf_insn *f)
{
	u_int len = 1 + below(12), i, at;

	if (below(4) == 0) {	/* pure noise */
		for (i = 0; i < len; i++) {
			f[i].code = (u_short)(below(8) ? rnd() & 0xff : rnd());
			f[i].jt = (u_char)(below(2) ? below(len + 1) : rnd());
			f[i].jf = (u_char)(below(2) ? below(len + 1) : rnd());
			f[i].k = some_k();
		}
		if (below(2))
			f[len - 1].code = (u_short)(BPF_RET | (rnd() & 0xf8));
		return (int)len;
	}
	gen_runnable(f, len);
	at = below(len);
	switch (below(12)) {
	case 0:		/* a jump exactly to / one past the end */
		f[at].code = BPF_JMP | jmp_ops[below(4)] | (below(2) ? BPF_X : BPF_K);
		f[at].jt = (u_char)(len - 1 - at - below(2));
		f[at].jf = (u_char)(len - 1 - at - below(2));
		break;
	case 1:		/* JA at the edge, or wrapping backwards */
		f[at].code = BPF_JMP | BPF_JA;
		f[at].k = below(2) ? len - 1 - at - below(2)
		    : 0u - below(at + 3);
		break;
	case 2:		/* scratch index at the edge */
		f[at].code = (u_short[]){ BPF_ST, BPF_STX, BPF_LD | BPF_MEM,
		    BPF_LDX | BPF_MEM }[below(4)];
		f[at].k = below(2) ? 15 + below(2) : some_k();
		break;
	case 3:		/* constant division/modulus, sometimes by 0 */
		f[at].code = BPF_ALU | (below(2) ? BPF_DIV : BPF_MOD) |
		    (below(2) ? BPF_K : BPF_X);
		f[at].k = below(2) ? 0 : some_k();
		break;
	case 4:		/* last instruction not a RET */
		f[len - 1].code = (u_short)(rnd() & 0xff);
		break;
	case 5:		/* any code at all in one place */
		f[at].code = (u_short)rnd();
		break;
	case 6:		/* any low-byte code */
		f[at].code = (u_short)(rnd() & 0xff);
		break;
	case 7:		/* bad length */
		return below(2) ? 0 : -(int)below(3) - 1;
	default:	/* unmodified */
		break;
	}
	return (int)len;
}

static int do_validate(uint64_t seed, int count)
{
	struct bpf_insn f[16];
	int i, ok = 0;

	rng_seed(seed);
	for (i = 0; i < count; i++) {
		int len = gen_any(f), v = bpf_validate(f, len);

		ok += v != 0;
		printf("%d %d\n", i, v);
	}
	/* No instructions at all: rejected without being looked at. */
	printf("null: %d %d\n", bpf_validate(NULL, 0), bpf_validate(NULL, -1));
	printf("validate: %d of %d accepted\n", ok, count);
	return 0;
}

/* ---- packets ---- */
#define MAXPKT 256

struct pkt {
	u_char data[MAXPKT];
	u_int caplen, wirelen;
};

/* Random bytes, usually shaped like Ethernet + IPv4/IPv6/VLAN + TCP/UDP so
 * compiled filters get past their first tests. */
static void gen_packet(struct pkt *p, u_int maxcap)
{
	static const uint16_t ethertypes[] = { 0x0800, 0x86dd, 0x8100, 0x0806,
	    0x8864, 0x8847, 0x88cc, 0x8035 };
	static const u_char protos[] = { 6, 17, 1, 47, 58, 0, 43, 60, 44 };
	static const uint16_t ports[] = { 80, 53, 443, 22, 1500 };
	u_int i, l3, l4;

	for (i = 0; i < MAXPKT; i++)
		p->data[i] = (u_char)rnd();
	p->caplen = below(maxcap + 1);
	switch (below(4)) {
	case 0: p->wirelen = p->caplen; break;
	case 1: p->wirelen = p->caplen + below(2000); break;
	case 2: p->wirelen = p->caplen + below(16); break;
	default: p->wirelen = p->caplen + (rnd() & 0x7fffffff) + (below(2) ? rnd() & 0x7fffffff : 0); break;
	}
	if (below(5) == 0)
		return;		/* pure noise */
	l3 = 14;
	{
		uint16_t et = ethertypes[below(8)];
		p->data[12] = (u_char)(et >> 8);
		p->data[13] = (u_char)et;
		if (et == 0x8100) {	/* one VLAN tag, then IPv4/IPv6 */
			et = below(2) ? 0x0800 : 0x86dd;
			p->data[16] = (u_char)(et >> 8);
			p->data[17] = (u_char)et;
			l3 = 18;
		}
		if (et == 0x86dd) {
			p->data[l3] = 0x60;
			p->data[l3 + 6] = protos[below(9)];
			l4 = l3 + 40;
		} else {
			p->data[l3] = (u_char)(below(3) ? 0x45 : 0x40 | below(16));
			p->data[l3 + 9] = protos[below(9)];
			if (below(3)) {	/* not a fragment */
				p->data[l3 + 6] &= 0xe0;
				p->data[l3 + 7] = 0;
			}
			l4 = l3 + (p->data[l3] & 0xf) * 4u;
		}
	}
	for (i = 0; i < 2 && l4 + 2 * i + 1 < MAXPKT; i++) {
		if (below(2)) {
			uint16_t port = ports[below(5)];
			p->data[l4 + 2 * i] = (u_char)(port >> 8);
			p->data[l4 + 2 * i + 1] = (u_char)port;
		}
	}
}

#define NPKTS 160

static int do_filter(uint64_t seed, int count, const char *path)
{
	static struct pkt pk[NPKTS];
	struct bpf_insn f[64];
	long nonzero = 0, total = 0;
	int i, j;
	const char *show = getenv("BPF_DRIVER_SHOW");

	rng_seed(seed);
	for (j = 0; j < NPKTS; j++)
		gen_packet(&pk[j], 200);
	read_progs(path);

	/* Compiled programs, through both entry points. */
	for (i = 0; i < nprogs; i++) {
		printf("c%d", i);
		for (j = 0; j < NPKTS; j++) {
			struct pcap_pkthdr h;
			u_int r = bpf_filter(progs[i].bf_insns, pk[j].data,
			    pk[j].wirelen, pk[j].caplen);
			int o;

			memset(&h, 0, sizeof h);
			h.caplen = pk[j].caplen;
			h.len = pk[j].wirelen;
			o = pcap_offline_filter(&progs[i], &h, pk[j].data);
			printf(" %x/%d", r, o);
			nonzero += r != 0;
			total++;
		}
		printf(" #%s\n", prog_names[i]);
	}

	/* Random runnable programs. */
	for (i = 0; i < count; i++) {
		u_int len = 2 + below(below(4) ? 20 : 60);

		gen_runnable(f, len);
		if (show != NULL && atoi(show) == i) {	/* for debugging a diff */
			struct bpf_program fp = { len, f };
			bpf_dump(&fp, 1);
		}
		printf("r%d v=%d", i, bpf_validate(f, (int)len));
		for (j = 0; j < NPKTS; j++) {
			u_int r = bpf_filter(f, pk[j].data, pk[j].wirelen,
			    pk[j].caplen);
			printf(" %x", r);
			nonzero += r != 0;
			total++;
		}
		printf("\n");
	}

	/* No program at all. */
	{
		struct bpf_program none = { 0, NULL };
		struct pcap_pkthdr h;

		memset(&h, 0, sizeof h);
		h.caplen = h.len = pk[0].caplen;
		printf("null: bpf_filter %x, pcap_offline_filter %d\n",
		    bpf_filter(NULL, pk[0].data, h.len, h.caplen),
		    pcap_offline_filter(&none, &h, pk[0].data));
	}
	printf("filter: %ld of %ld verdicts nonzero\n", nonzero, total);
	return 0;
}

/* ---- abort: single instructions, run in a child each ---- */
#ifdef HAVE_ENGINE
#include "engine.h"

/* The sz-byte big-endian value at off in a random packet of pk, or a
 * random one past its captured length. */
static uint32_t pkt_value(const struct pkt *pk, u_int off, u_int sz)
{
	const struct pkt *q = &pk[below(NPKTS)];
	uint32_t v = 0;
	u_int i;

	if (off + sz > q->caplen)
		return rnd() >> (32 - 8 * sz);
	for (i = 0; i < sz; i++)
		v = v << 8 | q->data[off + i];
	return v;
}

/*
 * A program of the groups the engine fuses (shim/engine.c): a load then a
 * chain of "jeq #k" with one "true" target (sometimes broken by a member
 * with another), ldxb 4*([k]&0xf) then an indexed load and a jump or
 * chain, an absolute load then "and #m" then a jump; between them,
 * forward jumps that land anywhere, in the middle of groups too. Their
 * constants often match a packet of pk. No scratch memory.
 */
static void gen_idioms(struct bpf_insn *f, u_int len, const struct pkt *pk)
{
	static const u_short sz_code[] = { BPF_W, BPF_H, BPF_B };
	static const u_int sz_len[] = { 4, 2, 1 };
	u_int i = 0, j;

	memset(f, 0, len * sizeof *f);
	while (i + 2 < len) {
		u_int room = len - 2 - i, s = below(3), k = below(60), m;
		uint32_t x = 0;
		int ind = 0;

		switch (below(5)) {
		case 0:
		case 1:		/* a load (half the time ldxb and an indexed
				 * one), then a chain or a single jump */
			m = 1 + below(4);
			if (below(2) && room >= m + 2) {
				u_int km = below(40);
				const struct pkt *q = &pk[below(NPKTS)];

				f[i].code = BPF_LDX | BPF_MSH | BPF_B;
				f[i].k = km;
				x = km < q->caplen ? (uint32_t)(q->data[km] & 0xf) << 2 : 0;
				i++;
				ind = 1;
			} else if (room < m + 1) {
				goto plain;
			} else if (below(4) == 0) {
				ind = 1;
			}
			f[i].code = BPF_LD | sz_code[s] | (ind ? BPF_IND : BPF_ABS);
			f[i].k = k;
			i++;
			{
				u_int t = i + m + below(len - 1 - (i + m) + 1);
				u_int t2 = below(4) == 0 ? i + m + below(len - 1 - (i + m) + 1) : t;

				for (j = 0; j < m; j++, i++) {
					f[i].code = BPF_JMP | BPF_JEQ | BPF_K;
					f[i].k = below(2) ? pkt_value(pk, k + x, sz_len[s]) : some_k();
					f[i].jt = (u_char)((j == m - 1 ? t2 : t) - i - 1);
					f[i].jf = j + 1 < m ? 0 :
					    (u_char)below(len - 1 - i);
				}
				if (m == 1 && below(2))	/* another kind of jump */
					f[i - 1].code = BPF_JMP | jmp_ops[below(4)] | BPF_K;
			}
			break;
		case 2:		/* absolute load, and, jump */
			if (room < 3)
				goto plain;
			f[i].code = BPF_LD | sz_code[s] | BPF_ABS;
			f[i].k = k;
			f[i + 1].code = BPF_ALU | BPF_AND | BPF_K;
			switch (below(4)) {
			case 0: f[i + 1].k = 0xffff0000u; break;
			case 1: f[i + 1].k = 0xff00; break;
			case 2: f[i + 1].k = 0xf0; break;
			default: f[i + 1].k = some_k(); break;
			}
			f[i + 2].code = BPF_JMP | jmp_ops[below(4)] | BPF_K;
			f[i + 2].k = below(2) ? pkt_value(pk, k, sz_len[s]) & f[i + 1].k
			    : some_k();
			f[i + 2].jt = (u_char)below(len - 1 - (i + 2));
			f[i + 2].jf = (u_char)below(len - 1 - (i + 2));
			i += 3;
			break;
		case 3:		/* a jump anywhere ahead */
			f[i].code = BPF_JMP | jmp_ops[below(4)] | BPF_K;
			f[i].k = some_k();
			f[i].jt = (u_char)below(len - 1 - i);
			f[i].jf = (u_char)below(len - 1 - i);
			i++;
			break;
		default:
		plain:
			f[i].code = below(2) ? (BPF_ALU | alu_ops[below(10)] | BPF_K)
			    : (BPF_MISC | (below(2) ? BPF_TAX : BPF_TXA));
			f[i].k = below(40);
			if (f[i].code == (BPF_ALU | BPF_DIV | BPF_K) ||
			    f[i].code == (BPF_ALU | BPF_MOD | BPF_K))
				f[i].k = 1 + below(9);
			i++;
			break;
		}
	}
	for (; i + 1 < len; i++)
		f[i].code = BPF_MISC | BPF_TXA;
	f[len - 1].code = BPF_RET | (below(2) ? BPF_A : BPF_K);
	f[len - 1].k = below(3) ? 1 + below(1500) : 0;
}

/* The capture loop's engine against bpf_filter, on the compiled programs
 * and on random validated ones: every verdict must be equal. */
static int do_engine(uint64_t seed, int count, const char *path)
{
	static struct pkt pk[NPKTS];
	struct bpf_insn f[64];
	long compared = 0, bad = 0;
	int i, j, built = 0, tried = 0, idioms = 0;

	rng_seed(seed);
	for (j = 0; j < NPKTS; j++)
		gen_packet(&pk[j], 200);
	read_progs(path);
	for (i = 0; i < nprogs + count; i++) {
		const struct bpf_insn *code = f;
		u_int len;
		struct shim_engine *e;

		if (i < nprogs) {
			code = progs[i].bf_insns;
			len = progs[i].bf_len;
		} else if (i % 2 == 0) {
			len = 2 + below(below(4) ? 20 : 60);
			gen_runnable(f, len);
			if (!bpf_validate(f, (int)len))
				continue;
		} else {
			len = 8 + below(56);
			gen_idioms(f, len, pk);
			if (!bpf_validate(f, (int)len))
				continue;
			idioms++;
		}
		tried++;
		e = shim_engine_build(code, len);
		if (e == NULL)
			continue;
		built++;
		for (j = 0; j < NPKTS; j++) {
			u_int want = bpf_filter(code, pk[j].data,
			    pk[j].wirelen, pk[j].caplen);
			u_int got = shim_engine_run(e, pk[j].data,
			    pk[j].wirelen, pk[j].caplen);

			compared++;
			if (want != got && bad++ < 10)
				printf("mismatch prog %d packet %d: bpf_filter %u engine %u\n",
				    i, j, want, got);
		}
		shim_engine_free(e);
	}
	printf("engine tried=%d built=%d compared=%ld mismatches=%ld idioms=%d\n",
	    tried, built, compared, bad, idioms);
	return 0;
}
#endif

static int do_abort(void)
{
	/* Every low-byte code, the same with bit 8 set, and a few more: bits
	 * above the low byte make any code unknown. */
	static const u_int high[] = { 0x306, 0x8016, 0xff06, 0xffff };
	struct rlimit nocore = { 0, 0 };
	u_char pkt[64];
	u_int code, i, c;

	setrlimit(RLIMIT_CORE, &nocore);
	for (i = 0; i < sizeof pkt; i++)
		pkt[i] = (u_char)(i * 37 + 11);
	for (c = 0; c < 0x200 + sizeof high / sizeof high[0]; c++) {
		code = c < 0x200 ? c : high[c - 0x200];
		/* Operands that keep a known instruction harmless: jumps go
		 * to the next instruction, k = 2 divides and indexes M[]. */
		struct bpf_insn f[4] = {
			{ BPF_LD | BPF_IMM, 0, 0, 0x12345678 },
			{ BPF_ST, 0, 0, 2 },
			{ (u_short)code, 0, 0, BPF_CLASS(code) == BPF_JMP ? 0 : 2 },
			{ BPF_RET | BPF_A, 0, 0, 0 },
		};
		int st;
		pid_t pid;

		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			u_int r = bpf_filter(f, pkt, 1000, sizeof pkt);
			/* Fold the 32-bit result into an exit status. */
			_exit((int)((r ^ (r >> 8) ^ (r >> 16) ^ (r >> 24)) & 0xff));
		}
		if (pid < 0 || waitpid(pid, &st, 0) != pid) {
			perror("fork");
			return 2;
		}
		if (WIFSIGNALED(st))
			printf("0x%03x signal %d\n", code, WTERMSIG(st));
		else
			printf("0x%03x exit %d\n", code, WEXITSTATUS(st));
	}
	return 0;
}

/* ---- bench ---- */
static int do_bench(const char *path, int idx, long n, int use_engine)
{
	enum { POOL = 4096 };
	static struct pkt pool[POOL];
	struct timespec t0, t1;
	long i, matched = 0;
	const struct bpf_insn *f;
	double ns, best = 0;
	int rep;

	read_progs(path);
	if (idx < 0 || idx >= nprogs) {
		fprintf(stderr, "no program %d\n", idx);
		return 2;
	}
	f = progs[idx].bf_insns;
#ifdef HAVE_ENGINE
	struct shim_engine *eng = use_engine ?
	    shim_engine_build(f, progs[idx].bf_len) : NULL;
	if (use_engine && eng == NULL) {
		fprintf(stderr, "program %d not translated\n", idx);
		return 2;
	}
#else
	if (use_engine) {
		fprintf(stderr, "no engine in this build\n");
		return 2;
	}
#endif
	/* A third TCP to port 80, a third UDP from port 53, a third whatever
	 * gen_packet makes; captured lengths 64..200. */
	rng_seed(42);
	for (i = 0; i < POOL; i++) {
		struct pkt *p = &pool[i];

		gen_packet(p, 200);
		p->caplen = 64 + below(137);
		p->wirelen = p->caplen + below(1400);
		if (i % 3 == 2)
			continue;
		p->data[12] = 0x08;
		p->data[13] = 0x00;
		p->data[14] = 0x45;
		p->data[20] = p->data[21] = 0;
		p->data[23] = i % 3 == 0 ? 6 : 17;
		p->data[i % 3 == 0 ? 36 : 34] = 0;
		p->data[i % 3 == 0 ? 37 : 35] = i % 3 == 0 ? 80 : 53;
	}
	/* Best of five rounds of CPU time: the machine is shared, and being
	 * descheduled must not count. */
	for (rep = 0; rep < 5; rep++) {
		matched = 0;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
		for (i = 0; i < n; i++) {
			const struct pkt *p = &pool[i & (POOL - 1)];
#ifdef HAVE_ENGINE
			if (eng != NULL)
				matched += shim_engine_run(eng, p->data,
				    p->wirelen, p->caplen) != 0;
			else
#endif
			matched += bpf_filter(f, p->data, p->wirelen,
			    p->caplen) != 0;
		}
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
		ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 +
		    (double)(t1.tv_nsec - t0.tv_nsec);
		if (rep == 0 || ns < best)
			best = ns;
	}
	printf("bench %s: %ld packets, %ld matched, %.2f ns/packet\n",
	    prog_names[idx], n, matched, best / (double)n);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (strcmp(mode, "image") == 0)
		return do_image();
	if (strcmp(mode, "dump") == 0 && argc == 3)
		return do_dump(argv[2]);
	if (strcmp(mode, "validate") == 0 && argc == 4)
		return do_validate(strtoull(argv[2], NULL, 0), atoi(argv[3]));
	if (strcmp(mode, "filter") == 0 && argc == 5)
		return do_filter(strtoull(argv[2], NULL, 0), atoi(argv[3]), argv[4]);
	if (strcmp(mode, "abort") == 0)
		return do_abort();
	if (strcmp(mode, "bench") == 0 && argc == 5)
		return do_bench(argv[2], atoi(argv[3]), atol(argv[4]), 0);
	if (strcmp(mode, "bench-engine") == 0 && argc == 5)
		return do_bench(argv[2], atoi(argv[3]), atol(argv[4]), 1);
#ifdef HAVE_ENGINE
	if (strcmp(mode, "engine") == 0 && argc == 5)
		return do_engine(strtoull(argv[2], NULL, 0), atoi(argv[3]), argv[4]);
#endif
#ifdef HAVE_PCAP_COMPILE
	if (strcmp(mode, "compile") == 0 && argc == 3)
		return do_compile(argv[2]);
#endif
	fprintf(stderr, "usage: driver image|dump PROGS|validate SEED N|"
	    "filter SEED N PROGS|abort|bench PROGS I N|compile OUT\n");
	return 2;
}
