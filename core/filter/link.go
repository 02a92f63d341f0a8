package filter

import "github.com/pcapshim/pcapshim/core/bpf"

// linkLayout is where the fields the code generator needs sit in one link
// type's header: the type/length field, the payload, and the network
// layer relative to the payload with and without an 802.2 SNAP header.
// notSet marks what the link type does not have.
type linkLayout struct {
	linkhdr  uint32 // fixed bytes before the link-layer header
	linktype uint32
	linkpl   uint32
	nl       uint32
	nlNosnap uint32
	hdrVar   bool // a variable-length radio header precedes the link header
	plVar    bool // the link header itself has a variable length
}

// opaqueLayout is the layout of link types on which only "link[...]" and
// protocol-free primitives work.
var opaqueLayout = linkLayout{linktype: notSet, linkpl: notSet, nl: notSet, nlNosnap: notSet}

// linkLayouts gives the layout of every link type the code generator
// knows; link types in the matching range that are not listed are opaque.
var linkLayouts = map[int]linkLayout{
	dltARCNET:       {linktype: 2, linkpl: 6},
	dltARCNET_LINUX: {linktype: 4, linkpl: 8},
	dltEN10MB:       {linktype: 12, linkpl: 14, nlNosnap: 3},
	// The Broadcom and Marvell switch tags sit between the MAC addresses
	// and the Ethernet type.
	dltDSA_TAG_BRCM: {linktype: 16, linkpl: 18, nlNosnap: 3},
	dltDSA_TAG_DSA:  {linktype: 16, linkpl: 18, nlNosnap: 3},
	dltSLIP:         {linktype: notSet, linkpl: 16},
	dltSLIP_BSDOS:   {linktype: notSet, linkpl: 24},
	dltNULL:         {linktype: 0, linkpl: 4},
	dltLOOP:         {linktype: 0, linkpl: 4},
	dltENC:          {linktype: 0, linkpl: 12},
	dltPPP:          {linktype: 2, linkpl: 4},
	dltPPP_PPPD:     {linktype: 2, linkpl: 4},
	dltC_HDLC:       {linktype: 2, linkpl: 4},
	dltHDLC:         {linktype: 2, linkpl: 4},
	dltPPP_SERIAL:   {linktype: 2, linkpl: 4},
	dltPPP_ETHER:    {linktype: 6, linkpl: 8},
	dltPPP_BSDOS:    {linktype: 5, linkpl: 24},
	// FDDI, Token Ring and 802.11 have no type field: the "type" offset
	// is the LLC header, and Ethernet types are looked for in a SNAP
	// header after it. FDDI's offsets grow by fddipad in initLinktype.
	dltFDDI:                 {linktype: 13, linkpl: 13, nl: 8, nlNosnap: 3},
	dltIEEE802:              {linktype: 14, linkpl: 14, nl: 8, nlNosnap: 3},
	dltIEEE802_11:           {linktype: 24, plVar: true, nl: 8, nlNosnap: 3},
	dltPRISM_HEADER:         {linktype: 24, hdrVar: true, plVar: true, nl: 8, nlNosnap: 3},
	dltIEEE802_11_RADIO_AVS: {linktype: 24, hdrVar: true, plVar: true, nl: 8, nlNosnap: 3},
	dltIEEE802_11_RADIO:     {linktype: 24, hdrVar: true, plVar: true, nl: 8, nlNosnap: 3},
	dltPPI:                  {linktype: 24, hdrVar: true, plVar: true, nl: 8, nlNosnap: 3},
	dltATM_RFC1483:          {linktype: 0, linkpl: 0, nl: 8, nlNosnap: 3},
	dltATM_CLIP:             {linktype: 0, linkpl: 0, nl: 8, nlNosnap: 3},
	dltSUNATM:               {linktype: 4, linkpl: 4, nl: 8, nlNosnap: 3},
	dltRAW:                  {linktype: notSet},
	dltIPV4:                 {linktype: notSet},
	dltIPV6:                 {linktype: notSet},
	dltLINUX_SLL:            {linktype: 14, linkpl: 16},
	dltLINUX_SLL2:           {linktype: 0, linkpl: 20},
	dltLTALK:                {linktype: notSet},
	dltIP_OVER_FC:           {linktype: 16, linkpl: 16, nl: 8, nlNosnap: 3},
	dltFRELAY:               {linktype: notSet},
	dltMFR:                  {linktype: notSet, nl: 4},
	dltAPPLE_IP_OVER_1394:   {linktype: 16, linkpl: 18},
	dltSYMANTEC_FIREWALL:    {linktype: 6, linkpl: 44},
	dltPFLOG:                {linktype: 0, plVar: true},
	dltJUNIPER_MFR:          {linktype: 4, linkpl: 4, nlNosnap: notSet},
	dltJUNIPER_MLFR:         {linktype: 4, linkpl: 4, nlNosnap: notSet},
	dltJUNIPER_MLPPP:        {linktype: 4, linkpl: 4, nlNosnap: notSet},
	dltJUNIPER_PPP:          {linktype: 4, linkpl: 4, nlNosnap: notSet},
	dltJUNIPER_CHDLC:        {linktype: 4, linkpl: 4, nlNosnap: notSet},
	dltJUNIPER_FRELAY:       {linktype: 4, linkpl: 4, nlNosnap: notSet},
	dltJUNIPER_ATM1:         {linktype: 4, linkpl: 4, nlNosnap: 10},
	dltJUNIPER_ATM2:         {linktype: 8, linkpl: 8, nlNosnap: 10},
	dltJUNIPER_PPPOE:        {linktype: 16, linkpl: 14, nl: 18, nlNosnap: 21},
	dltJUNIPER_ETHER:        {linktype: 16, linkpl: 14, nl: 18, nlNosnap: 21},
	dltJUNIPER_PPPOE_ATM:    {linktype: 4, linkpl: 6, nlNosnap: notSet},
	dltJUNIPER_GGSN:         {linktype: 6, linkpl: 12, nlNosnap: notSet},
	dltJUNIPER_ES:           {linktype: 6, linkpl: notSet, nl: notSet, nlNosnap: notSet},
	dltJUNIPER_MONITOR:      {linktype: 12, linkpl: 12, nlNosnap: notSet},
	dltJUNIPER_SERVICES:     {linktype: 12, linkpl: notSet, nl: notSet, nlNosnap: notSet},
	dltJUNIPER_VP:           {linktype: 18, linkpl: notSet, nl: notSet, nlNosnap: notSet},
	dltJUNIPER_ST:           {linktype: 18, linkpl: notSet, nl: notSet, nlNosnap: notSet},
	dltJUNIPER_ISM:          {linktype: 8, linkpl: notSet, nl: notSet, nlNosnap: notSet},
	dltJUNIPER_VS:           {linktype: 8, linkpl: notSet, nl: notSet, nlNosnap: notSet},
	dltJUNIPER_SRX_E2E:      {linktype: 8, linkpl: notSet, nl: notSet, nlNosnap: notSet},
	dltJUNIPER_FIBRECHANNEL: {linktype: 8, linkpl: notSet, nl: notSet, nlNosnap: notSet},
	dltJUNIPER_ATM_CEMIC:    {linktype: 8, linkpl: notSet, nl: notSet, nlNosnap: notSet},
	dltBACNET_MS_TP:         opaqueLayout,
	dltMTP2:                 opaqueLayout,
	dltMTP2_WITH_PHDR:       opaqueLayout,
	dltERF:                  opaqueLayout,
	dltPFSYNC:               {linktype: notSet, linkpl: 4},
	dltAX25_KISS:            opaqueLayout,
	dltIPNET:                {linktype: 1, linkpl: 24, nlNosnap: notSet},
	// The netANALYZER types put a 4-byte pseudo-header (and, for the
	// transparent one, the preamble and SFD) before an Ethernet header.
	dltNETANALYZER:        {linkhdr: 4, linktype: 4 + 12, linkpl: 4 + 14, nlNosnap: 3},
	dltNETANALYZER_TRANSP: {linkhdr: 12, linktype: 12 + 12, linkpl: 12 + 14, nlNosnap: 3},
	dltEN3MB:              opaqueLayout,
	dltAX25:               opaqueLayout,
	dltPRONET:             opaqueLayout,
	dltCHAOS:              opaqueLayout,
	dltREDBACK_SMARTEDGE:  opaqueLayout,
}

