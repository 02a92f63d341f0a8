package filter

import "github.com/pcapshim/pcapshim/core/bpf"

// genLlc is "llc": frames with an 802.2 LLC header.
func (c *compiler) genLlc() *block {
	switch lt := c.linktype; {
	case lt == dltEN10MB, lt == dltDSA_TAG_BRCM, lt == dltDSA_TAG_DSA:
		// An 802.3 length rather than a type, and not Novell's raw
		// 802.3 (0xFFFF where the SAPs would be).
		b0 := c.genCmpLe(orLinktype, 0, bpf.H, etherMTU)
		b1 := c.llCmpNe(orLLC, 0, bpf.H, 0xffff)
		c.genAnd(b0, b1)
		return b1
	case lt == dltSUNATM:
		// LLC-encapsulated traffic; what follows is no longer LANE.
		b := c.sunatmProtoType(sunatmPTLLC)
		c.linktype = c.prevLinktype
		return b
	case lt == dltIEEE802, lt == dltFDDI, lt == dltATM_RFC1483:
		// Always LLC (not checked further).
		return c.genTrue()
	case isWlan(lt):
		// Data frames.
		return c.genMcmp(orLinkhdr, 0, bpf.B, wlanFC0TypeData, wlanFC0TypeMask)
	}
	c.failKwOnDLT("llc")
	return nil
}

// genLlcI is "llc i": information frames (control bit 0 clear).
func (c *compiler) genLlcI() *block {
	b0 := c.genLlc()
	b1 := c.llUnset(0x01, c.loadA(orLLC, 2, bpf.B))
	c.genAnd(b0, b1)
	return b1
}

// genLlcS is "llc s": supervisory frames.
func (c *compiler) genLlcS() *block {
	return c.llcControl(llcSFmt, 0x03)
}

// genLlcU is "llc u": unnumbered frames.
func (c *compiler) genLlcU() *block {
	return c.llcControl(llcUFmt, 0x03)
}

// genLlcSSubtype is "llc s TYPE" ("rr", "rnr", "rej").
func (c *compiler) genLlcSSubtype(v uint32) *block {
	return c.llcControl(v, llcSCmdMask)
}

// genLlcUSubtype is "llc u TYPE" ("ui", "sabme", "xid", ...).
func (c *compiler) genLlcUSubtype(v uint32) *block {
	return c.llcControl(v, llcUCmdMask)
}

// llcControl is "llc" and (control byte & mask) == v.
func (c *compiler) llcControl(v, mask uint32) *block {
	b0 := c.genLlc()
	b1 := c.genMcmp(orLLC, 2, bpf.B, v, mask)
	c.genAnd(b0, b1)
	return b1
}
