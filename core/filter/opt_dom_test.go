package filter

import (
	"fmt"
	"strings"
	"testing"
)

// refDom is the bitset walk opt_dom.go replaces: every block starts
// with all bits, the root with none; going down the level lists, a
// block adds its own bit and intersects its set into its successors'.
func refDom(o *optimizer) map[*block]bitset {
	n := len(o.blocks)
	dom := make(map[*block]bitset, n)
	for _, b := range o.blocks {
		dom[b] = newBitset(n)
		dom[b].fill()
	}
	dom[o.root].clear()
	for l := o.root.opt.level; l >= 0; l-- {
		for _, b := range o.levels[l] {
			dom[b].add(b.opt.num)
			if b.jt == nil {
				continue
			}
			dom[b.jt].intersect(dom[b])
			dom[b.jf].intersect(dom[b])
		}
	}
	return dom
}

// TestDomMatchesBitsetWalk checks every dominator question the pullups
// ask against the bitset walk, on expressions whose pullups create
// backward edges.
func TestDomMatchesBitsetWalk(t *testing.T) {
	asked, backward := 0, 0
	checkDom = func(o *optimizer, j, x *block, got bool) {
		asked++
		if asked%5 != 1 {
			return
		}
	back:
		for v, ps := range o.dom.preds {
			for _, p := range ps {
				if o.dom.pos[p] > o.dom.pos[v] {
					backward++
					break back
				}
			}
		}
		// Ask about every pair now and then, not only this one.
		want := refDom(o)
		if asked%500 == 1 {
			for _, a := range o.blocks {
				for _, b := range o.blocks {
					if w := want[b].has(a.opt.num); o.inDomBit(a, b) != w {
						t.Fatalf("dom(%d) has %d: tree says %v, walk %v", b.opt.num, a.opt.num, !w, w)
					}
				}
			}
		}
		if w := want[x].has(j.opt.num); w != got {
			t.Fatalf("dom(%d) has %d: tree says %v, walk %v", x.opt.num, j.opt.num, got, w)
		}
	}
	defer func() { checkDom = nil }()
	var hosts []string
	for i := 0; i < 25; i++ {
		hosts = append(hosts, fmt.Sprintf("host 10.0.0.%d", i))
	}
	exprs := []string{
		strings.Join(hosts, " or "),
		strings.Join(hosts, " and not "),
		"(tcp port 80 or udp port 53) and not host 1.2.3.4 and (tcp port 22 or udp port 53) and not host 1.2.3.5",
		"ip[0] = 1 or ip[1] = 2 or tcp[0] = 3 or ip[0] = 4 or ip[1] = 5 or udp[2] = 6 or ip[0] = 7",
		"(ether[12] = 1 and ether[13] = 2) or (ether[14] = 3 and ether[12] = 1) or (ether[13] = 2 and ether[12] = 4)",
	}
	for _, e := range exprs {
		if _, err := Compile(e, Options{DLT: 1, Snaplen: 65535, Netmask: 0xffffffff, Optimize: true}); err != nil {
			t.Fatalf("%s: %v", e, err)
		}
	}
	if asked == 0 || backward == 0 {
		t.Fatalf("%d dominator questions asked, %d checked with backward edges", asked, backward)
	}
	t.Logf("%d questions, %d checked with backward edges", asked, backward)
}

// TestDecideMatchesWalk checks the indexed search for the edge deciding
// a test against a walk over all the edge's dominators.
func TestDecideMatchesWalk(t *testing.T) {
	asked, decided := 0, 0
	checkDecide = func(o *optimizer, e *edge, child, got *block) {
		asked++
		if got != nil {
			decided++
		}
		if want := o.decideSlow(e, child); want != got {
			t.Fatalf("edge %d to block %d: indexed search says %p, walk %p", e.id, child.opt.num, got, want)
		}
	}
	defer func() { checkDecide = nil }()

	var hosts, nots []string
	for i := 0; i < 30; i++ {
		hosts = append(hosts, fmt.Sprintf("host 10.0.0.%d", i%20))
		nots = append(nots, fmt.Sprintf("not (tcp port %d or udp port %d)", i%7, i%5))
	}
	exprs := []string{
		strings.Join(hosts, " or "),
		strings.Join(nots, " and "),
		"ip src 1.1.1.1 and ip src 2.2.2.2 and ip src 1.1.1.1 or ip src 3.3.3.3 and ip src 1.1.1.1",
		"ether[12] = 1 and ether[12] = 2 or ether[12] = 1 and ether[12] != 3 or ether[12] = 3",
		"(ether[0] & 1 = 0 and ether[1] = 2) or (ether[0] & 1 = 0 and ether[1] = 3) or ether[0] & 1 = 0",
		"type mgt and subtype beacon and type mgt",
	}
	for _, e := range exprs {
		o := Options{DLT: 1, Snaplen: 65535, Netmask: 0xffffffff, Optimize: true}
		if strings.HasPrefix(e, "type") {
			o.DLT = 105
		}
		if _, err := Compile(e, o); err != nil && !strings.Contains(err.Error(), "rejects all") {
			t.Fatalf("%s: %v", e, err)
		}
	}
	if decided == 0 {
		t.Fatal("no test decided")
	}
	t.Logf("%d questions, %d decided", asked, decided)
}
