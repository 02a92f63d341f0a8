package live

import (
	"encoding/binary"
	"slices"
	"sync/atomic"
	"syscall"
	"unsafe"

	"github.com/pcapshim/pcapshim/core"
)

// Kernel values read from the ring (linux/if_packet.h).
const (
	tpStatusKernel        = 0
	tpStatusVLANValid     = 1 << 4
	tpStatusVLANTPIDValid = 1 << 6
	packetOutgoing        = 4
	ethP8021Q             = 0x8100
)

// Source is an open AF_PACKET capture. Fill is called from one thread at a
// time (the C front serialises calls on a handle); nothing here blocks.
type Source struct {
	fd         int
	ring       []byte // the mmap'ed ring: not Go-managed memory
	blockSize  int
	ringBlocks int // blocks in the ring
	blocks     int // units walked: blocks (TPACKET_V3) or frames (V2)
	bufsize    int
	reserve    int // PACKET_RESERVE

	// TPACKET_V2 (immediate mode): each frame is a unit of one packet,
	// frameSize apart, perBlock to a block.
	v2        bool
	frameSize int
	perBlock  int
	snaplen   int
	dlt       int
	dlts      []int
	cooked    bool
	any       bool
	nano      bool
	ifindex   int
	loIfindex int

	// Per fill, from the C handle (pcap_set_datalink, pcap_setdirection)
	// and the aux entries beside the batch (one per batch entry).
	curDLT     int
	direction  int
	vlanOffset int // where to re-insert a VLAN tag; -1: never
	aux        []Aux

	// Kernel filter state (pcap_setfilter): userland says no kernel filter
	// is attached; otherwise toFilter counts the ring blocks, from cur on,
	// whose packets passed the previous filter (or none) and so still need
	// the userspace one (libpcap's blocks_to_filter_in_userland).
	userland bool
	toFilter int
	vlanExt  bool // the kernel has the VLAN ancillary loads

	// Ring walk. cur is the block being read, held (acquired from the
	// kernel) when inBlock; next/left locate its unread packets. handed
	// says the current fill put one of its packets in the batch. done lists
	// exhausted blocks whose packets the last batch points into: they go
	// back to the kernel at the start of the next fill.
	cur     int
	inBlock bool
	next    int
	left    int
	handed  bool
	done    []int

	// With ReleaseInC, the units the batch points into go to the caller
	// with it (TakeHeld) and it hands them back (FilterChanged is told
	// which it still holds). drained: the last fill emptied the ring.
	cRelease bool
	drained  bool

	// The walk's position in C memory, shared with the C loop (share.go),
	// or nil: the fields above are then the only copy.
	sh        *RingShare
	goBatches uint64 // Fill's batches with packets, for the debug report

	// The ring's next packet, described by ringPeek and not yet taken.
	rhead   core.Packet
	rheadA  Aux
	rheadOK bool

	// The elastic buffer's overflow socket (elastic.go), or nil, and why
	// the default buffer is not elastic when it could have been.
	ov      *overflow
	ovSetup string

	// The recvmmsg path (mmsg.go), when there is no ring, and whether it
	// reads raw hardware stamps (SO_TIMESTAMPING).
	mm        *mmsg
	rawHW     bool
	holdMs    int
	holdBytes int
	handedMm  bool // a fill since the filter change returned packets
}

// Fd is the packet socket (pcap_fileno, pcap_get_selectable_fd).
func (s *Source) Fd() int { return s.fd }

// LinkType is the link type chosen at activation.
func (s *Source) LinkType() int { return s.dlt }

// DLTs lists the link types pcap_set_datalink accepts (nil: only LinkType).
func (s *Source) DLTs() []int { return s.dlts }

// Snaplen is the snapshot length in force.
func (s *Source) Snaplen() int { return s.snaplen }

// Bufsize is what pcap_bufsize reports (the ring's frame size, as libpcap).
func (s *Source) Bufsize() int { return s.bufsize }

// Cooked says packets get an SLL/SLL2 header (SOCK_DGRAM socket).
func (s *Source) Cooked() bool { return s.cooked }

// Aux mirrors the C struct shim_aux: what the C loop needs to finish a
// live packet (userspace filter with VLAN metadata, tag re-insertion).
type Aux struct {
	TCI     uint16
	TPID    uint16
	VLANP   uint8 // the kernel reports a tag
	Ins     uint8 // re-insert the tag at this offset; 0: don't
	UFilter uint8 // the kernel filter did not see this packet
	HdrLen  uint8 // cooked header length added in front
}

// AuxSize is the size C expects for one Aux.
const AuxSize = unsafe.Sizeof(Aux{})

