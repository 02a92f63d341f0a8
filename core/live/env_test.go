package live

import "testing"

func TestParseSize(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"1", 1, true},
		{"4096", 4096, true},
		{"512k", 512 << 10, true},
		{"512K", 512 << 10, true},
		{"16M", 16 << 20, true},
		{"16 MiB", 16 << 20, true},
		{"16MB", 16 << 20, true},
		{"1G", 1 << 30, true},
		{"100B", 100, true},
		{" 8M ", 8 << 20, true},
		{"0", 0, false},
		{"", 0, false},
		{"-1", 0, false},
		{"2G", 0, false},
		{"1025M", 0, false},
		{"12 parsecs", 0, false},
		{"1.5M", 0, false},
		{"M", 0, false},
		{"99999999999999999999", 0, false},
	} {
		got, ok := ParseSize(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseSize(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestDefaultBufferSize(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct{ snaplen, want int }{
		{MaxSnaplen, 32 * mib}, // full-size frames: capped
		{0, 32 * mib},
		{1518, 32 * mib},
		{96, 5 * mib}, // 20480 * 208 bytes, rounded up
		{1, 3 * mib},  // 20480 * 113
		{64, 4 * mib},
	} {
		if got := DefaultBufferSize(c.snaplen); got != c.want {
			t.Errorf("DefaultBufferSize(%d) = %d, want %d", c.snaplen, got, c.want)
		}
	}
	// The default ring holds DefaultBurst full-size frames: 256 KiB
	// blocks (48-byte block header), each frame with the 86-byte
	// tpacket3 offset of an Ethernet frame, 8-byte aligned.
	perBlock := (256<<10 - 48) / ((86 + 1514 + 7) &^ 7)
	if n := DefaultBufferSize(MaxSnaplen) / (256 << 10) * perBlock; n < 20000 {
		t.Errorf("the default ring holds %d full-size frames, want at least 20000", n)
	}
}
