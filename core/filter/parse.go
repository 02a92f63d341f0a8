package filter

import (
	"strings"

	"github.com/pcapshim/pcapshim/core/bpf"
)

// qUndef marks a qualifier field as "no qualifier can apply here", the
// state after a primitive that takes none (a bare protocol name, a
// relation, "broadcast", ...). A name or number that inherits it (as in
// "tcp or 80") is an error the generators report as "syntax error in
// filter expression".
const qUndef = 255

// qerr is the qualifier triple with every field undefined.
var qerr = qual{addr: qUndef, proto: qUndef, dir: qUndef}

const syntaxError = "can't parse filter expression: syntax error"

// codegen is what the parser needs from the code generator: *compiler
// provides it; tests substitute a recorder. The parser calls these in
// the order libpcap's LALR parser runs its actions, because generators
// for encapsulations change the state the following ones see.
type codegen interface {
	fail(format string, args ...any)

	genAnd(b0, b1 *block)
	genOr(b0, b1 *block)
	genNot(b *block)

	genScode(name string, q qual) *block
	genNcode(s string, v uint32, q qual) *block
	genMcode(s1, s2 string, masklen uint32, q qual) *block
	genMcode6(s string, masklen uint32, q qual) *block
	genEcode(eaddr []byte, q qual) *block
	genAcode(s string, q qual) *block

	genProtoAbbrev(proto int) *block
	genBroadcast(proto int) *block
	genMulticast(proto int) *block
	genLess(n uint32) *block
	genGreater(n uint32) *block
	genByteop(op byte, idx, v uint32) *block

	genLoadi(v uint32) *arth
	genLoad(proto int, inst *arth, size uint32) *arth
	genLoadlen() *arth
	genNeg(a *arth) *arth
	genArth(op uint16, a0, a1 *arth) *arth
	genRelation(op uint16, a0, a1 *arth, reversed bool) *block

	genPfIfname(s string) *block
	genPfRuleset(s string) *block
	genPfRnr(n int) *block
	genPfSrnr(n int) *block
	genPfReason(n int) *block
	genPfAction(n int) *block

	genP80211Type(typ, mask uint32) *block
	genP80211Fcdir(dir uint32) *block

	genAtmfieldCode(field int, v uint32, op uint16, reverse bool) *block
	genAtmtypeAbbrev(t int) *block
	genAtmmultiAbbrev(t int) *block
	genMtp2typeAbbrev(t int) *block
	genMtp3fieldCode(field int, v uint32, op uint16, reverse bool) *block

	genVlan(num uint32, hasNum bool) *block
	genMpls(label uint32, hasNum bool) *block
	genPppoed() *block
	genPppoes(id uint32, hasNum bool) *block
	genGeneve(vni uint32, hasNum bool) *block
	genVxlan(vni uint32, hasNum bool) *block
	genInbound(outbound bool) *block
	genIfindex(ifindex int) *block

	genLlc() *block
	genLlcI() *block
	genLlcS() *block
	genLlcU() *block
	genLlcSSubtype(v uint32) *block
	genLlcUSubtype(v uint32) *block
}

// parse lexes and parses expr, generating code as it goes, and returns the
// expression's block (nil for an empty expression).
func (c *compiler) parse(expr string) *block {
	return parseFilter(c, expr)
}

// parseFilter parses expr with g as the code generator.
//
// The parser is recursive descent over libpcap's grammar. Two things of
// that grammar shape it:
//
//   - A name or number without qualifiers after "and", "or", "not" or
//     "(" takes the qualifiers of what precedes it ("host a or b",
//     "port 1 or 2"); each parsing function gets them as inh.
//   - After "and"/"or"/"not" and "(", an operand may be a full primitive
//     (a term) or such a bare name or number (an id), and a "(" may also
//     open arithmetic ("(len + 1) > 2") or a parenthesised number. The
//     functions take allowID/allowTerm/allowArth saying which the
//     grammar accepts there, and decide as the LALR parser does, from
//     the tokens that follow, generating each piece once.
func parseFilter(g codegen, expr string) *block {
	// pcap_compile gets a C string.
	if i := strings.IndexByte(expr, 0); i >= 0 {
		expr = expr[:i]
	}
	p := &parser{g: g, lx: lexer{src: expr, fail: g.fail}}
	p.tok = p.lx.next()
	if p.tok.kind == tEOF {
		return nil
	}
	first := p.boolOperand(qerr, false, true)
	b, _ := p.boolTail(first.b, first.q, true)
	if p.tok.kind != tEOF {
		p.syntax()
	}
	return b
}

