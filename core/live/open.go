package live

import (
	"os"
	"syscall"
	"unsafe"
)

// libpcap status codes (pcap/pcap.h) that Open reports.
const (
	ErrGeneric      = -1 // PCAP_ERROR
	ErrNoSuchDevice = -5 // PCAP_ERROR_NO_SUCH_DEVICE
	ErrRfmonNotsup  = -6 // PCAP_ERROR_RFMON_NOTSUP
	ErrPermDenied   = -8 // PCAP_ERROR_PERM_DENIED
	ErrIfaceNotUp   = -9 // PCAP_ERROR_IFACE_NOT_UP
	Warning         = 1  // PCAP_WARNING
)

// Link types (pcap/dlt.h values on Linux).
const (
	DLTEN10MB    = 1
	DLTRaw       = 12
	DLTLinuxSLL  = 113
	DLTDOCSIS    = 143
	DLTLinuxSLL2 = 276
)

// Directions (pcap_direction_t).
const (
	DirInOut = 0
	DirIn    = 1
	DirOut   = 2
)

// MaxSnaplen is libpcap's MAXIMUM_SNAPLEN: the default and the ceiling.
const MaxSnaplen = 262144

// LibpcapBufferSize is libpcap's default ring size on Linux (2 MiB: about
// 1 ms of full-size frames at 10 GbE).
const LibpcapBufferSize = 2 << 20

// Default ring sizing (no pcap_set_buffer_size, no PCAPSHIM_BUFFER_SIZE):
// room for a DefaultBurst-packet burst of frames as long as the snapshot
// length or a full-size Ethernet frame, whichever is shorter, each with the
// ring's per-packet overhead, rounded up to 1 MiB and kept between
// libpcap's 2 MiB and MaxDefaultBufferSize. With the default snapshot
// length that is 32 MiB (128 blocks of 256 KiB: 20,864 frames of 1514
// bytes); with -s 96, 5 MiB.
const (
	DefaultBurst         = 20480
	MaxDefaultBufferSize = 32 << 20
	ringPacketOverhead   = 112  // tpacket3_hdr + sockaddr_ll + reserve + alignment
	fullFrame            = 1518 // Ethernet frame with a VLAN tag, no FCS
)

// DefaultBufferSize is the capture buffer size used when neither the host
// nor the environment sets one, for snapshot length snaplen.
func DefaultBufferSize(snaplen int) int {
	per := snaplen
	if per <= 0 || per > fullFrame {
		per = fullFrame
	}
	n := DefaultBurst * (per + ringPacketOverhead)
	n = (n + 1<<20 - 1) &^ (1<<20 - 1)
	return max(LibpcapBufferSize, min(n, MaxDefaultBufferSize))
}

// Kernel ABI (linux/if_packet.h, linux/if_ether.h, linux/if_arp.h).
const (
	solPacket          = 263
	packetAddMember    = 1
	packetRxRing       = 5
	packetAuxdata      = 8
	packetVersion      = 10
	packetReserve      = 12
	packetMrPromisc    = 1
	tpacketV2          = 1
	tpacketV3          = 2
	packetHdrlen       = 11
	ethPAll            = 0x0003
	ifnamsiz           = 16
	arphrdEther        = 1
	arphrdIEEE802      = 6
	arphrdPPP          = 512
	arphrdRawIP        = 519
	arphrdTunnel       = 768
	arphrdTunnel6      = 769
	arphrdSit          = 776
	arphrdLoopback     = 772
	arphrdNone         = 0xfffe
	sllHdrLen          = 16
	sll2HdrLen         = 20
	tpacket3HdrLen     = 48 // TPACKET_ALIGN(sizeof(struct tpacket3_hdr))
	sockaddrLLLen      = 20
	blockStatusOffset  = 8 // tpacket_block_desc.hdr.bh1.block_status
	blockNumPktsOffset = 12
	blockFirstOffset   = 16
	blockOpenedOffset  = 32 // hdr.bh1.ts_first_pkt: when the kernel opened the block

	soBPFExtensions     = 48 // SO_BPF_EXTENSIONS (asm-generic/socket.h)
	skfAdVlanTagPresent = 48 // SKF_AD_VLAN_TAG_PRESENT (linux/filter.h)
)

