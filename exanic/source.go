package exanic

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync/atomic"
	"syscall"
	"unsafe"

	"github.com/pcapshim/pcapshim/core"
)

// Time stamp types (pcap/pcap.h).
const (
	TstampHost            = 0
	TstampAdapter         = 3
	TstampAdapterUnsynced = 4
)

// DefaultBufferSize is the capture buffer when none is asked for: about
// 64 ms of 10 GbE line rate, 30 DMA rings' worth.
const DefaultBufferSize = 64 << 20

// MaxSnaplen is libpcap's default and ceiling.
const MaxSnaplen = 262144

// Options are the pcap_set_* values of a handle.
type Options struct {
	Device     string
	Snaplen    int
	BufferSize int // bytes; <= 0: DefaultBufferSize
	Promisc    bool
	Nano       bool
	TstampType int          // TstampHost (default), TstampAdapter, TstampAdapterUnsynced
	KeepBad    bool         // deliver CRC-errored and aborted frames too
	Busy       bool         // poll without ever sleeping (lowest latency, one core)
	Counters   *Counters    // where pcap_stats' totals go; nil: private
	Backend    Backend      // nil: DefaultBackend()
	Debug      func(string) // if set, gets a summary line at Close
}

// Fallback is Open's answer for an ExaNIC port it cannot capture from by
// bypass while its Linux interface exists: capture there with AF_PACKET
// and show Warning.
type Fallback struct {
	Netdev  string
	Warning string
}

func (f *Fallback) Error() string { return f.Warning }

// Source is an open ExaNIC capture.
type Source struct {
	b       Backend
	c       *card
	ring    []byte
	infoPg  []byte
	u       *uring
	r       *reader
	efd     int
	port    Port
	snaplen int
	nano    bool
	busy    bool
	ctr     *Counters
	tsWarn  bool

	cons   uint64 // consumer position (records up to it are released)
	waited bool   // the last Fill returned a timeout: drain the eventfd

	promiscSet bool
	running    bool
	debug      func(string)
	tid        atomic.Int32 // the reader thread's id, once it runs
	stop       atomic.Bool
	done       chan struct{}
}

