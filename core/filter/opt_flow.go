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

// findDom computes each block's dominators: the blocks on every path
// from the root to it. It uses the level lists of the start of the pass
// with the current edges (as libpcap does after a pullup).
func (o *optimizer) findDom() {
	n := len(o.blocks)
	for _, b := range o.blocks {
		if b.opt.dom == nil {
			b.opt.dom = newBitset(n)
		}
		b.opt.dom.fill()
	}
	o.root.opt.dom.clear()
	for l := o.root.opt.level; l >= 0; l-- {
		for _, b := range o.levels[l] {
			b.opt.dom.add(b.opt.num)
			if b.jt == nil {
				continue
			}
			b.jt.opt.dom.intersect(b.opt.dom)
			b.jf.opt.dom.intersect(b.opt.dom)
		}
	}
}

// findEdgeDom computes each edge's edge dominators.
func (o *optimizer) findEdgeDom() {
	n := len(o.edges)
	for _, e := range o.edges {
		if e.edom == nil {
			e.edom = newBitset(n)
		}
		e.edom.fill()
	}
	o.root.opt.et.edom.clear()
	o.root.opt.ef.edom.clear()
	prop := func(e *edge) {
		e.edom.add(e.id)
		if s := e.succ(); s != nil {
			s.opt.et.edom.intersect(e.edom)
			s.opt.ef.edom.intersect(e.edom)
		}
	}
	for l := o.root.opt.level; l >= 0; l-- {
		for _, b := range o.levels[l] {
			prop(&b.opt.et)
			prop(&b.opt.ef)
		}
	}
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
