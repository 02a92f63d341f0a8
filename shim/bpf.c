/*
 * bpf.c: classic BPF for the front library -- the userspace interpreter
 * (bpf_filter, pcap_offline_filter), the checker (bpf_validate), the
 * disassembler (bpf_image, bpf_dump) and pcap_freecode.
 *
 * Behaviour follows libpcap 1.10.3 as observed from the outside (the
 * differential test in test/bpf pins it):
 *  - all arithmetic is on uint32_t; a load that would read past caplen makes
 *    the whole filter return 0, and so does dividing or taking a modulus by 0;
 *  - a shift by X >= 32 yields 0, a shift by a constant k uses k's low 5
 *    bits (what the x86 build of libpcap does with its plain C shift);
 *  - the Linux "ancillary data" offsets (SKF_AD_OFF + n, i.e. k >= 0xfffff000)
 *    get no special meaning in bpf_filter: libpcap passes no aux data, so such
 *    a load is simply out of bounds and the filter returns 0. Live captures
 *    filtering in userspace use shim_filter_vlan, which, as libpcap's
 *    pcap_filter_with_aux_data, answers the VLAN tag and VLAN-present loads
 *    from the ring's metadata (every other ancillary load still fails);
 *  - an opcode the interpreter does not know aborts the process, as libpcap's
 *    does (bpf_validate accepts some of those, e.g. RET|X or codes >= 0x100);
 *  - pcap_offline_filter with no instructions returns 0 (libpcap's choice),
 *    while bpf_filter(NULL, ...) accepts everything.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>

/* Big-endian loads from unaligned packet bytes. */
static inline uint32_t get32(const u_char *b)
{
	uint32_t v;
	memcpy(&v, b, 4);
	return __builtin_bswap32(v);
}

static inline uint32_t get16(const u_char *b)
{
	return ((uint32_t)b[0] << 8) | b[1];
}

/*
 * The interpreter threads its code: each handler ends by jumping straight to
 * the next instruction's handler through a 256-entry table (a GNU C
 * extension), which predicts better than one shared switch. Codes above 0xff
 * are rejected before the table is indexed.
 */
/* The VLAN metadata of a live packet (libpcap's struct pcap_bpf_aux_data). */
struct vlan_aux {
	uint32_t present, tag;
};

/* SKF_AD_OFF + SKF_AD_VLAN_TAG / SKF_AD_VLAN_TAG_PRESENT. */
#define AD_VLAN_TAG 0xfffff02cu
#define AD_VLAN_PRESENT 0xfffff030u

/*
 * An absolute load past the packet: with aux data, the VLAN fields. libpcap
 * answers them for 1-byte loads only (what 1.10.3's compiler emits); this
 * answers any size, as the kernel does, because the compiler follows master,
 * which loads the tag with ldh: the userspace result then matches the
 * kernel filter's for the same program.
 */
static int vlan_load(const struct vlan_aux *aux, uint32_t k, uint32_t *A)
{
	if (aux == NULL)
		return 0;
	if (k == AD_VLAN_TAG)
		*A = aux->tag;
	else if (k == AD_VLAN_PRESENT)
		*A = aux->present;
	else
		return 0;
	return 1;
}

static u_int run(const struct bpf_insn *pc, const u_char *p, u_int wirelen,
    u_int buflen, const struct vlan_aux *aux);

u_int bpf_filter(const struct bpf_insn *pc, const u_char *p, u_int wirelen,
    u_int buflen)
{
	return run(pc, p, wirelen, buflen, NULL);
}

u_int shim_filter_vlan(const struct bpf_insn *pc, const u_char *p,
    u_int wirelen, u_int buflen, u_int vlan_present, u_int vlan_tag)
{
	struct vlan_aux aux = { vlan_present, vlan_tag };

	return run(pc, p, wirelen, buflen, &aux);
}

