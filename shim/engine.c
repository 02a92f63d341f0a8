/*
 * The userspace filter engine the capture loop runs for pcap_setfilter'ed
 * programs: bpf_filter's semantics, faster.
 *
 * pcap_setfilter translates the (validated) program once into an array of
 * decoded instructions: a handler address, the operand(s), and jump
 * targets as pointers. Pairs that compiled filters are made of, a load
 * followed by a conditional jump on a constant ("ldh [12]; jeq #0x800"),
 * become one fused instruction that loads, sets A and branches, halving
 * the dispatches; so do a load, a mask and a jump ("ld [26]; and
 * #0xffff0000; jeq #c", every "net" test), and a chain of equality tests
 * with one "true" target ("port 80 or port 443 or ...") with the load in
 * front of it. The decoded array keeps one entry per original
 * instruction, so a jump into the middle of a fused group still lands on
 * an instruction that does the rest.
 *
 * The results equal bpf_filter's for every program bpf_validate accepts
 * (test/bpf compares them); anything the translator does not expect makes
 * it return NULL and the caller keeps using bpf_filter.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>
#include "engine.h"

struct eop {
	const void *h;		/* handler (a label in engine_exec) */
	uint32_t k;		/* the load's or the instruction's operand */
	uint32_t c;		/* a fused jump's constant */
	uint32_t end;		/* absolute loads: k + size (no wrap) */
	uint32_t m;		/* a fused "and #m" */
	uint32_t s[4];		/* an equality chain's constants (padded) */
	const struct eop *jt;	/* next instruction if true / the only one */
	const struct eop *jf;
};

struct shim_engine {
	u_int n;
	int uses_mem;		/* has ld/ldx/st/stx M[]: clear M per run */
	struct eop op[];
};

/* Handler indexes: plain instructions, then the fused load+jump pairs. */
enum {
	H_BAD, H_RET_K, H_RET_A,
	H_LDW_ABS, H_LDH_ABS, H_LDB_ABS, H_LDW_IND, H_LDH_IND, H_LDB_IND,
	H_LDX_MSH, H_LD_LEN, H_LDX_LEN, H_LD_IMM, H_LDX_IMM, H_LD_MEM,
	H_LDX_MEM, H_ST, H_STX, H_JA,
	H_JGT_K, H_JGE_K, H_JEQ_K, H_JSET_K, H_JGT_X, H_JGE_X, H_JEQ_X,
	H_JSET_X,
	H_ADD_X, H_SUB_X, H_MUL_X, H_DIV_X, H_MOD_X, H_AND_X, H_OR_X, H_XOR_X,
	H_LSH_X, H_RSH_X, H_ADD_K, H_SUB_K, H_MUL_K, H_DIV_K, H_MOD_K,
	H_AND_K, H_OR_K, H_XOR_K, H_LSH_K, H_RSH_K, H_NEG, H_TAX, H_TXA,
	/* a chain of up to four "jeq #k" with one true target */
	H_JEQ_SET,
	/* fused: load kind (6) x jump kind (4), load-major */
	H_FUSED,
	/* ldxb 4*([k]&0xf) fused with the indexed load + jump after it:
	 * the transport-header access of every IPv4 port test (4 x 3). */
	H_MSH_FUSED = H_FUSED + 24,
	/* a load (6 kinds), or ldxb and an indexed load (3), then a chain */
	H_FSET = H_MSH_FUSED + 12,
	H_MSET = H_FSET + 6,
	/* an absolute load (3 sizes), "and #m", a constant jump (4) */
	H_MASKED = H_MSET + 3,
	H_COUNT = H_MASKED + 12
};

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
 * The interpreter. Called with prog == NULL it only hands out its label
 * table (labels are local to the function that holds them).
 */