// ss7Offsets are the MTP2 length indicator (plain and high-speed) and the
// MTP3 SIO/OPC/DPC/SLS offsets of the link types carrying SS7.
var ss7Offsets = map[int][6]uint32{
	dltMTP2:           {2, 4, 3, 4, 4, 7},
	dltMTP2_WITH_PHDR: {6, 8, 7, 8, 8, 11},
	dltERF:            {22, 24, 23, 24, 24, 27},
}

// initLinktype sets the link-layer layout for c.opts.DLT, failing for link
// types libpcap cannot generate code for.
func (c *compiler) initLinktype() {
	dlt := c.opts.DLT
	c.linktype, c.prevLinktype, c.outermostLinktype = dlt, dlt, dlt
	c.fddipad = 0 // pcap_fddipad is 0 on Linux

	c.isATM = false
	c.offVPI, c.offVCI, c.offProto, c.offPayload = notSet, notSet, notSet, notSet
	c.offLi, c.offLiHsl, c.offSio, c.offOpc, c.offDpc, c.offSls = notSet, notSet, notSet, notSet, notSet, notSet
	c.isEncap = false
	c.isVlanVloffset = false
	c.labelStackDepth, c.vlanStackDepth = 0, 0

	l, ok := linkLayouts[dlt]
	if !ok {
		if dlt < dltMatchingMin || dlt > dltMatchingMax {
			// libpcap 1.10's text, which contains master's
			// ("unknown data link type N"): tcpdump prints it.
			c.fail("unknown data link type %d (min %d, max %d)", dlt, 104, 289)
		}
		l = opaqueLayout
	}
	if dlt == dltFDDI {
		l.linktype += c.fddipad
		l.linkpl += c.fddipad
	}
	if dlt == dltSUNATM {
		c.isATM = true
		c.offVPI, c.offVCI, c.offProto, c.offPayload = 1, 2, 0, 4
	}
	if o, ok := ss7Offsets[dlt]; ok {
		c.offLi, c.offLiHsl, c.offSio, c.offOpc, c.offDpc, c.offSls = o[0], o[1], o[2], o[3], o[4], o[5]
	}

	c.offLinkhdr = absOffset{constPart: l.linkhdr, isVariable: l.hdrVar, reg: -1}
	c.offLinktype = absOffset{constPart: l.linktype, reg: -1}
	c.offLinkpl = absOffset{constPart: l.linkpl, isVariable: l.plVar, reg: -1}
	c.offNl, c.offNlNosnap = l.nl, l.nlNosnap
	c.offPrevLinkhdr = c.offLinkhdr
	c.offOutermostLinkhdr = c.offLinkhdr
}

