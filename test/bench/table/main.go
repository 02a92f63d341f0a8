// Command table turns the output of `go test -bench` over the project's
// benchmarks into the BENCHMARKS.md table: every benchmark that reports
// ours-<unit> and libpcap-<unit> metrics becomes a row with the ratio,
// the spread and the goal for it; one that reports abs-<unit> (a
// figure with no libpcap counterpart, such as the ExaNIC simulator's)
// becomes a row with ours only, checked against an absolute goal. It reads
// the benchmark output on standard input and writes Markdown on standard
// output.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

// goal is the target of one figure, one of: ours/libpcap at most ratio
// (lower is better), ours/libpcap at least minRatio (higher is better),
// ours at most plusMB above libpcap's, ours zero (noneWhen: where libpcap
// loses some, ours loses none), or, for abs- rows, ours at least atLeast.
type goal struct {
	ratio    float64
	minRatio float64
	plusMB   float64
	noneWhen bool
	atLeast  float64
}

// goals, by benchmark name (without the -GOMAXPROCS suffix) and unit.
var goals = map[string]goal{
	"BenchmarkOfflineRead/loop ns/pkt":      {ratio: 0.8},
	"BenchmarkOfflineRead/next ns/pkt":      {ratio: 0.8},
	"BenchmarkTcpdump/write wall-ms":        {ratio: 1.0},
	"BenchmarkTcpdump/write cpu-ms":         {ratio: 1.0},
	"BenchmarkTcpdump/filter-print wall-ms": {ratio: 1.0},
	"BenchmarkTcpdump/filter-print cpu-ms":  {ratio: 1.0},
	"BenchmarkFilter/typical ns/pkt":        {ratio: 0.5},
	"BenchmarkFilter/long ns/pkt":           {ratio: 0.5},
	"BenchmarkStartup/version wall-ms":      {ratio: 1.3},
	"BenchmarkStartup/rss rss-MB":           {plusMB: 5},
	"BenchmarkLiveBurst drops":              {noneWhen: true},
	"BenchmarkLiveRate/64B lossfree-kpps":   {minRatio: 1.2},
	"BenchmarkLiveRate/1514B lossfree-kpps": {minRatio: 1.2},
	"BenchmarkDrain64 Mpps":                 {atLeast: 14.88},
	// The arm64 guest (test/arm64, emulated by qemu TCG).
	"BenchmarkArm64OfflineRead/emulated-loop ns/pkt": {ratio: 0.8},
	"BenchmarkArm64OfflineRead/emulated-next ns/pkt": {ratio: 0.8},
}

type row struct {
	name, unit        string
	ours, sys, spread float64
	hasSpread         bool
	abs               bool // ours only (abs-<unit>)
	// bound: ours' figure is only a lower bound (the benchmark reported
	// bound-<unit> > 0: e.g. the load generator, not the library, was the
	// limit in most rounds).
	bound bool
}

