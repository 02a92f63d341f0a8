package main

/*
#include <stdlib.h>
#include "pcapshim.h"
*/
import "C"

import (
	"fmt"
	"unsafe"

	"github.com/pcapshim/pcapshim/core/filter"
)

// pcapshim_go_compile compiles a filter expression into fp with
// core/filter and copies the program into malloc'ed memory the front
// library frees with pcap_freecode.
//
//export pcapshim_go_compile
func pcapshim_go_compile(p *C.struct_pcap, fp *C.struct_bpf_program, str *C.char,
	optimize C.int, netmask C.uint32_t, errbuf *C.char) (rc C.int) {
	defer func() {
		if r := recover(); r != nil {
			setErr(errbuf, fmt.Sprintf("pcapshim: internal error compiling filter: %v", r))
			rc = C.PCAP_ERROR
		}
	}()
	expr := C.GoString(str)
	prog, err := filter.Compile(expr, filter.Options{
		DLT:      int(p.linktype),
		Snaplen:  uint32(p.snapshot),
		Netmask:  uint32(netmask),
		Optimize: optimize != 0,
		Live:     p.kind == C.SHIM_KIND_LIVE,
		LinuxExt: liveLinuxExt(p),
		Swapped:  p.swapped != 0,
		Savefile: p.kind == C.SHIM_KIND_OFFLINE,
	})
	if err != nil {
		setErr(errbuf, err.Error())
		return C.PCAP_ERROR
	}
	size := C.size_t(unsafe.Sizeof(C.struct_bpf_insn{}))
	ins := (*[1 << 20]C.struct_bpf_insn)(C.calloc(C.size_t(len(prog)), size))[:len(prog):len(prog)]
	for i, in := range prog {
		ins[i] = C.struct_bpf_insn{code: C.u_short(in.Code), jt: C.u_char(in.JT), jf: C.u_char(in.JF), k: C.bpf_u_int32(in.K)}
	}
	fp.bf_len = C.u_int(len(prog))
	fp.bf_insns = &ins[0]
	return 0
}
