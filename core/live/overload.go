package live

import (
	"syscall"
	"time"
	"unsafe"
)

// The elastic buffer in a sustained overload. The overflow socket absorbs
// a burst; but read through recvmmsg, from a queue deep enough to be cold
// in the cache, a packet costs the reader several times what a ring packet
// costs. When packets keep coming faster than the reader drains them, the
// reader slows down further and most packets end up on the slow path: the
// capture keeps fewer packets than the ring alone would. So when the
// overflow queue has not once been empty for sustainedOverload and did not
// shrink by half meanwhile (SO_MEMINFO; a reader with room to catch up
// after a stall does), its receive buffer shrinks to the kernel's minimum:
// fanout rollover then finds no room there, and the ring takes (or drops)
// the traffic, as libpcap's does. What the overflow holds is still read,
// in order. A burst looks the same until it ends: one still arriving after
// sustainedOverload of busy reading loses its tail to the ring (a switch
// after 10 ms of growth dropped a fifth of TestBurst's 20,000 frames).
//
// The buffer grows back once the reader has caught up (an empty ring, seen
// by the C loop in shim/ring.c or by Fill), at least rearmDelay after the
// switch; the delay doubles, up to rearmDelayMax, each time the overload
// returns within rearmCalm of the last switch back. A host that dropped
// the privileges it opened the capture with (tcpdump does) gets back what
// net.core.rmem_max allows, not OverflowBufferBytes.
const (
	sustainedOverload = 50 * time.Millisecond
	rearmDelay        = time.Second
	rearmDelayMax     = 64 * time.Second
	rearmCalm         = 10 * time.Second
)

// overload is the overflow socket's on/off state. Without a ring shared
// with the C loop, rearmAt and armedAt live here; with one, in the shared
// struct, where the C loop switches the buffer back on.
type overload struct {
	busySince time.Time // the queue's first full read since it was last empty; zero: empty
	busyBytes int       // what the queue held then (queued), -1 if unknown
	delay     time.Duration
	rearmAt   int64 // CLOCK_MONOTONIC ns; 0: the buffer is on
	armedAt   int64
	disarms   uint64 // switched off
	rearms    uint64 // switched back on by Fill (not the C loop)
}

// times returns where the switch times live.
func (s *Source) times() (rearmAt, armedAt *int64) {
	if s.sh != nil {
		return &s.sh.RearmAt, &s.sh.ArmedAt
	}
	return &s.ov.rearmAt, &s.ov.armedAt
}

// monotonic is CLOCK_MONOTONIC in ns, the clock the C loop reads (Go's
// time keeps its monotonic reading to itself).
func monotonic() int64 {
	const clockMonotonic = 1
	var ts syscall.Timespec
	if _, _, e := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockMonotonic,
		uintptr(unsafe.Pointer(&ts)), 0); e != 0 {
		return 0
	}
	return ts.Nano()
}

// watchOverload follows the overflow queue after each read of it, and
// switches the overflow off in a sustained overload. It looks at the
// queue's size (a system call) when the busy time starts and once it has
// lasted sustainedOverload.
func (s *Source) watchOverload() {
	ov := s.ov
	if ov.drained {
		ov.busySince = time.Time{}
		return
	}
	now := time.Now()
	if ov.busySince.IsZero() {
		ov.busySince, ov.busyBytes = now, queued(ov.fd)
		return
	}
	rearmAt, armedAt := s.times()
	if *rearmAt != 0 || now.Sub(ov.busySince) < sustainedOverload {
		return
	}
	if q := queued(ov.fd); q >= 0 && ov.busyBytes >= 0 && q < ov.busyBytes/2 {
		ov.busySince, ov.busyBytes = now, q // catching up: look again later
		return
	}
	// SO_RCVBUF 0: the kernel's minimum (SOCK_MIN_RCVBUF), room for a
	// packet or two.
	if syscall.SetsockoptInt(ov.fd, solSocket, soRcvbuf, 0) != nil {
		return
	}
	mono := monotonic()
	switch {
	case ov.delay == 0 || mono-*armedAt > int64(rearmCalm):
		ov.delay = rearmDelay
	case ov.delay < rearmDelayMax:
		ov.delay *= 2
	}
	*rearmAt = mono + int64(ov.delay)
	ov.disarms++
}

// queued is the memory the socket's receive queue holds (SO_MEMINFO's
// rmem_alloc), -1 when the kernel does not say (before Linux 4.6).
func queued(fd int) int {
	const soMeminfo = 55
	var mi [9]uint32 // SK_MEMINFO_VARS
	n := uint32(unsafe.Sizeof(mi))
	if _, _, e := syscall.Syscall6(syscall.SYS_GETSOCKOPT, uintptr(fd), solSocket, soMeminfo,
		uintptr(unsafe.Pointer(&mi)), uintptr(unsafe.Pointer(&n)), 0); e != 0 || n < 4 {
		return -1
	}
	return int(mi[0])
}

// rearm switches the overflow back on when it is off and due: called by
// Fill when it found the ring and the overflow queue empty, and the ring is
// not shared with the C loop (which does the same in shim/ring.c).
func (s *Source) rearm() {
	rearmAt, armedAt := s.times()
	if *rearmAt == 0 {
		return
	}
	mono := monotonic()
	if mono < *rearmAt {
		return
	}
	// A host that dropped its privileges since the capture opened (as
	// tcpdump does) gets what net.core.rmem_max allows.
	if syscall.SetsockoptInt(s.ov.fd, solSocket, soRcvbufForce, OverflowBufferBytes) != nil {
		_ = syscall.SetsockoptInt(s.ov.fd, solSocket, soRcvbuf, OverflowBufferBytes)
	}
	*rearmAt, *armedAt = 0, mono
	s.ov.rearms++
}

// Overloads says how often the overflow was switched off in a sustained
// overload, and back on (the debug report).
func (s *Source) Overloads() (off, on uint64) {
	if s.ov == nil {
		return 0, 0
	}
	on = s.ov.rearms
	if s.sh != nil {
		on += s.sh.Rearms
	}
	return s.ov.disarms, on
}
