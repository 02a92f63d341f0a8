package filter

import "github.com/pcapshim/pcapshim/core/bpf"

// genLinktype tests the link-layer protocol type (an Ethertype, or an LLC
// SAP below 0x0600, or one of libpcap's LINUX_SLL pseudo types).
func (c *compiler) genLinktype(ll uint32) *block {
	// Inside MPLS only the IP version can be told.
	if c.labelStackDepth > 0 {
		return c.genMplsLinktype(ll)
	}

	lt := c.linktype
	switch {
	case isEtherLike(lt):
		var b0 *block
		if !c.isEncap {
			b0 = c.genPrevLinkhdrCheck()
		}
		b1 := c.genEtherLinktype(ll)
		if b0 != nil {
			c.genAnd(b0, b1)
		}
		return b1

	case isWlan(lt):
		// Only data frames carry a payload with a protocol.
		b0 := c.genMcmp(orLinkhdr, 0, bpf.B, wlanFC0TypeData, wlanFC0TypeMask)
		b1 := c.genLLCLinktype(ll)
		c.genAnd(b0, b1)
		return b1

	case isJuniper(lt):
		// Only the magic number can be checked for now.
		return c.genMcmp(orLinkhdr, 0, bpf.W, 0x4d474300, 0xffffff00)
	}

	switch lt {
	case dltC_HDLC, dltHDLC:
		c.llAssertMax("HDLC protocol", ll, 0xffff)
		if ll == llcsapISONS {
			ll = ll<<8 | llcsapISONS
		}
		return c.genCmp(orLinktype, 0, bpf.H, ll)

	case dltFDDI, dltIEEE802, dltATM_RFC1483, dltATM_CLIP, dltIP_OVER_FC:
		return c.genLLCLinktype(ll)

	case dltSUNATM:
		// LLC-encapsulated traffic ("lane" switches the link type to
		// Ethernet for what follows).
		b0 := c.sunatmProtoType(sunatmPTLLC)
		b1 := c.genLLCLinktype(ll)
		c.genAnd(b0, b1)
		return b1

	case dltLINUX_SLL:
		return c.genLinuxSLLLinktype(ll)

	case dltSLIP, dltSLIP_BSDOS, dltRAW:
		// No type field: look at the IP version.
		switch ll {
		case ethertypeIP:
			return c.genMcmp(orLinkhdr, 0, bpf.B, 0x40, 0xf0)
		case ethertypeIPv6:
			return c.genMcmp(orLinkhdr, 0, bpf.B, 0x60, 0xf0)
		}
		return c.genFalse()

	case dltIPV4:
		if ll == ethertypeIP {
			return c.genTrue()
		}
		return c.genFalse()

	case dltIPV6:
		if ll == ethertypeIPv6 {
			return c.genTrue()
		}
		return c.genFalse()

	case dltPPP, dltPPP_PPPD, dltPPP_SERIAL, dltPPP_ETHER:
		return c.genCmp(orLinktype, 0, bpf.H, c.ethertypeToPPPType(ll))

	case dltPPP_BSDOS:
		if ll == ethertypeIP {
			// IP, or Van Jacobson compressed or uncompressed TCP/IP.
			b0 := c.genCmp(orLinktype, 0, bpf.H, pppIP)
			b1 := c.genCmp(orLinktype, 0, bpf.H, pppVJC)
			c.genOr(b0, b1)
			b0 = c.genCmp(orLinktype, 0, bpf.H, pppVJNC)
			c.genOr(b1, b0)
			return b0
		}
		return c.genCmp(orLinktype, 0, bpf.H, c.ethertypeToPPPType(ll))

	case dltNULL, dltLOOP, dltENC:
		return c.genAFLinktype(ll, orLinkhdr, 0, bpf.W)

	case dltPFLOG:
		// The one-byte address family of the pflog header.
		return c.genAFLinktype(ll, orLinkhdr, 1, bpf.B)

	case dltARCNET, dltARCNET_LINUX:
		// RFC 1201 system codes only: the payload offsets assume that
		// encoding.
		var sc uint32
		switch ll {
		case ethertypeIPv6:
			sc = arctypeINET6
		case ethertypeIP:
			sc = arctypeIP
		case ethertypeARP:
			sc = arctypeARP
		case ethertypeRevARP:
			sc = arctypeREVARP
		case ethertypeAtalk:
			sc = arctypeATALK
		default:
			return c.genFalse()
		}
		return c.genCmp(orLinktype, 0, bpf.B, sc)

	case dltLTALK:
		if ll == ethertypeAtalk {
			return c.genTrue()
		}
		return c.genFalse()

	case dltFRELAY:
		// A 2-byte address, then UI (0x03) and the NLPID.
		switch ll {
		case ethertypeIP:
			return c.genCmp(orLinkhdr, 2, bpf.H, 0x0300|0xcc)
		case ethertypeIPv6:
			return c.genCmp(orLinkhdr, 2, bpf.H, 0x0300|0x8e)
		case llcsapISONS:
			b0 := c.genCmp(orLinkhdr, 2, bpf.H, 0x0300|iso8473CLNP)
			b1 := c.genCmp(orLinkhdr, 2, bpf.H, 0x0300|iso9542ESIS)
			b2 := c.genCmp(orLinkhdr, 2, bpf.H, 0x0300|iso10589ISIS)
			c.genOr(b1, b2)
			c.genOr(b0, b2)
			return b2
		}
		return c.genFalse()

	case dltIPNET:
		switch ll {
		case ethertypeIP:
			return c.genCmp(orLinktype, 0, bpf.B, ipnetAFInet)
		case ethertypeIPv6:
			return c.genCmp(orLinktype, 0, bpf.B, ipnetAFInet6)
		}
		return c.genFalse()

	case dltMFR:
		// Not implemented.

	default:
		// A type field, if the link type has one, holds an Ethertype.
		if c.offLinktype.constPart != notSet {
			c.llAssertMax("EtherType", ll, 0xffff)
			return c.genCmp(orLinktype, 0, bpf.H, ll)
		}
	}
	c.fail("link-layer type filtering not implemented for %s", dltString(lt))
	return nil
}

