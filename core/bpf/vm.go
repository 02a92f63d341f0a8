package bpf

import (
	"errors"
	"fmt"
)

// maxSteps bounds one run: classic BPF only loops through backward JAs
// (libpcap's protochain), and a correct program ends long before this.
const maxSteps = 1 << 20

// Run executes prog over pkt (the captured bytes; len(pkt) is the caplen)
// with wirelen as the original length, as libpcap's bpf_filter does, and
// returns the accepted length (0 rejects). The semantics are those of
// shim/bpf.c: all arithmetic on uint32, a load reaching past the captured
// bytes and a division or modulus by zero end the program with 0, shifts by
// a constant use its low 5 bits, shifts by X of 32 or more give 0, scratch
// memory starts as zeros, and the Linux ancillary offsets are ordinary
// (out-of-bounds) offsets. A program that cannot run (an unknown opcode, a
// jump outside it, no return, a runaway loop) returns 0; Exec reports why.
func Run(prog []Insn, pkt []byte, wirelen uint32) uint32 {
	v, _ := Exec(prog, pkt, wirelen)
	return v
}

// Exec is Run, with an error when the program could not run to a return.
func Exec(prog []Insn, pkt []byte, wirelen uint32) (uint32, error) {
	return execute(prog, pkt, wirelen, nil)
}

// ErrNoReturn is returned by Exec when execution falls off the end of the
// program.
var ErrNoReturn = errors.New("bpf: execution ran past the last instruction")

// Source says where a register's value came from, for the packet
// generator: a field of the packet (Off, Size) or the wire length, then
// transformed by Ops in order. Kind is SrcNone when the value does not
// depend on the packet in a way the generator can invert.
type Source struct {
	Kind SrcKind
	Off  uint32 // absolute offset of the field (SrcPacket)
	Size uint8  // 1, 2 or 4 bytes
	Ops  []AluStep
}

// SrcKind is what a Source refers to.
type SrcKind uint8

const (
	SrcNone   SrcKind = iota
	SrcPacket         // a field of the packet
	SrcLen            // the wire length
	SrcMSH            // 4*(byte&0xf) from the packet
)

// AluStep is one arithmetic operation applied to a loaded value: Op is the
// ALU operation (ADD, AND, ...), Val the operand's value at that moment.
type AluStep struct {
	Op  uint16
	Val uint32
}

// Event is one step of a traced run the packet generator acts on: a load
// from the packet or a conditional jump.
type Event struct {
	PC    int
	Code  uint16
	Load  bool   // a packet load (absolute, indexed or MSH), at Off/Size
	Off   uint32 // absolute offset loaded (Load)
	Size  uint8
	Fail  bool   // the load was out of bounds
	A     uint32 // accumulator before the jump
	ASrc  Source // where A came from
	Cmp   uint32 // the value compared with: k or X
	CmpX  bool   // compared with X
	XSrc  Source // where X came from (CmpX)
	Taken bool   // the jump's condition held
}

// Trace records the events of one run.
type Trace struct {
	Events []Event
}

// ExecTrace is Exec that also records loads and conditional jumps in tr.
func ExecTrace(prog []Insn, pkt []byte, wirelen uint32, tr *Trace) (uint32, error) {
	tr.Events = tr.Events[:0]
	return execute(prog, pkt, wirelen, tr)
}

func withOp(s Source, op uint16, val uint32) Source {
	if s.Kind == SrcNone {
		return s
	}
	ops := make([]AluStep, len(s.Ops), len(s.Ops)+1)
	copy(ops, s.Ops)
	s.Ops = append(ops, AluStep{op, val})
	return s
}

