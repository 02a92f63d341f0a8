package api

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// runTimeout bounds every run of a test program (they also arm alarm(10)).
const runTimeout = 20 * time.Second

// dirArg in an argument list stands for a fresh scratch directory per run.
const dirArg = "{dir}"

// build compiles testdata/<name>.c against the system headers and -lpcap.
func build(t *testing.T, name string) string {
	t.Helper()
	src := filepath.Join(testutil.Root(t), "test", "api", "testdata", name+".c")
	return testutil.BuildC(t, name, []string{src}, "-Wall", "-Wextra", "-Werror", "-lpcap")
}

// corpus is a path below ../shared/corpus.
func corpus(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join(testutil.Shared(t), "corpus", rel)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("corpus file missing: %v", err)
	}
	return p
}

// glob lists corpus files matching pattern (relative to the corpus), sorted.
func glob(t *testing.T, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(testutil.Shared(t), "corpus", pattern))
	if err != nil || len(m) == 0 {
		t.Fatalf("no corpus files match %s", pattern)
	}
	sort.Strings(m)
	return m
}

func runWith(t *testing.T, lib testutil.Env, bin string, stdin []byte, args []string) testutil.Result {
	t.Helper()
	dir := t.TempDir()
	argv := []string{bin}
	for _, a := range args {
		if a == dirArg {
			a = dir
		}
		argv = append(argv, a)
	}
	return testutil.Run(t, lib, stdin, runTimeout, nil, argv...)
}

// selfCheck (PCAPSHIM_API_SELFCHECK=1) runs every program twice against the
// system libpcap instead of once against each library: it checks that the
// programs' output is deterministic, and needs no built library.
var selfCheck = os.Getenv("PCAPSHIM_API_SELFCHECK") == "1"

// compare runs bin with args against the system libpcap and against ours
// and fails, with a diff, unless stdout, stderr and the exit status match.
// The system run must itself succeed: a failure there is a bug in the test
// program, not in the library.
func compare(t *testing.T, bin string, stdin []byte, args ...string) {
	t.Helper()
	sys := runWith(t, testutil.System, bin, stdin, args)
	if sys.TimedOut || sys.Exit != 0 {
		t.Fatalf("test program fails against the system libpcap (exit %d %s, timed out %v)\nstderr:\n%s",
			sys.Exit, sys.Signal, sys.TimedOut, sys.Stderr)
	}
	lib := testutil.Ours
	if selfCheck {
		lib = testutil.System
	}
	ours := runWith(t, lib, bin, stdin, args)
	if reason, ok := known[t.Name()]; ok && !selfCheck {
		same := !ours.TimedOut && ours.Exit == sys.Exit && ours.Signal == sys.Signal &&
			bytes.Equal(sys.Stdout, ours.Stdout) && bytes.Equal(sys.Stderr, ours.Stderr)
		if same {
			t.Fatalf("%s is listed in known_test.go (%s) but now matches libpcap: remove the entry", t.Name(), reason)
		}
		t.Skipf("KNOWN DIVERGENCE, %s:\n%s", reason, diff(sys.Stdout, ours.Stdout))
	}
	if ours.TimedOut {
		t.Errorf("timed out after %v with our library", runTimeout)
	}
	if ours.Exit != sys.Exit || ours.Signal != sys.Signal {
		t.Errorf("exit status: system %d %s, ours %d %s", sys.Exit, sys.Signal, ours.Exit, ours.Signal)
	}
	if !bytes.Equal(sys.Stdout, ours.Stdout) {
		t.Errorf("stdout differs (- system, + ours):\n%s", diff(sys.Stdout, ours.Stdout))
	}
	if !bytes.Equal(sys.Stderr, ours.Stderr) {
		t.Errorf("stderr differs (- system, + ours):\n%s", diff(sys.Stderr, ours.Stderr))
	}
}

