package filter

import "strings"

// parse lexes and parses expr, generating code as it goes, and returns the
// expression's block (nil for an empty expression).
func (c *compiler) parse(expr string) *block {
	if strings.TrimSpace(expr) == "" {
		return nil
	}
	c.fail("pcapshim: filter expressions are not supported yet; run without a filter expression")
	return nil
}