// genAFLinktype tests the BSD address family in the header of DLT_NULL,
// DLT_ENC (host byte order), DLT_LOOP (network byte order) or DLT_PFLOG
// (one byte). AF_INET is the same everywhere; AF_INET6 is not, so a
// savefile, which may come from any system, is tested for each value in
// use. A host-order field of a savefile is tested in both byte orders.
func (c *compiler) genAFLinktype(ll uint32, rel offrel, offset uint32, size uint16) *block {
	var afs []uint32
	switch ll {
	case ethertypeIP:
		afs = []uint32{bsdAFInet}
	case ethertypeIPv6:
		if c.opts.Savefile {
			afs = []uint32{bsdAFInet6Darwin, bsdAFInet6BSD, bsdAFInet6FreeBSD}
		} else {
			afs = []uint32{linuxAFInet6}
		}
	default:
		return c.genFalse()
	}
	// cmpAll ORs the tests for every value, the field read big-endian
	// (as BPF loads it) or, for a host-order word, little-endian.
	cmpAll := func(littleEndian bool) *block {
		var b *block
		for _, af := range afs {
			v := af
			if littleEndian {
				v = swap32(af)
			}
			t := c.genCmp(rel, offset, size, v)
			if b != nil {
				c.genOr(b, t)
			}
			b = t
		}
		return b
	}
	hostOrder := size == bpf.W && (c.linktype == dltNULL || c.linktype == dltENC)
	switch {
	case !hostOrder:
		return cmpAll(false)
	case !c.opts.Savefile:
		return cmpAll(true) // this (little-endian) host's order
	}
	// A savefile may come from a host of either byte order: test the
	// order opposite to the file's first, then the file's own.
	fileLE := !c.opts.Swapped
	b0 := cmpAll(!fileLE)
	b1 := cmpAll(fileLE)
	c.genOr(b0, b1)
	return b1
}

