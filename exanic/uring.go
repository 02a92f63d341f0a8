package exanic

import (
	"errors"
	"syscall"
	"unsafe"
)

// The user-space ring the reader drains the DMA ring into. One anonymous
// mapping (never Go heap, so descriptors may point into it from C): a
// control page, then the data area. Records are 8-byte aligned:
//
//	u32 size (whole record, aligned; recWrap: continue at offset 0)
//	u32 caplen, u32 wire length, u32 flags, i64 time stamp (ns), bytes
//
// One producer (the reader) and one consumer (Fill). prod and cons are
// byte counts that only grow; a record is the consumer's once prod (a
// release store) covers it, and its space is the producer's again once
// cons does: Fill advances cons at the next call, so the bytes of a batch
// stay put while the host reads them.
const (
	ctlSize   = 4096
	offProd   = 0
	offCons   = 64
	offWait   = 128
	recHdr    = 24
	recWrap   = 1 << 31
	minURing  = 1 << 20
	maxCopy   = 16384 // bytes kept of one frame (FCS included)
	alignMask = 7
)

type uring struct {
	mem  []byte
	data unsafe.Pointer
	size uint64
}

func newURing(size int) (*uring, error) {
	if size < minURing {
		size = minURing
	}
	size = (size + pageSize - 1) &^ (pageSize - 1)
	mem, err := syscall.Mmap(-1, 0, ctlSize+size, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_PRIVATE|syscall.MAP_ANONYMOUS|syscall.MAP_NORESERVE)
	if err != nil {
		return nil, errors.New("exanic: cannot map the capture buffer: " + err.Error() + " (ask for a smaller one with -B / pcap_set_buffer_size)")
	}
	return &uring{mem: mem, data: unsafe.Pointer(&mem[ctlSize]), size: uint64(size)}, nil
}

func (u *uring) free() {
	if u.mem != nil {
		syscall.Munmap(u.mem)
		u.mem = nil
	}
}

func (u *uring) prodp() *uint64 { return (*uint64)(unsafe.Pointer(&u.mem[offProd])) }
func (u *uring) consp() *uint64 { return (*uint64)(unsafe.Pointer(&u.mem[offCons])) }
func (u *uring) waitp() *uint32 { return (*uint32)(unsafe.Pointer(&u.mem[offWait])) }

// at is the address of data offset pos (< size).
func (u *uring) at(pos uint64) unsafe.Pointer { return unsafe.Add(u.data, pos) }

func (u *uring) u32(pos uint64) *uint32 { return (*uint32)(u.at(pos)) }

func align8(n uint64) uint64 { return (n + alignMask) &^ alignMask }
