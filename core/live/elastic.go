package live

import (
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/pcapshim/pcapshim/core"
)

// The elastic buffer (the default when neither the host nor the
// environment sets a buffer size). A ring costs its whole size in memory
// from activation on, busy or idle, so the ring here is ElasticRingSize,
// not much more than libpcap's 2 MiB; what a burst needs beyond it goes to an
// overflow socket that costs memory only while packets wait in it. Both sockets are one PACKET_FANOUT group:
// a classic-BPF fanout without a program sends every packet to member 0,
// the ring, and FANOUT_FLAG_ROLLOVER sends it to the next member, the
// overflow socket, whenever the ring lacks room (three quarters in use).
// Fill reads the overflow socket with recvmmsg, as the recvmmsg path does,
// and merges the two streams by kernel time stamp.

// Kernel ABI (linux/if_packet.h, linux/filter.h).
const (
	packetFanout        = 18
	fanoutCBPF          = 6
	fanoutFlagRollover  = 0x1000
	fanoutFlagUniqueID  = 0x2000
	soAttachFilter      = 26
	soDetachFilter      = 27
	bpfRetK             = 0x06
	OverflowBufferBytes = 32 << 20 // SO_RCVBUFFORCE for the overflow socket
)

// overflow is the second member of the fanout group.
type overflow struct {
	fd   int
	m    *mmsg
	next int // first message of the last recvmmsg not handed out yet
	n    int // messages the last recvmmsg returned

	// head is message next, described (valid when headOK); described
	// once, since describing writes a cooked header in front of it.
	head   core.Packet
	headA  Aux
	headOK bool

	drained  bool   // the last recvmmsg emptied the queue (n > 0: it returned packets)
	checked  int64  // when it was made (ns since the epoch, less stampMargin)
	inBatch  bool   // the current batch points into m
	toFilter bool   // kernel filter changed: queued packets passed the old one
	got      uint64 // packets taken from it, for the debug report

	overload // switched off in a sustained overload (overload.go)
}

// ElasticRingSize is the elastic buffer's ring: a ring packet is cheaper to
// read than an overflow one (overload.go), so the ring is made to absorb
// more of a busy machine's scheduling stalls itself, as far as the
// footprint budget allows (an idle capture at most 5 MB more resident than
// libpcap's, the mapped ring included; the Go runtime takes about 3): 3 MiB,
// half as much again as libpcap's, about 2.5 ms of full-size frames at
// 10 GbE or 25,000 small ones. The fanout sends a packet to the overflow
// only when the ring is full, or three quarters full for a flow that
// dominates the traffic.
const ElasticRingSize = 3 << 20

// ElasticEnv, set to 0, turns the elastic default off: the whole default
// buffer is then one ring, as before.
const ElasticEnv = "PCAPSHIM_ELASTIC"

// openOverflow creates the overflow socket before the ring is sized: it
// decides whether the ring may be small. The socket receives nothing yet
// (not bound), and drops everything until it has joined the group (a
// reject-all filter). nil when the elastic buffer cannot be had: the
// receive buffer needs CAP_NET_ADMIN to exceed net.core.rmem_max.
func openOverflow(typ int) *overflow {
	fd, err := syscall.Socket(syscall.AF_PACKET, typ, 0)
	if err != nil {
		return nil
	}
	ok := syscall.SetsockoptInt(fd, solSocket, soRcvbufForce, OverflowBufferBytes) == nil &&
		syscall.SetsockoptInt(fd, solPacket, packetAuxdata, 1) == nil &&
		syscall.SetsockoptInt(fd, solSocket, soTimestampNS, 1) == nil &&
		attachReject(fd) == nil
	if !ok {
		syscall.Close(fd)
		return nil
	}
	return &overflow{fd: fd}
}

// attachReject attaches a filter that accepts nothing.
func attachReject(fd int) error {
	ins := [1]struct {
		code   uint16
		jt, jf uint8
		k      uint32
	}{{code: bpfRetK}}
	prog := struct {
		len uint16
		_   [6]byte
		ins uintptr
	}{len: 1, ins: uintptr(unsafe.Pointer(&ins[0]))}
	return setsockopt(fd, solSocket, soAttachFilter, unsafe.Pointer(&prog), unsafe.Sizeof(prog))
}