// parser holds the token stream with one token of lookahead (tok) and,
// when a decision needs it, a second one (ahead).
type parser struct {
	g     codegen
	lx    lexer
	tok   token
	ahead []token
}

func (p *parser) syntax() { p.g.fail(syntaxError) }

// advance consumes tok and reads the next token.
func (p *parser) advance() {
	if len(p.ahead) > 0 {
		p.tok = p.ahead[0]
		p.ahead = p.ahead[1:]
		return
	}
	p.tok = p.lx.next()
}

// peek2 returns the token after tok.
func (p *parser) peek2() token {
	if len(p.ahead) == 0 {
		p.ahead = append(p.ahead, p.lx.next())
	}
	return p.ahead[0]
}

func (p *parser) expect(k tokKind) {
	if p.tok.kind != k {
		p.syntax()
	}
	p.advance()
}

// number consumes a NUM token and returns its value.
func (p *parser) number() uint32 {
	if p.tok.kind != tNum {
		p.syntax()
	}
	v := p.tok.val
	p.advance()
	return v
}

// ident consumes an ID token and returns its text.
func (p *parser) ident() string {
	if p.tok.kind != tID {
		p.syntax()
	}
	s := p.tok.text
	p.advance()
	return s
}

// operand is a parsed boolean operand: its code, its qualifiers (what a
// following bare id inherits) and whether it was an id.
type operand struct {
	b    *block
	q    qual
	isID bool
}

// boolTail parses the and/or chain after a first operand; operands after
// "and"/"or" may be terms only where allowTerm (an expression, not a
// parenthesised id list). And and or have equal precedence and
// associate to the left.
func (p *parser) boolTail(b *block, q qual, allowTerm bool) (*block, qual) {
	for p.tok.kind == tAnd || p.tok.kind == tOr {
		and := p.tok.kind == tAnd
		p.advance()
		r := p.boolOperand(q, true, allowTerm)
		if and {
			p.g.genAnd(b, r.b)
		} else {
			p.g.genOr(b, r.b)
		}
		b, q = r.b, r.q
	}
	return b, q
}

// boolOperand parses one operand of and/or (or of not): a term, an id,
// or either, as allowTerm and allowID say.
func (p *parser) boolOperand(inh qual, allowID, allowTerm bool) operand {
	switch p.tok.kind {
	case tNot:
		p.advance()
		r := p.boolOperand(inh, allowID, allowTerm)
		p.g.genNot(r.b)
		return r
	case tLParen:
		r := p.paren(inh, allowID, allowTerm, allowTerm)
		switch r.kind {
		case pkNum:
			return p.afterNum(r.v, inh, allowID, allowTerm)
		case pkArth:
			return operand{b: p.relation(p.arith(r.a)), q: qerr}
		}
		return r.op
	case tNum:
		v := p.tok.val
		p.advance()
		return p.afterNum(v, inh, allowID, allowTerm)
	case tID, tHID, tHID6, tEID, tAID:
		if !allowID {
			p.syntax()
		}
		return operand{b: p.nid(inh), q: inh, isID: true}
	}
	if !allowTerm {
		p.syntax()
	}
	return p.rterm()
}

// afterNum decides what a number just read is: the start of arithmetic
// if an operator or comparison follows, else an id.
//
// Where both may follow, libpcap's parser takes the number as
// arithmetic unless what follows can end an id, so an invalid token
// after it is reported as a syntax error without generating the id;
// where only an id may follow, it generates the id first.
func (p *parser) afterNum(v uint32, inh qual, allowID, allowTerm bool) operand {
	if allowID && (!allowTerm || endsID(p.tok.kind)) {
		return operand{b: p.g.genNcode("", v, inh), q: inh, isID: true}
	}
	if !allowTerm {
		p.syntax()
	}
	a := p.g.genLoadi(v)
	return operand{b: p.relation(p.arith(a)), q: qerr}
}

// endsID reports whether k may follow a complete id.
func endsID(k tokKind) bool {
	switch k {
	case tAnd, tOr, tRParen, tEOF:
		return true
	}
	return false
}

