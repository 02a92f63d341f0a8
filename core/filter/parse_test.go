package filter

import (
	"fmt"
	"strings"
	"testing"
)

// recorder is a codegen that logs each call; blocks and arths are
// numbered in creation order (b1, b2, ... and a1, a2, ...).
type recorder struct {
	log    []string
	blocks map[*block]string
	arths  map[*arth]string
}

func newRecorder() *recorder {
	return &recorder{blocks: map[*block]string{}, arths: map[*arth]string{}}
}

func (r *recorder) blk(format string, args ...any) *block {
	b := &block{}
	name := fmt.Sprintf("b%d", len(r.blocks)+1)
	r.blocks[b] = name
	r.log = append(r.log, name+"="+fmt.Sprintf(format, args...))
	return b
}

func (r *recorder) ar(format string, args ...any) *arth {
	a := &arth{}
	name := fmt.Sprintf("a%d", len(r.arths)+1)
	r.arths[a] = name
	r.log = append(r.log, name+"="+fmt.Sprintf(format, args...))
	return a
}

func qs(q qual) string {
	name := func(tab []string, v int) string {
		if v == qUndef {
			return "undef"
		}
		if v == 0 {
			return "-"
		}
		return tab[v]
	}
	return name(protoNames[:], q.proto) + "/" + name(dirNames[:], q.dir) + "/" + name(addrNames[:], q.addr)
}

