package filter

import "github.com/pcapshim/pcapshim/core/bpf"

// The prologue: statements at the start of the program that compute the
// variable parts of the link-layer offsets into their registers. Only
// offsets some generated code used (that got a register) are computed.
// Several prologues branch inside the statement list, which the
// optimiser cannot handle, so they turn it off.

// stmtList builds a statement list by appending, returning the node of
// each statement so jumps inside the list can target it.
type stmtList struct {
	c          *compiler
	head, tail *slist
}

func (l *stmtList) add(code uint16, k uint32) *slist {
	n := l.c.newStmt(code, k)
	l.addList(n)
	return n
}

func (l *stmtList) addList(s *slist) {
	if s == nil {
		return
	}
	if l.head == nil {
		l.head = s
	} else {
		l.tail.next = s
	}
	for l.tail = s; l.tail.next != nil; l.tail = l.tail.next {
	}
}

// jump appends a conditional jump whose targets are set later.
func (l *stmtList) jump(op uint16, k uint32) *slist {
	return l.add(bpf.JMP|op|bpf.K, k)
}

// radiotapLenPrologue stores the little-endian radiotap (or PPI) header
// length from bytes 2..3 in the link header's register and leaves it in X.
func (c *compiler) radiotapLenPrologue(l *stmtList) {
	l.add(bpf.LD|bpf.B|bpf.ABS, 3)
	l.add(bpf.ALU|bpf.LSH|bpf.K, 8)
	l.add(bpf.MISC|bpf.TAX, 0)
	l.add(bpf.LD|bpf.B|bpf.ABS, 2)
	l.add(bpf.ALU|bpf.OR|bpf.X, 0)
	l.add(bpf.ST, uint32(c.offLinkhdr.reg))
	l.add(bpf.MISC|bpf.TAX, 0)
}

// avsLenPrologue stores the big-endian AVS header length (bytes 4..7).
func (c *compiler) avsLenPrologue(l *stmtList) {
	l.add(bpf.LD|bpf.W|bpf.ABS, 4)
	l.add(bpf.ST, uint32(c.offLinkhdr.reg))
	l.add(bpf.MISC|bpf.TAX, 0)
}

// prismLenPrologue handles DLT_PRISM_HEADER, whose captures may carry an
// AVS header instead (cookie 0x80211xxx): its length field, else 144.
func (c *compiler) prismLenPrologue(l *stmtList) {
	l.add(bpf.LD|bpf.W|bpf.ABS, 0)
	l.add(bpf.ALU|bpf.AND|bpf.K, 0xfffff000)
	isAVS := l.jump(bpf.JEQ, 0x80211000)
	avs := l.add(bpf.LD|bpf.W|bpf.ABS, 4)
	skip := l.add(bpf.JMP|bpf.JA|bpf.K, 1)
	prism := l.add(bpf.LD|bpf.W|bpf.IMM, 144)
	store := l.add(bpf.ST, uint32(c.offLinkhdr.reg))
	l.add(bpf.MISC|bpf.TAX, 0)
	isAVS.s.jt, isAVS.s.jf = avs, prism
	skip.s.jf = store
}

// wlanHeaderLenPrologue computes the 802.11 header length into the link
// payload's register: 24 bytes, 2 more for QoS data frames, rounded up to
// a multiple of 4 when a radiotap header says the driver padded it. X
// holds the radio header length on entry when prefix is true. next is
// the first statement of the rest of the program, where the checks branch
// to when they are done.
func (c *compiler) wlanHeaderLenPrologue(l *stmtList, prefix bool, next *slist) {
	if c.offLinkpl.reg == -1 {
		return
	}
	c.noOptimize = true
	reg := uint32(c.offLinkpl.reg)
	if !prefix {
		l.add(bpf.LDX|bpf.IMM, c.offOutermostLinkhdr.constPart)
	}
	l.add(bpf.MISC|bpf.TXA, 0)
	l.add(bpf.ALU|bpf.ADD|bpf.K, 24)
	l.add(bpf.ST, reg)
	l.add(bpf.LD|bpf.IND|bpf.B, 0)

	// Only data frames (type bit 0x08 set, 0x04 clear) can be QoS.
	isData := l.jump(bpf.JSET, wlanFC0TypeData)
	isCtl := l.jump(bpf.JSET, wlanFC0TypeCtl)
	isQoS := l.jump(bpf.JSET, wlanFC0SubtypeQoS)
	isData.s.jt, isData.s.jf = isCtl, next
	isCtl.s.jt, isCtl.s.jf = next, isQoS
	isQoS.s.jt = l.add(bpf.LD|bpf.MEM, reg)
	l.add(bpf.ALU|bpf.ADD|bpf.K, 2)
	l.add(bpf.ST, reg)

	// Master looks at the current link type: after geneve/vxlan it is
	// Ethernet and the radiotap padding code is left out.
	if c.linktype != dltIEEE802_11_RADIO {
		isQoS.s.jf = next
		return
	}
	// Radiotap flags (present-word bit 1, little-endian in the packet):
	// with the data-pad flag the header is padded to 4 bytes. Only a
	// single presence word is handled; the flags byte is at 8, or at 16
	// after a TSFT field.
	isQoS.s.jf = l.add(bpf.LD|bpf.ABS|bpf.W, 4)
	hasFlags := l.jump(bpf.JSET, swap32(0x00000002))
	hasExt := l.jump(bpf.JSET, swap32(0x80000000))
	hasTSFT := l.jump(bpf.JSET, swap32(0x00000001))
	hasFlags.s.jt, hasFlags.s.jf = hasExt, next
	hasExt.s.jt, hasExt.s.jf = next, hasTSFT
	hasTSFT.s.jt = l.add(bpf.LD|bpf.ABS|bpf.B, 16)
	padTSFT := l.jump(bpf.JSET, 0x20)
	hasTSFT.s.jf = l.add(bpf.LD|bpf.ABS|bpf.B, 8)
	padNoTSFT := l.jump(bpf.JSET, 0x20)
	round := l.add(bpf.LD|bpf.MEM, reg)
	l.add(bpf.ALU|bpf.ADD|bpf.K, 3)
	l.add(bpf.ALU|bpf.AND|bpf.K, ^uint32(3))
	l.add(bpf.ST, reg)
	padTSFT.s.jt, padTSFT.s.jf = round, next
	padNoTSFT.s.jt, padNoTSFT.s.jf = round, next
}