static u_int engine_exec(const struct shim_engine *prog, const u_char *p,
    u_int wirelen, u_int buflen, const void *const **table)
{
	static const void *const lab[H_COUNT] = {
		[H_BAD] = &&bad, [H_RET_K] = &&ret_k, [H_RET_A] = &&ret_a,
		[H_LDW_ABS] = &&ldw_abs, [H_LDH_ABS] = &&ldh_abs,
		[H_LDB_ABS] = &&ldb_abs, [H_LDW_IND] = &&ldw_ind,
		[H_LDH_IND] = &&ldh_ind, [H_LDB_IND] = &&ldb_ind,
		[H_LDX_MSH] = &&ldx_msh, [H_LD_LEN] = &&ld_len,
		[H_LDX_LEN] = &&ldx_len, [H_LD_IMM] = &&ld_imm,
		[H_LDX_IMM] = &&ldx_imm, [H_LD_MEM] = &&ld_mem,
		[H_LDX_MEM] = &&ldx_mem, [H_ST] = &&st, [H_STX] = &&stx,
		[H_JA] = &&ja,
		[H_JGT_K] = &&jgt_k, [H_JGE_K] = &&jge_k, [H_JEQ_K] = &&jeq_k,
		[H_JSET_K] = &&jset_k, [H_JGT_X] = &&jgt_x, [H_JGE_X] = &&jge_x,
		[H_JEQ_X] = &&jeq_x, [H_JSET_X] = &&jset_x,
		[H_ADD_X] = &&add_x, [H_SUB_X] = &&sub_x, [H_MUL_X] = &&mul_x,
		[H_DIV_X] = &&div_x, [H_MOD_X] = &&mod_x, [H_AND_X] = &&and_x,
		[H_OR_X] = &&or_x, [H_XOR_X] = &&xor_x, [H_LSH_X] = &&lsh_x,
		[H_RSH_X] = &&rsh_x, [H_ADD_K] = &&add_k, [H_SUB_K] = &&sub_k,
		[H_MUL_K] = &&mul_k, [H_DIV_K] = &&div_k, [H_MOD_K] = &&mod_k,
		[H_AND_K] = &&and_k, [H_OR_K] = &&or_k, [H_XOR_K] = &&xor_k,
		[H_LSH_K] = &&lsh_k, [H_RSH_K] = &&rsh_k, [H_NEG] = &&neg,
		[H_TAX] = &&tax, [H_TXA] = &&txa, [H_JEQ_SET] = &&jeq_set,
/* The four jump kinds of a fused group at table index base + 4 * l. */
#define FUSE(base, l, name) \
		[(base) + 4 * (l) + 0] = &&name##_jgt, \
		[(base) + 4 * (l) + 1] = &&name##_jge, \
		[(base) + 4 * (l) + 2] = &&name##_jeq, \
		[(base) + 4 * (l) + 3] = &&name##_jset,
		FUSE(H_FUSED, 0, fw_abs) FUSE(H_FUSED, 1, fh_abs)
		FUSE(H_FUSED, 2, fb_abs) FUSE(H_FUSED, 3, fw_ind)
		FUSE(H_FUSED, 4, fh_ind) FUSE(H_FUSED, 5, fb_ind)
		FUSE(H_MSH_FUSED, 0, mw_ind) FUSE(H_MSH_FUSED, 1, mh_ind)
		FUSE(H_MSH_FUSED, 2, mb_ind)
		FUSE(H_MASKED, 0, aw_abs) FUSE(H_MASKED, 1, ah_abs)
		FUSE(H_MASKED, 2, ab_abs)
#undef FUSE
		[H_FSET + 0] = &&fw_abs_set, [H_FSET + 1] = &&fh_abs_set,
		[H_FSET + 2] = &&fb_abs_set, [H_FSET + 3] = &&fw_ind_set,
		[H_FSET + 4] = &&fh_ind_set, [H_FSET + 5] = &&fb_ind_set,
		[H_MSET + 0] = &&mw_ind_set, [H_MSET + 1] = &&mh_ind_set,
		[H_MSET + 2] = &&mb_ind_set,
	};
	const struct eop *pc;
	uint32_t A = 0, X = 0, k, x2;
	uint32_t M[BPF_MEMWORDS];

	if (prog == NULL) {
		*table = lab;
		return 0;
	}
	/* bpf_filter leaves M uninitialised; a program reading a cell it
	 * never wrote gets 0 here rather than stack garbage. */
	if (prog->uses_mem)
		memset(M, 0, sizeof M);
	pc = prog->op;
#define GO(to) do { pc = (to); k = pc->k; goto *pc->h; } while (0)
#define NEXT() GO(pc->jt)
/* Each arm of a conditional jump dispatches on its own: a predicted
 * branch lets the CPU fetch the next handler before the packet byte the
 * condition depends on arrives (a conditional move would make it wait),
 * and each arm's indirect jump gets its own prediction. */
#define JUMP(cond) do { \
		if (cond) \
			GO(pc->jt); \
		GO(pc->jf); \
	} while (0)
/* A in an equality chain: all four compares, no branch between them. */
#define INSET() ((A == pc->s[0]) | (A == pc->s[1]) | (A == pc->s[2]) | \
	(A == pc->s[3]))
	GO(pc);

