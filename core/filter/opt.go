package filter

import "github.com/pcapshim/pcapshim/core/bpf"

// The optimiser follows libpcap's: the program is a DAG of blocks, each
// a list of statements and a final branch. Passes are repeated until one
// changes nothing:
//
//   - flow analysis (opt_flow.go): block levels, dominators, edge
//     dominators, and which registers (A, X, M[0..15]) each block uses,
//     defines and kills;
//   - value numbering over the DAG (opt_values.go), which folds constants
//     and removes loads of values already in place;
//   - per-block peephole rules and dead-store removal (opt_peep.go);
//   - branch threading (opt_jumps.go): an edge whose successor repeats a
//     test already decided on every path to it goes straight to the
//     outcome, and chains of and/or tests are reordered ("pullups").
//
// A first series of passes moves branches without rewriting statements,
// a second rewrites statements without moving branches. Then equal
// blocks are merged and the entry block is skipped past branches that
// go to the same place both ways (opt_merge.go).

// Atoms are what statements read and write: the scratch cells 0..15,
// then A and X. atomAX stands for "both A and X" in a use.
const (
	atomA  = bpf.MemWords
	atomX  = bpf.MemWords + 1
	nAtoms = bpf.MemWords + 2
	atomAX = nAtoms
)

// atomSet is a set of atoms, one bit each.
type atomSet uint32

func (s atomSet) has(a int) bool { return s&(1<<uint(a)) != 0 }

// valUnknown is the value number of a register whose content is not
// known; real value numbers start at 1.
const valUnknown = 0

// edge is one branch edge of a block: its true edge or its false edge.
type edge struct {
	id     int
	pred   *block
	onTrue bool
	// code is the branch opcode of pred, negated for the false edge, so
	// that two edges of the same test with opposite outcomes differ.
	code int
	// nextIn links the edges entering the same block.
	nextIn *edge
}

func (e *edge) succ() *block {
	if e.onTrue {
		return e.pred.jt
	}
	return e.pred.jf
}

func (e *edge) setSucc(b *block) {
	if e.onTrue {
		e.pred.jt = b
	} else {
		e.pred.jf = b
	}
}

// blockOpt is the optimiser's and emitter's per-block state.
type blockOpt struct {
	// Emitter: where the block starts, and whether its true/false
	// branch needs an extra "ja" because its target is too far.
	offset         int
	longJT, longJF bool

	// Optimiser.
	num    int // position in the optimiser's depth-first numbering
	level  int // longest path to a leaf; returns are level 0
	et, ef edge
	in     *edge // edges entering this block
	val    [nAtoms]uint32
	oval   uint32 // value number of the branch's operand
	def    atomSet
	kill   atomSet
	inUse  atomSet
	outUse atomSet
	same   *block // set while merging: an equal block replacing this one
	// swapped is set when a peephole rule exchanged the block's
	// successors during the current pass (see decidedBy).
	swapped bool
}

// optimizer is the state of one optimisation.
type optimizer struct {
	c      *compiler
	root   *block
	blocks []*block   // every block reachable at the start, by num
	edges  []*edge    // true edges by num, then false edges
	levels [][]*block // blocks by level, in visiting order

	dom   domInfo     // see opt_dom.go
	etree edgeTree    // see findEdgeDom
	tidx  threadIndex // see opt_thread.go

	values map[valueKey]uint32
	consts []constInfo // by value number

	// done stays true through a pass that changes nothing; progress is
	// set by changes other than branch movement, which alone can cycle.
	done     bool
	progress bool

	// work counts the optimiser's work units (see spend); past budget
	// the optimiser stops and the graph is emitted as it stands.
	work, budget int64
}

// Bounds on the passes: libpcap gives up after 100 passes in a row that
// only move branches; the overall bound only guards against cycles.
const (
	maxIdlePasses = 100
	maxPasses     = 1000
)

// optBudget bounds the optimiser's work, in units of roughly one block
// or one 64-bit bitset word visited (see spend); a unit costs about 8 ns
// on this project's machines, so the budget is about 2 s. An "or" of
// 2,000 hosts spends 210 M units and is optimised fully; past the
// budget the optimiser stops between two local rewrites, each of which
// keeps the program's meaning, and the program is emitted as it stands:
// correct, less compact, and never a hang or unbounded memory.
const optBudget int64 = 256 << 20