// Open opens an ExaNIC port for capture. ErrNotExanic: the name is not an
// ExaNIC port. *Fallback: it is, but bypass is impossible; capture on the
// netdev instead.
func Open(o Options) (s *Source, err error) {
	b := o.Backend
	if b == nil {
		b = DefaultBackend()
	}
	dev, port, err := Resolve(b, o.Device)
	if err != nil {
		if !errors.Is(err, ErrNotExanic) && !isDevPort(o.Device) {
			// The driver says ExaNIC but will not say which port.
			return nil, &Fallback{Netdev: o.Device, Warning: err.Error() +
				"; capturing through AF_PACKET on " + o.Device + " instead, without kernel bypass or hardware time stamps"}
		}
		return nil, err
	}
	if !b.Present() {
		return nil, fmt.Errorf("%s: the exanic driver is not loaded (modprobe exanic, from exanic-software)", o.Device)
	}
	s = &Source{b: b, efd: -1, done: make(chan struct{}), nano: o.Nano, busy: o.Busy, ctr: o.Counters,
		debug: o.Debug}
	if s.ctr == nil {
		s.ctr = new(Counters)
	}
	fail := func(ifname, reason string) error {
		s.Close()
		if ifname != "" {
			return &Fallback{Netdev: ifname, Warning: fmt.Sprintf(
				"%s:%d (%s): %s; capturing through AF_PACKET on %s instead, without kernel bypass or hardware time stamps",
				dev, port, ifname, reason, ifname)}
		}
		return fmt.Errorf("%s: %s", o.Device, reason)
	}
	if os.Getpagesize() != pageSize {
		return nil, fail(ifnameOf(o.Device), "the ExaNIC user-space ABI needs a kernel with 4 KiB pages")
	}
	c, err := openCard(b, dev)
	if err != nil {
		return nil, fail(ifnameOf(o.Device), err.Error())
	}
	s.c = c
	if port >= int(c.info.NumPorts) || port >= MaxPorts {
		s.Close()
		return nil, fmt.Errorf("%s: %s has %d ports", o.Device, dev, c.info.NumPorts)
	}
	names := map[int]string{}
	if ifs, err := b.Interfaces(); err == nil {
		for _, f := range ifs {
			names[f.Index] = f.Name
		}
	}
	s.port = c.port(port, names)
	ifname := s.port.Ifname
	switch st := s.port.Status; {
	case st&StatusNotImplemented != 0:
		return nil, fail(ifname, "port not implemented on this card")
	case st&StatusRxUnsupported != 0:
		return nil, fail(ifname, "the port cannot receive")
	case !s.port.Enabled:
		return nil, fail(ifname, "the port is disabled (ip link set "+orName(ifname, "<interface>")+" up)")
	}
	if s.ring, err = b.Mmap(c.fd, RxOffset(port), RingSize); err != nil {
		return nil, fail(ifname, "cannot map the port's receive ring: "+err.Error()+
			" (the driver maps it only while the interface is up: ip link set "+orName(ifname, "<interface>")+" up)")
	}
	s.infoPg, _ = b.Mmap(c.fd, OffInfo, InfoSize) // optional, as in libexanic

	size := o.BufferSize
	if size <= 0 {
		size = DefaultBufferSize
	}
	if s.u, err = newURing(size); err != nil {
		s.Close()
		return nil, err
	}
	atomic.StoreUint32(s.u.waitp(), 1)
	fd, _, e := syscall.RawSyscall(syscall.SYS_EVENTFD2, 0, syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if e != 0 {
		s.Close()
		return nil, fmt.Errorf("can't create eventfd: %v", e)
	}
	s.efd = int(fd)

	s.snaplen = o.Snaplen
	if s.snaplen <= 0 || s.snaplen > MaxSnaplen {
		s.snaplen = MaxSnaplen
	}
	s.r = newReader(s.ring, s.u, s.snaplen, s.ctr)
	s.r.keepBad = o.KeepBad
	s.r.clk = newClock(c.regs, s.infoPg)
	if o.TstampType == TstampAdapter || o.TstampType == TstampAdapterUnsynced {
		if s.r.clk.Hz != 0 {
			s.r.adapter = true
		} else {
			s.tsWarn = true
		}
	}
	s.r.signal = s.wake

	if o.Promisc && ifname != "" {
		if fl, err := b.Flags(ifname); err == nil && fl&syscall.IFF_PROMISC == 0 {
			if err := b.SetFlags(ifname, fl|syscall.IFF_PROMISC); err != nil {
				s.Close()
				return nil, fmt.Errorf("%s: cannot set promiscuous mode (SIOCSIFFLAGS): %v", ifname, err)
			}
			s.promiscSet = true
		}
	}
	s.running = true
	go s.run()
	return s, nil
}

func isDevPort(name string) bool { _, _, ok := parseDevPort(name); return ok }

// IsDevPort says name has the form exanicN:P.
func IsDevPort(name string) bool { return isDevPort(name) }

func orName(n, alt string) string {
	if n == "" {
		return alt
	}
	return n
}

// ifnameOf is the netdev to fall back to for name.
func ifnameOf(name string) string {
	if !isDevPort(name) {
		return name
	}
	return ""
}

// TstampUnavailable says adapter time stamps were asked for but the card's
// clock cannot be read (host time stamps are used).
func (s *Source) TstampUnavailable() bool { return s.tsWarn }

// Fd is the selectable descriptor: an eventfd the reader signals when
// frames arrive while the consumer waits (the card has none of its own).
func (s *Source) Fd() int { return s.efd }

// Snaplen is the snapshot length in force.
func (s *Source) Snaplen() int { return s.snaplen }

// BufferSize is the capture buffer's size in bytes.
func (s *Source) BufferSize() int { return int(s.u.size) }

// Port describes the port captured on.
func (s *Source) Port() Port { return s.port }

// Adapter says time stamps come from the card's clock.
func (s *Source) Adapter() bool { return s.r.adapter }

// Stats returns the reader's counts (each read atomically).
func (s *Source) Stats() Stats {
	st := &s.r.st
	return Stats{Frames: atomic.LoadUint64(&st.Frames), Corrupt: atomic.LoadUint64(&st.Corrupt),
		Aborted: atomic.LoadUint64(&st.Aborted), HWOvfl: atomic.LoadUint64(&st.HWOvfl),
		Short: atomic.LoadUint64(&st.Short), Laps: atomic.LoadUint64(&st.Laps),
		Discarded: atomic.LoadUint64(&st.Discarded), Truncated: atomic.LoadUint64(&st.Truncated),
		Full: atomic.LoadUint64(&st.Full)}
}

// Counters are the pcap_stats totals.
func (s *Source) Counters() *Counters { return s.ctr }

// wake is called by the reader after publishing: if the consumer said it
// waits, clear the flag and signal the eventfd.
func (s *Source) wake() {
	w := s.u.waitp()
	if atomic.LoadUint32(w) != 0 && atomic.CompareAndSwapUint32(w, 1, 0) {
		one := uint64(1)
		syscall.Write(s.efd, (*[8]byte)(unsafe.Pointer(&one))[:])
	}
}

// Fill hands out the frames the reader has put in the capture buffer,
// pointing into it; they stay valid until the next Fill. Never blocks:
// core.ErrTimeout when nothing is there (the caller then polls Fd).
func (s *Source) Fill(batch []core.Packet) (int, error) {
	if s.u == nil {
		return 0, syscall.EBADF
	}
	atomic.StoreUint64(s.u.consp(), s.cons) // the previous batch is done with
	if s.waited {
		var v [8]byte
		syscall.Read(s.efd, v[:])
		s.waited = false
	}
	n := s.take(batch)
	if n == 0 {
		// Say we wait, then look again: the reader stores prod, then
		// loads the flag; we store the flag, then load prod (sequentially
		// consistent atomics), so one of us sees the other.
		atomic.StoreUint32(s.u.waitp(), 1)
		if n = s.take(batch); n == 0 {
			s.waited = true
			return 0, core.ErrTimeout
		}
		if !atomic.CompareAndSwapUint32(s.u.waitp(), 1, 0) {
			s.waited = true // the reader signalled meanwhile
		}
	}
	return n, nil
}

func (s *Source) take(batch []core.Packet) int {
	u := s.u
	prod := atomic.LoadUint64(u.prodp())
	cons := s.cons
	n := 0
	for n < len(batch) && cons < prod {
		pos := cons % u.size
		h := (*[4]uint32)(u.at(pos))
		if h[0] == recWrap {
			cons += u.size - pos
			continue
		}
		ts := *(*int64)(u.at(pos + 16))
		p := &batch[n]
		p.Sec = ts / 1e9
		p.Frac = ts % 1e9
		if !s.nano {
			p.Frac /= 1000
		}
		p.Caplen, p.Len = h[1], h[2]
		if int(p.Caplen) > s.snaplen {
			p.Caplen = uint32(s.snaplen)
		}
		p.Data = uintptr(u.at(pos + recHdr))
		cons += uint64(h[0])
		n++
	}
	s.cons = cons
	return n
}

// Close stops the reader, restores promiscuous mode and unmaps everything.
func (s *Source) Close() {
	if s.running && !s.stop.Swap(true) {
		<-s.done
		if s.debug != nil {
			st := s.Stats()
			s.debug(fmt.Sprintf("exanic: %s:%d closed: %d frames delivered, %d CRC errors and %d aborted (dropped), %d hardware overflows, %d laps (%d frames lost, %d discarded by the copy re-check), capture buffer full %d times",
				s.port.Dev, s.port.Port, st.Frames, st.Corrupt, st.Aborted, st.HWOvfl, st.Laps,
				atomic.LoadUint64(&s.ctr.Drop), st.Discarded, st.Full))
		}
	}
	if s.promiscSet {
		if fl, err := s.b.Flags(s.port.Ifname); err == nil {
			s.b.SetFlags(s.port.Ifname, fl&^syscall.IFF_PROMISC)
		}
		s.promiscSet = false
	}
	if s.ring != nil {
		s.b.Munmap(s.ring)
		s.ring = nil
	}
	if s.infoPg != nil {
		s.b.Munmap(s.infoPg)
		s.infoPg = nil
	}
	if s.c != nil {
		s.c.close()
		s.c = nil
	}
	if s.u != nil {
		s.u.free()
		s.u = nil
	}
	if s.efd >= 0 {
		syscall.Close(s.efd)
		s.efd = -1
	}
}

// Describe is TCPDUMP_DEBUG's line about the chosen source.
func (s *Source) Describe() string {
	ts := "host"
	if s.r.adapter {
		ts = "adapter (" + strconv.FormatUint(s.r.clk.Hz, 10) + " Hz clock)"
	}
	return fmt.Sprintf("exanic: capturing on %s:%d (%s) by kernel bypass: DMA ring %d x %d bytes, capture buffer %d bytes, snaplen %d, %s time stamps, filter in userspace",
		s.port.Dev, s.port.Port, s.port.Name(), RingChunks, ChunkSize, s.u.size, s.snaplen, ts)
}
