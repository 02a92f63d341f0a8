package filter

import (
	"math/bits"

	"github.com/pcapshim/pcapshim/core/bpf"
)

// bitset is a set of small non-negative integers (block or edge numbers).
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, n/64+1) }

func (s bitset) has(i int) bool { return s[i/64]&(1<<uint(i%64)) != 0 }
func (s bitset) add(i int)      { s[i/64] |= 1 << uint(i%64) }

func (s bitset) fill() {
	for i := range s {
		s[i] = ^uint64(0)
	}
}

func (s bitset) clear() {
	for i := range s {
		s[i] = 0
	}
}

func (s bitset) intersect(t bitset) {
	for i := range s {
		s[i] &= t[i]
	}
}

// each calls f for the members of s in increasing order until f
// returns false.
func (s bitset) each(f func(i int) bool) {
	for w, x := range s {
		for x != 0 {
			b := bits.TrailingZeros64(x)
			x &^= 1 << uint(b)
			if !f(w*64 + b) {
				return
			}
		}
	}
}

// findLevels computes every reachable block's level (0 for returns,
// else one more than its higher successor) and lists the blocks of each
// level. Within a level, blocks come in the reverse of the order in
// which a depth-first walk (true successor first) finishes them.
func (o *optimizer) findLevels() {
	o.levels = o.levels[:0]
	seen := make(map[*block]bool)
	var walk func(b *block)
	walk = func(b *block) {
		if seen[b] {
			return
		}
		seen[b] = true
		level := 0
		if b.jt != nil {
			walk(b.jt)
			walk(b.jf)
			level = max(b.jt.opt.level, b.jf.opt.level) + 1
		}
		b.opt.level = level
		for len(o.levels) <= level {
			o.levels = append(o.levels, nil)
		}
		o.levels[level] = append(o.levels[level], b)
	}
	walk(o.root)
	for _, l := range o.levels {
		for i, j := 0, len(l)-1; i < j; i, j = i+1, j-1 {
			l[i], l[j] = l[j], l[i]
		}
	}
}

// Edge dominators. The edges on every path from the entry to an edge
// (the edge included) form a path in a tree: an edge's parent is the
// nearest edge common to every path into its source block, none for the
// entry block's two edges (so it is a forest of two trees). It is built
// at the start of a pass, when the level lists are a topological order,
// in one walk down them: a block's parent edge is the nearest common
// ancestor of the edges entering it, found with jump pointers (each
// edge also points to an ancestor further up, chosen so that reaching
// any ancestor takes a logarithmic number of steps). This replaces a
// bitset over all edges for every edge, quadratic in time and memory.

// edgeTree is the edge dominator forest, indexed by edge id.
type edgeTree struct {
	parent, jump, depth []int32
	acc                 []int32 // scratch, by block number
}

// noEdge marks "no edge" in edgeTree (the parent of a root, or an empty
// intersection); unset marks a block no edge has entered yet.
const (
	noEdge = -1
	unset  = -2
)

// findEdgeDom computes the edge dominator forest.
func (o *optimizer) findEdgeDom() {
	t := &o.etree
	n := len(o.edges)
	if t.parent == nil {
		t.parent = make([]int32, n)
		t.jump = make([]int32, n)
		t.depth = make([]int32, n)
		t.acc = make([]int32, len(o.blocks))
	}
	for i := range t.acc {
		t.acc[i] = unset
	}
	steps := 0
	for l := o.root.opt.level; l >= 0; l-- {
		for _, b := range o.levels[l] {
			if b.jt == nil {
				// Edges of returns lead nowhere and dominate
				// nothing; thread never asks about them.
				continue
			}
			par := int32(noEdge)
			if b != o.root {
				par = t.acc[b.opt.num]
			}
			for _, e := range [2]*edge{&b.opt.et, &b.opt.ef} {
				o.setEdgeParent(int32(e.id), par)
				succ := e.succ().opt.num
				switch a := t.acc[succ]; a {
				case unset:
					t.acc[succ] = int32(e.id)
				case noEdge:
				default:
					t.acc[succ] = o.commonEdge(a, int32(e.id), &steps)
				}
			}
		}
	}
	o.spend(len(o.blocks) + steps)
}

// setEdgeParent makes p the parent of edge e in the tree.
func (o *optimizer) setEdgeParent(e, p int32) {
	t := &o.etree
	t.parent[e] = p
	if p == noEdge {
		t.jump[e], t.depth[e] = noEdge, 0
		return
	}
	t.depth[e] = t.depth[p] + 1
	// Jump pointers: skip as far as the parent's jump does twice, when
	// the two jumps are the same length, else to the parent.
	j := t.jump[p]
	if j != noEdge && t.jump[j] != noEdge && t.depth[p]-t.depth[j] == t.depth[j]-t.depth[t.jump[j]] {
		t.jump[e] = t.jump[j]
	} else {
		t.jump[e] = p
	}
}

