package main

/*
#cgo CFLAGS: -I${SRCDIR}/.. -I${SRCDIR}/../../include -Wall -Wextra -Werror -Wno-unused-parameter
#include <stdlib.h>
#include "pcapshim.h"
#include "bridge.h"
*/
import "C"

import (
	"unsafe"

	"github.com/pcapshim/pcapshim/core"
)

// The C and Go views of one packet descriptor must agree.
var _ [unsafe.Sizeof(C.struct_shim_pkt{}) - core.PacketSize]struct{}
var _ [core.PacketSize - unsafe.Sizeof(C.struct_shim_pkt{})]struct{}

// handles is the one table of open sources.
var handles core.Handles

// setErr copies msg into a C error buffer of PCAP_ERRBUF_SIZE bytes.
func setErr(buf *C.char, msg string) {
	if buf == nil {
		return
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(buf)), C.PCAP_ERRBUF_SIZE)
	n := copy(b[:len(b)-1], msg)
	b[n] = 0
}

// cmem hands the savefile reader C memory, so packet bytes can outlive a fill.
type cmem struct{}

func (cmem) Alloc(n int) []byte {
	p := C.malloc(C.size_t(n))
	if p == nil {
		panic("out of memory")
	}
	return unsafe.Slice((*byte)(p), n)
}

func (cmem) Free(b []byte) { C.free(unsafe.Pointer(unsafe.SliceData(b))) }
