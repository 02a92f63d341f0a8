/*
 * compile.c: filter programs without the expression compiler: pcap_compile
 * and pcap_compile_nopcap of the empty expression, bpf_dump at each level,
 * bpf_image, bpf_validate and bpf_filter on hand-made programs,
 * pcap_setfilter on offline and dead handles (including an invalid
 * program), pcap_offline_filter per packet, and pcap_freecode.
 * Non-empty expressions are in filter.c.
 * Usage: compile <scratch dir> <savefile>
 */
#include "common.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* accept 96 bytes of every packet */
static struct bpf_insn snap96[] = {
	BPF_STMT(BPF_RET | BPF_K, 96),
};

/* accept IPv4 over Ethernet (whole packet), reject the rest */
static struct bpf_insn ipv4[] = {
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x0800, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, 262144),
	BPF_STMT(BPF_RET | BPF_K, 0),
};

/* packet length in A, return it; uses the scratch memory and X */
static struct bpf_insn lenprog[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
	BPF_STMT(BPF_ST, 3),
	BPF_STMT(BPF_LDX | BPF_W | BPF_MEM, 3),
	BPF_STMT(BPF_MISC | BPF_TXA, 0),
	BPF_STMT(BPF_ALU | BPF_SUB | BPF_K, 10),
	BPF_STMT(BPF_RET | BPF_A, 0),
};

/* reads past the end of every packet: returns 0 */
static struct bpf_insn pastend[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 100000),
	BPF_STMT(BPF_RET | BPF_K, 1),
};

/* division by zero constant: not valid */
static struct bpf_insn divzero[] = {
	BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0),
	BPF_STMT(BPF_RET | BPF_A, 0),
};

/* jump out of the program: not valid */
static struct bpf_insn badjump[] = {
	BPF_JUMP(BPF_JMP | BPF_JA, 5, 0, 0),
	BPF_STMT(BPF_RET | BPF_K, 1),
};

/* no return at the end: not valid */
static struct bpf_insn noret[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
};

/* scratch memory index out of range: not valid */
static struct bpf_insn badmem[] = {
	BPF_STMT(BPF_ST, 16),
	BPF_STMT(BPF_RET | BPF_K, 1),
};

/* accept packets whose byte 30 is 10 (IPv4 source 10.x over Ethernet) */
static struct bpf_insn src10[] = {
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 26),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 10, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, 65535),
	BPF_STMT(BPF_RET | BPF_K, 0),
};

struct named {
	const char *name;
	struct bpf_insn *insns;
	u_int len;
	int valid;	/* bpf_filter may only run valid programs */
};

static struct named progs[] = {
	{ "snap96", snap96, N(snap96), 1 },
	{ "ipv4", ipv4, N(ipv4), 1 },
	{ "src10", src10, N(src10), 1 },
	{ "len", lenprog, N(lenprog), 1 },
	{ "pastend", pastend, N(pastend), 1 },
	{ "divzero", divzero, N(divzero), 0 },
	{ "badjump", badjump, N(badjump), 0 },
	{ "noret", noret, N(noret), 0 },
	{ "badmem", badmem, N(badmem), 0 },
};

static void dump_levels(const char *tag, struct bpf_program *fp)
{
	int lvl;
	u_int i;

	for (lvl = 0; lvl <= 2; lvl++) {
		printf("%s bpf_dump level %d:\n", tag, lvl);
		fflush(stdout);
		bpf_dump(fp, lvl);
		fflush(stdout);
	}
	for (i = 0; i < fp->bf_len; i++)
		printf("%s bpf_image[%u]=\"%s\"\n", tag, i,
		    bpf_image(&fp->bf_insns[i], (int)i));
}

/* run: count the packets of the file that pass through pcap_setfilter,
 * and print pcap_offline_filter's verdict for each packet. */
static void run(const char *file, const char *tag, struct bpf_program *fp,
    int valid)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *p;
	int r, n = 0;

	p = pcap_open_offline(file, eb);
	if (p == NULL) {
		printf("%s open failed: %s\n", tag, eb);
		return;
	}
	while (valid && pcap_next_ex(p, &h, &d) == 1) {
		n++;
		printf("%s offline_filter #%d=%d bpf_filter=%u\n", tag, n,
		    pcap_offline_filter(fp, h, d),
		    bpf_filter(fp->bf_insns, d, h->len, h->caplen));
	}
	pcap_close(p);

	p = pcap_open_offline(file, eb);
	r = pcap_setfilter(p, fp);
	printf("%s setfilter=%d err=\"%s\"\n", tag, r,
	    r != 0 ? pcap_geterr(p) : "");
	n = 0;
	while ((r = pcap_next_ex(p, &h, &d)) == 1) {
		char lab[80];

		n++;
		snprintf(lab, sizeof lab, "%s pass #%d", tag, n);
		pkthdr(lab, h, d);
	}
	printf("%s passed=%d last=%d\n", tag, n, r);
	pcap_close(p);
}

