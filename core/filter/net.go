package filter

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/pcapshim/pcapshim/core/bpf"
)

// This file holds the address primitives and their qualifier checks: the
// dispatch from an id with its qualifiers (a name, a number or partial
// IPv4 address, an IPv4 network, an IPv6 address or network) to host,
// network, port, protocol and gateway matches.

// Error texts shared by several generators.
const (
	errOnly80211   = "'%s' is valid for 802.11 syntax only"
	errInvalidQual = "'%s' is not a valid qualifier for '%s'"
	errInvalidIPv4 = "invalid IPv4 address '%s'"
)

// kwName returns names[i], or a placeholder for a value outside the table.
func kwName(kind string, names []string, i int) string {
	if i >= 0 && i < len(names) && names[i] != "" {
		return names[i]
	}
	return fmt.Sprintf("<invalid %s %d>", kind, i)
}

func pqkw(p int) string { return kwName("proto", protoNames[:], p) }
func dqkw(d int) string { return kwName("dir", dirNames[:], d) }
func tqkw(a int) string { return kwName("type", addrNames[:], a) }

// assertMax fails with master's "NAME V greater than maximum MAX" text.
func (c *compiler) assertMax(name string, v, max uint32) {
	if v > max {
		c.fail("%s %d greater than maximum %d", name, v, max)
	}
}

// isConstBlock reports whether b is a lone "ld #v; jeq #0" block from
// genTrue/genFalse, and which constant it is.
func isConstBlock(b *block) (isConst, val bool) {
	if b == nil || b.head != b || b.s.code != bpf.JMP|bpf.JEQ|bpf.K || b.s.k != 0 {
		return false, false
	}
	s := b.stmts
	if s == nil || s.next != nil || s.s.code != bpf.LD|bpf.IMM || s.s.k > 1 {
		return false, false
	}
	if len(b.tx) != 1 || len(b.fx) != 1 || b.tx[0].b != b || b.fx[0].b != b {
		return false, false
	}
	return true, s.s.k == 0
}

// and returns "b0 and b1" as master builds it: a check known to be always
// true is left out, and a check known to be always false stands for the
// whole conjunction.
func (c *compiler) and(b0, b1 *block) *block {
	k0, v0 := isConstBlock(b0)
	k1, v1 := isConstBlock(b1)
	switch {
	case k0 && !v0:
		return b0
	case k1 && !v1:
		return b1
	case k0:
		return b1
	case k1:
		return b0
	}
	c.genAnd(b0, b1)
	return b1
}

// or returns "b0 or b1", b0 tested first, with the same treatment of
// constant operands as and.
func (c *compiler) or(b0, b1 *block) *block {
	k0, v0 := isConstBlock(b0)
	k1, v1 := isConstBlock(b1)
	switch {
	case k0 && v0:
		return b0
	case k1 && v1:
		return b1
	case k0:
		return b1
	case k1:
		return b0
	}
	c.genOr(b0, b1)
	return b1
}

// mcmp is genMcmp, except that a zero mask gives a constant result.
func (c *compiler) mcmp(rel offrel, off uint32, size uint16, v, mask uint32) *block {
	if mask == 0 {
		if v != 0 {
			return c.genFalse()
		}
		return c.genTrue()
	}
	return c.genMcmp(rel, off, size, v, mask)
}

// setBlock is a "jset #v" block over stmts; unsetBlock its negation.
func (c *compiler) setBlock(v uint32, stmts *slist) *block {
	return c.jmpBlock(bpf.JSET, v, stmts)
}

func (c *compiler) unsetBlock(v uint32, stmts *slist) *block {
	b := c.setBlock(v, stmts)
	c.genNot(b)
	return b
}

// checkAddrQual rejects port, portrange, proto and protochain qualifiers on
// an address id; what describes the id ("IPv4 address", ...).
func (c *compiler) checkAddrQual(q qual, what string) {
	switch q.addr {
	case qPort, qPortrange, qProto, qProtochain:
		c.fail("'%s' qualifier applied to %s", tqkw(q.addr), what)
	}
}

// rejectDECnet is the check of the generators for ids DECnet has no
// primitive for.
func (c *compiler) rejectDECnet(q qual) {
	if q.proto == qDECnet {
		a := q.addr
		if a == qDefault {
			a = qHost
		}
		c.fail(errInvalidQual, "decnet", tqkw(a))
	}
}

