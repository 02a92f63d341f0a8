package bench

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/test/testutil"
)

const packets = 1_000_000

// writeCapture writes a 1 M-packet Ethernet capture with a realistic size
// mix (many small ACK-sized frames, some MTU-sized, some in between).
func writeCapture(b *testing.B, path string) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	le := binary.LittleEndian
	for _, v := range []uint32{0xa1b2c3d4, 4<<16 | 2, 0, 0, 262144, 1} {
		_ = binary.Write(w, le, v)
	}
	sizes := []int{64, 64, 66, 74, 90, 128, 342, 576, 1514, 1514}
	frame := make([]byte, 1514)
	for i := range frame {
		frame[i] = byte(i)
	}
	for i := 0; i < packets; i++ {
		n := sizes[i%len(sizes)]
		for _, v := range []uint32{uint32(1700000000 + i/1000), uint32(i % 1000 * 1000), uint32(n), uint32(n)} {
			_ = binary.Write(w, le, v)
		}
		w.Write(frame[:n])
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
}

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

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// BenchmarkOfflineRead: pcap_loop with a no-op callback and pcap_next_ex
// over the same 1 M-packet file, ours vs the system libpcap, interleaved.
func BenchmarkOfflineRead(b *testing.B) {
	testutil.LibDir(b)
	testutil.SystemLib(b)
	dir := b.TempDir()
	file := filepath.Join(dir, "big.pcap")
	writeCapture(b, file)
	bin := testutil.BuildC(b, "read", []string{"testdata/read.c"}, "-O2", "-lpcap")
	for _, mode := range []string{"loop", "next"} {
		b.Run(mode, func(b *testing.B) {
			var ours, sys []float64
			for i := 0; i < rounds; i++ {
				sys = append(sys, run(b, testutil.System, bin, mode, file))
				ours = append(ours, run(b, testutil.Ours, bin, mode, file))
			}
			b.Logf("%s: each run is the best of 3 passes over the file (CPU time)", mode)
			report(b, "ns/pkt", ours, sys)
		})
	}
}

func fmtAll(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprintf("%.1f", x)
	}
	return strings.Join(s, " ")
}
