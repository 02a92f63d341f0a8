package exanic

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/pcapshim/pcapshim/core"
)

// rig is a simulated card and a reader driven step by step (no goroutine).
type rig struct {
	t    *testing.T
	dir  string
	card *SimCard
	w    *SimWriter
	s    *Source
	got  []got
}

type got struct {
	data []byte
	len  uint32
	ts   int64 // ns
}

func newSimCard(t *testing.T, cfg SimConfig) (string, *SimCard) {
	t.Helper()
	dir := t.TempDir()
	if len(cfg.Ports) == 0 {
		cfg.Ports = []SimPort{{Name: "exa0", IP: "10.0.0.1/24"}, {Name: "exa1"}}
	}
	c, err := CreateSim(dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return dir, c
}

func newRig(t *testing.T, cfg SimConfig, snaplen, bufsize int) *rig {
	t.Helper()
	dir, c := newSimCard(t, cfg)
	b := &Sim{Dir: dir}
	cd, err := openCard(b, c.Dev)
	if err != nil {
		t.Fatal(err)
	}
	ring, err := b.Mmap(cd.fd, RxOffset(0), RingSize)
	if err != nil {
		t.Fatal(err)
	}
	info, _ := b.Mmap(cd.fd, OffInfo, InfoSize)
	u, err := newURing(bufsize)
	if err != nil {
		t.Fatal(err)
	}
	if snaplen <= 0 {
		snaplen = MaxSnaplen
	}
	s := &Source{b: b, c: cd, ring: ring, infoPg: info, u: u, efd: -1, snaplen: snaplen,
		nano: true, ctr: new(Counters), done: make(chan struct{})}
	s.r = newReader(ring, u, snaplen, s.ctr)
	s.r.clk = newClock(cd.regs, info)
	t.Cleanup(s.Close)
	return &rig{t: t, dir: dir, card: c, w: c.Port(0), s: s}
}

// poll runs reader rounds until one consumes nothing.
func (g *rig) poll() {
	for i := 0; i < 1000; i++ {
		g.s.r.round(1234567890123456789)
		if g.s.r.Poll(roundChunks) == 0 {
			return
		}
	}
	g.t.Fatal("reader never ran dry")
}

// drain collects everything Fill hands out.
func (g *rig) drain() {
	batch := make([]core.Packet, 64)
	for i := 0; i < 100000; i++ {
		n, err := g.s.Fill(batch)
		if err == core.ErrTimeout {
			return
		}
		if err != nil {
			g.t.Fatal(err)
		}
		for _, p := range batch[:n] {
			d := bytes.Clone(unsafeBytes(p.Data, int(p.Caplen)))
			g.got = append(g.got, got{data: d, len: p.Len, ts: p.Sec*1e9 + p.Frac})
		}
	}
	g.t.Fatal("Fill never ran dry")
}

// frame is test frame seq of n bytes (FCS excluded): a recognisable
// pattern with the sequence number up front.
func frame(seq, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(seq*7 + i*13)
	}
	if n >= 4 {
		binary.BigEndian.PutUint32(b, uint32(seq))
	}
	return b
}

// checkFrames asserts the rig received exactly frames want (seq, size).
func (g *rig) check(want [][2]int) {
	g.t.Helper()
	if len(g.got) != len(want) {
		g.t.Fatalf("got %d frames, want %d", len(g.got), len(want))
	}
	for i, w := range want {
		f := frame(w[0], w[1])
		if int(g.got[i].len) != len(f) || !bytes.Equal(g.got[i].data, f) {
			g.t.Fatalf("frame %d (seq %d, %d bytes): got len %d caplen %d, data differs: %v",
				i, w[0], w[1], g.got[i].len, len(g.got[i].data), !bytes.Equal(g.got[i].data, f))
		}
	}
}

func rigOn(t *testing.T, dir string, c *SimCard) *rig {
	t.Helper()
	b := &Sim{Dir: dir}
	cd, err := openCard(b, c.Dev)
	if err != nil {
		t.Fatal(err)
	}
	ring, err := b.Mmap(cd.fd, RxOffset(0), RingSize)
	if err != nil {
		t.Fatal(err)
	}
	u, err := newURing(0)
	if err != nil {
		t.Fatal(err)
	}
	s := &Source{b: b, c: cd, ring: ring, u: u, efd: -1, snaplen: MaxSnaplen, nano: true,
		ctr: new(Counters), done: make(chan struct{})}
	s.r = newReader(ring, u, MaxSnaplen, s.ctr)
	s.r.clk = newClock(cd.regs, nil)
	t.Cleanup(s.Close)
	return &rig{t: t, dir: dir, card: c, w: c.Port(0), s: s}
}