// ancestorAt returns e's ancestor at depth d (at most e's depth).
func (o *optimizer) ancestorAt(e, d int32, steps *int) int32 {
	t := &o.etree
	for t.depth[e] > d {
		*steps++
		if j := t.jump[e]; j != noEdge && t.depth[j] >= d {
			e = j
		} else {
			e = t.parent[e]
		}
	}
	return e
}

// commonEdge returns the nearest common ancestor of edges a and b, or
// noEdge.
func (o *optimizer) commonEdge(a, b int32, steps *int) int32 {
	t := &o.etree
	if t.depth[a] > t.depth[b] {
		a = o.ancestorAt(a, t.depth[b], steps)
	} else {
		b = o.ancestorAt(b, t.depth[a], steps)
	}
	for a != b {
		*steps++
		// Edges at the same depth have jumps to the same depth.
		if ja, jb := t.jump[a], t.jump[b]; ja != jb {
			a, b = ja, jb
		} else {
			a, b = t.parent[a], t.parent[b]
		}
		if a == noEdge || b == noEdge {
			return noEdge
		}
	}
	return a
}

// findInEdges links every edge into its successor's list of entering
// edges, walking the level lists from the top.
func (o *optimizer) findInEdges() {
	for _, b := range o.blocks {
		b.opt.in = nil
	}
	link := func(e *edge) {
		s := e.succ()
		e.nextIn = s.opt.in
		s.opt.in = e
	}
	for l := o.root.opt.level; l > 0; l-- {
		for _, b := range o.levels[l] {
			link(&b.opt.et)
			link(&b.opt.ef)
		}
	}
}

// atomUse returns the atom statement s reads (atomAX for both A and X),
// or -1.
func atomUse(s *stmt) int {
	c := s.code
	if c == nopCode {
		return -1
	}
	switch bpf.Class(c) {
	case bpf.RET:
		switch bpf.RVal(c) {
		case bpf.A:
			return atomA
		case bpf.X:
			return atomX
		}
		return -1
	case bpf.LD, bpf.LDX:
		switch bpf.Mode(c) {
		case bpf.IND:
			return atomX
		case bpf.MEM:
			return memAtom(s.k)
		}
		return -1
	case bpf.ST:
		return atomA
	case bpf.STX:
		return atomX
	case bpf.JMP, bpf.ALU:
		if bpf.Src(c) == bpf.X {
			return atomAX
		}
		return atomA
	case bpf.MISC:
		if bpf.MiscOp(c) == bpf.TXA {
			return atomX
		}
		return atomA
	}
	return -1
}

// atomDef returns the atom statement s writes, or -1.
func atomDef(s *stmt) int {
	if s.code == nopCode {
		return -1
	}
	switch bpf.Class(s.code) {
	case bpf.LD, bpf.ALU:
		return atomA
	case bpf.LDX:
		return atomX
	case bpf.ST, bpf.STX:
		return memAtom(s.k)
	case bpf.MISC:
		if bpf.MiscOp(s.code) == bpf.TAX {
			return atomX
		}
		return atomA
	}
	return -1
}

// memAtom is the atom of scratch cell k (-1 if out of range, which the
// code generators never produce).
func memAtom(k uint32) int {
	if k >= bpf.MemWords {
		return -1
	}
	return int(k)
}

// addUse adds atom a (from atomUse) to use unless def holds it.
func addUse(use, def atomSet, a int) atomSet {
	switch {
	case a == atomAX:
		if !def.has(atomX) {
			use |= 1 << atomX
		}
		if !def.has(atomA) {
			use |= 1 << atomA
		}
	case a >= 0:
		if !def.has(a) {
			use |= 1 << uint(a)
		}
	}
	return use
}

// localUseDef computes what block b reads before writing (inUse, for
// now only its own), writes (def), and writes before reading (kill).
func localUseDef(b *block) {
	var def, use, kill atomSet
	for s := b.stmts; s != nil; s = s.next {
		if s.s.code == nopCode {
			continue
		}
		use = addUse(use, def, atomUse(&s.s))
		if a := atomDef(&s.s); a >= 0 {
			if !use.has(a) {
				kill |= 1 << uint(a)
			}
			def |= 1 << uint(a)
		}
	}
	// As in libpcap, a return's operand does not count as a use.
	if bpf.Class(b.s.code) == bpf.JMP {
		use = addUse(use, def, atomUse(&b.s))
	}
	b.opt.def, b.opt.kill, b.opt.inUse = def, kill, use
}

// findUseDef computes for every block the atoms live on entry (inUse)
// and on exit (outUse).
func (o *optimizer) findUseDef() {
	top := o.root.opt.level
	for l := top; l >= 0; l-- {
		for _, b := range o.levels[l] {
			localUseDef(b)
			b.opt.outUse = 0
		}
	}
	for l := 1; l <= top; l++ {
		for _, b := range o.levels[l] {
			b.opt.outUse |= b.jt.opt.inUse | b.jf.opt.inUse
			b.opt.inUse |= b.opt.outUse &^ b.opt.kill
		}
	}
}