// genScode is a primitive whose id is a name: a host, network, port,
// port range, protocol or gateway name.
func (c *compiler) genScode(name string, q qual) *block {
	c.rejectDECnet(q)
	switch q.addr {
	case qNet:
		addr := lookupNetwork(name)
		if addr == 0 {
			c.fail("unknown network '%s'", name)
		}
		mask := uint32(0xffffffff)
		for addr != 0 && addr&0xff000000 == 0 {
			addr <<= 8
			mask <<= 8
		}
		return c.genHost(addr, mask, q.proto, q.dir, "net NAME")

	case qDefault, qHost:
		if q.proto == qLink {
			return c.genMac48HostByName(name, q.dir, "link host NAME")
		}
		p4, p6 := q.proto, q.proto
		if c.offLinktype.constPart == notSet && q.proto == qDefault {
			// Without a link-layer type field "host NAME" means
			// IPv4 or IPv6, never ARP or RARP.
			p4, p6 = qIP, qIPv6
		}
		return c.genHost46ByName(name, p4, p6, q.dir)

	case qPort:
		c.portProto(q.proto, "port")
		port, real, ok := lookupPort(name)
		if !ok {
			c.fail("unknown port '%s'", name)
		}
		real = c.narrowPortProto(q.proto, real, "port '"+name+"'")
		c.assertMax("port number", uint32(port), 65535)
		b := c.genPort(uint16(port), real, q.dir)
		return c.or(c.genPort6(uint16(port), real, q.dir), b)

	case qPortrange:
		c.portProto(q.proto, "portrange")
		p1, p2, real := c.parsePortRange(name)
		real = c.narrowPortProto(q.proto, real, "port in range '"+name+"'")
		c.assertMax("port number", p1, 65535)
		c.assertMax("port number", p2, 65535)
		b := c.genPortrange(uint16(p1), uint16(p2), real, q.dir)
		return c.or(c.genPortrange6(uint16(p1), uint16(p2), real, q.dir), b)

	case qGateway:
		return c.genGateway(name, q.proto)

	case qProto:
		return c.genProto(c.lookupProtoName(name, q), q.proto)

	case qProtochain:
		return c.genProtochain(c.lookupProtoName(name, q), q.proto)
	}
	c.fail("can't parse filter expression: syntax error")
	return nil
}

// portProto validates the protocol qualifier of a port or port range and
// returns the IP protocol it names (protoUndef for none).
func (c *compiler) portProto(proto int, kw string) int {
	switch proto {
	case qUDP:
		return ipprotoUDP
	case qTCP:
		return ipprotoTCP
	case qSCTP:
		return ipprotoSCTP
	case qDefault:
		return protoUndef
	}
	c.fail(errInvalidQual, pqkw(proto), kw)
	return 0
}

// narrowPortProto reconciles the protocol a service name resolved to with
// the protocol qualifier: a conflict is an error, an explicit qualifier
// wins over "either".
func (c *compiler) narrowPortProto(proto, real int, what string) int {
	name := map[int]string{ipprotoTCP: "tcp", ipprotoUDP: "udp", ipprotoSCTP: "sctp"}
	want := map[int]int{qTCP: ipprotoTCP, qUDP: ipprotoUDP, qSCTP: ipprotoSCTP}
	w, ok := want[proto]
	if !ok {
		return real
	}
	if real != protoUndef && real != w {
		c.fail("%s is %s", what, name[real])
	}
	return w
}

// parsePortRange splits "P1-P2" (numbers or service names) into its two
// ports and the protocol they imply.
func (c *compiler) parsePortRange(s string) (uint32, uint32, int) {
	i := strings.IndexByte(s, '-')
	if i < 0 {
		c.fail("port range '%s' contains no hyphen", s)
	}
	if strings.IndexByte(s[i+1:], '-') >= 0 {
		c.fail("port range '%s' contains more than one hyphen", s)
	}
	if i == 0 {
		c.fail("port range '%s' has no starting port", s)
	}
	p1, proto1 := c.stringToPort(s[:i])
	if i+1 == len(s) {
		c.fail("port range '%s' has no ending port", s)
	}
	p2, proto2 := c.stringToPort(s[i+1:])
	if proto1 != proto2 {
		proto2 = protoUndef
	}
	return p1, p2, proto2
}

// stringToPort is one end of a port range: a number, or a service name.
func (c *compiler) stringToPort(s string) (uint32, int) {
	v, res, msg := parseCNumber(s)
	switch res {
	case numOK:
		return v, protoUndef
	case numError:
		c.fail("%s", msg)
	}
	port, proto, ok := lookupPort(s)
	if !ok {
		c.fail("'%s' is not a valid port", s)
	}
	return uint32(port), proto
}

// lookupProtoName resolves the name in "[p] proto NAME" and
// "[p] protochain NAME" for protocol qualifier q.proto.
func (c *compiler) lookupProtoName(name string, q qual) uint32 {
	v := protoUndef
	switch q.proto {
	case qDefault, qIP, qIPv6:
		v = lookupProtocol(name)
	case qLink:
		if e, ok := etherProtoNames[name]; ok {
			v = int(e)
		} else if l, ok := llcNames[name]; ok {
			v = int(l)
		}
	case qISO:
		switch name {
		case "esis":
			v = iso9542ESIS
		case "isis":
			v = iso10589ISIS
		case "clnp":
			v = iso8473CLNP
		}
	}
	if v >= 0 {
		return uint32(v)
	}
	if q.proto == qDefault {
		c.fail("unknown '%s' value '%s'", tqkw(q.addr), name)
	}
	c.fail("unknown '%s %s' value '%s'", pqkw(q.proto), tqkw(q.addr), name)
	return 0
}

