package bpf

import (
	"debug/elf"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// cflags are the project's rules for C; the driver obeys them too.
var cflags = []string{"-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror"}

// drivers builds driver.c against the system libpcap and against shim/bpf.c,
// and has the system build compile the filter expressions into a program
// file both builds read.
type drivers struct {
	sys, ours, progs string
}

func build(t testing.TB) drivers {
	t.Helper()
	root := testutil.Root(t)
	testutil.SystemLib(t)
	src := filepath.Join(root, "test", "bpf", "testdata", "driver.c")
	var d drivers
	d.sys = testutil.BuildC(t, "driver-libpcap", []string{src},
		append(append([]string{}, cflags...), "-DHAVE_PCAP_COMPILE", "-lpcap")...)
	d.ours = testutil.BuildC(t, "driver-shim", []string{src, filepath.Join(root, "shim", "bpf.c"),
		filepath.Join(root, "shim", "engine.c")},
		append(append([]string{}, cflags...), "-fPIC", "-DHAVE_ENGINE",
			"-I"+filepath.Join(root, "include"), "-I"+filepath.Join(root, "shim"))...)
	// The shim build must not get its BPF from the system library.
	if f, err := elf.Open(d.ours); err != nil {
		t.Fatal(err)
	} else {
		libs, _ := f.ImportedLibraries()
		f.Close()
		for _, l := range libs {
			if strings.Contains(l, "pcap") {
				t.Fatalf("the shim build of the driver links %s", l)
			}
		}
	}
	d.progs = filepath.Join(filepath.Dir(d.sys), "progs.txt")
	run(t, d.sys, "compile", d.progs)
	return d
}

// run runs a driver (statically holding its BPF code or linked to the
// system library; no LD_LIBRARY_PATH either way) and returns its stdout.
func run(t testing.TB, argv ...string) string {
	t.Helper()
	r := testutil.Run(t, testutil.System, nil, 3*time.Minute, nil, argv...)
	if r.TimedOut || r.Exit != 0 {
		t.Fatalf("%v: exit %d %s timedout=%v\n%s", argv, r.Exit, r.Signal, r.TimedOut, r.Stderr)
	}
	return string(r.Stdout)
}

// compare diffs the two builds' output of one mode line by line and fails
// on any difference, showing the first few. It returns libpcap's lines.
func compare(t *testing.T, d drivers, args ...string) []string {
	t.Helper()
	want := strings.Split(run(t, append([]string{d.sys}, args...)...), "\n")
	got := strings.Split(run(t, append([]string{d.ours}, args...)...), "\n")
	if len(want) != len(got) {
		t.Errorf("%v: libpcap printed %d lines, shim/bpf.c %d", args, len(want), len(got))
	}
	n := min(len(want), len(got))
	bad := 0
	for i := 0; i < n; i++ {
		if want[i] == got[i] {
			continue
		}
		bad++
		if bad <= 8 {
			t.Errorf("%v line %d:\n libpcap: %.300q\n    shim: %.300q", args, i+1, want[i], got[i])
		}
	}
	if bad > 0 {
		t.Errorf("%v: %d of %d lines differ", args, bad, n)
	}
	t.Logf("%v: %d lines, %d differ", args, len(want)-1, bad)
	return want[:len(want)-1] // drop what follows the last newline
}

// figure pulls the integers out of the summary line starting with prefix.
func figure(t *testing.T, lines []string, prefix string) []int {
	t.Helper()
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			var out []int
			for _, m := range regexp.MustCompile(`\d+`).FindAllString(l[len(prefix):], -1) {
				v, _ := strconv.Atoi(m)
				out = append(out, v)
			}
			return out
		}
	}
	t.Fatalf("no %q line in the output", prefix)
	return nil
}

func TestAgainstLibpcap(t *testing.T) {
	d := build(t)
	nprogs := len(strings.Split(strings.TrimSpace(run(t, "cat", d.progs)), "\n"))
	if nprogs < 30 {
		t.Fatalf("only %d compiled programs", nprogs)
	}

	t.Run("image", func(t *testing.T) {
		lines := compare(t, d, "image")
		if want := 65536*4 + 256*(38+73); len(lines) != want {
			t.Errorf("%d image lines, want %d", len(lines), want)
		}
	})

	t.Run("dump", func(t *testing.T) {
		lines := compare(t, d, "dump", d.progs)
		// Per program and option a header line; options -1..2 print a
		// line per instruction, 3 and 4 one more.
		if headers := strings.Count(strings.Join(lines, "\n"), "== "); headers != (nprogs+2)*6 {
			t.Errorf("%d dump headers, want %d", headers, (nprogs+2)*6)
		}
	})

	t.Run("validate", func(t *testing.T) {
		const n = 20000
		lines := compare(t, d, "validate", "7", strconv.Itoa(n))
		f := figure(t, lines, "validate:")
		if f[1] != n || f[0] < n/5 || f[0] > n*4/5 {
			t.Errorf("validate: %d of %d accepted: the generator is not mixing valid and invalid programs", f[0], f[1])
		}
		t.Logf("%d of %d random programs valid", f[0], f[1])
	})

	t.Run("filter", func(t *testing.T) {
		const n = 4000
		lines := compare(t, d, "filter", "11", strconv.Itoa(n), d.progs)
		if len(lines) != nprogs+n+2 {
			t.Errorf("%d filter lines, want %d", len(lines), nprogs+n+2)
		}
		for _, l := range lines {
			if strings.HasPrefix(l, "r") && !strings.Contains(l, " v=1 ") {
				t.Errorf("generated program rejected by bpf_validate: %.80s", l)
				break
			}
		}
		f := figure(t, lines, "filter:")
		if f[0] < f[1]/10 || f[0] > f[1]*9/10 {
			t.Errorf("filter: %d of %d verdicts nonzero: packets or programs are degenerate", f[0], f[1])
		}
		t.Logf("%d programs (%d compiled) × 160 packets: %d of %d verdicts nonzero", n+nprogs, nprogs, f[0], f[1])
	})

	t.Run("abort", func(t *testing.T) {
		lines := compare(t, d, "abort")
		runs := 0
		for _, l := range lines {
			if strings.Contains(l, " exit ") {
				runs++
			}
		}
		// 49 opcodes are implemented; every other code tried aborts.
		if len(lines) != 0x204 || runs != 49 {
			t.Errorf("abort: %d lines, %d codes ran; want 516 and 49", len(lines), runs)
		}
		t.Logf("%d codes tried, %d run, the rest abort", len(lines), runs)
	})
}