// SetAux gives the entries Fill describes each packet's Aux in, one per
// batch entry.
func (s *Source) SetAux(aux []Aux) { s.aux = aux }

// VLANExt says the kernel supports the VLAN ancillary loads (the
// compiler's Linux extensions apply to this handle, as libpcap's
// BPF_SPECIAL_VLAN_HANDLING).
func (s *Source) VLANExt() bool { return s.vlanExt }

// FilterChanged is told that pcap_setfilter attached a kernel filter
// (kernel true) or left filtering to userspace. With a kernel filter, the
// packets in the blocks user space holds or the kernel has filled passed
// the previous filter: as libpcap, count an upper bound of those blocks,
// walking back from the current one over the kernel-owned (free) ones and
// keeping one more for a packet the old filter was still accepting.
// held lists the addresses of the ownership words of the units the
// caller's batch still holds (ReleaseInC): libpcap would have handed them
// back already, so they count as free.
func (s *Source) FilterChanged(kernel bool, held []uintptr) {
	s.loadCursor()
	defer s.saveCursor()
	s.userland = !kernel
	s.toFilter = 0
	if s.ov != nil {
		s.ov.toFilter = kernel
	}
	if kernel && s.mm != nil {
		// No ring: the packets of the current "block" (those the
		// next fills hand over, until the queue is empty) are the
		// ones libpcap would still filter in userspace.
		s.toFilter = 1
	}
	if !kernel || s.ring == nil {
		return
	}
	off := s.cur - 1
	if off < 0 {
		off = s.blocks - 1
	}
	n := 0
	for ; n < s.blocks; n++ {
		if off--; off < 0 {
			off = s.blocks - 1
		}
		// Blocks finished but kept for the batch are free for libpcap,
		// which hands them back as soon as their last packet is handled.
		if atomic.LoadUint32(s.status(off)) != tpStatusKernel && !slices.Contains(s.done, off) &&
			!slices.Contains(held, uintptr(unsafe.Pointer(s.status(off)))) {
			break
		}
	}
	if n != 0 {
		n--
	}
	s.toFilter = s.blocks - n
}

// SetParams passes the handle's current link type and direction.
func (s *Source) SetParams(dlt, direction int) {
	s.curDLT, s.direction = dlt, direction
	switch dlt {
	case DLTEN10MB:
		s.vlanOffset = 12 // after the two MAC addresses
	case DLTLinuxSLL:
		s.vlanOffset = 14 // before the SLL protocol field
	default:
		s.vlanOffset = -1 // SLL2 carries no tag, as in libpcap
	}
}

// unit is the offset of ring unit i: a block (V3) or a frame (V2).
func (s *Source) unit(i int) int {
	if s.v2 {
		return i/s.perBlock*s.blockSize + i%s.perBlock*s.frameSize
	}
	return i * s.blockSize
}

// status is the ownership word of unit i: the block descriptor's
// block_status (V3) or the frame's tp_status (V2).
func (s *Source) status(i int) *uint32 {
	if s.v2 {
		return (*uint32)(unsafe.Pointer(&s.ring[s.unit(i)]))
	}
	return (*uint32)(unsafe.Pointer(&s.ring[s.unit(i)+blockStatusOffset]))
}

// Version is the ring's TPACKET version (2 or 3), 0 without a ring.
func (s *Source) Version() int {
	switch {
	case s.ring == nil:
		return 0
	case s.v2:
		return 2
	}
	return 3
}

// release hands a block back to the kernel. The store has release
// semantics (Go atomics are sequentially consistent): every read of the
// block's packets happens before the kernel may overwrite them.
func (s *Source) release(block int) {
	if !s.v2 {
		// Cleared while the block is ours, so that a free block never
		// shows a count (ringOpen); the kernel resets it on opening.
		atomic.StoreUint32(s.numPkts(block), 0)
	}
	atomic.StoreUint32(s.status(block), tpStatusKernel)
}

// ReleaseInC says the caller (the C loop) takes the ring units each batch
// points into with the batch (TakeHeld) and hands them back to the kernel
// itself once the batch is used up, before the next Fill.
func (s *Source) ReleaseInC() { s.cRelease = s.ring != nil }

// TakeHeld passes the ownership words of the units the last batch points
// into, at most max of them (the rest Fill releases), and whether they are
// TPACKET_V3 block descriptors; and whether that fill emptied the ring.
func (s *Source) TakeHeld(max int, put func(i int, status *uint32)) (n int, v3, drained bool) {
	if !s.cRelease {
		return 0, false, false
	}
	n = min(len(s.done), max)
	for i, b := range s.done[:n] {
		put(i, s.status(b))
	}
	s.done = append(s.done[:0], s.done[n:]...)
	s.saveCursor() // what is left in done the next Fill releases
	return n, !s.v2, s.drained
}

