package filter

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/core/bpf"
	"github.com/pcapshim/pcapshim/test/conformance/vectors"
)

// graphFromProgram rebuilds the block graph of an unoptimised libpcap
// program: every conditional jump or return ends a block, the "ja"s
// libpcap adds after far branches are followed, and a shared block was
// laid out once so it becomes one block again. ok is false for programs
// with jumps inside statement lists.
func graphFromProgram(c *compiler, prog []bpf.Insn) (root *block, ok bool) {
	blocks := map[int]*block{}
	isJA := func(pc int) bool { return pc < len(prog) && prog[pc].Code == bpf.JMP|bpf.JA }
	var build func(pc int) *block
	failed := false
	build = func(pc int) *block {
		if b, done := blocks[pc]; done {
			return b
		}
		if pc >= len(prog) || isJA(pc) {
			failed = true
			return c.retBlock(0)
		}
		var stmts *slist
		end := pc
		for ; end < len(prog); end++ {
			cl := bpf.Class(prog[end].Code)
			if cl == bpf.RET || (cl == bpf.JMP && prog[end].Code != bpf.JMP|bpf.JA) {
				break
			}
			if cl == bpf.JMP {
				failed = true
			}
			stmts = sappend(stmts, c.newStmt(prog[end].Code, prog[end].K))
		}
		if end >= len(prog) {
			failed = true
			return c.retBlock(0)
		}
		ins := prog[end]
		b := c.newBlock(ins.Code, ins.K)
		b.stmts = stmts
		blocks[pc] = b
		if bpf.Class(ins.Code) == bpf.RET {
			return b
		}
		target := func(off uint8) int {
			t := end + 1 + int(off)
			if isJA(t) && t <= end+2 {
				t = t + 1 + int(prog[t].K)
			}
			return t
		}
		b.jt = build(target(ins.JT))
		b.jf = build(target(ins.JF))
		return b
	}
	root = build(0)
	return root, !failed
}

type vecKey struct {
	expr, dlt, offline string
	linuxExt           bool
	snaplen            uint32
	netmask            string
}

