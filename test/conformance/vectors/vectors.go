// Package vectors loads libpcap master's filter conformance cases
// (shared/conformance/libpcap-filter-vectors.json) and the capture corpus
// for the two runners that score against them: core/filter's TestVectors
// (the compiler called directly) and test/conformance (the library through
// its C ABI). It also holds what both judge the same way: the semantic
// comparison of an accept case's program, and the score tables.
package vectors

import (
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pcapshim/pcapshim/core/bpf"
	"github.com/pcapshim/pcapshim/core/savefile"
	"github.com/pcapshim/pcapshim/core/tables"
)

// Case is one conformance case; which fields matter depends on Kind
// (accept, apply, reject, other, skip).
type Case struct {
	Label    string  `json:"label"`
	Kind     string  `json:"kind"`
	Expr     string  `json:"expr"`
	DLT      string  `json:"DLT"`
	Snaplen  *uint32 `json:"snaplen"`
	Netmask  *string `json:"netmask"`
	Optimize int     `json:"optimize"`
	// LinuxExt is 1 for cases needing libpcap's private Linux-extension
	// flag ("" otherwise).
	LinuxExt any `json:"linuxext"`
	// Offline is "swapped" or "unswapped" for a program compiled against a
	// savefile of that byte order.
	Offline  string `json:"generate_offline_filter"`
	Expected string `json:"expected"`
	Savefile string `json:"savefile"`
	Timeout  *int   `json:"timeout"`
	CFunc    string `json:"cfuncname"`
	CArg     any    `json:"cfuncarg"`
}

// Arg is an "other" case's argument as text.
func (c *Case) Arg() string {
	switch v := c.CArg.(type) {
	case string:
		return v
	case nil:
		return ""
	}
	return fmt.Sprint(c.CArg)
}

// NeedsLinuxExt reports whether the case needs the Linux-extension flag.
func (c *Case) NeedsLinuxExt() bool {
	switch v := c.LinuxExt.(type) {
	case float64:
		return v != 0
	case string:
		return v != ""
	case bool:
		return v
	}
	return false
}

// SnaplenOr262144 is the case's snapshot length (null means 262144).
func (c *Case) SnaplenOr262144() uint32 {
	if c.Snaplen == nil {
		return 262144
	}
	return *c.Snaplen
}

// NetmaskValue is the case's netmask as pcap_compile takes it (host
// order); null means PCAP_NETMASK_UNKNOWN.
func (c *Case) NetmaskValue() (uint32, error) {
	if c.Netmask == nil {
		return 0xffffffff, nil
	}
	a, err := netip.ParseAddr(*c.Netmask)
	if err != nil || !a.Is4() {
		return 0, fmt.Errorf("bad netmask %q", *c.Netmask)
	}
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]), nil
}

// OtherApplies reports whether an "other" case names a public function.
func (c *Case) OtherApplies() bool {
	switch c.CFunc {
	case "pcap_ether_aton", "pcap_nametoeproto", "pcap_nametollc":
		return true
	}
	return false
}

// SharedDir is $PCAPSHIM_SHARED, or ../shared beside the repository; ok is
// false (with the place looked at) when the conformance data is not there.
func SharedDir() (dir string, ok bool) {
	dir = os.Getenv("PCAPSHIM_SHARED")
	if dir == "" {
		_, file, _, _ := runtime.Caller(0)
		// file is <root>/test/conformance/vectors/vectors.go.
		root := filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(file))))
		dir = filepath.Join(root, "..", "shared")
	}
	_, err := os.Stat(filepath.Join(dir, "conformance", "libpcap-filter-vectors.json"))
	return dir, err == nil
}

// Load reads the cases from shared/conformance.
func Load(shared string) ([]Case, error) {
	data, err := os.ReadFile(filepath.Join(shared, "conformance", "libpcap-filter-vectors.json"))
	if err != nil {
		return nil, err
	}
	var cases []Case
	if err := json.Unmarshal(data, &cases); err != nil {
		return nil, fmt.Errorf("libpcap-filter-vectors.json: %v", err)
	}
	return cases, nil
}

// ReadCapture reads every packet of a pcap or pcapng file with
// core/savefile.
func ReadCapture(path string) (r *savefile.Reader, pkts []bpf.Packet, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	r, err = savefile.Open(f, savefile.Options{})
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	for {
		h, data, err := r.Next()
		switch {
		case err == io.EOF:
			return r, pkts, nil
		case err == savefile.ErrBatchFull:
			r.StartBatch()
			continue
		case err != nil:
			// A bad record ends the loop, as it ends pcap_loop.
			return r, pkts, err
		}
		pkts = append(pkts, bpf.Packet{Data: append([]byte(nil), data...), WireLen: h.Len})
	}
}

var corpus struct {
	once  sync.Once
	byDLT map[int][]bpf.Packet
}

// maxPerDLT bounds the real packets kept per link type (sampled evenly
// from each file).
const maxPerDLT = 400

