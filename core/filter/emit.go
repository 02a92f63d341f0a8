package filter

import "github.com/pcapshim/pcapshim/core/bpf"

// emit converts the block graph at root into instructions.
func (c *compiler) emit(root *block) []bpf.Insn {
	if root.s.code == bpf.RET|bpf.K && root.stmts == nil {
		return []bpf.Insn{{Code: root.s.code, K: root.s.k}}
	}
	c.fail("pcapshim: emitting programs is not supported yet")
	return nil
}