// genEtherLinktype tests the type/length field of an Ethernet frame: an
// Ethertype directly, an LLC SAP in an 802.3 frame.
func (c *compiler) genEtherLinktype(ll uint32) *block {
	switch ll {
	case llcsapISONS, llcsapIP, llcsapNetBEUI:
		// Always 802.2: check both DSAP and SSAP.
		b0 := c.genCmpLe(orLinktype, 0, bpf.H, etherMTU)
		b1 := c.genCmp(orLLC, 0, bpf.H, ll<<8|ll)
		c.genAnd(b0, b1)
		return b1

	case llcsapIPX:
		// Ethernet_II with the IPX type; or an 802.3 frame that is
		// Ethernet_802.2 (IPX DSAP), Ethernet_802.3 (0xFFFF after the
		// header) or Ethernet_SNAP.
		b0 := c.genCmp(orLLC, 0, bpf.B, llcsapIPX)
		b1 := c.genCmp(orLLC, 0, bpf.H, 0xffff)
		c.genOr(b0, b1)
		b0 = c.genSnap(0x000000, ethertypeIPX)
		c.genOr(b0, b1)
		b0 = c.genCmpLe(orLinktype, 0, bpf.H, etherMTU)
		c.genAnd(b0, b1)
		b0 = c.genCmp(orLinktype, 0, bpf.H, ethertypeIPX)
		c.genOr(b0, b1)
		return b1

	case ethertypeAtalk, ethertypeAARP:
		// EtherTalk phase 1 (the Ethertype) or phase 2 (SNAP in 802.3).
		b0 := c.genCmpLe(orLinktype, 0, bpf.H, etherMTU)
		var b1 *block
		if ll == ethertypeAtalk {
			b1 = c.genSnap(0x080007, ethertypeAtalk)
		} else {
			b1 = c.genSnap(0x000000, ethertypeAARP)
		}
		c.genAnd(b0, b1)
		b0 = c.genCmp(orLinktype, 0, bpf.H, ll)
		c.genOr(b0, b1)
		return b1
	}
	if ll <= etherMTU {
		c.llAssertMax("LLC DSAP", ll, 0xff)
		b0 := c.genCmpLe(orLinktype, 0, bpf.H, etherMTU)
		b1 := c.genCmp(orLinktype, 2, bpf.B, ll)
		c.genAnd(b0, b1)
		return b1
	}
	c.llAssertMax("EtherType", ll, 0xffff)
	return c.genCmp(orLinktype, 0, bpf.H, ll)
}

// genLinuxSLLLinktype tests the protocol field of a Linux cooked header,
// where 802.2 and 802.3 frames have pseudo types of their own.
func (c *compiler) genLinuxSLLLinktype(ll uint32) *block {
	switch ll {
	case llcsapISONS, llcsapIP, llcsapNetBEUI:
		b0 := c.genCmp(orLinktype, 0, bpf.H, linuxSLLP8022)
		b1 := c.genCmp(orLLC, 0, bpf.H, ll<<8|ll)
		c.genAnd(b0, b1)
		return b1

	case llcsapIPX:
		b0 := c.genCmp(orLLC, 0, bpf.B, llcsapIPX)
		b1 := c.genSnap(0x000000, ethertypeIPX)
		c.genOr(b0, b1)
		b0 = c.genCmp(orLinktype, 0, bpf.H, linuxSLLP8022)
		c.genAnd(b0, b1)
		b0 = c.genCmp(orLinktype, 0, bpf.H, linuxSLLP8023)
		c.genOr(b0, b1)
		b0 = c.genCmp(orLinktype, 0, bpf.H, ethertypeIPX)
		c.genOr(b0, b1)
		return b1

	case ethertypeAtalk, ethertypeAARP:
		b0 := c.genCmp(orLinktype, 0, bpf.H, linuxSLLP8022)
		var b1 *block
		if ll == ethertypeAtalk {
			b1 = c.genSnap(0x080007, ethertypeAtalk)
		} else {
			b1 = c.genSnap(0x000000, ethertypeAARP)
		}
		c.genAnd(b0, b1)
		b0 = c.genCmp(orLinktype, 0, bpf.H, ll)
		c.genOr(b0, b1)
		return b1
	}
	if ll <= etherMTU {
		c.llAssertMax("LLC DSAP", ll, 0xff)
		b0 := c.genCmp(orLinktype, 0, bpf.H, linuxSLLP8022)
		b1 := c.genCmp(orLinkhdr, c.offLinkpl.constPart, bpf.B, ll)
		c.genAnd(b0, b1)
		return b1
	}
	c.llAssertMax("EtherType", ll, 0xffff)
	return c.genCmp(orLinktype, 0, bpf.H, ll)
}

