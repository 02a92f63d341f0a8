package filter

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pcapshim/pcapshim/core/bpf"
	"github.com/pcapshim/pcapshim/core/tables"
)

// These tests drive the link-layer generators directly (without the
// parser) for the vector expressions that consist of one link-layer
// primitive, and compare the unoptimised program with libpcap master's.

const linkVectorsPath = "/work/shared/conformance/libpcap-filter-vectors.json"

type linkVector struct {
	Kind     string  `json:"kind"`
	Expr     string  `json:"expr"`
	DLT      string  `json:"DLT"`
	Snaplen  *uint32 `json:"snaplen"`
	Optimize int     `json:"optimize"`
	Offline  string  `json:"generate_offline_filter"`
	Expected string  `json:"expected"`
}

// linkTestLinearize lays out an unoptimised block graph as libpcap's
// icode_to_fcode does: each block before its true successor's blocks,
// which come before its false successor's, every block once.
func linkTestLinearize(root *block) ([]bpf.Insn, error) {
	type placed struct {
		off int
	}
	var order []*block
	seen := map[*block]bool{}
	var visit func(b *block)
	visit = func(b *block) {
		if b == nil || seen[b] {
			return
		}
		seen[b] = true
		visit(b.jf)
		visit(b.jt)
		order = append(order, b)
	}
	visit(root)
	// order is the reverse of the layout.
	pos := map[*block]int{}
	n := 0
	for i := len(order) - 1; i >= 0; i-- {
		b := order[i]
		pos[b] = n
		for s := b.stmts; s != nil; s = s.next {
			n++
		}
		n++
	}
	prog := make([]bpf.Insn, 0, n)
	for i := len(order) - 1; i >= 0; i-- {
		b := order[i]
		var nodes []*slist
		for s := b.stmts; s != nil; s = s.next {
			nodes = append(nodes, s)
		}
		idx := map[*slist]int{}
		for j, s := range nodes {
			idx[s] = j
		}
		for j, s := range nodes {
			ins := bpf.Insn{Code: s.s.code, K: s.s.k}
			if bpf.Class(s.s.code) == bpf.JMP && s.s.code != bpf.JMP|bpf.JA {
				t, ok1 := idx[s.s.jt]
				f, ok2 := idx[s.s.jf]
				if !ok1 || !ok2 {
					return nil, fmt.Errorf("statement jump target not in its block")
				}
				ins.JT, ins.JF = uint8(t-j-1), uint8(f-j-1)
			}
			prog = append(prog, ins)
		}
		ins := bpf.Insn{Code: b.s.code, K: b.s.k}
		here := pos[b] + len(nodes)
		if b.jt != nil {
			ins.JT = uint8(pos[b.jt] - here - 1)
			ins.JF = uint8(pos[b.jf] - here - 1)
		}
		prog = append(prog, ins)
	}
	return prog, nil
}

var linkProtoNames = map[string]uint32{
	"ip": ethertypeIP, "ip6": ethertypeIPv6, "arp": ethertypeARP, "rarp": ethertypeRevARP,
	"atalk": ethertypeAtalk, "aarp": ethertypeAARP, "decnet": ethertypeDN, "lat": ethertypeLAT,
	"sca": ethertypeSCA, "moprc": ethertypeMOPRC, "mopdl": ethertypeMOPDL, "iso": llcsapISONS,
	"stp": llcsap8021D, "ipx": llcsapIPX, "netbeui": llcsapNetBEUI,
}

var linkDirNames = map[string]int{
	"": qDefault, "src ": qSrc, "dst ": qDst, "src or dst ": qOr, "src and dst ": qAnd,
	"addr1 ": qAddr1, "addr2 ": qAddr2, "addr3 ": qAddr3, "addr4 ": qAddr4, "ra ": qRA, "ta ": qTA,
}