// diff shows how b differs from a, line by line: an LCS alignment of the
// part between their common head and tail ("-" only in a, "+" only in b,
// with a few lines of context), quoting lines that are not printable text.
func diff(a, b []byte) string {
	la, lb := splitLines(a), splitLines(b)
	pre := 0
	for pre < len(la) && pre < len(lb) && la[pre] == lb[pre] {
		pre++
	}
	suf := 0
	for suf < len(la)-pre && suf < len(lb)-pre && la[len(la)-1-suf] == lb[len(lb)-1-suf] {
		suf++
	}
	ma, mb := la[pre:len(la)-suf], lb[pre:len(lb)-suf]
	var sb strings.Builder
	fmt.Fprintf(&sb, "@@ first difference at line %d (system %d lines, ours %d lines)\n", pre+1, len(la), len(lb))
	const ctx, most = 3, 120
	for _, l := range la[max(pre-ctx, 0):pre] {
		sb.WriteString("  " + l + "\n")
	}
	shown := 0
	emit := func(sign, l string) {
		if shown < most {
			sb.WriteString(sign + " " + l + "\n")
		} else if shown == most {
			sb.WriteString("... (more differences left out)\n")
		}
		shown++
	}
	if len(ma)*len(mb) > 4_000_000 {
		for _, l := range ma {
			emit("-", l)
		}
		for _, l := range mb {
			emit("+", l)
		}
	} else {
		// lcs[i][j]: length of the longest common subsequence of ma[i:], mb[j:]
		lcs := make([][]int32, len(ma)+1)
		for i := range lcs {
			lcs[i] = make([]int32, len(mb)+1)
		}
		for i := len(ma) - 1; i >= 0; i-- {
			for j := len(mb) - 1; j >= 0; j-- {
				if ma[i] == mb[j] {
					lcs[i][j] = lcs[i+1][j+1] + 1
				} else {
					lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
				}
			}
		}
		i, j, same := 0, 0, 0
		for i < len(ma) || j < len(mb) {
			switch {
			case i < len(ma) && j < len(mb) && ma[i] == mb[j]:
				if same < ctx {
					emit(" ", ma[i])
				} else if same == ctx {
					emit(" ", "...")
				}
				same++
				i, j = i+1, j+1
				continue
			case j == len(mb) || (i < len(ma) && lcs[i+1][j] >= lcs[i][j+1]):
				emit("-", ma[i])
				i++
			default:
				emit("+", mb[j])
				j++
			}
			same = 0
		}
	}
	for _, l := range la[len(la)-suf : min(len(la), len(la)-suf+ctx)] {
		sb.WriteString("  " + l + "\n")
	}
	return sb.String()
}

func splitLines(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	parts := strings.SplitAfter(string(b), "\n")
	if parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	for i, p := range parts {
		s := strings.TrimSuffix(p, "\n")
		if !printable(s) || !strings.HasSuffix(p, "\n") {
			s = fmt.Sprintf("%q", p)
		}
		parts[i] = s
	}
	return parts
}

func printable(s string) bool {
	for _, r := range s {
		if (r < 0x20 && r != '\t') || r == 0x7f || r == 0xfffd {
			return false
		}
	}
	return true
}

// Inputs shared by several tests.
const (
	pimFile     = "tcpdump/PIMv2_bootstrap.pcap" // 8 packets, EN10MB, LE, micro
	ngFile      = "tcpdump/bgp-role.pcapng"      // 9 packets, LINUX_SLL, pcapng
	beFile      = "tcpdump/slow-ossp.pcap"       // big-endian, EN10MB, micro
	nanoFile    = "tcpdump/timestamp_invalid_nano.pcap"
	ngErrorFile = "pcapng-suite/be/test005.pcapng" // one packet, then an error
)

// TestLifecycle: pcap_create'd handles before activation, pcap_activate on a
// missing device, and setters on activated (dead, offline) handles.
func TestLifecycle(t *testing.T) {
	bin := build(t, "lifecycle")
	compare(t, bin, nil, dirArg, corpus(t, pimFile))
}

// TestDead: pcap_open_dead(_with_tstamp_precision) and the same getters and
// operations on offline handles of several kinds.
func TestDead(t *testing.T) {
	bin := build(t, "dead")
	for _, f := range []string{pimFile, ngFile, beFile, nanoFile} {
		t.Run(filepath.Base(f), func(t *testing.T) {
			compare(t, bin, nil, dirArg, corpus(t, f))
		})
	}
}