// genLLCLinktype tests the 802.2 header of link types that always use
// one (FDDI, Token Ring, 802.11, ATM, IP over FC): the SAPs, or for an
// Ethertype the type field of an encapsulated-Ethernet SNAP header.
func (c *compiler) genLLCLinktype(ll uint32) *block {
	switch ll {
	case llcsapIP, llcsapISONS, llcsapNetBEUI:
		return c.genCmp(orLLC, 0, bpf.H, ll<<8|ll)
	case llcsapIPX:
		return c.genCmp(orLLC, 0, bpf.B, llcsapIPX)
	case ethertypeAtalk:
		return c.genSnap(0x080007, ethertypeAtalk)
	}
	if ll <= etherMTU {
		c.llAssertMax("LLC DSAP", ll, 0xff)
		return c.genCmp(orLLC, 0, bpf.B, ll)
	}
	c.llAssertMax("EtherType", ll, 0xffff)
	return c.genCmp(orLLC, 6, bpf.H, ll)
}

// genSnap checks a whole LLC+SNAP header: SNAP SAPs, UI, the
// organisation code and the protocol type.
func (c *compiler) genSnap(orgcode, ptype uint32) *block {
	hdr := []byte{
		llcsapSNAP, llcsapSNAP, 0x03,
		byte(orgcode >> 16), byte(orgcode >> 8), byte(orgcode),
		byte(ptype >> 8), byte(ptype),
	}
	return c.genBcmp(orLLC, 0, hdr)
}

// ethertypeToPPPType maps the Ethertypes and SAPs used inside the
// compiler to PPP protocol numbers.
func (c *compiler) ethertypeToPPPType(ll uint32) uint32 {
	switch ll {
	case ethertypeIP:
		return pppIP
	case ethertypeIPv6:
		return pppIPV6
	case ethertypeDN:
		return pppDECNET
	case ethertypeAtalk:
		return pppAPPLE
	case ethertypeNS:
		return pppNS
	case llcsapISONS:
		return pppOSI
	case llcsap8021D:
		return pppBRPDU
	case llcsapIPX:
		return pppIPX
	}
	c.llAssertMax("PPP protocol", ll, 0xffff)
	return ll
}

// genMplsLinktype tests, inside MPLS, the bottom-of-stack bit of the last
// label and the IP version after it.
func (c *compiler) genMplsLinktype(ll uint32) *block {
	var version uint32
	switch ll {
	case ethertypeIP:
		version = 0x40
	case ethertypeIPv6:
		version = 0x60
	default:
		c.fail("unsupported protocol over mpls")
	}
	// The bottom-of-stack bit of the last label: one jset, as master.
	b0 := c.jmpBlock(bpf.JSET, 0x01, c.loadA(orLinkpl, ^uint32(1), bpf.B))
	b1 := c.genMcmp(orLinkpl, 0, bpf.B, version, 0xf0)
	c.genAnd(b0, b1)
	return b1
}

// sunatmProtoType tests the protocol type in the SunATM pseudo-header.
func (c *compiler) sunatmProtoType(pt uint32) *block {
	return c.genMcmp(orLinkhdr, c.offProto, bpf.B, pt, 0x0f)
}

// genPrevLinkhdrCheck returns the checks an encapsulated link layer needs
// before its own header means anything (nil if none): that a Geneve or
// VXLAN payload has an Ethernet header, or that a LANE frame is data
// rather than an LE control frame.
func (c *compiler) genPrevLinkhdrCheck() *block {
	if c.isEncap {
		return c.genEncapLLCheck()
	}
	if c.prevLinktype == dltSUNATM {
		return c.llCmpNe(orPrevLinkhdr, 4, bpf.H, 0xff00)
	}
	return nil
}

// genEncapLLCheck checks that a Geneve/VXLAN payload starts with a link
// header: the header and payload offsets (both in registers) differ.
func (c *compiler) genEncapLLCheck() *block {
	s := c.newStmt(bpf.LD|bpf.MEM, uint32(c.offLinkhdr.reg))
	s = sappend(s, c.newStmt(bpf.LDX|bpf.MEM, uint32(c.offLinkpl.reg)))
	b := c.newBlock(bpf.JMP|bpf.JEQ|bpf.X, 0)
	b.stmts = s
	c.genNot(b)
	return b
}
