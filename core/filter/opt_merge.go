package filter

import "github.com/pcapshim/pcapshim/core/bpf"

// sameStmts reports whether two statement lists are the same once
// deleted statements are skipped.
func sameStmts(x, y *slist) bool {
	for {
		x, y = liveFrom(x), liveFrom(y)
		if x == nil || y == nil {
			return x == y
		}
		if x.s.code != y.s.code || x.s.k != y.s.k {
			return false
		}
		x, y = x.next, y.next
	}
}

// sameBlock reports whether two blocks do the same thing and go to the
// same places.
func sameBlock(a, b *block) bool {
	return a.s.code == b.s.code && a.s.k == b.s.k && a.jt == b.jt && a.jf == b.jf &&
		sameStmts(a.stmts, b.stmts)
}

// reachable returns the set of blocks reachable from root.
func reachable(root *block) map[*block]bool {
	seen := make(map[*block]bool)
	var walk func(b *block)
	walk = func(b *block) {
		if b == nil || seen[b] {
			return
		}
		seen[b] = true
		if bpf.Class(b.s.code) != bpf.RET {
			walk(b.jt)
			walk(b.jf)
		}
	}
	walk(root)
	return seen
}

// mergeBlocks redirects every branch to a block that equals a block
// numbered later to that later block (the last of the equal ones),
// until no two reachable blocks are equal.
func (o *optimizer) mergeBlocks() {
	n := len(o.blocks)
	for round := 0; round < n+1; round++ {
		for _, b := range o.blocks {
			b.opt.same = nil
		}
		live := reachable(o.root)
		for i := n - 2; i >= 0; i-- {
			bi := o.blocks[i]
			if !live[bi] {
				continue
			}
			for j := i + 1; j < n; j++ {
				bj := o.blocks[j]
				if live[bj] && sameBlock(bi, bj) {
					if bj.opt.same != nil {
						bi.opt.same = bj.opt.same
					} else {
						bi.opt.same = bj
					}
					break
				}
			}
		}
		moved := false
		for _, b := range o.blocks {
			if b.jt == nil {
				continue
			}
			if t := b.jt.opt.same; t != nil {
				b.jt = t
				moved = true
			}
			if t := b.jf.opt.same; t != nil {
				b.jf = t
				moved = true
			}
		}
		if !moved {
			return
		}
	}
}

// skipRoot moves the entry past branches that go to the same block both
// ways, keeping the statements of the blocks skipped in front of the new
// entry's, and drops the statements of an entry that is a return. It
// returns the new entry.
//
// libpcap keeps only the statements of the first block, dropping those of
// the blocks in between, which is wrong when a later test reads a value
// they load. Here a statement of a block in between is kept unless what
// it writes is overwritten before being read.
func (o *optimizer) skipRoot() *block {
	b := o.root
	head := b.stmts
	b.stmts = nil
	var middle *slist
	for bpf.Class(b.s.code) == bpf.JMP && b.jt == b.jf {
		b = b.jt
		if b.jt == b.jf && bpf.Class(b.s.code) == bpf.JMP {
			for s := b.stmts; s != nil; s = s.next {
				if s.s.code != nopCode {
					middle = sappend(middle, &slist{s: s.s})
				}
			}
		}
	}
	if bpf.Class(b.s.code) == bpf.RET {
		b.stmts = nil
		return b
	}
	if middle != nil {
		o.root = b
		o.findLevels()
		o.findUseDef()
		middle = liveOnly(middle, b)
	}
	b.stmts = sappend(sappend(head, middle), b.stmts)
	return b
}

// liveOnly drops from list (statements run just before block b) those
// whose result nobody reads: not the rest of the list, nor b, nor what
// comes after b.
func liveOnly(list *slist, b *block) *slist {
	live := b.opt.outUse
	localUseDefInto(&live, b)
	var stmts []*slist
	for s := list; s != nil; s = s.next {
		stmts = append(stmts, s)
	}
	keep := make([]bool, len(stmts))
	for i := len(stmts) - 1; i >= 0; i-- {
		st := &stmts[i].s
		if d := atomDef(st); d >= 0 {
			if !live.has(d) {
				continue
			}
			live &^= 1 << uint(d)
		}
		keep[i] = true
		switch u := atomUse(st); {
		case u == atomAX:
			live |= 1<<atomA | 1<<atomX
		case u >= 0:
			live |= 1 << uint(u)
		}
	}
	var out *slist
	for i, s := range stmts {
		if keep[i] {
			s.next = nil
			out = sappend(out, s)
		}
	}
	return out
}

// localUseDefInto turns live, the atoms live after block b, into those
// live before it.
func localUseDefInto(live *atomSet, b *block) {
	localUseDef(b)
	*live = *live&^b.opt.kill | b.opt.inUse
}
