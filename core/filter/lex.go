package filter

import (
	"fmt"
	"net/netip"
)

// tokKind is the kind of a lexical token of the filter language.
type tokKind int

// Token kinds. Single-character operators have kinds of their own too
// (tPlus...), so the parser never deals in raw bytes.
const (
	tEOF tokKind = iota
	// tError is a character no rule accepts; the parser reports it as a
	// syntax error when it reaches it (after finishing what precedes).
	tError

	// Values.
	tNum  // number or named constant; val holds it
	tID   // identifier (host, network, port, protocol, ... name)
	tEID  // MAC address (Ethernet-like)
	tHID  // IPv4 address, possibly partial ("10", "10.1", ...)
	tHID6 // IPv6 address
	tAID  // ARCnet address "$XX"

	// Operators and punctuation.
	tPlus   // +
	tMinus  // -
	tStar   // *
	tSlash  // /
	tPct    // %
	tColon  // :
	tLBrack // [
	tRBrack // ]
	tNot    // ! or "not"
	tLT     // <
	tGT     // >
	tLParen // (
	tRParen // )
	tAmp    // &
	tPipe   // |
	tCaret  // ^
	tEq     // = or ==
	tGEQ    // >=
	tLEQ    // <=
	tNEQ    // !=
	tLSH    // <<
	tRSH    // >>
	tAnd    // and, &&
	tOr     // or, ||

	// Qualifiers and primitives.
	tDst
	tSrc
	tHost
	tGateway
	tNet
	tNetmask
	tPort
	tPortrange
	tLess
	tGreater
	tProto
	tProtochain
	tByte
	tBroadcast
	tMulticast
	tInbound
	tOutbound
	tIfindex
	tIfname
	tRset
	tRnr
	tSrnr
	tReason
	tAction
	tType
	tSubtype
	tDir
	tAddr1
	tAddr2
	tAddr3
	tAddr4
	tRA
	tTA
	tLen
	tVlan
	tMpls
	tPppoed
	tPppoes
	tGeneve
	tVxlan

	// Protocol names (the grammar's pname).
	tLink
	tIP
	tARP
	tRARP
	tSCTP
	tTCP
	tUDP
	tICMP
	tIGMP
	tIGRP
	tPIM
	tVRRP
	tCARP
	tAtalk
	tAARP
	tDECnet
	tLAT
	tSCA
	tMOPRC
	tMOPDL
	tIPv6
	tICMPv6
	tAH
	tESP
	tISO
	tESIS
	tCLNP
	tISIS
	tL1
	tL2
	tIIH
	tLSP
	tSNP
	tCSNP
	tPSNP
	tSTP
	tIPX
	tNetBEUI
	tRadio

	// SunATM.
	tLane
	tLLC
	tMetac
	tBcc
	tSc
	tIlmic
	tOamf4ec
	tOamf4sc
	tOam
	tOamf4
	tConnectmsg
	tMetaconnect
	tVPI
	tVCI

	// SS7 MTP2/MTP3.
	tFISU
	tLSSU
	tMSU
	tHFISU
	tHLSSU
	tHMSU
	tSIO
	tOPC
	tDPC
	tSLS
	tHSIO
	tHOPC
	tHDPC
	tHSLS
)