// genNcode is a primitive whose id is a number (s is "") or a partial or
// full dotted IPv4 address s (v unused).
func (c *compiler) genNcode(s string, v uint32, q qual) *block {
	if s != "" {
		c.checkAddrQual(q, "IPv4 address")
	}
	if q.proto == qDECnet {
		if q.addr != qDefault && q.addr != qHost {
			c.fail(errInvalidQual, "decnet", tqkw(q.addr))
		}
		if s == "" {
			c.fail("invalid DECnet address '%d'", v)
		}
		dn, ok := atodn(s)
		if !ok {
			c.fail("invalid DECnet address '%s'", s)
		}
		return c.genHost(dn, 0, q.proto, q.dir, "host <DECnet address>")
	}
	vlen := 32
	if s != "" {
		var n int
		v, n = atoin(s)
		if n < 0 {
			c.fail(errInvalidIPv4, s)
		}
		vlen = n
	}
	switch q.addr {
	case qDefault, qHost, qNet:
		if q.proto == qLink {
			if s != "" {
				c.fail("illegal link-layer address '%s'", s)
			}
			c.fail("illegal link-layer address '%d'", v)
		}
		mask := uint32(0xffffffff)
		if s == "" && q.addr == qNet {
			// A plain number as a network: left-justify it.
			for v != 0 && v&0xff000000 == 0 {
				v <<= 8
				mask <<= 8
			}
		} else if vlen < 32 {
			v <<= 32 - vlen
			mask <<= 32 - vlen
		}
		what := "host"
		if q.addr == qNet {
			what = "net"
		}
		return c.genHost(v, mask, q.proto, q.dir, what+" <IPv4 address>")

	case qPort:
		proto := c.portProto(q.proto, "port")
		c.assertMax("port number", v, 65535)
		b := c.genPort(uint16(v), proto, q.dir)
		return c.or(c.genPort6(uint16(v), proto, q.dir), b)

	case qPortrange:
		proto := c.portProto(q.proto, "portrange")
		c.assertMax("port number", v, 65535)
		b := c.genPortrange(uint16(v), uint16(v), proto, q.dir)
		return c.or(c.genPortrange6(uint16(v), uint16(v), proto, q.dir), b)

	case qGateway:
		if s == "" {
			s = fmt.Sprint(v)
		}
		c.fail(errInvalidQual, "gateway", s)

	case qProto:
		return c.genProto(v, q.proto)

	case qProtochain:
		return c.genProtochain(v, q.proto)
	}
	c.fail("can't parse filter expression: syntax error")
	return nil
}

// genMcode is "net A mask M" (s2 is M) or "net A/LEN" (s2 is "").
func (c *compiler) genMcode(s1, s2 string, masklen uint32, q qual) *block {
	id := s1 + "/" + fmt.Sprint(masklen)
	what := "IPv4 address and prefix length"
	if s2 != "" {
		id = s1 + " mask " + s2
		what = "IPv4 address and netmask"
	}
	c.checkAddrQual(q, what)
	c.rejectDECnet(q)

	n, nlen := atoin(s1)
	if nlen < 0 {
		c.fail(errInvalidIPv4, s1)
	}
	n <<= 32 - uint(nlen)
	var m uint32
	if s2 != "" {
		var mlen int
		m, mlen = atoin(s2)
		if mlen < 0 {
			c.fail(errInvalidIPv4, s2)
		}
		m <<= 32 - uint(mlen)
		if n&^m != 0 {
			c.fail("non-network bits set in \"%s mask %s\"", s1, s2)
		}
	} else {
		c.assertMax("netmask length", masklen, 32)
		m = uint32(uint64(0xffffffff) << (32 - masklen))
		if n&^m != 0 {
			c.fail("non-network bits set in \"%s/%d\"", s1, masklen)
		}
	}
	switch q.addr {
	case qDefault, qNet:
		return c.genHost(n, m, q.proto, q.dir, "net <IPv4 prefix>")
	}
	c.fail(errInvalidQual, tqkw(q.addr), id)
	return nil
}

// genMcode6 is an IPv6 address, or a network with a prefix length.
func (c *compiler) genMcode6(s string, masklen uint32, q qual) *block {
	what := "IPv6 address"
	if masklen != 128 {
		what = "IPv6 address and prefix length"
	}
	c.checkAddrQual(q, what)

	ip, err := netip.ParseAddr(s)
	if err != nil || !ip.Is6() || ip.Zone() != "" {
		c.fail("'%s' is not a valid IPv6 address", s)
	}
	if masklen > 128 {
		c.fail("mask length must be <= 128")
	}
	addr := ip.As16()
	var mask [16]byte
	for i := uint32(0); i < masklen/8; i++ {
		mask[i] = 0xff
	}
	if masklen%8 != 0 {
		mask[masklen/8] = byte(0xff << (8 - masklen%8))
	}
	for i := range addr {
		if addr[i]&^mask[i] != 0 {
			c.fail("non-network bits set in \"%s/%d\"", s, masklen)
		}
	}
	switch q.addr {
	case qDefault, qHost:
		if masklen != 128 {
			c.fail(errInvalidQual, "host", fmt.Sprintf("%s/%d", s, masklen))
		}
		return c.genHost6(addr, mask, q.proto, q.dir, "host <IPv6 address>")
	case qNet:
		return c.genHost6(addr, mask, q.proto, q.dir, "net <IPv6 prefix>")
	}
	if masklen == 128 {
		c.fail(errInvalidQual, tqkw(q.addr), s)
	}
	c.fail(errInvalidQual, tqkw(q.addr), fmt.Sprintf("%s/%d", s, masklen))
	return nil
}

