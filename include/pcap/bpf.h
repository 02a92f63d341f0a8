/*
 * pcap/bpf.h -- pcapshim's libpcap 1.10 compatible header.
 *
 * The classic BPF virtual machine as libpcap exposes it: the program and
 * instruction structures, the opcode fields, and the filter helpers.
 *
 * If the operating system's own <net/bpf.h> was included first (it
 * declares the same things), this header stands aside.
 */
#if !defined(_NET_BPF_H_) && !defined(_NET_BPF_H_INCLUDED) && \
    !defined(_BPF_H_) && !defined(_H_BPF) && !defined(lib_pcap_bpf_h)
#define lib_pcap_bpf_h

#include <sys/types.h>
#include <pcap/funcattrs.h>
#include <pcap/dlt.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Version of the BPF interface this header describes (YYYYMM). */
#define BPF_RELEASE 199606

typedef int bpf_int32;
typedef u_int bpf_u_int32;

/* Packet records in a BPF buffer are aligned to this many bytes. */
#define BPF_ALIGNMENT sizeof(bpf_int32)
#define BPF_WORDALIGN(x) (((x) + (BPF_ALIGNMENT - 1)) & ~(BPF_ALIGNMENT - 1))

/* A compiled filter: bf_len instructions at bf_insns. */
struct bpf_program {
	u_int bf_len;
	struct bpf_insn *bf_insns;
};

/*
 * An opcode ORs together an instruction class with fields that depend on
 * the class; the macros extract each field.
 */

/* Instruction class (bits 0-2). */
#define BPF_CLASS(code) ((code) & 0x07)
#define BPF_LD 0x00
#define BPF_LDX 0x01
#define BPF_ST 0x02
#define BPF_STX 0x03
#define BPF_ALU 0x04
#define BPF_JMP 0x05
#define BPF_RET 0x06
#define BPF_MISC 0x07

/* Load width (bits 3-4): word, halfword, byte. */
#define BPF_SIZE(code) ((code) & 0x18)
#define BPF_W 0x00
#define BPF_H 0x08
#define BPF_B 0x10

/* Addressing mode of loads (bits 5-7). */
#define BPF_MODE(code) ((code) & 0xe0)
#define BPF_IMM 0x00
#define BPF_ABS 0x20
#define BPF_IND 0x40
#define BPF_MEM 0x60
#define BPF_LEN 0x80
#define BPF_MSH 0xa0

/* ALU and jump operation (bits 4-7). */
#define BPF_OP(code) ((code) & 0xf0)
#define BPF_ADD 0x00
#define BPF_SUB 0x10
#define BPF_MUL 0x20
#define BPF_DIV 0x30
#define BPF_OR 0x40
#define BPF_AND 0x50
#define BPF_LSH 0x60
#define BPF_RSH 0x70
#define BPF_NEG 0x80
#define BPF_MOD 0x90
#define BPF_XOR 0xa0
#define BPF_JA 0x00
#define BPF_JEQ 0x10
#define BPF_JGT 0x20
#define BPF_JGE 0x30
#define BPF_JSET 0x40

/* Operand source (bit 3): the constant k or the X register. */
#define BPF_SRC(code) ((code) & 0x08)
#define BPF_K 0x00
#define BPF_X 0x08

/* What a return instruction returns: k, X, or the accumulator. */
#define BPF_RVAL(code) ((code) & 0x18)
#define BPF_A 0x10

/* Miscellaneous operations: register transfers. */
#define BPF_MISCOP(code) ((code) & 0xf8)
#define BPF_TAX 0x00
#define BPF_TXA 0x80

/* One instruction. */
struct bpf_insn {
	u_short code;
	u_char jt;		/* jump offset if true */
	u_char jf;		/* jump offset if false */
	bpf_u_int32 k;		/* generic operand */
};

/* Initialisers for array-of-instruction programs (replacing any OS ones). */
#undef BPF_STMT
#define BPF_STMT(code, k) { (u_short)(code), 0, 0, k }
#undef BPF_JUMP
#define BPF_JUMP(code, k, jt, jf) { (u_short)(code), jt, jf, k }

PCAP_AVAILABLE_0_4
PCAP_API u_int bpf_filter(const struct bpf_insn *, const u_char *, u_int,
    u_int);
PCAP_AVAILABLE_0_6
PCAP_API int bpf_validate(const struct bpf_insn *f, int len);
PCAP_AVAILABLE_0_4
PCAP_API char *bpf_image(const struct bpf_insn *, int);
PCAP_AVAILABLE_0_6
PCAP_API void bpf_dump(const struct bpf_program *, int);

/* Number of scratch memory words (M[0] .. M[BPF_MEMWORDS-1]). */
#define BPF_MEMWORDS 16

#ifdef __cplusplus
}
#endif

#endif /* lib_pcap_bpf_h guard */