// keywords maps each reserved word (and alias) to its token kind. The
// scanner is case-sensitive: "TCP" is a name, not the keyword.
var keywords = map[string]tokKind{
	"dst": tDst, "src": tSrc,

	"link": tLink, "ether": tLink, "ppp": tLink, "slip": tLink,
	"fddi": tLink, "tr": tLink, "wlan": tLink,
	"arp": tARP, "rarp": tRARP, "ip": tIP, "sctp": tSCTP, "tcp": tTCP,
	"udp": tUDP, "icmp": tICMP, "igmp": tIGMP, "igrp": tIGRP, "pim": tPIM,
	"vrrp": tVRRP, "carp": tCARP, "radio": tRadio,
	"ip6": tIPv6, "icmp6": tICMPv6, "ah": tAH, "esp": tESP,
	"atalk": tAtalk, "aarp": tAARP, "decnet": tDECnet, "lat": tLAT,
	"sca": tSCA, "moprc": tMOPRC, "mopdl": tMOPDL,
	"iso": tISO, "esis": tESIS, "es-is": tESIS, "isis": tISIS, "is-is": tISIS,
	"l1": tL1, "l2": tL2, "iih": tIIH, "lsp": tLSP, "snp": tSNP,
	"csnp": tCSNP, "psnp": tPSNP, "clnp": tCLNP, "stp": tSTP, "ipx": tIPX,
	"netbeui": tNetBEUI,

	"host": tHost, "net": tNet, "mask": tNetmask, "port": tPort,
	"portrange": tPortrange, "proto": tProto, "protochain": tProtochain,
	"gateway": tGateway,

	"type": tType, "subtype": tSubtype, "direction": tDir, "dir": tDir,
	"address1": tAddr1, "addr1": tAddr1, "address2": tAddr2, "addr2": tAddr2,
	"address3": tAddr3, "addr3": tAddr3, "address4": tAddr4, "addr4": tAddr4,
	"ra": tRA, "ta": tTA,

	"less": tLess, "greater": tGreater, "byte": tByte,
	"broadcast": tBroadcast, "multicast": tMulticast,

	"and": tAnd, "or": tOr, "not": tNot,

	"len": tLen, "length": tLen, "inbound": tInbound, "outbound": tOutbound,
	"ifindex": tIfindex,

	"vlan": tVlan, "mpls": tMpls, "pppoed": tPppoed, "pppoes": tPppoes,
	"geneve": tGeneve, "vxlan": tVxlan,

	"lane": tLane, "llc": tLLC, "metac": tMetac, "bcc": tBcc, "oam": tOam,
	"oamf4": tOamf4, "oamf4ec": tOamf4ec, "oamf4sc": tOamf4sc, "sc": tSc,
	"ilmic": tIlmic, "vpi": tVPI, "vci": tVCI, "connectmsg": tConnectmsg,
	"metaconnect": tMetaconnect,

	"on": tIfname, "ifname": tIfname, "rset": tRset, "ruleset": tRset,
	"rnr": tRnr, "rulenum": tRnr, "srnr": tSrnr, "subrulenum": tSrnr,
	"reason": tReason, "action": tAction,

	"fisu": tFISU, "lssu": tLSSU, "lsu": tLSSU, "msu": tMSU,
	"hfisu": tHFISU, "hlssu": tHLSSU, "hmsu": tHMSU,
	"sio": tSIO, "opc": tOPC, "dpc": tDPC, "sls": tSLS,
	"hsio": tHSIO, "hopc": tHOPC, "hdpc": tHDPC, "hsls": tHSLS,
}

// namedNumbers are words the scanner turns into numbers: header field
// offsets (icmptype, tcpflags, ...) and field values (tcp-syn, ...).
var namedNumbers = map[string]uint32{
	"icmptype": 0, "icmpcode": 1,
	"icmp-echoreply": 0, "icmp-unreach": 3, "icmp-sourcequench": 4,
	"icmp-redirect": 5, "icmp-echo": 8, "icmp-routeradvert": 9,
	"icmp-routersolicit": 10, "icmp-timxceed": 11, "icmp-paramprob": 12,
	"icmp-tstamp": 13, "icmp-tstampreply": 14, "icmp-ireq": 15,
	"icmp-ireqreply": 16, "icmp-maskreq": 17, "icmp-maskreply": 18,

	"icmp6type": 0, "icmp6code": 1,
	"icmp6-destinationunreach": 1, "icmp6-packettoobig": 2,
	"icmp6-timeexceeded": 3, "icmp6-parameterproblem": 4,
	"icmp6-echo": 128, "icmp6-echoreply": 129,
	"icmp6-multicastlistenerquery": 130, "icmp6-multicastlistenerreportv1": 131,
	"icmp6-multicastlistenerdone": 132, "icmp6-routersolicit": 133,
	"icmp6-routeradvert": 134, "icmp6-neighborsolicit": 135,
	"icmp6-neighboradvert": 136, "icmp6-redirect": 137,
	"icmp6-routerrenum": 138, "icmp6-nodeinformationquery": 139,
	"icmp6-nodeinformationresponse": 140, "icmp6-ineighbordiscoverysolicit": 141,
	"icmp6-ineighbordiscoveryadvert": 142, "icmp6-multicastlistenerreportv2": 143,
	"icmp6-homeagentdiscoveryrequest": 144, "icmp6-homeagentdiscoveryreply": 145,
	"icmp6-mobileprefixsolicit": 146, "icmp6-mobileprefixadvert": 147,
	"icmp6-certpathsolicit": 148, "icmp6-certpathadvert": 149,
	"icmp6-multicastrouteradvert": 151, "icmp6-multicastroutersolicit": 152,
	"icmp6-multicastrouterterm": 153,

	"tcpflags": 13,
	"tcp-fin":  0x01, "tcp-syn": 0x02, "tcp-rst": 0x04, "tcp-push": 0x08,
	"tcp-ack": 0x10, "tcp-urg": 0x20, "tcp-ece": 0x40, "tcp-cwr": 0x80,
}