// genHost matches an IPv4 address (or network, with mask) for protocol
// qualifier proto; what describes the id for the error text. For DECnet
// addr is the 16-bit DECnet address.
func (c *compiler) genHost(addr, mask uint32, proto, dir int, what string) *block {
	switch proto {
	case qDefault:
		b := c.genHost(addr, mask, qIP, dir, what)
		if c.labelStackDepth == 0 {
			b = c.or(b, c.genHost(addr, mask, qARP, dir, what))
			b = c.or(b, c.genHost(addr, mask, qRARP, dir, what))
		}
		return b
	case qIP, qARP, qRARP:
		et, src, dst := uint32(ethertypeIP), uint32(12), uint32(16)
		if proto == qARP {
			et, src, dst = ethertypeARP, 14, 24
		} else if proto == qRARP {
			et, src, dst = ethertypeRevARP, 14, 24
		}
		b0 := c.genLinktype(et)
		if mask == 0 && addr == 0 || c.noSuchLinktype(b0, dir) {
			return b0
		}
		return c.and(b0, c.genHostop(addr, mask, dir, src, dst))
	case qDECnet:
		b0 := c.genLinktype(ethertypeDN)
		if c.noSuchLinktype(b0, dir) {
			return b0
		}
		return c.and(b0, c.genDNHostop(addr, dir))
	}
	c.fail(errInvalidQual, pqkw(proto), what)
	return nil
}

// noSuchLinktype reports whether the link-type check b0 can never match,
// in which case the address tests are not generated (no loads, no
// registers), though their direction qualifier is still checked.
func (c *compiler) noSuchLinktype(b0 *block, dir int) bool {
	if k, v := isConstBlock(b0); !k || v {
		return false
	}
	switch dir {
	case qDefault, qSrc, qDst, qAnd, qOr:
		return true
	}
	c.fail(errOnly80211, dqkw(dir))
	return true
}

// genHostop compares the 32-bit address at srcOff and/or dstOff of the
// network header with addr under mask, by direction.
func (c *compiler) genHostop(addr, mask uint32, dir int, srcOff, dstOff uint32) *block {
	switch dir {
	case qSrc:
		return c.mcmp(orLinkpl, srcOff, bpf.W, addr, mask)
	case qDst:
		return c.mcmp(orLinkpl, dstOff, bpf.W, addr, mask)
	case qAnd:
		b0 := c.genHostop(addr, mask, qSrc, srcOff, dstOff)
		return c.and(b0, c.genHostop(addr, mask, qDst, srcOff, dstOff))
	case qDefault, qOr:
		b0 := c.genHostop(addr, mask, qSrc, srcOff, dstOff)
		return c.or(b0, c.genHostop(addr, mask, qDst, srcOff, dstOff))
	}
	c.fail(errOnly80211, dqkw(dir))
	return nil
}

// genHost6 matches an IPv6 address or network.
func (c *compiler) genHost6(addr, mask [16]byte, proto, dir int, what string) *block {
	switch proto {
	case qDefault, qIPv6:
		b0 := c.genLinktype(ethertypeIPv6)
		if addr == ([16]byte{}) && mask == ([16]byte{}) || c.noSuchLinktype(b0, dir) {
			return b0
		}
		return c.and(b0, c.genHostop6(addr, mask, dir, 8, 24))
	}
	c.fail(errInvalidQual, pqkw(proto), what)
	return nil
}

// genHostop6 compares a 128-bit address, one 32-bit word at a time,
// skipping words that the mask ignores and are zero.
func (c *compiler) genHostop6(addr, mask [16]byte, dir int, srcOff, dstOff uint32) *block {
	var off uint32
	switch dir {
	case qSrc:
		off = srcOff
	case qDst:
		off = dstOff
	case qAnd:
		b0 := c.genHostop6(addr, mask, qSrc, srcOff, dstOff)
		return c.and(b0, c.genHostop6(addr, mask, qDst, srcOff, dstOff))
	case qDefault, qOr:
		b0 := c.genHostop6(addr, mask, qSrc, srcOff, dstOff)
		return c.or(b0, c.genHostop6(addr, mask, qDst, srcOff, dstOff))
	default:
		c.fail(errOnly80211, dqkw(dir))
	}
	word := func(b [16]byte, i int) uint32 {
		return uint32(b[4*i])<<24 | uint32(b[4*i+1])<<16 | uint32(b[4*i+2])<<8 | uint32(b[4*i+3])
	}
	// Built from the last word back, so that the first word is tested
	// first.
	var b *block
	for i := 3; i >= 0; i-- {
		a, m := word(addr, i), word(mask, i)
		if a == 0 && m == 0 {
			continue
		}
		t := c.mcmp(orLinkpl, off+4*uint32(i), bpf.W, a, m)
		if b != nil {
			b = c.and(t, b)
		} else {
			b = t
		}
	}
	if b == nil {
		return c.genTrue()
	}
	return b
}

