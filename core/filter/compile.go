package filter

import (
	"github.com/pcapshim/pcapshim/core/bpf"
)

// Compile translates a pcap-filter(7) expression into a BPF program for a
// handle described by o, as pcap_compile does. The error text is what
// pcap_geterr shows after a failed pcap_compile.
func Compile(expr string, o Options) (prog []bpf.Insn, err error) {
	prog, _, err = compileBudget(expr, o, optBudget)
	return prog, err
}

// compileBudget is Compile with the optimiser's work budget given; it
// also returns the work the optimiser spent (tests bound it).
func compileBudget(expr string, o Options, budget int64) (prog []bpf.Insn, work int64, err error) {
	c := &compiler{opts: o, optBudget: budget}
	defer func() {
		if r := recover(); r != nil {
			ce, ok := r.(compileError)
			if !ok {
				panic(r)
			}
			prog, work, err = nil, c.optWork, ce
		}
	}()
	c.initLinktype()
	var root *block
	if b := c.parse(expr); b != nil {
		root = c.finish(b)
	} else {
		root = c.retBlock(o.Snaplen)
	}
	if o.Optimize && !c.noOptimize {
		root = c.optimizeGraph(root)
		if root == nil || (root.s.code == bpf.RET|bpf.K && root.s.k == 0) {
			c.fail("expression rejects all packets")
		}
	}
	return c.emit(root), c.optWork, nil
}

func (e compileError) Error() string { return e.msg }

// finish closes the parsed expression b: link-type checks that guard the
// whole program are ANDed in front, the statements computing variable
// header offsets are put at the start of the entry block, true exits
// return the snapshot length and false exits return 0. It returns the
// entry block.
func (c *compiler) finish(b *block) *block {
	if chk := c.genPPIDLTCheck(); chk != nil {
		c.genAnd(chk, b)
	}
	c.insertComputeVloffsets(b.head)
	patch(b.tx, c.retBlock(c.opts.Snaplen))
	patch(b.fx, c.retBlock(0))
	return b.head
}
