package live

import (
	"net"
	"syscall"
	"testing"
	"time"
)

// TestOverloadSwitch: the overflow socket's receive buffer shrinks after
// the queue stayed busy for sustainedOverload, not before, and not when a
// read found it empty in between; it grows back only once due; an overload
// within rearmCalm of the switch back doubles the delay; a queue that
// shrinks by half meanwhile is left alone. A UDP socket stands in for the packet
// socket (the same socket options).
func TestOverloadSwitch(t *testing.T) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	s := &Source{ov: &overflow{fd: fd}}
	ov := s.ov
	rcvbuf := func() int {
		v, err := syscall.GetsockoptInt(fd, solSocket, soRcvbuf)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	const small = 8 << 10 // above SOCK_MIN_RCVBUF, below any default
	if v := rcvbuf(); v <= small {
		t.Fatalf("a fresh socket's receive buffer is %d bytes: cannot tell a shrink", v)
	}
	busyFor := func(d time.Duration) {
		ov.drained = false
		s.watchOverload() // the first busy read starts the clock
		ov.busySince = ov.busySince.Add(-d)
		s.watchOverload()
	}

	busyFor(sustainedOverload / 2)
	if ov.disarms != 0 || rcvbuf() <= small {
		t.Fatalf("switched off after %v busy (want %v)", sustainedOverload/2, sustainedOverload)
	}
	ov.drained = true
	s.watchOverload()
	if !ov.busySince.IsZero() {
		t.Fatalf("an empty read did not reset the busy clock")
	}

	busyFor(sustainedOverload + time.Millisecond)
	if ov.disarms != 1 {
		t.Fatalf("not switched off after %v busy", sustainedOverload)
	}
	if v := rcvbuf(); v > small {
		t.Fatalf("receive buffer %d bytes after the switch off, want the minimum", v)
	}
	if d := time.Duration(ov.rearmAt - monotonic()); d < rearmDelay-100*time.Millisecond || d > rearmDelay {
		t.Fatalf("switch back due in %v, want %v", d, rearmDelay)
	}
	s.rearm()
	if ov.rearmAt == 0 || rcvbuf() > small {
		t.Fatalf("switched back on before it was due")
	}

	ov.rearmAt = monotonic() - 1 // due
	s.rearm()
	if ov.rearmAt != 0 || ov.armedAt == 0 || ov.rearms != 1 {
		t.Fatalf("not switched back on when due (rearmAt %d, armedAt %d)", ov.rearmAt, ov.armedAt)
	}
	if v := rcvbuf(); v <= small {
		t.Fatalf("receive buffer %d bytes after the switch back on", v)
	}

	// The overload returns at once: twice the delay.
	busyFor(sustainedOverload + time.Millisecond)
	if ov.disarms != 2 {
		t.Fatalf("not switched off by the second overload")
	}
	if d := time.Duration(ov.rearmAt - monotonic()); d < 2*rearmDelay-100*time.Millisecond || d > 2*rearmDelay {
		t.Fatalf("second switch back due in %v, want %v", d, 2*rearmDelay)
	}
	// After a calm rearmCalm, the delay starts over.
	ov.rearmAt = 0
	ov.armedAt = monotonic() - int64(rearmCalm) - 1
	busyFor(sustainedOverload + time.Millisecond)
	if d := time.Duration(ov.rearmAt - monotonic()); d > rearmDelay {
		t.Fatalf("after a calm period the switch back is due in %v, want %v", d, rearmDelay)
	}
}

// TestOverloadCatchingUp: a busy overflow queue that shrank by more than
// half over sustainedOverload (a reader catching up after a stall) is
// left on; the same queue no longer shrinking is switched off. The queue is
// a packet socket's on loopback (SO_MEMINFO, as the overflow's), filled by
// UDP datagrams to a closed local port.
func TestOverloadCatchingUp(t *testing.T) {
	fd, err := syscall.Socket(syscall.AF_PACKET, syscall.SOCK_DGRAM, int(htons(ethPAll)))
	if err != nil {
		t.Skipf("no packet socket (needs CAP_NET_RAW: run as root): %v", err)
	}
	defer syscall.Close(fd)
	lo, err := net.InterfaceByName("lo")
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Bind(fd, &syscall.SockaddrLinklayer{Protocol: htons(ethPAll), Ifindex: lo.Index}); err != nil {
		t.Fatal(err)
	}
	u, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(u)
	to := &syscall.SockaddrInet4{Port: 9, Addr: [4]byte{127, 0, 0, 1}} // discard: nobody listens
	for i := 0; i < 32; i++ {
		_ = syscall.Sendto(u, make([]byte, 200), 0, to)
	}
	q0 := queued(fd)
	if q0 <= 0 {
		t.Fatalf("SO_MEMINFO says %d bytes queued after 32 datagrams on loopback", q0)
	}
	s := &Source{ov: &overflow{fd: fd}}
	ov := s.ov
	ov.drained = false
	s.watchOverload()
	buf := make([]byte, 2048)
	for queued(fd) >= q0/2 {
		if _, _, err := syscall.Recvfrom(fd, buf, syscall.MSG_DONTWAIT); err != nil {
			t.Fatal(err)
		}
	}
	ov.busySince = ov.busySince.Add(-sustainedOverload - time.Millisecond)
	s.watchOverload()
	if ov.disarms != 0 {
		t.Fatalf("switched off while the queue shrank from %d to %d bytes", q0, queued(fd))
	}
	ov.busySince = ov.busySince.Add(-sustainedOverload - time.Millisecond)
	s.watchOverload()
	if ov.disarms != 1 {
		t.Fatalf("not switched off when the queue (%d bytes) stopped shrinking", queued(fd))
	}

}