var nsRE = regexp.MustCompile(`([0-9.]+) ns/packet`)

// benchMode runs a driver bench mode over program idx and returns ns/packet
// ("bench" runs bpf_filter, "bench-engine" runs shim/engine.c).
func benchMode(b *testing.B, mode, drv, progs, idx string, packets int) (float64, string) {
	out := run(b, drv, mode, progs, idx, strconv.Itoa(packets))
	m := nsRE.FindStringSubmatch(out)
	if m == nil {
		b.Fatalf("no ns/packet in %q", out)
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v, strings.TrimSpace(out)
}

// TestEngine checks the capture loop's filter engine (shim/engine.c)
// against bpf_filter: every compiled benchmark program and 20,000 random
// validated programs over the driver's packets, verdict by verdict.
func TestEngine(t *testing.T) {
	d := build(t)
	out := run(t, d.ours, "engine", "7", "20000", d.progs)
	m := regexp.MustCompile(`engine tried=(\d+) built=(\d+) compared=(\d+) mismatches=(\d+) idioms=(\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no summary in:\n%s", out)
	}
	n := make([]int, 5)
	for i := range n {
		n[i], _ = strconv.Atoi(m[i+1])
	}
	if n[3] != 0 {
		t.Errorf("engine and bpf_filter disagree:\n%s", out)
	}
	// Everything bpf_validate accepts and the compiler emits translates
	// (protochain's backward jump included); a refusal means a gap.
	if n[1] != n[0] || n[0] < 1000 {
		t.Errorf("engine translated %d of %d programs", n[1], n[0])
	}
	// Half the random programs are made of the groups the engine fuses
	// (load + equality chain, ldxb + indexed load + jump, load + and +
	// jump), with jumps into their middles.
	if n[4] < 5000 {
		t.Errorf("only %d programs of fused groups were valid (want 5000 of 10000)", n[4])
	}
	t.Logf("%d programs translated (%d of fused groups), %d verdicts compared, all equal", n[1], n[4], n[2])
}

// BenchmarkFilter: a typical program ("tcp port 80 or udp port 53") and a
// long one (seven ports, a host and a net) over 1M packets, with
// libpcap's bpf_filter, ours, and the capture loop's engine (best of five
// rounds of CPU time inside the driver, for each).
func BenchmarkFilter(b *testing.B) {
	d := build(b)
	for _, c := range []struct{ name, expr string }{
		{"typical", "tcp port 80 or udp port 53"},
		{"long", "(tcp port 80 or tcp port 443 or udp port 53"},
	} {
		b.Run(c.name, func(b *testing.B) {
			idx := progIndex(b, d.progs, c.expr)
			// Five interleaved rounds whatever b.N (make bench runs
			// 1x); medians are reported as ours-/libpcap-ns/pkt for
			// test/bench/table, ours being the capture loop's engine.
			var ours, eng, sys []float64
			var line [3]string
			for i := 0; i < 5; i++ {
				o, lo := benchMode(b, "bench", d.ours, d.progs, idx, 1000000)
				e, le := benchMode(b, "bench-engine", d.ours, d.progs, idx, 1000000)
				s, ls := benchMode(b, "bench", d.sys, d.progs, idx, 1000000)
				ours, eng, sys = append(ours, o), append(eng, e), append(sys, s)
				line = [3]string{lo, ls, le}
			}
			// Same packets, same program: the match counts must agree.
			for _, l := range []string{line[0], line[2]} {
				if strings.Split(l, ",")[1] != strings.Split(line[1], ",")[1] {
					b.Errorf("match counts differ:\n ours: %s\n libpcap: %s", l, line[1])
				}
			}
			mo, me, ms := testutil.Median(ours), testutil.Median(eng), testutil.Median(sys)
			b.ReportMetric(me, "ours-ns/pkt")
			b.ReportMetric(ms, "libpcap-ns/pkt")
			b.ReportMetric(mo, "bpf_filter-ns/pkt")
			b.ReportMetric(100*max(testutil.Spread(eng), testutil.Spread(sys)), "spread%-ns/pkt")
			b.Logf("%s: libpcap 1.10.3 bpf_filter %v ns/packet, shim/bpf.c %v, shim/engine.c %v (medians %.2f %.2f %.2f: %.2fx libpcap)",
				c.name, sys, ours, eng, ms, mo, me, me/ms)
		})
	}
}

// progIndex finds the program compiled from the expression starting with
// prefix in the driver's program file.
func progIndex(b *testing.B, progs, prefix string) string {
	data, err := os.ReadFile(progs)
	if err != nil {
		b.Fatal(err)
	}
	for i, l := range strings.Split(string(data), "\n") {
		if j := strings.Index(l, "#"); j >= 0 && strings.HasPrefix(l[j+1:], prefix) {
			return strconv.Itoa(i)
		}
	}
	b.Fatalf("no program for %q in %s", prefix, progs)
	return ""
}