ret_k:	return k;
ret_a:	return A;

	/* Loads: the same bound checks as bpf_filter, written so no sum
	 * wraps. An out-of-bounds load rejects the packet. */
	/* The translator precomputed end = k + size for absolute loads
	 * whose sum does not wrap (it keeps wrapping ones unfused and
	 * routes them to the checked handlers below). */
#define LOAD_ABS(sz, get) \
	if (buflen < pc->end) \
		return 0; \
	A = get;
#define LOAD_IND(sz, get) \
	if (k > buflen || X > buflen - k || buflen - k - X < (sz)) \
		return 0; \
	A = get;
ldw_abs: LOAD_ABS(4, get32(p + k)) NEXT();
ldh_abs: LOAD_ABS(2, get16(p + k)) NEXT();
ldb_abs: LOAD_ABS(1, p[k]) NEXT();
ldw_ind: LOAD_IND(4, get32(p + k + X)) NEXT();
ldh_ind: LOAD_IND(2, get16(p + k + X)) NEXT();
ldb_ind: LOAD_IND(1, p[k + X]) NEXT();

	/* Fused: a load, then a conditional jump on the constant c, or
	 * (name_set) an equality chain. */
#define FUSED(name, load) \
name##_jgt: load JUMP(A > pc->c); \
name##_jge: load JUMP(A >= pc->c); \
name##_jeq: load JUMP(A == pc->c); \
name##_jset: load JUMP(A & pc->c);
#define FUSED_SET(name, load) FUSED(name, load) \
name##_set: load JUMP(INSET());
	FUSED_SET(fw_abs, LOAD_ABS(4, get32(p + k)))
	FUSED_SET(fh_abs, LOAD_ABS(2, get16(p + k)))
	FUSED_SET(fb_abs, LOAD_ABS(1, p[k]))
	FUSED_SET(fw_ind, LOAD_IND(4, get32(p + k + X)))
	FUSED_SET(fh_ind, LOAD_IND(2, get16(p + k + X)))
	FUSED_SET(fb_ind, LOAD_IND(1, p[k + X]))
	/* Absolute load, "and #m", jump on the constant c. */
#define MASK(load) load A &= pc->m;
	FUSED(aw_abs, MASK(LOAD_ABS(4, get32(p + k))))
	FUSED(ah_abs, MASK(LOAD_ABS(2, get16(p + k))))
	FUSED(ab_abs, MASK(LOAD_ABS(1, p[k])))
#undef MASK
	/* ldxb 4*([k]&0xf), then the load of the next entry (its operand
	 * is x2 = that entry's k) and a jump or chain. */
#define MSH \
	if (k >= buflen) \
		return 0; \
	X = (uint32_t)(p[k] & 0x0f) << 2; \
	x2 = pc[1].k;
#define LOAD_IND2(sz, get) \
	if (x2 > buflen || X > buflen - x2 || buflen - x2 - X < (sz)) \
		return 0; \
	A = get;
	FUSED_SET(mw_ind, MSH LOAD_IND2(4, get32(p + x2 + X)))
	FUSED_SET(mh_ind, MSH LOAD_IND2(2, get16(p + x2 + X)))
	FUSED_SET(mb_ind, MSH LOAD_IND2(1, p[x2 + X]))
#undef MSH
#undef LOAD_IND2
#undef FUSED_SET
#undef FUSED
#undef LOAD_ABS
#undef LOAD_IND

ldx_msh:
	if (k >= buflen)
		return 0;
	X = (uint32_t)(p[k] & 0x0f) << 2;
	NEXT();
ld_len:	A = wirelen; NEXT();
ldx_len: X = wirelen; NEXT();
ld_imm:	A = k; NEXT();
ldx_imm: X = k; NEXT();
	/* The translator only accepts k < BPF_MEMWORDS here. */
ld_mem:	A = M[k]; NEXT();
ldx_mem: X = M[k]; NEXT();
st:	M[k] = A; NEXT();
stx:	M[k] = X; NEXT();

ja:	NEXT();
jgt_k:	JUMP(A > k);
jge_k:	JUMP(A >= k);
jeq_k:	JUMP(A == k);
jset_k:	JUMP(A & k);
jgt_x:	JUMP(A > X);
jge_x:	JUMP(A >= X);
jeq_x:	JUMP(A == X);
jset_x:	JUMP(A & X);
	/* jeq #s0 jt T jf (jeq #s1 jt T jf (... jf F)), up to four. */
