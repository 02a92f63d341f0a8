package savefile

// Link-layer type values this package needs by name.
const (
	dltEN10MB            = 1
	dltLinuxSLL          = 113
	dltPFLOG             = 117
	dltUSBLinux          = 189
	dltUSBLinuxMmapped   = 220
	dltDBUS              = 231
	dltNFLOG             = 239
	dltUSBPcap           = 249
	dltLinuxSLL2         = 276
	dltEBHSCR            = 279
	maximumSnaplen       = 262144
	linktypeMask         = 0x03FFFFFF
	linktypeExtMask      = 0xFC000000
	intMax               = 1<<31 - 1
	precisionMicro       = 0
	precisionNano        = 1
	kuznetzovSnapshotPad = 14
)

// linktypeToDLT maps a LINKTYPE_ value from a file to the DLT_ value
// pcap_datalink reports on Linux. Only five values differ; everything else,
// including values libpcap does not know, passes through unchanged.
func linktypeToDLT(lt int) int {
	switch lt {
	case 100: // LINKTYPE_ATM_RFC1483
		return 11
	case 101: // LINKTYPE_RAW
		return 12
	case 102: // LINKTYPE_SLIP_BSDOS
		return 15
	case 103: // LINKTYPE_PPP_BSDOS
		return 16
	case 106: // LINKTYPE_ATM_CLIP
		return 19
	}
	return lt
}

// maxSnaplenForDLT is the largest packet libpcap accepts for a DLT_ value.
func maxSnaplenForDLT(dlt int) uint32 {
	switch dlt {
	case dltDBUS:
		return 128 * 1024 * 1024
	case dltEBHSCR:
		return 8 * 1024 * 1024
	case dltUSBPcap:
		return 1024 * 1024
	}
	return maximumSnaplen
}

// adjustSnapshot is what pcap_snapshot reports for a file's snapshot
// length: 0 and values above INT_MAX become the maximum for the DLT_; other
// values, even absurd ones, are kept.
func adjustSnapshot(dlt int, snaplen uint32) int {
	if snaplen == 0 || snaplen > intMax {
		return int(maxSnaplenForDLT(dlt))
	}
	return int(snaplen)
}
