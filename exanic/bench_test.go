package exanic

import (
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/pcapshim/pcapshim/core"
)

// BenchmarkDrain64 measures the reader's drain rate of minimum-size frames
// (64 bytes on the wire, one chunk each) from the simulated DMA ring into
// the capture buffer, consumer included: ns/op is per frame, and the
// Mpps metric is the rate. 10 GbE line rate is 14.88 Mpps. The writer
// fills most of a ring between timed drains (so nothing is lapped), and a
// software overflow fails the benchmark. However small b.N (make bench
// runs every benchmark once), at least drainMin frames are drained, and
// the rate is also reported as abs-Mpps, a row of BENCHMARKS.md (goal:
// 14.88 Mpps).
func BenchmarkDrain64(b *testing.B) {
	g := newBenchRig(b)
	frame := WithFCS(make([]byte, 60))
	batch := make([]core.Packet, 512)
	const per = RingChunks - 1024
	b.ResetTimer()
	b.StopTimer()
	total := max(b.N, drainMin)
	done := 0
	for done < total {
		n := per
		if total-done < n {
			n = total - done
		}
		for i := 0; i < n; i++ {
			g.w.Send(frame, StatusOK)
		}
		b.StartTimer()
		got := 0
		for got < n {
			g.s.r.round(0)
			if g.s.r.Poll(roundChunks) == 0 {
				break
			}
			for {
				k, _ := g.s.Fill(batch)
				if k == 0 {
					break
				}
				got += k
			}
		}
		b.StopTimer()
		if got != n || g.s.ctr.Drop != 0 {
			b.Fatalf("drained %d of %d, ps_drop %d", got, n, g.s.ctr.Drop)
		}
		done += n
	}
	mpps := float64(total) / b.Elapsed().Seconds() / 1e6
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(total), "ns/op")
	b.ReportMetric(mpps, "Mpps")
	b.ReportMetric(mpps, "abs-Mpps")
}

// drainMin is the fewest frames BenchmarkDrain64 drains: 128 rings.
const drainMin = 128 * (RingChunks - 1024)

func newBenchRig(b *testing.B) *rig {
	dir := b.TempDir()
	c, err := CreateSim(dir, SimConfig{Ports: []SimPort{{Name: "exb0"}}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	sb := &Sim{Dir: dir}
	cd, err := openCard(sb, c.Dev)
	if err != nil {
		b.Fatal(err)
	}
	ring, err := sb.Mmap(cd.fd, RxOffset(0), RingSize)
	if err != nil {
		b.Fatal(err)
	}
	u, err := newURing(0)
	if err != nil {
		b.Fatal(err)
	}
	s := &Source{b: sb, c: cd, ring: ring, u: u, efd: -1, snaplen: MaxSnaplen, nano: true,
		ctr: new(Counters), done: make(chan struct{})}
	s.r = newReader(ring, u, MaxSnaplen, s.ctr)
	s.r.clk = newClock(cd.regs, nil)
	b.Cleanup(s.Close)
	return &rig{dir: dir, card: c, w: c.Port(0), s: s}
}

// BenchmarkDrain64Live runs the whole source concurrently: the reader on
// its own thread (busy polling) while one goroutine plays the card,
// writing 64-byte frames in bursts that stay less than a ring ahead of the
// reader (a real card does not wait: this measures the pipeline's ceiling
// without losses), and drains them with Fill. Two threads spin: on a
// machine with fewer than two idle cores the figure measures the
// scheduler. ns/op is per frame; Mpps is the delivered rate.
func BenchmarkDrain64Live(b *testing.B) {
	dir := b.TempDir()
	c, err := CreateSim(dir, SimConfig{Ports: []SimPort{{Name: "exb0"}}})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	s, err := Open(Options{Device: "exb0", Backend: &Sim{Dir: dir}, Busy: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	frame := WithFCS(make([]byte, 60))
	batch := make([]core.Packet, 512)
	ctr := s.Counters()
	w := c.Port(0)
	b.ResetTimer()
	sent, got := 0, 0
	for got < b.N {
		for k := 0; k < 4096 && sent < b.N && uint64(sent)-atomic.LoadUint64(&ctr.Recv) < RingChunks-2048; k++ {
			w.Send(frame, StatusOK)
			sent++
		}
		for {
			n, _ := s.Fill(batch)
			if n == 0 {
				break
			}
			got += n
		}
		runtime.Gosched()
	}
	b.StopTimer()
	if ctr.Drop != 0 {
		b.Fatalf("ps_drop %d", ctr.Drop)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds()/1e6, "Mpps")
}
