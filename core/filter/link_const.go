package filter

// Protocol numbers used at the link layer: Ethernet types, 802.2 LLC SAPs,
// PPP protocol numbers and the pseudo types of Linux cooked captures.
// genLinktype takes an Ethernet type (> 1500) or an LLC SAP (<= 1500).
// (The most common ones are in names.go, shared with the net generators.)
const (
	etherMTU = 1500

	ethertypePUP       = 0x0200
	ethertypeNS        = 0x0600
	ethertypeSPRITE    = 0x0500
	ethertypeTRAIL     = 0x1000
	ethertypeTEB       = 0x6558
	ethertypeLANBRIDGE = 0x8038
	ethertypeDECDNS    = 0x803c
	ethertypeDECDTS    = 0x803e
	ethertypeVEXP      = 0x805b
	ethertypeVPROD     = 0x805c
	ethertype8021Q     = 0x8100
	ethertypeIPX       = 0x8137
	ethertypeMPLS      = 0x8847
	ethertypeMPLSMcast = 0x8848
	ethertypePPPOED    = 0x8863
	ethertypePPPOES    = 0x8864
	ethertype8021AD    = 0x88a8
	ethertypeLOOPBACK  = 0x9000
	ethertype8021QINQ  = 0x9100

	llcsapNULL     = 0x00
	llcsapGLOBAL   = 0xff
	llcsap8021BI   = 0x02
	llcsap8021BG   = 0x03
	llcsapIP       = 0x06
	llcsapPROWAYNM = 0x0e
	llcsapRS511    = 0x4e
	llcsapISO8208  = 0x7e
	llcsapPROWAY   = 0x8e
	llcsapSNAP     = 0xaa

	// LLC control field values and masks ("llc s rr", "llc u ui", ...).
	llcSFmt     = 0x01
	llcUFmt     = 0x03
	llcSCmdMask = 0x0f
	llcUCmdMask = 0xef

	// Linux cooked-capture pseudo protocol types.
	linuxSLLP8023 = 0x0001
	linuxSLLP8022 = 0x0004

	// PPP protocol numbers.
	pppIP        = 0x0021
	pppOSI       = 0x0023
	pppNS        = 0x0025
	pppDECNET    = 0x0027
	pppAPPLE     = 0x0029
	pppIPX       = 0x002b
	pppVJC       = 0x002d
	pppVJNC      = 0x002f
	pppBRPDU     = 0x0031
	pppIPV6      = 0x0057
	pppMPLSUcast = 0x0281
	pppMPLSMcast = 0x0283

	// OSI network layer protocol identifiers.
	isoX25ESIS = 0x8a

	// ARCnet system codes (RFC 1201).
	arctypeIP     = 212
	arctypeARP    = 213
	arctypeREVARP = 214
	arctypeATALK  = 221
	arctypeINET6  = 0xc4

	// Solaris ipnet address families.
	ipnetAFInet  = 2
	ipnetAFInet6 = 26

	// BSD address families in DLT_NULL/LOOP/ENC headers and pflog.
	bsdAFInet         = 2
	bsdAFInet6BSD     = 24 // NetBSD, OpenBSD, BSD/OS, Npcap
	bsdAFInet6FreeBSD = 28
	bsdAFInet6Darwin  = 30
	linuxAFInet6      = 10 // this platform's AF_INET6, for live captures

	// SunATM pseudo-header protocol types.
	sunatmPTLANE = 0x01
	sunatmPTLLC  = 0x02

	// 802.11 frame control bits.
	wlanFC0TypeMask    = 0x0c
	wlanFC0TypeMgt     = 0x00
	wlanFC0TypeCtl     = 0x04
	wlanFC0TypeData    = 0x08
	wlanFC0SubtypeMask = 0xf0
	wlanFC0SubtypeQoS  = 0x80
	wlanFC0SubtypeCTS  = 0xc0
	wlanFC0SubtypeACK  = 0xd0
	wlanFC1DirMask     = 0x03
	wlanFC1DirToDS     = 0x01
	wlanFC1DirFromDS   = 0x02
	wlanFC1DirDSToDS   = 0x03
)
