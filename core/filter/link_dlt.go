package filter

import (
	"fmt"

	"github.com/pcapshim/pcapshim/core/tables"
)

// DLT_ values (Linux numbering) of the link types the code generator
// knows by name. Types it treats as opaque (only "link[...]" and
// protocol-free primitives) are not listed.
const (
	dltNULL                 = 0
	dltEN10MB               = 1
	dltEN3MB                = 2
	dltAX25                 = 3
	dltPRONET               = 4
	dltCHAOS                = 5
	dltIEEE802              = 6
	dltARCNET               = 7
	dltSLIP                 = 8
	dltPPP                  = 9
	dltFDDI                 = 10
	dltATM_RFC1483          = 11
	dltRAW                  = 12
	dltSLIP_BSDOS           = 15
	dltPPP_BSDOS            = 16
	dltATM_CLIP             = 19
	dltREDBACK_SMARTEDGE    = 32
	dltPPP_SERIAL           = 50
	dltPPP_ETHER            = 51
	dltSYMANTEC_FIREWALL    = 99
	dltC_HDLC               = 104
	dltIEEE802_11           = 105
	dltFRELAY               = 107
	dltLOOP                 = 108
	dltENC                  = 109
	dltHDLC                 = 112
	dltLINUX_SLL            = 113
	dltLTALK                = 114
	dltPFLOG                = 117
	dltPRISM_HEADER         = 119
	dltIP_OVER_FC           = 122
	dltSUNATM               = 123
	dltIEEE802_11_RADIO     = 127
	dltARCNET_LINUX         = 129
	dltJUNIPER_MLPPP        = 130
	dltJUNIPER_MLFR         = 131
	dltJUNIPER_ES           = 132
	dltJUNIPER_GGSN         = 133
	dltJUNIPER_MFR          = 134
	dltJUNIPER_ATM2         = 135
	dltJUNIPER_SERVICES     = 136
	dltJUNIPER_ATM1         = 137
	dltAPPLE_IP_OVER_1394   = 138
	dltMTP2_WITH_PHDR       = 139
	dltMTP2                 = 140
	dltMTP3                 = 141
	dltIEEE802_11_RADIO_AVS = 163
	dltJUNIPER_MONITOR      = 164
	dltBACNET_MS_TP         = 165
	dltPPP_PPPD             = 166
	dltJUNIPER_PPPOE        = 167
	dltJUNIPER_PPPOE_ATM    = 168
	dltJUNIPER_ETHER        = 178
	dltJUNIPER_PPP          = 179
	dltJUNIPER_FRELAY       = 180
	dltJUNIPER_CHDLC        = 181
	dltMFR                  = 182
	dltJUNIPER_VP           = 183
	dltPPI                  = 192
	dltJUNIPER_ISM          = 194
	dltERF                  = 197
	dltJUNIPER_ST           = 200
	dltAX25_KISS            = 202
	dltJUNIPER_VS           = 232
	dltJUNIPER_SRX_E2E      = 233
	dltJUNIPER_FIBRECHANNEL = 234
	dltJUNIPER_ATM_CEMIC    = 238
	dltIPNET                = 226
	dltIPV4                 = 228
	dltIPV6                 = 229
	dltNETANALYZER          = 240
	dltNETANALYZER_TRANSP   = 241
	dltPFSYNC               = 246
	dltLINUX_SLL2           = 276
	dltDSA_TAG_BRCM         = 281
	dltDSA_TAG_DSA          = 284

	// The range of DLT_ values that equal their LINKTYPE_ values; master
	// accepts any of them as an opaque link type.
	dltMatchingMin = 104
	dltMatchingMax = 301
)

// masterOnlyDLTs names link types libpcap master knows but the system
// libpcap 1.10.3 table in core/tables does not.
var masterOnlyDLTs = map[int][2]string{
	dltEN3MB:             {"EN3MB", "Pre-standard Ethernet"},
	dltAX25:              {"AX25", "AX.25 layer 2"},
	dltPRONET:            {"PRONET", "Proteon ProNET Token Ring"},
	dltCHAOS:             {"CHAOS", "Chaosnet"},
	dltREDBACK_SMARTEDGE: {"REDBACK_SMARTEDGE", "Redback SmartEdge 400/800"},
	209:                  {"I2C_LINUX", "I2C with a Linux-specific pseudo-header"},
	290:                  {"ETW", "Event Tracing for Windows messages"},
	291:                  {"NETANALYZER_NG", "Hilscher netANALYZER NG"},
	292:                  {"ZBOSS_NCP", "ZBOSS NCP protocol with pseudo-header"},
	293:                  {"USB_2_0_LOW_SPEED", "Low-Speed USB 2.0/1.1/1.0 as transmitted over the cable"},
	294:                  {"USB_2_0_FULL_SPEED", "Full-Speed USB 2.0/1.1/1.0 as transmitted over the cable"},
	295:                  {"USB_2_0_HIGH_SPEED", "High-Speed USB 2.0 as transmitted over the cable"},
	296:                  {"AUERSWALD_LOG", "Auerswald Logger Protocol"},
	297:                  {"ZWAVE_TAP", "Z-Wave packets with a TAP meta-data header"},
	298:                  {"SILABS_DEBUG_CHANNEL", "Silicon Labs debug channel protocol"},
	299:                  {"FIRA_UCI", "Ultra-wideband controller interface protocol"},
	300:                  {"MDB", "Multi-Drop Bus"},
	301:                  {"DECT_NR", "DECT New Radio"},
}

// dltNameOf is the DLT_ name of v without its prefix, or "" if unknown.
func dltNameOf(v int) string {
	if n, ok := masterOnlyDLTs[v]; ok {
		return n[0]
	}
	if n, ok := tables.DLTName(v); ok {
		return n
	}
	return ""
}

// dltString describes link type v in error messages the way master does:
// "DLT_NAME (description)", or "DLT v" for a value without a name.
func dltString(v int) string {
	if n, ok := masterOnlyDLTs[v]; ok {
		return fmt.Sprintf("DLT_%s (%s)", n[0], n[1])
	}
	name, okn := tables.DLTName(v)
	desc, okd := tables.DLTDescription(v)
	switch {
	case okn && okd:
		return fmt.Sprintf("DLT_%s (%s)", name, desc)
	case okn:
		return "DLT_" + name
	case okd:
		return fmt.Sprintf("DLT %d (%s)", v, desc)
	}
	return tables.DLTDescriptionOrDLT(v)
}

// failKwOnDLT rejects a keyword the current link type does not support.
func (c *compiler) failKwOnDLT(kw string) {
	c.fail("'%s' not supported on %s", kw, dltString(c.linktype))
}