var (
	linkReProto   = regexp.MustCompile(`^(?:link|ether) proto (?:\\([a-z0-9]+)|(0x[0-9a-f]+|[0-9]+))$`)
	linkReMAC48   = regexp.MustCompile(`^(link|ether|wlan|fddi|tr) (src |dst |src or dst |src and dst |addr[1-4] |ra |ta )?(host )?([0-9a-fA-F]{1,2}(?:[:.-][0-9a-fA-F]{1,2}){5})$`)
	linkReMAC8    = regexp.MustCompile(`^link (src |dst |src or dst |src and dst )?(host )?(\$[0-9a-fA-F]{1,2})$`)
	linkReQualMAC = regexp.MustCompile(`^(?:([a-z0-9]+) )??(?:(gateway|net|port|portrange|proto|protochain|host) )?([0-9a-fA-F]{1,2}(?::[0-9a-fA-F]{1,2}){5})$`)
	linkReLlcSub  = regexp.MustCompile(`^llc ([su]) ([a-z]+)$`)
)

var linkLlcSubtypes = map[string]uint32{
	"rr": 0x01, "rnr": 0x05, "rej": 0x09,
	"ui": 0x03, "ua": 0x63, "disc": 0x43, "dm": 0x0f, "sabme": 0x6f, "test": 0xe3, "xid": 0xaf, "frmr": 0x87,
}

func linkParseMAC(s string) []byte {
	f := regexp.MustCompile(`[:.-]`).Split(s, -1)
	out := make([]byte, 6)
	for i, p := range f {
		v, _ := strconv.ParseUint(p, 16, 8)
		out[i] = byte(v)
	}
	return out
}

// linkTestGen maps an expression made of one link-layer primitive to the
// generator call the parser would make; ok is false for other expressions.
func linkTestGen(expr string) (gen func(c *compiler) *block, ok bool) {
	if m := linkReProto.FindStringSubmatch(expr); m != nil {
		var v uint32
		if m[1] != "" {
			x, ok := linkProtoNames[m[1]]
			if !ok {
				return nil, false
			}
			v = x
		} else {
			x, _ := strconv.ParseUint(m[2], 0, 32)
			v = uint32(x)
		}
		return func(c *compiler) *block { return c.genLinktype(v) }, true
	}
	if v, ok := linkProtoNames[expr]; ok {
		return func(c *compiler) *block { return c.genLinktype(v) }, true
	}
	if m := linkReQualMAC.FindStringSubmatch(expr); m != nil {
		q := qual{addr: qDefault, proto: qDefault}
		for i, n := range protoNames {
			if n == m[1] && i > 0 {
				q.proto = i
			}
		}
		for i, n := range addrNames {
			if n == m[2] && i > 0 {
				q.addr = i
			}
		}
		if !(q.proto == qDefault && m[1] != "" || q.addr == qDefault && m[2] != "") {
			ea := linkParseMAC(m[3])
			return func(c *compiler) *block { return c.genEcode(ea, q) }, true
		}
	}
	if m := linkReMAC48.FindStringSubmatch(expr); m != nil {
		dir := linkDirNames[m[2]]
		ea := linkParseMAC(m[4])
		return func(c *compiler) *block { return c.genEcode(ea, qual{addr: qHost, proto: qLink, dir: dir}) }, true
	}
	if m := linkReMAC8.FindStringSubmatch(expr); m != nil {
		dir := linkDirNames[m[1]]
		a := m[3]
		return func(c *compiler) *block { return c.genAcode(a, qual{addr: qHost, proto: qLink, dir: dir}) }, true
	}
	if m := linkReLlcSub.FindStringSubmatch(expr); m != nil {
		v, ok := linkLlcSubtypes[m[2]]
		if !ok {
			return nil, false
		}
		if m[1] == "s" {
			return func(c *compiler) *block { return c.genLlcSSubtype(v) }, true
		}
		return func(c *compiler) *block { return c.genLlcUSubtype(v) }, true
	}
	// "lane and X": LANE switches the link type for X. (Other "and"s
	// need genAnd's constant folding, which ir.go does not do yet.)
	if l, r, found := strings.Cut(expr, " and "); found && l == "lane" {
		g0, ok0 := linkTestGen(l)
		g1, ok1 := linkTestGen(r)
		if ok0 && ok1 {
			return func(c *compiler) *block {
				b0 := g0(c)
				b1 := g1(c)
				c.genAnd(b0, b1)
				return b1
			}, true
		}
	}
	switch expr {
	case "lane":
		return func(c *compiler) *block { return c.genAtmtypeAbbrev(aLANE) }, true
	case "llc":
		return (*compiler).genLlc, true
	case "llc i":
		return (*compiler).genLlcI, true
	case "llc s":
		return (*compiler).genLlcS, true
	case "llc u":
		return (*compiler).genLlcU, true
	case "link broadcast", "ether broadcast", "broadcast", "fddi broadcast", "tr broadcast", "wlan broadcast":
		return (*compiler).genLinkBroadcast, true
	case "link multicast", "ether multicast", "multicast", "fddi multicast", "tr multicast", "wlan multicast":
		return (*compiler).genLinkMulticast, true
	}
	return nil, false
}

