package filter

import (
	"os"
	"strings"
	"testing"

	"github.com/pcapshim/pcapshim/core/bpf"
)

// The expected programs below are what libpcap prints (bpf_dump) for the
// equivalent expressions on DLT_EN10MB; the graphs are built by hand the
// way libpcap's code generators build them.

func testCompiler() *compiler {
	c := &compiler{opts: Options{DLT: 1, Snaplen: 262144, Netmask: 0xffffffff}}
	c.initLinktype()
	return c
}

// etherType is "ether proto T" for T > 1500: ldh [12]; jeq #T.
func etherType(c *compiler, t uint32) *block { return c.genCmp(orPacket, 12, bpf.H, t) }

// byteEq is "ether[off] = v" as libpcap's arithmetic generators build it.
func byteEq(c *compiler, off, v uint32) *block {
	st := func(code uint16, k uint32) *slist { return c.newStmt(code, k) }
	s := st(bpf.LD|bpf.IMM, off)
	for _, x := range []*slist{
		st(bpf.ST, 0), st(bpf.LDX|bpf.MEM, 0), st(bpf.LD|bpf.IND|bpf.B, 0), st(bpf.ST, 1),
		st(bpf.LD|bpf.IMM, v), st(bpf.ST, 2), st(bpf.LDX|bpf.MEM, 2), st(bpf.LD|bpf.MEM, 1),
		st(bpf.ALU|bpf.SUB|bpf.X, 0),
	} {
		s = sappend(s, x)
	}
	return c.jmpBlock(bpf.JEQ, 0, s)
}

// compileGraph finishes expression b and returns the program's image,
// or the error text.
func compileGraph(c *compiler, b *block, optimize bool) (out string) {
	defer func() {
		if r := recover(); r != nil {
			ce, ok := r.(compileError)
			if !ok {
				panic(r)
			}
			out = "ERROR: " + ce.msg + "\n"
		}
	}()
	root := c.finish(b)
	if optimize {
		root = c.optimizeGraph(root)
		if root.s.code == bpf.RET|bpf.K && root.s.k == 0 {
			c.fail("expression rejects all packets")
		}
	}
	return trimLines(bpf.Dump(c.emit(root)))
}

// trimLines drops trailing blanks from every line (libpcap's image of an
// operand-less instruction ends in blanks; the expected texts do not).
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

type graphCase struct {
	name  string
	build func(c *compiler) *block
	want  [2]string // unoptimised, optimised
}

var graphCases = []graphCase{
	{
		name:  "ip",
		build: func(c *compiler) *block { return etherType(c, 0x800) },
		want: [2]string{`(000) ldh      [12]
(001) jeq      #0x800           jt 2	jf 3
(002) ret      #262144
(003) ret      #0
`, `(000) ldh      [12]
(001) jeq      #0x800           jt 2	jf 3
(002) ret      #262144
(003) ret      #0
`},
	},
	{
		name: "not ip",
		build: func(c *compiler) *block {
			b := etherType(c, 0x800)
			c.genNot(b)
			return b
		},
		want: [2]string{`(000) ldh      [12]
(001) jeq      #0x800           jt 2	jf 3
(002) ret      #0
(003) ret      #262144
`, `(000) ldh      [12]
(001) jeq      #0x800           jt 2	jf 3
(002) ret      #0
(003) ret      #262144
`},
	},
	{
		name: "ip or arp and rarp",
		build: func(c *compiler) *block {
			a, b := etherType(c, 0x800), etherType(c, 0x806)
			c.genOr(a, b)
			r := etherType(c, 0x8035)
			c.genAnd(b, r)
			return r
		},
		want: [2]string{`(000) ldh      [12]
(001) jeq      #0x800           jt 4	jf 2
(002) ldh      [12]
(003) jeq      #0x806           jt 4	jf 7
(004) ldh      [12]
(005) jeq      #0x8035          jt 6	jf 7
(006) ret      #262144
(007) ret      #0
`, "ERROR: expression rejects all packets\n"},
	},
	{
		name: "ip and ip",
		build: func(c *compiler) *block {
			a, b := etherType(c, 0x800), etherType(c, 0x800)
			c.genAnd(a, b)
			return b
		},
		want: [2]string{`(000) ldh      [12]
(001) jeq      #0x800           jt 2	jf 5
(002) ldh      [12]
(003) jeq      #0x800           jt 4	jf 5
(004) ret      #262144
(005) ret      #0
`, `(000) ldh      [12]
(001) jeq      #0x800           jt 2	jf 3
(002) ret      #262144
(003) ret      #0
`},
	},
	{
		name: "ip or arp or ip",
		build: func(c *compiler) *block {
			a, b := etherType(c, 0x800), etherType(c, 0x806)
			c.genOr(a, b)
			d := etherType(c, 0x800)
			c.genOr(b, d)
			return d
		},
		want: [2]string{`(000) ldh      [12]
(001) jeq      #0x800           jt 6	jf 2
(002) ldh      [12]
(003) jeq      #0x806           jt 6	jf 4
(004) ldh      [12]
(005) jeq      #0x800           jt 6	jf 7
(006) ret      #262144
(007) ret      #0
`, `(000) ldh      [12]
(001) jeq      #0x800           jt 3	jf 2
(002) jeq      #0x806           jt 3	jf 4
(003) ret      #262144
(004) ret      #0
`},
	},
	{
		name: "(ip or arp) and ether[23] = 6",
		build: func(c *compiler) *block {
			a, b := etherType(c, 0x800), etherType(c, 0x806)
			c.genOr(a, b)
			d := byteEq(c, 23, 6)
			c.genAnd(b, d)
			return d
		},
		want: [2]string{`(000) ldh      [12]
(001) jeq      #0x800           jt 4	jf 2
(002) ldh      [12]
(003) jeq      #0x806           jt 4	jf 16
(004) ld       #0x17
(005) st       M[0]
(006) ldx      M[0]
(007) ldb      [x + 0]
(008) st       M[1]
(009) ld       #0x6
(010) st       M[2]
(011) ldx      M[2]
(012) ld       M[1]
(013) sub      x
(014) jeq      #0x0             jt 15	jf 16
(015) ret      #262144
(016) ret      #0
`, `(000) ldh      [12]
(001) jeq      #0x800           jt 3	jf 2
(002) jeq      #0x806           jt 3	jf 6
(003) ldb      [23]
(004) jeq      #0x6             jt 5	jf 6
(005) ret      #262144
(006) ret      #0
`},
	},
	{
		name: "0x1001 or 0x1002 and not 0x1001",
		build: func(c *compiler) *block {
			a, b := etherType(c, 0x1001), etherType(c, 0x1002)
			c.genOr(a, b)
			d := etherType(c, 0x1001)
			c.genNot(d)
			c.genAnd(b, d)
			return d
		},
		want: [2]string{`(000) ldh      [12]
(001) jeq      #0x1001          jt 4	jf 2
(002) ldh      [12]
(003) jeq      #0x1002          jt 4	jf 7
(004) ldh      [12]
(005) jeq      #0x1001          jt 7	jf 6
(006) ret      #262144
(007) ret      #0
`, `(000) ldh      [12]
(001) jeq      #0x1001          jt 4	jf 2
(002) jeq      #0x1002          jt 3	jf 4
(003) ret      #262144
(004) ret      #0
`},
	},
}