// Options are the pcap_set_* values of a pcap_create'd handle.
type Options struct {
	Device     string
	Snaplen    int  // <= 0 or > MaxSnaplen: MaxSnaplen
	TimeoutMs  int  // 0: wait for full blocks; < 0: kernel default
	BufferSize int  // bytes; 0: DefaultBufferSize
	Protocol   int  // pcap_set_protocol_linux; 0: ETH_P_ALL
	Promisc    bool // PACKET_ADD_MEMBERSHIP / PACKET_MR_PROMISC
	Rfmon      bool
	Immediate  bool
	Nano       bool // nanosecond time stamps
	TstampType int  // pcap_set_tstamp_type; -1: not set (host)
}

// Error is an activation failure (Code < 0) or warning (Code > 0, or 0 with
// a text libpcap leaves in errbuf on success). With Errno set the message is
// "Op: strerror(Errno)", which the caller formats with the C library's
// strerror so that it reads exactly as libpcap's; otherwise it is Text (empty:
// the caller uses pcap_statustostr(Code), as pcap_activate does).
type Error struct {
	Code  int
	Op    string
	Errno syscall.Errno
	Text  string
}

func (e *Error) Error() string {
	if e.Errno != 0 {
		return e.Op + ": " + e.Errno.Error()
	}
	return e.Text
}

func sysErr(code int, op string, err error) *Error {
	if en, ok := err.(syscall.Errno); ok {
		return &Error{Code: code, Op: op, Errno: en}
	}
	return &Error{Code: code, Text: op + ": " + err.Error()}
}

// ifreq is struct ifreq: a name and a 24-byte union.
type ifreq struct {
	name [ifnamsiz]byte
	data [24]byte
}

func newIfreq(name string) *ifreq {
	var r ifreq
	copy(r.name[:ifnamsiz-1], name)
	return &r
}

// ifreqPtr is struct ifreq whose union holds a pointer (ifr_data). It is
// typed unsafe.Pointer, not stored as bytes, so that the pointee stays
// reachable and the pointer follows it if the goroutine stack moves
// before the ioctl.
type ifreqPtr struct {
	name [ifnamsiz]byte
	data unsafe.Pointer
	_    [16]byte
}

// ioctlPtr runs an interface ioctl whose ifr_data points at p.
func ioctlPtr(fd int, req uintptr, name string, p unsafe.Pointer) error {
	r := ifreqPtr{data: p}
	copy(r.name[:ifnamsiz-1], name)
	_, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), req, uintptr(unsafe.Pointer(&r)))
	if e != 0 {
		return e
	}
	return nil
}

func ioctl(fd int, req uintptr, r *ifreq) error {
	_, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), req, uintptr(unsafe.Pointer(r)))
	if e != 0 {
		return e
	}
	return nil
}

