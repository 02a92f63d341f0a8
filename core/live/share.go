package live

import "unsafe"

// RingShare mirrors the C struct shim_ring: the TPACKET_V3 ring walk that
// the C loop (shim/ring.c) and Fill share. The C loop walks the ring itself
// while Go has nothing to merge (no overflow packets, nothing read ahead),
// so that the steady state needs no call into Go; Fill takes over, from the
// same cursor, when the elastic buffer's overflow socket has packets. The
// struct lives in C memory; one thread at a time uses it.
type RingShare struct {
	Base      uint64 // the ring's address
	BlockSize uint32
	Blocks    uint32
	Cur       uint32 // s.cur
	InBlock   uint32 // s.inBlock
	Next      uint32 // s.next
	Left      uint32 // s.left
	ToFilter  int32  // s.toFilter
	LoIfindex int32
	GoPending uint8 // Fill holds packets read ahead: Fill goes next
	_         [7]uint8
	CBatches  uint64 // batches the C loop filled
	RearmAt   int64  // overload.go: when to switch the overflow back on
	ArmedAt   int64  // when it was last switched on
	Rearms    uint64 // how often the C loop switched it back on
}

// RingShareSize is the size C expects for a RingShare.
const RingShareSize = unsafe.Sizeof(RingShare{})

// ShareRing hands the ring walk to sh (C memory): from now on the cursor
// lives there, and the C loop may walk a TPACKET_V3 ring itself. Nothing
// is shared without a V3 ring (TPACKET_V2 frames, the recvmmsg path).
func (s *Source) ShareRing(sh *RingShare) {
	if s.ring == nil || s.v2 || s.mm != nil || sh == nil {
		return
	}
	*sh = RingShare{
		Base:      uint64(uintptr(unsafe.Pointer(&s.ring[0]))),
		BlockSize: uint32(s.blockSize),
		Blocks:    uint32(s.blocks),
		LoIfindex: int32(s.loIfindex),
	}
	s.sh = sh
	s.saveCursor()
}

// Batches says how many ring batches the C loop and Fill filled (the
// debug report at close): in the steady state all are the C loop's.
func (s *Source) Batches() (c, goFilled uint64) {
	if s.sh != nil {
		c = s.sh.CBatches
	}
	return c, s.goBatches
}

// loadCursor takes the walk's position from the shared state: the C loop
// may have moved it since the last Fill.
func (s *Source) loadCursor() {
	sh := s.sh
	if sh == nil {
		return
	}
	s.cur, s.inBlock = int(sh.Cur), sh.InBlock != 0
	s.next, s.left = int(sh.Next), int(sh.Left)
	s.toFilter = int(sh.ToFilter)
}

// saveCursor puts the walk's position back, and says whether the C loop
// must leave the next batch to Fill (goNext).
func (s *Source) saveCursor() {
	sh := s.sh
	if sh == nil {
		return
	}
	sh.Cur, sh.Next, sh.Left = uint32(s.cur), uint32(s.next), uint32(s.left)
	sh.InBlock = 0
	if s.inBlock {
		sh.InBlock = 1
	}
	sh.ToFilter = int32(s.toFilter)
	sh.GoPending = 0
	if s.goNext() {
		sh.GoPending = 1
	}
}

// goNext says whether the next batch must be Fill's: it holds packets it
// has read (a described ring packet, overflow messages not handed out
// yet) or units to release, or it stopped inside a block while merging
// with the overflow socket (which may have queued packets older than the
// rest of that block since Fill looked; the C loop looks only when it
// enters a block, after reading its status).
func (s *Source) goNext() bool {
	return s.rheadOK || len(s.done) > 0 ||
		(s.ov != nil && (s.inBlock || s.ov.headOK || s.ov.next < s.ov.n))
}
