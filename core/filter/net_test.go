package filter

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/core/bpf"
	"github.com/pcapshim/pcapshim/test/conformance/vectors"
)

// A small stand-in for the grammar, enough for single primitives
// "[proto] [dir] [type] ID", protocol abbreviations, "PROTO[N(:S)] == V",
// "less"/"greater", "[ip|ip6] broadcast|multicast", so that the address
// and protocol generators can be checked against libpcap master's vectors
// without the real parser. ok is false for expressions it does not know.

var netTestProtos = map[string]int{
	"ether": qLink, "fddi": qLink, "tr": qLink, "wlan": qLink, "ppp": qLink, "slip": qLink,
}

func init() {
	for i, n := range protoNames {
		if n != "" {
			netTestProtos[n] = i
		}
	}
}

var netTestDirs = map[string]int{
	"src": qSrc, "dst": qDst, "addr1": qAddr1, "addr2": qAddr2, "addr3": qAddr3,
	"addr4": qAddr4, "ra": qRA, "ta": qTA,
}

var netTestAddrs = map[string]int{
	"host": qHost, "net": qNet, "port": qPort, "portrange": qPortrange,
	"gateway": qGateway, "proto": qProto, "protochain": qProtochain,
}

var (
	reHID   = regexp.MustCompile(`^[0-9]+(\.[0-9]+){1,3}$`)
	reIndex = regexp.MustCompile(`^([a-z0-9]+)\[([0-9a-fx]+)(?::([0-9]+))?\] *(==|=) *([0-9a-fx]+)$`)
	reNum   = regexp.MustCompile(`^(0[xX][0-9a-fA-F]+|[0-9]+)$`)
)

func netTestNum(s string) (uint32, bool) {
	v, res, _ := parseCNumber(s)
	return v, res == numOK
}

func (c *compiler) netTestParse(expr string) (b *block, ok bool) {
	if m := reIndex.FindStringSubmatch(expr); m != nil {
		p, okp := netTestProtos[m[1]]
		if !okp {
			return nil, false
		}
		idx, _ := netTestNum(m[2])
		size := uint32(1)
		if m[3] != "" {
			s, _ := strconv.Atoi(m[3])
			size = uint32(s)
		}
		v, _ := netTestNum(m[5])
		a := c.genLoad(p, c.genLoadi(idx), size)
		return c.genRelation(bpf.JEQ, a, c.genLoadi(v), false), true
	}
	f := strings.Fields(expr)
	if len(f) == 2 && (f[0] == "less" || f[0] == "greater") {
		n, okn := netTestNum(f[1])
		if !okn {
			return nil, false
		}
		if f[0] == "less" {
			return c.genLess(n), true
		}
		return c.genGreater(n), true
	}
	q := qual{}
	i := 0
	if i < len(f) {
		if p, okp := netTestProtos[f[i]]; okp {
			q.proto = p
			i++
		}
	}
	if i == len(f) {
		if q.proto == qDefault {
			return nil, false
		}
		return c.genProtoAbbrev(q.proto), true
	}
	if f[i] == "broadcast" || f[i] == "multicast" {
		if i+1 != len(f) {
			return nil, false
		}
		if f[i] == "broadcast" {
			return c.genBroadcast(q.proto), true
		}
		return c.genMulticast(q.proto), true
	}
	if d, okd := netTestDirs[f[i]]; okd {
		q.dir = d
		i++
		if i+1 < len(f) && (f[i] == "or" || f[i] == "and") {
			if _, ok2 := netTestDirs[f[i+1]]; ok2 {
				q.dir = qOr
				if f[i] == "and" {
					q.dir = qAnd
				}
				i += 2
			}
		}
	}
	if i < len(f) {
		if a, oka := netTestAddrs[f[i]]; oka {
			q.addr = a
			i++
		}
	}
	rest := f[i:]
	switch {
	case len(rest) == 3 && rest[1] == "mask" && reHID.MatchString(rest[0]) && reHID.MatchString(rest[2]):
		return c.genMcode(rest[0], rest[2], 0, q), true
	case len(rest) != 1:
		return nil, false
	}
	id := rest[0]
	if strings.Contains(id, ":") {
		s, ml := id, uint32(128)
		if j := strings.IndexByte(id, '/'); j >= 0 {
			s = id[:j]
			n, err := strconv.Atoi(id[j+1:])
			if err != nil {
				return nil, false
			}
			ml = uint32(n)
		}
		if ip, err := netip.ParseAddr(s); err == nil && ip.Is6() {
			return c.genMcode6(s, ml, q), true
		}
		return nil, false
	}
	if j := strings.IndexByte(id, '/'); j >= 0 {
		n, err := strconv.Atoi(id[j+1:])
		if err != nil || !(reHID.MatchString(id[:j]) || reNum.MatchString(id[:j])) {
			return nil, false
		}
		if !reHID.MatchString(id[:j]) {
			return nil, false
		}
		return c.genMcode(id[:j], "", uint32(n), q), true
	}
	if reHID.MatchString(id) {
		return c.genNcode(id, 0, q), true
	}
	if v, res, _ := parseCNumber(id); res == numOK {
		return c.genNcode("", v, q), true
	}
	if q == (qual{}) || strings.HasPrefix(id, "$") || strings.Count(id, ":") > 0 {
		return nil, false
	}
	return c.genScode(strings.TrimPrefix(id, "\\"), q), true
}

