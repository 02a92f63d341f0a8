package exanic

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/exanic"
	"github.com/pcapshim/pcapshim/test/testutil"
)

// simCapture is tcpdump -i exsim0 -w FILE through our library on the
// simulated card; the file lives in a tmpfs directory removed at the end,
// rotated in place (-C 100 -W 1) so a long run holds at most about 100 MB.
type simCapture struct {
	b                 *testing.B
	p                 *proc
	w                 *exanic.SimWriter
	seen              int
	captured, dropped int
	frame             []byte
}

func startSimCapture(b *testing.B, size int) *simCapture {
	b.Helper()
	base := "/dev/shm"
	if st, err := os.Stat(base); err != nil || !st.IsDir() {
		base = ""
	}
	out, err := os.MkdirTemp(base, "pcapshim-benchexa-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = os.RemoveAll(out) })
	if err := os.Chmod(out, 0o777); err != nil { // tcpdump may drop to its own user
		b.Fatal(err)
	}
	dir, c := newSim(b, exanic.SimConfig{})
	p := start(b, []string{exanic.SimEnv + "=" + dir}, tcpdump(b), "-i", port0,
		"-w", filepath.Join(out, "sim.pcap"), "-C", "100", "-W", "1")
	p.waitFor(b, "listening on "+port0)
	return &simCapture{b: b, p: p, w: c.Port(0), frame: exanic.WithFCS(frame(1, size-4))}
}

// poll asks tcpdump for its statistics (SIGUSR1) and waits, bounded, for
// the new report.
func (c *simCapture) poll() {
	c.b.Helper()
	var ok bool
	c.captured, c.dropped, ok = testutil.PollTcpdumpStats(
		func() { _ = c.p.cmd.Process.Signal(syscall.SIGUSR1) }, c.p.errText, &c.seen)
	if ok {
		return
	}
	c.b.Fatalf("tcpdump printed no statistics on SIGUSR1 within 5 s:\n%s", c.p.errText())
}

// step plays the card writing frames at pps for d (released every
// millisecond, as many as are due: a card does not wait for its reader),
// waits until tcpdump has captured or lost them all, and returns the rate
// written and what tcpdump captured and dropped meanwhile.
func (c *simCapture) step(pps int, d time.Duration) (kpps float64, sent, captured, dropped int) {
	c.b.Helper()
	c.poll()
	c0, d0 := c.captured, c.dropped
	t0 := time.Now()
	want := int(float64(pps) * d.Seconds())
	for sent < want {
		due := min(want, int(float64(pps)*time.Since(t0).Seconds()))
		for ; sent < due; sent++ {
			c.w.Send(c.frame, exanic.StatusOK)
		}
		time.Sleep(time.Millisecond)
	}
	el := time.Since(t0)
	for end := time.Now().Add(20 * time.Second); ; {
		c.poll()
		if c.captured-c0+c.dropped-d0 >= sent || time.Now().After(end) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	return float64(sent) / el.Seconds() / 1e3, sent, c.captured - c0, c.dropped - d0
}

// BenchmarkExanicTcpdump: the highest rate of 64-byte frames at which
// stock tcpdump -w, through our library on the simulated ExaNIC, keeps up
// without loss (no ps_drop, every frame in the file): a search per round
// (doubling, then bisection, 1-second steps), median of 3 rounds, as
// abs-kpps (no libpcap counterpart). The simulated card is this process
// writing the ring from the CPU, sharing the machine with tcpdump.
func BenchmarkExanicTcpdump(b *testing.B) {
	b.Run("64B", func(b *testing.B) {
		var rates []float64
		for round := 1; round <= 3; round++ {
			c := startSimCapture(b, 64)
			lo, hi := 0.0, 0.0
			target := 500.0
			var log strings.Builder
			for i := 0; i < 7; i++ {
				kpps, sent, capd, drop := c.step(int(target*1e3), time.Second)
				ok := drop == 0 && capd == sent
				fmt.Fprintf(&log, " %.0f→%.0f:", target, kpps)
				if ok {
					log.WriteString("ok")
					lo = max(lo, kpps)
				} else {
					fmt.Fprintf(&log, "lost%d", sent-capd)
					if hi == 0 || kpps < hi {
						hi = kpps
					}
				}
				if hi == 0 {
					target *= 2
					continue
				}
				if hi <= lo*1.1 {
					break
				}
				target = (lo + hi) / 2
				if lo == 0 {
					target = hi / 2
				}
			}
			_ = c.p.cmd.Process.Signal(syscall.SIGINT)
			c.p.wait(b)
			b.Logf("round %d: %.0f kpps; steps asked→written kpps:%s", round, lo, log.String())
			rates = append(rates, lo)
		}
		sort.Float64s(rates)
		b.ReportMetric(rates[len(rates)/2], "abs-kpps")
		b.ReportMetric(100*(rates[len(rates)-1]-rates[0])/max(rates[len(rates)/2], 1), "spread%-kpps")
	})
}
