package live

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/core"
)

// TestBeforeOpen: an overflow packet need not wait for the ring's open
// block only if it was stamped more than stampMargin before the kernel
// opened that block (ts_first_pkt), in either time stamp precision; a
// block the current batch still holds is never taken for the open one.
func TestBeforeOpen(t *testing.T) {
	const bs = 4096
	opened := time.Unix(1700000000, 500_000_000)
	s := &Source{ring: make([]byte, 2*bs), blockSize: bs, ringBlocks: 2, blocks: 2, cur: 1}
	b := s.unit(1)
	binary.NativeEndian.PutUint32(s.ring[b+blockOpenedOffset:], uint32(opened.Unix()))
	binary.NativeEndian.PutUint32(s.ring[b+blockOpenedOffset+4:], uint32(opened.Nanosecond()))
	at := func(d time.Duration, nano bool) *core.Packet {
		ts := opened.Add(d)
		frac := int64(ts.Nanosecond())
		if !nano {
			frac /= 1000
		}
		return &core.Packet{Sec: ts.Unix(), Frac: frac}
	}
	for _, nano := range []bool{true, false} {
		s.nano = nano
		for _, c := range []struct {
			d    time.Duration
			want bool
		}{
			{-stampMargin - 2*time.Microsecond, true},
			{-time.Second, true},
			{-stampMargin + time.Microsecond, false},
			{0, false},
			{time.Millisecond, false},
		} {
			if got := s.beforeOpen(at(c.d, nano)); got != c.want {
				t.Errorf("nano %v: stamped %v from the opening: beforeOpen %v, want %v", nano, c.d, got, c.want)
			}
		}
	}
	s.done = []int{1} // block 1 is this batch's, not the kernel's
	if s.beforeOpen(at(-time.Second, true)) {
		t.Errorf("a block the batch holds was taken for the open block")
	}
}