// TestOpen: opening savefiles, their errors, and reading every packet.
func TestOpen(t *testing.T) {
	bin := build(t, "open")
	invalid := glob(t, "libpcap/*.p*")
	errs := append([]string{dirArg, "missing.pcap", ".", "empty.pcap", "short.pcap",
		"/nonexistent/dir/x.pcap", "-badprec", corpus(t, pimFile)}, invalid...)
	t.Run("errors", func(t *testing.T) { compare(t, bin, nil, errs...) })
	t.Run("errors-fopen", func(t *testing.T) {
		compare(t, bin, nil, append([]string{dirArg, "-f"}, errs[1:]...)...)
	})
	t.Run("errors-nano", func(t *testing.T) {
		compare(t, bin, nil, append([]string{dirArg, "-n"}, errs[1:]...)...)
	})

	var suite, big []string
	for _, f := range append(glob(t, "pcapng-suite/le/*.pcapng"), glob(t, "pcapng-suite/be/*.pcapng")...) {
		if st, err := os.Stat(f); err == nil && st.Size() > 100000 {
			big = append(big, f)
		} else {
			suite = append(suite, f)
		}
	}
	suite = append(suite, corpus(t, "pcapng-suite/epb.pcapng"))
	t.Run("pcapng-suite", func(t *testing.T) {
		args := append([]string{dirArg}, big...)
		args = append(args, "-v")
		compare(t, bin, nil, append(args, suite...)...)
	})
	t.Run("pcapng-suite-nano", func(t *testing.T) {
		compare(t, bin, nil, append([]string{dirArg, "-n", "-v"}, suite...)...)
	})
	t.Run("tcpdump", func(t *testing.T) {
		compare(t, bin, nil, append([]string{dirArg}, glob(t, "tcpdump/*")...)...)
	})
	t.Run("tcpdump-fopen-nano", func(t *testing.T) {
		compare(t, bin, nil, append([]string{dirArg, "-f", "-n"}, glob(t, "tcpdump/*")...)...)
	})
	some := []string{corpus(t, pimFile), corpus(t, ngFile), corpus(t, beFile), corpus(t, nanoFile), corpus(t, ngErrorFile)}
	t.Run("verbose", func(t *testing.T) {
		compare(t, bin, nil, append([]string{dirArg, "-v"}, some...)...)
	})
	t.Run("verbose-nano", func(t *testing.T) {
		compare(t, bin, nil, append([]string{dirArg, "-v", "-n"}, some...)...)
	})
	t.Run("verbose-fopen", func(t *testing.T) {
		compare(t, bin, nil, append([]string{dirArg, "-v", "-f"}, some...)...)
	})
	t.Run("verbose-fopen-nano", func(t *testing.T) {
		compare(t, bin, nil, append([]string{dirArg, "-v", "-f", "-n"}, some...)...)
	})

	// "-" reads the standard input.
	for _, f := range []string{pimFile, ngFile, beFile, nanoFile, "libpcap/pcap-invalid-version-2.pcap"} {
		data, err := os.ReadFile(corpus(t, f))
		if err != nil {
			t.Fatal(err)
		}
		t.Run("stdin/"+filepath.Base(f), func(t *testing.T) {
			compare(t, bin, data, dirArg, "-v", "-")
		})
		t.Run("stdin-fopen/"+filepath.Base(f), func(t *testing.T) {
			compare(t, bin, data, dirArg, "-v", "-f", "-")
		})
	}
	t.Run("stdin/empty", func(t *testing.T) { compare(t, bin, []byte{}, dirArg, "-") })
}

// TestLoop: pcap_loop/pcap_dispatch counts, pcap_next/pcap_next_ex to the
// end, pcap_breakloop inside callbacks and before calls.
func TestLoop(t *testing.T) {
	bin := build(t, "loop")
	for _, f := range []string{pimFile, ngFile, beFile, ngErrorFile} {
		t.Run(filepath.Base(f), func(t *testing.T) {
			compare(t, bin, nil, dirArg, corpus(t, f))
		})
	}
}

// TestDump: writing savefiles and appending to them; the written bytes are
// compared through hex dumps.
func TestDump(t *testing.T) {
	bin := build(t, "dump")
	t.Run("files", func(t *testing.T) {
		compare(t, bin, nil, dirArg, corpus(t, pimFile), corpus(t, ngFile), corpus(t, beFile), corpus(t, nanoFile))
	})
	for _, f := range []string{pimFile, ngFile, beFile} {
		t.Run("stdout/"+filepath.Base(f), func(t *testing.T) {
			compare(t, bin, nil, dirArg, "-stdout", corpus(t, f))
		})
	}
}

// TestCompile: the empty expression, bpf_dump/bpf_image, bpf_validate,
// bpf_filter, pcap_setfilter and pcap_offline_filter with hand-made
// programs. No expression compiler needed.
func TestCompile(t *testing.T) {
	bin := build(t, "compile")
	for _, f := range []string{pimFile, ngFile} {
		t.Run(filepath.Base(f), func(t *testing.T) {
			compare(t, bin, nil, dirArg, corpus(t, f))
		})
	}
}

// TestFilterExpressions: non-empty filter expressions on dead and offline
// handles, compared by the verdicts their programs give.
func TestFilterExpressions(t *testing.T) {
	bin := build(t, "filter")
	compare(t, bin, nil, dirArg, corpus(t, pimFile))
}

// TestTables: version prefix, status and errno texts, link-type and
// time-stamp-type tables, and pcap_init.
func TestTables(t *testing.T) {
	bin := build(t, "tables")
	t.Run("plain", func(t *testing.T) { compare(t, bin, nil, dirArg) })
	t.Run("init", func(t *testing.T) { compare(t, bin, nil, dirArg, "init") })
	t.Run("init-local", func(t *testing.T) { compare(t, bin, nil, dirArg, "local") })
}