// optimizeGraph optimises the program whose entry block is root and
// returns the new entry block. Statement lists may hold jumps: the
// generators whose lists the optimiser would break (802.11 header
// lengths, protochain, …) set noOptimize as libpcap's do; the Linux VLAN
// extension's list is optimised, as libpcap does (a jump counts as a use
// of A, so the loads it selects between stay).
func (c *compiler) optimizeGraph(root *block) *block {
	budget := c.optBudget
	if budget == 0 {
		budget = optBudget
	}
	o := &optimizer{c: c, root: root, budget: budget}
	o.number()
	o.loop(false)
	if !o.exhausted() {
		o.loop(true)
	}
	o.mergeBlocks()
	c.optWork = o.work
	return o.skipRoot()
}

// number gives every block reachable from the root its number, in
// depth-first preorder (true successor first), and sets up its edges.
func (o *optimizer) number() {
	seen := make(map[*block]bool)
	var walk func(b *block)
	walk = func(b *block) {
		if b == nil || seen[b] {
			return
		}
		seen[b] = true
		b.opt.num = len(o.blocks)
		o.blocks = append(o.blocks, b)
		walk(b.jt)
		walk(b.jf)
	}
	walk(o.root)
	n := len(o.blocks)
	o.edges = make([]*edge, 2*n)
	for i, b := range o.blocks {
		b.opt.et = edge{id: i, pred: b, onTrue: true}
		b.opt.ef = edge{id: n + i, pred: b}
		o.edges[i] = &b.opt.et
		o.edges[n+i] = &b.opt.ef
	}
}

// loop runs passes until one changes nothing. With stmts false the
// passes move branches; with stmts true they rewrite statements.
func (o *optimizer) loop(stmts bool) {
	idle := 0
	for pass := 0; pass < maxPasses && !o.exhausted(); pass++ {
		o.spend(len(o.blocks))
		o.done, o.progress = true, false
		o.findLevels()
		o.findDom()
		o.findUseDef()
		o.findEdgeDom()
		o.optimizeBlocks(stmts)
		if o.done {
			return
		}
		if o.progress {
			idle = 0
		} else if idle++; idle >= maxIdlePasses {
			return
		}
	}
}

// spend charges n work units and reports whether the budget still
// allows more work. Once it says no it keeps saying no.
func (o *optimizer) spend(n int) bool {
	o.work += int64(n)
	return o.work <= o.budget
}

// exhausted reports whether the budget has run out.
func (o *optimizer) exhausted() bool { return o.work > o.budget }

// changed records a change; branchOnly is true for branch movement.
func (o *optimizer) changed(branchOnly bool) {
	o.done = false
	if !branchOnly {
		o.progress = true
	}
}

// optimizeBlocks is one pass over the blocks: values and statements from
// the root down, then (when not rewriting statements) branch threading
// and pullups from the leaves up.
func (o *optimizer) optimizeBlocks(stmts bool) {
	o.resetValues()
	o.findInEdges()
	for _, b := range o.blocks {
		b.opt.swapped = false
	}
	top := o.root.opt.level
	for l := top; l >= 0; l-- {
		for _, b := range o.levels[l] {
			o.optimizeBlock(b, stmts)
		}
	}
	if stmts {
		return
	}
	o.indexThreads()
	for l := 1; l <= top && !o.exhausted(); l++ {
		for _, b := range o.levels[l] {
			o.thread(&b.opt.et)
			o.thread(&b.opt.ef)
		}
	}
	// The pullups rely on dominators, which the threading may have
	// changed. (libpcap uses the ones from the start of the pass and can
	// then pull a test above a chain that is no longer the only way to
	// the tests below it.) The level lists still order the blocks: edges
	// only ever move further down.
	if !o.done {
		o.findDom()
	}
	o.findInEdges()
	for l := 1; l <= top && !o.exhausted(); l++ {
		for _, b := range o.levels[l] {
			o.pullUp(b, true)
			o.pullUp(b, false)
		}
	}
}
