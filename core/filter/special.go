package filter

import "github.com/pcapshim/pcapshim/core/bpf"

// Primitives of particular link types: pflog fields, 802.11 frame
// type/subtype/direction, SunATM fields and circuit types, MTP2 message
// types and MTP3 fields.

// Offsets and sizes of the pflog header fields (struct pfloghdr).
const (
	pflogOffAction  = 2
	pflogOffReason  = 3
	pflogOffIfname  = 4
	pflogOffRuleset = 20
	pflogOffRulenr  = 36
	pflogOffSubrule = 40
	pflogNameLen    = 16 // ifname and ruleset, NUL included
)

// requirePflog rejects a pflog field on another link type.
func (c *compiler) requirePflog(kw string) {
	if c.linktype != dltPFLOG {
		c.fail("'%s' supported only on PFLOG linktype", kw)
	}
}

// genPfIfname is "ifname NAME" (or "on NAME"): the interface pf logged
// the packet on.
func (c *compiler) genPfIfname(s string) *block {
	c.requirePflog("ifname")
	if len(s) >= pflogNameLen {
		c.fail("ifname interface names can only be %d characters", pflogNameLen-1)
	}
	return c.genBcmp(orLinkhdr, pflogOffIfname, []byte(s))
}

// genPfRuleset is "rset NAME" (or "ruleset NAME"): the anchor name.
func (c *compiler) genPfRuleset(s string) *block {
	c.requirePflog("ruleset")
	if len(s) >= pflogNameLen {
		c.fail("ruleset names can only be %d characters", pflogNameLen-1)
	}
	return c.genBcmp(orLinkhdr, pflogOffRuleset, []byte(s))
}

// genPfRnr is "rnr N" (or "rulenum N"): the rule number.
func (c *compiler) genPfRnr(n int) *block {
	c.requirePflog("rnr")
	return c.genCmp(orLinkhdr, pflogOffRulenr, bpf.W, uint32(n))
}

// genPfSrnr is "srnr N" (or "subrulenum N"): the rule number within an
// anchor.
func (c *compiler) genPfSrnr(n int) *block {
	c.requirePflog("srnr")
	return c.genCmp(orLinkhdr, pflogOffSubrule, bpf.W, uint32(n))
}

// genPfReason is "reason CODE", the code already resolved from its name.
func (c *compiler) genPfReason(n int) *block {
	c.requirePflog("reason")
	return c.genCmp(orLinkhdr, pflogOffReason, bpf.B, uint32(n))
}

// genPfAction is "action ACT", the action already resolved from its name.
func (c *compiler) genPfAction(n int) *block {
	c.requirePflog("action")
	return c.genCmp(orLinkhdr, pflogOffAction, bpf.B, uint32(n))
}

// stkIsWlan reports whether link type t has an 802.11 header (after a
// radio header, for some).
func stkIsWlan(t int) bool {
	switch t {
	case dltIEEE802_11, dltPRISM_HEADER, dltIEEE802_11_RADIO_AVS, dltIEEE802_11_RADIO, dltPPI:
		return true
	}
	return false
}

// genP80211Type is "type T [subtype S]" or "subtype S": the bits of the
// first frame control byte selected by mask.
func (c *compiler) genP80211Type(typ, mask uint32) *block {
	if !stkIsWlan(c.linktype) {
		c.failKwOnDLT("type/subtype")
	}
	return c.genMcmp(orLinkhdr, 0, bpf.B, typ, mask)
}

// genP80211Fcdir is "dir D": the To DS/From DS bits of the second frame
// control byte.
func (c *compiler) genP80211Fcdir(dir uint32) *block {
	if !stkIsWlan(c.linktype) {
		c.failKwOnDLT("dir")
	}
	return c.genMcmp(orLinkhdr, 1, bpf.B, dir, 0x03)
}

