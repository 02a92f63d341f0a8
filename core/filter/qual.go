package filter

// qual is the qualifier triple of a primitive ("src tcp port 80": dir src,
// proto tcp, addr port). A zero field means "not given" (default).
type qual struct {
	addr  int
	proto int
	dir   int
}

// Address qualifiers (what the id is).
const (
	qDefault = iota
	qHost
	qNet
	qPort
	qGateway
	qProto
	qProtochain
	qPortrange
)

// Protocol qualifiers. qDefault (0) means none was given.
const (
	qLink = iota + 1
	qIP
	qARP
	qRARP
	qSCTP
	qTCP
	qUDP
	qICMP
	qIGMP
	qIGRP
	qAtalk
	qDECnet
	qLAT
	qSCA
	qMOPRC
	qMOPDL
	qIPv6
	qICMPv6
	qAH
	qESP
	qPIM
	qVRRP
	qAARP
	qISO
	qESIS
	qISIS
	qCLNP
	qSTP
	qIPX
	qNetBEUI
	qISISL1
	qISISL2
	qISISIIH
	qISISSNP
	qISISCSNP
	qISISPSNP
	qISISLSP
	qRadio
	qCARP
)

// Direction qualifiers. qDefault (0) means none was given.
const (
	qSrc = iota + 1
	qDst
	qOr  // "src or dst"
	qAnd // "src and dst"
	qAddr1
	qAddr2
	qAddr3
	qAddr4
	qRA
	qTA
)

// Names of qualifiers as pcap-filter(7) spells them, for error messages.
var (
	addrNames  = [...]string{"", "host", "net", "port", "gateway", "proto", "protochain", "portrange"}
	dirNames   = [...]string{"", "src", "dst", "src or dst", "src and dst", "addr1", "addr2", "addr3", "addr4", "ra", "ta"}
	protoNames = [...]string{"", "link", "ip", "arp", "rarp", "sctp", "tcp", "udp", "icmp", "igmp", "igrp",
		"atalk", "decnet", "lat", "sca", "moprc", "mopdl", "ip6", "icmp6", "ah", "esp", "pim", "vrrp",
		"aarp", "iso", "esis", "isis", "clnp", "stp", "ipx", "netbeui", "l1", "l2", "iih", "snp",
		"csnp", "psnp", "lsp", "radio", "carp"}
)

// ATM fields and abbreviations (SunATM), as the parser passes them to
// genAtmfieldCode, genAtmtypeAbbrev and genAtmmultiAbbrev.
const (
	aVPI = iota + 1
	aVCI
	aProtoType
	aMsgType
	aCallRefType
	aConnectMsg // "connectmsg"
	aMetaConnect
	aOAMF4SC
	aOAMF4EC
	aSC
	aILMIC
	aOAM
	aOAMF4
	aLANE
	aLLC
	aMetaC
	aBCC
)

// MTP2 message types and MTP3 fields (SS7), as the parser passes them to
// genMtp2typeAbbrev and genMtp3fieldCode; the mh* forms are the
// high-speed (Annex A, 12-bit length) variants.
const (
	mFISU = iota + 1
	mLSSU
	mMSU
	mhFISU
	mhLSSU
	mhMSU
	mSIO
	mOPC
	mDPC
	mSLS
	mhSIO
	mhOPC
	mhDPC
	mhSLS
)