// pflogLenPrologue stores the pflog header length (first byte, rounded up
// to a multiple of 4) in the link payload's register.
func (c *compiler) pflogLenPrologue(l *stmtList) {
	if c.offLinkpl.reg == -1 {
		return
	}
	l.add(bpf.LD|bpf.B|bpf.ABS, 0)
	l.add(bpf.ALU|bpf.ADD|bpf.K, 3)
	l.add(bpf.ALU|bpf.AND|bpf.K, 0xfffffffc)
	l.add(bpf.ST, uint32(c.offLinkpl.reg))
	l.add(bpf.MISC|bpf.TAX, 0)
}

// insertComputeVloffsets puts at the start of the entry block the
// statements that load variable link-layer header lengths into the
// registers of variable offsets.
func (c *compiler) insertComputeVloffsets(head *block) {
	// The prologue belongs after the per-packet DLT check of PPI, in the
	// block that was the entry before the check was put in front.
	if c.ppiCheck != nil && head == c.ppiCheck && head.jt != nil {
		head = head.jt
	}
	// The payload offset includes the radio header length, so computing
	// it needs that length too.
	if c.offLinkpl.reg != -1 && c.offLinkhdr.isVariable && c.offLinkhdr.reg == -1 {
		c.offLinkhdr.reg = c.allocReg()
	}

	l := &stmtList{c: c}
	if c.outermostLinktype == dltPRISM_HEADER {
		// Set whether or not the prologue is needed, as libpcap does.
		c.noOptimize = true
	}
	if c.offLinkhdr.reg != -1 {
		switch c.outermostLinktype {
		case dltPRISM_HEADER:
			c.prismLenPrologue(l)
		case dltIEEE802_11_RADIO_AVS:
			c.avsLenPrologue(l)
		case dltIEEE802_11_RADIO, dltPPI:
			c.radiotapLenPrologue(l)
		}
	}
	switch c.outermostLinktype {
	case dltIEEE802_11, dltPRISM_HEADER, dltIEEE802_11_RADIO_AVS, dltIEEE802_11_RADIO, dltPPI:
		c.wlanHeaderLenPrologue(l, l.head != nil, head.stmts)
	case dltPFLOG:
		c.pflogLenPrologue(l)
	}

	if l.head == nil && c.isVlanVloffset {
		if c.offLinkpl.reg == -1 {
			c.offLinkpl.reg = c.allocReg()
		}
		if c.offLinktype.reg == -1 {
			c.offLinktype.reg = c.allocReg()
		}
		l.add(bpf.LD|bpf.W|bpf.IMM, 0)
		l.add(bpf.ST, uint32(c.offLinkpl.reg))
		l.add(bpf.ST, uint32(c.offLinktype.reg))
	}
	if l.head != nil {
		l.addList(head.stmts)
		head.stmts = l.head
	}
}

// genPPIDLTCheck returns the check of the per-packet DLT of a PPI header
// (nil for other link types): this code handles only 802.11 inside PPI.
// The field is little-endian.
func (c *compiler) genPPIDLTCheck() *block {
	if c.linktype != dltPPI {
		return nil
	}
	b := c.genCmp(orPacket, 4, bpf.W, swap32(dltIEEE802_11))
	c.ppiCheck = b
	return b
}
