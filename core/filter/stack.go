package filter

import "github.com/pcapshim/pcapshim/core/bpf"

// Encapsulations that shift the offsets of what follows them in the
// expression: "vlan [id]", "mpls [label]", "pppoed", "pppoes [id]",
// "geneve [vni]", "vxlan [vni]"; and the direction and interface
// primitives "inbound", "outbound" and "ifindex".
//
// Like libpcap, these generators change the compiler's idea of the link
// layout as a side effect: after "vlan" every later primitive looks 4
// bytes further, after "pppoes" it looks inside the PPP frame, after
// "geneve" or "vxlan" inside the encapsulated Ethernet frame, whose
// position is computed at run time into scratch registers.

// Linux socket-filter ancillary loads: an absolute load at skfAdOff plus
// one of these reads packet metadata instead of packet bytes.
const (
	skfAdOff            = 0xfffff000 // SKF_AD_OFF (-4096)
	skfAdPkttype        = 4
	skfAdIfindex        = 8
	skfAdVlanTag        = 44
	skfAdVlanTagPresent = 48
)

// Values the direction primitives compare with.
const (
	inbSLLOutgoing = 4 // LINUX_SLL_OUTGOING, also PACKET_OUTGOING
	inbIPNETOut    = 1
	inbIPNETIn     = 2
	inbPFIn        = 1
	inbPFOut       = 2
	inbPPPDIn      = 0
	inbPPPDOut     = 1
	inbSLIPIn      = 0
	inbSLIPOut     = 1
)

// Protocol types the encapsulation tests look for (Ethernet types, and
// PPP's for MPLS).
const (
	stkEther8021Q    = 0x8100
	stkEther8021AD   = 0x88a8
	stkEther8021QINQ = 0x9100
	stkEtherMPLS     = 0x8847
	stkPPPMPLSUcast  = 0x0281
	stkEtherPPPOED   = 0x8863
	stkEtherPPPOES   = 0x8864
	stkEtherIP       = 0x0800
	stkEtherIPv6     = 0x86dd
	stkEtherTEB      = 0x6558 // Transparent Ethernet Bridging
)

// UDP ports and header sizes of the tunnel encapsulations.
const (
	tunGenevePort = 6081
	tunVxlanPort  = 4789
	tunUDPHdrLen  = 8
	tunIPv6HdrLen = 40
	tunIPProtoUDP = 17
)

// stkSet is "(field & mask) != 0" as one jset; stkUnset is its negation.
func (c *compiler) stkSet(rel offrel, offset uint32, size uint16, mask uint32) *block {
	return c.jmpBlock(bpf.JSET, mask, c.loadA(rel, offset, size))
}

func (c *compiler) stkUnset(rel offrel, offset uint32, size uint16, mask uint32) *block {
	b := c.stkSet(rel, offset, size, mask)
	c.genNot(b)
	return b
}

// stkCheckMax rejects a number too large for the field it is compared
// with, in libpcap's words.
func (c *compiler) stkCheckMax(what string, v, max uint32) {
	if v > max {
		c.fail("%s %d greater than maximum %d", what, v, max)
	}
}

// pushLinkhdr makes a new link-layer header current: the current one
// becomes the previous one (only two levels are remembered, as in
// libpcap), and the encapsulation flag is cleared.
func (c *compiler) pushLinkhdr(linktype int, isVariable bool, constPart uint32, reg int) {
	c.prevLinktype = c.linktype
	c.offPrevLinkhdr = c.offLinkhdr
	c.linktype = linktype
	c.offLinkhdr = absOffset{constPart: constPart, isVariable: isVariable, reg: reg}
	c.isEncap = false
}