var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(-\d+)?\s+\d+\s+(.*)$`)

func parse(r io.Reader) ([]row, []string) {
	var rows []row
	var logs []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	current := ""
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "--- BENCH: ") {
			current = strings.TrimPrefix(strings.TrimPrefix(line, "--- BENCH: "), "Benchmark")
			continue
		}
		if strings.HasPrefix(line, "    ") && strings.Contains(line, "_test.go:") {
			l := strings.TrimSpace(line)
			if i := strings.Index(l, ": "); i >= 0 {
				l = l[i+2:]
			}
			logs = append(logs, current+": "+l)
			continue
		}
		m := benchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		f := strings.Fields(m[3])
		metrics := map[string]float64{}
		for i := 0; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				metrics[f[i+1]] = v
			}
		}
		var units []string
		for u := range metrics {
			if strings.HasPrefix(u, "ours-") {
				units = append(units, strings.TrimPrefix(u, "ours-"))
			}
		}
		var abs []string
		for u := range metrics {
			if strings.HasPrefix(u, "abs-") {
				abs = append(abs, strings.TrimPrefix(u, "abs-"))
			}
		}
		sort.Strings(units)
		sort.Strings(abs)
		for _, u := range abs {
			sp, hs := metrics["spread%-"+u]
			rows = append(rows, row{name: m[1], unit: u, ours: metrics["abs-"+u], spread: sp, hasSpread: hs, abs: true})
		}
		for _, u := range units {
			s, ok := metrics["libpcap-"+u]
			if !ok {
				continue
			}
			sp, hs := metrics["spread%-"+u]
			rows = append(rows, row{name: m[1], unit: u, ours: metrics["ours-"+u], sys: s, spread: sp, hasSpread: hs,
				bound: metrics["bound-"+u] > 0})
			// The same against libpcap in a host made multithreaded (as
			// a Go runtime makes every host): what is ours beyond that.
			if t, ok := metrics["threaded-libpcap-"+u]; ok {
				rows = append(rows, row{name: m[1], unit: u + " vs libpcap in a threaded host",
					ours: metrics["ours-"+u], sys: t})
			}
		}
	}
	return rows, logs
}

func verdict(r row) string {
	g, ok := goals[r.name+" "+r.unit]
	switch {
	case !ok:
		return "—"
	case g.plusMB > 0:
		if r.ours-r.sys <= g.plusMB {
			return fmt.Sprintf("≤ +%g MB: met (%+.1f MB)", g.plusMB, r.ours-r.sys)
		}
		return fmt.Sprintf("≤ +%g MB: **missed** (%+.1f MB)", g.plusMB, r.ours-r.sys)
	case r.abs:
		if g.atLeast == 0 {
			return "—"
		}
		if r.ours >= g.atLeast {
			return fmt.Sprintf("≥ %g: met", g.atLeast)
		}
		return fmt.Sprintf("≥ %g: **missed**", g.atLeast)
	case g.noneWhen:
		switch {
		case r.ours == 0 && r.sys > 0:
			return "0 where libpcap drops: met"
		case r.ours == 0:
			return "0 where libpcap drops: libpcap dropped none either"
		}
		return "0 where libpcap drops: **missed**"
	case g.minRatio > 0 && r.sys > 0:
		if r.ours/r.sys >= g.minRatio {
			return fmt.Sprintf("≥ %g×: met", g.minRatio)
		}
		if r.bound {
			return fmt.Sprintf("≥ %g×: not measurable here (ours only a lower bound: the paced sender, on its own CPU, was the limit)", g.minRatio)
		}
		return fmt.Sprintf("≥ %g×: **missed**", g.minRatio)
	case g.ratio > 0 && r.sys > 0:
		if r.ours/r.sys <= g.ratio {
			return fmt.Sprintf("≤ %g×: met", g.ratio)
		}
		return fmt.Sprintf("≤ %g×: **missed**", g.ratio)
	}
	return "—"
}

// num is v with three significant digits, whole numbers from 1000 up.
func num(v float64) string {
	if v >= 1000 || v <= -1000 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.3g", v)
}

func sh(name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(out))
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "?"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "model name") {
			if i := strings.Index(l, ":"); i >= 0 {
				return strings.TrimSpace(l[i+1:])
			}
		}
	}
	return "?"
}

func main() {
	rows, logs := parse(os.Stdin)
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	fmt.Fprintf(w, "# Benchmarks: pcapshim vs the system libpcap\n\n")
	fmt.Fprintf(w, "Generated by `make bench` on %s.\n\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(w, "- Machine: %s, %s, %d CPUs (%s)\n", sh("uname", "-srm"), cpuModel(), runtime.NumCPU(), sh("sh", "-c", "cat /proc/loadavg"))
	fmt.Fprintf(w, "- libpcap: %s; tcpdump: %s\n", sh("sh", "-c", "dpkg-query -W -f '${Version}' libpcap0.8 2>/dev/null || echo ?"), sh("sh", "-c", "tcpdump --version 2>&1 | head -1"))
	fmt.Fprintf(w, "- Method: the same host program against both libraries in one run, interleaved (A B A B …); figures are medians; spread is (max−min)/median of the noisier side. The machine is shared: compare ratios, not absolute times.\n")
	fmt.Fprintf(w, "- Command: `make bench` (`go test -p 1 -run '^$' -bench . -benchtime 1x -count 1 -timeout 60m ./...`, then `go run ./test/bench/table`)\n\n")
	fmt.Fprintf(w, "| benchmark | unit | ours | libpcap | ours/libpcap | spread | goal |\n")
	fmt.Fprintf(w, "|---|---|---:|---:|---:|---:|---|\n")
	for _, r := range rows {
		ratio, sys := "—", num(r.sys)
		if r.abs {
			sys = "(none)"
		} else if r.sys > 0 {
			ratio = fmt.Sprintf("%.2f×", r.ours/r.sys)
		}
		sp := "—"
		if r.hasSpread {
			sp = fmt.Sprintf("%.0f%%", r.spread)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n",
			strings.TrimPrefix(r.name, "Benchmark"), r.unit, num(r.ours), sys, ratio, sp, verdict(r))
	}
	notes := map[string]string{
		"BenchmarkArm64":  "Arm64…: `make bench-arm64` (build/bench-arm64.txt, included when present): the offline read benchmark in the arm64 VM of `make test-arm64`, Debian's arm64 libpcap vs ours; emulated-* rows ran under qemu's TCG (emulated arm64 on this host: the ratio says something, the times nothing about arm64 hardware).",
		"BenchmarkLive":   "Live…: stock tcpdump -w (default settings, a file in tmpfs) on a veth pair in a namespace the benchmark creates, fed by a paced sender on the same machine: the sender and the kernel's delivery compete with tcpdump for the CPUs, so compare ratios; a rate marked sender-limited in the raw figures is a lower bound.",
		"BenchmarkExanic": "ExanicTcpdump, Drain64: the ExaNIC simulator (no libpcap counterpart: ours only, against an absolute goal).",
	}
	var keys []string
	for k := range notes {
		for _, r := range rows {
			if strings.HasPrefix(r.name, k) || (k == "BenchmarkExanic" && r.name == "BenchmarkDrain64") {
				keys = append(keys, k)
				break
			}
		}
	}
	sort.Strings(keys)
	if len(keys) > 0 {
		fmt.Fprintln(w)
	}
	for _, k := range keys {
		fmt.Fprintf(w, "- %s\n", notes[k])
	}
	if len(rows) == 0 {
		fmt.Fprintf(w, "\n(no comparable benchmark ran: see the build output)\n")
	}
	fmt.Fprintf(w, "\n## Raw figures\n\n```\n%s\n```\n", strings.Join(logs, "\n"))
}