static u_int run(const struct bpf_insn *pc, const u_char *p, u_int wirelen,
    u_int buflen, const struct vlan_aux *aux)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
	static const void *const op[256] = {
		[0 ... 255] = &&bad,
		[BPF_RET | BPF_K] = &&ret_k,
		[BPF_RET | BPF_A] = &&ret_a,
		[BPF_LD | BPF_W | BPF_ABS] = &&ld_w_abs,
		[BPF_LD | BPF_H | BPF_ABS] = &&ld_h_abs,
		[BPF_LD | BPF_B | BPF_ABS] = &&ld_b_abs,
		[BPF_LD | BPF_W | BPF_IND] = &&ld_w_ind,
		[BPF_LD | BPF_H | BPF_IND] = &&ld_h_ind,
		[BPF_LD | BPF_B | BPF_IND] = &&ld_b_ind,
		[BPF_LDX | BPF_MSH | BPF_B] = &&ldx_msh,
		[BPF_LD | BPF_W | BPF_LEN] = &&ld_len,
		[BPF_LDX | BPF_W | BPF_LEN] = &&ldx_len,
		[BPF_LD | BPF_IMM] = &&ld_imm,
		[BPF_LDX | BPF_IMM] = &&ldx_imm,
		[BPF_LD | BPF_MEM] = &&ld_mem,
		[BPF_LDX | BPF_MEM] = &&ldx_mem,
		[BPF_ST] = &&st,
		[BPF_STX] = &&stx,
		[BPF_JMP | BPF_JA] = &&ja,
		[BPF_JMP | BPF_JGT | BPF_K] = &&jgt_k,
		[BPF_JMP | BPF_JGE | BPF_K] = &&jge_k,
		[BPF_JMP | BPF_JEQ | BPF_K] = &&jeq_k,
		[BPF_JMP | BPF_JSET | BPF_K] = &&jset_k,
		[BPF_JMP | BPF_JGT | BPF_X] = &&jgt_x,
		[BPF_JMP | BPF_JGE | BPF_X] = &&jge_x,
		[BPF_JMP | BPF_JEQ | BPF_X] = &&jeq_x,
		[BPF_JMP | BPF_JSET | BPF_X] = &&jset_x,
		[BPF_ALU | BPF_ADD | BPF_X] = &&add_x,
		[BPF_ALU | BPF_SUB | BPF_X] = &&sub_x,
		[BPF_ALU | BPF_MUL | BPF_X] = &&mul_x,
		[BPF_ALU | BPF_DIV | BPF_X] = &&div_x,
		[BPF_ALU | BPF_MOD | BPF_X] = &&mod_x,
		[BPF_ALU | BPF_AND | BPF_X] = &&and_x,
		[BPF_ALU | BPF_OR | BPF_X] = &&or_x,
		[BPF_ALU | BPF_XOR | BPF_X] = &&xor_x,
		[BPF_ALU | BPF_LSH | BPF_X] = &&lsh_x,
		[BPF_ALU | BPF_RSH | BPF_X] = &&rsh_x,
		[BPF_ALU | BPF_ADD | BPF_K] = &&add_k,
		[BPF_ALU | BPF_SUB | BPF_K] = &&sub_k,
		[BPF_ALU | BPF_MUL | BPF_K] = &&mul_k,
		[BPF_ALU | BPF_DIV | BPF_K] = &&div_k,
		[BPF_ALU | BPF_MOD | BPF_K] = &&mod_k,
		[BPF_ALU | BPF_AND | BPF_K] = &&and_k,
		[BPF_ALU | BPF_OR | BPF_K] = &&or_k,
		[BPF_ALU | BPF_XOR | BPF_K] = &&xor_k,
		[BPF_ALU | BPF_LSH | BPF_K] = &&lsh_k,
		[BPF_ALU | BPF_RSH | BPF_K] = &&rsh_k,
		[BPF_ALU | BPF_NEG] = &&neg,
		[BPF_MISC | BPF_TAX] = &&tax,
		[BPF_MISC | BPF_TXA] = &&txa,
	};
#pragma GCC diagnostic pop
	uint32_t A = 0, X = 0, k;
	uint32_t M[BPF_MEMWORDS];	/* not cleared, as in libpcap */

/* Run the instruction at pc / the one after it. */
#define DISPATCH() do {						\
		if (__builtin_expect(pc->code > 0xff, 0))	\
			goto bad;				\
		k = pc->k;					\
		goto *op[pc->code];				\
	} while (0)