jeq_set: JUMP(INSET());

add_x:	A += X; NEXT();
sub_x:	A -= X; NEXT();
mul_x:	A *= X; NEXT();
and_x:	A &= X; NEXT();
or_x:	A |= X; NEXT();
xor_x:	A ^= X; NEXT();
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
lsh_k:	A <<= (k & 31); NEXT();
rsh_k:	A >>= (k & 31); NEXT();
	/* The translator refuses a constant divisor of 0. */
div_k:	A /= k; NEXT();
mod_k:	A %= k; NEXT();
neg:	A = 0u - A; NEXT();
tax:	X = A; NEXT();
txa:	A = X; NEXT();
bad:
	/* Not reachable: the translator refuses unknown codes. */
	abort();
#undef GO
#undef NEXT
#undef JUMP
#undef INSET
}

u_int shim_engine_run(const struct shim_engine *e, const u_char *p,
    u_int wirelen, u_int buflen)
{
	return engine_exec(e, p, wirelen, buflen, NULL);
}

/* The handler index of a plain instruction, or H_BAD. */
static int plain_handler(const struct bpf_insn *in)
{
	switch (in->code) {
	case BPF_RET | BPF_K: return H_RET_K;
	case BPF_RET | BPF_A: return H_RET_A;
	case BPF_LD | BPF_W | BPF_ABS: return H_LDW_ABS;
	case BPF_LD | BPF_H | BPF_ABS: return H_LDH_ABS;
	case BPF_LD | BPF_B | BPF_ABS: return H_LDB_ABS;
	case BPF_LD | BPF_W | BPF_IND: return H_LDW_IND;
	case BPF_LD | BPF_H | BPF_IND: return H_LDH_IND;
	case BPF_LD | BPF_B | BPF_IND: return H_LDB_IND;
	case BPF_LDX | BPF_MSH | BPF_B: return H_LDX_MSH;
	case BPF_LD | BPF_W | BPF_LEN: return H_LD_LEN;
	case BPF_LDX | BPF_W | BPF_LEN: return H_LDX_LEN;
	case BPF_LD | BPF_IMM: return H_LD_IMM;
	case BPF_LDX | BPF_IMM: return H_LDX_IMM;
	case BPF_LD | BPF_MEM: return in->k < BPF_MEMWORDS ? H_LD_MEM : H_BAD;
	case BPF_LDX | BPF_MEM: return in->k < BPF_MEMWORDS ? H_LDX_MEM : H_BAD;
	case BPF_ST: return in->k < BPF_MEMWORDS ? H_ST : H_BAD;
	case BPF_STX: return in->k < BPF_MEMWORDS ? H_STX : H_BAD;
	case BPF_JMP | BPF_JA: return H_JA;
	case BPF_JMP | BPF_JGT | BPF_K: return H_JGT_K;
	case BPF_JMP | BPF_JGE | BPF_K: return H_JGE_K;
	case BPF_JMP | BPF_JEQ | BPF_K: return H_JEQ_K;
	case BPF_JMP | BPF_JSET | BPF_K: return H_JSET_K;
	case BPF_JMP | BPF_JGT | BPF_X: return H_JGT_X;
	case BPF_JMP | BPF_JGE | BPF_X: return H_JGE_X;
	case BPF_JMP | BPF_JEQ | BPF_X: return H_JEQ_X;
	case BPF_JMP | BPF_JSET | BPF_X: return H_JSET_X;
	case BPF_ALU | BPF_ADD | BPF_X: return H_ADD_X;
	case BPF_ALU | BPF_SUB | BPF_X: return H_SUB_X;
	case BPF_ALU | BPF_MUL | BPF_X: return H_MUL_X;
	case BPF_ALU | BPF_DIV | BPF_X: return H_DIV_X;
	case BPF_ALU | BPF_MOD | BPF_X: return H_MOD_X;
	case BPF_ALU | BPF_AND | BPF_X: return H_AND_X;
	case BPF_ALU | BPF_OR | BPF_X: return H_OR_X;
	case BPF_ALU | BPF_XOR | BPF_X: return H_XOR_X;
	case BPF_ALU | BPF_LSH | BPF_X: return H_LSH_X;
	case BPF_ALU | BPF_RSH | BPF_X: return H_RSH_X;
	case BPF_ALU | BPF_ADD | BPF_K: return H_ADD_K;
	case BPF_ALU | BPF_SUB | BPF_K: return H_SUB_K;
	case BPF_ALU | BPF_MUL | BPF_K: return H_MUL_K;
	case BPF_ALU | BPF_DIV | BPF_K: return in->k != 0 ? H_DIV_K : H_BAD;
	case BPF_ALU | BPF_MOD | BPF_K: return in->k != 0 ? H_MOD_K : H_BAD;
	case BPF_ALU | BPF_AND | BPF_K: return H_AND_K;
	case BPF_ALU | BPF_OR | BPF_K: return H_OR_K;
	case BPF_ALU | BPF_XOR | BPF_K: return H_XOR_K;
	case BPF_ALU | BPF_LSH | BPF_K: return H_LSH_K;
	case BPF_ALU | BPF_RSH | BPF_K: return H_RSH_K;
	case BPF_ALU | BPF_NEG: return H_NEG;
	case BPF_MISC | BPF_TAX: return H_TAX;
	case BPF_MISC | BPF_TXA: return H_TXA;
	}
	return H_BAD;
}