// genVlan is "vlan [num]": an 802.1Q/802.1ad/QinQ tag, optionally with
// VLAN ID num, after which everything is looked for 4 bytes further.
func (c *compiler) genVlan(num uint32, hasNum bool) *block {
	// A VLAN tag inside an MPLS payload cannot be recognised.
	if c.labelStackDepth > 0 {
		c.fail("no VLAN match after MPLS")
	}
	var b *block
	switch c.linktype {
	case dltEN10MB, dltNETANALYZER, dltNETANALYZER_TRANSP:
		// The kernel may have taken the outermost tag out of the packet
		// into metadata; only the outer header of a live capture can be
		// in that state.
		outer := c.vlanStackDepth == 0 && !c.offLinkhdr.isVariable &&
			c.offLinkhdr.constPart == c.offOutermostLinkhdr.constPart
		if c.opts.LinuxExt && outer {
			b = c.genVlanAncillary(num, hasNum)
		} else {
			b = c.genVlanInPacket(num, hasNum)
		}
	case dltDSA_TAG_BRCM, dltDSA_TAG_DSA,
		dltIEEE802_11, dltPRISM_HEADER, dltIEEE802_11_RADIO_AVS, dltIEEE802_11_RADIO:
		b = c.genVlanInPacket(num, hasNum)
	default:
		c.failKwOnDLT("vlan")
	}
	c.vlanStackDepth++
	return b
}

// genVlanTPID tests the type field for one of the VLAN tag protocol IDs.
func (c *compiler) genVlanTPID() *block {
	b := c.genLinktype(stkEther8021Q)
	t := c.genLinktype(stkEther8021AD)
	c.genOr(b, t)
	b = c.genLinktype(stkEther8021QINQ)
	c.genOr(t, b)
	return b
}

// genVlanVID tests the 12-bit VLAN ID in the tag control information.
func (c *compiler) genVlanVID(num uint32) *block {
	c.stkCheckMax("VLAN tag", num, 0x0fff)
	return c.genMcmp(orLinkpl, 0, bpf.H, num, 0x0fff)
}

// genVlanInPacket is "vlan" when the tag is in the packet data: the
// constant offsets of the type field and payload move past the tag.
func (c *compiler) genVlanInPacket(num uint32, hasNum bool) *block {
	b := c.genVlanTPID()
	if hasNum {
		v := c.genVlanVID(num)
		c.genAnd(b, v)
		b = v
	}
	c.offLinkpl.constPart += 4
	c.offLinktype.constPart += 4
	return b
}

// genVlanAncillary is "vlan" for a Linux socket filter. The outermost tag
// is either in metadata (SKF_AD_VLAN_TAG_PRESENT) or still in the packet;
// which one is known only at run time, so the payload and type offsets
// get a variable part, 0 or 4, kept in registers the prologue zeroes.
//
// The tests are generated first, with the offsets as they were, and the
// statements moving the offsets are then put in front of the TPID test,
// so that they run exactly when the tag is in the packet.
func (c *compiler) genVlanAncillary(num uint32, hasNum bool) *block {
	b := c.jmpBlock(bpf.JEQ, 1, c.newStmt(bpf.LD|bpf.B|bpf.ABS, skfAdOff+skfAdVlanTagPresent))
	tpid := c.genVlanTPID()
	var vid *block
	if hasNum {
		vid = c.genVlanVID(num)
	}

	c.isVlanVloffset = true
	var shift *slist
	shift = c.vloffsetAdd(&c.offLinkpl, 4, shift)
	shift = c.vloffsetAdd(&c.offLinktype, 4, shift)
	tpid.head.stmts = sappend(shift, tpid.head.stmts)
	c.genOr(b, tpid)
	b = tpid

	if hasNum {
		c.vlanVIDFromMetadata(vid)
		c.genAnd(b, vid)
		b = vid
	}
	return b
}

// vloffsetAdd makes off variable (allocating its register if needed) and
// appends to s the statements adding v to that register.
func (c *compiler) vloffsetAdd(off *absOffset, v uint32, s *slist) *slist {
	off.isVariable = true
	if off.reg == -1 {
		off.reg = c.allocReg()
	}
	s = sappend(s, c.newStmt(bpf.LD|bpf.MEM, uint32(off.reg)))
	s = sappend(s, c.newStmt(bpf.ALU|bpf.ADD|bpf.K, v))
	return sappend(s, c.newStmt(bpf.ST, uint32(off.reg)))
}