// numPkts is a TPACKET_V3 block descriptor's packet count.
func (s *Source) numPkts(block int) *uint32 {
	return (*uint32)(unsafe.Pointer(&s.ring[s.unit(block)+blockNumPktsOffset]))
}

// Fill describes the packets of the blocks the kernel has retired, without
// blocking. It returns core.ErrTimeout when none is ready.
func (s *Source) Fill(batch []core.Packet) (int, error) {
	s.loadCursor()
	n, err := s.fill(batch)
	s.saveCursor()
	if n > 0 {
		s.goBatches++
	}
	return n, err
}

func (s *Source) fill(batch []core.Packet) (int, error) {
	if s.mm != nil {
		return s.fillMmsg(batch)
	}
	if s.ring == nil {
		return 0, syscall.EBADF
	}
	for _, b := range s.done { // what TakeHeld left (or everything)
		s.release(b)
	}
	s.done = s.done[:0]
	s.handed = false
	s.drained = false
	if s.ov != nil {
		return s.fillElastic(batch)
	}
	n := 0
	for n < len(batch) {
		if !s.ringPeek() {
			s.drained = true
			break
		}
		s.ringTake(batch, n)
		n++
	}
	if n == 0 {
		return 0, core.ErrTimeout
	}
	return n, nil
}

// ringPeek describes the ring's next packet into s.rhead (once: describing
// writes a cooked header in front of it); false when the ring has none
// ready.
func (s *Source) ringPeek() bool {
	for !s.rheadOK {
		if !s.inBlock {
			// Back at the first block this batch kept: the ring is
			// all in this batch (few blocks, or V2 frames), and
			// that block is still ours only until the next fill.
			if len(s.done) > 0 && s.cur == s.done[0] {
				return false
			}
			// Acquire: the block's contents are visible once the
			// status says user space owns it.
			if atomic.LoadUint32(s.status(s.cur)) == tpStatusKernel {
				return false
			}
			base := s.unit(s.cur)
			if s.v2 {
				s.left, s.next = 1, base
			} else {
				s.left = int(ne32(s.ring[base+blockNumPktsOffset:]))
				s.next = base + int(ne32(s.ring[base+blockFirstOffset:]))
			}
			s.inBlock = true
		}
		if s.left == 0 { // a block without packets
			s.finishBlock()
			continue
		}
		h := s.next
		s.left--
		s.rheadA = Aux{}
		if s.v2 {
			s.rheadOK = s.packetV2(h, &s.rhead, &s.rheadA)
		} else {
			s.next = h + int(ne32(s.ring[h:]))
			s.rheadOK = s.packet(h, &s.rhead, &s.rheadA)
		}
		if !s.rheadOK && s.left == 0 {
			s.finishBlock()
		}
	}
	return true
}

// ringTake puts the packet ringPeek described in batch entry n (with its
// aux entry) and moves past it: the batch now points into its block.
func (s *Source) ringTake(batch []core.Packet, n int) {
	batch[n] = s.rhead
	a := s.rheadA
	if s.userland || s.toFilter > 0 {
		a.UFilter = 1
	}
	s.put(n, a)
	s.rheadOK = false
	s.handed = true
	if s.left == 0 {
		s.finishBlock()
	}
}

// finishBlock leaves the current block once its last packet is described,
// as libpcap does after the last one is handled: handed back to the kernel
// (at the next fill if the batch points into it), one fewer block for the
// userspace filter, on to the next block.
func (s *Source) finishBlock() {
	if s.handed {
		s.done = append(s.done, s.cur)
	} else {
		s.release(s.cur)
	}
	if s.toFilter > 0 {
		s.toFilter--
	}
	s.handed = false
	s.inBlock = false
	s.cur = (s.cur + 1) % s.blocks
}

// packet turns the tpacket3_hdr at h into a descriptor and its Aux; false:
// skip it. The packet is left as the kernel gave it, cooked header built:
// the C loop filters, re-inserts the VLAN tag and trims to the snapshot.
func (s *Source) packet(h int, out *core.Packet, aux *Aux) bool {
	r := s.ring
	sll := h + tpacket3HdrLen // struct sockaddr_ll follows the header
	pi := pktInfo{
		sec:    int64(ne32(r[h+4:])),
		nsec:   int64(ne32(r[h+8:])),
		caplen: int(ne32(r[h+12:])),
		length: int(ne32(r[h+16:])),
		status: ne32(r[h+20:]),
		tci:    ne32(r[h+32:]),
		tpid:   ne16(r[h+36:]),
		sll:    r[sll : sll+sockaddrLLLen],
	}
	return s.describe(r, h+int(ne16(r[h+24:])), sll+sockaddrLLLen, &pi, out, aux)
}