func (r *recorder) fail(format string, args ...any) {
	panic(compileError{fmt.Sprintf(format, args...)})
}
func (r *recorder) genAnd(b0, b1 *block) {
	r.log = append(r.log, "and("+r.blocks[b0]+","+r.blocks[b1]+")")
}
func (r *recorder) genOr(b0, b1 *block) {
	r.log = append(r.log, "or("+r.blocks[b0]+","+r.blocks[b1]+")")
}
func (r *recorder) genNot(b *block) { r.log = append(r.log, "not("+r.blocks[b]+")") }
func (r *recorder) genScode(name string, q qual) *block {
	return r.blk("scode(%s,%s)", name, qs(q))
}
func (r *recorder) genNcode(s string, v uint32, q qual) *block {
	return r.blk("ncode(%q,%d,%s)", s, v, qs(q))
}
func (r *recorder) genMcode(s1, s2 string, masklen uint32, q qual) *block {
	return r.blk("mcode(%s,%q,%d,%s)", s1, s2, masklen, qs(q))
}
func (r *recorder) genMcode6(s string, masklen uint32, q qual) *block {
	return r.blk("mcode6(%s,%d,%s)", s, masklen, qs(q))
}
func (r *recorder) genEcode(e []byte, q qual) *block { return r.blk("ecode(%x,%s)", e, qs(q)) }
func (r *recorder) genAcode(s string, q qual) *block { return r.blk("acode(%s,%s)", s, qs(q)) }
func (r *recorder) genProtoAbbrev(p int) *block      { return r.blk("proto(%s)", protoNames[p]) }
func (r *recorder) genBroadcast(p int) *block        { return r.blk("broadcast(%d)", p) }
func (r *recorder) genMulticast(p int) *block        { return r.blk("multicast(%d)", p) }
func (r *recorder) genLess(n uint32) *block          { return r.blk("less(%d)", n) }
func (r *recorder) genGreater(n uint32) *block       { return r.blk("greater(%d)", n) }
func (r *recorder) genByteop(op byte, idx, v uint32) *block {
	return r.blk("byte(%c,%d,%d)", op, idx, v)
}
func (r *recorder) genLoadi(v uint32) *arth { return r.ar("loadi(%d)", v) }
func (r *recorder) genLoad(proto int, inst *arth, size uint32) *arth {
	return r.ar("load(%s,%s,%d)", protoNames[proto], r.arths[inst], size)
}
func (r *recorder) genLoadlen() *arth    { return r.ar("len") }
func (r *recorder) genNeg(a *arth) *arth { return r.ar("neg(%s)", r.arths[a]) }
func (r *recorder) genArth(op uint16, a0, a1 *arth) *arth {
	return r.ar("arth(%#x,%s,%s)", op, r.arths[a0], r.arths[a1])
}
func (r *recorder) genRelation(op uint16, a0, a1 *arth, rev bool) *block {
	return r.blk("rel(%#x,%s,%s,%v)", op, r.arths[a0], r.arths[a1], rev)
}
func (r *recorder) genPfIfname(s string) *block           { return r.blk("ifname(%s)", s) }
func (r *recorder) genPfRuleset(s string) *block          { return r.blk("rset(%s)", s) }
func (r *recorder) genPfRnr(n int) *block                 { return r.blk("rnr(%d)", n) }
func (r *recorder) genPfSrnr(n int) *block                { return r.blk("srnr(%d)", n) }
func (r *recorder) genPfReason(n int) *block              { return r.blk("reason(%d)", n) }
func (r *recorder) genPfAction(n int) *block              { return r.blk("action(%d)", n) }
func (r *recorder) genP80211Type(typ, mask uint32) *block { return r.blk("wtype(%#x,%#x)", typ, mask) }
func (r *recorder) genP80211Fcdir(dir uint32) *block      { return r.blk("wdir(%d)", dir) }
func (r *recorder) genAtmfieldCode(f int, v uint32, op uint16, rev bool) *block {
	return r.blk("atmfield(%d,%d,%#x,%v)", f, v, op, rev)
}
func (r *recorder) genAtmtypeAbbrev(t int) *block  { return r.blk("atmtype(%d)", t) }
func (r *recorder) genAtmmultiAbbrev(t int) *block { return r.blk("atmmulti(%d)", t) }
func (r *recorder) genMtp2typeAbbrev(t int) *block { return r.blk("mtp2(%d)", t) }
func (r *recorder) genMtp3fieldCode(f int, v uint32, op uint16, rev bool) *block {
	return r.blk("mtp3(%d,%d,%#x,%v)", f, v, op, rev)
}
func (r *recorder) genVlan(n uint32, has bool) *block   { return r.blk("vlan(%d,%v)", n, has) }
func (r *recorder) genMpls(n uint32, has bool) *block   { return r.blk("mpls(%d,%v)", n, has) }
func (r *recorder) genPppoed() *block                   { return r.blk("pppoed") }
func (r *recorder) genPppoes(n uint32, has bool) *block { return r.blk("pppoes(%d,%v)", n, has) }
func (r *recorder) genGeneve(n uint32, has bool) *block { return r.blk("geneve(%d,%v)", n, has) }
func (r *recorder) genVxlan(n uint32, has bool) *block  { return r.blk("vxlan(%d,%v)", n, has) }
func (r *recorder) genInbound(out bool) *block          { return r.blk("inbound(%v)", out) }
func (r *recorder) genIfindex(n int) *block             { return r.blk("ifindex(%d)", n) }
func (r *recorder) genLlc() *block                      { return r.blk("llc") }
func (r *recorder) genLlcI() *block                     { return r.blk("llc_i") }
func (r *recorder) genLlcS() *block                     { return r.blk("llc_s") }
func (r *recorder) genLlcU() *block                     { return r.blk("llc_u") }
func (r *recorder) genLlcSSubtype(v uint32) *block      { return r.blk("llc_s(%#x)", v) }
func (r *recorder) genLlcUSubtype(v uint32) *block      { return r.blk("llc_u(%#x)", v) }

var _ codegen = (*compiler)(nil)

// record parses expr with a recorder and returns the call log (joined by
// "; ") and the error text ("" if none).
func record(expr string) (calls string, errText string) {
	r := newRecorder()
	func() {
		defer func() {
			if x := recover(); x != nil {
				ce, ok := x.(compileError)
				if !ok {
					panic(x)
				}
				errText = ce.msg
			}
		}()
		b := parseFilter(r, expr)
		if b != nil {
			r.log = append(r.log, "=> "+r.blocks[b])
		}
	}()
	return strings.Join(r.log, "; "), errText
}