func execute(prog []Insn, pkt []byte, wirelen uint32, tr *Trace) (uint32, error) {
	var a, x uint32
	var mem [MemWords]uint32
	var aSrc, xSrc Source
	var memSrc [MemWords]Source
	buflen := uint32(len(pkt))
	tracing := tr != nil
	load := func(pc int, code uint16, off uint32, size uint8, ok bool) {
		if tracing {
			tr.Events = append(tr.Events, Event{PC: pc, Code: code, Load: true, Off: off, Size: size, Fail: !ok})
		}
	}
	pc := 0
	for steps := 0; ; steps++ {
		if pc < 0 || pc >= len(prog) {
			return 0, ErrNoReturn
		}
		if steps > maxSteps {
			return 0, errors.New("bpf: too many steps (a loop?)")
		}
		ins := prog[pc]
		k := ins.K
		switch ins.Code {
		case RET | K:
			return k, nil
		case RET | A:
			return a, nil

		case LD | W | ABS, LD | H | ABS, LD | B | ABS:
			size := loadSize(ins.Code)
			ok := k <= buflen && buflen-k >= size
			load(pc, ins.Code, k, uint8(size), ok)
			if !ok {
				return 0, nil
			}
			a = fetch(pkt, k, size)
			if tracing {
				aSrc = Source{Kind: SrcPacket, Off: k, Size: uint8(size)}
			}
		case LD | W | IND, LD | H | IND, LD | B | IND:
			size := loadSize(ins.Code)
			ok := k <= buflen && x <= buflen-k && buflen-k-x >= size
			load(pc, ins.Code, k+x, uint8(size), ok)
			if !ok {
				return 0, nil
			}
			a = fetch(pkt, k+x, size)
			if tracing {
				aSrc = Source{Kind: SrcPacket, Off: k + x, Size: uint8(size)}
			}
		case LDX | MSH | B:
			ok := k < buflen
			load(pc, ins.Code, k, 1, ok)
			if !ok {
				return 0, nil
			}
			x = uint32(pkt[k]&0xf) << 2
			if tracing {
				xSrc = Source{Kind: SrcMSH, Off: k, Size: 1}
			}
		case LD | W | LEN:
			a = wirelen
			aSrc = Source{Kind: SrcLen}
		case LDX | W | LEN:
			x = wirelen
			xSrc = Source{Kind: SrcLen}
		case LD | IMM:
			a, aSrc = k, Source{}
		case LDX | IMM:
			x, xSrc = k, Source{}
		case LD | MEM, LDX | MEM, ST, STX:
			if k >= MemWords {
				return 0, fmt.Errorf("bpf: scratch memory index %d at %d", k, pc)
			}
			switch ins.Code {
			case LD | MEM:
				a, aSrc = mem[k], memSrc[k]
			case LDX | MEM:
				x, xSrc = mem[k], memSrc[k]
			case ST:
				mem[k], memSrc[k] = a, aSrc
			case STX:
				mem[k], memSrc[k] = x, xSrc
			}

		case JMP | JA:
			pc += 1 + int(int32(k))
			continue
		case JMP | JGT | K, JMP | JGE | K, JMP | JEQ | K, JMP | JSET | K,
			JMP | JGT | X, JMP | JGE | X, JMP | JEQ | X, JMP | JSET | X:
			v := k
			if Src(ins.Code) == X {
				v = x
			}
			var cond bool
			switch Op(ins.Code) {
			case JGT:
				cond = a > v
			case JGE:
				cond = a >= v
			case JEQ:
				cond = a == v
			default:
				cond = a&v != 0
			}
			if tracing {
				e := Event{PC: pc, Code: ins.Code, A: a, ASrc: aSrc, Cmp: v, Taken: cond}
				if Src(ins.Code) == X {
					e.CmpX, e.XSrc = true, xSrc
				}
				tr.Events = append(tr.Events, e)
			}
			if cond {
				pc += 1 + int(ins.JT)
			} else {
				pc += 1 + int(ins.JF)
			}
			continue

		case ALU | NEG:
			a = -a
			if tracing {
				aSrc = withOp(aSrc, NEG, 0)
			}
		case MISC | TAX:
			x, xSrc = a, aSrc
		case MISC | TXA:
			a, aSrc = x, xSrc

		default:
			if Class(ins.Code) != ALU || ins.Code&^0xf8 != ALU {
				return 0, fmt.Errorf("bpf: unknown opcode 0x%x at %d", ins.Code, pc)
			}
			v := k
			if Src(ins.Code) == X {
				v = x
			}
			switch Op(ins.Code) {
			case ADD:
				a += v
			case SUB:
				a -= v
			case MUL:
				a *= v
			case DIV:
				if v == 0 {
					return 0, nil
				}
				a /= v
			case MOD:
				if v == 0 {
					return 0, nil
				}
				a %= v
			case AND:
				a &= v
			case OR:
				a |= v
			case XOR:
				a ^= v
			case LSH, RSH:
				if Src(ins.Code) == K {
					v &= 31
				}
				if v >= 32 {
					a = 0
				} else if Op(ins.Code) == LSH {
					a <<= v
				} else {
					a >>= v
				}
			default:
				return 0, fmt.Errorf("bpf: unknown opcode 0x%x at %d", ins.Code, pc)
			}
			if tracing {
				aSrc = withOp(aSrc, Op(ins.Code), v)
			}
		}
		pc++
	}
}

func loadSize(code uint16) uint32 {
	switch Size(code) {
	case H:
		return 2
	case B:
		return 1
	}
	return 4
}

func fetch(p []byte, off, size uint32) uint32 {
	switch size {
	case 1:
		return uint32(p[off])
	case 2:
		return uint32(p[off])<<8 | uint32(p[off+1])
	}
	return uint32(p[off])<<24 | uint32(p[off+1])<<16 | uint32(p[off+2])<<8 | uint32(p[off+3])
}

// Validate checks prog as libpcap's bpf_validate does in outline: it is not
// empty, every jump lands inside it, scratch indexes are below MemWords,
// constant divisors are not zero, every opcode is known and it ends in a
// return.
func Validate(prog []Insn) error {
	if len(prog) == 0 {
		return errors.New("bpf: empty program")
	}
	for pc, ins := range prog {
		op, _ := mnemonic(ins, pc)
		if op == "unimp" {
			return fmt.Errorf("bpf: unknown opcode 0x%x at %d", ins.Code, pc)
		}
		switch Class(ins.Code) {
		case JMP:
			if Op(ins.Code) == JA {
				if t := pc + 1 + int(int32(ins.K)); t < 0 || t >= len(prog) {
					return fmt.Errorf("bpf: ja at %d leaves the program", pc)
				}
			} else if pc+1+int(ins.JT) >= len(prog) || pc+1+int(ins.JF) >= len(prog) {
				return fmt.Errorf("bpf: jump at %d leaves the program", pc)
			}
		case ST, STX:
			if ins.K >= MemWords {
				return fmt.Errorf("bpf: scratch index %d at %d", ins.K, pc)
			}
		case LD, LDX:
			if Mode(ins.Code) == MEM && ins.K >= MemWords {
				return fmt.Errorf("bpf: scratch index %d at %d", ins.K, pc)
			}
		case ALU:
			if (Op(ins.Code) == DIV || Op(ins.Code) == MOD) && Src(ins.Code) == K && ins.K == 0 {
				return fmt.Errorf("bpf: constant division by zero at %d", pc)
			}
		}
	}
	if Class(prog[len(prog)-1].Code) != RET {
		return errors.New("bpf: program does not end in a return")
	}
	return nil
}
