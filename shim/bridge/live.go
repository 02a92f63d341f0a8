package main

/*
#include <stdlib.h>
#include <string.h>
#include "pcapshim.h"
*/
import "C"

import (
	"fmt"
	"unsafe"

	"github.com/pcapshim/pcapshim/core/live"
)

// liveText renders a live.Error as libpcap would: strerror from the C
// library for errno messages (glibc's wording, not Go's).
func liveText(e *live.Error) string {
	if e.Errno != 0 {
		return e.Op + ": " + C.GoString(C.strerror(C.int(e.Errno)))
	}
	return e.Text
}

// pcapshim_go_open_live activates p (pcap_create'd, options in p->opt_*)
// as an AF_PACKET capture. Returns 0, a warning (> 0) or a PCAP_ERROR*
// code; an empty errbuf on failure means "use pcap_statustostr".
//
//export pcapshim_go_open_live
func pcapshim_go_open_live(p *C.struct_pcap, errbuf *C.char) (rc C.int) {
	defer func() {
		if r := recover(); r != nil {
			setErr(errbuf, fmt.Sprintf("pcapshim: internal error activating %s: %v", C.GoString(p.device), r))
			rc = C.PCAP_ERROR
		}
	}()
	setErr(errbuf, "")
	// ExaNIC ports by kernel bypass (exanic.go); fb: fall back to AF_PACKET.
	rc, done, fb := exanicOpen(p, errbuf)
	if done {
		return rc
	}
	if fb != nil {
		setDevice(p, fb.Netdev)
	}
	o := live.Options{
		Device:     C.GoString(p.device),
		Snaplen:    int(p.opt_snaplen),
		TimeoutMs:  int(p.opt_timeout),
		BufferSize: int(p.opt_buffer_size),
		Protocol:   int(p.opt_protocol),
		Promisc:    p.opt_promisc != 0,
		Rfmon:      p.opt_rfmon != 0,
		Immediate:  p.opt_immediate != 0,
		Nano:       p.opt_precision == C.PCAP_TSTAMP_PRECISION_NANO,
		TstampType: int(p.opt_tstamp_type),
	}
	s, warn, fail := live.Open(o)
	if fail != nil {
		setErr(errbuf, liveText(fail))
		p.act_errno = C.int(fail.Errno)
		return C.int(fail.Code)
	}
	if dlts := s.DLTs(); len(dlts) > 0 {
		list := (*C.int)(C.calloc(C.size_t(len(dlts)), C.size_t(unsafe.Sizeof(C.int(0)))))
		if list == nil {
			s.Close()
			setErr(errbuf, "malloc: Cannot allocate memory")
			return C.PCAP_ERROR
		}
		out := unsafe.Slice(list, len(dlts))
		for i, d := range dlts {
			out[i] = C.int(d)
		}
		p.dlt_list, p.dlt_count = list, C.int(len(dlts))
	}
	p.fd = C.int(s.Fd())
	p.selectable_fd = p.fd
	p.ovfd = C.int(s.OverflowFd())
	s.ReleaseInC() // shim_release_held
	// The aux entries beside the batch (shim_activate_live made them).
	s.SetAux(unsafe.Slice((*live.Aux)(unsafe.Pointer(p.aux)), C.SHIM_BATCH))
	// The ring walk, shared with the C loop (shim/ring.c).
	if cWalk() {
		s.ShareRing((*live.RingShare)(unsafe.Pointer(p.ring)))
	}
	p.linktype = C.int(s.LinkType())
	p.linktype_ext = p.linktype
	p.snapshot = C.int(s.Snaplen())
	p.bufsize = C.int(s.Bufsize())
	p.precision = p.opt_precision
	ms, bytes := s.Hold()
	p.hold_ms, p.hold_bytes = C.int(ms), C.int(bytes)
	if s.Cooked() {
		p.cooked = 1
	}
	p.goh = C.uintptr_t(handles.Add(s))
	liveDebug(s, o.Device)
	if fb != nil {
		text := fb.Warning
		if warn != nil {
			text += "; " + liveText(warn)
		}
		setErr(errbuf, text)
		return live.Warning
	}
	if warn != nil {
		setErr(errbuf, liveText(warn))
		return C.int(warn.Code)
	}
	return 0
}

// The C and Go views of one aux entry must agree.
var _ [unsafe.Sizeof(C.struct_shim_aux{}) - live.AuxSize]struct{}
var _ [live.AuxSize - unsafe.Sizeof(C.struct_shim_aux{})]struct{}
var _ [unsafe.Sizeof(C.struct_shim_ring{}) - live.RingShareSize]struct{}
var _ [live.RingShareSize - unsafe.Sizeof(C.struct_shim_ring{})]struct{}

// The C loop switches the overflow socket back on with the size Go uses.
var _ [C.SHIM_OVERFLOW_BYTES - live.OverflowBufferBytes]struct{}
var _ [live.OverflowBufferBytes - C.SHIM_OVERFLOW_BYTES]struct{}

// liveParams passes the handle's current link type and direction to a live
// source before each fill (both can change between fills).
func liveParams(p *C.struct_pcap, src any) {
	if s, ok := src.(*live.Source); ok {
		s.SetParams(int(p.linktype), int(p.direction))
	}
}

// liveLinuxExt says whether pcap_compile on p may use the Linux kernel's
// ancillary loads: on a live AF_PACKET handle whose kernel has the VLAN
// ones, as libpcap 1.10 sets BPF_SPECIAL_VLAN_HANDLING at activation.
func liveLinuxExt(p *C.struct_pcap) bool {
	if p.kind != C.SHIM_KIND_LIVE {
		return false
	}
	s, ok := handles.Get(uintptr(p.goh)).(*live.Source)
	return ok && s.VLANExt()
}

// pcapshim_go_live_filter is called after pcap_setfilter attached the
// program to the socket (p->ufilter_all 0) or left it to userspace (1): the
// source then marks which packets the C loop still filters. Returns 0, or
// < 0 with text in p->errbuf.
//
//export pcapshim_go_live_filter
func pcapshim_go_live_filter(p *C.struct_pcap) (rc C.int) {
	defer func() {
		if r := recover(); r != nil {
			setErr(&p.errbuf[0], fmt.Sprintf("pcapshim: internal error setting the filter: %v", r))
			rc = C.PCAP_ERROR
		}
	}()
	s, ok := handles.Get(uintptr(p.goh)).(*live.Source)
	if !ok {
		setErr(&p.errbuf[0], "pcapshim: handle has no source (closed?)")
		return C.PCAP_ERROR
	}
	held := make([]uintptr, p.nheld)
	for i := range held {
		held[i] = uintptr(unsafe.Pointer(p.held[i]))
	}
	s.FilterChanged(p.ufilter_all == 0, held)
	return 0
}