// token is one lexical token. text is the matched text (for a quoted
// "\name", without the backslash); val is the value of a tNum.
type token struct {
	kind tokKind
	text string
	val  uint32
}

// lexer splits an expression into tokens on demand. Like libpcap's flex
// scanner it takes the longest match at each position, ties going to
// the earlier rule: keywords, operators, "$XX", MAC addresses, numbers,
// IPv4 addresses, IPv6 addresses, malformed MAC addresses, named
// numbers, names, "\name".
type lexer struct {
	src string
	pos int
	// fail reports a lexical error (raised when the token is read, which
	// is when libpcap's scanner would record it).
	fail func(format string, args ...any)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isHex(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}
func isAlnum(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// hexRun returns how many hex digits start s, at most max (max < 0: no
// limit).
func hexRun(s string, max int) int {
	n := 0
	for n < len(s) && isHex(s[n]) && (max < 0 || n < max) {
		n++
	}
	return n
}

// matchNum is the length of the number pattern at the start of s:
// decimal digits, or 0x/0X followed by hex digits (0 if neither).
func matchNum(s string) int {
	dec := 0
	for dec < len(s) && isDigit(s[dec]) {
		dec++
	}
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		if h := hexRun(s[2:], -1); h > 0 && 2+h > dec {
			return 2 + h
		}
	}
	return dec
}

// matchDottedNums matches n to max numbers separated by dots and returns
// the longest match with at least min parts (0 if none).
func matchDottedNums(s string, min, max int) int {
	best, pos := 0, 0
	for parts := 1; parts <= max; parts++ {
		if parts > 1 {
			if pos >= len(s) || s[pos] != '.' {
				break
			}
			pos++
		}
		n := matchNum(s[pos:])
		if n == 0 {
			break
		}
		pos += n
		if parts >= min {
			best = pos
		}
	}
	return best
}

// matchHID is the length of a partial IPv4 address with 2 to 4 parts. A
// single number is a number token, not an address.
func matchHID(s string) int { return matchDottedNums(s, 2, 4) }

// matchGroups matches count hex groups of 1 to width digits separated by
// sep; with trailing, each group (including the last) must be followed
// by sep, which is consumed. It returns the length or -1.
func matchGroups(s string, count, width int, sep byte, trailing bool) int {
	pos := 0
	for i := 0; i < count; i++ {
		n := hexRun(s[pos:], width)
		if n == 0 {
			return -1
		}
		pos += n
		if trailing || i < count-1 {
			if pos >= len(s) || s[pos] != sep {
				return -1
			}
			pos++
		}
	}
	return pos
}

// matchMAC is the length of a MAC address in one of the forms the
// scanner accepts: xx:xx:xx:xx:xx:xx, xx-xx-xx-xx-xx-xx,
// xx.xx.xx.xx.xx.xx (each xx one or two hex digits), xxxx.xxxx.xxxx and
// xxxxxxxxxxxx.
func matchMAC(s string) int {
	best := 0
	for _, sep := range []byte{':', '-', '.'} {
		if n := matchGroups(s, 6, 2, sep, false); n > best {
			best = n
		}
	}
	if len(s) >= 14 && hexRun(s, 4) == 4 && s[4] == '.' && hexRun(s[5:], 4) == 4 &&
		s[9] == '.' && hexRun(s[10:], 4) == 4 && 14 > best {
		best = 14
	}
	if hexRun(s, 12) == 12 && 12 > best {
		best = 12
	}
	return best
}

// matchBadMAC is the length of the "looks like a colon-separated MAC
// address but is not one" pattern: two or more groups of one or two hex
// digits each followed by one or more colons.
func matchBadMAC(s string) int {
	pos, groups := 0, 0
	for {
		n := hexRun(s[pos:], 2)
		if n == 0 || pos+n >= len(s) || s[pos+n] != ':' {
			break
		}
		p := pos + n
		for p < len(s) && s[p] == ':' {
			p++
		}
		pos = p
		groups++
	}
	if groups < 2 {
		return 0
	}
	return pos
}

// matchV6 is the length of the longest IPv6 address form the scanner
// accepts: eight groups; "::" with up to seven groups around it; six
// groups and a dotted quad; "::" with up to five groups and a dotted
// quad.
func matchV6(s string) int {
	best := 0
	try := func(n int) {
		if n > best {
			best = n
		}
	}
	try(matchGroups(s, 8, 4, ':', false))
	// Six groups, then an embedded IPv4 address.
	if n := matchGroups(s, 6, 4, ':', true); n > 0 {
		if m := matchDottedNums(s[n:], 4, 4); m > 0 {
			try(n + m)
		}
	}
	for l := 0; l <= 7; l++ {
		// l groups, then "::".
		pos := 0
		if l > 0 {
			n := matchGroups(s, l, 4, ':', false)
			if n < 0 {
				continue
			}
			pos = n
		}
		if len(s) < pos+2 || s[pos] != ':' || s[pos+1] != ':' {
			continue
		}
		pos += 2
		for r := 0; l+r <= 7; r++ {
			if r == 0 {
				try(pos)
			} else if n := matchGroups(s[pos:], r, 4, ':', false); n > 0 {
				try(pos + n)
			}
			if l+r <= 5 {
				// r groups each followed by ':', then a dotted quad.
				q := pos
				if r > 0 {
					n := matchGroups(s[pos:], r, 4, ':', true)
					if n < 0 {
						continue
					}
					q += n
				}
				if m := matchDottedNums(s[q:], 4, 4); m > 0 {
					try(q + m)
				}
			}
		}
	}
	return best
}

// matchID is the length of a name: a letter or digit, then letters,
// digits, '-', '_' and '.', not ending in '-' or '_'.
func matchID(s string) int {
	if len(s) == 0 || !isAlnum(s[0]) {
		return 0
	}
	end := 1
	for i := 1; i < len(s); i++ {
		c := s[i]
		if isAlnum(c) || c == '.' {
			end = i + 1
		} else if c != '-' && c != '_' {
			break
		}
	}
	return end
}

// operators of two and one characters.
var ops2 = map[string]tokKind{
	">=": tGEQ, "<=": tLEQ, "!=": tNEQ, "==": tEq, "<<": tLSH, ">>": tRSH,
	"&&": tAnd, "||": tOr,
}
var ops1 = map[byte]tokKind{
	'+': tPlus, '-': tMinus, '*': tStar, '/': tSlash, '%': tPct, ':': tColon,
	'[': tLBrack, ']': tRBrack, '!': tNot, '<': tLT, '>': tGT, '(': tLParen,
	')': tRParen, '&': tAmp, '|': tPipe, '^': tCaret, '=': tEq,
}

// next returns the next token.
func (lx *lexer) next() token {
	for lx.pos < len(lx.src) {
		c := lx.src[lx.pos]
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			break
		}
		lx.pos++
	}
	if lx.pos >= len(lx.src) {
		return token{kind: tEOF}
	}
	s := lx.src[lx.pos:]

	// Candidates in rule order; the longest wins, the first on ties.
	const (
		rOp = iota
		rAID
		rMAC
		rNum
		rHID
		rV6
		rBadMAC
		rID
		rQuoted
		nRules
	)
	var l [nRules]int
	if len(s) >= 2 {
		if _, ok := ops2[s[:2]]; ok {
			l[rOp] = 2
		}
	}
	if l[rOp] == 0 {
		if _, ok := ops1[s[0]]; ok {
			l[rOp] = 1
		}
	}
	if s[0] == '$' {
		if n := hexRun(s[1:], 2); n > 0 {
			l[rAID] = 1 + n
		}
	}
	l[rMAC] = matchMAC(s)
	l[rNum] = matchNum(s)
	l[rHID] = matchHID(s)
	l[rV6] = matchV6(s)
	l[rBadMAC] = matchBadMAC(s)
	l[rID] = matchID(s)
	if s[0] == '\\' {
		n := 1
		for n < len(s) {
			c := s[n]
			if c == ' ' || c == '!' || c == '(' || c == ')' || c == '\n' || c == '\t' {
				break
			}
			n++
		}
		if n > 1 {
			l[rQuoted] = n
		}
	}

	// Keywords and named numbers are names the scanner lists before the
	// other rules: they win over any rule matching the same length.
	best, rule := 0, -1
	for r := 0; r < nRules; r++ {
		if l[r] > best {
			best, rule = l[r], r
		}
	}
	if rule == -1 {
		lx.pos++
		return token{kind: tError, text: s[:1]}
	}
	text := s[:best]
	lx.pos += best
	switch rule {
	case rOp:
		if best == 2 {
			return token{kind: ops2[text], text: text}
		}
		return token{kind: ops1[text[0]], text: text}
	case rAID:
		return token{kind: tAID, text: text}
	case rMAC:
		return token{kind: tEID, text: text}
	case rNum:
		return token{kind: tNum, text: text, val: lx.number(text)}
	case rHID:
		return token{kind: tHID, text: text}
	case rV6:
		if a, err := netip.ParseAddr(text); err != nil || !a.Is6() || a.Zone() != "" {
			lx.fail("invalid IPv6 address %s", text)
		}
		return token{kind: tHID6, text: text}
	case rBadMAC:
		lx.fail("invalid Ethernet address %s", text)
	case rID:
		if k, ok := keywords[text]; ok {
			return token{kind: k, text: text}
		}
		if v, ok := namedNumbers[text]; ok {
			return token{kind: tNum, text: text, val: v}
		}
		return token{kind: tID, text: text}
	case rQuoted:
		return token{kind: tID, text: text[1:]}
	}
	return token{}
}

