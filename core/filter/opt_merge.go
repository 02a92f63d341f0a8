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

// mergeKey identifies a block's content for mergeBlocks: two live
// blocks are equal (sameBlock) exactly when their keys are.
type mergeKey struct {
	code   uint16
	k      uint32
	jt, jf *block
	stmts  string // the live statements, encoded by stmtsKey
}

// stmtsKey encodes the statements of l that were not deleted.
func stmtsKey(buf []byte, l *slist) []byte {
	for ; l != nil; l = l.next {
		if l.s.code == nopCode {
			continue
		}
		buf = append(buf, byte(l.s.code), byte(l.s.code>>8),
			byte(l.s.k), byte(l.s.k>>8), byte(l.s.k>>16), byte(l.s.k>>24))
	}
	return buf
}

// mergeBlocks makes every branch to a block equal to another go to one
// block of each set of equal ones, until no two reachable blocks are
// equal: same statements, same branch, same successors.
//
// libpcap compares every pair of blocks, redirects, and starts again
// until nothing changes, which is quadratic per round with up to one
// round per level. Going up from the leaves instead, with the successors
// of each block already merged, a hash table of block contents finds
// all the equal blocks in one pass. The graph that results is the same
// up to which block of a set stands for it, which only the block
// numbers tell apart: the code emitted is the same.
func (o *optimizer) mergeBlocks() {
	n := len(o.blocks)
	canon := make([]*block, n)
	table := make(map[mergeKey]*block, n)
	var buf []byte
	o.spend(2 * n)
	// Post-order walk: a block after its successors.
	type frame struct {
		b    *block
		next int
	}
	stack := []frame{{o.root, 0}}
	seen := make([]bool, n)
	seen[o.root.opt.num] = true
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		b := f.b
		if b.jt != nil && bpf.Class(b.s.code) != bpf.RET && f.next < 2 {
			s := b.jt
			if f.next == 1 {
				s = b.jf
			}
			f.next++
			if !seen[s.opt.num] {
				seen[s.opt.num] = true
				stack = append(stack, frame{s, 0})
			}
			continue
		}
		stack = stack[:len(stack)-1]
		if b.jt != nil && bpf.Class(b.s.code) != bpf.RET {
			b.jt, b.jf = canon[b.jt.opt.num], canon[b.jf.opt.num]
		}
		buf = stmtsKey(buf[:0], b.stmts)
		key := mergeKey{b.s.code, b.s.k, b.jt, b.jf, string(buf)}
		if c := table[key]; c != nil {
			canon[b.opt.num] = c
		} else {
			table[key] = b
			canon[b.opt.num] = b
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
