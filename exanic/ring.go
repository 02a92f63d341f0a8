package exanic

import (
	"sync/atomic"
	"unsafe"
)

// Counters are the pcap_stats totals the reader maintains with atomic adds.
// The bridge points them at struct pcap's st_recv, st_drop, st_ifdrop (in
// that order, C memory) so pcap_stats reads them without entering Go.
type Counters struct {
	Recv   uint64 // frames delivered to the capture buffer, plus Drop
	Drop   uint64 // frames lost in software: the reader was lapped
	IfDrop uint64 // frames the card lost (hardware overflow reports)
}

// Stats are the reader's own counts (TCPDUMP_DEBUG, tests), kept with
// atomic adds so they may be read while the reader runs.
type Stats struct {
	Frames    uint64 // good frames delivered to the capture buffer
	Corrupt   uint64 // CRC errors (dropped unless kept)
	Aborted   uint64 // aborted by the sender (dropped unless kept)
	HWOvfl    uint64 // hardware overflow reports (each also in IfDrop)
	Short     uint64 // frames shorter than their FCS (dropped)
	Laps      uint64 // times the card lapped the reader (catch-ups)
	Discarded uint64 // frames discarded because the re-check failed
	Truncated uint64 // frames longer than the per-frame copy limit
	Full      uint64 // polls stopped by a full capture buffer
}

// reader drains one DMA ring into a uring. Only the reader goroutine
// touches it (tests drive Poll directly).
type reader struct {
	ring unsafe.Pointer // 2 MiB, mapped read-only
	next uint32         // chunk to read
	gen  uint8          // generation expected there

	// Sentinel: the chunk before the first chunk of the oldest frame not
	// yet published, with the generation it had. The card writes in ring
	// order, so it overwrites the sentinel before any chunk after it: if
	// the sentinel is intact after a copy, so is everything copied.
	sentIdx  uint32
	sentGen  uint8
	lastIdx  uint32 // last final chunk consumed this round
	lastGen  uint8
	haveLast bool

	// Frame being assembled at fStart (absolute uring position).
	inFrame bool
	fStart  uint64
	fCopied int
	fLen    int
	fTS     uint32

	u       *uring
	prod    uint64 // local production position (unpublished beyond pub)
	pub     uint64
	pending uint64 // frames completed this round, not yet published
	capMax  int    // bytes of a frame kept
	need    uint64 // space reserved at a frame's start
	keepBad bool

	// Time stamps: host time read once per round, or the card's chunk
	// time stamp expanded against base (also read once per round).
	clk     *Clock
	adapter bool
	now     int64
	base    int64
	ctr     *Counters
	st      Stats
	fence   uint32

	// afterCopy, when set (tests), runs between the copies and the
	// sentinel re-check, so a writer can overwrite the ring "during" them.
	afterCopy func()
	// signal is called after a publish (wakes a waiting consumer).
	signal func()
}

func newReader(ring []byte, u *uring, snaplen int, ctr *Counters) *reader {
	capMax := maxCopy
	if snaplen > 0 && snaplen+4 < capMax {
		capMax = snaplen + 4
	}
	r := &reader{ring: unsafe.Pointer(&ring[0]), u: u, capMax: capMax, ctr: ctr,
		need: align8(uint64(recHdr + capMax))}
	r.catchup()
	return r
}

// info loads chunk i's info word with acquire semantics (LDAR on arm64):
// the payload loads that follow cannot be satisfied before it.
func (r *reader) info(i uint32) uint64 {
	return atomic.LoadUint64((*uint64)(unsafe.Add(r.ring, uintptr(i)*ChunkSize+ChunkPayload)))
}

// loadFence orders every load before it (the payload copies) before every
// load after it (the sentinel re-check). A release store followed by an
// acquire load: on arm64 STLR then LDAR, which the architecture keeps in
// order, with all earlier loads ordered before the STLR; on amd64 an XCHG.
func (r *reader) loadFence() { atomic.StoreUint32(&r.fence, 0) }

// Poll reads up to max chunks and publishes the complete frames among
// them. It returns the chunks consumed (0: nothing new, or the capture
// buffer is full).
func (r *reader) Poll(max int) int {
	n := 0
	for n < max {
		w := r.info(r.next)
		g := infoGen(w)
		if g != r.gen {
			if g == r.gen-1 {
				break // nothing new
			}
			r.lapped()
			return n + 1
		}
		if !r.inFrame && !r.startFrame() {
			atomic.AddUint64(&r.st.Full, 1)
			break
		}
		l := int(infoLen(w))
		if l == 0 || l > ChunkPayload {
			l = ChunkPayload
		}
		if r.fLen == 0 {
			r.fTS = infoTS(w)
		}
		if room := r.capMax - r.fCopied; room > 0 {
			k := l
			if k > room {
				k = room
			}
			dst := unsafe.Slice((*byte)(r.u.at(r.fStart%r.u.size+recHdr+uint64(r.fCopied))), k)
			src := unsafe.Slice((*byte)(unsafe.Add(r.ring, uintptr(r.next)*ChunkSize)), k)
			copy(dst, src)
			r.fCopied += k
		}
		r.fLen += l
		idx, gen := r.next, r.gen
		if r.next++; r.next == RingChunks {
			r.next = 0
			r.gen++
		}
		n++
		if infoLen(w) != 0 {
			r.endFrame(infoStatus(w) & 0x0F)
			r.lastIdx, r.lastGen, r.haveLast = idx, gen, true
		}
	}
	if n > 0 {
		r.publish()
	}
	return n
}

