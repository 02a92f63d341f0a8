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
	"github.com/pcapshim/pcapshim/core/tables"
)

func known(dlt int) bool {
	_, ok := tables.DLTName(dlt)
	return ok
}

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
	// Like libpcap's code generator, refuse link types it has no layout
	// for, even for the empty expression (tcpdump -w relies on the text).
	// Types in the matching range 104..289 are accepted as opaque.
	if lt := int(p.linktype); (lt < 104 || lt > 289) && !known(lt) {
		setErr(errbuf, fmt.Sprintf("unknown data link type %d (min %d, max %d)", lt, 104, 289))
		return C.PCAP_ERROR
	}
	prog, err := filter.Compile(expr, filter.Options{
		DLT:      int(p.linktype),
		Snaplen:  uint32(p.snapshot),
		Netmask:  uint32(netmask),
		Optimize: optimize != 0,
		Live:     p.kind == C.SHIM_KIND_LIVE,
		Swapped:  p.swapped != 0,
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