// SunATM pseudo-header values and Q.2931 signalling message types.
const (
	atmPTLANE     = 0x01 // protocol type: LAN Emulation
	atmPTLLC      = 0x02 // protocol type: LLC encapsulation
	atmMsgTypePos = 5    // message type, from the start of the payload

	q2931CallProceed = 0x02
	q2931Connect     = 0x07
	q2931ConnectAck  = 0x0f
	q2931Setup       = 0x05
	q2931Release     = 0x4d
	q2931ReleaseDone = 0x5a
)

// requireATM rejects an ATM primitive on a link type without the SunATM
// pseudo-header.
func (c *compiler) requireATM(kw string) {
	if !c.isATM {
		c.fail("'%s' supported only on SUNATM", kw)
	}
}

// genAtmfieldCode compares an ATM pseudo-header field with v: op is
// bpf.JEQ, JGT or JGE, and reverse negates the comparison (whatever op,
// so that "!=" works too).
func (c *compiler) genAtmfieldCode(field int, v uint32, op uint16, reverse bool) *block {
	b := c.atmField(field, v, op)
	if reverse {
		c.genNot(b)
	}
	return b
}

// atmField is genAtmfieldCode without the negation.
func (c *compiler) atmField(field int, v uint32, op uint16) *block {
	switch field {
	case aVPI:
		c.requireATM("vpi")
		c.stkCheckMax("VPI", v, 0xff)
		return c.genNcmp(orLinkhdr, c.offVPI, bpf.B, 0xffffffff, op, false, v)
	case aVCI:
		c.requireATM("vci")
		c.stkCheckMax("VCI", v, 0xffff)
		return c.genNcmp(orLinkhdr, c.offVCI, bpf.H, 0xffffffff, op, false, v)
	case aProtoType:
		return c.genNcmp(orLinkhdr, c.offProto, bpf.B, 0x0f, op, false, v)
	case aMsgType:
		return c.genNcmp(orLinkhdr, c.offPayload+atmMsgTypePos, bpf.B, 0xffffffff, op, false, v)
	case aCallRefType:
		c.requireATM("callref")
		return c.genNcmp(orLinkhdr, c.offProto, bpf.B, 0xffffffff, op, false, v)
	}
	c.fail("internal error: unknown ATM field %d", field)
	return nil
}

// atmCircuit is "vpi == vpi and vci == vci".
func (c *compiler) atmCircuit(vpi, vci uint32) *block {
	b := c.genAtmfieldCode(aVPI, vpi, bpf.JEQ, false)
	v := c.genAtmfieldCode(aVCI, vci, bpf.JEQ, false)
	c.genAnd(b, v)
	return v
}

// genAtmtypeLlc is an LLC-encapsulated frame; it undoes "lane", so what
// follows is looked for in LLC-encapsulated frames again.
func (c *compiler) genAtmtypeLlc() *block {
	b := c.genAtmfieldCode(aProtoType, atmPTLLC, bpf.JEQ, false)
	c.linktype = c.prevLinktype
	return b
}

// genAtmtypeAbbrev is one of the ATM keywords naming a circuit or an
// encapsulation: metac, bcc, oamf4sc, oamf4ec, sc, ilmic, lane, llc.
func (c *compiler) genAtmtypeAbbrev(t int) *block {
	switch t {
	case aMetaC: // meta signalling circuit
		c.requireATM("metac")
		return c.atmCircuit(0, 1)
	case aBCC: // broadcast circuit
		c.requireATM("bcc")
		return c.atmCircuit(0, 2)
	case aOAMF4SC: // segment OAM F4 circuit
		c.requireATM("oamf4sc")
		return c.atmCircuit(0, 3)
	case aOAMF4EC: // end-to-end OAM F4 circuit
		c.requireATM("oamf4ec")
		return c.atmCircuit(0, 4)
	case aSC: // signalling circuit
		c.requireATM("sc")
		return c.atmCircuit(0, 5)
	case aILMIC: // ILMI circuit
		c.requireATM("ilmic")
		return c.atmCircuit(0, 16)
	case aLANE:
		c.requireATM("lane")
		b := c.genAtmfieldCode(aProtoType, atmPTLANE, bpf.JEQ, false)
		// What follows is looked for in the emulated LAN's frame,
		// taken to be Ethernet, after the 2-byte LE header.
		c.pushLinkhdr(dltEN10MB, false, c.offPayload+2, -1)
		c.offLinktype.constPart = c.offLinkhdr.constPart + 12
		c.offLinkpl.constPart = c.offLinkhdr.constPart + 14
		c.offNl = 0
		c.offNlNosnap = 3
		return b
	case aLLC:
		c.requireATM("llc")
		return c.genAtmtypeLlc()
	}
	c.fail("internal error: unknown ATM type %d", t)
	return nil
}

