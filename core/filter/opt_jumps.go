package filter

import "github.com/pcapshim/pcapshim/core/bpf"

// useConflict reports whether some atom read after block succ holds a
// different value on exit from b than on exit from succ, so that
// jumping from b straight past succ would change what is read.
func useConflict(b, succ *block) bool {
	use := succ.opt.outUse
	if use == 0 {
		return false
	}
	for a := 0; a < nAtoms; a++ {
		if use.has(a) && b.opt.val[a] != succ.opt.val[a] {
			return true
		}
	}
	return false
}

// decidedBy returns the successor of child that its branch must take
// when control arrived through edge e (which dominates edge via, the one
// into child), or nil if e does not decide it: child repeats e's test on
// the same A with the same operand, or e was a taken "jeq #k" and child
// compares the same A with another constant.
//
// Edge dominators are computed at the start of a pass. If a peephole
// rule of this pass swapped the successors of e's block ("and #k; jeq #0"
// becoming "jset #k"), the dominator sets still name the edge by its old
// slot, which now holds the other outcome, so e's sense is reversed.
// (libpcap does not do this and can then decide the test the wrong way:
// 1.10 compiles "type mgt and subtype beacon and type mgt" to a program
// that rejects everything.) The edge being moved is never stale for
// itself.
func decidedBy(child *block, e, via *edge) *block {
	code, taken := e.code, true
	if code < 0 {
		code, taken = -code, false
	}
	if e.pred.opt.swapped && e != via {
		taken = !taken
	}
	if int(child.s.code) != code {
		return nil
	}
	if child.opt.val[atomA] != e.pred.opt.val[atomA] {
		return nil
	}
	if child.opt.oval == e.pred.opt.oval {
		if taken {
			return child.jt
		}
		return child.jf
	}
	// Distinct constants have distinct value numbers.
	if taken && code == bpf.JMP|bpf.JEQ|bpf.K {
		return child.jf
	}
	return nil
}

// thread moves edge e past its successor while the successor's outcome
// is known: when both its branches go to the same block, or when an
// edge on every path to e already decided its test.
func (o *optimizer) thread(e *edge) {
	succ := e.succ()
	if succ.jt == nil {
		return
	}
	if succ.jt == succ.jf && !useConflict(e.pred, succ.jt) {
		e.setSucc(succ.jt)
		o.changed(false)
	}
	// The edges on every path to e, as computed at the start of the
	// pass, are e and its ancestors in the edge tree. The one with the
	// lowest id that decides the successor's test wins (the order of
	// libpcap's bitset walk); see decide.
	for {
		child := e.succ()
		if child.jt == nil {
			return
		}
		best := o.decide(e, child)
		if checkDecide != nil {
			checkDecide(o, e, child, best)
		}
		if best == nil {
			return
		}
		e.setSucc(best)
		o.changed(true)
		if best.jt == nil {
			return
		}
	}
}

// decideSlow is decide by walking all of e's ancestors (for tests).
func (o *optimizer) decideSlow(e *edge, child *block) *block {
	best, bestID := (*block)(nil), len(o.edges)
	for k := int32(e.id); k != noEdge; k = o.etree.parent[k] {
		if int(k) > bestID {
			continue
		}
		target := decidedBy(child, o.edges[k], e)
		if target == nil || useConflict(e.pred, target) {
			continue
		}
		best, bestID = target, int(k)
	}
	return best
}

// A slot is one branch pointer of a block.
type slot struct {
	b      *block
	onTrue bool
}

func (s slot) get() *block {
	if s.onTrue {
		return s.b.jt
	}
	return s.b.jf
}

// pullUp reorders a chain of tests below block b. For "or" chains
// (orChain true) the chain follows false edges and every test in it
// jumps to b's true successor when true; for "and" chains the roles of
// the edges are swapped. If the chain starts with tests on the A value
// b's predecessors leave, then has tests on other values, and further
// down tests that value again, that later test is moved up to just
// below the first run, where the earlier tests on the same value can
// decide it in later passes.
func (o *optimizer) pullUp(b *block, orChain bool) {
	first := b.opt.in
	if first == nil {
		return
	}
	val := first.pred.opt.val[atomA]
	for e := first.nextIn; e != nil; e = e.nextIn {
		if e.pred.opt.val[atomA] != val {
			return
		}
	}
	// along is the chain direction, exit the common destination.
	along := func(x *block) slot { return slot{x, !orChain} }
	exit := func(x *block) *block {
		if orChain {
			return x.jt
		}
		return x.jf
	}
	inChain := func(x *block) bool {
		o.spend(1)
		return x != nil && exit(x) == exit(b) && o.inDom(b, x)
	}

	diff := slot{first.pred, first.pred.jt == b}
	atTop := true
	for {
		d := diff.get()
		if !inChain(d) {
			return
		}
		if d.opt.val[atomA] != val {
			break
		}
		diff = along(d)
		atTop = false
	}
	same := along(diff.get())
	for {
		s := same.get()
		if !inChain(s) {
			return
		}
		if s.opt.val[atomA] == val {
			break
		}
		same = along(s)
	}

	// The edges move through moveEdge, which keeps the dominator
	// information up to date.
	set := func(s slot, t *block) { o.moveEdge(s.b, s.onTrue, t) }
	pull := same.get()
	set(same, along(pull).get())
	set(along(pull), diff.get())
	if atTop {
		for e := b.opt.in; e != nil; e = e.nextIn {
			set(slot{e.pred, e.pred.jt == b}, pull)
		}
	} else {
		set(diff, pull)
	}
	o.changed(true)
}
