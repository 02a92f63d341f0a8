package filter

// Address primitives with their qualifiers: a name (genScode), a number or
// partial IPv4 address (genNcode; s is "" for a plain number), a network
// with mask or prefix length (genMcode; s2 is "" for a prefix length), an
// IPv6 address or network (genMcode6).
func (c *compiler) genScode(name string, q qual) *block        { return c.notYet("names") }
func (c *compiler) genNcode(s string, v uint32, q qual) *block { return c.notYet("addresses") }
func (c *compiler) genMcode(s1, s2 string, masklen uint32, q qual) *block {
	return c.notYet("networks")
}
func (c *compiler) genMcode6(s string, masklen uint32, q qual) *block { return c.notYet("IPv6") }

// genProtoAbbrev is a protocol keyword on its own ("ip", "tcp", "l1", ...).
func (c *compiler) genProtoAbbrev(proto int) *block { return c.notYet("protocols") }

// "[proto] broadcast", "[proto] multicast", "less N", "greater N",
// "byte IDX OP VAL" (op is one of & | < > =).
func (c *compiler) genBroadcast(proto int) *block           { return c.notYet("broadcast") }
func (c *compiler) genMulticast(proto int) *block           { return c.notYet("multicast") }
func (c *compiler) genLess(n uint32) *block                 { return c.notYet("less") }
func (c *compiler) genGreater(n uint32) *block              { return c.notYet("greater") }
func (c *compiler) genByteop(op byte, idx, v uint32) *block { return c.notYet("byte") }

// Arithmetic: constants, "proto[inst:size]", "len", negation, binary
// operators (op is bpf.ADD, SUB, MUL, DIV, MOD, AND, OR, XOR, LSH, RSH),
// and relations (op is bpf.JEQ, JGT or JGE; reversed negates, giving !=,
// <= and <).
func (c *compiler) genLoadi(v uint32) *arth { c.notYet("arithmetic"); return nil }
func (c *compiler) genLoad(proto int, inst *arth, size uint32) *arth {
	c.notYet("arithmetic")
	return nil
}
func (c *compiler) genLoadlen() *arth                     { c.notYet("arithmetic"); return nil }
func (c *compiler) genNeg(a *arth) *arth                  { c.notYet("arithmetic"); return nil }
func (c *compiler) genArth(op uint16, a0, a1 *arth) *arth { c.notYet("arithmetic"); return nil }
func (c *compiler) genRelation(op uint16, a0, a1 *arth, reversed bool) *block {
	return c.notYet("relations")
}