func setsockopt(fd, level, opt int, p unsafe.Pointer, n uintptr) error {
	_, _, e := syscall.Syscall6(syscall.SYS_SETSOCKOPT, uintptr(fd), uintptr(level),
		uintptr(opt), uintptr(p), n, 0)
	if e != 0 {
		return e
	}
	return nil
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// ifIndex returns the index of dev (SIOCGIFINDEX), or an error.
func ifIndex(fd int, dev string) (int, error) {
	r := newIfreq(dev)
	if err := ioctl(fd, syscall.SIOCGIFINDEX, r); err != nil {
		return 0, err
	}
	return int(*(*int32)(unsafe.Pointer(&r.data[0]))), nil
}

// linkFor maps a device's ARPHRD type to how libpcap captures on it:
// the link type, the DLTs offered, whether the socket is cooked
// (SOCK_DGRAM), and a warning text if the type is unknown.
func linkFor(arphrd int) (dlt int, dlts []int, cooked bool, warn string) {
	switch arphrd {
	case arphrdEther, arphrdIEEE802:
		return DLTEN10MB, []int{DLTEN10MB, DLTDOCSIS}, false, ""
	case arphrdLoopback:
		return DLTEN10MB, nil, false, ""
	case arphrdNone, arphrdRawIP, arphrdTunnel, arphrdTunnel6, arphrdSit:
		return DLTRaw, nil, false, ""
	case arphrdPPP:
		return DLTLinuxSLL, []int{DLTLinuxSLL, DLTLinuxSLL2}, true, ""
	}
	return DLTLinuxSLL, []int{DLTLinuxSLL, DLTLinuxSLL2}, true,
		"arptype " + itoa(arphrd) + " not supported by libpcap - falling back to cooked socket"
}

func itoa(v int) string {
	if v < 0 {
		return "-" + itoa(-v)
	}
	if v < 10 {
		return string(rune('0' + v))
	}
	return itoa(v/10) + string(rune('0'+v%10))
}

// bindTo binds fd to ifindex for proto (host order) and reports a pending
// socket error, as libpcap does: ENETDOWN means the interface is down.
func bindTo(fd, ifindex int, proto uint16) *Error {
	sa := &syscall.SockaddrLinklayer{Protocol: htons(proto), Ifindex: ifindex}
	if err := syscall.Bind(fd, sa); err != nil {
		switch err {
		case syscall.ENETDOWN:
			return &Error{Code: ErrIfaceNotUp}
		case syscall.ENODEV, syscall.ENXIO:
			return &Error{Code: ErrNoSuchDevice}
		}
		return sysErr(ErrGeneric, "bind", err)
	}
	soerr, err := syscall.GetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_ERROR)
	if err != nil {
		return sysErr(ErrGeneric, "getsockopt (SO_ERROR)", err)
	}
	if soerr == int(syscall.ENETDOWN) {
		return &Error{Code: ErrIfaceNotUp}
	}
	if soerr != 0 {
		return sysErr(ErrGeneric, "bind", syscall.Errno(soerr))
	}
	return nil
}