// linkTestCompile compiles one primitive the way Compile does, without
// optimising, and lays the graph out.
func linkTestCompile(gen func(c *compiler) *block, o Options) (prog []bpf.Insn, err error) {
	c := &compiler{opts: o}
	defer func() {
		if r := recover(); r != nil {
			ce, ok := r.(compileError)
			if !ok {
				panic(r)
			}
			prog, err = nil, ce
		}
	}()
	c.initLinktype()
	b := gen(c)
	root := c.finish(b)
	return linkTestLinearize(root)
}

func linkDLTValue(name string) int {
	for v, n := range masterOnlyDLTs {
		if n[0] == name {
			return v
		}
	}
	return tables.DLTFromName(name)
}

func TestLinkVectors(t *testing.T) {
	data, err := os.ReadFile(linkVectorsPath)
	if err != nil {
		t.Skip("no vectors:", err)
	}
	var vs []linkVector
	if err := json.Unmarshal(data, &vs); err != nil {
		t.Fatal(err)
	}
	var pass, fail, rpass, rfail int
	perDLT := map[string][2]int{}
	for _, v := range vs {
		if (v.Kind != "accept" || v.Optimize != 0) && v.Kind != "reject" {
			continue
		}
		gen, ok := linkTestGen(v.Expr)
		if !ok || v.DLT == "" || v.Expected == "expression rejects all packets" {
			continue // the optimiser's verdict
		}
		o := Options{DLT: linkDLTValue(v.DLT), Snaplen: 262144, Netmask: 0xffffffff}
		if v.Snaplen != nil {
			o.Snaplen = *v.Snaplen
		}
		if v.Offline != "" {
			o.Savefile = true
			o.Swapped = v.Offline == "swapped"
		}
		prog, err := linkTestCompile(gen, o)
		if v.Kind == "reject" {
			if err != nil && strings.Contains(err.Error(), v.Expected) {
				rpass++
			} else {
				rfail++
				t.Errorf("reject %s %q: want error %q, got %v", v.DLT, v.Expr, v.Expected, err)
			}
			continue
		}
		p := perDLT[v.DLT]
		var got string
		if err != nil {
			got = "ERROR: " + err.Error() + "\n"
		} else {
			got = bpf.Dump(prog)
		}
		if linkNormImage(got) == linkNormImage(v.Expected) {
			pass++
			p[0]++
		} else {
			fail++
			t.Errorf("accept %s %q (offline %q):\nwant:\n%s\ngot:\n%s", v.DLT, v.Expr, v.Offline, v.Expected, got)
		}
		p[1]++
		perDLT[v.DLT] = p
	}
	t.Logf("accept (optimize 0): %d/%d pass; reject: %d/%d pass", pass, pass+fail, rpass, rpass+rfail)
	for d, p := range perDLT {
		t.Logf("  %-24s %d/%d", d, p[0], p[1])
	}
}

func linkNormImage(s string) string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		out = append(out, strings.TrimRight(l, " \t"))
	}
	return strings.Join(out, "\n")
}
