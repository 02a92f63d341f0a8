package bpf

import (
	"fmt"
	"strings"
)

// skfOff is SKF_AD_OFF as a uint32: Linux's ancillary-data loads use
// absolute offsets from here up.
const skfOff = 0xfffff000

// ancillary names the Linux ancillary-data slots (SKF_AD_OFF + 4*i) the way
// libpcap master's disassembler prints them inside an absolute load.
var ancillary = [...]string{
	"proto", "type", "ifidx", "nla", "nlan", "mark", "queue", "hatype",
	"rxhash", "cpu", "xor_x", "vlan_tci", "vlanp", "poff", "random",
	"vlan_tpid",
}

// absOperand is the bracketed operand of an absolute load.
func absOperand(k uint32) string {
	if k >= skfOff {
		if d := k - skfOff; d%4 == 0 && int(d/4) < len(ancillary) {
			return "[" + ancillary[d/4] + "]"
		}
	}
	return fmt.Sprintf("[%d]", int32(k))
}

// mnemonic returns the operation name and operand text of ins at index pc,
// as libpcap master's bpf_image spells them.
func mnemonic(ins Insn, pc int) (op, operand string) {
	k := ins.K
	sk := int32(k)
	hex := fmt.Sprintf("#0x%x", k)
	dec := fmt.Sprintf("#%d", sk)
	mem := fmt.Sprintf("M[%d]", sk)
	ind := fmt.Sprintf("[x + %d]", sk)
	switch ins.Code {
	case RET | K:
		return "ret", dec
	case RET | A:
		return "ret", ""
	case LD | W | ABS:
		return "ld", absOperand(k)
	case LD | H | ABS:
		return "ldh", absOperand(k)
	case LD | B | ABS:
		return "ldb", absOperand(k)
	case LD | W | LEN:
		return "ld", "#pktlen"
	case LDX | W | LEN:
		return "ldx", "#pktlen"
	case LD | W | IND:
		return "ld", ind
	case LD | H | IND:
		return "ldh", ind
	case LD | B | IND:
		return "ldb", ind
	case LD | IMM:
		return "ld", hex
	case LDX | IMM:
		return "ldx", hex
	case LDX | MSH | B:
		return "ldxb", fmt.Sprintf("4*([%d]&0xf)", sk)
	case LD | MEM:
		return "ld", mem
	case LDX | MEM:
		return "ldx", mem
	case ST:
		return "st", mem
	case STX:
		return "stx", mem
	case JMP | JA:
		return "ja", fmt.Sprintf("%d", int32(uint32(pc)+1+k))
	case RET | X:
		// Not an instruction libpcap knows; falls to unimp below.
	case MISC | TAX:
		return "tax", ""
	case MISC | TXA:
		return "txa", ""
	case ALU | NEG:
		return "neg", ""
	}
	switch Class(ins.Code) {
	case JMP:
		name := jmpNames[Op(ins.Code)]
		if name == "" || ins.Code&^0xf8 != JMP {
			break
		}
		if Src(ins.Code) == X {
			return name, "x"
		}
		return name, hex
	case ALU:
		name := aluNames[Op(ins.Code)]
		if name == "" || ins.Code&^0xf8 != ALU || Op(ins.Code) == NEG {
			break
		}
		if Src(ins.Code) == X {
			return name, "x"
		}
		switch Op(ins.Code) {
		case AND, OR, XOR:
			return name, hex
		}
		return name, dec
	}
	return "unimp", fmt.Sprintf("0x%x", ins.Code)
}

var jmpNames = map[uint16]string{JEQ: "jeq", JGT: "jgt", JGE: "jge", JSET: "jset"}

var aluNames = map[uint16]string{
	ADD: "add", SUB: "sub", MUL: "mul", DIV: "div", MOD: "mod",
	AND: "and", OR: "or", XOR: "xor", LSH: "lsh", RSH: "rsh",
}

// Image is instruction ins at index pc as libpcap's bpf_image prints it:
// "(NNN) op       operand", conditional jumps followed by their absolute
// targets ("jt T\tjf F").
func Image(ins Insn, pc int) string {
	op, operand := mnemonic(ins, pc)
	if Class(ins.Code) == JMP && Op(ins.Code) != JA {
		return fmt.Sprintf("(%03d) %-8s %-16s jt %d\tjf %d", pc, op, operand,
			pc+1+int(ins.JT), pc+1+int(ins.JF))
	}
	return fmt.Sprintf("(%03d) %-8s %s", pc, op, operand)
}

// Dump is the whole program as bpf_dump(prog, 1) prints it: one Image line
// per instruction, each ending in a newline.
func Dump(prog []Insn) string {
	var b strings.Builder
	for i, ins := range prog {
		b.WriteString(Image(ins, i))
		b.WriteByte('\n')
	}
	return b.String()
}
