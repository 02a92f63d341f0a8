package filter

import (
	"strconv"
	"strings"

	"github.com/pcapshim/pcapshim/core/bpf"
)

// isMac48Linktype reports whether link type t has 48-bit MAC addresses
// the "link host" primitives can test.
func isMac48Linktype(t int) bool {
	switch {
	case isEtherLike(t), isWlan(t):
		return true
	}
	return t == dltFDDI || t == dltIEEE802 || t == dltIP_OVER_FC
}

// genEcode is "[src|dst] ether host XX:XX:XX:XX:XX:XX" and its variants.
func (c *compiler) genEcode(eaddr []byte, q qual) *block {
	const kw = "link host XX:XX:XX:XX:XX:XX"
	if !(q.addr == qHost || q.addr == qDefault) || q.proto != qLink {
		c.fail("Ethernet address used in non-ether expression")
	}
	if !isMac48Linktype(c.linktype) {
		c.failKwOnDLT(kw)
	}
	return c.genMac48Host(eaddr, q.dir, kw)
}

// genAcode is an ARCnet (MAC-8) address ("$XX").
func (c *compiler) genAcode(s string, q qual) *block {
	if q.addr != qHost && q.addr != qDefault {
		c.fail("'%s' is not a valid qualifier for '$XX'", addrNames[q.addr])
	}
	if q.proto != qLink {
		c.fail("'link' is the only valid proto qualifier for 'host $XX'")
	}
	digits := strings.TrimPrefix(s, "$")
	v, err := strconv.ParseUint(digits, 16, 8)
	if err != nil || len(digits) == 0 || len(digits) > 2 {
		c.fail("invalid MAC-8 address '%s'", s)
	}
	return c.genMac8Host(uint32(v), q.dir, "link host $XX")
}

// genLinkHost matches a link-layer address in direction dir for the
// current link type (Ethernet, FDDI, Token Ring, 802.11, IP over FC), as
// "link host NAME" does once NAME is resolved.
func (c *compiler) genLinkHost(eaddr []byte, dir int) *block {
	const kw = "link host NAME"
	if !isMac48Linktype(c.linktype) {
		c.failKwOnDLT(kw)
	}
	return c.genMac48Host(eaddr, dir, kw)
}

// genMac48HostByName resolves name in the ethers database and matches it
// in direction dir; context names the primitive in errors ("link host
// NAME", "gateway"). The link type is checked before the lookup.
func (c *compiler) genMac48HostByName(name string, dir int, context string) *block {
	if !isMac48Linktype(c.linktype) {
		c.failKwOnDLT(context)
	}
	eaddr := lookupEthers(name)
	if eaddr == nil {
		c.fail("unknown Ethernet-like host '%s'", name)
	}
	return c.genMac48Host(eaddr, dir, context)
}

// genMac48Host matches a 48-bit MAC address in direction dir; context is
// the keyword named when the link type has no such addresses.
func (c *compiler) genMac48Host(eaddr []byte, dir int, context string) *block {
	var pre *block
	var srcOff, dstOff uint32
	lt := c.linktype
	switch {
	case isEtherLike(lt):
		pre = c.genPrevLinkhdrCheck()
		srcOff, dstOff = 6, 0
	case isWlan(lt):
		return c.genWlanHostop(eaddr, dir)
	case lt == dltFDDI:
		srcOff, dstOff = 6+1+c.fddipad, 0+1+c.fddipad
	case lt == dltIEEE802:
		srcOff, dstOff = 8, 2
	case lt == dltIP_OVER_FC:
		// RFC 2625: IEEE 48-bit addresses.
		srcOff, dstOff = 10, 2
	default:
		// Includes SunATM LLC traffic ("lane" switches to Ethernet).
		c.failKwOnDLT(context)
	}
	var b *block
	switch dir {
	case qSrc:
		b = c.genBcmp(orLinkhdr, srcOff, eaddr)
	case qDst:
		b = c.genBcmp(orLinkhdr, dstOff, eaddr)
	case qAnd:
		t := c.genBcmp(orLinkhdr, srcOff, eaddr)
		b = c.genBcmp(orLinkhdr, dstOff, eaddr)
		c.genAnd(t, b)
	case qDefault, qOr:
		t := c.genBcmp(orLinkhdr, srcOff, eaddr)
		b = c.genBcmp(orLinkhdr, dstOff, eaddr)
		c.genOr(t, b)
	default:
		c.fail("'%s' is valid for 802.11 syntax only", dirNames[dir])
	}
	if pre != nil {
		c.genAnd(pre, b)
	}
	return b
}