#define NEXT() do { pc++; DISPATCH(); } while (0)
/* Conditional jump: skip jt or jf instructions after this one. */
#define JUMP(cond) do { pc += 1 + ((cond) ? pc->jt : pc->jf); DISPATCH(); } while (0)

	if (pc == NULL)
		return (u_int)-1;
	DISPATCH();

ret_k:	return k;
ret_a:	return A;

	/* Absolute loads. The bound checks are written so that no sum can
	 * wrap: k + size <= buflen, evaluated without overflow. */
ld_w_abs:
	if (k > buflen || buflen - k < 4) {
		if (vlan_load(aux, k, &A))
			NEXT();
		return 0;
	}
	A = get32(p + k);
	NEXT();
ld_h_abs:
	if (k > buflen || buflen - k < 2) {
		if (vlan_load(aux, k, &A))
			NEXT();
		return 0;
	}
	A = get16(p + k);
	NEXT();
ld_b_abs:
	if (k >= buflen) {
		if (vlan_load(aux, k, &A))
			NEXT();
		return 0;
	}
	A = p[k];
	NEXT();

	/* Indexed loads: X + k + size <= buflen, again without wrap. */
ld_w_ind:
	if (k > buflen || X > buflen - k || buflen - k - X < 4)
		return 0;
	A = get32(p + k + X);
	NEXT();
ld_h_ind:
	if (k > buflen || X > buflen - k || buflen - k - X < 2)
		return 0;
	A = get16(p + k + X);
	NEXT();
ld_b_ind:
	if (k >= buflen || X >= buflen - k)
		return 0;
	A = p[k + X];
	NEXT();
ldx_msh:
	if (k >= buflen)
		return 0;
	X = (uint32_t)(p[k] & 0x0f) << 2;
	NEXT();

ld_len:	A = wirelen; NEXT();
ldx_len: X = wirelen; NEXT();
ld_imm:	A = k; NEXT();
ldx_imm: X = k; NEXT();

	/* Scratch memory. bpf_validate rejects k >= BPF_MEMWORDS; an
	 * unvalidated program gets 0 rather than a wild access. */
ld_mem:
	if (k >= BPF_MEMWORDS)
		return 0;
	A = M[k];
	NEXT();
ldx_mem:
	if (k >= BPF_MEMWORDS)
		return 0;
	X = M[k];
	NEXT();
st:
	if (k >= BPF_MEMWORDS)
		return 0;
	M[k] = A;
	NEXT();
stx:
	if (k >= BPF_MEMWORDS)
		return 0;
	M[k] = X;
	NEXT();

	/* JA's offset is sign-extended: pcap_compile emits backward JAs for
	 * "protochain" and bpf_validate lets them through. */
ja:	pc += 1 + (int32_t)k; DISPATCH();
jgt_k:	JUMP(A > k);
jge_k:	JUMP(A >= k);
jeq_k:	JUMP(A == k);
jset_k:	JUMP(A & k);
jgt_x:	JUMP(A > X);
jge_x:	JUMP(A >= X);
jeq_x:	JUMP(A == X);
jset_x:	JUMP(A & X);

add_x:	A += X; NEXT();
sub_x:	A -= X; NEXT();
mul_x:	A *= X; NEXT();
and_x:	A &= X; NEXT();
or_x:	A |= X; NEXT();
xor_x:	A ^= X; NEXT();
	/* A shift by X of 32 or more clears A ... */
lsh_x:	A = X < 32 ? A << X : 0; NEXT();
rsh_x:	A = X < 32 ? A >> X : 0; NEXT();
div_x:
	if (X == 0)
		return 0;
	A /= X;
	NEXT();
mod_x:
	if (X == 0)
		return 0;
	A %= X;
	NEXT();

add_k:	A += k; NEXT();
sub_k:	A -= k; NEXT();
mul_k:	A *= k; NEXT();
and_k:	A &= k; NEXT();
or_k:	A |= k; NEXT();
xor_k:	A ^= k; NEXT();
	/* ... but by a constant it uses the low 5 bits of k. */
lsh_k:	A <<= (k & 31); NEXT();
rsh_k:	A >>= (k & 31); NEXT();
	/* Constant 0 is rejected by bpf_validate (libpcap itself would trap);
	 * unvalidated programs get 0 instead. */
div_k:
	if (k == 0)
		return 0;
	A /= k;
	NEXT();