// orChain is "ether proto 0x1001 or ... " with n terms.
func orChain(c *compiler, n int) *block {
	b := etherType(c, 0x1001)
	for i := 1; i < n; i++ {
		t := etherType(c, 0x1001+uint32(i))
		c.genOr(b, t)
		b = t
	}
	return b
}

func TestGraphCases(t *testing.T) {
	for _, tc := range graphCases {
		for o := 0; o < 2; o++ {
			c := testCompiler()
			got := compileGraph(c, tc.build(c), o == 1)
			if got != tc.want[o] {
				t.Errorf("%s -O%d:\ngot:\n%swant:\n%s", tc.name, o, got, tc.want[o])
			}
		}
	}
}

// TestLongJumps checks the extra "ja" instructions of branches further
// than 255 instructions, against libpcap's output.
func TestLongJumps(t *testing.T) {
	for _, tc := range []struct {
		file string
		n    int
		opt  bool
	}{
		{"or140_O0", 140, false},
		{"or300_O0", 300, false},
		{"or300_O1", 300, true},
	} {
		want, err := os.ReadFile("testdata/opt/" + tc.file + ".txt")
		if err != nil {
			t.Fatal(err)
		}
		c := testCompiler()
		got := compileGraph(c, orChain(c, tc.n), tc.opt)
		if got != string(want) {
			t.Errorf("%s: differs from libpcap\n%s", tc.file, firstDiff(got, string(want)))
		}
	}
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "got:  " + gl + "\nwant: " + wl
		}
	}
	return ""
}

// TestListJumps checks jumps inside a statement list: relative offsets to
// later nodes, and "ja" copied as is. (Unoptimised: as in libpcap, the
// generators whose lists the optimiser would break set noOptimize.)
func TestListJumps(t *testing.T) {
	c := testCompiler()
	s0 := c.newStmt(bpf.LD|bpf.W|bpf.ABS, 0)
	j := c.newStmt(bpf.JMP|bpf.JEQ|bpf.K, 0x80211000)
	s2 := c.newStmt(bpf.LD|bpf.W|bpf.ABS, 4)
	ja := c.newStmt(bpf.JMP|bpf.JA, 1)
	s4 := c.newStmt(bpf.LD|bpf.IMM, 0x90)
	s5 := c.newStmt(bpf.ST, 0)
	s6 := c.newStmt(bpf.MISC|bpf.TAX, 0)
	j.s.jt, j.s.jf = s2, s4
	list := s0
	for _, s := range []*slist{j, s2, ja, s4, s5, s6} {
		list = sappend(list, s)
	}
	b := etherType(c, 0x800)
	b.stmts = sappend(list, b.stmts)
	got := compileGraph(c, b, false)
	want := `(000) ld       [0]
(001) jeq      #0x80211000      jt 2	jf 4
(002) ld       [4]
(003) ja       5
(004) ld       #0x90
(005) st       M[0]
(006) tax
(007) ldh      [12]
(008) jeq      #0x800           jt 9	jf 10
(009) ret      #262144
(010) ret      #0
`
	if got != want {
		t.Errorf("got:\n%swant:\n%s", got, want)
	}
}