// netTestCompile compiles expr with the stand-in grammar, unoptimised.
func netTestCompile(expr string, o Options) (prog []bpf.Insn, known bool, err error) {
	c := &compiler{opts: o}
	defer func() {
		if r := recover(); r != nil {
			ce, ok := r.(compileError)
			if !ok {
				panic(r)
			}
			prog, known, err = nil, true, ce
		}
	}()
	c.initLinktype()
	b, ok := c.netTestParse(expr)
	if !ok {
		return nil, false, nil
	}
	root := c.finish(b)
	if o.Optimize && !c.noOptimize {
		root = c.optimizeGraph(root)
		if root == nil || (root.s.code == bpf.RET|bpf.K && root.s.k == 0) {
			c.fail("expression rejects all packets")
		}
	}
	return c.emit(root), true, nil
}

// TestNetVectors checks the unoptimised accept vectors and the reject
// vectors the stand-in grammar can parse. Set NETVEC_VERBOSE=1 to list
// the differences.
func TestNetVectors(t *testing.T) {
	shared, ok := vectors.SharedDir()
	if !ok {
		t.Skip("no vectors")
	}
	cases, err := vectors.Load(shared)
	if err != nil {
		t.Fatal(err)
	}
	verbose := os.Getenv("NETVEC_VERBOSE") != ""
	only := os.Getenv("NETVEC_MATCH")
	var accTotal, accSame, rejTotal, rejSame int
	for i := range cases {
		cs := &cases[i]
		if only != "" && !strings.Contains(cs.Expr, only) {
			continue
		}
		if cs.Kind != "accept" && cs.Kind != "reject" {
			continue
		}
		if cs.Kind == "accept" && (cs.Optimize != 0 && os.Getenv("NETVEC_OPT") == "" || cs.NeedsLinuxExt()) {
			continue
		}
		dlt := vectors.DLTValue(cs.DLT)
		if dlt < 0 || cs.Expr == "" {
			continue
		}
		mask, err := cs.NetmaskValue()
		if err != nil {
			continue
		}
		o := Options{Optimize: cs.Optimize != 0, DLT: dlt, Snaplen: cs.SnaplenOr262144(), Netmask: mask, Swapped: cs.Offline == "swapped"}
		t0 := time.Now()
		prog, known, err := func() (p []bpf.Insn, k bool, e error) {
			defer func() {
				if r := recover(); r != nil {
					e = fmt.Errorf("PANIC %v", r)
					k = true
				}
			}()
			return netTestCompile(cs.Expr, o)
		}()
		if d := time.Since(t0); d > 200*time.Millisecond {
			t.Logf("SLOW %v %s %q", d, cs.DLT, cs.Expr)
		}
		if !known {
			continue
		}
		if cs.Kind == "reject" {
			rejTotal++
			if err != nil && strings.Contains(err.Error(), cs.Expected) {
				rejSame++
			} else if verbose {
				got := "ACCEPTED"
				if err != nil {
					got = err.Error()
				}
				t.Logf("REJECT %s %q: want %q, got %q", cs.DLT, cs.Expr, cs.Expected, got)
			}
			continue
		}
		accTotal++
		if err != nil {
			if verbose {
				t.Logf("ACCEPT %s %q: error %v", cs.DLT, cs.Expr, err)
			}
			continue
		}
		want, perr := bpf.ParseImage(cs.Expected)
		if perr == nil && len(want) == len(prog) && func() bool {
			for j := range want {
				if want[j] != prog[j] {
					return false
				}
			}
			return true
		}() {
			accSame++
		} else if verbose {
			t.Logf("ACCEPT %s %q differs:\nwant:\n%s\ngot:\n%s", cs.DLT, cs.Expr, cs.Expected, bpf.Dump(prog))
		}
	}
	t.Logf("accept (unoptimised, stand-in grammar): %d/%d identical; reject: %d/%d with master's text",
		accSame, accTotal, rejSame, rejTotal)
}

