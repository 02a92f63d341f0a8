package live

import (
	"errors"
	"syscall"
	"time"
	"unsafe"

	"github.com/pcapshim/pcapshim/core"
)

// The receive path for kernels or sandboxes that refuse PACKET_VERSION or
// PACKET_RX_RING (ENOPROTOOPT: qemu-user, gVisor), or when
// PCAPSHIM_AF_PACKET_MODE=recvmmsg asks for it. libpcap 1.10 cannot
// capture there at all; here the socket is read with recvmmsg(2) into
// buffers outside the Go heap, one batch per call and per C->Go crossing,
// and each packet is described exactly as a ring frame would be: the
// kernel's auxiliary data (PACKET_AUXDATA: original length, VLAN tag) and
// time stamp (SO_TIMESTAMPNS) come as control messages, the link-layer
// address (direction, interface, cooked header fields) as the source
// address. Waiting stays in C (poll on the socket: readable when a packet
// is queued), so breakloop and non-blocking mode are unchanged; the wait
// also holds packets that arrive while the reader waits for the pcap
// timeout, or until a ring block's worth is queued, as the ring's block
// timer does.

// ModeEnv names the environment variable that selects the receive path:
// "ring" (the default: TPACKET_V3, recvmmsg only where the kernel refuses
// the ring) or "recvmmsg" (always recvmmsg).
const ModeEnv = "PCAPSHIM_AF_PACKET_MODE"

// ErrNetDown is what Fill returns when the socket reported ENETDOWN (the
// device went down or away): the caller then waits as after POLLERR.
var ErrNetDown = errors.New("the capture device went down")

// Kernel ABI for the recvmmsg path.
const (
	soTimestampNS   = 35 // SO_TIMESTAMPNS (== SCM_TIMESTAMPNS; 64-bit time on LP64)
	soRcvbuf        = 8
	soRcvbufForce   = 33
	solSocket       = 1
	msgDontwait     = 0x40
	mmsgHdrSize     = 64 // struct mmsghdr on LP64
	iovecSize       = 16
	nameSize        = 32 // room for a struct sockaddr_ll (20 bytes)
	controlSize     = 192
	mmsgHeadroom    = 32 // SLL2 header (20) + a VLAN tag (4), rounded up
	mmsgMeta        = mmsgHdrSize + iovecSize + nameSize + controlSize
	mmsgSlotBudget  = 16 << 20 // packet buffers per batch, at most
	mmsgMinMessages = 16
	auxdataSize     = 20 // struct tpacket_auxdata
)

// mmsghdr is struct mmsghdr (struct msghdr, then msg_len) on LP64. Its
// pointers point into the same anonymous mapping, never at Go memory.
type mmsghdr struct {
	name       uintptr
	namelen    uint32
	_          uint32
	iov        uintptr
	iovlen     uint64
	control    uintptr
	controllen uint64
	flags      int32
	_          int32
	msgLen     uint32
	_          uint32
}

type iovec struct {
	base uintptr
	len  uint64
}

// mmsg is the recvmmsg state: one anonymous mapping holding, for each of n
// messages, its header, iovec, address and control buffers (meta area),
// then n packet slots of head room + snap bytes.
type mmsg struct {
	mem  []byte
	n    int
	slot int
	snap int
}