// isWlan reports whether t is 802.11, with or without a radio header.
func isWlan(t int) bool {
	switch t {
	case dltIEEE802_11, dltPRISM_HEADER, dltIEEE802_11_RADIO_AVS, dltIEEE802_11_RADIO, dltPPI:
		return true
	}
	return false
}

// isEtherLike reports whether t carries Ethernet frames whose type field
// genEtherLinktype tests.
func isEtherLike(t int) bool {
	switch t {
	case dltEN10MB, dltNETANALYZER, dltNETANALYZER_TRANSP, dltDSA_TAG_BRCM, dltDSA_TAG_DSA:
		return true
	}
	return false
}

// isJuniper reports whether t is one of Juniper's link types, which all
// start with the same 3-byte magic number and a flags byte.
func isJuniper(t int) bool {
	switch t {
	case dltJUNIPER_MFR, dltJUNIPER_MLFR, dltJUNIPER_MLPPP, dltJUNIPER_ATM1, dltJUNIPER_ATM2,
		dltJUNIPER_PPPOE, dltJUNIPER_PPPOE_ATM, dltJUNIPER_GGSN, dltJUNIPER_ES, dltJUNIPER_MONITOR,
		dltJUNIPER_SERVICES, dltJUNIPER_ETHER, dltJUNIPER_PPP, dltJUNIPER_FRELAY, dltJUNIPER_CHDLC,
		dltJUNIPER_VP, dltJUNIPER_ST, dltJUNIPER_ISM, dltJUNIPER_VS, dltJUNIPER_SRX_E2E,
		dltJUNIPER_FIBRECHANNEL, dltJUNIPER_ATM_CEMIC:
		return true
	}
	return false
}

// Small block builders the link generators share.

// llSet is "(A after s) & v != 0"; llUnset is its negation.
func (c *compiler) llSet(v uint32, s *slist) *block {
	return c.jmpBlock(bpf.JSET, v, s)
}

func (c *compiler) llUnset(v uint32, s *slist) *block {
	b := c.llSet(v, s)
	c.genNot(b)
	return b
}

// llCmpNe is field != v; llMcmpNe is (field & mask) != v.
func (c *compiler) llCmpNe(rel offrel, offset uint32, size uint16, v uint32) *block {
	b := c.genCmp(rel, offset, size, v)
	c.genNot(b)
	return b
}

func (c *compiler) llMcmpNe(rel offrel, offset uint32, size uint16, v, mask uint32) *block {
	b := c.genMcmp(rel, offset, size, v, mask)
	c.genNot(b)
	return b
}

// llAssertMax rejects a value above what a field can hold.
func (c *compiler) llAssertMax(name string, v, max uint32) {
	if v > max {
		c.fail("%s %d greater than maximum %d", name, v, max)
	}
}

// swap32 reverses the bytes of v.
func swap32(v uint32) uint32 {
	return v>>24 | v>>8&0xff00 | v<<8&0xff0000 | v<<24
}

// notYet fails for a primitive whose generator is still missing.
func (c *compiler) notYet(what string) *block {
	c.fail("pcapshim: %s is not supported yet", what)
	return nil
}