// vlanVIDFromMetadata makes the VLAN ID test vid take the tag control
// information from metadata when the kernel stripped the tag: it loads
// it from there and jumps over the packet load to the masking.
func (c *compiler) vlanVIDFromMetadata(vid *block) {
	n := uint32(0)
	for s := vid.stmts; s != nil; s = s.next {
		n++
	}
	present := c.newStmt(bpf.LD|bpf.B|bpf.ABS, skfAdOff+skfAdVlanTagPresent)
	test := c.newStmt(bpf.JMP|bpf.JEQ|bpf.K, 1)
	tci := c.newStmt(bpf.LD|bpf.H|bpf.ABS, skfAdOff+skfAdVlanTag)
	test.s.jt = tci
	test.s.jf = vid.stmts
	// The packet load is the first statement of the test; the jump
	// lands on the one after it.
	skip := c.newStmt(bpf.JMP|bpf.JA, n-1)
	s := sappend(present, test)
	s = sappend(s, tci)
	s = sappend(s, skip)
	vid.stmts = sappend(s, vid.stmts)
}

// genMpls is "mpls [label]": an MPLS label stack entry, optionally with
// the given label, after which the network layer is 4 bytes further.
func (c *compiler) genMpls(label uint32, hasNum bool) *block {
	var b *block
	if c.labelStackDepth > 0 {
		// Inside a label stack, the previous entry must not have had
		// the bottom-of-stack bit.
		b = c.stkUnset(orPrevMPLShdr, 2, bpf.B, 0x01)
	} else {
		switch c.linktype {
		case dltC_HDLC, dltEN10MB, dltNETANALYZER, dltNETANALYZER_TRANSP,
			dltDSA_TAG_BRCM, dltDSA_TAG_DSA:
			b = c.genLinktype(stkEtherMPLS)
		case dltPPP:
			b = c.genLinktype(stkPPPMPLSUcast)
		default:
			c.failKwOnDLT("mpls")
		}
	}
	if hasNum {
		c.stkCheckMax("MPLS label", label, 0xfffff)
		// The label is the top 20 bits of the entry.
		l := c.genMcmp(orLinkpl, 0, bpf.W, label<<12, 0xfffff000)
		c.genAnd(b, l)
		b = l
	}
	c.offNlNosnap += 4
	c.offNl += 4
	c.labelStackDepth++
	return b
}

// genPppoed is "pppoed": a PPPoE discovery frame.
func (c *compiler) genPppoed() *block {
	return c.genLinktype(stkEtherPPPOED)
}

// genPppoes is "pppoes [id]": a PPPoE session frame, optionally of
// session id; what follows is looked for in the PPP frame it carries.
func (c *compiler) genPppoes(id uint32, hasNum bool) *block {
	b := c.genLinktype(stkEtherPPPOES)
	if hasNum {
		c.stkCheckMax("PPPoE session number", id, 0xffff)
		s := c.genCmp(orLinkpl, 2, bpf.H, id)
		c.genAnd(b, s)
		b = s
	}
	// The PPP frame follows the 6-byte PPPoE header, without HDLC
	// framing: its protocol field is the new type field and its
	// payload starts 2 bytes later.
	c.pushLinkhdr(dltPPP, c.offLinkpl.isVariable, c.offLinkpl.constPart+c.offNl+6, c.offLinkpl.reg)
	c.offLinktype = c.offLinkhdr
	c.offLinkpl.constPart = c.offLinkhdr.constPart + 2
	c.offNl = 0
	c.offNlNosnap = 0
	return b
}

// stkUDPDstPort4 is "udp dst port port" over IPv4, as libpcap's port
// generator builds it: IPv4, protocol UDP, first fragment, port.
func (c *compiler) stkUDPDstPort4(port uint32) *block {
	b := c.genLinktype(stkEtherIP)
	p := c.genCmp(orLinkpl, 9, bpf.B, tunIPProtoUDP)
	f := c.stkUnset(orLinkpl, 6, bpf.H, 0x1fff)
	c.genAnd(p, f)
	d := c.genCmp(orTranIPv4, 2, bpf.H, port)
	c.genAnd(f, d)
	c.genAnd(b, d)
	return d
}

// stkUDPDstPort6 is "udp dst port port" over IPv6 (no extension headers).
func (c *compiler) stkUDPDstPort6(port uint32) *block {
	b := c.genLinktype(stkEtherIPv6)
	p := c.genCmp(orLinkpl, 6, bpf.B, tunIPProtoUDP)
	d := c.genCmp(orTranIPv6, 2, bpf.H, port)
	c.genAnd(p, d)
	c.genAnd(b, d)
	return d
}

