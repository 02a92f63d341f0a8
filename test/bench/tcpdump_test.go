package bench

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// rounds is how many interleaved runs each comparison makes.
const rounds = 5

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

// BenchmarkTcpdump: stock tcpdump over a 1 M-packet capture of real
// traffic, writing it out (-w) and printing what a filter selects
// (-nr F 'tcp port 80 or udp port 53' > /dev/null): wall and CPU time.
func BenchmarkTcpdump(b *testing.B) {
	testutil.LibDir(b)
	testutil.SystemLib(b)
	tcpdump := testutil.Need(b, "tcpdump", "tcpdump")
	dir := b.TempDir()
	big := filepath.Join(dir, "big.pcap")
	writeTraffic(b, big, packets)
	cases := []struct {
		name string
		argv []string
	}{
		{"write", []string{tcpdump, "-r", big, "-w", filepath.Join(dir, "out.pcap")}},
		{"filter-print", []string{tcpdump, "-nr", big, "tcp port 80 or udp port 53"}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var wall, cpu [2][]float64
			interleave(rounds, func(lib testutil.Env) {
				s := measure(b, lib, c.argv...)
				wall[lib] = append(wall[lib], ms(s.wall))
				cpu[lib] = append(cpu[lib], ms(s.cpu))
			})
			testutil.ReportPair(b, "wall-ms", wall[testutil.Ours], wall[testutil.System])
			testutil.ReportPair(b, "cpu-ms", cpu[testutil.Ours], cpu[testutil.System])
		})
	}
}

// BenchmarkStartup: `tcpdump --version` wall time (the library loaded, the
// Go backend not), and the peak RSS of tcpdump reading and filtering a
// capture (the Go backend loaded).
func BenchmarkStartup(b *testing.B) {
	testutil.LibDir(b)
	testutil.SystemLib(b)
	tcpdump := testutil.Need(b, "tcpdump", "tcpdump")
	b.Run("version", func(b *testing.B) {
		var wall [2][]float64
		interleave(4*rounds, func(lib testutil.Env) {
			wall[lib] = append(wall[lib], ms(measure(b, lib, tcpdump, "--version").wall))
		})
		testutil.ReportPair(b, "wall-ms", wall[testutil.Ours], wall[testutil.System])
	})
	b.Run("rss", func(b *testing.B) {
		dir := b.TempDir()
		f := filepath.Join(dir, "t.pcap")
		writeTraffic(b, f, 100_000)
		var rss [2][]float64
		interleave(rounds, func(lib testutil.Env) {
			s := measure(b, lib, tcpdump, "-nr", f, "tcp port 80")
			rss[lib] = append(rss[lib], float64(s.rssKB)/1024)
		})
		testutil.ReportPair(b, "rss-MB", rss[testutil.Ours], rss[testutil.System])
	})
}

// BenchmarkCompileLong: pcap_compile, optimised, on an "or" of 200 hosts,
// through `tcpdump -d -r F` (libpcap needs about a second here; an "or" of
// 500 hosts takes it 9 s).
func BenchmarkCompileLong(b *testing.B) {
	testutil.LibDir(b)
	testutil.SystemLib(b)
	tcpdump := testutil.Need(b, "tcpdump", "tcpdump")
	f := filepath.Join(b.TempDir(), "t.pcap")
	writeTraffic(b, f, 10)
	parts := make([]string, 200)
	for i := range parts {
		parts[i] = fmt.Sprintf("host 10.0.%d.%d", i/256, i%256)
	}
	expr := strings.Join(parts, " or ")
	var wall [2][]float64
	interleave(3, func(lib testutil.Env) {
		wall[lib] = append(wall[lib], ms(measure(b, lib, tcpdump, "-d", "-r", f, expr).wall))
	})
	testutil.ReportPair(b, "wall-ms", wall[testutil.Ours], wall[testutil.System])
}
