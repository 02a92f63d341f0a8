package tables

// Savefiles store LINKTYPE_ values, which are the same on every platform,
// while callers see DLT_ values, which for a few old types differ between
// operating systems. The values here are libpcap 1.10.3's on Linux.

// The range in which a LINKTYPE_ value and the DLT_ value for the same
// link-layer type are equal (DLT_MATCHING_MIN and DLT_MATCHING_MAX).
const (
	MatchingMin = 104
	MatchingMax = 289
)

// linkPair joins a DLT_ value to the LINKTYPE_ value that stands for it in
// savefiles, for the types outside the matching range that libpcap can
// write.
type linkPair struct {
	dlt, linkType int
}

// linkPairs lists every DLT_ value below MatchingMin that libpcap 1.10.3
// writes to a savefile, with the LINKTYPE_ value it writes. Every other DLT_
// value below MatchingMin or above MatchingMax cannot be written.
var linkPairs = [...]linkPair{
	{0, 0},    // NULL
	{1, 1},    // EN10MB / ETHERNET
	{2, 2},    // EN3MB / EXP_ETHERNET
	{3, 3},    // AX25
	{4, 4},    // PRONET
	{5, 5},    // CHAOS
	{6, 6},    // IEEE802 / IEEE802_5
	{7, 7},    // ARCNET / ARCNET_BSD
	{8, 8},    // SLIP
	{9, 9},    // PPP
	{10, 10},  // FDDI
	{11, 100}, // ATM_RFC1483
	{12, 101}, // RAW (Linux's DLT_RAW is 12; LINKTYPE_RAW is 101)
	{15, 102}, // SLIP_BSDOS
	{16, 103}, // PPP_BSDOS
	{19, 106}, // ATM_CLIP (Linux's DLT_ATM_CLIP is 19)
	{50, 50},  // PPP_SERIAL / PPP_HDLC
	{51, 51},  // PPP_ETHER
	{99, 99},  // SYMANTEC_FIREWALL
}

// LINKTYPE_ATM_CLIP lies inside the matching range but is not the value of
// DLT_ATM_CLIP on Linux, so it is looked up in linkPairs instead.
const linkTypeATMCLIP = 106

// LinkTypeToDLT is libpcap's linktype_to_dlt: the DLT_ value a caller sees
// for a savefile whose link-type field (its low 16 bits, with the FCS bits
// already taken off) is lt. Values in the matching range other than
// LINKTYPE_ATM_CLIP, and values libpcap has no mapping for, are returned
// unchanged, since such a value may be a DLT_ written by an old libpcap.
// PFSYNC (246) and PKTAP (258) map to themselves on Linux.
func LinkTypeToDLT(lt int) int {
	if lt >= MatchingMin && lt <= MatchingMax && lt != linkTypeATMCLIP {
		return lt
	}
	for _, p := range linkPairs {
		if p.linkType == lt {
			return p.dlt
		}
	}
	return lt
}

// DLTToLinkType is libpcap's dlt_to_linktype: the LINKTYPE_ value written
// to a savefile for DLT_ value dlt, or -1 if dlt has no LINKTYPE_ value
// (pcap_dump_open then fails: "link-layer type %d isn't supported in
// savefiles").
func DLTToLinkType(dlt int) int {
	if dlt >= MatchingMin && dlt <= MatchingMax {
		return dlt
	}
	for _, p := range linkPairs {
		if p.dlt == dlt {
			return p.linkType
		}
	}
	return -1
}
