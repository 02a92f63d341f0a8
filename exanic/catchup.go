package exanic

// catchup places the cursor as libexanic's resynchronisation does (spec
// §4.6): scanning the info words downwards from the top, the first change
// of generation is the card's write position (the "break"); the first
// end-of-frame chunk at or below it is the newest complete frame, and the
// cursor goes just after it. So a new reader starts at "now", and a lapped
// one never resumes in the middle of a frame. It returns the number of
// frame ends in the ring (untouched 0xFF chunks excluded) and the absolute
// position (generation * RingChunks + index, mod 256 laps) just after the
// card's last written chunk.
func (r *reader) catchup() (eofs uint64, writer uint32) {
	var (
		brk                 = int32(RingChunks - 1)
		brkGen              uint8
		seenBreak           bool
		eof, fallback       = int32(-1), int32(-1)
		eofGen, fallbackGen uint8
	)
	top := r.info(RingChunks - 1)
	running := infoGen(top)
	brkGen = running
	for i := int32(RingChunks - 1); i >= 0; i-- {
		w := r.info(uint32(i))
		g := infoGen(w)
		l := infoLen(w)
		if l != 0 && l <= ChunkPayload {
			eofs++
		}
		if !seenBreak && g != running {
			seenBreak, brk, brkGen = true, i, g
		}
		if l == 0 || eof >= 0 {
			continue
		}
		if seenBreak {
			eof, eofGen = i, g
		} else if fallback < 0 {
			fallback, fallbackGen = i, g
		}
	}
	if eof < 0 {
		// No break (one generation everywhere: the write position is at
		// the wrap, so the highest frame end is the newest), or no frame
		// end below it: the newest frame end of the older lap.
		eof, eofGen = fallback, fallbackGen
	}
	idx, gen := brk, brkGen
	if eof >= 0 {
		idx, gen = eof, eofGen
	}
	r.sentIdx, r.sentGen = uint32(idx), gen
	r.next, r.gen = uint32(idx+1), gen
	if r.next == RingChunks {
		r.next, r.gen = 0, gen+1
	}
	r.inFrame, r.haveLast = false, false
	return eofs, (uint32(brkGen)*RingChunks + uint32(brk) + 1) % ringSpan
}

// ringSpan is the range of absolute chunk positions: 256 generations.
const ringSpan = 256 * RingChunks

// abs is the reader's absolute position.
func (r *reader) abs() uint32 {
	return uint32(r.gen)*RingChunks + r.next
}
