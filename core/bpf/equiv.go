package bpf

import (
	"encoding/binary"
	"hash/fnv"
	"math/rand"
	"time"
)

// Packet is one input for a program: the captured bytes and the length the
// packet had on the wire (at least len(Data) for a real capture).
type Packet struct {
	Data    []byte
	WireLen uint32
}

// EquivConfig bounds and seeds a semantic comparison.
type EquivConfig struct {
	// Seeds are packets to try first (real captures of the link type).
	Seeds []Packet
	// MaxPackets bounds the number of packets tried (default 3000).
	MaxPackets int
	// MaxTime bounds the time spent (default 250ms).
	MaxTime time.Duration
	// Seed makes the random choices reproducible; 0 derives it from the
	// programs.
	Seed int64
	// SkipShortA leaves out packets on which program a stops at a load
	// past the captured bytes: for comparing a program with its optimised
	// form, since the optimiser (libpcap's too) removes loads whose value
	// is never used, and with them those rejections of short packets.
	SkipShortA bool
}

// EquivResult is the outcome of Equivalent.
type EquivResult struct {
	Equal   bool
	Packets int // packets tried
	// On a disagreement: a packet the programs treat differently, and what
	// each returned (or the error that stopped it).
	Witness    *Packet
	RetA, RetB uint32
	ErrA, ErrB error
}

// Equivalent checks, by testing, whether programs a and b return the same
// value on every packet. Besides the seeds it tries packets built to steer
// both programs down each of their branches: each run is traced, and for
// every comparison on a value loaded from the packet (or the packet
// length) it plants in a copy of the packet the field values that make the
// comparison equal, just above and just below (bits set and clear for
// jset), undoing the masks and shifts applied after the load; for every
// load it tries the packet cut just short of the field and just long
// enough. Packets that reach a new branch in either program are mutated in
// turn. It stops at the first disagreement, or when the budget is spent.
// Identical programs are equal without running anything.
func Equivalent(a, b []Insn, cfg EquivConfig) EquivResult {
	if sameProgram(a, b) {
		return EquivResult{Equal: true}
	}
	if cfg.MaxPackets <= 0 {
		cfg.MaxPackets = 3000
	}
	if cfg.MaxTime <= 0 {
		cfg.MaxTime = 250 * time.Millisecond
	}
	if cfg.Seed == 0 {
		h := fnv.New64a()
		for _, p := range [][]Insn{a, b} {
			for _, in := range p {
				var buf [8]byte
				binary.LittleEndian.PutUint16(buf[:], in.Code)
				buf[2], buf[3] = in.JT, in.JF
				binary.LittleEndian.PutUint32(buf[4:], in.K)
				h.Write(buf[:])
			}
		}
		cfg.Seed = int64(h.Sum64() >> 1)
	}
	g := &generator{
		rng:      rand.New(rand.NewSource(cfg.Seed)),
		progs:    [2][]Insn{a, b},
		seen:     map[uint64]bool{},
		deadline: time.Now().Add(cfg.MaxTime),
		max:      cfg.MaxPackets,
		skipA:    cfg.SkipShortA,
	}
	g.queue = append(g.queue, cfg.Seeds...)
	g.queue = append(g.queue, g.backgrounds()...)
	return g.run()
}

func sameProgram(a, b []Insn) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

type generator struct {
	rng      *rand.Rand
	progs    [2][]Insn
	queue    []Packet
	seen     map[uint64]bool
	deadline time.Time
	max      int
	skipA    bool
	tr       [2]Trace
}

// backgrounds are packets of zeros and of random bytes, of lengths around
// and beyond the largest constant offset either program loads.
func (g *generator) backgrounds() []Packet {
	maxOff := uint32(0)
	for _, p := range g.progs {
		for _, in := range p {
			switch {
			case Class(in.Code) == LD && (Mode(in.Code) == ABS || Mode(in.Code) == IND),
				in.Code == LDX|MSH|B:
				if in.K < 1<<16 && in.K+4 > maxOff {
					maxOff = in.K + 4
				}
			}
		}
	}
	lengths := []uint32{0, 1, 14, 34, 54, 60, 64, 128, 256, 1514, maxOff, maxOff + 40, maxOff + 128}
	var out []Packet
	for _, n := range lengths {
		out = append(out, Packet{Data: make([]byte, n), WireLen: n})
		r := make([]byte, n)
		g.rng.Read(r)
		out = append(out, Packet{Data: r, WireLen: n})
	}
	for i := 0; i < 8; i++ {
		n := maxOff + uint32(g.rng.Intn(256))
		r := make([]byte, n)
		g.rng.Read(r)
		out = append(out, Packet{Data: r, WireLen: n})
	}
	return out
}

