package bpf

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseImage reads a program in the text Dump writes (libpcap's bpf_image
// lines, "(NNN) op operand [jt T\tjf F]"), the inverse of Dump. Blank lines
// are ignored, and so is a trailing "; comment" on a line (libpcap's test
// suite appends the opcode that way). Line numbers must count up from 0.
func ParseImage(text string) ([]Insn, error) {
	var prog []Insn
	for _, line := range strings.Split(text, "\n") {
		if i := strings.IndexByte(line, ';'); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		ins, err := parseLine(line, len(prog))
		if err != nil {
			return nil, fmt.Errorf("line %q: %v", line, err)
		}
		prog = append(prog, ins)
	}
	return prog, nil
}

func parseLine(line string, pc int) (Insn, error) {
	var ins Insn
	if !strings.HasPrefix(line, "(") {
		return ins, fmt.Errorf("no (NNN) prefix")
	}
	end := strings.IndexByte(line, ')')
	if end < 0 {
		return ins, fmt.Errorf("no (NNN) prefix")
	}
	n, err := strconv.Atoi(line[1:end])
	if err != nil || n != pc {
		return ins, fmt.Errorf("instruction number %q, want %d", line[1:end], pc)
	}
	fields := strings.Fields(line[end+1:])
	if len(fields) == 0 {
		return ins, fmt.Errorf("no operation")
	}
	op, args := fields[0], fields[1:]
	// Conditional jumps end in "jt T jf F" (absolute targets).
	var jt, jf int
	isCond := false
	if len(args) >= 4 && args[len(args)-4] == "jt" && args[len(args)-2] == "jf" {
		if jt, err = strconv.Atoi(args[len(args)-3]); err != nil {
			return ins, fmt.Errorf("bad jt")
		}
		if jf, err = strconv.Atoi(args[len(args)-1]); err != nil {
			return ins, fmt.Errorf("bad jf")
		}
		isCond = true
		args = args[:len(args)-4]
	}
	operand := strings.Join(args, " ")
	code, k, err := parseOp(op, operand, pc)
	if err != nil {
		return ins, err
	}
	ins.Code, ins.K = code, k
	if Class(code) == JMP && Op(code) != JA {
		if !isCond {
			return ins, fmt.Errorf("conditional jump without jt/jf")
		}
		rt, rf := jt-pc-1, jf-pc-1
		if rt < 0 || rt > 255 || rf < 0 || rf > 255 {
			return ins, fmt.Errorf("jump targets %d/%d out of range", jt, jf)
		}
		ins.JT, ins.JF = uint8(rt), uint8(rf)
	} else if isCond {
		return ins, fmt.Errorf("jt/jf on a non-jump")
	}
	return ins, nil
}

// number parses a decimal (possibly negative) or 0x-hex 32-bit value.
func number(s string) (uint32, error) {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		v, err := strconv.ParseUint(s[2:], 16, 32)
		return uint32(v), err
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < -1<<31 || v > 1<<32-1 {
		return 0, fmt.Errorf("bad number %q", s)
	}
	return uint32(v), nil
}

// between returns the text of s between prefix and suffix.
func between(s, prefix, suffix string) (string, bool) {
	if strings.HasPrefix(s, prefix) && strings.HasSuffix(s, suffix) && len(s) >= len(prefix)+len(suffix) {
		return s[len(prefix) : len(s)-len(suffix)], true
	}
	return "", false
}

func parseOp(op, opnd string, pc int) (uint16, uint32, error) {
	bad := func() (uint16, uint32, error) {
		return 0, 0, fmt.Errorf("cannot parse %q %q", op, opnd)
	}
	imm := func(base uint16) (uint16, uint32, error) {
		s, ok := between(opnd, "#", "")
		if !ok {
			return bad()
		}
		v, err := number(s)
		if err != nil {
			return bad()
		}
		return base, v, nil
	}
	mem := func(base uint16) (uint16, uint32, error) {
		s, ok := between(opnd, "M[", "]")
		if !ok {
			return bad()
		}
		v, err := number(s)
		if err != nil {
			return bad()
		}
		return base, v, nil
	}
	switch op {
	case "ret":
		if opnd == "" {
			return RET | A, 0, nil
		}
		return imm(RET | K)
	case "ld", "ldh", "ldb":
		size := map[string]uint16{"ld": W, "ldh": H, "ldb": B}[op]
		switch {
		case opnd == "#pktlen" && op == "ld":
			return LD | W | LEN, 0, nil
		case strings.HasPrefix(opnd, "#") && op == "ld":
			return imm(LD | IMM)
		case strings.HasPrefix(opnd, "M[") && op == "ld":
			return mem(LD | MEM)
		case strings.HasPrefix(opnd, "[x + "):
			s, _ := between(opnd, "[x + ", "]")
			v, err := number(s)
			if err != nil {
				return bad()
			}
			return LD | size | IND, v, nil
		case strings.HasPrefix(opnd, "["):
			s, ok := between(opnd, "[", "]")
			if !ok {
				return bad()
			}
			for i, name := range ancillary {
				if s == name {
					return LD | size | ABS, skfOff + 4*uint32(i), nil
				}
			}
			v, err := number(s)
			if err != nil {
				return bad()
			}
			return LD | size | ABS, v, nil
		}
		return bad()
	case "ldx":
		switch {
		case opnd == "#pktlen":
			return LDX | W | LEN, 0, nil
		case strings.HasPrefix(opnd, "#"):
			return imm(LDX | IMM)
		}
		return mem(LDX | MEM)
	case "ldxb":
		s, ok := between(opnd, "4*([", "]&0xf)")
		if !ok {
			return bad()
		}
		v, err := number(s)
		if err != nil {
			return bad()
		}
		return LDX | MSH | B, v, nil
	case "st":
		return mem(ST)
	case "stx":
		return mem(STX)
	case "ja":
		t, err := strconv.Atoi(opnd)
		if err != nil {
			return bad()
		}
		return JMP | JA, uint32(int32(t - pc - 1)), nil
	case "tax":
		return MISC | TAX, 0, nil
	case "txa":
		return MISC | TXA, 0, nil
	case "neg":
		return ALU | NEG, 0, nil
	case "unimp":
		v, err := number(opnd)
		if err != nil || v > 0xffff {
			return bad()
		}
		return uint16(v), 0, nil
	}
	for o, name := range jmpNames {
		if name == op {
			if opnd == "x" {
				return JMP | o | X, 0, nil
			}
			return imm(JMP | o | K)
		}
	}
	for o, name := range aluNames {
		if name == op {
			if opnd == "x" {
				return ALU | o | X, 0, nil
			}
			return imm(ALU | o | K)
		}
	}
	return bad()
}
