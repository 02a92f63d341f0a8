package filter

import (
	"fmt"

	"github.com/pcapshim/pcapshim/core/bpf"
)

// stmt is one instruction before linearisation. Inside a statement list a
// jump (class JMP) may target later list nodes through jt and jf; only the
// link-layer prologues that compute variable header lengths use that.
type stmt struct {
	code uint16
	k    uint32
	jt   *slist
	jf   *slist
}

// slist is a singly linked list of statements: the straight-line part of
// a block. Lists are built by appending and are shared by pointer, so a
// statement can be the target of a jump inside the list.
type slist struct {
	s    stmt
	next *slist
}

// exit is a branch edge of a block that is not yet connected: the true
// edge (jt) when onTrue, else the false edge.
type exit struct {
	b      *block
	onTrue bool
}

// block is a basic block: straight-line statements followed by one
// conditional jump (s) with a true and a false successor, or by a return.
//
// During parsing a *block also stands for the whole expression built so
// far whose most recent block it is: head is the expression's entry block,
// and tx/fx list the edges still to be connected when the expression is
// true or false. genAnd, genOr and genNot combine expressions by patching
// those edges, the classic true-list/false-list scheme.
type block struct {
	id     int
	stmts  *slist
	s      stmt
	jt, jf *block

	head   *block
	tx, fx []exit
	// konst is what the expression is known to be whatever the packet:
	// 1 always true, -1 always false, 0 depends. genAnd and genOr fold
	// such operands away, as libpcap master does even unoptimised.
	konst int8

	// Fields owned by the optimiser and the emitter (opt*.go, emit.go).
	opt blockOpt
}

// compileError is raised (by panic) from anywhere in code generation and
// recovered by Compile; msg is the full text pcap_geterr shows.
type compileError struct{ msg string }

// fail aborts compilation with a message, as libpcap's bpf_error does.
func (c *compiler) fail(format string, args ...any) {
	panic(compileError{fmt.Sprintf(format, args...)})
}

// newStmt returns a one-statement list.
func (c *compiler) newStmt(code uint16, k uint32) *slist {
	return &slist{s: stmt{code: code, k: k}}
}

// sappend appends list s1 to the end of list s0 and returns s0 (s1 if s0
// is nil), like libpcap's sappend.
func sappend(s0, s1 *slist) *slist {
	if s0 == nil {
		return s1
	}
	p := s0
	for p.next != nil {
		p = p.next
	}
	p.next = s1
	return s0
}

// newBlock returns a block ending in the jump or return code, as an
// expression of its own: its true exit is jt and its false exit jf.
func (c *compiler) newBlock(code uint16, k uint32) *block {
	b := &block{id: len(c.blocks), s: stmt{code: code, k: k}}
	b.head = b
	b.tx = []exit{{b, true}}
	b.fx = []exit{{b, false}}
	c.blocks = append(c.blocks, b)
	return b
}

// jmpBlock is newBlock for a conditional jump (BPF_JMP|op|BPF_K) comparing
// A with k, running stmts first.
func (c *compiler) jmpBlock(op uint16, k uint32, stmts *slist) *block {
	b := c.newBlock(bpf.JMP|op|bpf.K, k)
	b.stmts = stmts
	return b
}

// retBlock returns a block that returns v.
func (c *compiler) retBlock(v uint32) *block {
	b := c.newBlock(bpf.RET|bpf.K, v)
	b.tx, b.fx = nil, nil
	return b
}

// patch connects every edge in exits to target.
func patch(exits []exit, target *block) {
	for _, e := range exits {
		if e.onTrue {
			e.b.jt = target
		} else {
			e.b.jf = target
		}
	}
}

// become makes the expression handle b stand for the expression e.
// (b's lists are capped so that appending to them copies: see
// joinExits.)
func (b *block) become(e *block) {
	b.head, b.tx, b.fx, b.konst = e.head, capped(e.tx), capped(e.fx), e.konst
}

func capped(x []exit) []exit { return x[:len(x):len(x)] }

// joinExits returns the exits of *a and b together, for the combined
// expression. The order of exits does not matter (patch sets them all),
// so the shorter list is appended to the longer one, in place when it
// has room: copying the accumulated list on every "or" made long
// expressions quadratic. Only one slice sharing an array may append in
// place, so *a, which may still be used, is capped.
func joinExits(a *[]exit, b []exit) []exit {
	long, short := *a, b
	if len(short) > len(long) {
		long, short = short, long
	}
	*a = capped(*a)
	return append(long, short...)
}

// genAnd makes b1 stand for "b0 and b1": b0 runs first; if it is true b1
// decides, if it is false the whole is false. Use b1 afterwards. An
// operand known to be true is dropped; one known to be false is the
// result (the other side's tests cannot change it).
func (c *compiler) genAnd(b0, b1 *block) {
	switch {
	case b0.konst < 0:
		b1.become(b0)
		return
	case b0.konst > 0:
		return
	case b1.konst > 0:
		b1.become(b0)
		return
	case b1.konst < 0:
		return
	}
	patch(b0.tx, b1.head)
	b1.head = b0.head
	b1.fx = joinExits(&b0.fx, b1.fx)
}

// genOr makes b1 stand for "b0 or b1": b0 runs first; if it is false b1
// decides, if it is true the whole is true. Use b1 afterwards. Constant
// operands fold as in genAnd, with true and false exchanged.
func (c *compiler) genOr(b0, b1 *block) {
	switch {
	case b0.konst > 0:
		b1.become(b0)
		return
	case b0.konst < 0:
		return
	case b1.konst < 0:
		b1.become(b0)
		return
	case b1.konst > 0:
		return
	}
	patch(b0.fx, b1.head)
	b1.head = b0.head
	b1.tx = joinExits(&b0.tx, b1.tx)
}

// genNot negates the expression b in place.
func (c *compiler) genNot(b *block) {
	b.tx, b.fx = b.fx, b.tx
	b.konst = -b.konst
}

// genUncond returns an expression that is always true (rsense) or always
// false: "ld #v; jeq #0" as libpcap emits it, so the optimiser folds it.
func (c *compiler) genUncond(rsense bool) *block {
	var v uint32 = 1
	b := c.jmpBlock(bpf.JEQ, 0, nil)
	b.konst = -1
	if rsense {
		v = 0
		b.konst = 1
	}
	b.stmts = c.newStmt(bpf.LD|bpf.IMM, v)
	return b
}

func (c *compiler) genTrue() *block  { return c.genUncond(true) }
func (c *compiler) genFalse() *block { return c.genUncond(false) }

// arth is an arithmetic expression under construction: statements leaving
// its value in scratch register regno, and b, the protocol checks (if any)
// that must hold for the loads in it to mean anything, ANDed into the
// relation that uses it.
type arth struct {
	b     *block
	s     *slist
	regno int
}

// allocReg reserves a scratch memory cell, searching round-robin from the
// last one handed out, and fails when all 16 are in use.
func (c *compiler) allocReg() int {
	for n := 0; n < bpf.MemWords; n++ {
		if !c.regUsed[c.curReg] {
			c.regUsed[c.curReg] = true
			return c.curReg
		}
		c.curReg = (c.curReg + 1) % bpf.MemWords
	}
	c.fail("too many registers needed to evaluate expression")
	return 0
}

// freeReg releases a scratch cell from allocReg.
func (c *compiler) freeReg(n int) {
	c.regUsed[n] = false
}