func (g *generator) run() EquivResult {
	res := EquivResult{Equal: true}
	for i := 0; i < len(g.queue) && res.Packets < g.max; i++ {
		if i%64 == 0 && time.Now().After(g.deadline) {
			break
		}
		p := g.queue[i]
		g.queue[i] = Packet{} // let it be collected
		res.Packets++
		ra, ea := ExecTrace(g.progs[0], p.Data, p.WireLen, &g.tr[0])
		rb, eb := ExecTrace(g.progs[1], p.Data, p.WireLen, &g.tr[1])
		if (ra != rb || (ea == nil) != (eb == nil)) && !(g.skipA && failed(&g.tr[0])) {
			pc := p
			res.Equal, res.Witness = false, &pc
			res.RetA, res.RetB, res.ErrA, res.ErrB = ra, rb, ea, eb
			return res
		}
		// A packet is worth mutating when it takes a path (the sequence
		// of branches in both programs) not seen before: a new branch
		// alone is not enough, since the branch that tells two programs
		// apart often lies behind a combination of earlier ones.
		h := fnv.New64a()
		// Loads count with the offset they read, so that a packet whose
		// variable offsets (IP header length) moved counts as new.
		var buf [9]byte
		for pi := range g.tr {
			buf[8] = byte(pi)
			for _, e := range g.tr[pi].Events {
				binary.LittleEndian.PutUint32(buf[:], uint32(e.PC)<<2)
				if e.Taken || e.Fail {
					buf[0] |= 1
				}
				binary.LittleEndian.PutUint32(buf[4:], e.Off)
				h.Write(buf[:])
			}
		}
		fresh := !g.seen[h.Sum64()]
		g.seen[h.Sum64()] = true
		if fresh && len(g.queue) < 4*g.max {
			for pi := range g.tr {
				g.mutate(p, g.tr[pi].Events)
			}
		}
	}
	return res
}

// mutate queues the packets derived from p and one run's events.
func (g *generator) mutate(p Packet, events []Event) {
	loads := map[uint32]bool{}
	var fields []Source
	for _, e := range events {
		if e.Load {
			if loads[e.Off<<3|uint32(e.Size)] {
				continue
			}
			loads[e.Off<<3|uint32(e.Size)] = true
			end := uint64(e.Off) + uint64(e.Size)
			if end > 1<<16 {
				continue
			}
			// Just too short and just long enough for this load.
			if end-1 < uint64(len(p.Data)) {
				g.push(resize(p, uint32(end-1)))
			}
			if end > uint64(len(p.Data)) {
				g.push(resize(p, uint32(end)))
			}
			if e.Code == LDX|MSH|B && !e.Fail {
				for _, nib := range []byte{0, 4, 5, 6, 15} {
					q := clone(p)
					q.Data[e.Off] = q.Data[e.Off]&0xf0 | nib
					g.push(q)
				}
			}
			if !e.Fail {
				fields = append(fields, Source{Kind: SrcPacket, Off: e.Off, Size: e.Size})
			}
			continue
		}
		for _, t := range targets(e) {
			if e.ASrc.Kind != SrcNone {
				if q, ok := g.plant(p, e.ASrc, t); ok {
					g.push(q)
				}
			}
		}
		if e.CmpX && e.XSrc.Kind != SrcNone {
			for _, t := range []uint32{e.A, e.A + 1, e.A - 1} {
				if q, ok := g.plant(p, e.XSrc, t); ok {
					g.push(q)
				}
			}
		}
	}
	// One variant with every field the run loaded randomised.
	if len(fields) > 0 {
		q := clone(p)
		for _, f := range fields {
			if uint64(f.Off)+uint64(f.Size) <= uint64(len(q.Data)) {
				g.rng.Read(q.Data[f.Off : f.Off+uint32(f.Size)])
			}
		}
		g.push(q)
	}
}