// genDNHostop matches a DECnet address in a data packet with a short or a
// long route header, each with and without the one padding byte.
func (c *compiler) genDNHostop(addr uint32, dir int) *block {
	var offSh, offLh uint32
	switch dir {
	case qDst:
		offSh, offLh = 1, 7
	case qSrc:
		offSh, offLh = 3, 15
	case qAnd:
		b0 := c.genDNHostop(addr, qSrc)
		return c.and(b0, c.genDNHostop(addr, qDst))
	case qDefault, qOr:
		b0 := c.genDNHostop(addr, qSrc)
		return c.or(b0, c.genDNHostop(addr, qDst))
	default:
		c.fail(errOnly80211, dqkw(dir))
	}
	// The address is little-endian on the wire.
	sw := (addr&0xff)<<8 | (addr>>8)&0xff
	// Padded, long header.
	b1 := c.and(c.mcmp(orLinkpl, 2, bpf.H, 0x8106, 0xff07),
		c.genCmp(orLinkpl, 2+1+offLh, bpf.H, sw))
	// Unpadded, long header.
	b2 := c.and(c.mcmp(orLinkpl, 2, bpf.B, 0x06, 0x07),
		c.genCmp(orLinkpl, 2+offLh, bpf.H, sw))
	b1 = c.or(b2, b1)
	// Padded, short header.
	if dir == qDst {
		b2 = c.mcmp(orLinkpl, 2, bpf.W, 0x81020000|sw, 0xff07ffff)
	} else {
		b2 = c.and(c.mcmp(orLinkpl, 2, bpf.H, 0x8102, 0xff07),
			c.genCmp(orLinkpl, 2+1+offSh, bpf.H, sw))
	}
	b1 = c.or(b2, b1)
	// Unpadded, short header.
	if dir == qDst {
		b2 = c.mcmp(orLinkpl, 2, bpf.W, 0x02000000|sw<<8, 0x07ffff00)
	} else {
		b2 = c.and(c.mcmp(orLinkpl, 2, bpf.B, 0x02, 0x07),
			c.genCmp(orLinkpl, 2+offSh, bpf.H, sw))
	}
	return c.or(b2, b1)
}

// genHost46ByName matches every address a host name resolves to: the
// IPv4 ones (unless proto4 is ip6) with proto4, then the IPv6 ones
// (unless proto6 is ip, arp or rarp) with proto6.
func (c *compiler) genHost46ByName(name string, proto4, proto6, dir int) *block {
	v4, v6, ok := lookupHost(name)
	if !ok {
		c.fail("unknown host '%s'", name)
	}
	var ret *block
	if proto4 != qIPv6 {
		for _, a := range v4 {
			v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
			h := c.genHost(v, 0xffffffff, proto4, dir, "host NAME")
			if ret != nil {
				h = c.or(ret, h)
			}
			ret = h
		}
	}
	if proto6 != qARP && proto6 != qIP && proto6 != qRARP {
		var all [16]byte
		for i := range all {
			all[i] = 0xff
		}
		for _, a := range v6 {
			h := c.genHost6(a, all, proto6, dir, "host NAME")
			if ret != nil {
				h = c.or(ret, h)
			}
			ret = h
		}
	}
	if ret == nil {
		if proto4 == qDefault {
			c.fail("unknown host '%s'", name)
		}
		c.fail("unknown host '%s' for specified address family", name)
	}
	return ret
}

// genGateway is "gateway NAME": the link-layer address is the name's but
// the IPv4 address is not.
func (c *compiler) genGateway(name string, proto int) *block {
	switch proto {
	case qDefault, qIP, qARP, qRARP:
	default:
		c.fail(errInvalidQual, pqkw(proto), "gateway")
	}
	if c.labelStackDepth > 0 {
		c.fail("'gateway' cannot be used within MPLS")
	}
	if c.isEncap {
		c.fail("'gateway' cannot be used within VXLAN or Geneve")
	}
	b0 := c.genMac48HostByName(name, qOr, "gateway")
	b1 := c.genHost46ByName(name, proto, qIP, qOr)
	c.genNot(b1)
	return c.and(b0, b1)
}

