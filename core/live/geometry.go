package live

import (
	"os"
	"syscall"
)

// Geometry is the ring's layout (TCPDUMP_DEBUG): block size, block count
// and frame size in bytes.
func (s *Source) Geometry() (blockSize, blocks, frameSize int) {
	return s.blockSize, s.ringBlocks, s.bufsize
}

// blockFor is libpcap's ring block size for frames of frameSize bytes: the
// page size doubled until one holds a frame.
func blockFor(frameSize int) int {
	b := os.Getpagesize()
	for b < frameSize {
		b <<= 1
	}
	return b
}

// mapRing creates the ring of s.blockSize blocks and maps it. req makes
// the version's PACKET_RX_RING request for about frames frames and returns
// the blocks and frames it asked for; while the kernel says ENOMEM and
// more than one block was asked, the request shrinks by 5% (by one frame
// when small), as libpcap's does.
func (s *Source) mapRing(frames int, req func(frames int) (blocks, asked int, err error)) *Error {
	for {
		blocks, asked, err := req(frames)
		if err == nil {
			s.ringBlocks = blocks
			break
		}
		if err != syscall.ENOMEM || blocks <= 1 {
			return sysErr(ErrGeneric, "can't create rx ring on packet socket", err)
		}
		if frames = asked; frames < 20 {
			frames--
		} else {
			frames -= frames / 20
		}
	}
	// With no block (a buffer smaller than one) the kernel accepts the
	// empty ring and mmap of nothing fails with EINVAL, as for libpcap.
	ring, err := syscall.Mmap(s.fd, 0, s.blockSize*s.ringBlocks,
		syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		return sysErr(ErrGeneric, "can't mmap rx ring", err)
	}
	s.ring = ring
	return nil
}