// genMac8Host matches a one-byte station address (ARCnet, BACnet MS/TP).
func (c *compiler) genMac8Host(mac8 uint32, dir int, context string) *block {
	var srcOff, dstOff uint32
	switch c.linktype {
	case dltARCNET, dltARCNET_LINUX:
		// The source address comes first in every ARCnet format.
		srcOff, dstOff = 0, 1
	case dltBACNET_MS_TP:
		srcOff, dstOff = 4, 3
	default:
		c.failKwOnDLT(context)
	}
	switch dir {
	case qSrc:
		return c.genCmp(orLinkhdr, srcOff, bpf.B, mac8)
	case qDst:
		return c.genCmp(orLinkhdr, dstOff, bpf.B, mac8)
	case qAnd, qDefault, qOr:
		src := c.genCmp(orLinkhdr, srcOff, bpf.B, mac8)
		dst := c.genCmp(orLinkhdr, dstOff, bpf.B, mac8)
		if dir == qAnd {
			c.genAnd(src, dst)
		} else {
			c.genOr(src, dst)
		}
		return dst
	}
	if dir >= qAddr1 && dir <= qTA {
		c.fail("'%s' is valid for 802.11 syntax only", dirNames[dir])
	}
	c.fail("'%s' is not a valid qualifier for '%s'", dirNames[dir], context)
	return nil
}

// wlanFrameBit tests bit v of the frame control byte at offset (set, or
// clear when !set).
func (c *compiler) wlanFrameBit(offset, v uint32, set bool) *block {
	s := c.loadA(orLinkhdr, offset, bpf.B)
	if set {
		return c.llSet(v, s)
	}
	return c.llUnset(v, s)
}

// wlanByFrameType combines address tests by 802.11 frame type: data
// frames use data (already built, checked for the data type bit here),
// management frames test mgmtOff, control frames never match.
func (c *compiler) wlanByFrameType(data *block, mgmt func() *block) *block {
	b1 := c.wlanFrameBit(0, wlanFC0TypeData, true)
	c.genAnd(b1, data)
	b2 := c.wlanFrameBit(0, wlanFC0TypeData, false)
	b1 = mgmt()
	c.genAnd(b2, b1)
	c.genOr(b1, data)
	b1 = c.wlanFrameBit(0, wlanFC0TypeCtl, false)
	c.genAnd(b1, data)
	return data
}

// wlanNotCTSorACK is "not a CTS or ACK control frame" (the frames
// without a second address).
func (c *compiler) wlanNotCTSorACK() *block {
	b0 := c.llMcmpNe(orLinkhdr, 0, bpf.B, wlanFC0TypeCtl, wlanFC0TypeMask)
	b1 := c.llMcmpNe(orLinkhdr, 0, bpf.B, wlanFC0SubtypeCTS, wlanFC0SubtypeMask)
	b2 := c.llMcmpNe(orLinkhdr, 0, bpf.B, wlanFC0SubtypeACK, wlanFC0SubtypeMask)
	c.genAnd(b1, b2)
	c.genOr(b0, b2)
	return b2
}