mod_k:
	if (k == 0)
		return 0;
	A %= k;
	NEXT();
neg:	A = 0u - A; NEXT();

tax:	X = A; NEXT();
txa:	A = X; NEXT();

bad:
	/* Same as libpcap: an instruction it cannot run is the caller's
	 * programming error. */
	abort();
#undef DISPATCH
#undef NEXT
#undef JUMP
}

int pcap_offline_filter(const struct bpf_program *fp,
    const struct pcap_pkthdr *h, const u_char *pkt)
{
	if (fp->bf_insns == NULL)
		return 0;
	return (int)bpf_filter(fp->bf_insns, pkt, h->len, h->caplen);
}

void pcap_freecode(struct bpf_program *fp)
{
	fp->bf_len = 0;
	free(fp->bf_insns);
	fp->bf_insns = NULL;
}

/*
 * bpf_validate: 1 if the program may be handed to bpf_filter, else 0. Only
 * the class, and per class the mode or operation, is checked -- not the
 * size bits, nor bits above the low byte -- exactly as much as libpcap does.
 */
int bpf_validate(const struct bpf_insn *f, int len)
{
	u_int n, i, next;

	if (len < 1)
		return 0;
	n = (u_int)len;
	for (i = 0; i < n; i++) {
		const struct bpf_insn *ins = &f[i];

		switch (BPF_CLASS(ins->code)) {
		case BPF_LD:
		case BPF_LDX:
			switch (BPF_MODE(ins->code)) {
			case BPF_IMM:
			case BPF_ABS:
			case BPF_IND:
			case BPF_MSH:
			case BPF_LEN:
				break;	/* packet bounds are checked at run time */
			case BPF_MEM:
				if (ins->k >= BPF_MEMWORDS)
					return 0;
				break;
			default:
				return 0;
			}
			break;
		case BPF_ST:
		case BPF_STX:
			if (ins->k >= BPF_MEMWORDS)
				return 0;
			break;
		case BPF_ALU:
			switch (BPF_OP(ins->code)) {
			case BPF_ADD: case BPF_SUB: case BPF_MUL:
			case BPF_OR: case BPF_AND: case BPF_XOR:
			case BPF_LSH: case BPF_RSH: case BPF_NEG:
				break;
			case BPF_DIV:
			case BPF_MOD:
				if (BPF_SRC(ins->code) == BPF_K && ins->k == 0)
					return 0;
				break;
			default:
				return 0;
			}
			break;
		case BPF_JMP:
			/* Targets must land inside the program. The sums are
			 * unsigned and may wrap: a huge JA offset that wraps
			 * to a backward target passes, as in libpcap. */
			next = i + 1;
			switch (BPF_OP(ins->code)) {
			case BPF_JA:
				if (next + ins->k >= n)
					return 0;
				break;
			case BPF_JEQ: case BPF_JGT: case BPF_JGE: case BPF_JSET:
				if (next + ins->jt >= n || next + ins->jf >= n)
					return 0;
				break;
			default:
				return 0;
			}
			break;
		case BPF_RET:
		case BPF_MISC:
			break;
		}
	}
	return BPF_CLASS(f[n - 1].code) == BPF_RET;
}

/* Names libpcap's disassembler gives the Linux ancillary-data offsets
 * (SKF_AD_OFF + 4*i) when they appear in an absolute load. */
static const char *const skf_names[] = {
	"proto", "type", "ifidx", "nla", "nlan", "mark", "queue", "hatype",
	"rxhash", "cpu", "xor_x", "vlan_tci", "vlanp", "poff", "random",
	"vlan_tpid",
};

/* The operand of an absolute load: "[n]" or an ancillary-data name. */
static void abs_operand(char *buf, size_t len, uint32_t k)
{
	uint32_t off = k - 0xfffff000u;	/* k - SKF_AD_OFF */

	if (k >= 0xfffff000u && off % 4 == 0 &&
	    off / 4 < sizeof skf_names / sizeof skf_names[0])
		snprintf(buf, len, "[%s]", skf_names[off / 4]);
	else
		snprintf(buf, len, "[%d]", (int)k);
}

/*
 * bpf_image: one instruction as text, "(NNN) op       operand", with the
 * conditional jumps' targets appended. Returns a static buffer.
 */
