package tables

import "testing"

// Pairs from the LINKTYPE_ list that pcap-linktype(7) points to, with the
// DLT_ values of /usr/include/pcap/dlt.h on Linux.
var knownLinkPairs = []struct {
	name         string
	linkType, dl int
}{
	{"NULL", 0, 0},
	{"ETHERNET/EN10MB", 1, 1},
	{"IEEE802_5/IEEE802", 6, 6},
	{"PPP", 9, 9},
	{"PPP_HDLC/PPP_SERIAL", 50, 50},
	{"ATM_RFC1483", 100, 11},
	{"RAW", 101, 12},
	{"SLIP_BSDOS", 102, 15},
	{"PPP_BSDOS", 103, 16},
	{"C_HDLC", 104, 104},
	{"IEEE802_11", 105, 105},
	{"ATM_CLIP", 106, 19},
	{"LOOP", 108, 108},
	{"LINUX_SLL", 113, 113},
	{"USER0", 147, 147},
	{"PFSYNC", 246, 246},
	{"NETLINK", 253, 253},
	{"PKTAP", 258, 258},
	{"LINUX_SLL2", 276, 276},
	{"ATSC_ALP", 289, 289},
}

func TestKnownLinkTypePairs(t *testing.T) {
	for _, p := range knownLinkPairs {
		if got := LinkTypeToDLT(p.linkType); got != p.dl {
			t.Errorf("LinkTypeToDLT(%d) (%s) = %d, want %d", p.linkType, p.name, got, p.dl)
		}
		if got := DLTToLinkType(p.dl); got != p.linkType {
			t.Errorf("DLTToLinkType(%d) (%s) = %d, want %d", p.dl, p.name, got, p.linkType)
		}
	}
}

func TestLinkTypeEdges(t *testing.T) {
	for _, c := range []struct{ dl, want int }{
		{13, -1}, {14, -1}, {100, -1}, {101, -1}, {290, -1},
		{106, 106}, // in the matching range, though it reads back as 19
		{-1, -1}, {103, -1}, {104, 104}, {289, 289},
	} {
		if got := DLTToLinkType(c.dl); got != c.want {
			t.Errorf("DLTToLinkType(%d) = %d, want %d", c.dl, got, c.want)
		}
	}
	// Link types libpcap has no mapping for come back unchanged.
	for _, lt := range []int{11, 12, 13, 290, 1000, 65535} {
		if got := LinkTypeToDLT(lt); got != lt {
			t.Errorf("LinkTypeToDLT(%d) = %d, want it unchanged", lt, got)
		}
	}
	// Every DLT_ that can be written reads back as itself, but for 106:
	// DLT 106 is written as LINKTYPE 106, which is LINKTYPE_ATM_CLIP.
	for dl := -5; dl <= 1000; dl++ {
		if dl == 106 {
			continue
		}
		if lt := DLTToLinkType(dl); lt >= 0 && LinkTypeToDLT(lt) != dl {
			t.Errorf("DLT %d -> LINKTYPE %d -> DLT %d", dl, lt, LinkTypeToDLT(lt))
		}
	}
}

func TestSnaplen(t *testing.T) {
	for _, c := range []struct{ dl, want int }{
		{1, 262144}, {231, 134217728}, {249, 1048576}, {279, 8388608}, {-1, 262144},
	} {
		if got := MaxSnaplenForDLT(c.dl); got != c.want {
			t.Errorf("MaxSnaplenForDLT(%d) = %d, want %d", c.dl, got, c.want)
		}
	}
	for _, c := range []struct {
		dl      int
		snaplen uint32
		want    int
	}{
		{1, 0, 262144}, {1, 65535, 65535}, {1, 300000, 300000},
		{1, 0x80000000, 262144}, {249, 0xffffffff, 1048576},
	} {
		if got := SavefileSnapshot(c.dl, c.snaplen); got != c.want {
			t.Errorf("SavefileSnapshot(%d, %d) = %d, want %d", c.dl, c.snaplen, got, c.want)
		}
	}
}

func TestDLTTableShape(t *testing.T) {
	vals := DLTs()
	if len(vals) != 152 {
		t.Errorf("%d DLTs, libpcap 1.10.3 names 152", len(vals))
	}
	seen := map[string]bool{}
	for i, v := range vals {
		if i > 0 && vals[i-1] >= v {
			t.Errorf("DLTs not strictly ascending at %d: %d then %d", i, vals[i-1], v)
		}
		n, ok := DLTName(v)
		if !ok || n == "" {
			t.Errorf("DLT %d listed but has no name", v)
		}
		if seen[n] {
			t.Errorf("name %q used twice", n)
		}
		seen[n] = true
		if got := DLTFromName(n); got != v {
			t.Errorf("DLTFromName(%q) = %d, want %d", n, got, v)
		}
		if d, ok := DLTDescription(v); !ok || d == "" || DLTDescriptionOrDLT(v) != d {
			t.Errorf("DLT %d: description %q %v, or-dlt %q", v, d, ok, DLTDescriptionOrDLT(v))
		}
	}
	vals[0] = -99 // the caller's copy; the table must not change
	if DLTs()[0] != 0 {
		t.Error("DLTs returned the table itself")
	}
}

func TestNames(t *testing.T) {
	for _, c := range []struct {
		name string
		want int
	}{
		{"EN10MB", 1}, {"en10mb", 1}, {"En10Mb", 1}, {"DLT_EN10MB", -1},
		{"", -1}, {"nonsense", -1}, {"P\u212aTAP", -1}, {"pktap", 258},
		{"linux_sll2", 276}, {"RAW", 12},
	} {
		if got := DLTFromName(c.name); got != c.want {
			t.Errorf("DLTFromName(%q) = %d, want %d", c.name, got, c.want)
		}
	}
	if s := DLTDescriptionOrDLT(3); s != "DLT 3" {
		t.Errorf("DLTDescriptionOrDLT(3) = %q", s)
	}
	if s := DLTDescriptionOrDLT(-7); s != "DLT -7" {
		t.Errorf("DLTDescriptionOrDLT(-7) = %q", s)
	}
	if n, ok := DLTName(2); ok {
		t.Errorf("DLTName(2) = %q, want none", n)
	}
	if got := TstampFromName("HOST_HIPREC_UNSYNCED"); got != TstampHostHiPrecUnsynced {
		t.Errorf("TstampFromName = %d", got)
	}
	if got := TstampFromName("PCAP_TSTAMP_HOST"); got != -1 {
		t.Errorf("TstampFromName(PCAP_TSTAMP_HOST) = %d, want -1", got)
	}
}
