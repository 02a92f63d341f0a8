package tables

// The time stamp types of pcap-tstamp(7), by their PCAP_TSTAMP_ values.
const (
	TstampHost               = 0 // PCAP_TSTAMP_HOST
	TstampHostLowPrec        = 1 // PCAP_TSTAMP_HOST_LOWPREC
	TstampHostHiPrec         = 2 // PCAP_TSTAMP_HOST_HIPREC
	TstampAdapter            = 3 // PCAP_TSTAMP_ADAPTER
	TstampAdapterUnsynced    = 4 // PCAP_TSTAMP_ADAPTER_UNSYNCED
	TstampHostHiPrecUnsynced = 5 // PCAP_TSTAMP_HOST_HIPREC_UNSYNCED
)

// tstamp names and describes one time stamp type; the index into
// tstampTable is its value.
type tstamp struct {
	name, desc string
}

// tstampTable is indexed by PCAP_TSTAMP_ value; the names are those that
// pcap_tstamp_type_val_to_name returns, in lower case.
var tstampTable = [...]tstamp{
	TstampHost:               {"host", "Host"},
	TstampHostLowPrec:        {"host_lowprec", "Host, low precision"},
	TstampHostHiPrec:         {"host_hiprec", "Host, high precision"},
	TstampAdapter:            {"adapter", "Adapter"},
	TstampAdapterUnsynced:    {"adapter_unsynced", "Adapter, not synced with system time"},
	TstampHostHiPrecUnsynced: {"host_hiprec_unsynced", "Host, high precision, not synced with system time"},
}

// TstampName is pcap_tstamp_type_val_to_name: the name of time stamp type
// t ("host", "adapter_unsynced", ...), or false (NULL) if t is unknown.
func TstampName(t int) (string, bool) {
	if t < 0 || t >= len(tstampTable) {
		return "", false
	}
	return tstampTable[t].name, true
}

// TstampDescription is pcap_tstamp_type_val_to_description, or false
// (NULL) if t is unknown.
func TstampDescription(t int) (string, bool) {
	if t < 0 || t >= len(tstampTable) {
		return "", false
	}
	return tstampTable[t].desc, true
}

// TstampFromName is pcap_tstamp_type_name_to_val: the time stamp type named
// name, ignoring the case of ASCII letters, or -1 (PCAP_ERROR) if there is
// none.
func TstampFromName(name string) int {
	for i, ts := range tstampTable {
		if equalFoldASCII(ts.name, name) {
			return i
		}
	}
	return -1
}