// Open activates a live capture. On success the returned Source owns the
// socket and the ring; warn, if not nil, is a warning to report (Code > 0)
// or a text to leave in errbuf (Code 0). On failure nothing stays open.
func Open(o Options) (s *Source, warn *Error, fail *Error) {
	if len(o.Device) >= ifnamsiz {
		return nil, nil, &Error{Code: ErrNoSuchDevice}
	}
	if o.Rfmon {
		// No monitor mode on the devices this source opens (nl80211 is
		// not implemented): what libpcap says for non-wireless devices.
		return nil, nil, &Error{Code: ErrRfmonNotsup}
	}
	mode, fail := applyEnv(&o)
	if fail != nil {
		return nil, nil, fail
	}
	isAny := o.Device == "any"
	s = &Source{fd: -1, any: isAny, loIfindex: -1, nano: o.Nano}
	defer func() {
		if fail != nil {
			s.Close()
			s = nil
		}
	}()

	typ := syscall.SOCK_RAW
	if isAny {
		typ = syscall.SOCK_DGRAM
	}
	fd, err := syscall.Socket(syscall.AF_PACKET, typ, 0)
	if err != nil {
		if err == syscall.EPERM || err == syscall.EACCES {
			return s, nil, sysErr(ErrPermDenied, "socket", err)
		}
		return s, nil, sysErr(ErrGeneric, "socket", err)
	}
	s.fd = fd
	if lo, err := ifIndex(fd, "lo"); err == nil {
		s.loIfindex = lo
	}

	if isAny {
		s.dlt, s.dlts, s.cooked = DLTLinuxSLL, []int{DLTLinuxSLL, DLTLinuxSLL2}, true
		if o.Promisc {
			warn = &Error{Code: 0, Text: `Promiscuous mode not supported on the "any" device`}
		}
	} else {
		r := newIfreq(o.Device)
		if err := ioctl(fd, syscall.SIOCGIFHWADDR, r); err != nil {
			if err == syscall.ENODEV || err == syscall.ENXIO {
				return s, nil, &Error{Code: ErrNoSuchDevice}
			}
			return s, nil, sysErr(ErrGeneric, "SIOCGIFHWADDR", err)
		}
		arphrd := int(*(*uint16)(unsafe.Pointer(&r.data[0])))
		var text string
		s.dlt, s.dlts, s.cooked, text = linkFor(arphrd)
		if text != "" {
			warn = &Error{Code: Warning, Text: text}
		}
		if s.cooked {
			syscall.Close(fd)
			s.fd = -1
			if fd, err = syscall.Socket(syscall.AF_PACKET, syscall.SOCK_DGRAM, 0); err != nil {
				return s, nil, sysErr(ErrGeneric, "socket", err)
			}
			s.fd = fd
		}
		if s.ifindex, err = ifIndex(fd, o.Device); err != nil {
			if err == syscall.ENODEV || err == syscall.ENXIO {
				return s, nil, &Error{Code: ErrNoSuchDevice}
			}
			return s, nil, sysErr(ErrGeneric, "SIOCGIFINDEX", err)
		}
		// Bound early with protocol 0 (nothing queued before the ring
		// exists, so no bogus drops), as libpcap 1.10 does.
		if e := bindTo(fd, s.ifindex, 0); e != nil {
			return s, nil, e
		}
		if o.Promisc {
			// struct packet_mreq: ifindex, type, alen, address[8].
			var mr struct {
				ifindex int32
				typ     uint16
				alen    uint16
				addr    [8]byte
			}
			mr.ifindex, mr.typ = int32(s.ifindex), packetMrPromisc
			if err := setsockopt(fd, solPacket, packetAddMember, unsafe.Pointer(&mr), unsafe.Sizeof(mr)); err != nil {
				return s, nil, sysErr(ErrGeneric, "setsockopt (PACKET_ADD_MEMBERSHIP)", err)
			}
		}
	}
	// Whether the compiler may use the kernel's VLAN ancillary loads:
	// libpcap asks SO_BPF_EXTENSIONS for SKF_AD_VLAN_TAG_PRESENT.
	if v, err := syscall.GetsockoptInt(fd, syscall.SOL_SOCKET, soBPFExtensions); err == nil &&
		v >= skfAdVlanTagPresent {
		s.vlanExt = true
	}
	// VLAN tags come in the ring headers; auxdata is what libpcap asks for.
	if err := syscall.SetsockoptInt(fd, solPacket, packetAuxdata, 1); err != nil {
		return s, nil, sysErr(ErrGeneric, "setsockopt (PACKET_AUXDATA)", err)
	}

	s.snaplen = o.Snaplen
	if s.snaplen <= 0 || s.snaplen > MaxSnaplen {
		s.snaplen = MaxSnaplen
	}
	if s.cooked && s.snaplen < sll2HdrLen+1 {
		s.snaplen = sll2HdrLen + 1
	}

	// The default buffer is elastic (elastic.go) where it can be: then
	// the ring is ElasticRingSize.
	var ov *overflow
	if mode != "recvmmsg" && o.BufferSize == 0 && os.Getenv(ElasticEnv) != "0" &&
		o.TstampType != TstampAdapter && o.TstampType != TstampAdapterUnsynced {
		if ov = openOverflow(typ2(s.cooked || isAny)); ov != nil {
			s.ov = ov // closed with s on failure
		} else {
			s.ovSetup = "no overflow socket: its receive buffer needs CAP_NET_ADMIN"
		}
	}
	ringOpts := o
	if ov != nil {
		ringOpts.BufferSize = ElasticRingSize
	}

	// The ring, or recvmmsg where the kernel has no ring for us (or the
	// environment asks for it).
	var tsWarn *Error
	if mode != "recvmmsg" {
		tsWarn, fail = s.setupRing(ringOpts)
		if fail != nil && fail.Errno != syscall.ENOPROTOOPT {
			return s, nil, fail
		}
	}
	if mode == "recvmmsg" || fail != nil {
		if ov != nil {
			ov.close()
			s.ov, ov = nil, nil
		}
		if tsWarn, fail = s.setupMmsg(o); fail != nil {
			return s, nil, fail
		}
	}
	if warn == nil || warn.Code == 0 && tsWarn != nil {
		warn = tsWarn
	}
	proto := uint16(ethPAll)
	if o.Protocol != 0 {
		proto = uint16(o.Protocol)
	}
	if e := bindTo(fd, s.ifindex, proto); e != nil {
		return s, nil, e
	}
	if ov != nil {
		s.ov = nil
		if err := s.joinOverflow(ov, proto); err != nil {
			// The ring alone, at libpcap's size: say why in the
			// debug report.
			s.ovSetup = "no overflow socket (" + err.Error() + ")"
		} else {
			s.ovSetup = ""
		}
	}
	s.SetParams(s.dlt, DirInOut)
	return s, warn, nil
}