// Kinds of what a parenthesis held.
const (
	pkBool = iota // an expression or id list; op is set
	pkNum         // a (parenthesised) number; v is set
	pkArth        // arithmetic; a is set
)

type parenResult struct {
	kind int
	op   operand
	v    uint32
	a    *arth
}

// paren parses from "(" to the matching ")". Inside may be an id list
// (allowID), an expression (allowTerm), arithmetic (allowArth) or a
// number (always: the caller decides whether it fits).
func (p *parser) paren(inh qual, allowID, allowTerm, allowArth bool) parenResult {
	p.expect(tLParen)
	switch k := p.tok.kind; {
	case k == tID || k == tHID || k == tHID6 || k == tEID || k == tAID:
		if !allowID {
			p.syntax()
		}
		return p.idList(operand{b: p.nid(inh), q: inh, isID: true})
	case k == tNot:
		r := p.boolOperand(inh, allowID, allowTerm)
		if r.isID {
			return p.idList(r)
		}
		return p.parenExpr(r, inh)
	case k == tNum:
		v := p.tok.val
		p.advance()
		return p.parenAfterNum(v, inh, allowID, allowTerm, allowArth)
	case k == tLParen:
		// An inner "(" here cannot hold an id list.
		in := p.paren(inh, false, allowTerm, allowTerm || allowArth)
		switch in.kind {
		case pkNum:
			return p.parenAfterNum(in.v, inh, allowID, allowTerm, allowArth)
		case pkArth:
			return p.parenAfterArth(p.arith(in.a), inh, allowTerm, allowArth)
		}
		return p.parenExpr(in.op, inh)
	case k == tMinus || k == tLen || (pnameQual(k) != 0 && p.peek2().kind == tLBrack):
		if !allowTerm && !allowArth {
			p.syntax()
		}
		return p.parenAfterArth(p.arith(nil), inh, allowTerm, allowArth)
	}
	if !allowTerm {
		p.syntax()
	}
	return p.parenExpr(p.rterm(), inh)
}

// parenAfterNum continues a parenthesis that starts with a number.
//
// As in afterNum, an invalid token after the number makes it arithmetic
// where that is possible, else the first id of a list.
func (p *parser) parenAfterNum(v uint32, inh qual, allowID, allowTerm, allowArth bool) parenResult {
	k := p.tok.kind
	if k == tRParen {
		p.advance()
		return parenResult{kind: pkNum, v: v}
	}
	if allowID && (k == tAnd || k == tOr || (!allowTerm && !allowArth)) {
		return p.idList(operand{b: p.g.genNcode("", v, inh), q: inh, isID: true})
	}
	if !allowTerm && !allowArth {
		p.syntax()
	}
	a := p.g.genLoadi(v)
	return p.parenAfterArth(p.arith(a), inh, allowTerm, allowArth)
}

// parenAfterArth continues a parenthesis after arithmetic: ")" ends
// parenthesised arithmetic, a comparison makes it a relation.
func (p *parser) parenAfterArth(a *arth, inh qual, allowTerm, allowArth bool) parenResult {
	if p.tok.kind == tRParen {
		if !allowArth {
			p.syntax()
		}
		p.advance()
		return parenResult{kind: pkArth, a: a}
	}
	if !allowTerm || !isRelop(p.tok.kind) {
		p.syntax()
	}
	return p.parenExpr(operand{b: p.relation(a), q: qerr}, inh)
}

// parenExpr finishes "( expr )" after its first term. The result has
// the qualifiers from before the parenthesis.
func (p *parser) parenExpr(first operand, inh qual) parenResult {
	b, _ := p.boolTail(first.b, first.q, true)
	p.expect(tRParen)
	return parenResult{kind: pkBool, op: operand{b: b, q: inh}}
}

// idList finishes "( id and id or ... )" after its first id: every
// operand is an id. The result has the qualifiers of the last one.
func (p *parser) idList(first operand) parenResult {
	b, q := p.boolTail(first.b, first.q, false)
	p.expect(tRParen)
	return parenResult{kind: pkBool, op: operand{b: b, q: q, isID: true}}
}

