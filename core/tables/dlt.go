package tables

import (
	"sort"
	"strconv"
)

// lookupDLT finds the table entry for a DLT_ value.
func lookupDLT(v int) (dlt, bool) {
	i := sort.Search(len(dltTable), func(i int) bool { return dltTable[i].val >= v })
	if i < len(dltTable) && dltTable[i].val == v {
		return dltTable[i], true
	}
	return dlt{}, false
}

// DLTName is pcap_datalink_val_to_name: the DLT_ name of v without the
// "DLT_" prefix ("EN10MB" for 1). It reports false, where libpcap returns
// NULL, for a value it does not know.
func DLTName(v int) (string, bool) {
	d, ok := lookupDLT(v)
	return d.name, ok
}

// DLTDescription is pcap_datalink_val_to_description: a short description
// of the link-layer header type v ("Ethernet" for 1), or false (NULL) if
// the value is unknown.
func DLTDescription(v int) (string, bool) {
	d, ok := lookupDLT(v)
	return d.desc, ok
}

// DLTDescriptionOrDLT is pcap_datalink_val_to_description_or_dlt: the
// description of v if libpcap knows one, and otherwise the text "DLT "
// followed by v in decimal, with a minus sign if negative ("DLT 3",
// "DLT -1"), the format "DLT %d" in C terms.
func DLTDescriptionOrDLT(v int) string {
	if d, ok := lookupDLT(v); ok {
		return d.desc
	}
	return "DLT " + strconv.Itoa(v)
}

// DLTFromName is pcap_datalink_name_to_val: the value whose name equals name
// ignoring the case of ASCII letters, or -1 if there is none. The name is
// taken without the "DLT_" prefix: "en10mb" gives 1 but "DLT_EN10MB" gives
// -1, as in libpcap.
func DLTFromName(name string) int {
	for _, d := range dltTable {
		if equalFoldASCII(d.name, name) {
			return d.val
		}
	}
	return -1
}

// DLTs returns every value the table names, in ascending order. The slice
// is the caller's to keep or change.
func DLTs() []int {
	out := make([]int, len(dltTable))
	for i, d := range dltTable {
		out[i] = d.val
	}
	return out
}
