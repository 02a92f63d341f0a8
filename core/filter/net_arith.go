package filter

import "github.com/pcapshim/pcapshim/core/bpf"

// Arithmetic expressions. Every value lives in a scratch register: an
// arth's statements leave its value in M[regno]; operators load their
// operands from the registers and store the result in a fresh one.

// toX loads a's register into X; toA into A.
func (c *compiler) toX(a *arth) *slist { return c.newStmt(bpf.LDX|bpf.MEM, uint32(a.regno)) }
func (c *compiler) toA(a *arth) *slist { return c.newStmt(bpf.LD|bpf.MEM, uint32(a.regno)) }

// genLoadi is a constant.
func (c *compiler) genLoadi(v uint32) *arth {
	reg := c.allocReg()
	s := c.newStmt(bpf.LD|bpf.IMM, v)
	s.next = c.newStmt(bpf.ST, uint32(reg))
	return &arth{s: s, regno: reg}
}

// genLoadlen is "len", the packet length.
func (c *compiler) genLoadlen() *arth {
	reg := c.allocReg()
	s := c.newStmt(bpf.LD|bpf.W|bpf.LEN, 0)
	s.next = c.newStmt(bpf.ST, uint32(reg))
	return &arth{s: s, regno: reg}
}

// genLoad is "proto[inst:size]": the size-byte value at offset inst from
// the start of proto's header, with the checks that the packet has that
// header ANDed into inst.b.
func (c *compiler) genLoad(proto int, inst *arth, size uint32) *arth {
	reg := c.allocReg()
	c.freeReg(inst.regno)
	var sz uint16
	switch size {
	case 1:
		sz = bpf.B
	case 2:
		sz = bpf.H
	case 4:
		sz = bpf.W
	default:
		c.fail("data size must be 1, 2, or 4")
	}
	// indexed loads X with the index plus the variable part of off (if
	// any) and then loads at k from there.
	indexed := func(off *absOffset, k uint32) {
		s := c.absOffsetVarpart(off)
		if s != nil {
			s = sappend(s, c.toA(inst))
			s = sappend(s, c.newStmt(bpf.ALU|bpf.ADD|bpf.X, 0))
			s = sappend(s, c.newStmt(bpf.MISC|bpf.TAX, 0))
		} else {
			s = c.toX(inst)
		}
		s = sappend(s, c.newStmt(bpf.LD|bpf.IND|sz, k))
		inst.s = sappend(inst.s, s)
	}
	andCheck := func(b *block) {
		if inst.b != nil {
			b = c.and(inst.b, b)
		}
		inst.b = b
	}
	switch proto {
	case qRadio:
		switch c.linktype {
		case dltIEEE802_11_RADIO_AVS, dltIEEE802_11_RADIO, dltPRISM_HEADER:
		default:
			c.fail("radio information not present in capture")
		}
		s := sappend(c.toX(inst), c.newStmt(bpf.LD|bpf.IND|sz, 0))
		inst.s = sappend(inst.s, s)

	case qLink:
		indexed(&c.offLinkhdr, c.offLinkhdr.constPart)

	case qIP, qARP, qRARP, qAtalk, qDECnet, qSCA, qLAT, qMOPRC, qMOPDL, qIPv6:
		indexed(&c.offLinkpl, c.offLinkpl.constPart+c.offNl)
		andCheck(c.genProtoAbbrev(proto))

	case qSCTP, qTCP, qUDP, qICMP, qIGMP, qIGRP, qPIM, qVRRP, qCARP:
		// Relative to the transport header after an IPv4 header.
		s := c.loadXIPHdrLen()
		s = sappend(s, c.toA(inst))
		s = sappend(s, c.newStmt(bpf.ALU|bpf.ADD|bpf.X, 0))
		s = sappend(s, c.newStmt(bpf.MISC|bpf.TAX, 0))
		s = sappend(s, c.newStmt(bpf.LD|bpf.IND|sz, c.offLinkpl.constPart+c.offNl))
		inst.s = sappend(inst.s, s)
		// Only for the first or only fragment of an IPv4 datagram of
		// that protocol.
		b := c.and(c.genIPProto(transportIPProto[proto]), c.genIPFrag())
		if inst.b != nil {
			b = c.and(inst.b, b)
		}
		inst.b = c.and(c.genLinktype(ethertypeIP), b)

	case qICMPv6:
		andCheck(c.genLinktype(ethertypeIPv6))
		andCheck(c.genIP6Proto(ipprotoICMPv6))
		indexed(&c.offLinkpl, c.offLinkpl.constPart+c.offNl+40)

	default:
		c.fail("'%s' does not support the index operation", pqkw(proto))
	}
	inst.regno = reg
	inst.s = sappend(inst.s, c.newStmt(bpf.ST, uint32(reg)))
	return inst
}