// pktInfo is what the kernel says about one received packet, from a ring
// frame's header or from recvmsg's address and control messages.
type pktInfo struct {
	sec, nsec      int64
	caplen, length int    // bytes received, length on the wire
	status         uint32 // TP_STATUS_* bits (VLAN validity)
	tci            uint32
	tpid           uint16
	sll            []byte // struct sockaddr_ll
}

// describe finishes a packet whose bytes start at buf[start] and may be
// preceded by head room down to buf[floor]: direction check, cooked header
// written in front, VLAN aux data, descriptor. false: skip it.
func (s *Source) describe(buf []byte, start, floor int, pi *pktInfo, out *core.Packet, aux *Aux) bool {
	sll := pi.sll
	ifindex := int32(ne32(sll[4:]))
	pkttype := sll[10]

	// Direction, and loopback's outgoing copies (the incoming copy is the
	// same packet), as libpcap's linux_check_direction.
	if pkttype == packetOutgoing {
		if int(ifindex) == s.loIfindex || s.direction == DirIn {
			return false
		}
	} else if s.direction == DirOut {
		return false
	}

	caplen, length := pi.caplen, pi.length
	if s.cooked {
		hl := sllHdrLen
		if s.curDLT == DLTLinuxSLL2 {
			hl = sll2HdrLen
		}
		if start-hl < floor {
			return false // no room: cannot happen with our head room
		}
		start -= hl
		hdr := buf[start : start+hl]
		proto := sll[2:4] // network order already
		hatype := ne16(sll[8:])
		halen := sll[11]
		if hl == sll2HdrLen {
			copy(hdr[0:2], proto)
			hdr[2], hdr[3] = 0, 0
			binary.BigEndian.PutUint32(hdr[4:], uint32(ifindex))
			binary.BigEndian.PutUint16(hdr[8:], hatype)
			hdr[10] = pkttype
			hdr[11] = halen
			copy(hdr[12:20], sll[12:20])
		} else {
			binary.BigEndian.PutUint16(hdr[0:], uint16(pkttype))
			binary.BigEndian.PutUint16(hdr[2:], hatype)
			binary.BigEndian.PutUint16(hdr[4:], uint16(halen))
			copy(hdr[6:14], sll[12:20])
			copy(hdr[14:16], proto)
		}
		caplen += hl
		length += hl
		aux.HdrLen = uint8(hl)
	}

	// A tag the kernel took off (libpcap's VLAN_VALID): in the aux data
	// for the userspace filter, and re-inserted by the C loop after the
	// bytes before its place, when the kernel's caplen covers them and
	// the head room has space.
	if pi.tci != 0 || pi.status&tpStatusVLANValid != 0 {
		tpid := pi.tpid
		if tpid == 0 && pi.status&tpStatusVLANTPIDValid == 0 {
			tpid = ethP8021Q
		}
		aux.VLANP, aux.TCI, aux.TPID = 1, uint16(pi.tci), tpid
		if s.vlanOffset >= 0 && pi.caplen >= s.vlanOffset && start-4 >= floor {
			aux.Ins = uint8(s.vlanOffset)
		}
	}
	frac := pi.nsec
	if !s.nano {
		frac /= 1000
	}
	*out = core.Packet{Sec: pi.sec, Frac: frac, Caplen: uint32(caplen), Len: uint32(length),
		Data: uintptr(unsafe.Pointer(&buf[start]))}
	return true
}

// Close unmaps the ring and closes the socket (dropping the promiscuous
// membership with it).
func (s *Source) Close() {
	if s.ov != nil {
		s.ov.close()
		s.ov = nil
	}
	if s.mm != nil {
		s.mm.close()
		s.mm = nil
	}
	if s.ring != nil {
		_ = syscall.Munmap(s.ring)
		s.ring = nil
	}
	if s.fd >= 0 {
		_ = syscall.Close(s.fd)
		s.fd = -1
	}
}

var _ core.Source = (*Source)(nil)

// The ring's headers are in the host's byte order.
func ne32(b []byte) uint32 { return binary.NativeEndian.Uint32(b) }
func ne16(b []byte) uint16 { return binary.NativeEndian.Uint16(b) }
func ne64(b []byte) uint64 { return binary.NativeEndian.Uint64(b) }
