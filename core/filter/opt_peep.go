package filter

import "github.com/pcapshim/pcapshim/core/bpf"

// optimizeBlock computes block b's values (rewriting its statements when
// stmts is set), applies the peephole rules and removes dead stores, and
// records what the branch rules need: the value number of the branch's
// operand and the codes of its two edges.
func (o *optimizer) optimizeBlock(b *block, stmts bool) {
	p := &b.opt
	if e := p.in; e == nil {
		p.val = [nAtoms]uint32{}
	} else {
		p.val = e.pred.opt.val
		for e = e.nextIn; e != nil; e = e.nextIn {
			for i := range p.val {
				if p.val[i] != e.pred.opt.val[i] {
					p.val[i] = valUnknown
				}
			}
		}
	}
	aIn, xIn := p.val[atomA], p.val[atomX]
	for s := b.stmts; s != nil; s = s.next {
		o.evalStmt(&s.s, &p.val, stmts)
	}

	// A block whose statements leave A and X as they found them and
	// whose results nobody uses does nothing; a return needs no
	// statements at all.
	noEffect := p.outUse == 0 &&
		aIn != valUnknown && p.val[atomA] == aIn &&
		xIn != valUnknown && p.val[atomX] == xIn
	if stmts && (noEffect || bpf.Class(b.s.code) == bpf.RET) {
		if b.stmts != nil {
			b.stmts = nil
			o.changed(false)
		}
	} else {
		o.peep(b)
		o.deadStores(b)
	}

	if bpf.Src(b.s.code) == bpf.K {
		p.oval = o.konst(b.s.k)
	} else {
		p.oval = p.val[atomX]
	}
	p.et.code = int(b.s.code)
	p.ef.code = -int(b.s.code)
}

// liveFrom returns the first statement of l that was not deleted.
func liveFrom(l *slist) *slist {
	for l != nil && l.s.code == nopCode {
		l = l.next
	}
	return l
}

// peep applies the peephole rules to block b.
func (o *optimizer) peep(b *block) {
	if b.stmts == nil {
		return
	}
	// last ends up as the last live statement when there are at least
	// two; otherwise it stays the list's first node (as in libpcap).
	last := b.stmts
	for s := liveFrom(b.stmts); s != nil; {
		next := liveFrom(s.next)
		if next == nil {
			break
		}
		last = next
		o.peepPair(b, s, next)
		s = liveFrom(next)
	}
	o.peepBranch(b, last)
}

// peepPair applies the rules looking at statement s and the live
// statement after it.
func (o *optimizer) peepPair(b *block, s, next *slist) {
	// "st M[k]; ldx M[k]" loads what A holds: "st M[k]; tax".
	if s.s.code == bpf.ST && next.s.code == bpf.LDX|bpf.MEM && s.s.k == next.s.k {
		next.s.code = bpf.MISC | bpf.TAX
		o.changed(false)
	}
	// "ld #k; tax" is "ldx #k; txa".
	if s.s.code == bpf.LD|bpf.IMM && next.s.code == bpf.MISC|bpf.TAX {
		s.s.code = bpf.LDX | bpf.IMM
		next.s.code = bpf.MISC | bpf.TXA
		o.changed(false)
	}
	if s.s.code != bpf.LD|bpf.IMM {
		return
	}
	// "ld #k; [ldxms]; add x; tax; ld[ind] [x+j]" (tcp[k] with a
	// constant k) is "[ldxms]; ld[ind] [x+j+k]", provided nothing after
	// the block reads X.
	if b.opt.outUse.has(atomX) {
		return
	}
	add := next
	if next.s.code == bpf.LDX|bpf.MSH|bpf.B {
		add = liveFrom(next.next)
	}
	if add == nil || add.s.code != bpf.ALU|bpf.ADD|bpf.X {
		return
	}
	tax := liveFrom(add.next)
	if tax == nil || tax.s.code != bpf.MISC|bpf.TAX {
		return
	}
	load := liveFrom(tax.next)
	if load == nil || load.s.code == nopCode || bpf.Class(load.s.code) != bpf.LD || bpf.Mode(load.s.code) != bpf.IND {
		return
	}
	load.s.k += s.s.k
	s.s.code = nopCode
	add.s.code = nopCode
	tax.s.code = nopCode
	o.changed(false)
}

