package main

/*
#include <stdlib.h>
#include "pcapshim.h"
*/
import "C"

import (
	"fmt"
	"unsafe"

	"github.com/pcapshim/pcapshim/core/tables"
)

func known(dlt int) bool {
	_, ok := tables.DLTName(dlt)
	return ok
}

// pcapshim_go_compile compiles a filter expression into fp. The full
// pcap-filter(7) compiler is being built in core/filter; until it lands the
// empty expression (accept everything, as libpcap compiles it) is supported
// and anything else is refused with a message saying so.
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
	for _, c := range expr {
		if c != ' ' && c != '\t' && c != '\n' {
			setErr(errbuf, "pcapshim: filter expressions are not supported yet; run without a filter expression")
			return C.PCAP_ERROR
		}
	}
	// Like libpcap's code generator, refuse link types it has no layout
	// for, even for the empty expression (tcpdump -w relies on the text).
	// Types in the matching range 104..289 are accepted as opaque.
	if lt := int(p.linktype); (lt < 104 || lt > 289) && !known(lt) {
		setErr(errbuf, fmt.Sprintf("unknown data link type %d (min %d, max %d)", lt, 104, 289))
		return C.PCAP_ERROR
	}
	ins := (*C.struct_bpf_insn)(C.calloc(1, C.size_t(unsafe.Sizeof(C.struct_bpf_insn{}))))
	ins.code = C.BPF_RET | C.BPF_K
	ins.k = C.bpf_u_int32(p.snapshot)
	fp.bf_len = 1
	fp.bf_insns = ins
	return 0
}
