package exanic

import (
	"testing"

	"github.com/pcapshim/pcapshim/core"
)

// BenchmarkDrain64 measures the reader's drain rate of minimum-size frames
// (64 bytes on the wire, one chunk each) from the simulated DMA ring into
// the capture buffer, consumer included: ns/op is per frame, and the
// Mpps metric is the rate. 10 GbE line rate is 14.88 Mpps. The writer
// fills most of a ring between timed drains (so nothing is lapped), and a
// software overflow fails the benchmark.
func BenchmarkDrain64(b *testing.B) {
	g := newBenchRig(b)
	frame := WithFCS(make([]byte, 60))
	batch := make([]core.Packet, 512)
	const per = RingChunks - 1024
	b.ResetTimer()
	b.StopTimer()
	done := 0
	for done < b.N {
		n := per
		if b.N-done < n {
			n = b.N - done
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
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds()/1e6, "Mpps")
}

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