// pcapCount counts the records of a classic little-endian pcap file.
func pcapCount(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 24 || binary.LittleEndian.Uint32(b) != 0xa1b2c3d4 {
		t.Fatalf("%s: not a little-endian microsecond pcap file", path)
	}
	n := 0
	for off := 24; off+16 <= len(b); n++ {
		off += 16 + int(binary.LittleEndian.Uint32(b[off+8:]))
	}
	return n
}

// TestRemoteOursOnly: the remote-capture entry points, which the system
// libpcap (built without remote support) does not export; the program is
// linked against our library and checked against the documented behaviour
// of a libpcap without remote capture: rpcap:// sources and the active-mode
// calls fail at once with a return code and an error text, file:// sources
// work, and nothing crashes or blocks.
func TestRemoteOursOnly(t *testing.T) {
	if selfCheck {
		t.Skip("needs our library (PCAPSHIM_API_SELFCHECK=1)")
	}
	root := testutil.LibDir(t)
	src := filepath.Join(testutil.Root(t), "test", "api", "testdata", "remote.c")
	bin := testutil.BuildC(t, "remote", []string{src}, "-Wall", "-Wextra", "-Werror",
		"-I"+filepath.Join(root, "include"), "-L"+root, "-l:libpcap.so.0.8")
	good, bad := corpus(t, pimFile), corpus(t, "libpcap/pcap-invalid-version-1.pcap")
	r := runWith(t, testutil.Ours, bin, nil, []string{dirArg, good, bad})
	out := string(r.Stdout)
	t.Logf("output:\n%s%s", out, r.Stderr)
	if r.TimedOut || r.Exit != 0 {
		t.Fatalf("remote program: exit %d %s, timed out %v", r.Exit, r.Signal, r.TimedOut)
	}
	must := func(pattern string) {
		t.Helper()
		if !regexp.MustCompile(`(?m)` + pattern).MatchString(out) {
			t.Errorf("no output line matches %s", pattern)
		}
	}
	must(`^open-rpcap-ipv4: handle=0 errlen=[1-9]`)
	must(`^open-rpcap-port: handle=0 errlen=[1-9]`)
	must(`^open-rpcap-ipv6: handle=0 errlen=[1-9]`)
	must(`^open-file: handle=1 `)
	must(fmt.Sprintf(`^open-file: packets=%d last=-2 datalink=1$`, pcapCount(t, good)))
	must(`^open-file-invalid: handle=0 errlen=[1-9]`)
	must(`^open-file-missing: handle=0 errlen=[1-9]`)
	must(`^open-plain-device: handle=0 errlen=[1-9]`)
	must(`^findall-rpcap: ret=-1 errlen=[1-9]`)
	must(`^findall-file: ret=0 `)
	// libpcap names each file "file://" + the directory (with one '/'
	// added if it lacks one) + the file name; that name must open.
	must(`^findall-file: dev name="good.pcap" opens=1$`)
	must(`^findall-file-missing: ret=-1 errlen=[1-9]`)
	must(`^create-file: ret=0 source="file:///tmp/a.pcap" `)
	must(`^create-file-noname: ret=-1 source="[^"]*" errlen=[1-9]`)
	must(`^create-badtype: ret=-1 source="[^"]*" errlen=[1-9]`)
	must(`^create-local: ret=(0 source="[^"]+"|-1 source="[^"]*" errlen=[1-9])`)
	must(`^create-remote: ret=(0 source="rpcap://host:2002/eth0"|-1 source="[^"]*" errlen=[1-9])`)
	must(`^parse-file: ret=0 type=2 host="" port="" name="/tmp/a.pcap" `)
	must(`^parse-local: ret=(0 type=3 host="" port="" name="eth0"|-1 .*errlen=[1-9])`)
	must(`^parse-remote: ret=(0 type=4 host="host" port="2002" name="eth0"|-1 .*errlen=[1-9])`)
	// pcap_remoteact_accept(_ex) return a negative SOCKET on failure:
	// -1 "host not admitted", -2 "unrecoverable error".
	must(`^remoteact_accept: ret=-[12] errlen=[1-9]`)
	must(`^remoteact_accept_ex: ret=-[12] errlen=[1-9]`)
	must(`^remoteact_list: ret=(0|-1 list="" errlen=[1-9])`)
	must(`^remoteact_close: ret=-1 errlen=[1-9]`)
	must(`^remoteact_cleanup: returned$`)
	must(`^done$`)
	if strings.Contains(out, "findall-file: dev name=\"bad.pcap\"") || strings.Contains(out, "/bad.pcap\"") {
		t.Errorf("pcap_findalldevs_ex(file://) lists a file pcap_open_offline refuses")
	}
}