// tunnelIP4 finishes the IPv4 branch of a UDP tunnel test: the block it
// returns leaves in A the IPv4 header length plus the variable part of
// the payload offset, which the offset computation starts from. It is a
// "jeq x" after "txa", so it is always true.
func (c *compiler) tunnelIP4(check *block) *block {
	s := c.loadXIPHdrLen()
	s = sappend(s, c.newStmt(bpf.MISC|bpf.TXA, 0))
	b := c.newBlock(bpf.JMP|bpf.JEQ|bpf.X, 0)
	b.stmts = s
	c.genAnd(check, b)
	return b
}

// tunnelIP6 is tunnelIP4 for IPv6, whose header has a fixed length.
func (c *compiler) tunnelIP6(check *block) *block {
	s := c.absOffsetVarpart(&c.offLinkpl)
	if s != nil {
		s = sappend(s, c.newStmt(bpf.LD|bpf.IMM, tunIPv6HdrLen))
		s = sappend(s, c.newStmt(bpf.ALU|bpf.ADD|bpf.X, 0))
	} else {
		s = c.newStmt(bpf.LD|bpf.IMM, tunIPv6HdrLen)
	}
	s = sappend(s, c.newStmt(bpf.MISC|bpf.TAX, 0))
	b := c.newBlock(bpf.JMP|bpf.JEQ|bpf.X, 0)
	b.stmts = s
	c.genAnd(check, b)
	return b
}

// tunnelFinish ANDs onto test, the tunnel recognised over IPv4 or IPv6,
// a block that runs the offset computation s and is always true, and
// marks what follows as encapsulated.
func (c *compiler) tunnelFinish(test *block, s *slist) *block {
	t := c.genTrue()
	t.stmts = sappend(s, t.stmts)
	// Always true, but not to be folded away by genAnd: its statements
	// must run.
	t.konst = 0
	c.genAnd(test, t)
	c.isEncap = true
	return t
}

// geneveCheck tests for a Geneve version 0 header (optionally with VNI
// vni) after the UDP header, whose position rel gives.
func (c *compiler) geneveCheck(udp *block, rel offrel, vni uint32, hasNum bool) *block {
	b := udp
	v := c.genMcmp(rel, 8, bpf.B, 0, 0xc0)
	c.genAnd(b, v)
	b = v
	if hasNum {
		c.stkCheckMax("Geneve VNI", vni, 0xffffff)
		n := c.genMcmp(rel, 12, bpf.W, vni<<8, 0xffffff00)
		c.genAnd(b, n)
		b = n
	}
	return b
}

// genGeneve is "geneve [vni]": Geneve over UDP port 6081 (IPv4 or IPv6),
// after which primitives apply to the encapsulated frame.
func (c *compiler) genGeneve(vni uint32, hasNum bool) *block {
	b4 := c.tunnelIP4(c.geneveCheck(c.stkUDPDstPort4(tunGenevePort), orTranIPv4, vni, hasNum))
	b6 := c.tunnelIP6(c.geneveCheck(c.stkUDPDstPort6(tunGenevePort), orTranIPv6, vni, hasNum))
	c.genOr(b4, b6)
	return c.tunnelFinish(b6, c.geneveOffsets())
}

