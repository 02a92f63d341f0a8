package savefile

import "unsafe"

// Share mirrors the C struct shim_sf: the position in the reader's buffer
// (C memory, from Mem) that the front library's record walk
// (shim/sfread.c) shares with Next. The C side reads the records of a
// plain file, refilling the buffer itself, so that a steady read needs no
// call into Go; Next takes over, from the same position, for whatever the
// C side leaves (see walkable). One thread at a time uses it.
type Share struct {
	Buf      uint64 // &buf[0]
	Cap      uint32 // len(buf)
	Pos      uint32
	End      uint32
	Snapshot uint32
	MaxSnap  uint32
	Walk     uint8  // the C side may read records
	Scale    uint8  // scaleNone, scaleUp, scaleDown
	GoNext   uint8  // the caller has an error to report first
	NoRead   uint8  // the source reached its end or failed
	Read     uint64 // the front's read function (the C side's business)
	CBatches uint64
	ReadRC   int32  // the C side's last read: 0 (end) or -errno,
	ReadHeld uint32 // waiting to be returned by the next read
}

// ShareSize is the size C expects for a Share.
const ShareSize = unsafe.Sizeof(Share{})

// Share hands the reader's position to sh (C memory). Only a Reader whose
// buffer is C memory (Options.Mem) may be shared.
func (r *Reader) Share(sh *Share) {
	if sh == nil {
		return
	}
	r.sh = sh
	r.Leave(false)
}

// walkable says whether the C side can read this file's records: classic
// pcap with 16-byte record headers, in host byte order, version 2.4
// lengths, no link-type post-processing; and no read has failed.
func (r *Reader) walkable() bool {
	f, ok := r.fmt.(*pcapFormat)
	return ok && f.hdrLen == pcapRecordLen && f.lengths == lengthsNotSwapped && !r.swapped &&
		r.linktype != dltUSBLinuxMmapped && r.err == nil && len(r.buf) > 0
}

// Enter takes the position from the shared state when the C side was
// allowed to walk: it may have read records, and refilled the buffer,
// since.
func (r *Reader) Enter() {
	if sh := r.sh; sh != nil && sh.Walk != 0 {
		r.pos, r.end = int(sh.Pos), int(sh.End)
	}
}

// Leave puts the position back for the C side; goNext: the caller has
// something to report before more records are read.
func (r *Reader) Leave(goNext bool) {
	sh := r.sh
	if sh == nil {
		return
	}
	sh.Walk, sh.GoNext, sh.NoRead = 0, 0, 0
	if !r.walkable() {
		return
	}
	f := r.fmt.(*pcapFormat)
	sh.Buf = uint64(uintptr(unsafe.Pointer(&r.buf[0])))
	sh.Cap, sh.Pos, sh.End = uint32(len(r.buf)), uint32(r.pos), uint32(r.end)
	sh.Snapshot, sh.MaxSnap = uint32(min(r.snapshot, 1<<31-1)), f.maxSnap
	sh.Scale = uint8(f.scale)
	sh.Walk = 1
	if goNext {
		sh.GoNext = 1
	}
	if r.eof {
		sh.NoRead = 1
	}
}

// CBatches is how many batches the C side read.
func (r *Reader) CBatches() uint64 {
	if r.sh == nil {
		return 0
	}
	return r.sh.CBatches
}
