package tables

// MaximumSnaplen is libpcap 1.10.3's MAXIMUM_SNAPLEN, the largest snapshot
// length for every link-layer type but the three below.
const MaximumSnaplen = 262144

// DLT_ values whose packets may exceed MaximumSnaplen.
const (
	dltDBus    = 231 // DLT_DBUS
	dltUSBPcap = 249 // DLT_USBPCAP
	dltEBHSCR  = 279 // DLT_EBHSCR
)

// MaxSnaplenForDLT is libpcap's max_snaplen_for_dlt: the largest snapshot
// length libpcap uses for link-layer type dlt.
func MaxSnaplenForDLT(dlt int) int {
	switch dlt {
	case dltDBus:
		return 128 * 1024 * 1024
	case dltEBHSCR:
		return 8 * 1024 * 1024
	case dltUSBPcap:
		return 1024 * 1024
	}
	return MaximumSnaplen
}

// SavefileSnapshot is the snapshot length (pcap_snapshot) libpcap 1.10.3
// reports for a pcap savefile whose header gives snaplen and whose link
// type maps to dlt. The header field is taken as a signed 32-bit number;
// when that is 0 or negative, MaxSnaplenForDLT(dlt) is used instead. Larger
// values are kept as they are, even above MaxSnaplenForDLT.
func SavefileSnapshot(dlt int, snaplen uint32) int {
	if s := int32(snaplen); s > 0 {
		return int(s)
	}
	return MaxSnaplenForDLT(dlt)
}
