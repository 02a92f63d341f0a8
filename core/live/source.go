package live

import (
	"encoding/binary"
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
	fd        int
	ring      []byte // the mmap'ed ring: not Go-managed memory
	blockSize int
	blocks    int
	bufsize   int
	snaplen   int
	dlt       int
	dlts      []int
	cooked    bool
	any       bool
	nano      bool
	ifindex   int
	loIfindex int

	// Per fill, from the C handle (pcap_set_datalink, pcap_setdirection).
	curDLT     int
	direction  int
	vlanOffset int // where to re-insert a VLAN tag; -1: never

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
}

// Fd is the packet socket (pcap_fileno, pcap_get_selectable_fd).
func (s *Source) Fd() int { return s.fd }

// LinkType is the link type chosen at activation.
func (s *Source) LinkType() int { return s.dlt }

// DLTs lists the link types pcap_set_datalink accepts (nil: only LinkType).
func (s *Source) DLTs() []int { return s.dlts }

// Snaplen is the snapshot length in force.
func (s *Source) Snaplen() int { return s.snaplen }

// Bufsize is what pcap_bufsize reports (the V3 frame size, as libpcap).
func (s *Source) Bufsize() int { return s.bufsize }

// Cooked says packets get an SLL/SLL2 header (SOCK_DGRAM socket).
func (s *Source) Cooked() bool { return s.cooked }

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

func (s *Source) status(block int) *uint32 {
	return (*uint32)(unsafe.Pointer(&s.ring[block*s.blockSize+blockStatusOffset]))
}

// release hands a block back to the kernel. The store has release
// semantics (Go atomics are sequentially consistent): every read of the
// block's packets happens before the kernel may overwrite them.
func (s *Source) release(block int) {
	atomic.StoreUint32(s.status(block), tpStatusKernel)
}

// Fill describes the packets of the blocks the kernel has retired, without
// blocking. It returns core.ErrTimeout when none is ready.
func (s *Source) Fill(batch []core.Packet) (int, error) {
	if s.ring == nil {
		return 0, syscall.EBADF
	}
	for _, b := range s.done {
		s.release(b)
	}
	s.done = s.done[:0]
	s.handed = false
	n := 0
	for n < len(batch) {
		if !s.inBlock {
			// Acquire: the block's contents are visible once the
			// status says user space owns it.
			if atomic.LoadUint32(s.status(s.cur)) == tpStatusKernel {
				break
			}
			base := s.cur * s.blockSize
			s.left = int(ne32(s.ring[base+blockNumPktsOffset:]))
			s.next = base + int(ne32(s.ring[base+blockFirstOffset:]))
			s.inBlock = true
		}
		if s.left == 0 {
			if s.handed {
				s.done = append(s.done, s.cur)
			} else {
				s.release(s.cur)
			}
			s.handed = false
			s.inBlock = false
			s.cur = (s.cur + 1) % s.blocks
			continue
		}
		h := s.next
		s.next = h + int(ne32(s.ring[h:]))
		s.left--
		if s.packet(h, &batch[n]) {
			n++
			s.handed = true
		}
	}
	if n == 0 {
		return 0, core.ErrTimeout
	}
	return n, nil
}

// packet turns the tpacket3_hdr at h into a descriptor; false: skip it.
func (s *Source) packet(h int, out *core.Packet) bool {
	r := s.ring
	sec := ne32(r[h+4:])
	nsec := ne32(r[h+8:])
	caplen := int(ne32(r[h+12:]))
	length := int(ne32(r[h+16:]))
	status := ne32(r[h+20:])
	mac := int(ne16(r[h+24:]))
	tci := ne32(r[h+32:])
	tpid := ne16(r[h+36:])
	// struct sockaddr_ll follows the header.
	sll := h + tpacket3HdrLen
	ifindex := int32(ne32(r[sll+4:]))
	pkttype := r[sll+10]

	// Direction, and loopback's outgoing copies (the incoming copy is the
	// same packet), as libpcap's linux_check_direction.
	if pkttype == packetOutgoing {
		if int(ifindex) == s.loIfindex || s.direction == DirIn {
			return false
		}
	} else if s.direction == DirOut {
		return false
	}

	start := h + mac
	if s.cooked {
		hl := sllHdrLen
		if s.curDLT == DLTLinuxSLL2 {
			hl = sll2HdrLen
		}
		if start-hl < sll+sockaddrLLLen {
			return false // no room: cannot happen with our PACKET_RESERVE
		}
		start -= hl
		hdr := r[start : start+hl]
		proto := r[sll+2 : sll+4] // network order already
		hatype := ne16(r[sll+8:])
		halen := r[sll+11]
		if hl == sll2HdrLen {
			copy(hdr[0:2], proto)
			hdr[2], hdr[3] = 0, 0
			binary.BigEndian.PutUint32(hdr[4:], uint32(ifindex))
			binary.BigEndian.PutUint16(hdr[8:], hatype)
			hdr[10] = pkttype
			hdr[11] = halen
			copy(hdr[12:20], r[sll+12:sll+20])
		} else {
			binary.BigEndian.PutUint16(hdr[0:], uint16(pkttype))
			binary.BigEndian.PutUint16(hdr[2:], hatype)
			binary.BigEndian.PutUint16(hdr[4:], uint16(halen))
			copy(hdr[6:14], r[sll+12:sll+20])
			copy(hdr[14:16], proto)
		}
		caplen += hl
		length += hl
	}

	// Re-insert the tag the kernel took off: the bytes before the tag's
	// place move back 4 bytes into the reserved head room.
	if s.vlanOffset >= 0 && (tci != 0 || status&tpStatusVLANValid != 0) &&
		caplen >= s.vlanOffset && start-4 >= sll+sockaddrLLLen {
		if tpid == 0 && status&tpStatusVLANTPIDValid == 0 {
			tpid = ethP8021Q
		}
		copy(r[start-4:], r[start:start+s.vlanOffset])
		start -= 4
		tag := r[start+s.vlanOffset : start+s.vlanOffset+4]
		binary.BigEndian.PutUint16(tag[0:], tpid)
		binary.BigEndian.PutUint16(tag[2:], uint16(tci))
		caplen += 4
		length += 4
	}
	if caplen > s.snaplen {
		caplen = s.snaplen
	}
	frac := int64(nsec)
	if !s.nano {
		frac /= 1000
	}
	*out = core.Packet{Sec: int64(sec), Frac: frac, Caplen: uint32(caplen), Len: uint32(length),
		Data: uintptr(unsafe.Pointer(&r[start]))}
	return true
}

// Close unmaps the ring and closes the socket (dropping the promiscuous
// membership with it).
func (s *Source) Close() {
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
