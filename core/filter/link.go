package filter

// initLinktype sets the link-layer layout for c.opts.DLT, failing for link
// types libpcap cannot generate code for.
func (c *compiler) initLinktype() {
	c.linktype = c.opts.DLT
	c.prevLinktype = c.opts.DLT
	c.outermostLinktype = c.opts.DLT
	for _, o := range []*absOffset{&c.offOutermostLinkhdr, &c.offPrevLinkhdr, &c.offLinkhdr, &c.offLinktype, &c.offLinkpl} {
		*o = absOffset{reg: -1}
	}
}

// insertComputeVloffsets puts at the start of the entry block the
// statements that load variable link-layer header lengths into the
// registers of variable offsets.
func (c *compiler) insertComputeVloffsets(head *block) {}

// genPPIDLTCheck returns the check of the per-packet DLT of a PPI header
// (nil for other link types).
func (c *compiler) genPPIDLTCheck() *block { return nil }

func (c *compiler) notYet(what string) *block {
	c.fail("pcapshim: %s is not supported yet", what)
	return nil
}

// genLinktype tests the link-layer protocol type (an Ethertype, or an LLC
// SAP below 0x0600, or one of libpcap's LINUX_SLL pseudo types).
func (c *compiler) genLinktype(ll uint32) *block { return c.notYet("link type test") }

// genEcode is "[src|dst] ether host XX:XX:XX:XX:XX:XX" and its variants.
func (c *compiler) genEcode(eaddr []byte, q qual) *block { return c.notYet("MAC address") }

// genAcode is an ARCnet address ("$XX").
func (c *compiler) genAcode(s string, q qual) *block { return c.notYet("ARCnet address") }

// genLinkHost matches a link-layer address in direction dir for the
// current link type (Ethernet, FDDI, Token Ring, 802.11, IP over FC).
func (c *compiler) genLinkHost(eaddr []byte, dir int) *block { return c.notYet("link host") }

// genLinkBroadcast and genLinkMulticast are "ether broadcast" and
// "ether multicast" for the current link type.
func (c *compiler) genLinkBroadcast() *block { return c.notYet("link broadcast") }
func (c *compiler) genLinkMulticast() *block { return c.notYet("link multicast") }

// LLC primitives: "llc", "llc i", "llc s", "llc u", and subtypes.
func (c *compiler) genLlc() *block                 { return c.notYet("llc") }
func (c *compiler) genLlcI() *block                { return c.notYet("llc") }
func (c *compiler) genLlcS() *block                { return c.notYet("llc") }
func (c *compiler) genLlcU() *block                { return c.notYet("llc") }
func (c *compiler) genLlcSSubtype(v uint32) *block { return c.notYet("llc") }
func (c *compiler) genLlcUSubtype(v uint32) *block { return c.notYet("llc") }
