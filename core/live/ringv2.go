package live

import (
	"syscall"
	"unsafe"

	"github.com/pcapshim/pcapshim/core"
)

// TPACKET_V2 ring (linux/if_packet.h): one packet per frame, each frame
// owned by user space while its tp_status is not TP_STATUS_KERNEL. libpcap
// 1.10.3 uses it in immediate mode: the kernel wakes poll per packet, with
// no block-retire timer in between.
const (
	tpacket2HdrSize = 32  // sizeof(struct tpacket2_hdr)
	maxLinkHeader   = 256 // libpcap's MAX_LINKHEADER_SIZE: room for the MAC header
	siocGIFMTU      = 0x8921
	siocEthtool     = 0x8946
	ethtoolGTSO     = 0x1e
	ethtoolGUFO     = 0x21
	ethtoolGGSO     = 0x23
	ethtoolGFLAGS   = 0x25
	ethtoolGGRO     = 0x2b
	ethFlagLRO      = 1 << 15
	offloadMax      = 65535 // largest aggregated packet with offloads on
	ethOverhead     = 18    // Ethernet header and CRC
)

func tpacketAlign(n int) int { return (n + 15) &^ 15 }

// setupRingV2 sets up a TPACKET_V2 ring with libpcap 1.10.3's geometry:
// frames as long as the snapshot length (on Ethernet at most the MTU, or
// 65535 with offloads, plus 18) after the header, address, MAC room and
// reserve; blocks the page size doubled until one holds a frame; frame
// count from the buffer size rounded up to whole frames, then down to
// whole blocks (a buffer smaller than a block gives no ring, and mmap
// fails as libpcap's does).
func (s *Source) setupRingV2(o Options) (warn, fail *Error) {
	fd := s.fd
	hdrlen, err := getsockoptInt(fd, solPacket, packetHdrlen, tpacketV2)
	if err != nil {
		switch err {
		case syscall.EINVAL:
			return nil, &Error{Code: ErrGeneric, Text: "Kernel doesn't support TPACKET_V2; can't perform mmap-based capture"}
		case syscall.ENOPROTOOPT:
			// No ring here (qemu-user, gVisor): Open falls back to
			// recvmmsg.
			return nil, sysErr(ErrGeneric, "can't activate TPACKET_V2 on packet socket", err)
		}
		return nil, sysErr(ErrGeneric, "can't get TPACKET_V2 header len on packet socket", err)
	}
	if err := syscall.SetsockoptInt(fd, solPacket, packetVersion, tpacketV2); err != nil {
		return nil, sysErr(ErrGeneric, "can't activate TPACKET_V2 on packet socket", err)
	}
	if fail := s.setReserve(); fail != nil {
		return nil, fail
	}

	frameLen := s.snaplen
	if s.dlt == DLTEN10MB {
		maxLen, fail := s.maxFrameLen(o.Device)
		if fail != nil {
			return nil, fail
		}
		frameLen = min(frameLen, maxLen)
	}
	maclen := maxLinkHeader
	if s.cooked {
		maclen = 0 // SOCK_DGRAM: the kernel puts the payload at tp_net
	}
	hdr := tpacketAlign(hdrlen) + sockaddrLLLen
	netoff := tpacketAlign(hdr+max(maclen, 16)) + s.reserve
	frameSize := tpacketAlign(netoff - maclen + frameLen)

	buf := s.bufferSize(o)
	frames := (buf + frameSize - 1) / frameSize
	blockSize := blockFor(frameSize)
	perBlock := blockSize / frameSize
	if o.BufferSize <= 0 {
		// Our default (sized for a burst, see DefaultBufferSize) bounds
		// the memory the ring maps, not the frames' bytes: a frame of
		// 65632 bytes takes a 128 KiB block of its own, and 32 MiB of
		// frames would map 64 MiB. (-B and PCAPSHIM_BUFFER_SIZE keep
		// libpcap's meaning.)
		frames = min(frames, buf/blockSize*perBlock)
	}

	if w, e := s.hwStamps(o, true); e != nil {
		return nil, e
	} else if w != nil {
		warn = w
	}
	s.blockSize = blockSize
	if fail := s.mapRing(frames, func(frames int) (int, int, error) {
		blocks := frames / perBlock
		frames = blocks * perBlock
		// struct tpacket_req
		req := [4]uint32{uint32(blockSize), uint32(blocks), uint32(frameSize), uint32(frames)}
		return blocks, frames, setsockopt(fd, solPacket, packetRxRing, unsafe.Pointer(&req), unsafe.Sizeof(req))
	}); fail != nil {
		return nil, fail
	}
	s.v2 = true
	s.frameSize, s.perBlock = frameSize, perBlock
	s.blocks = s.ringBlocks * perBlock // frames play the part of blocks
	s.bufsize = frameSize
	return warn, nil
}

