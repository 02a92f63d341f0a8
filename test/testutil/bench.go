package testutil

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"testing"
	"time"
)

// Median is the middle value of v (the upper one for an even count).
func Median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// Spread is (max-min)/median of v, 0 when the median is not positive.
func Spread(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if m := s[len(s)/2]; m > 0 {
		return (s[len(s)-1] - s[0]) / m
	}
	return 0
}

// ReportPair reports the medians of our and the system libpcap's samples
// of one figure as metrics ours-<unit> and libpcap-<unit>, their spread
// (the larger of the two) as spread%-<unit>, and logs the raw figures:
// test/bench/table turns such metrics into the BENCHMARKS.md table.
func ReportPair(b *testing.B, unit string, ours, sys []float64) {
	b.Helper()
	b.ReportMetric(Median(ours), "ours-"+unit)
	b.ReportMetric(Median(sys), "libpcap-"+unit)
	b.ReportMetric(100*max(Spread(ours), Spread(sys)), "spread%-"+unit)
	b.Logf("%s: ours %s; libpcap %s (%d interleaved runs each)", unit, fmtAll(ours), fmtAll(sys), len(ours))
}

func fmtAll(v []float64) string {
	s := ""
	for i, x := range v {
		if i > 0 {
			s += " "
		}
		s += fmt.Sprintf("%.1f", x)
	}
	return s
}

// WriteSizeMix writes an n-packet Ethernet capture with a realistic size
// mix (many ACK-sized frames, some MTU-sized, some in between); the
// frames' bytes are a counting pattern, not real headers.
func WriteSizeMix(tb testing.TB, path string, n int) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	le := binary.LittleEndian
	var hdr []byte
	for _, v := range []uint32{0xa1b2c3d4, 4<<16 | 2, 0, 0, 262144, 1} {
		hdr = le.AppendUint32(hdr, v)
	}
	w.Write(hdr)
	sizes := []int{64, 64, 66, 74, 90, 128, 342, 576, 1514, 1514}
	frame := make([]byte, 1514)
	for i := range frame {
		frame[i] = byte(i)
	}
	rec := make([]byte, 16)
	for i := 0; i < n; i++ {
		size := sizes[i%len(sizes)]
		le.PutUint32(rec[0:], uint32(1700000000+i/1000))
		le.PutUint32(rec[4:], uint32(i%1000*1000))
		le.PutUint32(rec[8:], uint32(size))
		le.PutUint32(rec[12:], uint32(size))
		w.Write(rec)
		w.Write(frame[:size])
	}
	if err := w.Flush(); err != nil {
		tb.Fatalf("writing %s: %v", path, err)
	}
}

// tcpdumpStats matches the statistics tcpdump prints at the end and on
// SIGUSR1.
var tcpdumpStats = regexp.MustCompile(`(\d+) packets? captured[\s,]+(\d+) packets? received by filter[\s,]+(\d+) packets? dropped by kernel`)

// PollTcpdumpStats asks a running tcpdump for its statistics (signal sends
// it SIGUSR1) and waits, at most 5 s, for a report after the *seen reports
// already read from its stderr (text); it counts the new one in *seen.
// ok is false if none came.
func PollTcpdumpStats(signal func(), text func() string, seen *int) (captured, dropped int, ok bool) {
	signal()
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		all := tcpdumpStats.FindAllStringSubmatch(text(), -1)
		if len(all) > *seen {
			m := all[len(all)-1]
			*seen = len(all)
			captured, _ = strconv.Atoi(m[1])
			dropped, _ = strconv.Atoi(m[3])
			return captured, dropped, true
		}
	}
	return 0, 0, false
}