// peepBranch applies the rules on the block's branch; last is as in peep.
func (o *optimizer) peepBranch(b *block, last *slist) {
	if b.s.code == bpf.JMP|bpf.JEQ|bpf.K && !b.opt.outUse.has(atomA) {
		switch {
		case last.s.code == bpf.ALU|bpf.SUB|bpf.X:
			// "sub x; jeq #y": with X a known constant c this is
			// "jeq #(y+c)"; with y = 0 it is "jeq x".
			if x := b.opt.val[atomX]; o.isConst(x) {
				b.s.k += o.constOf(x)
				last.s.code = nopCode
				o.changed(false)
			} else if b.s.k == 0 {
				last.s.code = nopCode
				b.s.code = bpf.JMP | bpf.JEQ | bpf.X
				o.changed(false)
			}
		case last.s.code == bpf.ALU|bpf.SUB|bpf.K:
			// "sub #x; jeq #y" is "jeq #(x+y)".
			last.s.code = nopCode
			b.s.k += last.s.k
			o.changed(false)
		case last.s.code == bpf.ALU|bpf.AND|bpf.K && b.s.k == 0:
			// "and #k; jeq #0" is "jset #k" with the edges swapped.
			b.s.k = last.s.k
			b.s.code = bpf.JMP | bpf.JSET | bpf.K
			last.s.code = nopCode
			o.changed(false)
			b.jt, b.jf = b.jf, b.jt
			b.opt.swapped = true
		}
	}
	// "jset #0" never jumps. (libpcap 1.10 also took "jset #0xffffffff"
	// as always jumping, which is wrong when A is 0; master's output shows
	// no trace of that rule.)
	if b.s.code == bpf.JMP|bpf.JSET|bpf.K && b.s.k == 0 {
		if b.jt != b.jf {
			// An edge moves without counting as a change; the
			// dominator information must be redone (opt_dom.go).
			o.dom.stale = true
		}
		b.jt = b.jf
	}
	// A comparison with X known to be constant compares with that.
	if x := b.opt.val[atomX]; o.isConst(x) && bpf.Src(b.s.code) == bpf.X {
		b.s.code &^= bpf.X
		b.s.k = o.constOf(x)
	}
	// With A known, the branch is decided.
	if a := b.opt.val[atomA]; o.isConst(a) && bpf.Src(b.s.code) == bpf.K && bpf.Class(b.s.code) == bpf.JMP {
		v, k := o.constOf(a), b.s.k
		var taken bool
		switch bpf.Op(b.s.code) {
		case bpf.JEQ:
			taken = v == k
		case bpf.JGT:
			taken = v > k
		case bpf.JGE:
			taken = v >= k
		case bpf.JSET:
			taken = v&k != 0
		default:
			return
		}
		if b.jf != b.jt {
			o.changed(false)
		}
		if taken {
			b.jf = b.jt
		} else {
			b.jt = b.jf
		}
	}
}

// deadStores deletes the statements of block b whose result is
// overwritten before being read, in the block or after it.
func (o *optimizer) deadStores(b *block) {
	var last [nAtoms]*stmt
	visit := func(s *stmt) {
		switch a := atomUse(s); {
		case a == atomAX:
			last[atomA], last[atomX] = nil, nil
		case a >= 0:
			last[a] = nil
		}
		if a := atomDef(s); a >= 0 {
			if last[a] != nil {
				last[a].code = nopCode
				o.changed(false)
			}
			last[a] = s
		}
	}
	for s := b.stmts; s != nil; s = s.next {
		visit(&s.s)
	}
	visit(&b.s)
	for a, s := range last {
		if s != nil && !b.opt.outUse.has(a) {
			s.code = nopCode
			// The atom no longer receives that value.
			b.opt.val[a] = valUnknown
			o.changed(false)
		}
	}
}
