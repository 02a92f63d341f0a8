package filter

// blockOpt is the optimiser's and emitter's per-block state.
type blockOpt struct{}

// optimizeGraph optimises the program whose entry block is root and
// returns the new entry block.
func (c *compiler) optimizeGraph(root *block) *block { return root }