// genProtoAbbrev is a protocol keyword used as a primitive on its own.
func (c *compiler) genProtoAbbrev(proto int) *block {
	isis := func(types ...uint32) *block {
		// Each type after the second is tested before the others.
		b := c.genProto(types[0], qISIS)
		b = c.or(b, c.genProto(types[1], qISIS))
		for _, t := range types[2:] {
			b = c.or(c.genProto(t, qISIS), b)
		}
		return b
	}
	switch proto {
	case qSCTP:
		return c.genProto(ipprotoSCTP, qDefault)
	case qTCP:
		return c.genProto(ipprotoTCP, qDefault)
	case qUDP:
		return c.genProto(ipprotoUDP, qDefault)
	case qICMP:
		return c.genProto(ipprotoICMP, qIP)
	case qIGMP:
		return c.genProto(ipprotoIGMP, qIP)
	case qIGRP:
		return c.genProto(ipprotoIGRP, qIP)
	case qPIM:
		return c.genProto(ipprotoPIM, qDefault)
	case qVRRP:
		return c.genProto(ipprotoVRRP, qIP)
	case qCARP:
		return c.genProto(ipprotoCARP, qIP)
	case qIP:
		return c.genLinktype(ethertypeIP)
	case qARP:
		return c.genLinktype(ethertypeARP)
	case qRARP:
		return c.genLinktype(ethertypeRevARP)
	case qAtalk:
		return c.genLinktype(ethertypeAtalk)
	case qAARP:
		return c.genLinktype(ethertypeAARP)
	case qDECnet:
		return c.genLinktype(ethertypeDN)
	case qSCA:
		return c.genLinktype(ethertypeSCA)
	case qLAT:
		return c.genLinktype(ethertypeLAT)
	case qMOPDL:
		return c.genLinktype(ethertypeMOPDL)
	case qMOPRC:
		return c.genLinktype(ethertypeMOPRC)
	case qIPv6:
		return c.genLinktype(ethertypeIPv6)
	case qICMPv6:
		return c.genProto(ipprotoICMPv6, qIPv6)
	case qAH:
		return c.genProto(ipprotoAH, qDefault)
	case qESP:
		return c.genProto(ipprotoESP, qDefault)
	case qISO:
		return c.genLinktype(llcsapISONS)
	case qESIS:
		return c.genProto(iso9542ESIS, qISO)
	case qISIS:
		return c.genProto(iso10589ISIS, qISO)
	case qISISL1:
		// The point-to-point hello's circuit type is not checked.
		return isis(isisL1LANIIH, isisPTPIIH, isisL1LSP, isisL1CSNP, isisL1PSNP)
	case qISISL2:
		return isis(isisL2LANIIH, isisPTPIIH, isisL2LSP, isisL2CSNP, isisL2PSNP)
	case qISISIIH:
		return isis(isisL1LANIIH, isisL2LANIIH, isisPTPIIH)
	case qISISLSP:
		return isis(isisL1LSP, isisL2LSP)
	case qISISSNP:
		return isis(isisL1CSNP, isisL2CSNP, isisL1PSNP, isisL2PSNP)
	case qISISCSNP:
		return isis(isisL1CSNP, isisL2CSNP)
	case qISISPSNP:
		return isis(isisL1PSNP, isisL2PSNP)
	case qCLNP:
		return c.genProto(iso8473CLNP, qISO)
	case qSTP:
		return c.genLinktype(llcsap8021D)
	case qIPX:
		return c.genLinktype(llcsapIPX)
	case qNetBEUI:
		return c.genLinktype(llcsapNetBEUI)
	}
	c.fail("'%s' cannot be used as an abbreviation", pqkw(proto))
	return nil
}

// genIPProto tests the IPv4 protocol field; genIP6Proto the IPv6 next
// header field.
func (c *compiler) genIPProto(p uint32) *block  { return c.genCmp(orLinkpl, 9, bpf.B, p) }
func (c *compiler) genIP6Proto(p uint32) *block { return c.genCmp(orLinkpl, 6, bpf.B, p) }

// genIPFrag is "not a fragment other than the first".
func (c *compiler) genIPFrag() *block {
	return c.unsetBlock(0x1fff, c.loadA(orLinkpl, 6, bpf.H))
}

// genProto is "[p] proto V": the protocol field of layer p is v.
func (c *compiler) genProto(v uint32, proto int) *block {
	switch proto {
	case qDefault:
		b0 := c.genProto(v, qIP)
		return c.or(b0, c.genProto(v, qIPv6))
	case qLink:
		return c.genLinktype(v)
	case qIP:
		c.assertMax("protocol number", v, 255)
		b0 := c.genLinktype(ethertypeIP)
		if k, val := isConstBlock(b0); k && !val {
			return b0
		}
		return c.and(b0, c.genIPProto(v))
	case qIPv6:
		c.assertMax("protocol number", v, 255)
		b0 := c.genLinktype(ethertypeIPv6)
		if k, val := isConstBlock(b0); k && !val {
			return b0
		}
		// The protocol may follow a fragment header.
		b1 := c.and(c.genIP6Proto(ipprotoFragment), c.genCmp(orLinkpl, 40, bpf.B, v))
		b1 = c.or(c.genIP6Proto(v), b1)
		return c.and(b0, b1)
	case qISO:
		c.assertMax("ISO protocol", v, 255)
		switch c.linktype {
		case dltFRELAY:
			// The NLPID follows a UI control byte.
			return c.genCmp(orLinkhdr, 2, bpf.H, 0x0300|v)
		case dltC_HDLC, dltHDLC:
			// Cisco's OSI type, then a padding byte before the NLPID.
			b0 := c.genLinktype(llcsapISONS<<8 | llcsapISONS)
			return c.and(b0, c.genCmp(orLinkplNosnap, 1, bpf.B, v))
		}
		b0 := c.genLinktype(llcsapISONS)
		return c.and(b0, c.genCmp(orLinkplNosnap, 0, bpf.B, v))
	case qISIS:
		c.assertMax("IS-IS PDU type", v, isisPDUTypeMax)
		b0 := c.genProto(iso10589ISIS, qISO)
		off := uint32(4)
		if c.linktype == dltC_HDLC || c.linktype == dltHDLC {
			off = 5
		}
		return c.and(b0, c.mcmp(orLinkplNosnap, off, bpf.B, v, isisPDUTypeMax))
	}
	c.fail(errInvalidQual, pqkw(proto), "proto")
	return nil
}