// setupMmsg prepares the recvmmsg path on s.fd: time stamps, receive
// buffer, and the batch buffers.
func (s *Source) setupMmsg(o Options) (warn, fail *Error) {
	if err := syscall.SetsockoptInt(s.fd, solSocket, soTimestampNS, 1); err != nil {
		return nil, sysErr(ErrGeneric, "setsockopt (SO_TIMESTAMPNS)", err)
	}
	if warn, fail = s.hwStamps(o, false); fail != nil {
		return nil, fail
	}
	// The socket's receive buffer plays the ring's part: the buffer size
	// (pcap_set_buffer_size, or the default). SO_RCVBUFFORCE passes
	// net.core.rmem_max with CAP_NET_ADMIN; otherwise the kernel caps it.
	buf := s.bufferSize(o)
	if syscall.SetsockoptInt(s.fd, solSocket, soRcvbufForce, buf) != nil {
		if err := syscall.SetsockoptInt(s.fd, solSocket, soRcvbuf, buf); err != nil {
			return nil, sysErr(ErrGeneric, "setsockopt (SO_RCVBUF)", err)
		}
	}
	m, err := newMmsg(s.snaplen)
	if err != nil {
		return nil, sysErr(ErrGeneric, "can't allocate receive buffers: mmap", err)
	}
	s.mm = m
	// Buffering as the ring's block timeout: the pcap timeout (the
	// kernel's 8 ms default when negative; none in immediate mode; no
	// limit for 0), or until a ring block's worth of receive memory is
	// in use (at most a quarter of the receive buffer).
	switch {
	case o.Immediate:
		s.holdMs = 0
	case o.TimeoutMs > 0:
		s.holdMs = o.TimeoutMs
	case o.TimeoutMs == 0:
		s.holdMs = -1
	default:
		s.holdMs = 8
	}
	s.holdBytes = 256 << 10
	if rb, err := syscall.GetsockoptInt(s.fd, solSocket, soRcvbuf); err == nil && rb/4 < s.holdBytes {
		s.holdBytes = rb / 4
	}
	s.bufsize = MaxSnaplen // what pcap_bufsize says in ring mode too
	return warn, nil
}

// newMmsg maps the buffers for batches of messages up to snap bytes long.
func newMmsg(snap int) (*mmsg, error) {
	slot := (mmsgHeadroom + snap + 63) &^ 63
	n := mmsgSlotBudget / slot
	if n < mmsgMinMessages {
		n = mmsgMinMessages
	}
	if n > maxBatch {
		n = maxBatch
	}
	mem, err := syscall.Mmap(-1, 0, n*(mmsgMeta+slot), syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_PRIVATE|syscall.MAP_ANONYMOUS)
	if err != nil {
		return nil, err
	}
	m := &mmsg{mem: mem, n: n, slot: slot, snap: snap}
	base := uintptr(unsafe.Pointer(&mem[0]))
	for i := 0; i < n; i++ {
		h := m.hdr(i)
		iov := (*iovec)(unsafe.Pointer(&mem[m.iovOff(i)]))
		iov.base = base + uintptr(m.slotOff(i)+mmsgHeadroom)
		iov.len = uint64(snap)
		h.name = base + uintptr(m.nameOff(i))
		h.iov = base + uintptr(m.iovOff(i))
		h.iovlen = 1
		h.control = base + uintptr(m.controlOff(i))
	}
	return m, nil
}

// Hold says how the C wait buffers packets on the recvmmsg path (see
// struct pcap's hold_ms and hold_bytes); 0, 0 on the ring.
func (s *Source) Hold() (ms, bytes int) {
	if s.mm == nil {
		return 0, 0
	}
	return s.holdMs, s.holdBytes
}

// maxBatch bounds the messages per call: the C batch's size.
const maxBatch = 512

func (m *mmsg) hdr(i int) *mmsghdr {
	return (*mmsghdr)(unsafe.Pointer(&m.mem[i*mmsgHdrSize]))
}
func (m *mmsg) iovOff(i int) int     { return m.n*mmsgHdrSize + i*iovecSize }
func (m *mmsg) nameOff(i int) int    { return m.n*(mmsgHdrSize+iovecSize) + i*nameSize }
func (m *mmsg) controlOff(i int) int { return m.n*(mmsgHdrSize+iovecSize+nameSize) + i*controlSize }
func (m *mmsg) slotOff(i int) int    { return m.n*mmsgMeta + i*m.slot }

// receive reads up to want queued messages from fd without blocking: 0
// and no error when none is queued.
func (m *mmsg) receive(fd, want int) (int, error) {
	if want > m.n {
		want = m.n
	}
	for i := 0; i < want; i++ {
		h := m.hdr(i)
		h.namelen = nameSize
		h.controllen = controlSize
		h.flags = 0
	}
	r, _, e := syscall.Syscall6(syscall.SYS_RECVMMSG, uintptr(fd),
		uintptr(unsafe.Pointer(&m.mem[0])), uintptr(want), msgDontwait, 0, 0)
	switch e {
	case 0:
		return int(r), nil
	case syscall.EAGAIN, syscall.EINTR:
		return 0, nil
	}
	return 0, e
}