// Corpus returns real packets of link type dlt from every capture under
// shared/corpus (loaded once; at most maxPerDLT per link type).
func Corpus(shared string, dlt int) []bpf.Packet {
	corpus.once.Do(func() {
		all := map[int][][]bpf.Packet{}
		var paths []string
		filepath.Walk(filepath.Join(shared, "corpus"), func(p string, info os.FileInfo, err error) error {
			if err == nil && info.Mode().IsRegular() && (strings.Contains(info.Name(), ".pcap") || strings.HasSuffix(info.Name(), ".cap")) {
				paths = append(paths, p)
			}
			return nil
		})
		sort.Strings(paths)
		for _, p := range paths {
			r, pkts, _ := ReadCapture(p)
			if r == nil || len(pkts) == 0 {
				continue
			}
			all[r.LinkType()] = append(all[r.LinkType()], pkts)
		}
		corpus.byDLT = map[int][]bpf.Packet{}
		for d, files := range all {
			// Round-robin over the files so that every file contributes.
			var out []bpf.Packet
			for i := 0; len(out) < maxPerDLT; i++ {
				added := false
				for _, f := range files {
					if i < len(f) && len(out) < maxPerDLT {
						out = append(out, f[i])
						added = true
					}
				}
				if !added {
					break
				}
			}
			corpus.byDLT[d] = out
		}
	})
	return corpus.byDLT[dlt]
}

// AcceptResult is how a program compares with an accept case's expected
// program.
type AcceptResult struct {
	Identical bool // same instructions
	Semantic  bool // same verdict on every packet tried
	Packets   int
	Detail    string // on a mismatch: a witness packet and the two verdicts
}

// maxKernelInsns is the Linux kernel's limit on a socket filter (BPF_MAXINSNS).
const maxKernelInsns = 4096

// CompareAccept compares got with the expected program of an accept case,
// running both over real packets of the link type plus generated ones.
func CompareAccept(expected, got []bpf.Insn, seeds []bpf.Packet, budget time.Duration) AcceptResult {
	if err := bpf.Validate(got); err != nil {
		return AcceptResult{Detail: "invalid program: " + err.Error()}
	}
	// The kernel takes at most 4096 instructions: stay within it
	// wherever libpcap does.
	if len(expected) <= maxKernelInsns && len(got) > maxKernelInsns {
		return AcceptResult{Detail: fmt.Sprintf("%d instructions, over the kernel's %d (libpcap: %d)", len(got), maxKernelInsns, len(expected))}
	}
	r := bpf.Equivalent(expected, got, bpf.EquivConfig{Seeds: seeds, MaxTime: budget})
	res := AcceptResult{Semantic: r.Equal, Packets: r.Packets, Identical: sameInsns(expected, got)}
	if !r.Equal {
		w := r.Witness
		res.Detail = fmt.Sprintf("differ on a %d-byte packet (wire %d): expected returns %d%s, got %d%s\n  packet: %x",
			len(w.Data), w.WireLen, r.RetA, errNote(r.ErrA), r.RetB, errNote(r.ErrB), w.Data)
	}
	return res
}

func errNote(err error) string {
	if err == nil {
		return ""
	}
	return " (" + err.Error() + ")"
}

func sameInsns(a, b []bpf.Insn) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Score counts passes out of a total.
type Score struct{ Pass, Total int }

func (s Score) String() string {
	if s.Total == 0 {
		return "0/0"
	}
	return fmt.Sprintf("%d/%d (%.1f%%)", s.Pass, s.Total, 100*float64(s.Pass)/float64(s.Total))
}

// Failures collects per-case failure blocks for a report file.
type Failures struct {
	mu     sync.Mutex
	blocks []string
}

// Add records one failure.
func (f *Failures) Add(c *Case, dlt string, expected, got string) {
	var b strings.Builder
	fmt.Fprintf(&b, "=== %s\nexpr: %q\n", c.Label, c.Expr)
	if dlt != "" {
		fmt.Fprintf(&b, "DLT: %s", dlt)
		if c.Kind == "accept" {
			fmt.Fprintf(&b, "  optimize: %d  snaplen: %d", c.Optimize, c.SnaplenOr262144())
			if c.Netmask != nil {
				fmt.Fprintf(&b, "  netmask: %s", *c.Netmask)
			}
			if c.Offline != "" {
				fmt.Fprintf(&b, "  offline: %s", c.Offline)
			}
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "--- expected:\n%s\n--- got:\n%s\n", strings.TrimRight(expected, "\n"), strings.TrimRight(got, "\n"))
	f.mu.Lock()
	f.blocks = append(f.blocks, b.String())
	f.mu.Unlock()
}

// Len is the number of failures recorded.
func (f *Failures) Len() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.blocks)
}

// Write writes the failures to path, one block per case, in label order.
func (f *Failures) Write(path string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	sort.Strings(f.blocks)
	return os.WriteFile(path, []byte(strings.Join(f.blocks, "\n")), 0o644)
}

// masterDLTs are link-type names libpcap master's
// pcap_datalink_name_to_val knows and 1.10.3's (so core/tables') does not.
var masterDLTs = map[string]int{
	"EN3MB": 2, "AX25": 3, "PRONET": 4, "CHAOS": 5, "REDBACK_SMARTEDGE": 32,
	"I2C_LINUX": 209, "ETW": 290, "NETANALYZER_NG": 291, "ZBOSS_NCP": 292,
	"USB_2_0_LOW_SPEED": 293, "USB_2_0_FULL_SPEED": 294, "USB_2_0_HIGH_SPEED": 295,
	"AUERSWALD_LOG": 296, "ZWAVE_TAP": 297, "SILABS_DEBUG_CHANNEL": 298,
	"FIRA_UCI": 299, "MDB": 300, "DECT_NR": 301,
}

// DLTValue is the DLT_ value of a case's link-type name, as libpcap
// master's pcap_datalink_name_to_val gives it, or -1.
func DLTValue(name string) int {
	if v := tables.DLTFromName(name); v >= 0 {
		return v
	}
	if v, ok := masterDLTs[strings.ToUpper(name)]; ok {
		return v
	}
	return -1
}
