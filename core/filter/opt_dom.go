package filter

// Block dominators for the pullups.
//
// libpcap computes dominators as bitsets: every block starts with all
// bits set (the root with none), and one walk over the level lists from
// the top adds each block's own bit and intersects its set into its
// successors'. The level lists are those of the start of the pass, while
// the edges are the current ones; after a pullup an edge can lead back
// up to a block the walk has already passed, the sets are then not the
// true dominators, and the pullups that follow depend on exactly what
// the walk computes. The walk costs n bits for each of n blocks and is
// redone after every pullup, which made long expressions quadratic in
// time and memory (2.6 GB for 5000 hosts).
//
// The pullups only ask whether block j's bit is in block x's set, and
// each bit of the walk evolves on its own, so the answer can be worked
// out for that one bit. Call an edge forward if it goes to a block later
// in the walk, and a block "cleared" (for j) if its bit is 0 when the
// walk reaches it: the root is, and so is every block other than j with
// a cleared predecessor through a forward edge. A block's bit ends up 0
// when it is cleared, or when a predecessor through a backward edge is
// (that intersection comes after the block's own turn; for j itself
// only those count, since j sets its bit again on its turn).
//
// A block before j in the walk is cleared exactly when the root reaches
// it through forward edges, which does not depend on j. That is worked
// out in walk order as far as needed and kept; moving an edge only
// forgets it from the edge's old or new target on. (The pullups go up
// the levels, so the questions are mostly about blocks above the edges
// the previous pullups moved.) For blocks
// after j a search back through forward edges, stopping at j and at
// blocks before j, settles the question; its results are kept while j
// and the edges stay the same, which covers one pullup's walk down its
// chain.

// domInfo is what inDom needs, indexed by block number.
type domInfo struct {
	pos   []int32   // position in the walk, -1 if not in it
	preds [][]int32 // predecessors in the walk, once per edge
	order []int32   // the walk
	// reach says whether the root reaches a block through forward
	// edges; it is up to date for the first valid blocks of the walk.
	reach []bool
	valid int

	// Results of the search for one j and one state of the edges.
	memo    []uint32 // session in which memoVal was found
	memoVal []bool
	session uint32
	memoJ   int32
	gen     uint32 // bumped when edges move
	memoGen uint32

	// stale is set when an edge moved without the tracking knowing; the
	// next update then starts again from the blocks' current edges.
	stale bool
}

// findDom sets up the dominator information for the current edges and
// the level lists of the start of the pass.
func (o *optimizer) findDom() {
	d := &o.dom
	n := len(o.blocks)
	if d.pos == nil {
		d.pos = make([]int32, n)
		d.preds = make([][]int32, n)
		d.reach = make([]bool, n)
		d.memo = make([]uint32, n)
		d.memoVal = make([]bool, n)
	}
	for i := 0; i < n; i++ {
		d.pos[i] = -1
		d.preds[i] = d.preds[i][:0]
	}
	d.stale = false
	d.gen++
	d.valid = 0
	d.order = d.order[:0]
	for l := o.root.opt.level; l >= 0; l-- {
		for _, b := range o.levels[l] {
			d.pos[b.opt.num] = int32(len(d.order))
			d.order = append(d.order, int32(b.opt.num))
		}
	}
	for _, v := range d.order {
		b := o.blocks[v]
		if b.jt != nil {
			d.preds[b.jt.opt.num] = append(d.preds[b.jt.opt.num], v)
			d.preds[b.jf.opt.num] = append(d.preds[b.jf.opt.num], v)
		}
	}
	o.spend(len(d.order))
}

// moveEdge points the true (onTrue) or false branch of block p at t,
// keeping the dominator information up to date.
func (o *optimizer) moveEdge(p *block, onTrue bool, t *block) {
	d := &o.dom
	old := p.jf
	if onTrue {
		old = p.jt
		p.jt = t
	} else {
		p.jf = t
	}
	if d.stale {
		o.findDom()
		return
	}
	d.gen++
	pn := int32(p.opt.num)
	if d.pos[pn] < 0 {
		return
	}
	// Forget one edge from p to old, add one to t.
	ps := d.preds[old.opt.num]
	for i, q := range ps {
		if q == pn {
			ps[i] = ps[len(ps)-1]
			d.preds[old.opt.num] = ps[:len(ps)-1]
			break
		}
	}
	o.spend(len(ps))
	d.preds[t.opt.num] = append(d.preds[t.opt.num], pn)
	for _, s := range [2]*block{old, t} {
		if ps := int(d.pos[s.opt.num]); ps > int(d.pos[pn]) && ps < d.valid {
			d.valid = ps
		}
	}
}

// reached reports whether the root reaches block v (in the walk)
// through forward edges.
func (o *optimizer) reached(v int32) bool {
	d := &o.dom
	if p := int(d.pos[v]); p >= d.valid {
		o.spend(p + 1 - d.valid)
		for ; d.valid <= p; d.valid++ {
			u := d.order[d.valid]
			r := u == int32(o.root.opt.num)
			for _, q := range d.preds[u] {
				if d.pos[q] < int32(d.valid) && d.reach[q] {
					r = true
					break
				}
			}
			d.reach[u] = r
		}
	}
	return d.reach[v]
}

// checkDom, when set (by tests), is called with every answer of inDom.
var checkDom func(o *optimizer, j, x *block, got bool)

// inDom reports whether block j is in block x's dominator set as the
// bitset walk described above would compute it.
func (o *optimizer) inDom(j, x *block) bool {
	got := o.inDomBit(j, x)
	if checkDom != nil {
		checkDom(o, j, x, got)
	}
	return got
}

func (o *optimizer) inDomBit(j, x *block) bool {
	if j == o.root {
		return true // nothing clears the root's bit
	}
	if x == o.root {
		return false
	}
	d := &o.dom
	jn, xn := int32(j.opt.num), x.opt.num
	if d.memoJ != jn || d.memoGen != d.gen {
		d.session++
		d.memoJ, d.memoGen = jn, d.gen
	}
	for _, p := range d.preds[xn] {
		if x == j && d.pos[p] < d.pos[xn] {
			continue
		}
		if o.cleared(p, jn) {
			return false
		}
	}
	return true
}

// cleared reports whether block p (in the walk) has j's bit 0 when the
// walk reaches it.
func (o *optimizer) cleared(p, j int32) bool {
	d := &o.dom
	switch {
	case p == int32(o.root.opt.num):
		return true
	case p == j:
		return false
	case d.pos[j] < 0 || d.pos[p] < d.pos[j]:
		return o.reached(p)
	case d.memo[p] == d.session:
		return d.memoVal[p]
	}
	o.spend(1)
	res := false
	for _, q := range d.preds[p] {
		if d.pos[q] < d.pos[p] && o.cleared(q, j) {
			res = true
			break
		}
	}
	d.memo[p], d.memoVal[p] = d.session, res
	return res
}