// number converts a number token as libpcap's scanner does: 0x/0X
// prefix for hexadecimal, a leading 0 for octal, else decimal, failing
// on digits invalid in the base and on values over 32 bits.
func (lx *lexer) number(text string) uint32 {
	var v uint64
	switch {
	case len(text) > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'):
		for i := 2; i < len(text); i++ {
			d := text[i]
			var x uint64
			switch {
			case isDigit(d):
				x = uint64(d - '0')
			case d >= 'a' && d <= 'f':
				x = uint64(d-'a') + 10
			default:
				x = uint64(d-'A') + 10
			}
			v = v<<4 | x
			if v > 0xffffffff {
				lx.fail("hexadecimal number %s overflows 32 bits", text)
			}
		}
	case len(text) > 1 && text[0] == '0':
		for i := 1; i < len(text); i++ {
			d := text[i]
			if d > '7' {
				lx.fail("number %s contains non-octal digit", text)
			}
			v = v<<3 | uint64(d-'0')
			if v > 0xffffffff {
				lx.fail("octal number %s overflows 32 bits", text)
			}
		}
	default:
		for i := 0; i < len(text); i++ {
			v = v*10 + uint64(text[i]-'0')
			if v > 0xffffffff {
				lx.fail("decimal number %s overflows 32 bits", text)
			}
		}
	}
	return uint32(v)
}

// String names a token kind for debugging and tests.
func (k tokKind) String() string {
	for w, kk := range keywords {
		if kk == k && len(w) > 1 {
			return w
		}
	}
	for c, kk := range ops1 {
		if kk == k {
			return string(c)
		}
	}
	for w, kk := range ops2 {
		if kk == k {
			return w
		}
	}
	names := map[tokKind]string{tEOF: "EOF", tNum: "NUM", tID: "ID", tEID: "EID",
		tHID: "HID", tHID6: "HID6", tAID: "AID"}
	if n, ok := names[k]; ok {
		return n
	}
	return fmt.Sprintf("tok%d", int(k))
}