// genProtochain is "[ip|ip6] protochain V": protocol v anywhere in the
// chain of IPv6 extension headers and AH headers. The code loops, so the
// optimiser is turned off.
func (c *compiler) genProtochain(v uint32, proto int) *block {
	reg := c.allocReg() // libpcap allocates before dispatching, even for both legs
	switch proto {
	case qIP, qIPv6:
		c.assertMax("protocol number", v, 255)
	case qDefault:
		b0 := c.genProtochain(v, qIP)
		return c.or(b0, c.genProtochain(v, qIPv6))
	default:
		c.fail(errInvalidQual, pqkw(proto), "protochain")
	}
	if c.offLinkpl.isVariable {
		c.fail("'protochain' not supported with variable length headers")
	}
	c.noOptimize = true

	nl := c.offLinkpl.constPart + c.offNl
	var code []*slist
	add := func(s *slist) *slist {
		for p := s; p != nil; p = p.next {
			code = append(code, p)
		}
		return s
	}
	st := func(op uint16, k uint32) *slist { return add(c.newStmt(op, k)) }
	jeq := func(k uint32) *slist { return st(bpf.JMP|bpf.JEQ|bpf.K, k) }

	var b0 *block
	if proto == qIP {
		b0 = c.genLinktype(ethertypeIP)
		add(c.loadA(orLinkpl, 9, bpf.B)) // the protocol field
		add(c.loadXIPHdrLen())           // X: the header length
	} else {
		b0 = c.genLinktype(ethertypeIPv6)
		add(c.loadA(orLinkpl, 6, bpf.B)) // the next header field
		st(bpf.LDX|bpf.IMM, 40)          // X: the fixed header length
	}
	again := len(code)
	found := jeq(v)
	none := jeq(ipprotoNone)
	found.s.jf = none
	var lastExt *slist
	if proto == qIPv6 {
		exts := []*slist{jeq(ipprotoHopopts), jeq(ipprotoDstopts), jeq(ipprotoRouting), jeq(ipprotoFragment)}
		none.s.jf = exts[0]
		for i := 0; i < 3; i++ {
			exts[i].s.jf = exts[i+1]
		}
		lastExt = exts[3]
		// Skip an extension header: X += (len + 1) * 8, A = next header.
		adv := st(bpf.LD|bpf.IND|bpf.B, nl)
		for _, e := range exts {
			e.s.jt = adv
		}
		st(bpf.ST, uint32(reg))
		st(bpf.LD|bpf.IND|bpf.B, nl+1)
		st(bpf.ALU|bpf.ADD|bpf.K, 1)
		st(bpf.ALU|bpf.MUL|bpf.K, 8)
		st(bpf.ALU|bpf.ADD|bpf.X, 0)
		st(bpf.MISC|bpf.TAX, 0)
		st(bpf.LD|bpf.MEM, uint32(reg))
		i := len(code)
		st(bpf.JMP|bpf.JA, uint32(int32(again-i-1)))
	} else {
		none.s.jf = st(bpf.ALU|bpf.ADD|bpf.K, 0)
	}
	// An AH header: X += (len + 2) * 4, A = next header.
	ah := jeq(ipprotoAH)
	if lastExt != nil {
		lastExt.s.jf = ah
	}
	ah.s.jt = st(bpf.LD|bpf.IND|bpf.B, nl)
	st(bpf.ST, uint32(reg))
	st(bpf.MISC|bpf.TXA, 0)
	st(bpf.ALU|bpf.ADD|bpf.K, 1)
	st(bpf.MISC|bpf.TAX, 0)
	st(bpf.LD|bpf.IND|bpf.B, nl)
	st(bpf.ALU|bpf.ADD|bpf.K, 2)
	st(bpf.ALU|bpf.MUL|bpf.K, 4)
	st(bpf.MISC|bpf.TAX, 0)
	st(bpf.LD|bpf.MEM, uint32(reg))
	i := len(code)
	st(bpf.JMP|bpf.JA, uint32(int32(again-i-1)))
	end := st(bpf.ALU|bpf.ADD|bpf.K, 0)
	none.s.jt = end
	ah.s.jf = end
	found.s.jt = end

	for i := 0; i+1 < len(code); i++ {
		code[i].next = code[i+1]
	}
	code[len(code)-1].next = nil
	b := c.jmpBlock(bpf.JEQ, v, code[0])
	c.freeReg(reg)
	return c.and(b0, b)
}

// Ports. Source and destination ports sit at offsets 0 and 2 of the TCP,
// UDP and SCTP headers alike.

func (c *compiler) genPortAtom(off uint32, v uint16) *block {
	return c.genCmp(orTranIPv4, off, bpf.H, uint32(v))
}

func (c *compiler) genPortAtom6(off uint32, v uint16) *block {
	return c.genCmp(orTranIPv6, off, bpf.H, uint32(v))
}

func (c *compiler) genPortRangeAtom(rel offrel, off uint32, v1, v2 uint16) *block {
	if v1 == v2 {
		return c.genCmp(rel, off, bpf.H, uint32(v1))
	}
	lo, hi := v1, v2
	if lo > hi {
		lo, hi = hi, lo
	}
	b1 := c.genCmpGe(rel, off, bpf.H, uint32(lo))
	return c.and(b1, c.genCmpLe(rel, off, bpf.H, uint32(hi)))
}

// portDir combines the atoms for the source and destination ports by
// direction; kw names the primitive for the error text.
func (c *compiler) portDir(dir int, kw string, atom func(off uint32) *block) *block {
	switch dir {
	case qSrc:
		return atom(0)
	case qDst:
		return atom(2)
	case qAnd:
		t := atom(0)
		return c.and(t, atom(2))
	case qDefault, qOr:
		t := atom(0)
		return c.or(t, atom(2))
	}
	c.fail(errInvalidQual, dqkw(dir), kw)
	return nil
}

