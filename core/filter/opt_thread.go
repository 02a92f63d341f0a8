package filter

import "github.com/pcapshim/pcapshim/core/bpf"

// Finding the edge that decides a test, fast.
//
// thread needs, for an edge e and the block child it leads to, the
// lowest-numbered edge among e and its ancestors in the edge tree for
// which decidedBy gives a target, skipping targets that useConflict
// rules out. Walking all ancestors costs the depth of the tree, which
// grows with the expression (a 2000-host "or" chain averaged 1500 steps
// per question). decidedBy only gives a target for edges whose test has
// the child's opcode and the child's A value; then
//
//   - with the child's operand, the target is the child's true branch if
//     the edge's test was taken (its sense possibly reversed by a swap),
//     else its false branch;
//   - with another operand, only a taken "jeq #k" decides, for the false
//     branch.
//
// The first case is looked up in a table of edges by test and operand
// (usually a handful each), checking ancestry with preorder intervals
// of the tree. The second keeps, per edge and A value, the two lowest
// taken "jeq #k" ancestors with different operands, computed on demand
// and remembered for the pass.

// testKey is what decidedBy needs to match: opcode, A value, operand.
type testKey struct {
	code   int
	a, opd uint32
}

// jeqKey names the taken "jeq #k" ancestors of an edge on A value a.
type jeqKey struct {
	edge int32
	a    uint32
}

// twoJeq holds the lowest taken "jeq #k" ancestor and the lowest with a
// different operand than it (noID when none).
type twoJeq struct {
	id1, id2 int32
	opd1     uint32
}

const noID = int32(1 << 30)

// threadIndex is the per-pass state of decide.
type threadIndex struct {
	pre, end []int32 // preorder interval of each edge in the tree
	byTest   map[testKey][]int32
	jeqs     map[jeqKey]twoJeq
	kids     [][]int32
	stack    []int32
	path     []int32
}

// edgeTaken is whether edge k's test outcome holds, its sense reversed
// for a block whose edges a peephole rule swapped (see decidedBy).
func (o *optimizer) edgeTaken(k int32) bool {
	e := o.edges[k]
	return (e.code > 0) != e.pred.opt.swapped
}

func absCode(c int) int { return max(c, -c) }

// indexThreads prepares decide for the threading part of a pass: the
// values and codes of all blocks are final by then.
func (o *optimizer) indexThreads() {
	x := &o.tidx
	n := len(o.edges)
	if x.pre == nil {
		x.pre = make([]int32, n)
		x.end = make([]int32, n)
		x.kids = make([][]int32, n)
	}
	x.byTest = make(map[testKey][]int32)
	x.jeqs = make(map[jeqKey]twoJeq)
	for i := range x.kids {
		x.kids[i] = x.kids[i][:0]
	}
	var roots []int32
	inTree := make([]bool, n)
	for l := o.root.opt.level; l > 0; l-- {
		for _, b := range o.levels[l] {
			inTree[b.opt.et.id], inTree[b.opt.ef.id] = true, true
		}
	}
	for k := 0; k < n; k++ {
		if !inTree[k] {
			continue
		}
		e := o.edges[k]
		key := testKey{absCode(e.code), e.pred.opt.val[atomA], e.pred.opt.oval}
		x.byTest[key] = append(x.byTest[key], int32(k))
		if p := o.etree.parent[k]; p == noEdge {
			roots = append(roots, int32(k))
		} else {
			x.kids[p] = append(x.kids[p], int32(k))
		}
	}
	t := int32(0)
	for _, r := range roots {
		x.stack = append(x.stack[:0], r)
		for len(x.stack) > 0 {
			v := x.stack[len(x.stack)-1]
			if v < 0 {
				x.stack = x.stack[:len(x.stack)-1]
				x.end[^v] = t
				continue
			}
			x.stack[len(x.stack)-1] = ^v
			x.pre[v] = t
			t++
			x.stack = append(x.stack, x.kids[v]...)
		}
	}
	o.spend(2 * n)
}

// decide returns where e should go instead of child, or nil.
func (o *optimizer) decide(e *edge, child *block) *block {
	x := &o.tidx
	code, a, opd := int(child.s.code), child.opt.val[atomA], child.opt.oval
	isJeq := code == int(bpf.JMP|bpf.JEQ|bpf.K)
	idT, idF := noID, noID // lowest deciding edge for each target
	eid := int32(e.id)
	// e itself, whose own sense is never reversed.
	if absCode(e.code) == code && e.pred.opt.val[atomA] == a {
		taken := e.code > 0
		switch {
		case e.pred.opt.oval == opd && taken:
			idT = eid
		case e.pred.opt.oval == opd || taken && isJeq:
			idF = eid
		}
	}
	// Ancestors with the same test and operand.
	list := x.byTest[testKey{code, a, opd}]
	o.spend(len(list) + 1)
	for _, k := range list {
		if k >= idT && k >= idF {
			break
		}
		if k == eid || !(x.pre[k] <= x.pre[eid] && x.pre[eid] < x.end[k]) {
			continue
		}
		if o.edgeTaken(k) {
			idT = min(idT, k)
		} else {
			idF = min(idF, k)
		}
	}
	// Ancestors that are taken "jeq"s on A with another operand.
	if isJeq {
		if p := o.etree.parent[eid]; p != noEdge {
			j := o.takenJeqs(p, a)
			k := j.id1
			if j.opd1 == opd {
				k = j.id2
			}
			idF = min(idF, k)
		}
	}
	if idT != noID && useConflict(e.pred, child.jt) {
		idT = noID
	}
	if idF != noID && useConflict(e.pred, child.jf) {
		idF = noID
	}
	switch {
	case idT < idF:
		return child.jt
	case idF < idT:
		return child.jf
	}
	return nil
}

// takenJeqs returns the two lowest taken "jeq #k" edges on A value a
// among edge k and its ancestors, with different operands.
func (o *optimizer) takenJeqs(k int32, a uint32) twoJeq {
	x := &o.tidx
	// Go up to an edge already known (or past the top), then fill in
	// going back down.
	x.path = x.path[:0]
	acc := twoJeq{noID, noID, 0}
	for ; k != noEdge; k = o.etree.parent[k] {
		if j, ok := x.jeqs[jeqKey{k, a}]; ok {
			acc = j
			break
		}
		x.path = append(x.path, k)
	}
	o.spend(len(x.path) + 1)
	for i := len(x.path) - 1; i >= 0; i-- {
		k := x.path[i]
		e := o.edges[k]
		if absCode(e.code) == int(bpf.JMP|bpf.JEQ|bpf.K) && e.pred.opt.val[atomA] == a && o.edgeTaken(k) {
			acc = addJeq(acc, k, e.pred.opt.oval)
		}
		x.jeqs[jeqKey{k, a}] = acc
	}
	return acc
}

// addJeq adds edge k with operand opd to the summary j.
func addJeq(j twoJeq, k int32, opd uint32) twoJeq {
	switch {
	case j.id1 == noID:
		return twoJeq{k, noID, opd}
	case k < j.id1:
		if opd == j.opd1 {
			return twoJeq{k, j.id2, opd}
		}
		return twoJeq{k, j.id1, opd}
	case opd != j.opd1 && k < j.id2:
		j.id2 = k
	}
	return j
}

// checkDecide, when set (by tests), is called with every answer of
// decide.
var checkDecide func(o *optimizer, e *edge, child *block, got *block)