// failed reports whether a traced run stopped at an out-of-bounds load.
func failed(tr *Trace) bool {
	for _, e := range tr.Events {
		if e.Fail {
			return true
		}
	}
	return false
}

func (g *generator) push(p Packet) {
	g.queue = append(g.queue, p)
}

// targets are the values of A worth trying at a conditional jump: those that
// make the comparison equal, just above and below, and for jset all, none
// and single bits of the mask.
func targets(e Event) []uint32 {
	v := e.Cmp
	switch Op(e.Code) {
	case JSET:
		out := []uint32{v, 0, ^v}
		for bit, n := uint32(1), 0; bit != 0 && n < 4; bit <<= 1 {
			if v&bit != 0 {
				out = append(out, bit)
				n++
			}
		}
		return out
	case JGT, JGE:
		return []uint32{v, v + 1, v - 1, 0, ^uint32(0)}
	}
	return []uint32{v, v + 1, v - 1}
}

// plant returns a copy of p in which the value src describes becomes t.
func (g *generator) plant(p Packet, src Source, t uint32) (Packet, bool) {
	r := t
	for i := len(src.Ops) - 1; i >= 0; i-- {
		s := src.Ops[i]
		switch s.Op {
		case ADD:
			r -= s.Val
		case SUB:
			r += s.Val
		case MUL:
			if s.Val == 0 {
				return p, false
			}
			r /= s.Val
		case DIV:
			r *= s.Val
			if s.Val > 1 && g.rng.Intn(2) == 0 {
				r += uint32(g.rng.Int63n(int64(s.Val)))
			}
		case MOD:
			// r already below the modulus when reachable; keep it.
		case AND:
			r &= s.Val
			if g.rng.Intn(2) == 0 {
				r |= g.rng.Uint32() &^ s.Val
			}
		case OR:
			r &^= s.Val
			if g.rng.Intn(2) == 0 {
				r |= g.rng.Uint32() & s.Val
			}
		case XOR:
			r ^= s.Val
		case LSH:
			if s.Val >= 32 {
				return p, false
			}
			r >>= s.Val
		case RSH:
			if s.Val >= 32 {
				return p, false
			}
			r <<= s.Val
			if s.Val > 0 && g.rng.Intn(2) == 0 {
				r |= g.rng.Uint32() & (1<<s.Val - 1)
			}
		case NEG:
			r = -r
		default:
			return p, false
		}
	}
	switch src.Kind {
	case SrcLen:
		if r > 1<<16 {
			q := clone(p)
			q.WireLen = r
			return q, true
		}
		return resize(p, r), true
	case SrcMSH:
		q := clone(p)
		if uint64(src.Off) >= uint64(len(q.Data)) {
			return p, false
		}
		q.Data[src.Off] = q.Data[src.Off]&0xf0 | byte(r>>2)&0xf
		return q, true
	case SrcPacket:
		end := uint64(src.Off) + uint64(src.Size)
		if end > 1<<16 {
			return p, false
		}
		q := clone(p)
		if end > uint64(len(q.Data)) {
			q = resize(q, uint32(end))
		}
		f := q.Data[src.Off:end]
		switch src.Size {
		case 1:
			f[0] = byte(r)
		case 2:
			binary.BigEndian.PutUint16(f, uint16(r))
		default:
			binary.BigEndian.PutUint32(f, r)
		}
		return q, true
	}
	return p, false
}

func clone(p Packet) Packet {
	return Packet{Data: append([]byte(nil), p.Data...), WireLen: p.WireLen}
}

// resize returns a copy of p with n captured bytes (zero-extended); the
// wire length follows unless the packet was a truncated capture that
// stays truncated.
func resize(p Packet, n uint32) Packet {
	d := make([]byte, n)
	copy(d, p.Data)
	w := p.WireLen
	if w <= uint32(len(p.Data)) || n > w {
		w = n
	}
	return Packet{Data: d, WireLen: w}
}