char *bpf_image(const struct bpf_insn *ins, int n)
{
	static char image[256];
	char opnd[64];
	const char *op;
	int k = (int)ins->k;	/* most operands print signed */

	opnd[0] = '\0';
	switch (ins->code) {
	case BPF_RET | BPF_K:		op = "ret"; snprintf(opnd, sizeof opnd, "#%d", k); break;
	case BPF_RET | BPF_A:		op = "ret"; break;

	case BPF_LD | BPF_W | BPF_ABS:	op = "ld"; abs_operand(opnd, sizeof opnd, ins->k); break;
	case BPF_LD | BPF_H | BPF_ABS:	op = "ldh"; abs_operand(opnd, sizeof opnd, ins->k); break;
	case BPF_LD | BPF_B | BPF_ABS:	op = "ldb"; abs_operand(opnd, sizeof opnd, ins->k); break;
	case BPF_LD | BPF_W | BPF_LEN:	op = "ld"; strcpy(opnd, "#pktlen"); break;
	case BPF_LD | BPF_W | BPF_IND:	op = "ld"; snprintf(opnd, sizeof opnd, "[x + %d]", k); break;
	case BPF_LD | BPF_H | BPF_IND:	op = "ldh"; snprintf(opnd, sizeof opnd, "[x + %d]", k); break;
	case BPF_LD | BPF_B | BPF_IND:	op = "ldb"; snprintf(opnd, sizeof opnd, "[x + %d]", k); break;
	case BPF_LD | BPF_IMM:		op = "ld"; snprintf(opnd, sizeof opnd, "#0x%x", ins->k); break;
	case BPF_LDX | BPF_IMM:		op = "ldx"; snprintf(opnd, sizeof opnd, "#0x%x", ins->k); break;
	case BPF_LDX | BPF_MSH | BPF_B:	op = "ldxb"; snprintf(opnd, sizeof opnd, "4*([%d]&0xf)", k); break;
	case BPF_LD | BPF_MEM:		op = "ld"; snprintf(opnd, sizeof opnd, "M[%d]", k); break;
	case BPF_LDX | BPF_MEM:		op = "ldx"; snprintf(opnd, sizeof opnd, "M[%d]", k); break;
	case BPF_ST:			op = "st"; snprintf(opnd, sizeof opnd, "M[%d]", k); break;
	case BPF_STX:			op = "stx"; snprintf(opnd, sizeof opnd, "M[%d]", k); break;

	/* JA prints its absolute target, computed in int like libpcap. */
	case BPF_JMP | BPF_JA:		op = "ja"; snprintf(opnd, sizeof opnd, "%d", (int)((u_int)n + 1 + ins->k)); break;
	case BPF_JMP | BPF_JGT | BPF_K:	op = "jgt"; snprintf(opnd, sizeof opnd, "#0x%x", ins->k); break;
	case BPF_JMP | BPF_JGE | BPF_K:	op = "jge"; snprintf(opnd, sizeof opnd, "#0x%x", ins->k); break;
	case BPF_JMP | BPF_JEQ | BPF_K:	op = "jeq"; snprintf(opnd, sizeof opnd, "#0x%x", ins->k); break;
	case BPF_JMP | BPF_JSET | BPF_K: op = "jset"; snprintf(opnd, sizeof opnd, "#0x%x", ins->k); break;
	case BPF_JMP | BPF_JGT | BPF_X:	op = "jgt"; strcpy(opnd, "x"); break;
	case BPF_JMP | BPF_JGE | BPF_X:	op = "jge"; strcpy(opnd, "x"); break;
	case BPF_JMP | BPF_JEQ | BPF_X:	op = "jeq"; strcpy(opnd, "x"); break;
	case BPF_JMP | BPF_JSET | BPF_X: op = "jset"; strcpy(opnd, "x"); break;

	/* Arithmetic constants print in decimal, bitwise ones in hex. */
	case BPF_ALU | BPF_ADD | BPF_K:	op = "add"; snprintf(opnd, sizeof opnd, "#%d", k); break;
	case BPF_ALU | BPF_SUB | BPF_K:	op = "sub"; snprintf(opnd, sizeof opnd, "#%d", k); break;
	case BPF_ALU | BPF_MUL | BPF_K:	op = "mul"; snprintf(opnd, sizeof opnd, "#%d", k); break;
	case BPF_ALU | BPF_DIV | BPF_K:	op = "div"; snprintf(opnd, sizeof opnd, "#%d", k); break;
	case BPF_ALU | BPF_MOD | BPF_K:	op = "mod"; snprintf(opnd, sizeof opnd, "#%d", k); break;
	case BPF_ALU | BPF_LSH | BPF_K:	op = "lsh"; snprintf(opnd, sizeof opnd, "#%d", k); break;
	case BPF_ALU | BPF_RSH | BPF_K:	op = "rsh"; snprintf(opnd, sizeof opnd, "#%d", k); break;
	case BPF_ALU | BPF_AND | BPF_K:	op = "and"; snprintf(opnd, sizeof opnd, "#0x%x", ins->k); break;
	case BPF_ALU | BPF_OR | BPF_K:	op = "or"; snprintf(opnd, sizeof opnd, "#0x%x", ins->k); break;
	case BPF_ALU | BPF_XOR | BPF_K:	op = "xor"; snprintf(opnd, sizeof opnd, "#0x%x", ins->k); break;
	case BPF_ALU | BPF_ADD | BPF_X:	op = "add"; strcpy(opnd, "x"); break;
	case BPF_ALU | BPF_SUB | BPF_X:	op = "sub"; strcpy(opnd, "x"); break;
	case BPF_ALU | BPF_MUL | BPF_X:	op = "mul"; strcpy(opnd, "x"); break;
	case BPF_ALU | BPF_DIV | BPF_X:	op = "div"; strcpy(opnd, "x"); break;
	case BPF_ALU | BPF_MOD | BPF_X:	op = "mod"; strcpy(opnd, "x"); break;
	case BPF_ALU | BPF_AND | BPF_X:	op = "and"; strcpy(opnd, "x"); break;
	case BPF_ALU | BPF_OR | BPF_X:	op = "or"; strcpy(opnd, "x"); break;
	case BPF_ALU | BPF_XOR | BPF_X:	op = "xor"; strcpy(opnd, "x"); break;
	case BPF_ALU | BPF_LSH | BPF_X:	op = "lsh"; strcpy(opnd, "x"); break;
	case BPF_ALU | BPF_RSH | BPF_X:	op = "rsh"; strcpy(opnd, "x"); break;
	case BPF_ALU | BPF_NEG:		op = "neg"; break;

	case BPF_MISC | BPF_TAX:	op = "tax"; break;
	case BPF_MISC | BPF_TXA:	op = "txa"; break;

	/* Everything else, LDX|LEN included (which bpf_filter does run). */
	default:
		op = "unimp";
		snprintf(opnd, sizeof opnd, "0x%x", ins->code);
		break;
	}

	if (BPF_CLASS(ins->code) == BPF_JMP && BPF_OP(ins->code) != BPF_JA)
		/* Conditional jumps (and unimp codes of the JMP class, which
		 * libpcap formats the same way). */
		snprintf(image, sizeof image, "(%03d) %-8s %-16s jt %d\tjf %d",
		    n, op, opnd, n + 1 + ins->jt, n + 1 + ins->jf);
	else
		snprintf(image, sizeof image, "(%03d) %-8s %s", n, op, opnd);
	return image;
}

/*
 * bpf_dump: the whole program on stdout. option 1 (and below): bpf_image
 * lines; 2: C initialisers; above 2: the count, then "code jt jf k" in
 * decimal.
 */
void bpf_dump(const struct bpf_program *fp, int option)
{
	const struct bpf_insn *ins = fp->bf_insns;
	int i, n = (int)fp->bf_len;

	if (option > 2) {
		printf("%d\n", n);
		for (i = 0; i < n; i++)
			printf("%u %u %u %u\n", ins[i].code, ins[i].jt,
			    ins[i].jf, ins[i].k);
	} else if (option == 2) {
		for (i = 0; i < n; i++)
			printf("{ 0x%x, %d, %d, 0x%08x },\n", ins[i].code,
			    ins[i].jt, ins[i].jf, ins[i].k);
	} else {
		for (i = 0; i < n; i++)
			puts(bpf_image(&ins[i], i));
	}
}