// joinOverflow makes the bound ring socket and the overflow socket one
// fanout group, ring first. On failure the overflow socket is closed and
// the ring alone captures (ElasticRingSize).
func (s *Source) joinOverflow(ov *overflow, proto uint16) error {
	fail := func(err error) error {
		syscall.Close(ov.fd)
		return err
	}
	if err := syscall.SetsockoptInt(s.fd, solPacket, packetFanout,
		(fanoutCBPF|fanoutFlagRollover|fanoutFlagUniqueID)<<16); err != nil {
		return fail(err)
	}
	v, err := syscall.GetsockoptInt(s.fd, solPacket, packetFanout)
	if err != nil {
		return fail(err)
	}
	id := v & 0xffff
	if e := bindTo(ov.fd, s.ifindex, proto); e != nil {
		return fail(e)
	}
	if err := syscall.SetsockoptInt(ov.fd, solPacket, packetFanout,
		id|(fanoutCBPF|fanoutFlagRollover)<<16); err != nil {
		return fail(err)
	}
	if err := syscall.SetsockoptInt(ov.fd, solSocket, soDetachFilter, 0); err != nil {
		return fail(err)
	}
	m, err := newMmsg(s.snaplen)
	if err != nil {
		return fail(err)
	}
	ov.m = m
	s.ov = ov
	return nil
}

// OverflowFd is the elastic buffer's overflow socket, -1 if none: the C
// side reads its statistics and attaches the kernel filter to it too.
func (s *Source) OverflowFd() int {
	if s.ov == nil {
		return -1
	}
	return s.ov.fd
}

// OverflowIdle says whether Fill left nothing on the overflow socket: the
// queue was empty at its last look and every packet read from it was
// handed out. The C loop's wait then watches the socket too (a packet the
// ring had no room for while the last batch held its units is queued
// there); not otherwise, when Fill left packets on it to wait for the
// ring's open block.
func (s *Source) OverflowIdle() bool {
	ov := s.ov
	return ov != nil && ov.drained && !ov.headOK && ov.next >= ov.n
}

// OverflowCount is how many packets came through the overflow socket.
func (s *Source) OverflowCount() uint64 {
	if s.ov == nil {
		return 0
	}
	return s.ov.got
}

// recv refills the overflow queue without blocking. Errors (ENETDOWN when
// the device goes down, as on the ring's socket, which reports them) are
// left to the ring: the overflow is then simply empty. s watches for a
// sustained overload (overload.go).
func (ov *overflow) recv(s *Source) {
	ov.next, ov.n, ov.headOK = 0, 0, false
	r, err := ov.m.receive(ov.fd, ov.m.n)
	// The queue was empty after this call only if it returned less
	// than it could; packets queued later were stamped about now or
	// after (a margin for the time between stamping and queueing).
	ov.drained = err != nil || r < ov.m.n
	ov.checked = time.Now().Add(-stampMargin).UnixNano()
	s.watchOverload()
	if err != nil || r == 0 {
		ov.toFilter = false // the queue the filter change found is gone
		return
	}
	ov.n = r
}

// stampMargin bounds the time between a packet's kernel time stamp and
// its queueing on a socket of the group.
const stampMargin = time.Millisecond

// mayHaveOlder says whether the overflow queue, not read since, may hold
// packets stamped before ring packet p.
func (ov *overflow) mayHaveOlder(s *Source, p *core.Packet) bool {
	return ov.n > 0 && (!ov.drained || p.Sec*1e9+p.Frac*s.fracNs() > ov.checked)
}

// peek describes the next queued overflow packet; false when none is left.
func (ov *overflow) peek(s *Source) bool {
	for !ov.headOK && ov.next < ov.n {
		ov.headA = Aux{}
		if s.msgPacket(ov.m, ov.next, &ov.head, &ov.headA) {
			ov.headOK = true
		} else {
			ov.next++
		}
	}
	return ov.headOK
}

// later says whether packet a was stamped after packet b.
func later(a, b *core.Packet) bool {
	return a.Sec > b.Sec || a.Sec == b.Sec && a.Frac > b.Frac
}

