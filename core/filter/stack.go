package filter

// Encapsulations that shift the offsets of what follows them in the
// expression: "vlan [id]", "mpls [label]", "pppoed", "pppoes [id]",
// "geneve [vni]", "vxlan [vni]"; and direction and interface primitives.
func (c *compiler) genVlan(num uint32, hasNum bool) *block   { return c.notYet("vlan") }
func (c *compiler) genMpls(label uint32, hasNum bool) *block { return c.notYet("mpls") }
func (c *compiler) genPppoed() *block                        { return c.notYet("pppoed") }
func (c *compiler) genPppoes(id uint32, hasNum bool) *block  { return c.notYet("pppoes") }
func (c *compiler) genGeneve(vni uint32, hasNum bool) *block { return c.notYet("geneve") }
func (c *compiler) genVxlan(vni uint32, hasNum bool) *block  { return c.notYet("vxlan") }

// genInbound is "inbound" (outbound false) or "outbound" (true).
func (c *compiler) genInbound(outbound bool) *block { return c.notYet("inbound/outbound") }
func (c *compiler) genIfindex(ifindex int) *block   { return c.notYet("ifindex") }