/* For a load that can fuse with a following constant jump, its row in
 * the fused table (0..5), else -1; for such a jump, its column (0..3). */
static int fuse_load(uint16_t code)
{
	switch (code) {
	case BPF_LD | BPF_W | BPF_ABS: return 0;
	case BPF_LD | BPF_H | BPF_ABS: return 1;
	case BPF_LD | BPF_B | BPF_ABS: return 2;
	case BPF_LD | BPF_W | BPF_IND: return 3;
	case BPF_LD | BPF_H | BPF_IND: return 4;
	case BPF_LD | BPF_B | BPF_IND: return 5;
	}
	return -1;
}

static int fuse_jump(uint16_t code)
{
	switch (code) {
	case BPF_JMP | BPF_JGT | BPF_K: return 0;
	case BPF_JMP | BPF_JGE | BPF_K: return 1;
	case BPF_JMP | BPF_JEQ | BPF_K: return 2;
	case BPF_JMP | BPF_JSET | BPF_K: return 3;
	}
	return -1;
}

/*
 * The equality chain starting at in[i]: "jeq #k" tests whose "false" arm
 * is the next test, all with the same "true" target (A is unchanged
 * between them), up to four. Stores the constants in s (padded with the
 * first), the last test's "false" target in *f, and returns how many;
 * 0 when in[i] is no "jeq #k". Targets were checked to be in range.
 */
static u_int chain(const struct bpf_insn *in, u_int i, uint32_t s[4], u_int *f)
{
	const uint16_t jeq = BPF_JMP | BPF_JEQ | BPF_K;
	u_int j = i, m = 0, t = i + 1 + in[i].jt;

	if (in[i].code != jeq)
		return 0;
	for (;;) {
		s[m++] = in[j].k;
		*f = j + 1 + in[j].jf;
		if (m == 4 || in[*f].code != jeq || *f + 1 + in[*f].jt != t)
			break;
		j = *f;
	}
	for (j = m; j < 4; j++)
		s[j] = s[0];
	return m;
}

/* A translated jump's targets, from the original instruction. */
#define TRUE_OF(j) (&e->op[(j) + 1 + in[j].jt])
#define FALSE_OF(j) (&e->op[(j) + 1 + in[j].jf])

struct shim_engine *shim_engine_build(const struct bpf_insn *in, u_int n)
{
	const void *const *lab;
	struct shim_engine *e;
	u_int i;