// fillElastic is Fill with an overflow socket: the ring's packets and the
// overflow's, merged by time stamp. The overflow queue is read once per
// fill when empty, and again during a fill only while it is delivering
// (a burst), when the ring's next packet is newer than the last look and
// no packet of this batch points into its buffers.
func (s *Source) fillElastic(batch []core.Packet) (int, error) {
	ov := s.ov
	ov.inBatch = false
	if ov.next >= ov.n {
		ov.recv(s)
	}
	n := 0
	for n < len(batch) {
		ringOK := s.ringPeek()
		ovOK := ov.peek(s)
		if ringOK && !ovOK && ov.mayHaveOlder(s, &s.rhead) {
			if ov.inBatch {
				break // the next fill looks again, first
			}
			ov.recv(s)
			ovOK = ov.peek(s)
		}
		if !ringOK && ovOK && s.ringOpen() && !s.beforeOpen(&ov.head) {
			// The ring's open block has packets not visible until
			// it is retired (full, or its timer: the pcap timeout):
			// they may be older than the overflow's. The overflow
			// waits; the retirement wakes the reader.
			break
		}
		switch {
		case ringOK && (!ovOK || !later(&s.rhead, &ov.head)):
			s.ringTake(batch, n)
		case ovOK:
			batch[n] = ov.head
			a := ov.headA
			if s.userland || ov.toFilter {
				a.UFilter = 1
			}
			s.put(n, a)
			ov.headOK = false
			ov.next++
			ov.inBatch = true
			ov.got++
		default:
			// Nothing in the ring, nothing queued on the overflow.
			s.drained = !ringOK && ov.drained
			if s.drained && s.sh == nil {
				s.rearm() // else the C loop's, on its next look at an empty ring
			}
			if n == 0 {
				return 0, core.ErrTimeout
			}
			return n, nil
		}
		n++
	}
	return n, nil
}

// ringOpen says whether the kernel has put packets in the block it is
// filling (s.cur when ringPeek found nothing ready: the blocks before it
// are ours or released). A TPACKET_V3 block's packets are readable only
// once it is retired; a V2 frame is readable as soon as it is written.
// Released blocks have their packet count cleared (release), so a count
// read here is the open block's.
func (s *Source) ringOpen() bool {
	if s.v2 || s.inBlock {
		return false
	}
	if len(s.done) > 0 && s.cur == s.done[0] {
		return true // the whole ring is in this batch: look again next fill
	}
	return atomic.LoadUint32(s.numPkts(s.cur)) != 0
}

// beforeOpen says whether packet p was stamped before the kernel opened
// the ring's open block (s.cur, ringOpen true), less stampMargin: then it
// is older than every packet in that block, and need not wait for it. In
// a sustained overload the overflow holds a backlog while the drained ring
// refills: without this the reader would sit out each block's filling with
// that backlog in hand. The kernel writes the opening time (ts_first_pkt)
// before the block's first packet (prb_open_block), as real time; a
// packet's stamp is taken a little before the kernel files it, hence the
// margin.
func (s *Source) beforeOpen(p *core.Packet) bool {
	if len(s.done) > 0 && s.cur == s.done[0] {
		return false // that block is ours, not the kernel's open one
	}
	b := s.unit(s.cur)
	opened := int64(ne32(s.ring[b+blockOpenedOffset:]))*1e9 +
		int64(ne32(s.ring[b+blockOpenedOffset+4:]))
	return p.Sec*1e9+p.Frac*s.fracNs() < opened-int64(stampMargin)
}

// fracNs is nanoseconds per unit of core.Packet.Frac.
func (s *Source) fracNs() int64 {
	if s.nano {
		return 1
	}
	return 1000
}

// put stores the aux entry of batch entry n.
func (s *Source) put(n int, a Aux) {
	if n < len(s.aux) {
		s.aux[n] = a
	}
}

func (ov *overflow) close() {
	if ov.m != nil {
		ov.m.close()
		ov.m = nil
	}
	if ov.fd >= 0 {
		_ = syscall.Close(ov.fd)
		ov.fd = -1
	}
}

// Elastic describes the buffer for the debug report: "" when the buffer
// size was set (no elastic default was tried).
func (s *Source) Elastic() string {
	switch {
	case s.ov != nil:
		return "elastic buffer: this ring, and an overflow socket (receive buffer " +
			itoa(2*OverflowBufferBytes) + " bytes) for what does not fit"
	case s.ovSetup != "":
		return "not elastic: " + s.ovSetup
	}
	return ""
}
