package exanic

import (
	"syscall"
	"unsafe"
)

// unsafeBytes views n bytes at p (C-side or mmap'ed memory, never Go heap).
func unsafeBytes(p uintptr, n int) []byte {
	return unsafe.Slice((*byte)(*(*unsafe.Pointer)(unsafe.Pointer(&p))), n)
}

func unsafePtr(p *pollFd) unsafe.Pointer { return unsafe.Pointer(p) }

func unsafeTS(p *syscall.Timespec) unsafe.Pointer { return unsafe.Pointer(p) }
