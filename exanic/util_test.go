package exanic

import "unsafe"

// unsafeBytes views n bytes at p (C-side or mmap'ed memory, never Go heap).
func unsafeBytes(p uintptr, n int) []byte {
	return unsafe.Slice((*byte)(*(*unsafe.Pointer)(unsafe.Pointer(&p))), n)
}