// nid parses a name or address (not a number) with qualifiers q.
func (p *parser) nid(q qual) *block {
	t := p.tok
	p.advance()
	switch t.kind {
	case tID:
		return p.g.genScode(t.text, q)
	case tHID:
		switch p.tok.kind {
		case tSlash:
			p.advance()
			n := p.number()
			p.checkAddrQual(q, "IPv4 address and prefix length")
			return p.g.genMcode(t.text, "", n, q)
		case tNetmask:
			p.advance()
			if p.tok.kind != tHID {
				p.syntax()
			}
			m := p.tok.text
			p.advance()
			p.checkAddrQual(q, "IPv4 address and netmask")
			return p.g.genMcode(t.text, m, 0, q)
		}
		p.checkAddrQual(q, "IPv4 address")
		return p.g.genNcode(t.text, 0, q)
	case tHID6:
		if p.tok.kind == tSlash {
			p.advance()
			n := p.number()
			p.checkAddrQual(q, "IPv6 address and prefix length")
			return p.g.genMcode6(t.text, n, q)
		}
		p.checkAddrQual(q, "IPv6 address")
		return p.g.genMcode6(t.text, 128, q)
	case tEID:
		return p.g.genEcode(etherBytes(t.text), q)
	case tAID:
		return p.g.genAcode(t.text, q)
	}
	p.syntax()
	return nil
}

// checkAddrQual rejects address qualifiers that cannot take an IP
// address.
func (p *parser) checkAddrQual(q qual, what string) {
	switch q.addr {
	case qPort, qPortrange, qProto, qProtochain:
		p.g.fail("'%s' qualifier applied to %s", addrNames[q.addr], what)
	}
}

// etherBytes converts a MAC address token to bytes: pairs (or single)
// hex digits, separators ignored, as pcap_ether_aton does.
func etherBytes(s string) []byte {
	var out []byte
	for i := 0; i < len(s); {
		if s[i] == ':' || s[i] == '.' || s[i] == '-' {
			i++
			continue
		}
		d := hexVal(s[i])
		i++
		if i < len(s) && isHex(s[i]) {
			d = d<<4 | hexVal(s[i])
			i++
		}
		out = append(out, d)
	}
	return out
}