// maxFrameLen is the longest frame an Ethernet device may hand over:
// its MTU (at least 65535 when segmentation or receive offloads are on)
// plus 18, as libpcap computes it.
func (s *Source) maxFrameLen(dev string) (int, *Error) {
	r := newIfreq(dev)
	if err := ioctl(s.fd, siocGIFMTU, r); err != nil {
		return 0, sysErr(ErrGeneric, "SIOCGIFMTU", err)
	}
	mtu := int(*(*int32)(unsafe.Pointer(&r.data[0])))
	checks := []struct {
		cmd  uint32
		name string
		mask uint32
	}{
		{ethtoolGTSO, "ETHTOOL_GTSO", ^uint32(0)},
		{ethtoolGUFO, "ETHTOOL_GUFO", ^uint32(0)},
		{ethtoolGGSO, "ETHTOOL_GGSO", ^uint32(0)},
		{ethtoolGFLAGS, "ETHTOOL_GFLAGS", ethFlagLRO},
		{ethtoolGGRO, "ETHTOOL_GGRO", ^uint32(0)},
	}
	for _, c := range checks {
		v, err := s.ethtoolValue(dev, c.cmd)
		if err != nil {
			return 0, sysErr(ErrGeneric, dev+": SIOCETHTOOL("+c.name+") ioctl failed", err)
		}
		if v&c.mask != 0 {
			mtu = max(mtu, offloadMax)
			break
		}
	}
	return mtu + ethOverhead, nil
}

// ethtoolValue runs an ethtool "get" command answering a struct
// ethtool_value; a device or kernel that does not know it answers 0.
func (s *Source) ethtoolValue(dev string, cmd uint32) (uint32, error) {
	val := [2]uint32{cmd, 0}
	if err := ioctlPtr(s.fd, siocEthtool, dev, unsafe.Pointer(&val)); err != nil {
		if err == syscall.EOPNOTSUPP || err == syscall.EINVAL {
			return 0, nil
		}
		return 0, err
	}
	return val[1], nil
}

// packetV2 turns the tpacket2_hdr at h into a descriptor and its Aux, as
// packet does for a TPACKET_V3 one.
func (s *Source) packetV2(h int, out *core.Packet, aux *Aux) bool {
	r := s.ring
	sll := h + tpacketAlign(tpacket2HdrSize) // struct sockaddr_ll
	pi := pktInfo{
		sec:    int64(ne32(r[h+16:])),
		nsec:   int64(ne32(r[h+20:])),
		caplen: int(ne32(r[h+8:])),
		length: int(ne32(r[h+4:])),
		status: ne32(r[h:]),
		tci:    uint32(ne16(r[h+24:])),
		tpid:   ne16(r[h+26:]),
		sll:    r[sll : sll+sockaddrLLLen],
	}
	return s.describe(r, h+int(ne16(r[h+12:])), sll+sockaddrLLLen, &pi, out, aux)
}
