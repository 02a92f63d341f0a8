package live

import (
	"regexp"
	"strconv"
	"testing"
	"time"
)

var overloadLine = regexp.MustCompile(`switched off in a sustained overload (\d+) times, back on (\d+) times`)

// TestElasticOverload: a consumer far slower than the traffic for 1.5 s
// (tcpdump -w into a FIFO the test drains at about 20,000 frames a second,
// while 100,000 a second arrive) keeps the overflow socket busy: the
// elastic buffer switches it off (core/live/overload.go). After a calm
// second and a few more frames it is switched back on, by the C loop, or
// by Fill when Go walks the ring. The file holds the overload's frames in
// order (with gaps: drops) and every frame sent after it.
func TestElasticOverload(t *testing.T) {
	needLive(t)
	pace := buildPace(t)
	t.Setenv(bufferEnv, "")
	for _, c := range []struct {
		name  string
		extra []string
	}{
		{"c-walk", nil},
		{"go-walk", []string{cwalkEnv + "=0"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ns := newNS(t)
			f := startFIFO(t, ns, devB, append([]string{"PCAPSHIM_DEBUG=1"}, c.extra...), nil)
			f.slow.Store(true)
			f.drain()

			send := func(pps, ms int) {
				sendFrames(t, ns, pace, strconv.Itoa(pps), strconv.Itoa(ms), "1514")
			}
			// The overload, then the backlog drained at full speed.
			send(100000, 1500)
			f.slow.Store(false)
			f.settle(rxPackets(t, ns, devB))
			// A calm second and a little more: the switch back is due
			// at most rearmDelay (1 s) after the switch off. The next
			// frames find the ring empty after them.
			time.Sleep(1200 * time.Millisecond)
			const after = 200
			send(2000, 100)
			f.settle(rxPackets(t, ns, devB))
			res := f.stop()

			m := overloadLine.FindStringSubmatch(res.stderr)
			if m == nil {
				t.Fatalf("no overload report in:\n%s", res.stderr)
			}
			t.Logf("%s: %s", c.name, m[0])
			if n, _ := strconv.Atoi(m[1]); n == 0 {
				t.Errorf("the overflow socket was not switched off in a sustained overload:\n%s", res.stderr)
			}
			if n, _ := strconv.Atoi(m[2]); n == 0 {
				t.Errorf("the overflow socket was not switched back on after a calm second:\n%s", res.stderr)
			}

			got := seqs(t, f.file)
			// The overload's frames: increasing (drops leave gaps);
			// then the last 200, whole and in order.
			if len(got) < after {
				t.Fatalf("%d frames in the file, want at least the last %d", len(got), after)
			}
			first, last := got[:len(got)-after], got[len(got)-after:]
			for i := 1; i < len(first); i++ {
				if first[i] <= first[i-1] {
					t.Fatalf("overload frame %d has sequence number %d after %d: out of order or repeated",
						i, first[i], first[i-1])
				}
			}
			if len(first) == 0 || first[len(first)-1] == 0 {
				t.Errorf("no overload frames before the last %d", after)
			}
			inOrder(t, last, after)
			if len(last) > 0 && last[0] != 0 {
				t.Errorf("the frames after the overload start at %d, want 0 (some were lost)", last[0])
			}
		})
	}
}
