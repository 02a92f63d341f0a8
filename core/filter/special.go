package filter

// Primitives of particular link types: pflog fields, 802.11 frame
// type/subtype/direction, SunATM fields and types, MTP2/MTP3 fields.
func (c *compiler) genPfIfname(s string) *block  { return c.notYet("ifname") }
func (c *compiler) genPfRuleset(s string) *block { return c.notYet("rset") }
func (c *compiler) genPfRnr(n int) *block        { return c.notYet("rnr") }
func (c *compiler) genPfSrnr(n int) *block       { return c.notYet("srnr") }
func (c *compiler) genPfReason(n int) *block     { return c.notYet("reason") }
func (c *compiler) genPfAction(n int) *block     { return c.notYet("action") }

func (c *compiler) genP80211Type(typ, mask uint32) *block { return c.notYet("type/subtype") }
func (c *compiler) genP80211Fcdir(dir uint32) *block      { return c.notYet("dir") }

func (c *compiler) genAtmfieldCode(field int, v uint32, op uint16, reverse bool) *block {
	return c.notYet("vpi/vci")
}
func (c *compiler) genAtmtypeAbbrev(t int) *block  { return c.notYet("ATM types") }
func (c *compiler) genAtmmultiAbbrev(t int) *block { return c.notYet("ATM types") }
func (c *compiler) genMtp2typeAbbrev(t int) *block { return c.notYet("MTP2 types") }
func (c *compiler) genMtp3fieldCode(field int, v uint32, op uint16, reverse bool) *block {
	return c.notYet("MTP3 fields")
}