// startFrame reserves room for a whole frame at the production position,
// wrapping to the start of the buffer when the end is too short. false:
// the buffer is full (the DMA ring keeps the data meanwhile).
func (r *reader) startFrame() bool {
	u := r.u
	cons := atomic.LoadUint64(u.consp())
	used := r.prod - cons
	pos := r.prod % u.size
	skip := uint64(0)
	if u.size-pos < r.need {
		skip = u.size - pos
	}
	if used+skip+r.need > u.size {
		return false
	}
	if skip != 0 {
		*u.u32(pos) = recWrap
		r.prod += skip
	}
	r.inFrame, r.fStart, r.fCopied, r.fLen = true, r.prod, 0, 0
	return true
}

// endFrame finishes the frame being assembled: a record for a good frame
// (FCS stripped), counted drops for the others.
func (r *reader) endFrame(status uint8) {
	r.inFrame = false
	if status != StatusOK {
		switch status {
		case StatusAborted:
			atomic.AddUint64(&r.st.Aborted, 1)
		case StatusCorrupt:
			atomic.AddUint64(&r.st.Corrupt, 1)
		case StatusHWOvfl:
			atomic.AddUint64(&r.st.HWOvfl, 1)
			atomic.AddUint64(&r.ctr.IfDrop, 1)
			return
		}
		if !r.keepBad {
			return
		}
	}
	if r.fLen < 4 {
		atomic.AddUint64(&r.st.Short, 1)
		return
	}
	wire := r.fLen - 4
	caplen := r.fCopied
	if caplen > wire {
		caplen = wire
	}
	if r.fLen > r.capMax && r.capMax == maxCopy {
		atomic.AddUint64(&r.st.Truncated, 1)
	}
	pos := r.fStart % r.u.size
	size := align8(uint64(recHdr + caplen))
	h := (*[4]uint32)(r.u.at(pos))
	h[0], h[1], h[2], h[3] = uint32(size), uint32(caplen), uint32(wire), uint32(status)
	*(*int64)(r.u.at(pos + 16)) = r.stampOf(r.fTS)
	r.prod = r.fStart + size
	r.pending++
}

// publish re-checks the sentinel after the copies, then makes the round's
// frames visible to the consumer; if the card overwrote the sentinel the
// round is discarded (its frames may be torn) and the reader catches up.
func (r *reader) publish() {
	if r.afterCopy != nil {
		r.afterCopy()
	}
	r.loadFence()
	if infoGen(r.info(r.sentIdx)) != r.sentGen {
		lost := r.pending
		if r.inFrame {
			lost++
		}
		atomic.AddUint64(&r.st.Discarded, lost)
		r.prod, r.pending, r.inFrame, r.haveLast = r.pub, 0, false, false
		r.drop(lost)
		r.recover()
		return
	}
	if r.pending > 0 {
		// Count before publishing: a consumer that has seen a frame
		// and then calls pcap_stats finds it counted.
		atomic.AddUint64(&r.st.Frames, r.pending)
		atomic.AddUint64(&r.ctr.Recv, r.pending)
		atomic.StoreUint64(r.u.prodp(), r.prod)
		r.pub = r.prod
		r.pending = 0
		if r.signal != nil {
			r.signal()
		}
	}
	if r.haveLast {
		r.sentIdx, r.sentGen, r.haveLast = r.lastIdx, r.lastGen, false
	}
}

func (r *reader) drop(n uint64) {
	if n > 0 {
		atomic.AddUint64(&r.ctr.Drop, n)
		atomic.AddUint64(&r.ctr.Recv, n)
	}
}

// lapped: the chunk at the cursor carries generation g, neither the one
// expected nor the one before: the card went round the ring past us.
// Complete frames are published (after the re-check), the partial one is
// lost, and the reader resumes at the newest frame boundary.
func (r *reader) lapped() {
	laps0 := r.st.Laps
	if r.inFrame {
		r.inFrame = false
		r.drop(1)
	}
	r.publish()
	if r.st.Laps == laps0 { // publish did not already catch up
		r.recover()
	}
}

// recover runs the catch-up scan after a lap and counts what was lost:
// the chunks the card wrote from the cursor to its write position (more
// than a lap: none of the ring was read), in frames at the ring's current
// frame density. An estimate: the frames of earlier laps are gone.
func (r *reader) recover() {
	from := r.abs()
	eofs, writer := r.catchup()
	atomic.AddUint64(&r.st.Laps, 1)
	dist := uint64((writer + ringSpan - from) % ringSpan)
	if dist < RingChunks {
		dist = RingChunks
	}
	r.drop((eofs*dist + RingChunks/2) / RingChunks)
}

// round starts a polling round: the time references for its frames.
func (r *reader) round(now int64) {
	r.now = now
	if r.adapter {
		r.base = r.clk.Base()
	}
}

func (r *reader) stampOf(ts uint32) int64 {
	if r.adapter {
		return r.clk.Nanos(Expand(r.base, ts))
	}
	return r.now
}