// geneveOffsets computes, from the IP header length in A, where the
// Geneve payload's type field, link header and link payload are, into
// new registers. The payload is an Ethernet frame if the Geneve protocol
// type is Transparent Ethernet Bridging, and otherwise starts right after
// the Geneve header, whose protocol type then serves as the type field.
func (c *compiler) geneveOffsets() *slist {
	// The Geneve header: after the link payload offset, the network
	// layer offset and the UDP header. Keep it in X.
	s := c.newStmt(bpf.ALU|bpf.ADD|bpf.K, c.offLinkpl.constPart+c.offNl+tunUDPHdrLen)
	s = sappend(s, c.newStmt(bpf.MISC|bpf.TAX, 0))

	// Its protocol type is 2 bytes in.
	s = sappend(s, c.newStmt(bpf.ALU|bpf.ADD|bpf.K, 2))
	c.offLinktype = absOffset{isVariable: true, reg: c.allocReg()}
	s = sappend(s, c.newStmt(bpf.ST, uint32(c.offLinktype.reg)))

	// Its length: 8 bytes plus 4 × the option length in the first byte.
	s = sappend(s, c.newStmt(bpf.LD|bpf.IND|bpf.B, 0))
	s = sappend(s, c.newStmt(bpf.ALU|bpf.AND|bpf.K, 0x3f))
	s = sappend(s, c.newStmt(bpf.ALU|bpf.MUL|bpf.K, 4))
	s = sappend(s, c.newStmt(bpf.ALU|bpf.ADD|bpf.K, 8))
	s = sappend(s, c.newStmt(bpf.ALU|bpf.ADD|bpf.X, 0))

	// What follows is taken to be Ethernet; it is checked at run time
	// before Ethernet-specific tests.
	c.pushLinkhdr(dltEN10MB, true, 0, c.allocReg())
	s = sappend(s, c.newStmt(bpf.ST, uint32(c.offLinkhdr.reg)))

	// The jump below is not a block edge, which the optimiser cannot
	// handle.
	c.noOptimize = true

	s = sappend(s, c.newStmt(bpf.LD|bpf.IND|bpf.H, 2))
	s = sappend(s, c.newStmt(bpf.LDX|bpf.MEM, uint32(c.offLinkhdr.reg)))
	teb := c.newStmt(bpf.JMP|bpf.JEQ|bpf.K, stkEtherTEB)
	s = sappend(s, teb)

	// An Ethernet frame: its type field is 12 bytes in, its payload 14.
	ether := c.newStmt(bpf.MISC|bpf.TXA, 0)
	teb.s.jt = ether
	s = sappend(s, ether)
	s = sappend(s, c.newStmt(bpf.ALU|bpf.ADD|bpf.K, 12))
	s = sappend(s, c.newStmt(bpf.ST, uint32(c.offLinktype.reg)))
	s = sappend(s, c.newStmt(bpf.ALU|bpf.ADD|bpf.K, 2))
	s = sappend(s, c.newStmt(bpf.MISC|bpf.TAX, 0))

	// X is now the payload offset in both cases.
	c.offLinkpl = absOffset{isVariable: true, reg: c.allocReg()}
	store := c.newStmt(bpf.STX, uint32(c.offLinkpl.reg))
	teb.s.jf = store
	s = sappend(s, store)

	c.offNl = 0
	return s
}

// vxlanCheck tests for a VXLAN header with the I flag (optionally with
// VNI vni) after the UDP header, whose position rel gives.
func (c *compiler) vxlanCheck(udp *block, rel offrel, vni uint32, hasNum bool) *block {
	b := udp
	f := c.genCmp(rel, 8, bpf.B, 0x08)
	c.genAnd(b, f)
	b = f
	if hasNum {
		c.stkCheckMax("VXLAN VNI", vni, 0xffffff)
		n := c.genMcmp(rel, 12, bpf.W, vni<<8, 0xffffff00)
		c.genAnd(b, n)
		b = n
	}
	return b
}

// genVxlan is "vxlan [vni]": VXLAN over UDP port 4789 (IPv4 or IPv6),
// after which primitives apply to the encapsulated Ethernet frame.
func (c *compiler) genVxlan(vni uint32, hasNum bool) *block {
	b4 := c.tunnelIP4(c.vxlanCheck(c.stkUDPDstPort4(tunVxlanPort), orTranIPv4, vni, hasNum))
	b6 := c.tunnelIP6(c.vxlanCheck(c.stkUDPDstPort6(tunVxlanPort), orTranIPv6, vni, hasNum))
	c.genOr(b4, b6)
	return c.tunnelFinish(b6, c.vxlanOffsets())
}