int main(int argc, char **argv)
{
	struct bpf_program fp;
	int dlts[] = { DLT_EN10MB, DLT_RAW, DLT_NULL, DLT_LINUX_SLL, 12345 };
	size_t i;
	pcap_t *p;
	int r;

	watchdog();
	if (argc != 3) {
		fprintf(stderr, "usage: compile dir savefile\n");
		return 2;
	}
	enter(argv[1]);

	for (i = 0; i < N(dlts); i++) {
		int opt;

		p = pcap_open_dead(dlts[i], 65535);
		for (opt = 0; opt <= 1; opt++) {
			char tag[64];

			snprintf(tag, sizeof tag, "dead(%d) opt=%d", dlts[i],
			    opt);
			memset(&fp, 0, sizeof fp);
			r = pcap_compile(p, &fp, "", opt, PCAP_NETMASK_UNKNOWN);
			printf("%s compile(\"\")=%d err=\"%s\" len=%u\n", tag, r,
			    r != 0 ? pcap_geterr(p) : "", fp.bf_len);
			if (r == 0) {
				dump_levels(tag, &fp);
				printf("%s validate=%d\n", tag,
				    bpf_validate(fp.bf_insns, (int)fp.bf_len));
				r = pcap_setfilter(p, &fp);
				printf("%s setfilter(dead)=%d err=\"%s\"\n", tag,
				    r, r != 0 ? pcap_geterr(p) : "");
				pcap_freecode(&fp);
				printf("%s after freecode insns_null=%d "
				    "len=%u\n", tag, fp.bf_insns == NULL,
				    fp.bf_len);
				pcap_freecode(&fp);
			}
		}
		pcap_close(p);
	}

	p = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 96,
	    PCAP_TSTAMP_PRECISION_NANO);
	r = pcap_compile(p, &fp, "", 1, 0xffffff00);
	printf("snap96 compile(\"\")=%d len=%u\n", r, fp.bf_len);
	if (r == 0) {
		dump_levels("snap96", &fp);
		pcap_freecode(&fp);
	}
	pcap_close(p);

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	r = pcap_compile_nopcap(1500, DLT_EN10MB, &fp, "", 0, 0);
#pragma GCC diagnostic pop
	printf("compile_nopcap(\"\")=%d len=%u\n", r, fp.bf_len);
	if (r == 0) {
		dump_levels("nopcap", &fp);
		pcap_freecode(&fp);
	}

	/* the empty program compiled for the file's own handle */
	{
		char eb[PCAP_ERRBUF_SIZE] = "";

		p = pcap_open_offline(argv[2], eb);
		if (p != NULL) {
			r = pcap_compile(p, &fp, "", 1, PCAP_NETMASK_UNKNOWN);
			printf("offline compile(\"\")=%d len=%u\n", r,
			    fp.bf_len);
			if (r == 0) {
				run(argv[2], "empty", &fp, 1);
				pcap_freecode(&fp);
			}
			pcap_close(p);
		}
	}

	for (i = 0; i < N(progs); i++) {
		fp.bf_len = progs[i].len;
		fp.bf_insns = progs[i].insns;
		printf("%s validate=%d\n", progs[i].name,
		    bpf_validate(fp.bf_insns, (int)fp.bf_len));
		dump_levels(progs[i].name, &fp);
		run(argv[2], progs[i].name, &fp, progs[i].valid);
	}

	/* an empty program (no instructions) */
	fp.bf_len = 0;
	fp.bf_insns = NULL;
	printf("zero-length validate=%d\n", bpf_validate(NULL, 0));
	{
		char eb[PCAP_ERRBUF_SIZE] = "";

		p = pcap_open_offline(argv[2], eb);
		if (p != NULL) {
			r = pcap_setfilter(p, &fp);
			printf("zero-length setfilter=%d err=\"%s\"\n", r,
			    r != 0 ? pcap_geterr(p) : "");
			pcap_close(p);
		}
	}
	return 0;
}
