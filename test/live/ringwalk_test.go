package live

import (
	"regexp"
	"strconv"
	"testing"
)

var batchesLine = regexp.MustCompile(`ring batches filled in C (\d+), in Go (\d+)`)

// ringBatches reads the debug report of who walked the ring: batches the
// C loop filled and batches Go filled.
func ringBatches(t *testing.T, stderr string) (c, g int) {
	t.Helper()
	m := batchesLine.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no ring batches report in:\n%s", stderr)
	}
	c, _ = strconv.Atoi(m[1])
	g, _ = strconv.Atoi(m[2])
	return c, g
}

// TestRingWalk: with nothing to merge from the overflow socket, the C loop
// walks the TPACKET_V3 ring itself (shim/ring.c) and Go fills no batch;
// PCAPSHIM_CWALK=0 keeps the walk in Go. Both give every frame, in order.
func TestRingWalk(t *testing.T) {
	needLive(t)
	bin := buildBurst(t)
	t.Setenv(bufferEnv, "")
	const count = 300 // 450 KB: fits in the 2 MiB ring, nothing overflows
	for _, c := range []struct {
		name  string
		extra []string
		args  []string
		even  bool // the filter passes even sequence numbers only
		inC   bool
	}{
		{"c", nil, nil, false, true},
		{"c-any", []string{"ANY=1"}, []string{"-Q", "in"}, false, true},
		{"c-filter", nil, []string{evenOnly}, true, true},
		{"go", []string{cwalkEnv + "=0"}, nil, false, false},
		{"go-any", []string{cwalkEnv + "=0", "ANY=1"}, []string{"-Q", "in"}, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, dropped, stderr := stalledFrames(t, bin, count, c.even, c.extra, c.args)
			if dropped != 0 {
				t.Errorf("dropped %d", dropped)
			}
			wantSequence(t, got, count, c.even)
			inC, inGo := ringBatches(t, stderr)
			t.Logf("%s: %d frames, batches in C %d, in Go %d", c.name, len(got), inC, inGo)
			if c.inC && (inC == 0 || inGo != 0) {
				t.Errorf("batches in C %d, in Go %d: want all in C", inC, inGo)
			}
			if !c.inC && (inC != 0 || inGo == 0) {
				t.Errorf("batches in C %d, in Go %d with %s=0: want all in Go", inC, inGo, cwalkEnv)
			}
		})
	}
}
