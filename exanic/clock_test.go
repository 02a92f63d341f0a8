package exanic

import (
	"testing"
)

func TestExpandNearWrap(t *testing.T) {
	cases := []struct {
		base int64
		ts   uint32
		want int64
	}{
		{1<<32 - 10, 5, 1<<32 + 5},           // frame after the wrap, base before
		{1<<32 + 10, 0xFFFFFFF0, 1<<32 - 16}, // frame before the wrap, base after
		{5 << 32, 0x40000000, 5<<32 + 0x40000000},
		{5<<32 + 0x40000000, 0, 5 << 32},                                  // -2^30: the validity edge
		{5<<32 + 0x40000000, 0x7FFFFFFF, 5<<32 + 0x7FFFFFFF},              // +2^30 - 1
		{5<<32 + 0x40000000, 0xC0000000, 5<<32 + 0x40000000 - 0x80000000}, // -2^31 (ambiguous edge: below)
		{5<<32 + 0x40000000, 0xBFFFFFFF, 5<<32 + 0x40000000 + 0x7FFFFFFF}, // +2^31 - 1
	}
	for _, c := range cases {
		if got := Expand(c.base, c.ts); got != c.want {
			t.Errorf("Expand(%#x, %#x) = %#x, want %#x", c.base, c.ts, got, c.want)
		}
	}
}

// Adapter time stamps through the reader: the card's clock near a 2^32
// wrap, expanded against the info page or the registers.
func TestAdapterTimestamps(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  SimConfig
	}{
		{"info page", SimConfig{TickHz: 250000000}},
		{"registers", SimConfig{TickHz: 250000000, HWTimeHi: true, NoInfo: true}},
		{"info page with hi", SimConfig{TickHz: 161132813, HWTimeHi: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newRig(t, tc.cfg, 0, 0)
			if g.s.r.clk.Hz == 0 {
				t.Fatal("clock unavailable")
			}
			g.s.r.adapter = true
			hz := uint64(tc.cfg.TickHz)
			// 1.7e9 s since the epoch, just below a 2^32 boundary.
			start := (1700000000*hz)>>32<<32 + 1<<32 - 3
			var want []int64
			for i := uint64(0); i < 6; i++ {
				tick := start + i*2
				g.card.SetTime(tick)
				send(g.w, int(i), 80, StatusOK)
				want = append(want, int64(tick/hz)*1e9+int64(tick%hz*1e9/hz))
			}
			g.card.SetTime(start + 1000) // time moves on before the read
			g.poll()
			g.drain()
			if len(g.got) != len(want) {
				t.Fatalf("got %d frames", len(g.got))
			}
			for i, w := range want {
				if g.got[i].ts != w {
					t.Errorf("frame %d: ts %d, want %d", i, g.got[i].ts, w)
				}
			}
		})
	}
}

func TestNoClockMeansNoAdapterStamps(t *testing.T) {
	g := newRig(t, SimConfig{NoInfo: true}, 0, 0)
	if g.s.r.clk.Hz != 0 {
		t.Fatal("a card with neither info page time nor HW_TIME_HI offers adapter time stamps")
	}
}

func TestHostTimestamps(t *testing.T) {
	g := newRig(t, SimConfig{}, 0, 0)
	send(g.w, 1, 80, StatusOK)
	g.s.r.round(1700000000123456789)
	g.s.r.Poll(roundChunks)
	g.drain()
	if len(g.got) != 1 || g.got[0].ts != 1700000000123456789 {
		t.Fatalf("got %+v", g.got)
	}
}