// TestOptimiseLibpcapGraphs takes libpcap's unoptimised programs from the
// conformance vectors, rebuilds their block graphs, optimises them and
// compares with libpcap's optimised program for the same case. This
// checks the optimiser without the parser and the code generators.
func TestOptimiseLibpcapGraphs(t *testing.T) {
	shared, ok := vectors.SharedDir()
	if !ok {
		t.Skip("conformance vectors not found")
	}
	cases, err := vectors.Load(shared)
	if err != nil {
		t.Fatal(err)
	}
	key := func(c *vectors.Case) vecKey {
		k := vecKey{expr: c.Expr, dlt: c.DLT, offline: c.Offline, snaplen: c.SnaplenOr262144(), linuxExt: c.NeedsLinuxExt()}
		if c.Netmask != nil {
			k.netmask = *c.Netmask
		}
		return k
	}
	unopt := map[vecKey]*vectors.Case{}
	for i := range cases {
		c := &cases[i]
		if c.Kind == "accept" && c.Optimize == 0 {
			unopt[key(c)] = c
		}
	}
	var total, identical, equal, skipped, unoptimised int
	var report []string
	for i := range cases {
		want := &cases[i]
		if want.Kind != "accept" || want.Optimize != 1 {
			continue
		}
		src := unopt[key(want)]
		// geneve and protochain turn the optimiser off (their statement
		// lists have jumps the rebuilt graph cannot tell from branches).
		if src == nil || strings.Contains(want.Expr, "geneve") || strings.Contains(want.Expr, "protochain") {
			skipped++
			continue
		}
		in, err1 := bpf.ParseImage(src.Expected)
		exp, err2 := bpf.ParseImage(want.Expected)
		if err1 != nil || err2 != nil {
			skipped++
			continue
		}
		c := testCompiler()
		root, ok := graphFromProgram(c, in)
		if !ok {
			skipped++
			continue
		}
		total++
		got, err := optimiseAndEmit(c, root)
		if err != nil {
			report = append(report, fmt.Sprintf("%s [%s]: %v", want.Label, want.Expr, err))
			continue
		}
		if sameProgram(got, exp) {
			identical++
			equal++
			continue
		}
		if src.Expected == want.Expected {
			// libpcap left the program alone: its statement lists
			// have jumps (802.11 and radio header prologues), which
			// the rebuilt graph shows as branches.
			unoptimised++
			total--
			continue
		}
		res := bpf.Equivalent(exp, got, bpf.EquivConfig{MaxTime: 50 * time.Millisecond})
		if res.Equal {
			equal++
		}
		report = append(report, fmt.Sprintf("%s [%s] equal=%v:\n--- libpcap\n%s--- ours\n%s",
			want.Label, want.Expr, res.Equal, want.Expected, bpf.Dump(got)))
	}
	sort.Strings(report)
	_ = os.WriteFile("/tmp/opt-graph-failures.txt", []byte(strings.Join(report, "\n")), 0o644)
	t.Logf("optimised libpcap graphs: %d cases (%d skipped, %d that libpcap does not optimise): bytecode-identical %d (%.1f%%), semantically equal %d (%.1f%%); differences in /tmp/opt-graph-failures.txt",
		total, skipped, unoptimised, identical, pct(identical, total), equal, pct(equal, total))
	if equal != total {
		t.Errorf("%d optimised programs differ in meaning from libpcap's", total-equal)
	}
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

func sameProgram(a, b []bpf.Insn) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// optimiseAndEmit optimises the graph at root and emits it, returning
// a compile error as an error.
func optimiseAndEmit(c *compiler, root *block) (prog []bpf.Insn, err error) {
	defer func() {
		if r := recover(); r != nil {
			ce, ok := r.(compileError)
			if !ok {
				panic(r)
			}
			err = ce
		}
	}()
	root = c.optimizeGraph(root)
	if root.s.code == bpf.RET|bpf.K && root.s.k == 0 {
		c.fail("expression rejects all packets")
	}
	return c.emit(root), nil
}

// TestEmitLibpcapGraphs rebuilds the block graphs of libpcap's
// unoptimised programs and checks that emitting them gives the same
// programs back: block order, shared blocks, long jumps.
func TestEmitLibpcapGraphs(t *testing.T) {
	shared, ok := vectors.SharedDir()
	if !ok {
		t.Skip("conformance vectors not found")
	}
	cases, err := vectors.Load(shared)
	if err != nil {
		t.Fatal(err)
	}
	var total, identical int
	for i := range cases {
		v := &cases[i]
		if v.Kind != "accept" || v.Optimize != 0 || hasListJumpPrologue(v) {
			continue
		}
		in, err := bpf.ParseImage(v.Expected)
		if err != nil {
			continue
		}
		c := testCompiler()
		root, ok := graphFromProgram(c, in)
		if !ok {
			continue
		}
		total++
		if got := c.emit(root); sameProgram(got, in) {
			identical++
		} else if total-identical <= 5 {
			t.Errorf("%s [%s]:\n%s", v.Label, v.Expr, firstDiff(trimLines(bpf.Dump(got)), v.Expected))
		}
	}
	t.Logf("re-emitted libpcap graphs: %d/%d identical", identical, total)
}

// hasListJumpPrologue reports whether a case's program may have jumps
// inside statement lists (802.11 header length prologues, geneve,
// protochain), which the graph rebuilt from the program shows as
// branches.
func hasListJumpPrologue(v *vectors.Case) bool {
	switch v.DLT {
	case "IEEE802_11", "IEEE802_11_RADIO", "IEEE802_11_RADIO_AVS", "PRISM_HEADER", "PPI":
		return true
	}
	return strings.Contains(v.Expr, "geneve") || strings.Contains(v.Expr, "protochain")
}

// TestOptimiseRandomExpressions checks that optimising never changes
// what a program accepts, on random and/or/not combinations of tests on
// a few overlapping packet fields.
func TestOptimiseRandomExpressions(t *testing.T) {
	rng := uint64(1)
	next := func(n int) int {
		rng ^= rng << 13
		rng ^= rng >> 7
		rng ^= rng << 17
		return int(rng % uint64(n))
	}
	var gen func(c *compiler, depth int) *block
	gen = func(c *compiler, depth int) *block {
		if depth == 0 || next(3) == 0 {
			off := uint32(12 + next(3))
			v := uint32(next(3))
			switch next(5) {
			case 0:
				return c.genCmp(orPacket, off, bpf.B, v)
			case 1:
				return c.genCmpGt(orPacket, off, bpf.B, v)
			case 2:
				return c.genMcmp(orPacket, off, bpf.B, 0, uint32(1+next(3)))
			case 3:
				return c.genCmpLe(orPacket, off, bpf.B, v)
			default:
				return byteEq(c, off, v)
			}
		}
		a := gen(c, depth-1)
		b := gen(c, depth-1)
		switch next(3) {
		case 0:
			c.genAnd(a, b)
		case 1:
			c.genOr(a, b)
		default:
			c.genNot(b)
			c.genOr(a, b)
		}
		if next(4) == 0 {
			c.genNot(b)
		}
		return b
	}
	for i := 0; i < randomCases; i++ {
		seed := rng
		c0 := testCompiler()
		prog0 := c0.emit(c0.finish(gen(c0, 4)))
		rng = seed
		c1 := testCompiler()
		root := c1.finish(gen(c1, 4))
		prog1, err := optimiseAndEmit(c1, root)
		if err != nil {
			// Rejecting everything must be right.
			prog1 = []bpf.Insn{{Code: bpf.RET | bpf.K, K: 0}}
		}
		// Like libpcap's, the optimiser may drop loads whose outcome
		// does not matter, so a packet too short for them is no longer
		// rejected: compare on packets long enough.
		res := bpf.Equivalent(longOnly(prog0), longOnly(prog1), bpf.EquivConfig{MaxTime: 100 * time.Millisecond})
		if !res.Equal {
			t.Fatalf("case %d: optimised program differs on %x (%d vs %d)\n--- unoptimised\n%s--- optimised\n%s", i, res.Witness.Data, res.RetA, res.RetB, bpf.Dump(prog0), bpf.Dump(prog1))
		}
	}
}

// TestOptimiseLargeProgram bounds the optimiser's time on a long chain.
func TestOptimiseLargeProgram(t *testing.T) {
	c := testCompiler()
	start := time.Now()
	prog, err := optimiseAndEmit(c, c.finish(orChain(c, 2000)))
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("2000-term chain took %v", d)
	}
	if len(prog) < 2001 {
		t.Errorf("program of %d instructions is too short", len(prog))
	}
}

