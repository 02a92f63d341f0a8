package filter

import "github.com/pcapshim/pcapshim/core/bpf"

// offrel says what an offset given to a load is relative to.
type offrel int

const (
	orPacket       offrel = iota // start of the packet
	orLinkhdr                    // the link-layer header
	orPrevLinkhdr                // the previous (outer) link-layer header
	orLLC                        // the 802.2 LLC header (= the link payload)
	orPrevMPLShdr                // the last MPLS header seen
	orLinktype                   // the link-layer type/length field
	orLinkpl                     // the network layer (link payload + offNl)
	orLinkplNosnap               // the network layer when there is no SNAP
	orTranIPv4                   // the transport header after an IPv4 header
	orTranIPv6                   // the transport header after a fixed IPv6 header
)

// absOffsetVarpart returns the statement loading the variable part of off
// into X, or nil when off is constant. The register is allocated on first
// use; the link-type prologue fills it.
func (c *compiler) absOffsetVarpart(off *absOffset) *slist {
	if !off.isVariable {
		return nil
	}
	if off.reg == -1 {
		off.reg = c.allocReg()
	}
	return c.newStmt(bpf.LDX|bpf.MEM, uint32(off.reg))
}

// loadAbsOffsetRel loads size bytes at offset from the start of off.
func (c *compiler) loadAbsOffsetRel(off *absOffset, offset uint32, size uint16) *slist {
	if s := c.absOffsetVarpart(off); s != nil {
		return sappend(s, c.newStmt(bpf.LD|bpf.IND|size, off.constPart+offset))
	}
	return c.newStmt(bpf.LD|bpf.ABS|size, off.constPart+offset)
}

// loadA returns statements leaving in A the size bytes (bpf.B, H or W) at
// offset relative to rel.
func (c *compiler) loadA(rel offrel, offset uint32, size uint16) *slist {
	switch rel {
	case orPacket:
		return c.newStmt(bpf.LD|bpf.ABS|size, offset)
	case orLinkhdr:
		return c.loadAbsOffsetRel(&c.offLinkhdr, offset, size)
	case orPrevLinkhdr:
		return c.loadAbsOffsetRel(&c.offPrevLinkhdr, offset, size)
	case orLLC:
		return c.loadAbsOffsetRel(&c.offLinkpl, offset, size)
	case orPrevMPLShdr:
		return c.loadAbsOffsetRel(&c.offLinkpl, c.offNl-4+offset, size)
	case orLinkpl:
		return c.loadAbsOffsetRel(&c.offLinkpl, c.offNl+offset, size)
	case orLinkplNosnap:
		return c.loadAbsOffsetRel(&c.offLinkpl, c.offNlNosnap+offset, size)
	case orLinktype:
		return c.loadAbsOffsetRel(&c.offLinktype, offset, size)
	case orTranIPv4:
		s := c.loadXIPHdrLen()
		return sappend(s, c.newStmt(bpf.LD|bpf.IND|size, c.offLinkpl.constPart+c.offNl+offset))
	case orTranIPv6:
		return c.loadAbsOffsetRel(&c.offLinkpl, c.offNl+40+offset, size)
	}
	c.fail("internal error: bad offset base %d", rel)
	return nil
}

// loadXIPHdrLen leaves in X the offset of the transport header after an
// IPv4 header, relative to the constant part of the link payload offset:
// the variable part (if any) plus 4 × the IHL nibble.
func (c *compiler) loadXIPHdrLen() *slist {
	nl := c.offLinkpl.constPart + c.offNl
	if s := c.absOffsetVarpart(&c.offLinkpl); s != nil {
		s = sappend(s, c.newStmt(bpf.LD|bpf.IND|bpf.B, nl))
		s = sappend(s, c.newStmt(bpf.ALU|bpf.AND|bpf.K, 0xf))
		s = sappend(s, c.newStmt(bpf.ALU|bpf.LSH|bpf.K, 2))
		s = sappend(s, c.newStmt(bpf.ALU|bpf.ADD|bpf.X, 0))
		return sappend(s, c.newStmt(bpf.MISC|bpf.TAX, 0))
	}
	return c.newStmt(bpf.LDX|bpf.MSH|bpf.B, nl)
}

// genNcmp compares (field & mask) with v using jump op; reverse negates
// the result (giving <=, < and !=), as libpcap master does for every op.
func (c *compiler) genNcmp(rel offrel, offset uint32, size uint16, mask uint32, op uint16, reverse bool, v uint32) *block {
	s := c.loadA(rel, offset, size)
	if mask != 0xffffffff {
		s = sappend(s, c.newStmt(bpf.ALU|bpf.AND|bpf.K, mask))
	}
	b := c.jmpBlock(op, v, s)
	if reverse {
		c.genNot(b)
	}
	return b
}

// genCmp is field == v.
func (c *compiler) genCmp(rel offrel, offset uint32, size uint16, v uint32) *block {
	return c.genNcmp(rel, offset, size, 0xffffffff, bpf.JEQ, false, v)
}

// genCmpGt is field > v; genCmpGe field >= v; genCmpLt field < v;
// genCmpLe field <= v.
func (c *compiler) genCmpGt(rel offrel, offset uint32, size uint16, v uint32) *block {
	return c.genNcmp(rel, offset, size, 0xffffffff, bpf.JGT, false, v)
}
func (c *compiler) genCmpGe(rel offrel, offset uint32, size uint16, v uint32) *block {
	return c.genNcmp(rel, offset, size, 0xffffffff, bpf.JGE, false, v)
}
func (c *compiler) genCmpLt(rel offrel, offset uint32, size uint16, v uint32) *block {
	return c.genNcmp(rel, offset, size, 0xffffffff, bpf.JGE, true, v)
}
func (c *compiler) genCmpLe(rel offrel, offset uint32, size uint16, v uint32) *block {
	return c.genNcmp(rel, offset, size, 0xffffffff, bpf.JGT, true, v)
}

// genMcmp is (field & mask) == v. With mask 0 the field does not matter:
// the result is the constant v == 0, as in libpcap master.
func (c *compiler) genMcmp(rel offrel, offset uint32, size uint16, v, mask uint32) *block {
	if mask == 0 {
		if v == 0 {
			return c.genTrue()
		}
		return c.genFalse()
	}
	return c.genNcmp(rel, offset, size, mask, bpf.JEQ, false, v)
}

// genBcmp compares the bytes at offset with want, four bytes at a time
// from the end, then two, then one, as libpcap orders the tests.
func (c *compiler) genBcmp(rel offrel, offset uint32, want []byte) *block {
	var b *block
	n := uint32(len(want))
	for n >= 4 {
		p := want[n-4:]
		v := uint32(p[0])<<24 | uint32(p[1])<<16 | uint32(p[2])<<8 | uint32(p[3])
		t := c.genCmp(rel, offset+n-4, bpf.W, v)
		if b != nil {
			c.genAnd(b, t)
		}
		b = t
		n -= 4
	}
	for n >= 2 {
		p := want[n-2:]
		t := c.genCmp(rel, offset+n-2, bpf.H, uint32(p[0])<<8|uint32(p[1]))
		if b != nil {
			c.genAnd(b, t)
		}
		b = t
		n -= 2
	}
	if n > 0 {
		t := c.genCmp(rel, offset, bpf.B, uint32(want[0]))
		if b != nil {
			c.genAnd(b, t)
		}
		b = t
	}
	return b
}