// msgPacket describes received message i as a ring frame would be; false:
// skip it.
func (s *Source) msgPacket(m *mmsg, i int, out *core.Packet, a *Aux) bool {
	h := m.hdr(i)
	pi := pktInfo{caplen: int(h.msgLen), sll: m.mem[m.nameOff(i) : m.nameOff(i)+sockaddrLLLen]}
	pi.length = -1
	m.control(i, int(h.controllen), &pi, s.rawHW)
	if pi.length < 0 {
		pi.length = pi.caplen
	}
	if pi.sec == 0 && pi.nsec == 0 {
		now := time.Now()
		pi.sec, pi.nsec = now.Unix(), int64(now.Nanosecond())
	}
	return s.describe(m.mem, m.slotOff(i)+mmsgHeadroom, m.slotOff(i), &pi, out, a)
}

// fillMmsg receives what is queued on the socket, without blocking, and
// describes it in batch.
func (s *Source) fillMmsg(batch []core.Packet) (int, error) {
	r, err := s.mm.receive(s.fd, len(batch))
	if err != nil {
		if err == syscall.ENETDOWN || err == syscall.ENXIO {
			return 0, ErrNetDown
		}
		return 0, &Error{Code: ErrGeneric, Op: "recvmmsg", Errno: err.(syscall.Errno)}
	}
	if r == 0 {
		if s.handedMm {
			// The queue is empty after a delivery: the "block" the
			// filter change fell in is done.
			s.toFilter, s.handedMm = 0, false
		}
		return 0, core.ErrTimeout
	}
	n := 0
	for i := 0; i < r; i++ {
		var a Aux
		if s.msgPacket(s.mm, i, &batch[n], &a) {
			if s.userland || s.toFilter > 0 {
				a.UFilter = 1
			}
			s.put(n, a)
			n++
		}
	}
	if s.toFilter > 0 {
		s.handedMm = true
	}
	if n == 0 {
		return 0, core.ErrTimeout
	}
	return n, nil
}

// control reads message i's control messages: the auxiliary data
// (original length, VLAN tag and its validity) and the time stamp.
func (m *mmsg) control(i, clen int, pi *pktInfo, rawHW bool) {
	hw := false
	c := m.mem[m.controlOff(i) : m.controlOff(i)+controlSize]
	if clen > len(c) {
		clen = len(c)
	}
	for off := 0; off+16 <= clen; {
		l := int(ne64(c[off:]))
		if l < 16 || off+l > clen {
			return
		}
		level := int32(ne32(c[off+8:]))
		typ := int32(ne32(c[off+12:]))
		d := c[off+16 : off+l]
		switch {
		case level == solPacket && typ == packetAuxdata && len(d) >= auxdataSize:
			pi.status = ne32(d[0:])
			pi.length = int(ne32(d[4:]))
			pi.tci = uint32(ne16(d[16:]))
			pi.tpid = ne16(d[18:])
		case level == solSocket && typ == soTimestampNS && len(d) >= 16 && !hw:
			pi.sec = int64(ne64(d[0:]))
			pi.nsec = int64(ne64(d[8:]))
		case level == solSocket && typ == soTimestamping && len(d) >= scmTimestampingSize && rawHW:
			// ts[2], the raw hardware stamp, when the device gave one
			// (the ring's TP_STATUS_TS_RAW_HARDWARE); else software.
			if sec, nsec := int64(ne64(d[32:])), int64(ne64(d[40:])); sec != 0 || nsec != 0 {
				pi.sec, pi.nsec, hw = sec, nsec, true
			}
		}
		off += (l + 7) &^ 7
	}
}

func (m *mmsg) close() {
	if m.mem != nil {
		_ = syscall.Munmap(m.mem)
		m.mem = nil
	}
}