// typ2 is the socket type for a cooked (SOCK_DGRAM) or raw capture.
func typ2(cooked bool) int {
	if cooked {
		return syscall.SOCK_DGRAM
	}
	return syscall.SOCK_RAW
}

// setupRing asks for a ring with libpcap's geometry and maps it:
// TPACKET_V2 (one packet per frame, no block-retire timer) in immediate
// mode or when the kernel has no TPACKET_V3, TPACKET_V3 otherwise, as
// libpcap 1.10.3 chooses.
func (s *Source) setupRing(o Options) (warn, fail *Error) {
	fd := s.fd
	v2 := o.Immediate
	if !v2 {
		// libpcap probes PACKET_HDRLEN: EINVAL says this version is
		// unknown to the kernel, and it falls back to TPACKET_V2.
		// Other errors are left to PACKET_VERSION (ENOPROTOOPT there
		// means no ring at all: the recvmmsg path).
		if _, err := getsockoptInt(fd, solPacket, packetHdrlen, tpacketV3); err == syscall.EINVAL {
			v2 = true
		}
	}
	if v2 {
		return s.setupRingV2(o)
	}
	if err := syscall.SetsockoptInt(fd, solPacket, packetVersion, tpacketV3); err != nil {
		return nil, sysErr(ErrGeneric, "can't activate TPACKET_V3 on packet socket", err)
	}
	if fail := s.setReserve(); fail != nil {
		return nil, fail
	}

	// V3 "frames" are MaxSnaplen long whatever the snaplen; blocks are the
	// page size doubled until one holds a frame; the buffer size, rounded
	// up to whole frames, gives the count.
	buf := s.bufferSize(o)
	frameSize := MaxSnaplen
	blockSize := blockFor(frameSize)
	perBlock := blockSize / frameSize
	frames := (buf + frameSize - 1) / frameSize

	if w, e := s.hwStamps(o, true); e != nil {
		return nil, e
	} else if w != nil {
		warn = w
	}

	tov := uint32(0) // kernel default
	switch {
	case o.Immediate:
		tov = 1
	case o.TimeoutMs == 0:
		tov = ^uint32(0) // retire only full blocks
	case o.TimeoutMs > 0:
		tov = uint32(o.TimeoutMs)
	}
	s.blockSize = blockSize
	if fail := s.mapRing(frames, func(frames int) (int, int, error) {
		blocks := max(frames/perBlock, 1)
		// struct tpacket_req3
		req := [7]uint32{uint32(blockSize), uint32(blocks), uint32(frameSize),
			uint32(blocks * perBlock), tov, 0, 0}
		return blocks, frames, setsockopt(fd, solPacket, packetRxRing, unsafe.Pointer(&req), unsafe.Sizeof(req))
	}); fail != nil {
		return nil, fail
	}
	s.blocks = s.ringBlocks
	s.bufsize = frameSize
	return warn, nil
}

// setReserve asks for libpcap's head room in front of each packet: room
// for a VLAN tag, plus 4 more on cooked sockets, where an SLL2 header (4
// bytes longer than SLL) may be built.
func (s *Source) setReserve() *Error {
	reserve := 4
	if s.cooked {
		reserve = 8
	}
	if err := syscall.SetsockoptInt(s.fd, solPacket, packetReserve, reserve); err != nil {
		return sysErr(ErrGeneric, "setsockopt (PACKET_RESERVE)", err)
	}
	s.reserve = reserve
	return nil
}

// getsockoptInt is getsockopt on an int that is also an input (as
// PACKET_HDRLEN takes the version and returns the header length).
func getsockoptInt(fd, level, opt, in int) (int, error) {
	v := int32(in)
	n := uint32(4)
	_, _, e := syscall.Syscall6(syscall.SYS_GETSOCKOPT, uintptr(fd), uintptr(level), uintptr(opt),
		uintptr(unsafe.Pointer(&v)), uintptr(unsafe.Pointer(&n)), 0)
	if e != 0 {
		return 0, e
	}
	return int(v), nil
}
