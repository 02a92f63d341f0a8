package tables

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// The value ranges testdata/dump.c walks; keep the two in step.
const (
	dumpLow  = -10
	dumpHigh = 1000
)

// oddNames are names libpcap should not find, or should find only because
// it ignores the case of ASCII letters.
var oddNames = []string{
	"", "nonsense", "DLT_EN10MB", "dlt_en10mb", "DLT_", "EN10MB ", " EN10MB",
	"EN10MB\t", "en10mB", "Ethernet", "ethernet", "EN10M", "EN10MBB",
	"P\u212aTAP", // Kelvin sign: strings.EqualFold would take it for K
	"\u017fLIP",  // long s: strings.EqualFold would take it for s
	"\xc0\xe0",   // Latin-1 bytes, not UTF-8
	"AIRONET_HEADER", "USER0", "USER15", "IEEE802_15_4_WITHFCS",
	"MATCHING_MIN", "MATCHING_MAX", "EN3MB", "AX25", "PRONET", "CHAOS",
	"PCAP_TSTAMP_HOST", "Host", "HOST_HIPREC", "Adapter_Unsynced", "hosts",
	"host_", "HOST_LOWPREC ", "0", "1", "-1",
}

// namesToTry is every name the package knows, in its own case, in lower
// case and with a "DLT_" prefix, then oddNames.
func namesToTry() []string {
	var names []string
	for _, v := range DLTs() {
		n, _ := DLTName(v)
		names = append(names, n, strings.ToLower(n), "DLT_"+n)
	}
	for t := 0; ; t++ {
		n, ok := TstampName(t)
		if !ok {
			break
		}
		names = append(names, n, strings.ToUpper(n))
	}
	return append(names, oddNames...)
}

func orNull(s string, ok bool) string {
	if !ok {
		return "(null)"
	}
	return s
}

// tablesText prints from this package what `dump tables` prints from
// libpcap, given the same names.
func tablesText(names []string) []string {
	var out []string
	for v := dumpLow; v <= dumpHigh; v++ {
		out = append(out,
			fmt.Sprintf("dlt %d name=%s", v, orNull(DLTName(v))),
			fmt.Sprintf("dlt %d desc=%s", v, orNull(DLTDescription(v))),
			fmt.Sprintf("dlt %d ordlt=%s", v, DLTDescriptionOrDLT(v)),
			fmt.Sprintf("tstamp %d name=%s", v, orNull(TstampName(v))),
			fmt.Sprintf("tstamp %d desc=%s", v, orNull(TstampDescription(v))))
	}
	for _, n := range names {
		out = append(out, fmt.Sprintf("name [%s] dlt=%d tstamp=%d", n,
			DLTFromName(n), TstampFromName(n)))
	}
	return out
}

// linksText prints from this package what `dump links` prints from
// libpcap.
func linksText() []string {
	var out []string
	read := func(lt, snaplen uint32) {
		d := LinkTypeToDLT(int(lt))
		out = append(out, fmt.Sprintf("read %d snaplen=%d dlt=%d snap=%d",
			lt, snaplen, d, SavefileSnapshot(d, snaplen)))
	}
	write := func(dlt int) {
		if lt := DLTToLinkType(dlt); lt >= 0 {
			out = append(out, fmt.Sprintf("write %d linktype=%d", dlt, lt))
		} else {
			out = append(out, fmt.Sprintf("write %d error", dlt))
		}
	}
	for v := uint32(0); v <= dumpHigh; v++ {
		read(v, 0)
	}
	for v := uint32(65530); v <= 65535; v++ {
		read(v, 0)
	}
	snaplens := []uint32{1, 100, 65535, 262144, 262145, 1048576, 1048577,
		8388608, 8388609, 134217728, 134217729, 0x7fffffff, 0x80000000,
		0xffffffff}
	for _, lt := range []uint32{1, 12, 101, 231, 249, 279} {
		for _, s := range snaplens {
			read(lt, s)
		}
	}
	for v := -3; v <= dumpHigh; v++ {
		write(v)
	}
	write(65535)
	return out
}

// runDump builds testdata/dump.c against the system libpcap and runs it.
func runDump(t *testing.T, mode string, stdin []byte) []string {
	t.Helper()
	testutil.SystemLib(t)
	src, err := filepath.Abs(filepath.Join("testdata", "dump.c"))
	if err != nil {
		t.Fatal(err)
	}
	bin := testutil.BuildC(t, "dump", []string{src}, "-lpcap")
	r := testutil.Run(t, testutil.System, stdin, 60*time.Second, nil, bin, mode)
	if r.Exit != 0 || r.TimedOut {
		t.Fatalf("dump %s: exit %d timed out %v\n%s", mode, r.Exit, r.TimedOut, r.Stderr)
	}
	return strings.Split(strings.TrimSuffix(string(r.Stdout), "\n"), "\n")
}

// compareLines fails the test for every line that differs, naming at most
// 20 of them, and logs how many matched.
func compareLines(t *testing.T, want, got []string) {
	t.Helper()
	n := len(want)
	if len(got) > n {
		n = len(got)
	}
	match, shown := 0, 0
	for i := 0; i < n; i++ {
		var w, g string
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w == g {
			match++
			continue
		}
		if shown < 20 {
			t.Errorf("line %d:\n libpcap: %q\n    ours: %q", i+1, w, g)
			shown++
		}
	}
	t.Logf("%d of %d lines match the system libpcap (libpcap printed %d, we printed %d)",
		match, n, len(want), len(got))
	if match != n {
		t.Errorf("%d lines differ", n-match)
	}
}

func TestTablesMatchSystemLibpcap(t *testing.T) {
	names := namesToTry()
	want := runDump(t, "tables", []byte(strings.Join(names, "\n")+"\n"))
	compareLines(t, want, tablesText(names))
}

func TestLinkTypesMatchSystemLibpcap(t *testing.T) {
	compareLines(t, runDump(t, "links", nil), linksText())
}