// genWlanHostop matches a MAC address in an 802.11 header. Where the
// source and destination addresses are depends on the frame type and
// the To DS/From DS bits; addr1..addr4, ra and ta name header fields.
func (c *compiler) genWlanHostop(eaddr []byte, dir int) *block {
	switch dir {
	case qSrc:
		// Data frames: SA at 24 (To and From DS), 16 (From DS only)
		// or 10 (no From DS). Management frames: SA at 10.
		b1 := c.wlanFrameBit(1, wlanFC1DirToDS, true)
		b0 := c.genBcmp(orLinkhdr, 24, eaddr)
		c.genAnd(b1, b0)
		b2 := c.wlanFrameBit(1, wlanFC1DirToDS, false)
		b1 = c.genBcmp(orLinkhdr, 16, eaddr)
		c.genAnd(b2, b1)
		c.genOr(b1, b0)
		b1 = c.wlanFrameBit(1, wlanFC1DirFromDS, true)
		c.genAnd(b1, b0)
		b2 = c.wlanFrameBit(1, wlanFC1DirFromDS, false)
		b1 = c.genBcmp(orLinkhdr, 10, eaddr)
		c.genAnd(b2, b1)
		c.genOr(b1, b0)
		return c.wlanByFrameType(b0, func() *block { return c.genBcmp(orLinkhdr, 10, eaddr) })

	case qDst:
		// Data frames: DA at 16 with To DS, else 4. Management: 4.
		b1 := c.wlanFrameBit(1, wlanFC1DirToDS, true)
		b0 := c.genBcmp(orLinkhdr, 16, eaddr)
		c.genAnd(b1, b0)
		b2 := c.wlanFrameBit(1, wlanFC1DirToDS, false)
		b1 = c.genBcmp(orLinkhdr, 4, eaddr)
		c.genAnd(b2, b1)
		c.genOr(b1, b0)
		return c.wlanByFrameType(b0, func() *block { return c.genBcmp(orLinkhdr, 4, eaddr) })

	case qAnd:
		b0 := c.genWlanHostop(eaddr, qSrc)
		b1 := c.genWlanHostop(eaddr, qDst)
		c.genAnd(b0, b1)
		return b1

	case qDefault, qOr:
		b0 := c.genWlanHostop(eaddr, qSrc)
		b1 := c.genWlanHostop(eaddr, qDst)
		c.genOr(b0, b1)
		return b1

	case qAddr1:
		return c.genBcmp(orLinkhdr, 4, eaddr)

	case qAddr2:
		// Absent from CTS and ACK frames.
		b2 := c.wlanNotCTSorACK()
		b1 := c.genBcmp(orLinkhdr, 10, eaddr)
		c.genAnd(b2, b1)
		return b1

	case qAddr3:
		// Absent from control frames.
		b0 := c.llMcmpNe(orLinkhdr, 0, bpf.B, wlanFC0TypeCtl, wlanFC0TypeMask)
		b1 := c.genBcmp(orLinkhdr, 16, eaddr)
		c.genAnd(b0, b1)
		return b1

	case qAddr4:
		// Only with both To DS and From DS set.
		b0 := c.genMcmp(orLinkhdr, 1, bpf.B, wlanFC1DirDSToDS, wlanFC1DirMask)
		b1 := c.genBcmp(orLinkhdr, 24, eaddr)
		c.genAnd(b0, b1)
		return b1

	case qRA:
		// addr1 of frames that are not management frames.
		b1 := c.wlanFrameBit(0, wlanFC0TypeData, true)
		b0 := c.genBcmp(orLinkhdr, 4, eaddr)
		c.genAnd(b1, b0)
		return b0

	case qTA:
		// addr2, where present, of frames that are not management frames.
		b2 := c.wlanNotCTSorACK()
		b1 := c.wlanFrameBit(0, wlanFC0TypeData, true)
		c.genAnd(b1, b2)
		b1 = c.genBcmp(orLinkhdr, 10, eaddr)
		c.genAnd(b2, b1)
		return b1
	}
	c.fail("internal error in genWlanHostop(): dir == %d", dir)
	return nil
}

// genLinkBroadcast is "link broadcast" for the current link type.
func (c *compiler) genLinkBroadcast() *block {
	switch c.linktype {
	case dltARCNET, dltARCNET_LINUX:
		// Destination address 0.
		return c.genMac8Host(0, qDst, "broadcast")
	case dltBACNET_MS_TP:
		return c.genMac8Host(0xff, qDst, "broadcast")
	}
	return c.genMac48Host([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, qDst, "broadcast")
}

// genMacMulticast tests the group bit of the MAC address at offset.
func (c *compiler) genMacMulticast(offset uint32) *block {
	return c.llSet(1, c.loadA(orLinkhdr, offset, bpf.B))
}

// genLinkMulticast is "link multicast" for the current link type.
func (c *compiler) genLinkMulticast() *block {
	lt := c.linktype
	switch {
	case lt == dltARCNET || lt == dltARCNET_LINUX:
		// The same as broadcast.
		return c.genMac8Host(0, qDst, "multicast")
	case isEtherLike(lt):
		pre := c.genPrevLinkhdrCheck()
		b := c.genMacMulticast(0)
		if pre != nil {
			c.genAnd(pre, b)
		}
		return b
	case lt == dltFDDI:
		return c.genMacMulticast(1)
	case lt == dltIEEE802, lt == dltIP_OVER_FC:
		return c.genMacMulticast(2)
	case isWlan(lt):
		// The DA as for "wlan dst".
		b1 := c.wlanFrameBit(1, wlanFC1DirToDS, true)
		b0 := c.genMacMulticast(16)
		c.genAnd(b1, b0)
		b2 := c.wlanFrameBit(1, wlanFC1DirToDS, false)
		b1 = c.genMacMulticast(4)
		c.genAnd(b2, b1)
		c.genOr(b1, b0)
		return c.wlanByFrameType(b0, func() *block { return c.genMacMulticast(4) })
	}
	c.failKwOnDLT("multicast")
	return nil
}