	if (in == NULL || n == 0 || n > (1u << 24))
		return NULL;
	engine_exec(NULL, NULL, 0, 0, &lab);
	e = calloc(1, sizeof *e + n * sizeof e->op[0]);
	if (e == NULL)
		return NULL;
	e->n = n;
	for (i = 0; i < n; i++) {
		struct eop *o = &e->op[i];
		int h = plain_handler(&in[i]);
		uint64_t t, f;

		if (h == H_BAD)
			goto refuse;
		o->h = lab[h];
		o->k = in[i].k;
		if (BPF_CLASS(in[i].code) == BPF_LD &&
		    BPF_MODE(in[i].code) == BPF_ABS) {
			uint64_t end = (uint64_t)in[i].k +
			    (BPF_SIZE(in[i].code) == BPF_W ? 4 :
			    BPF_SIZE(in[i].code) == BPF_H ? 2 : 1);

			/* Past 4 GiB no packet holds it: bpf_filter
			 * returns 0, and so does "ret #0". */
			if (end > UINT32_MAX) {
				o->h = lab[H_RET_K];
				o->k = 0;
				continue;
			}
			o->end = (uint32_t)end;
		}
		if (BPF_CLASS(in[i].code) == BPF_RET)
			continue;
		/* Targets as bpf_filter computes them; JA's offset is
		 * 32-bit and wraps (protochain jumps backwards). */
		if (in[i].code == (BPF_JMP | BPF_JA)) {
			t = f = (uint32_t)(i + 1 + in[i].k);
		} else if (BPF_CLASS(in[i].code) == BPF_JMP) {
			t = (uint64_t)i + 1 + in[i].jt;
			f = (uint64_t)i + 1 + in[i].jf;
		} else {
			t = f = (uint64_t)i + 1;
		}
		if (t >= n || f >= n)
			goto refuse;	/* bpf_filter would run off the end */
		o->jt = &e->op[t];
		o->jf = &e->op[f];
	}
	/* Fuse load + constant jump pairs (the jump keeps its own entry),
	 * or load + equality chain. */
	for (i = 0; i + 1 < n; i++) {
		int l = fuse_load(in[i].code), j = fuse_jump(in[i + 1].code);
		u_int cf;

		if (l < 0 || j < 0 || e->op[i].h == lab[H_RET_K])
			continue;
		if (chain(in, i + 1, e->op[i].s, &cf) >= 2) {
			e->op[i].h = lab[H_FSET + l];
			e->op[i].jt = TRUE_OF(i + 1);
			e->op[i].jf = &e->op[cf];
			continue;
		}
		e->op[i].h = lab[H_FUSED + 4 * l + j];
		e->op[i].c = in[i + 1].k;
		e->op[i].jt = TRUE_OF(i + 1);
		e->op[i].jf = FALSE_OF(i + 1);
	}
	/* Then ldxb 4*([k]&0xf) followed by an indexed load + constant jump
	 * or chain (entry i+1 stays as it is for jumps that land on it). */
	for (i = 0; i + 2 < n; i++) {
		int l = fuse_load(in[i + 1].code), j = fuse_jump(in[i + 2].code);
		u_int cf;

		if (in[i].code != (BPF_LDX | BPF_MSH | BPF_B) || l < 3 || j < 0)
			continue;
		if (chain(in, i + 2, e->op[i].s, &cf) >= 2) {
			e->op[i].h = lab[H_MSET + l - 3];
			e->op[i].jt = TRUE_OF(i + 2);
			e->op[i].jf = &e->op[cf];
			continue;
		}
		e->op[i].h = lab[H_MSH_FUSED + 4 * (l - 3) + j];
		e->op[i].c = in[i + 2].k;
		e->op[i].jt = TRUE_OF(i + 2);
		e->op[i].jf = FALSE_OF(i + 2);
	}
	/* Then an absolute load, "and #m" and a constant jump (entries i+1
	 * and i+2 stay). */
	for (i = 0; i + 2 < n; i++) {
		int l = fuse_load(in[i].code), j = fuse_jump(in[i + 2].code);

		if (l < 0 || l > 2 || j < 0 || e->op[i].h == lab[H_RET_K] ||
		    in[i + 1].code != (BPF_ALU | BPF_AND | BPF_K))
			continue;
		e->op[i].h = lab[H_MASKED + 4 * l + j];
		e->op[i].m = in[i + 1].k;
		e->op[i].c = in[i + 2].k;
		e->op[i].jt = TRUE_OF(i + 2);
		e->op[i].jf = FALSE_OF(i + 2);
	}
	/* Then the chains themselves: each test of one stands for the rest
	 * of it from itself (a jump may land on any of them). */
	for (i = 0; i < n; i++) {
		u_int cf;

		if (in[i].code != (BPF_JMP | BPF_JEQ | BPF_K) ||
		    chain(in, i, e->op[i].s, &cf) < 2)
			continue;
		e->op[i].h = lab[H_JEQ_SET];
		e->op[i].jf = &e->op[cf];
	}
	for (i = 0; i < n; i++)
		if (BPF_CLASS(in[i].code) == BPF_ST ||
		    BPF_CLASS(in[i].code) == BPF_STX ||
		    in[i].code == (BPF_LD | BPF_MEM) ||
		    in[i].code == (BPF_LDX | BPF_MEM))
			e->uses_mem = 1;
	return e;
refuse:
	free(e);
	return NULL;
}
#undef TRUE_OF
#undef FALSE_OF

void shim_engine_free(struct shim_engine *e)
{
	free(e);
}