// vxlanOffsets computes, from the IP header length in A, where the inner
// Ethernet frame, its type field and its payload are, into new
// registers. The VXLAN header is 8 bytes long.
func (c *compiler) vxlanOffsets() *slist {
	s := c.newStmt(bpf.ALU|bpf.ADD|bpf.K, c.offLinkpl.constPart+c.offNl+tunUDPHdrLen)
	s = sappend(s, c.newStmt(bpf.ALU|bpf.ADD|bpf.K, 8))
	c.pushLinkhdr(dltEN10MB, true, 0, c.allocReg())
	s = sappend(s, c.newStmt(bpf.ST, uint32(c.offLinkhdr.reg)))

	s = sappend(s, c.newStmt(bpf.ALU|bpf.ADD|bpf.K, 12))
	c.offLinktype = absOffset{isVariable: true, reg: c.allocReg()}
	s = sappend(s, c.newStmt(bpf.ST, uint32(c.offLinktype.reg)))

	s = sappend(s, c.newStmt(bpf.ALU|bpf.ADD|bpf.K, 2))
	s = sappend(s, c.newStmt(bpf.MISC|bpf.TAX, 0))
	c.offLinkpl = absOffset{isVariable: true, reg: c.allocReg()}
	s = sappend(s, c.newStmt(bpf.STX, uint32(c.offLinkpl.reg)))

	c.offNl = 0
	return s
}

// failNotLive rejects a primitive that needs packet metadata only a
// live Linux capture has.
func (c *compiler) failNotLive(kw string) {
	if c.opts.Live {
		c.failKwOnDLT(kw)
	}
	c.fail("not a live capture, '%s' not supported on %s", kw, dltString(c.linktype))
}

// genInbound is "inbound" (outbound false) or "outbound" (true), from
// the link-layer header where it records the direction, or else from
// the socket's packet type on a live Linux capture.
func (c *compiler) genInbound(outbound bool) *block {
	pick := func(in, out uint32) uint32 {
		if outbound {
			return out
		}
		return in
	}
	var b *block
	switch lt := c.linktype; {
	case lt == dltSLIP:
		b = c.genCmp(orLinkhdr, 0, bpf.B, pick(inbSLIPIn, inbSLIPOut))
	case lt == dltIPNET:
		b = c.genCmp(orLinkhdr, 2, bpf.H, pick(inbIPNETIn, inbIPNETOut))
	case lt == dltLINUX_SLL:
		b = c.genCmp(orLinkhdr, 0, bpf.H, inbSLLOutgoing)
		if !outbound {
			c.genNot(b)
		}
	case lt == dltLINUX_SLL2:
		b = c.genCmp(orLinkhdr, 10, bpf.B, inbSLLOutgoing)
		if !outbound {
			c.genNot(b)
		}
	case lt == dltPFLOG:
		b = c.genCmp(orLinkhdr, 60, bpf.B, pick(inbPFIn, inbPFOut))
	case lt == dltPPP_PPPD:
		b = c.genCmp(orLinkhdr, 0, bpf.B, pick(inbPPPDIn, inbPPPDOut))
	case isJuniper(lt):
		// The flags byte after the 3-byte magic number; bit 0 is set
		// for frames the router received.
		b = c.genMcmp(orLinkhdr, 3, bpf.B, pick(1, 0), 0x01)
	case lt == dltDSA_TAG_BRCM:
		// The opcode (top 3 bits of the first tag byte) is 0 for
		// frames from the switch to the host and 1 the other way.
		b = c.genMcmp(orLinkhdr, 12, bpf.B, pick(0x00, 0x20), 0xe0)
	case lt == dltDSA_TAG_DSA:
		// Frames the switch sends to the CPU are TO_CPU (0b00) or
		// FORWARD with bit 6 clear; the host sends FROM_CPU (0b01).
		if outbound {
			b = c.genMcmp(orLinkhdr, 12, bpf.B, 0x40, 0xc0)
		} else {
			b = c.genMcmp(orLinkhdr, 12, bpf.B, 0x00, 0x40)
		}
	default:
		kw := "inbound"
		if outbound {
			kw = "outbound"
		}
		if !c.opts.LinuxExt {
			c.failNotLive(kw)
		}
		b = c.genCmp(orLinkhdr, skfAdOff+skfAdPkttype, bpf.H, inbSLLOutgoing)
		if !outbound {
			c.genNot(b)
		}
	}
	return b
}

// genIfindex is "ifindex N": the interface a packet was captured on.
func (c *compiler) genIfindex(ifindex int) *block {
	if c.linktype == dltLINUX_SLL2 {
		return c.genCmp(orLinkhdr, 4, bpf.W, uint32(ifindex))
	}
	if !c.opts.LinuxExt {
		c.failNotLive("ifindex")
	}
	return c.genCmp(orLinkhdr, skfAdOff+skfAdIfindex, bpf.W, uint32(ifindex))
}