func hexVal(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// pnameQual maps a protocol name token to its qualifier (0 if k is not
// one).
func pnameQual(k tokKind) int {
	switch k {
	case tLink:
		return qLink
	case tIP:
		return qIP
	case tARP:
		return qARP
	case tRARP:
		return qRARP
	case tSCTP:
		return qSCTP
	case tTCP:
		return qTCP
	case tUDP:
		return qUDP
	case tICMP:
		return qICMP
	case tIGMP:
		return qIGMP
	case tIGRP:
		return qIGRP
	case tPIM:
		return qPIM
	case tVRRP:
		return qVRRP
	case tCARP:
		return qCARP
	case tAtalk:
		return qAtalk
	case tAARP:
		return qAARP
	case tDECnet:
		return qDECnet
	case tLAT:
		return qLAT
	case tSCA:
		return qSCA
	case tMOPDL:
		return qMOPDL
	case tMOPRC:
		return qMOPRC
	case tIPv6:
		return qIPv6
	case tICMPv6:
		return qICMPv6
	case tAH:
		return qAH
	case tESP:
		return qESP
	case tISO:
		return qISO
	case tESIS:
		return qESIS
	case tISIS:
		return qISIS
	case tL1:
		return qISISL1
	case tL2:
		return qISISL2
	case tIIH:
		return qISISIIH
	case tLSP:
		return qISISLSP
	case tSNP:
		return qISISSNP
	case tPSNP:
		return qISISPSNP
	case tCSNP:
		return qISISCSNP
	case tCLNP:
		return qCLNP
	case tSTP:
		return qSTP
	case tIPX:
		return qIPX
	case tNetBEUI:
		return qNetBEUI
	case tRadio:
		return qRadio
	}
	return 0
}

// dirQual maps a direction keyword other than src/dst to its qualifier.
var dirQual = map[tokKind]int{
	tAddr1: qAddr1, tAddr2: qAddr2, tAddr3: qAddr3, tAddr4: qAddr4,
	tRA: qRA, tTA: qTA,
}

// addrQual maps an address-type keyword to its qualifier.
var addrQual = map[tokKind]int{
	tHost: qHost, tNet: qNet, tPort: qPort, tPortrange: qPortrange,
}

// startsHead reports whether k can follow the protocol qualifier of a
// qualified primitive ("ip src ...", "tcp port ...", "ip proto ...").
func startsHead(k tokKind) bool {
	if _, ok := dirQual[k]; ok {
		return true
	}
	if _, ok := addrQual[k]; ok {
		return true
	}
	switch k {
	case tSrc, tDst, tProto, tProtochain, tGateway:
		return true
	}
	return false
}

// rterm parses a primitive that is a term by itself (not a bare id and
// not parenthesised): qualifiers and an id, a protocol name, a
// relation, or one of the special primitives.
func (p *parser) rterm() operand {
	k := p.tok.kind
	pq := pnameQual(k)
	if pq != 0 {
		next := p.peek2().kind
		if next == tLBrack {
			return operand{b: p.relation(p.arith(nil)), q: qerr}
		}
		p.advance()
		if !startsHead(next) && !startsPqualOther(next) {
			// libpcap's parser reduces a protocol name to a qualifier by
			// default, so before anything but the end of a term it
			// reports a syntax error without generating the protocol
			// test.
			switch next {
			case tAnd, tOr, tRParen, tEOF:
			default:
				p.syntax()
			}
			return operand{b: p.g.genProtoAbbrev(pq), q: qerr}
		}
		k = next
	}
	if startsHead(k) {
		return p.head(pq)
	}
	if startsPqualOther(k) {
		return operand{b: p.pqualOther(pq), q: qerr}
	}
	return operand{b: p.other(), q: qerr}
}

// head parses the qualifiers after the protocol qualifier proto and the
// id they apply to.
func (p *parser) head(proto int) operand {
	q := qual{proto: proto}
	switch k := p.tok.kind; k {
	case tSrc, tDst:
		p.advance()
		q.dir = qSrc
		other := tDst
		if k == tDst {
			q.dir, other = qDst, tSrc
		}
		if c := p.tok.kind; c == tOr || c == tAnd {
			p.advance()
			p.expect(other)
			q.dir = qOr
			if c == tAnd {
				q.dir = qAnd
			}
		}
		if a, ok := addrQual[p.tok.kind]; ok {
			q.addr = a
			p.advance()
		}
	case tProto:
		p.advance()
		q.addr = qProto
	case tProtochain:
		p.advance()
		q.addr = qProtochain
	case tGateway:
		p.advance()
		q.addr = qGateway
	default:
		if d, ok := dirQual[k]; ok {
			q.dir = d
			p.advance()
			if a, ok := addrQual[p.tok.kind]; ok {
				q.addr = a
				p.advance()
			}
		} else {
			q.addr = addrQual[k]
			p.advance()
		}
	}
	r := p.boolOperand(q, true, false)
	return operand{b: r.b, q: r.q}
}

// startsPqualOther reports whether k starts a primitive that may take a
// protocol qualifier but is not an address: broadcast, multicast and
// the 802.11 type/subtype/direction tests.
func startsPqualOther(k tokKind) bool {
	switch k {
	case tBroadcast, tMulticast, tType, tSubtype, tDir:
		return true
	}
	return false
}

// pqualOther parses broadcast, multicast and the 802.11 tests after the
// (possibly empty) protocol qualifier proto.
func (p *parser) pqualOther(proto int) *block {
	k := p.tok.kind
	p.advance()
	switch k {
	case tBroadcast:
		return p.g.genBroadcast(proto)
	case tMulticast:
		return p.g.genMulticast(proto)
	case tType:
		typ := p.wlanType()
		if p.tok.kind != tSubtype {
			return p.g.genP80211Type(typ, wlanTypeMask)
		}
		p.advance()
		sub := p.wlanSubtype(typ)
		return p.g.genP80211Type(typ|sub, wlanTypeMask|wlanSubtypeMask)
	case tSubtype:
		name := p.ident()
		for _, t := range wlanSubtypesByType {
			if v, ok := lookupName(t.subs, name); ok {
				return p.g.genP80211Type(v|t.typ, wlanTypeMask|wlanSubtypeMask)
			}
		}
		p.g.fail("unknown 802.11 type name")
	case tDir:
		return p.g.genP80211Fcdir(p.wlanDir())
	}
	return nil
}

// wlanType parses an 802.11 frame type, a number or a name.
func (p *parser) wlanType() uint32 {
	if p.tok.kind == tNum {
		v := p.number()
		if v&^wlanTypeMask != 0 {
			p.g.fail("invalid 802.11 type value 0x%02x", v)
		}
		return v
	}
	name := p.ident()
	v, ok := lookupName(wlanTypes, name)
	if !ok {
		p.g.fail("unknown 802.11 type name \"%s\"", name)
	}
	return v
}

// wlanSubtype parses an 802.11 frame subtype of frame type typ.
func (p *parser) wlanSubtype(typ uint32) uint32 {
	if p.tok.kind == tNum {
		v := p.number()
		if v&^wlanSubtypeMask != 0 {
			p.g.fail("invalid 802.11 subtype value 0x%02x", v)
		}
		return v
	}
	name := p.ident()
	for _, t := range wlanSubtypesByType {
		if t.typ != typ {
			continue
		}
		v, ok := lookupName(t.subs, name)
		if !ok {
			p.g.fail("unknown 802.11 subtype name \"%s\"", name)
		}
		return v
	}
	p.g.fail("unknown 802.11 type")
	return 0
}

// wlanDir parses an 802.11 direction, a number or a name.
func (p *parser) wlanDir() uint32 {
	if p.tok.kind == tNum {
		v := p.number()
		if v&^wlanDirMask != 0 {
			p.g.fail("invalid 802.11 direction value 0x%x", v)
		}
		return v
	}
	v, ok := lookupName(wlanDirs, p.ident())
	if !ok {
		p.g.fail("unknown 802.11 direction")
	}
	return v
}

// ATM and MTP keyword tables.
var (
	atmTypes = map[tokKind]int{
		tLane: aLANE, tMetac: aMetaC, tBcc: aBCC, tOamf4ec: aOAMF4EC,
		tOamf4sc: aOAMF4SC, tSc: aSC, tIlmic: aILMIC,
	}
	atmMultiTypes = map[tokKind]int{
		tOam: aOAM, tOamf4: aOAMF4, tConnectmsg: aConnectMsg, tMetaconnect: aMetaConnect,
	}
	atmFields = map[tokKind]int{tVPI: aVPI, tVCI: aVCI}
	mtp2Types = map[tokKind]int{
		tFISU: mFISU, tLSSU: mLSSU, tMSU: mMSU,
		tHFISU: mhFISU, tHLSSU: mhLSSU, tHMSU: mhMSU,
	}
	mtp3Fields = map[tokKind]int{
		tSIO: mSIO, tOPC: mOPC, tDPC: mDPC, tSLS: mSLS,
		tHSIO: mhSIO, tHOPC: mhOPC, tHDPC: mhDPC, tHSLS: mhSLS,
	}
)

// other parses the remaining primitives, which take no qualifiers.
func (p *parser) other() *block {
	k := p.tok.kind
	if k == tMinus || k == tLen {
		return p.relation(p.arith(nil))
	}
	if t, ok := atmTypes[k]; ok {
		p.advance()
		return p.g.genAtmtypeAbbrev(t)
	}
	if t, ok := atmMultiTypes[k]; ok {
		p.advance()
		return p.g.genAtmmultiAbbrev(t)
	}
	if f, ok := atmFields[k]; ok {
		p.advance()
		return p.fieldValue(func(v uint32, op uint16, rev bool) *block {
			return p.g.genAtmfieldCode(f, v, op, rev)
		})
	}
	if t, ok := mtp2Types[k]; ok {
		p.advance()
		return p.g.genMtp2typeAbbrev(t)
	}
	if f, ok := mtp3Fields[k]; ok {
		p.advance()
		return p.fieldValue(func(v uint32, op uint16, rev bool) *block {
			return p.g.genMtp3fieldCode(f, v, op, rev)
		})
	}
	switch k {
	case tLess, tGreater, tByte, tInbound, tOutbound, tIfindex, tVlan, tMpls,
		tPppoed, tPppoes, tGeneve, tVxlan, tIfname, tRset, tRnr, tSrnr,
		tReason, tAction, tLLC:
	default:
		p.syntax()
	}
	p.advance()
	switch k {
	case tLess:
		return p.g.genLess(p.number())
	case tGreater:
		return p.g.genGreater(p.number())
	case tByte:
		idx := p.number()
		var op byte
		switch p.tok.kind {
		case tAmp:
			op = '&'
		case tPipe:
			op = '|'
		case tLT:
			op = '<'
		case tGT:
			op = '>'
		case tEq:
			op = '='
		default:
			p.syntax()
		}
		p.advance()
		return p.g.genByteop(op, idx, p.number())
	case tInbound:
		return p.g.genInbound(false)
	case tOutbound:
		return p.g.genInbound(true)
	case tIfindex:
		return p.g.genIfindex(int(p.number()))
	case tVlan:
		v, ok := p.optPnum()
		return p.g.genVlan(v, ok)
	case tMpls:
		v, ok := p.optPnum()
		return p.g.genMpls(v, ok)
	case tPppoed:
		return p.g.genPppoed()
	case tPppoes:
		v, ok := p.optPnum()
		return p.g.genPppoes(v, ok)
	case tGeneve:
		v, ok := p.optPnum()
		return p.g.genGeneve(v, ok)
	case tVxlan:
		v, ok := p.optPnum()
		return p.g.genVxlan(v, ok)
	case tIfname:
		return p.g.genPfIfname(p.ident())
	case tRset:
		return p.g.genPfRuleset(p.ident())
	case tRnr:
		return p.g.genPfRnr(int(p.number()))
	case tSrnr:
		return p.g.genPfSrnr(int(p.number()))
	case tReason:
		if p.tok.kind == tNum {
			return p.g.genPfReason(int(p.number()))
		}
		name := p.ident()
		v, ok := lookupName(pfReasons, name)
		if !ok {
			p.g.fail("unknown PF reason \"%s\"", name)
		}
		return p.g.genPfReason(int(v))
	case tAction:
		name := p.ident()
		v, ok := lookupName(pfActions, name)
		if !ok {
			p.g.fail("unknown PF action \"%s\"", name)
		}
		return p.g.genPfAction(int(v))
	case tLLC:
		return p.llc()
	}
	p.syntax()
	return nil
}

// llc parses what follows "llc": nothing, a frame kind (i, s, u), an S
// or U frame subtype name.
func (p *parser) llc() *block {
	switch p.tok.kind {
	case tRnr: // "rnr" is a pflog keyword, but here the S subtype
		p.advance()
		return p.g.genLlcSSubtype(llcRNR)
	case tID:
	default:
		return p.g.genLlc()
	}
	name := p.ident()
	switch {
	case strings.EqualFold(name, "i"):
		return p.g.genLlcI()
	case strings.EqualFold(name, "s"):
		return p.g.genLlcS()
	case strings.EqualFold(name, "u"):
		return p.g.genLlcU()
	}
	if v, ok := lookupName(llcSSubtypes, name); ok {
		return p.g.genLlcSSubtype(v)
	}
	v, ok := lookupName(llcUSubtypes, name)
	if !ok {
		p.g.fail("unknown LLC type name \"%s\"", name)
	}
	return p.g.genLlcUSubtype(v)
}

// fieldValue parses the value part of an ATM or MTP3 field test: a
// number, a comparison and a number, or a parenthesised list of numbers
// joined by "or".
func (p *parser) fieldValue(gen func(v uint32, op uint16, rev bool) *block) *block {
	k := p.tok.kind
	switch {
	case k == tNum:
		return gen(p.number(), bpf.JEQ, false)
	case isRelop(k):
		op, rev := relop(k)
		p.advance()
		return gen(p.number(), op, rev)
	case k == tLParen:
		p.advance()
		b := gen(p.number(), bpf.JEQ, false)
		for p.tok.kind == tOr {
			p.advance()
			b1 := gen(p.number(), bpf.JEQ, false)
			p.g.genOr(b, b1)
			b = b1
		}
		p.expect(tRParen)
		return b
	}
	p.syntax()
	return nil
}

// optPnum parses the optional number after vlan, mpls, pppoes, geneve
// and vxlan.
func (p *parser) optPnum() (uint32, bool) {
	if p.tok.kind != tNum && p.tok.kind != tLParen {
		return 0, false
	}
	return p.pnum(), true
}

// pnum parses a number, possibly in parentheses.
func (p *parser) pnum() uint32 {
	if p.tok.kind == tLParen {
		p.advance()
		v := p.pnum()
		p.expect(tRParen)
		return v
	}
	return p.number()
}

func isRelop(k tokKind) bool {
	switch k {
	case tGT, tGEQ, tEq, tLEQ, tLT, tNEQ:
		return true
	}
	return false
}

// relop returns the jump of a comparison and whether the result is
// negated (<=, < and != are the negations of >, >= and =).
func relop(k tokKind) (uint16, bool) {
	switch k {
	case tGT:
		return bpf.JGT, false
	case tGEQ:
		return bpf.JGE, false
	case tEq:
		return bpf.JEQ, false
	case tLEQ:
		return bpf.JGT, true
	case tLT:
		return bpf.JGE, true
	}
	return bpf.JEQ, true
}

// relation parses a comparison and its right side, given the left.
func (p *parser) relation(left *arth) *block {
	if !isRelop(p.tok.kind) {
		p.syntax()
	}
	op, rev := relop(p.tok.kind)
	p.advance()
	right := p.arith(nil)
	return p.g.genRelation(op, left, right, rev)
}

// arithPrec is the precedence of a binary arithmetic operator: higher
// binds tighter; 0 for % and ^, which libpcap's grammar gives no
// precedence (so the parser always shifts them: they take everything
// to their right); -1 if k is not an operator.
func arithPrec(k tokKind) int {
	switch k {
	case tPipe:
		return 1
	case tAmp:
		return 2
	case tLSH, tRSH:
		return 3
	case tPlus, tMinus:
		return 4
	case tStar, tSlash:
		return 5
	case tPct, tCaret:
		return 0
	}
	return -1
}

// negPrec is the precedence of unary minus; tNeg marks it on the
// operator stack.
const (
	negPrec         = 6
	tNeg    tokKind = -1
)

var arithOps = map[tokKind]uint16{
	tPlus: bpf.ADD, tMinus: bpf.SUB, tStar: bpf.MUL, tSlash: bpf.DIV,
	tPct: bpf.MOD, tAmp: bpf.AND, tPipe: bpf.OR, tCaret: bpf.XOR,
	tLSH: bpf.LSH, tRSH: bpf.RSH,
}

// arith parses arithmetic, starting with operand first if it is not nil.
// It is an operator-precedence parser that reduces exactly when libpcap's
// yacc grammar does, so the generators run in the same order.
func (p *parser) arith(first *arth) *arth {
	var vals []*arth
	var ops []tokKind
	prec := func(k tokKind) int {
		if k == tNeg {
			return negPrec
		}
		return arithPrec(k)
	}
	reduce := func() {
		op := ops[len(ops)-1]
		ops = ops[:len(ops)-1]
		n := len(vals)
		if op == tNeg {
			vals[n-1] = p.g.genNeg(vals[n-1])
			return
		}
		vals[n-2] = p.g.genArth(arithOps[op], vals[n-2], vals[n-1])
		vals = vals[:n-1]
	}
	wantOperand := true
	if first != nil {
		vals = append(vals, first)
		wantOperand = false
	}
	for {
		if wantOperand {
			if p.tok.kind == tMinus {
				p.advance()
				ops = append(ops, tNeg)
				continue
			}
			vals = append(vals, p.arithPrimary())
			wantOperand = false
			continue
		}
		k := p.tok.kind
		pk := arithPrec(k)
		if pk < 0 {
			break
		}
		for len(ops) > 0 {
			top := prec(ops[len(ops)-1])
			if top == 0 || pk == 0 || top < pk {
				break
			}
			reduce()
		}
		p.advance()
		ops = append(ops, k)
		wantOperand = true
	}
	for len(ops) > 0 {
		reduce()
	}
	return vals[0]
}

// arithPrimary parses a number, "len", "proto[expr]", "proto[expr:size]"
// or parenthesised arithmetic.
func (p *parser) arithPrimary() *arth {
	switch k := p.tok.kind; {
	case k == tNum:
		return p.g.genLoadi(p.number())
	case k == tLen:
		p.advance()
		return p.g.genLoadlen()
	case k == tLParen:
		p.advance()
		a := p.arith(nil)
		p.expect(tRParen)
		return a
	case pnameQual(k) != 0:
		proto := pnameQual(k)
		p.advance()
		p.expect(tLBrack)
		idx := p.arith(nil)
		size := uint32(1)
		if p.tok.kind == tColon {
			p.advance()
			size = p.number()
		}
		if p.tok.kind != tRBrack {
			p.syntax()
		}
		if size != 1 && size != 2 && size != 4 {
			p.g.fail("data size must be 1, 2, or 4")
		}
		p.advance()
		return p.g.genLoad(proto, idx, size)
	}
	p.syntax()
	return nil
}