func TestNetNames(t *testing.T) {
	if v, n := atoin("10.1"); v != 0x0a01 || n != 16 {
		t.Errorf("atoin(10.1) = %#x, %d", v, n)
	}
	if _, n := atoin("12.500"); n != -1 {
		t.Errorf("atoin(12.500) bits %d", n)
	}
	if v, ok := atodn("063.01023"); !ok || v != 63<<10|1023 {
		t.Errorf("atodn = %#x %v", v, ok)
	}
	for _, s := range []string{"64.120", "17.1024", "1.2.3", "1"} {
		if _, ok := atodn(s); ok {
			t.Errorf("atodn(%q) accepted", s)
		}
	}
	cases := []struct {
		s   string
		v   uint32
		res numResult
		msg string
	}{
		{"25", 25, numOK, ""},
		{"0x19", 25, numOK, ""},
		{"031", 25, numOK, ""},
		{"smtp", 0, numNotANumber, ""},
		{"08", 0, numError, "number 08 contains non-octal digit"},
		{"4294967296", 0, numError, "decimal number 4294967296 overflows 32 bits"},
		{"003777777777778", 0, numError, "octal number 003777777777778 overflows 32 bits"},
		{"0x100000000", 0, numError, "hexadecimal number 0x100000000 overflows 32 bits"},
	}
	for _, tc := range cases {
		v, res, msg := parseCNumber(tc.s)
		if v != tc.v || res != tc.res || msg != tc.msg {
			t.Errorf("parseCNumber(%q) = %d %d %q", tc.s, v, res, msg)
		}
	}
	if p, proto, ok := lookupPort("smtp"); ok && (p != 25 || proto != ipprotoTCP) {
		t.Errorf("smtp = %d/%d", p, proto)
	}
	if p, proto, ok := lookupPort("domain"); ok && (p != 53 || proto != protoUndef) {
		t.Errorf("domain = %d/%d", p, proto)
	}
	if v := lookupProtocol("tcp"); v != 6 && v != protoUndef {
		t.Errorf("tcp = %d", v)
	}
	if v, ok := inetNetwork("10.1"); !ok || v != 0x0a01 {
		t.Errorf("inetNetwork(10.1) = %#x", v)
	}
}

// TestNetSysc compares the stand-in's unoptimised output with the system
// libpcap's for expressions where 1.10.3 and master agree; run with
// NETSYSC=1 (it needs /work/tools/sysc).
func TestNetSysc(t *testing.T) {
	if os.Getenv("NETSYSC") == "" {
		t.Skip("set NETSYSC=1")
	}
	exprs := []string{
		"net 10", "ip net 10.1", "src net 172.16", "host 10.1", "dst host 10.1.2",
		"net 10.0.0.0/8", "net 10.0.0.0 mask 255.0.0.0", "ip src net 192.168.1.0/24",
		"tcp port 80", "udp dst port 53", "port 53", "sctp src port 1",
		"portrange 1-1024", "udp portrange 1000-2000", "tcp dst portrange 2000-1000",
		"ip proto 47", "proto 47", "ip6 proto 17", "less 60", "greater 1500",
		"ip multicast", "ip6 multicast", "ip broadcast",
		"icmp", "igmp", "pim", "vrrp", "ah", "esp", "sctp", "tcp", "udp", "icmp6",
		"ip6 host ::1", "ip6 net 2001:db8::/32", "host ::ffff:1.2.3.4", "ip6 dst net fe80::/10",
		"iso", "esis", "isis", "clnp", "l1", "l2", "iih", "lsp", "snp", "csnp", "psnp",
		"ip protochain 6", "protochain 17", "ip6 protochain 58",
		"ip[0] == 69", "tcp[13] == 2", "udp[0:2] == 53", "icmp[0] == 8", "ip6[6] == 58",
		"arp[6:2] == 1", "link[0:4] == 1", "ether[12:2] == 0x800",
		"decnet src 1.2", "decnet dst host 63.1023",
		"host localhost", "ip host localhost", "net loopback",
		"port domain", "tcp port smtp", "udp portrange domain-100",
	}
	for _, dlt := range []string{"EN10MB", "RAW", "FDDI", "LINUX_SLL", "PPP", "NULL"} {
		for _, e := range exprs {
			for _, opt := range []string{"0", "1"} {
				out, _ := exec.Command("/work/tools/sysc", dlt, opt, e, "262144", "255.255.255.0").Output()
				want := strings.TrimSpace(string(out))
				o := Options{DLT: vectors.DLTValue(dlt), Snaplen: 262144, Netmask: 0xffffff00, Optimize: opt == "1"}
				prog, known, err := netTestCompile(e, o)
				if !known {
					t.Errorf("stand-in cannot parse %q", e)
					continue
				}
				got := ""
				if err != nil {
					got = "ERROR: " + err.Error()
				} else {
					got = strings.TrimSpace(bpf.Dump(prog))
				}
				norm := func(s string) string {
					var lines []string
					for _, l := range strings.Split(s, "\n") {
						if i := strings.Index(l, ";"); i >= 0 {
							l = l[:i]
						}
						lines = append(lines, strings.Join(strings.Fields(l), " "))
					}
					return strings.Join(lines, "\n")
				}
				if norm(want) != norm(got) {
					t.Logf("%s -O%s %q:\nsysc:\n%s\nours:\n%s", dlt, opt, e, want, got)
				}
			}
		}
	}
}