func TestParseActions(t *testing.T) {
	cases := []struct{ expr, want string }{
		{"", ""},
		{"  \t\n", ""},
		{"host a", "b1=scode(a,-/-/host); => b1"},
		{"host a or b", "b1=scode(a,-/-/host); b2=scode(b,-/-/host); or(b1,b2); => b2"},
		{"port 1 or 2 and not 3",
			"b1=ncode(\"\",1,-/-/port); b2=ncode(\"\",2,-/-/port); or(b1,b2); b3=ncode(\"\",3,-/-/port); not(b3); and(b2,b3); => b3"},
		{"ip src host 1.2.3.4", "b1=ncode(\"1.2.3.4\",0,ip/src/host); => b1"},
		{"tcp dst port 80", "b1=ncode(\"\",80,tcp/dst/port); => b1"},
		{"src or dst net 10.0.0.0/8", "b1=mcode(10.0.0.0,\"\",8,-/src or dst/net); => b1"},
		{"dst and src 10", "b1=ncode(\"\",10,-/src and dst/-); => b1"},
		{"net 10.0.0.0 mask 255.0.0.0", "b1=mcode(10.0.0.0,\"255.0.0.0\",0,-/-/net); => b1"},
		{"ip6 host fe80::1", "b1=mcode6(fe80::1,128,ip6/-/host); => b1"},
		{"net fe80::/16", "b1=mcode6(fe80::,16,-/-/net); => b1"},
		{"ether host 00:11:22:33:44:55", "b1=ecode(001122334455,link/-/host); => b1"},
		{"ether src abcd.ef00.0003", "b1=ecode(abcdef000003,link/src/-); => b1"},
		{"ether dst a.b.c.d.e.f", "b1=ecode(0a0b0c0d0e0f,link/dst/-); => b1"},
		{"ether host 1-2-3-4-5-6", "b1=ecode(010203040506,link/-/host); => b1"},
		{"link host $25", "b1=acode($25,link/-/host); => b1"},
		{"ip proto \\tcp", "b1=scode(tcp,ip/-/proto); => b1"},
		{"ip protochain 6", "b1=ncode(\"\",6,ip/-/protochain); => b1"},
		{"gateway foo", "b1=scode(foo,-/-/gateway); => b1"},
		{"addr1 foo", "b1=scode(foo,-/addr1/-); => b1"},
		{"wlan ra host foo", "b1=scode(foo,link/ra/host); => b1"},
		{"tcp", "b1=proto(tcp); => b1"},
		{"tcp or udp", "b1=proto(tcp); b2=proto(udp); or(b1,b2); => b2"},
		{"tcp or 80", "b1=proto(tcp); b2=ncode(\"\",80,undef/undef/undef); or(b1,b2); => b2"},
		{"not tcp", "b1=proto(tcp); not(b1); => b1"},
		{"! tcp && ! udp || icmp",
			"b1=proto(tcp); not(b1); b2=proto(udp); not(b2); and(b1,b2); b3=proto(icmp); or(b2,b3); => b3"},
		{"host a and (b or c)",
			"b1=scode(a,-/-/host); b2=scode(b,-/-/host); b3=scode(c,-/-/host); or(b2,b3); and(b1,b3); => b3"},
		{"host a and (tcp or c)",
			"b1=scode(a,-/-/host); b2=proto(tcp); b3=scode(c,undef/undef/undef); or(b2,b3); and(b1,b3); => b3"},
		{"(host a) or b", "b1=scode(a,-/-/host); b2=scode(b,undef/undef/undef); or(b1,b2); => b2"},
		{"host a and (port 1) or b",
			"b1=scode(a,-/-/host); b2=ncode(\"\",1,-/-/port); and(b1,b2); b3=scode(b,-/-/host); or(b2,b3); => b3"},
		{"host (a or b)", "b1=scode(a,-/-/host); b2=scode(b,-/-/host); or(b1,b2); => b2"},
		{"host ((1))", "b1=ncode(\"\",1,-/-/host); => b1"},
		{"host ((1) or 2)", "b1=ncode(\"\",1,-/-/host); b2=ncode(\"\",2,-/-/host); or(b1,b2); => b2"},
		{"host not a", "b1=scode(a,-/-/host); not(b1); => b1"},
		{"host a or not (b)", "b1=scode(a,-/-/host); b2=scode(b,-/-/host); not(b2); or(b1,b2); => b2"},
		{"len > 100", "a1=len; a2=loadi(100); b1=rel(0x20,a1,a2,false); => b1"},
		{"len <= 100", "a1=len; a2=loadi(100); b1=rel(0x20,a1,a2,true); => b1"},
		{"len != 1", "a1=len; a2=loadi(1); b1=rel(0x10,a1,a2,true); => b1"},
		{"1 < len", "a1=loadi(1); a2=len; b1=rel(0x30,a1,a2,true); => b1"},
		{"ip[0] & 0xf != 5",
			"a1=loadi(0); a2=load(ip,a1,1); a3=loadi(15); a4=arth(0x50,a2,a3); a5=loadi(5); b1=rel(0x10,a4,a5,true); => b1"},
		{"tcp[tcpflags] & tcp-syn != 0",
			"a1=loadi(13); a2=load(tcp,a1,1); a3=loadi(2); a4=arth(0x50,a2,a3); a5=loadi(0); b1=rel(0x10,a4,a5,true); => b1"},
		{"ip[2:2] = 20", "a1=loadi(2); a2=load(ip,a1,2); a3=loadi(20); b1=rel(0x10,a2,a3,false); => b1"},
		{"1 + 2 * 3 = 7", "a1=loadi(1); a2=loadi(2); a3=loadi(3); a4=arth(0x20,a2,a3); a5=arth(0x0,a1,a4); a6=loadi(7); b1=rel(0x10,a5,a6,false); => b1"},
		{"1 * 2 + 3 = 5", "a1=loadi(1); a2=loadi(2); a3=arth(0x20,a1,a2); a4=loadi(3); a5=arth(0x0,a3,a4); a6=loadi(5); b1=rel(0x10,a5,a6,false); => b1"},
		{"1 - 2 - 3 = 0", "a1=loadi(1); a2=loadi(2); a3=arth(0x10,a1,a2); a4=loadi(3); a5=arth(0x10,a3,a4); a6=loadi(0); b1=rel(0x10,a5,a6,false); => b1"},
		{"len % 3 + 1 = 0", "a1=len; a2=loadi(3); a3=loadi(1); a4=arth(0x0,a2,a3); a5=arth(0x90,a1,a4); a6=loadi(0); b1=rel(0x10,a5,a6,false); => b1"},
		{"len + 3 % 2 = 0", "a1=len; a2=loadi(3); a3=loadi(2); a4=arth(0x90,a2,a3); a5=arth(0x0,a1,a4); a6=loadi(0); b1=rel(0x10,a5,a6,false); => b1"},
		{"- len % 3 = 0", "a1=len; a2=loadi(3); a3=arth(0x90,a1,a2); a4=neg(a3); a5=loadi(0); b1=rel(0x10,a4,a5,false); => b1"},
		{"- len * 3 = 0", "a1=len; a2=neg(a1); a3=loadi(3); a4=arth(0x20,a2,a3); a5=loadi(0); b1=rel(0x10,a4,a5,false); => b1"},
		{"1 | 2 & 3 << 4 = 0", "a1=loadi(1); a2=loadi(2); a3=loadi(3); a4=loadi(4); a5=arth(0x60,a3,a4); a6=arth(0x50,a2,a5); a7=arth(0x40,a1,a6); a8=loadi(0); b1=rel(0x10,a7,a8,false); => b1"},
		{"(len + 1) * 2 > 3", "a1=len; a2=loadi(1); a3=arth(0x0,a1,a2); a4=loadi(2); a5=arth(0x20,a3,a4); a6=loadi(3); b1=rel(0x20,a5,a6,false); => b1"},
		{"(len > 1)", "a1=len; a2=loadi(1); b1=rel(0x20,a1,a2,false); => b1"},
		{"((len)) > 1", "a1=len; a2=loadi(1); b1=rel(0x20,a1,a2,false); => b1"},
		{"(1) > len", "a1=loadi(1); a2=len; b1=rel(0x20,a1,a2,false); => b1"},
		{"((1) + 2 > len)", "a1=loadi(1); a2=loadi(2); a3=arth(0x0,a1,a2); a4=len; b1=rel(0x20,a3,a4,false); => b1"},
		{"host a and 1 > 0", "b1=scode(a,-/-/host); a1=loadi(1); a2=loadi(0); b2=rel(0x20,a1,a2,false); and(b1,b2); => b2"},
		{"host a and (1 or 2)", "b1=scode(a,-/-/host); b2=ncode(\"\",1,-/-/host); b3=ncode(\"\",2,-/-/host); or(b2,b3); and(b1,b3); => b3"},
		{"host a and (1) > 0", "b1=scode(a,-/-/host); a1=loadi(1); a2=loadi(0); b2=rel(0x20,a1,a2,false); and(b1,b2); => b2"},
		{"host a and (tcp[0]) > 0", "b1=scode(a,-/-/host); a1=loadi(0); a2=load(tcp,a1,1); a3=loadi(0); b2=rel(0x20,a2,a3,false); and(b1,b2); => b2"},
		{"host a and (not b)", "b1=scode(a,-/-/host); b2=scode(b,-/-/host); not(b2); and(b1,b2); => b2"},
		{"host a and (not tcp)", "b1=scode(a,-/-/host); b2=proto(tcp); not(b2); and(b1,b2); => b2"},
		{"broadcast", "b1=broadcast(0); => b1"},
		{"ip multicast", "b1=multicast(2); => b1"},
		{"less 100 or greater 200", "b1=less(100); b2=greater(200); or(b1,b2); => b2"},
		{"byte 1 & 2", "b1=byte(&,1,2); => b1"},
		{"inbound and outbound", "b1=inbound(false); b2=inbound(true); and(b1,b2); => b2"},
		{"ifindex 3", "b1=ifindex(3); => b1"},
		{"vlan and vlan 10 and vlan (20)", "b1=vlan(0,false); b2=vlan(10,true); and(b1,b2); b3=vlan(20,true); and(b2,b3); => b3"},
		{"mpls 5 and pppoed and pppoes and geneve 7 and vxlan",
			"b1=mpls(5,true); b2=pppoed; and(b1,b2); b3=pppoes(0,false); and(b2,b3); b4=geneve(7,true); and(b3,b4); b5=vxlan(0,false); and(b4,b5); => b5"},
		{"on eth0 and rset foo and rnr 3 and srnr 4", "b1=ifname(eth0); b2=rset(foo); and(b1,b2); b3=rnr(3); and(b2,b3); b4=srnr(4); and(b3,b4); => b4"},
		{"reason memory or reason 3 or action block or action NAT", "b1=reason(5); b2=reason(3); or(b1,b2); b3=action(1); or(b2,b3); b4=action(4); or(b3,b4); => b4"},
		{"wlan type mgt subtype beacon", "b1=wtype(0x80,0xfc); => b1"},
		{"type data", "b1=wtype(0x8,0xc); => b1"},
		{"subtype qos-cf-poll", "b1=wtype(0xe8,0xfc); => b1"},
		{"wlan subtype data", "b1=wtype(0x8,0xfc); => b1"},
		{"type ctl subtype ACK", "b1=wtype(0xd4,0xfc); => b1"},
		{"type 8 subtype 0x40", "b1=wtype(0x48,0xfc); => b1"},
		{"dir tods or dir 3", "b1=wdir(1); b2=wdir(3); or(b1,b2); => b2"},
		{"llc", "b1=llc; => b1"},
		{"llc i or llc S or llc u", "b1=llc_i; b2=llc_s; or(b1,b2); b3=llc_u; or(b2,b3); => b3"},
		{"llc rnr or llc rr or llc frmr", "b1=llc_s(0x5); b2=llc_s(0x1); or(b1,b2); b3=llc_u(0x87); or(b2,b3); => b3"},
		{"lane or oam or vpi 1 or vci > 2", "b1=atmtype(14); b2=atmmulti(12); or(b1,b2); b3=atmfield(1,1,0x10,false); or(b2,b3); b4=atmfield(2,2,0x20,false); or(b3,b4); => b4"},
		{"vpi (1 or 2 || 3)", "b1=atmfield(1,1,0x10,false); b2=atmfield(1,2,0x10,false); or(b1,b2); b3=atmfield(1,3,0x10,false); or(b2,b3); => b3"},
		{"fisu or sio != 3 or hdpc (1 or 2)", "b1=mtp2(1); b2=mtp3(7,3,0x10,true); or(b1,b2); b3=mtp3(13,1,0x10,false); b4=mtp3(13,2,0x10,false); or(b3,b4); or(b2,b4); => b4"},
		{"icmp[icmptype] = icmp-echo", "a1=loadi(0); a2=load(icmp,a1,1); a3=loadi(8); b1=rel(0x10,a2,a3,false); => b1"},
		{"es-is or is-is or isis", "b1=proto(esis); b2=proto(isis); or(b1,b2); b3=proto(isis); or(b2,b3); => b3"},
		{"length > 0x10", "a1=len; a2=loadi(16); b1=rel(0x20,a1,a2,false); => b1"},
		{"len == 010", "a1=len; a2=loadi(8); b1=rel(0x10,a1,a2,false); => b1"},
		{"ether proto 1 or 2", "b1=ncode(\"\",1,link/-/proto); b2=ncode(\"\",2,link/-/proto); or(b1,b2); => b2"},
		{"host 123456789012", "b1=ecode(123456789012,-/-/host); => b1"},
		{"host 1.2.3.4.5.6", "b1=ecode(010203040506,-/-/host); => b1"},
		{"host 1.2.3.4.", "b1=scode(1.2.3.4.,-/-/host); => b1"},
		{"port ftp-data", "b1=scode(ftp-data,-/-/port); => b1"},
		{"portrange 1-10", "b1=scode(1-10,-/-/portrange); => b1"},
		// Numbers before invalid tokens: an id where only ids fit.
		{"host 1 +", "b1=ncode(\"\",1,-/-/host); !syntax"},
		{"host (1 foo", "b1=ncode(\"\",1,-/-/host); !syntax"},
		{"host a and 1 foo", "b1=scode(a,-/-/host); a1=loadi(1); !syntax"},
		{"tcp foo", "!syntax"},
	}
	for _, c := range cases {
		got, err := record(c.expr)
		if err == syntaxError {
			got += "; !syntax"
			if got == "; !syntax" {
				got = "!syntax"
			}
		} else if err != "" {
			t.Errorf("%q: unexpected error %q (calls %s)", c.expr, err, got)
			continue
		}
		if got != c.want {
			t.Errorf("%q:\n got  %s\n want %s", c.expr, got, c.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ expr, want string }{
		{"foo", syntaxError},
		{"not foo", syntaxError},
		{"TCP", syntaxError},
		{"host a or (b or tcp)", syntaxError},
		{"host ((a))", syntaxError},
		{"not 1", syntaxError},
		{"tcp and", syntaxError},
		{"(tcp", syntaxError},
		{"tcp)", syntaxError},
		{"host $x", syntaxError},
		{"host $123", syntaxError},
		{"ip6 host fe80:0:0:0:0:0:0:0:0", syntaxError},
		{"net 10 mask 255.0.0.0", syntaxError},
		{"net 10/8", syntaxError},
		{"net 10.0.0.0 mask 255", syntaxError},
		{"tcp portrange 23-", syntaxError},
		{"tcp portrange -512", syntaxError},
		{"src proto 1", syntaxError},
		{"dst protochain \\tcp", syntaxError},
		{"src gateway x", syntaxError},
		{"link[0:-1] != 0", syntaxError},
		{"link[0:3] != 0", "data size must be 1, 2, or 4"},
		{"link[0:0] != 0", "data size must be 1, 2, or 4"},
		{"byte 1 != 2", syntaxError},
		{"byte 1 << 2", syntaxError},
		{"vlan any", syntaxError},
		{"pppoed 1234", syntaxError},
		{"wlan subtype 0", syntaxError},
		{"lldp", syntaxError},
		{"\\lldp", syntaxError},
		{"08", "number 08 contains non-octal digit"},
		{"0037777777778", "number 0037777777778 contains non-octal digit"},
		{"00377777777778", "number 00377777777778 contains non-octal digit"},
		{"003777777777778", "octal number 003777777777778 overflows 32 bits"},
		{"0040000000000", "octal number 0040000000000 overflows 32 bits"},
		{"4294967296", "decimal number 4294967296 overflows 32 bits"},
		{"0x100000000", "hexadecimal number 0x100000000 overflows 32 bits"},
		{"0X100000000", "hexadecimal number 0X100000000 overflows 32 bits"},
		{"ether ab:cd:ef:0g:00:00", "invalid Ethernet address ab:cd:ef:"},
		{"ip6 host fe80::256.20.30.40", "invalid IPv6 address fe80::256.20.30.40"},
		{"port 1.2.3.4", "'port' qualifier applied to IPv4 address"},
		{"proto 1.2.3.4/8", "'proto' qualifier applied to IPv4 address and prefix length"},
		{"portrange 1.2.3.4 mask 255.0.0.0", "'portrange' qualifier applied to IPv4 address and netmask"},
		{"protochain fe80::", "'protochain' qualifier applied to IPv6 address"},
		{"port fe80::/64", "'port' qualifier applied to IPv6 address and prefix length"},
		{"wlan type 16", "invalid 802.11 type value 0x10"},
		{"wlan type foo", "unknown 802.11 type name \"foo\""},
		{"wlan type 0 subtype 0xff", "invalid 802.11 subtype value 0xff"},
		{"wlan type mgt subtype ack", "unknown 802.11 subtype name \"ack\""},
		{"type 12 subtype beacon", "unknown 802.11 type"},
		{"subtype foo", "unknown 802.11 type name"},
		{"wlan dir abc", "unknown 802.11 direction"},
		{"wlan dir 4", "invalid 802.11 direction value 0x4"},
		{"reason invalid", "unknown PF reason \"invalid\""},
		{"action invalid", "unknown PF action \"invalid\""},
		{"llc foo", "unknown LLC type name \"foo\""},
		{"port 70000 $", ""}, // recorder accepts the port; then a syntax error
		{"and 08", syntaxError},
		// A protocol name before an invalid token: no abbreviation code.
		{"ether ! host 1.2.3.4", syntaxError},
		{"ether (len)", syntaxError},
	}
	for _, c := range cases {
		calls, err := record(c.expr)
		want := c.want
		if want == "" {
			want = syntaxError
		}
		if err != want {
			t.Errorf("%q: got error %q, want %q (calls %s)", c.expr, err, want, calls)
		}
	}
}

func TestLexer(t *testing.T) {
	cases := []struct{ in, want string }{
		{"host 10.1.2.3", "host HID(10.1.2.3)"},
		{"10 10.1 10.1.2 0x1.2", "NUM(10) HID(10.1) HID(10.1.2) HID(0x1.2)"},
		{"a:b:c:d:e:f", "EID(a:b:c:d:e:f)"},
		{"aa:bb:cc:dd:ee:ff", "EID(aa:bb:cc:dd:ee:ff)"},
		{"abcdef012345", "EID(abcdef012345)"},
		{"1:2:3:4:5:6:7:8 ::1 1:: ::ffff:1.2.3.4 1::2:3", "HID6(1:2:3:4:5:6:7:8) HID6(::1) HID6(1::) HID6(::ffff:1.2.3.4) HID6(1::2:3)"},
		{"$1f $3", "AID($1f) AID($3)"},
		{"tcp-syn icmp-echoreply tcpflags icmp6-echo", "NUM(2) NUM(0) NUM(13) NUM(128)"},
		{"tcp-synx foo-bar- a_b", "ID(tcp-synx) ID(foo-bar) - ID(a_b)"},
		{"\\tcp \\a.b[0]", "ID(tcp) ID(a.b[0])"},
		{">= <= != == << >> && || ! < > =", ">= <= != = << >> and or not < > ="},
		{"0x 1e5", "ID(0x) ID(1e5)"},
	}
	for _, c := range cases {
		lx := lexer{src: c.in, fail: func(f string, a ...any) { t.Fatalf("%q: "+f, append([]any{c.in}, a...)...) }}
		var out []string
		for {
			tk := lx.next()
			if tk.kind == tEOF {
				break
			}
			switch tk.kind {
			case tNum:
				out = append(out, fmt.Sprintf("NUM(%d)", tk.val))
			case tID, tEID, tHID, tHID6, tAID:
				out = append(out, fmt.Sprintf("%s(%s)", tk.kind, tk.text))
			case tNot:
				out = append(out, "not")
			case tAnd:
				out = append(out, "and")
			case tOr:
				out = append(out, "or")
			case tEq:
				out = append(out, "=")
			default:
				out = append(out, tk.text)
			}
		}
		if got := strings.Join(out, " "); got != c.want {
			t.Errorf("%q:\n got  %s\n want %s", c.in, got, c.want)
		}
	}
}