func (c *compiler) genPort(port uint16, proto, dir int) *block {
	b := c.portDir(dir, "port", func(off uint32) *block { return c.genPortAtom(off, port) })
	return c.genPortCommon(proto, b)
}

func (c *compiler) genPort6(port uint16, proto, dir int) *block {
	b := c.portDir(dir, "port", func(off uint32) *block { return c.genPortAtom6(off, port) })
	return c.genPort6Common(proto, b)
}

func (c *compiler) genPortrange(p1, p2 uint16, proto, dir int) *block {
	b := c.portDir(dir, "portrange", func(off uint32) *block {
		return c.genPortRangeAtom(orTranIPv4, off, p1, p2)
	})
	return c.genPortCommon(proto, b)
}

func (c *compiler) genPortrange6(p1, p2 uint16, proto, dir int) *block {
	b := c.portDir(dir, "portrange", func(off uint32) *block {
		return c.genPortRangeAtom(orTranIPv6, off, p1, p2)
	})
	return c.genPort6Common(proto, b)
}

// transportProtos tests the protocol field (via test) for one transport
// protocol, or for TCP, UDP or SCTP when proto is protoUndef.
func (c *compiler) transportProtos(proto int, test func(uint32) *block) *block {
	switch proto {
	case ipprotoTCP, ipprotoUDP, ipprotoSCTP:
		return test(uint32(proto))
	case protoUndef:
		b := test(ipprotoSCTP)
		b = c.or(test(ipprotoUDP), b)
		return c.or(test(ipprotoTCP), b)
	}
	c.fail("internal error in genPortCommon(): proto == %d", proto)
	return nil
}

// genPortCommon puts the IPv4 checks in front of port tests b: IPv4, the
// protocol, and not a non-first fragment.
func (c *compiler) genPortCommon(proto int, b *block) *block {
	t := c.transportProtos(proto, c.genIPProto)
	t = c.and(t, c.genIPFrag())
	b = c.and(t, b)
	return c.and(c.genLinktype(ethertypeIP), b)
}

// genPort6Common puts the IPv6 checks in front of port tests b.
func (c *compiler) genPort6Common(proto int, b *block) *block {
	t := c.transportProtos(proto, c.genIP6Proto)
	b = c.and(t, b)
	return c.and(c.genLinktype(ethertypeIPv6), b)
}

// genBroadcast is "[proto] broadcast".
func (c *compiler) genBroadcast(proto int) *block {
	switch proto {
	case qDefault, qLink:
		return c.genLinkBroadcast()
	case qIP:
		if c.opts.Netmask == 0xffffffff {
			c.fail("netmask not known, so 'ip broadcast' not supported")
		}
		b0 := c.genLinktype(ethertypeIP)
		host := ^c.opts.Netmask
		b1 := c.mcmp(orLinkpl, 16, bpf.W, 0, host)
		b2 := c.or(b1, c.mcmp(orLinkpl, 16, bpf.W, host, host))
		return c.and(b0, b2)
	}
	c.fail(errInvalidQual, pqkw(proto), "broadcast")
	return nil
}

// genMulticast is "[proto] multicast".
func (c *compiler) genMulticast(proto int) *block {
	switch proto {
	case qDefault, qLink:
		return c.genLinkMulticast()
	case qIP:
		b0 := c.genLinktype(ethertypeIP)
		return c.and(b0, c.mcmp(orLinkpl, 16, bpf.B, 0xe0, 0xf0))
	case qIPv6:
		b0 := c.genLinktype(ethertypeIPv6)
		return c.and(b0, c.genCmp(orLinkpl, 24, bpf.B, 255))
	}
	c.fail(errInvalidQual, pqkw(proto), "multicast")
	return nil
}

// genLess is "less N" (length <= n); genGreater "greater N" (>= n).
func (c *compiler) genLess(n uint32) *block {
	b := c.jmpBlock(bpf.JGT, n, c.newStmt(bpf.LD|bpf.W|bpf.LEN, 0))
	c.genNot(b)
	return b
}

func (c *compiler) genGreater(n uint32) *block {
	return c.jmpBlock(bpf.JGE, n, c.newStmt(bpf.LD|bpf.W|bpf.LEN, 0))
}

// genByteop is "byte IDX OP VAL", IDX relative to the link-layer header.
func (c *compiler) genByteop(op byte, idx, v uint32) *block {
	c.assertMax("byte argument", v, 255)
	var alu uint16
	switch op {
	case '=':
		return c.genCmp(orLinkhdr, idx, bpf.B, v)
	case '<':
		return c.genCmpLt(orLinkhdr, idx, bpf.B, v)
	case '>':
		return c.genCmpGt(orLinkhdr, idx, bpf.B, v)
	case '|':
		alu = bpf.OR
	case '&':
		alu = bpf.AND
	default:
		c.fail("internal error in genByteop(): op == %d", op)
	}
	s := c.loadA(orLinkhdr, idx, bpf.B)
	s = sappend(s, c.newStmt(bpf.ALU|alu|bpf.K, v))
	b := c.jmpBlock(bpf.JEQ, 0, s)
	c.genNot(b)
	return b
}