// atmMsgType is a Q.2931 message of type typ.
func (c *compiler) atmMsgType(typ uint32) *block {
	return c.genAtmfieldCode(aMsgType, typ, bpf.JEQ, false)
}

// atmAnyMsg is any of the Q.2931 message types types (at least two). As
// libpcap chains them, the first two are tested in order and each later
// one is tested before all those before it.
func (c *compiler) atmAnyMsg(types ...uint32) *block {
	b := c.atmMsgType(types[0])
	acc := c.atmMsgType(types[1])
	c.genOr(b, acc)
	for _, t := range types[2:] {
		m := c.atmMsgType(t)
		c.genOr(m, acc)
	}
	return acc
}

// genAtmmultiAbbrev is one of the ATM keywords matching several cells or
// messages: oam, oamf4, connectmsg, metaconnect.
func (c *compiler) genAtmmultiAbbrev(t int) *block {
	switch t {
	case aOAM, aOAMF4:
		kw := "oam"
		if t == aOAMF4 {
			kw = "oamf4"
		}
		c.requireATM(kw)
		// OAM F4 cells: VPI 0, VCI 3 (segment) or 4 (end-to-end).
		v := c.genAtmfieldCode(aVCI, 3, bpf.JEQ, false)
		b := c.genAtmfieldCode(aVCI, 4, bpf.JEQ, false)
		c.genOr(v, b)
		p := c.genAtmfieldCode(aVPI, 0, bpf.JEQ, false)
		c.genAnd(p, b)
		return b
	case aConnectMsg:
		// Call setup and teardown on the signalling circuit.
		c.requireATM("connectmsg")
		b := c.atmAnyMsg(q2931Setup, q2931CallProceed, q2931Connect, q2931ConnectAck,
			q2931Release, q2931ReleaseDone)
		sc := c.atmCircuit(0, 5)
		c.genAnd(sc, b)
		return b
	case aMetaConnect:
		// The same on the meta signalling circuit, without CONNECT ACK.
		c.requireATM("metaconnect")
		b := c.atmAnyMsg(q2931Setup, q2931CallProceed, q2931Connect,
			q2931Release, q2931ReleaseDone)
		mc := c.atmCircuit(0, 1)
		c.genAnd(mc, b)
		return b
	}
	c.fail("internal error: unknown ATM type %d", t)
	return nil
}

// isSS7 reports whether link type t carries MTP2 frames.
func isSS7(t int) bool {
	return t == dltMTP2 || t == dltERF || t == dltMTP2_WITH_PHDR
}