// longOnly prefixes prog with a check that rejects packets shorter than
// 64 bytes.
func longOnly(prog []bpf.Insn) []bpf.Insn {
	// Loading beyond the captured bytes ends the program with 0.
	return append([]bpf.Insn{{Code: bpf.LD | bpf.B | bpf.ABS, K: 63}}, prog...)
}

// randomCases is the number of random expressions TestOptimiseRandomExpressions tries.
var randomCases = 2000

// TestSwappedEdgeDominators: "type mgt and subtype beacon and type mgt"
// on 802.11, where libpcap 1.10 rejects every packet (a peephole rule
// swaps the first test's edges while edge dominators still describe the
// old ones).
func TestSwappedEdgeDominators(t *testing.T) {
	build := func(c *compiler) *block {
		a := c.genMcmp(orPacket, 0, bpf.B, 0, 0x0c)
		b := c.genMcmp(orPacket, 0, bpf.B, 0x80, 0xfc)
		c.genAnd(a, b)
		d := c.genMcmp(orPacket, 0, bpf.B, 0, 0x0c)
		c.genAnd(b, d)
		return d
	}
	c := testCompiler()
	got := compileGraph(c, build(c), true)
	want := `(000) ldb      [0]
(001) jset     #0xc             jt 5	jf 2
(002) and      #0xfc
(003) jeq      #0x80            jt 4	jf 5
(004) ret      #262144
(005) ret      #0
`
	if got != want {
		t.Errorf("got:\n%swant:\n%s", got, want)
	}
}
