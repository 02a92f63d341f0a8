package main

/*
#include <string.h>
#include "pcapshim.h"
#include "bridge.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"io"
	"os"
	"unsafe"

	"github.com/pcapshim/pcapshim/core"
	"github.com/pcapshim/pcapshim/core/live"
	"github.com/pcapshim/pcapshim/core/savefile"
)

// cfile reads a host's FILE* for the savefile reader, through the front
// library's read (read: its address), which the C record walk also uses.
type cfile struct {
	f  *C.FILE
	sf *C.struct_shim_sf
}

// errnoError carries glibc's own text for an errno, so messages read
// exactly as libpcap's do ("Is a directory", not Go's "is a directory").
type errnoError struct{ text string }

func (e errnoError) Error() string { return e.text }

func (c cfile) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	var n C.ssize_t
	if c.sf.read_held != 0 {
		// The C record walk's refill met the end or an error.
		n, c.sf.read_held = C.ssize_t(c.sf.read_rc), 0
	} else {
		n = C.shim_read_via(c.sf.read, c.f, unsafe.Pointer(&p[0]), C.size_t(len(p)))
	}
	switch {
	case n > 0:
		return int(n), nil
	case n == 0:
		return 0, io.EOF
	default:
		return 0, errnoError{C.GoString(C.strerror(C.int(-n)))}
	}
}

//export pcapshim_go_open_offline
func pcapshim_go_open_offline(p *C.struct_pcap, f *C.FILE, errbuf *C.char) (rc C.int) {
	defer func() {
		if r := recover(); r != nil {
			setErr(errbuf, fmt.Sprintf("pcapshim: internal error opening savefile: %v", r))
			rc = C.PCAP_ERROR
		}
	}()
	r, err := savefile.Open(cfile{f, p.sf}, savefile.Options{Precision: int(p.precision), Mem: cmem{}})
	if err != nil {
		setErr(errbuf, err.Error())
		return C.PCAP_ERROR
	}
	p.linktype = C.int(r.LinkType())
	p.linktype_ext = C.int(r.LinkTypeExt())
	p.snapshot = C.int(r.Snaplen())
	if r.Swapped() {
		p.swapped = 1
	}
	major, minor := r.Version()
	p.version_major, p.version_minor = C.int(major), C.int(minor)
	// What libpcap reports: its first read buffer, 2 KiB for pcapng and
	// min(snapshot, 2 KiB) for pcap.
	p.bufsize = 2048
	if s := r.Snaplen(); !r.IsPcapng() && s > 0 && s < 2048 {
		p.bufsize = C.int(s)
	}
	// Plain records are read in C (shim/sfread.c) from the reader's buffer.
	if cWalk() {
		r.Share((*savefile.Share)(unsafe.Pointer(p.sf)))
	}
	p.goh = C.uintptr_t(handles.Add(&core.Offline{R: r}))
	return 0
}

//export pcapshim_go_fill
func pcapshim_go_fill(p *C.struct_pcap) (rc C.int) {
	defer func() {
		if r := recover(); r != nil {
			setErr(&p.errbuf[0], fmt.Sprintf("pcapshim: internal error reading packets: %v", r))
			rc = C.SHIM_FILL_ERR
		}
	}()
	src := handles.Get(uintptr(p.goh))
	if src == nil {
		setErr(&p.errbuf[0], "pcapshim: handle has no source (closed?)")
		return C.SHIM_FILL_ERR
	}
	liveParams(p, src)
	batch := unsafe.Slice((*core.Packet)(unsafe.Pointer(p.batch)), C.SHIM_BATCH)
	n, err := src.Fill(batch)
	if ls, ok := src.(*live.Source); ok {
		// The ring units this batch points into: the C loop hands
		// them back when it is used up (shim_release_held).
		held := p.held[:]
		nh, v3, drained := ls.TakeHeld(len(held), func(i int, st *uint32) {
			held[i] = (*C.uint32_t)(unsafe.Pointer(st))
		})
		p.nheld, p.held_v3, p.ring_drained = C.int(nh), 0, 0
		if v3 {
			p.held_v3 = 1
		}
		if drained {
			p.ring_drained = 1
		}
		p.ov_watch = 0
		if ls.OverflowIdle() {
			p.ov_watch = 1
		}
	}
	switch {
	case n > 0:
		return C.int(n)
	case err == nil:
		return C.SHIM_FILL_TIMEOUT
	case errors.Is(err, io.EOF):
		return C.SHIM_FILL_EOF
	case errors.Is(err, core.ErrTimeout):
		return C.SHIM_FILL_TIMEOUT
	case errors.Is(err, live.ErrNetDown):
		// The recvmmsg path read the socket's ENETDOWN: the C wait
		// then watches the device as after POLLERR.
		p.netdown = 1
		return C.SHIM_FILL_TIMEOUT
	default:
		setErr(&p.errbuf[0], err.Error())
		return C.SHIM_FILL_ERR
	}
}

//export pcapshim_go_close
func pcapshim_go_close(p *C.struct_pcap) {
	defer func() { _ = recover() }()
	if s := handles.Remove(uintptr(p.goh)); s != nil {
		if debugOn() {
			closeDebug(p, s)
		}
		s.Close()
	}
	p.goh = 0
}

// closeDebug reports at close who read the packets (TCPDUMP_DEBUG).
func closeDebug(p *C.struct_pcap, s core.Source) {
	switch s := s.(type) {
	case *core.Offline:
		debugf("pcapshim: savefile closed: record batches read in C %d, in Go %d",
			s.R.CBatches(), s.GoBatches)
	case *live.Source:
		dev := C.GoString(p.device)
		if s.OverflowFd() >= 0 {
			off, on := s.Overloads()
			debugf("pcapshim: %s closed: %d packets came through the overflow socket; "+
				"switched off in a sustained overload %d times, back on %d times",
				dev, s.OverflowCount(), off, on)
		}
		if s.Version() != 0 {
			c, g := s.Batches()
			debugf("pcapshim: %s closed: ring batches filled in C %d, in Go %d", dev, c, g)
		}
	}
}

// cWalkEnv, set to 0, keeps every batch in Go: the C walks of the live
// ring (shim/ring.c) and of savefile records (shim/sfread.c) are off, for
// comparisons and for tracking down a difference between the two sides.
const cWalkEnv = "PCAPSHIM_CWALK"

func cWalk() bool { return os.Getenv(cWalkEnv) != "0" }

// The C and Go views of the savefile walk must agree.
var _ [unsafe.Sizeof(C.struct_shim_sf{}) - savefile.ShareSize]struct{}
var _ [savefile.ShareSize - unsafe.Sizeof(C.struct_shim_sf{})]struct{}