// genMtp2typeAbbrev is an MTP2 signal unit type from its length
// indicator: FISU (0), LSSU (1 or 2), MSU (3 or more); the h forms read
// the 9-bit indicator of high-speed links (Q.703 Annex A).
func (c *compiler) genMtp2typeAbbrev(t int) *block {
	names := map[int]string{mFISU: "fisu", mLSSU: "lssu", mMSU: "msu",
		mhFISU: "hfisu", mhLSSU: "hlssu", mhMSU: "hmsu"}
	kw, ok := names[t]
	if !ok {
		c.fail("internal error: unknown MTP2 type %d", t)
	}
	if !isSS7(c.linktype) {
		c.fail("'%s' supported only on SS7", kw)
	}
	li := func(op uint16, reverse bool, v uint32) *block {
		return c.genNcmp(orPacket, c.offLi, bpf.B, 0x3f, op, reverse, v)
	}
	liHsl := func(op uint16, reverse bool, v uint32) *block {
		return c.genNcmp(orPacket, c.offLiHsl, bpf.H, 0xff80, op, reverse, v)
	}
	switch t {
	case mFISU:
		return li(bpf.JEQ, false, 0)
	case mLSSU:
		b := li(bpf.JGT, true, 2)
		nz := li(bpf.JGT, false, 0)
		c.genAnd(nz, b)
		return b
	case mMSU:
		return li(bpf.JGT, false, 2)
	case mhFISU:
		return liHsl(bpf.JEQ, false, 0)
	case mhLSSU:
		b := liHsl(bpf.JGT, true, 0x0100)
		nz := liHsl(bpf.JGT, false, 0)
		c.genAnd(nz, b)
		return b
	default: // mhMSU
		return liHsl(bpf.JGT, false, 0x0100)
	}
}

// genMtp3fieldCode compares an MTP3 routing label field with v (op and
// reverse as for genAtmfieldCode). The h forms are the same fields on
// high-speed links, 3 bytes further. Point codes are stored in the
// label's bit order, so v is rearranged to match the loaded bytes.
func (c *compiler) genMtp3fieldCode(field int, v uint32, op uint16, reverse bool) *block {
	b := c.mtp3Field(field, v, op)
	if reverse {
		c.genNot(b)
	}
	return b
}

// mtp3Field is genMtp3fieldCode without the negation.
func (c *compiler) mtp3Field(field int, v uint32, op uint16) *block {
	var kw string
	var off uint32
	high := false
	switch field {
	case mhSIO, mhOPC, mhDPC, mhSLS:
		high = true
	}
	switch field {
	case mSIO, mhSIO:
		kw, off = "sio", c.offSio
	case mOPC, mhOPC:
		kw, off = "opc", c.offOpc
	case mDPC, mhDPC:
		kw, off = "dpc", c.offDpc
	case mSLS, mhSLS:
		kw, off = "sls", c.offSls
	default:
		c.fail("internal error: unknown MTP3 field %d", field)
	}
	if high {
		kw = "h" + kw
	}
	if off == notSet {
		c.fail("'%s' supported only on SS7", kw)
	}
	if high {
		off += 3
	}
	switch field {
	case mSIO, mhSIO:
		c.stkCheckMax(kw, v, 255)
		return c.genNcmp(orPacket, off, bpf.B, 0xffffffff, op, false, v)
	case mOPC, mhOPC:
		// 14 bits: the low 2 in the top bits of the word's second
		// byte, the next 8 in its third byte, the top 4 in the low
		// nibble of its fourth byte.
		c.stkCheckMax(kw, v, 16383)
		w := (v&0x3c00)>>10 | (v&0x03fc)<<6 | (v&0x0003)<<22
		return c.genNcmp(orPacket, off, bpf.W, 0x00c0ff0f, op, false, w)
	case mDPC, mhDPC:
		// 14 bits, little-endian in a halfword: low byte first, then
		// the top 6 bits.
		c.stkCheckMax(kw, v, 16383)
		h := (v&0x00ff)<<8 | (v&0x3f00)>>8
		return c.genNcmp(orPacket, off, bpf.H, 0xff3f, op, false, h)
	default: // SLS: the top nibble of its byte
		c.stkCheckMax(kw, v, 15)
		return c.genNcmp(orPacket, off, bpf.B, 0xf0, op, false, v<<4)
	}
}
