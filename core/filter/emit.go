package filter

import "github.com/pcapshim/pcapshim/core/bpf"

// The emitter lays the block graph out as libpcap's icode_to_fcode does,
// so that programs are bytecode-identical to libpcap's:
//
//   - Blocks are ordered by a depth-first walk that visits the false
//     successor before the true one and places each block after
//     everything it reaches; the program is that order read backwards.
//     So the entry block comes first, and a block shared by several
//     predecessors is placed once.
//   - A block is its statements (deleted ones skipped) followed by its
//     branch or return.
//   - A branch whose target is more than 255 instructions away is given
//     an extra "ja" right after it (the true one first, then the false
//     one) and branches to that instead. Which blocks need one depends
//     on the layout, so the layout is redone until nothing changes.
//   - A conditional jump inside a statement list (only the link-layer
//     prologues have them) targets later nodes of the same list; it is
//     turned into relative offsets.

// nopCode marks a statement the optimiser deleted; the emitter skips it.
const nopCode = 0xffff

// emitLayout returns the blocks reachable from root in program order.
func emitLayout(root *block) []*block {
	seen := make(map[*block]bool)
	var post []*block
	var walk func(b *block)
	walk = func(b *block) {
		if b == nil || seen[b] {
			return
		}
		seen[b] = true
		walk(b.jf)
		walk(b.jt)
		post = append(post, b)
	}
	walk(root)
	for i, j := 0, len(post)-1; i < j; i, j = i+1, j-1 {
		post[i], post[j] = post[j], post[i]
	}
	return post
}

// liveStmts returns the statements of list l that were not deleted.
func liveStmts(l *slist) []*slist {
	var out []*slist
	for ; l != nil; l = l.next {
		if l.s.code != nopCode {
			out = append(out, l)
		}
	}
	return out
}

// emitSize is the number of instructions block b occupies.
func emitSize(b *block, nstmts int) int {
	n := nstmts + 1
	if b.opt.longJT {
		n++
	}
	if b.opt.longJF {
		n++
	}
	return n
}

// emit converts the block graph at root into instructions.
func (c *compiler) emit(root *block) []bpf.Insn {
	order := emitLayout(root)
	stmts := make([][]*slist, len(order))
	for i, b := range order {
		stmts[i] = liveStmts(b.stmts)
		b.opt.longJT, b.opt.longJF = false, false
	}
	for {
		pc := 0
		for i, b := range order {
			b.opt.offset = pc
			pc += emitSize(b, len(stmts[i]))
		}
		// A branch needing a long jump only makes others longer, so
		// marking every one found and redoing the layout reaches the
		// same result as libpcap's one-at-a-time retries.
		again := false
		for i, b := range order {
			if b.jt == nil {
				continue
			}
			from := b.opt.offset + len(stmts[i])
			if !b.opt.longJT && b.jt.opt.offset-from-1 > 255 {
				b.opt.longJT = true
				again = true
			}
			if !b.opt.longJF && b.jf.opt.offset-from-1 > 255 {
				b.opt.longJF = true
				again = true
			}
		}
		if !again {
			prog := make([]bpf.Insn, 0, pc)
			for i, b := range order {
				prog = c.emitBlock(prog, b, stmts[i])
			}
			return prog
		}
	}
}

// emitBlock appends block b (whose live statements are list) to prog.
func (c *compiler) emitBlock(prog []bpf.Insn, b *block, list []*slist) []bpf.Insn {
	for i, l := range list {
		ins := bpf.Insn{Code: l.s.code, K: l.s.k}
		// libpcap leaves the offsets of a list-local jump second to
		// last in its list at zero.
		if bpf.Class(l.s.code) == bpf.JMP && l.s.code != bpf.JMP|bpf.JA && i != len(list)-2 {
			ins.JT = c.localJump(list, i, l.s.jt)
			ins.JF = c.localJump(list, i, l.s.jf)
		}
		prog = append(prog, ins)
	}
	ins := bpf.Insn{Code: b.s.code, K: b.s.k}
	if b.jt == nil {
		return append(prog, ins)
	}
	from := b.opt.offset + len(list)
	var extra []bpf.Insn
	branch := func(target *block, long bool) uint8 {
		off := target.opt.offset - from - 1
		if !long {
			return uint8(off)
		}
		n := len(extra)
		extra = append(extra, bpf.Insn{Code: bpf.JMP | bpf.JA, K: uint32(off - n - 1)})
		return uint8(n)
	}
	ins.JT = branch(b.jt, b.opt.longJT)
	ins.JF = branch(b.jf, b.opt.longJF)
	prog = append(prog, ins)
	return append(prog, extra...)
}

// localJump returns the offset from statement i of list to target, a
// later node of the same list.
func (c *compiler) localJump(list []*slist, i int, target *slist) uint8 {
	if target == nil {
		c.fail("no jmp destination for block-local relative jump: off=%d", i)
	}
	for j, l := range list {
		if l == target {
			if j-i-1 >= 256 || j-i-1 < 0 {
				c.fail("out-of-range jump for block-local relative jump: off=%d", i)
			}
			return uint8(j - i - 1)
		}
	}
	c.fail("no destination found for block-local relative jump: off=%d", i)
	return 0
}