// transportIPProto maps the protocol qualifiers allowed before "[...]"
// at the transport layer to their IP protocol numbers.
var transportIPProto = map[int]uint32{
	qSCTP: ipprotoSCTP, qTCP: ipprotoTCP, qUDP: ipprotoUDP,
	qICMP: ipprotoICMP, qIGMP: ipprotoIGMP, qIGRP: ipprotoIGRP,
	qPIM: ipprotoPIM, qVRRP: ipprotoVRRP, qCARP: ipprotoCARP,
}

// genNeg is "-a".
func (c *compiler) genNeg(a *arth) *arth {
	a.s = sappend(a.s, c.toA(a))
	a.s = sappend(a.s, c.newStmt(bpf.ALU|bpf.NEG, 0))
	a.s = sappend(a.s, c.newStmt(bpf.ST, uint32(a.regno)))
	return a
}

// genArth is "a0 OP a1" for an ALU operation op. Division or modulus by
// a constant zero, and shifts by a constant over 31, are rejected here so
// that they are caught without the optimiser too.
func (c *compiler) genArth(op uint16, a0, a1 *arth) *arth {
	if a1.s != nil && a1.s.s.code == bpf.LD|bpf.IMM {
		k := a1.s.s.k
		switch {
		case op == bpf.DIV && k == 0:
			c.fail("division by zero")
		case op == bpf.MOD && k == 0:
			c.fail("modulus by zero")
		case (op == bpf.LSH || op == bpf.RSH) && k > 31:
			c.fail("shift by more than 31 bits")
		}
	}
	s := c.toX(a1)
	s = sappend(s, c.toA(a0))
	s = sappend(s, c.newStmt(bpf.ALU|bpf.X|op, 0))
	a1.s = sappend(a1.s, s)
	a0.s = sappend(a0.s, a1.s)
	c.freeReg(a0.regno)
	c.freeReg(a1.regno)
	a0.regno = c.allocReg()
	a0.s = sappend(a0.s, c.newStmt(bpf.ST, uint32(a0.regno)))
	return a0
}

// genRelation is "a0 OP a1" for a jump op (JEQ, JGT, JGE), negated when
// reversed; the protocol checks of both sides are ANDed in front.
func (c *compiler) genRelation(op uint16, a0, a1 *arth, reversed bool) *block {
	s := c.toX(a1)
	s = sappend(s, c.toA(a0))
	a1.s = sappend(a1.s, s)
	a0.s = sappend(a0.s, a1.s)
	b := c.newBlock(bpf.JMP|op|bpf.X, 0)
	b.stmts = a0.s
	if reversed {
		c.genNot(b)
	}
	c.freeReg(a0.regno)
	c.freeReg(a1.regno)
	var chk *block
	switch {
	case a0.b != nil && a1.b != nil:
		chk = c.and(a0.b, a1.b)
	case a0.b != nil:
		chk = a0.b
	default:
		chk = a1.b
	}
	if chk != nil {
		return c.and(chk, b)
	}
	return b
}
