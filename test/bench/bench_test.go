package bench

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/test/testutil"
)

const packets = 1_000_000

// run returns the best-of-rounds ns per packet of one mode.
func run(b *testing.B, lib testutil.Env, bin, mode, file string) float64 {
	r := testutil.Run(b, lib, nil, 5*time.Minute, nil, bin, mode, file, "3")
	if r.Exit != 0 {
		b.Fatalf("%s %s: exit %d: %s", bin, mode, r.Exit, r.Stderr)
	}
	f := strings.Fields(string(r.Stdout))
	ns, _ := strconv.ParseFloat(f[0], 64)
	n, _ := strconv.Atoi(f[1])
	if n != packets {
		b.Fatalf("%s read %d packets, want %d", mode, n, packets)
	}
	return ns / packets
}

// BenchmarkOfflineRead: pcap_loop with a no-op callback and pcap_next_ex
// over the same 1 M-packet file, ours vs the system libpcap, interleaved.
func BenchmarkOfflineRead(b *testing.B) {
	testutil.LibDir(b)
	testutil.SystemLib(b)
	dir := b.TempDir()
	file := filepath.Join(dir, "big.pcap")
	testutil.WriteSizeMix(b, file, packets)
	bin := testutil.BuildC(b, "read", []string{"testdata/read.c"}, "-O2", "-lpcap")
	for _, mode := range []string{"loop", "next"} {
		b.Run(mode, func(b *testing.B) {
			var ours, sys []float64
			for i := 0; i < rounds; i++ {
				sys = append(sys, run(b, testutil.System, bin, mode, file))
				ours = append(ours, run(b, testutil.Ours, bin, mode, file))
			}
			b.Logf("%s: each run is the best of 3 passes over the file (CPU time)", mode)
			testutil.ReportPair(b, "ns/pkt", ours, sys)
		})
	}
}
