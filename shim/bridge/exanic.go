package main

/*
#include <stdlib.h>
#include <string.h>
#include "pcapshim.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"unsafe"

	"github.com/pcapshim/pcapshim/core/live"
	"github.com/pcapshim/pcapshim/exanic"
)

// The reader adds to struct pcap's st_recv, st_drop, st_ifdrop through an
// exanic.Counters: the three must be consecutive uint64s in that order.
var _ [unsafe.Offsetof(C.struct_pcap{}.st_drop) - unsafe.Offsetof(C.struct_pcap{}.st_recv) - 8]struct{}
var _ [unsafe.Offsetof(C.struct_pcap{}.st_ifdrop) - unsafe.Offsetof(C.struct_pcap{}.st_recv) - 16]struct{}

// debugOn: TCPDUMP_DEBUG or PCAPSHIM_DEBUG set (and not "0").
func debugOn() bool {
	for _, k := range []string{"TCPDUMP_DEBUG", "PCAPSHIM_DEBUG"} {
		if v := os.Getenv(k); v != "" && v != "0" {
			return true
		}
	}
	return false
}

// debugf writes one line to stderr with a raw write(2): never through an
// os.File on the host's fd 2.
func debugf(format string, a ...any) {
	b := []byte(fmt.Sprintf(format, a...) + "\n")
	for len(b) > 0 {
		n, err := syscall.Write(2, b)
		if err == syscall.EINTR {
			continue
		}
		if err != nil || n <= 0 {
			return
		}
		b = b[n:]
	}
}

// pcapshim_go_exanic_probe runs at pcap_create when the driver or the
// simulator is present: it prints TCPDUMP_DEBUG's discovery report and,
// if p->device is an ExaNIC port, offers host, adapter and
// adapter_unsynced time stamps. Returns 1 for an ExaNIC port, else 0.
//
//export pcapshim_go_exanic_probe
func pcapshim_go_exanic_probe(p *C.struct_pcap) (rc C.int) {
	defer func() {
		if r := recover(); r != nil {
			rc = 0
		}
	}()
	b := exanic.DefaultBackend()
	if debugOn() {
		ports, err := exanic.Ports(b)
		if err != nil {
			debugf("exa_create: cannot list ExaNIC devices: %v", err)
		}
		for _, l := range exanic.DebugLines(ports) {
			debugf("%s", l)
		}
	}
	if _, _, err := exanic.Resolve(b, C.GoString(p.device)); err != nil {
		return 0
	}
	types := []C.int{exanic.TstampHost, exanic.TstampAdapter, exanic.TstampAdapterUnsynced}
	list := (*C.int)(C.calloc(C.size_t(len(types)), C.size_t(unsafe.Sizeof(C.int(0)))))
	if list == nil {
		return 1
	}
	copy(unsafe.Slice(list, len(types)), types)
	C.free(unsafe.Pointer(p.tstamp_list))
	p.tstamp_list, p.tstamp_count = list, C.int(len(types))
	return 1
}

// pcapshim_go_exanic_devs lists the ExaNIC ports for pcap_findalldevs:
// "name\tflags\tdescription\n" lines in malloc'ed memory, or NULL.
//
//export pcapshim_go_exanic_devs
func pcapshim_go_exanic_devs() (out *C.char) {
	defer func() {
		if r := recover(); r != nil {
			out = nil
		}
	}()
	ports, err := exanic.Ports(exanic.DefaultBackend())
	if err != nil || len(ports) == 0 {
		return nil
	}
	var sb strings.Builder
	for _, pt := range ports {
		flags := 0
		if pt.Enabled {
			flags |= C.PCAP_IF_UP
		}
		if pt.Link() {
			flags |= C.PCAP_IF_RUNNING | C.PCAP_IF_CONNECTION_STATUS_CONNECTED
		} else {
			flags |= C.PCAP_IF_CONNECTION_STATUS_DISCONNECTED
		}
		fmt.Fprintf(&sb, "%s\t%d\t%s\n", pt.Name(), flags, pt.Description())
	}
	return C.CString(sb.String())
}

// exanicOpen activates p on an ExaNIC port by kernel bypass. done: p is
// handled (rc is the result). Otherwise fb, if not nil, says to capture on
// its netdev through AF_PACKET, with its warning; nil: not an ExaNIC port.
func exanicOpen(p *C.struct_pcap, errbuf *C.char) (rc C.int, done bool, fb *exanic.Fallback) {
	if !exanicPossible() && !exanic.IsDevPort(C.GoString(p.device)) {
		return 0, false, nil // exanicN:P goes on, to say the driver is missing
	}
	tst := int(p.opt_tstamp_type)
	if tst < 0 {
		tst = exanic.TstampHost
	}
	o := exanic.Options{
		Device:     C.GoString(p.device),
		Snaplen:    int(p.opt_snaplen),
		BufferSize: int(p.opt_buffer_size),
		Promisc:    p.opt_promisc != 0,
		Nano:       p.opt_precision == C.PCAP_TSTAMP_PRECISION_NANO,
		TstampType: tst,
		KeepBad:    os.Getenv("PCAPSHIM_EXANIC_KEEP_BAD") == "1",
		Busy:       os.Getenv("PCAPSHIM_EXANIC_BUSY_POLL") == "1",
		Counters:   (*exanic.Counters)(unsafe.Pointer(&p.st_recv)),
	}
	if p.opt_rfmon != 0 {
		if _, _, err := exanic.Resolve(exanic.DefaultBackend(), o.Device); err == nil {
			return C.PCAP_ERROR_RFMON_NOTSUP, true, nil
		}
		return 0, false, nil
	}
	if debugOn() {
		o.Debug = func(s string) { debugf("%s", s) }
	}
	s, err := exanic.Open(o)
	switch {
	case errors.Is(err, exanic.ErrNotExanic):
		return 0, false, nil
	case errors.As(err, &fb):
		if debugOn() {
			debugf("exanic: %s", fb.Warning)
		}
		return 0, false, fb
	case err != nil:
		setErr(errbuf, err.Error())
		return C.PCAP_ERROR, true, nil
	}
	// The reader goroutine keeps a P; batch fills need another. (Only
	// once a bypass handle exists: fallbacks stay at one.)
	needProcs(2)
	p.fd = C.int(s.Fd())
	p.selectable_fd = p.fd
	p.linktype = 1 // DLT_EN10MB
	p.linktype_ext = p.linktype
	p.snapshot = C.int(s.Snaplen())
	p.bufsize = C.int(s.Snaplen())
	p.precision = p.opt_precision
	p.bypass = 1
	p.goh = C.uintptr_t(handles.Add(s))
	if debugOn() {
		debugf("%s", s.Describe())
	}
	if s.TstampUnavailable() {
		return C.PCAP_WARNING_TSTAMP_TYPE_NOTSUP, true, nil
	}
	return 0, true, nil
}

// exanicPossible mirrors the C check: driver loaded or simulator selected.
func exanicPossible() bool {
	if os.Getenv(exanic.SimEnv) != "" {
		return true
	}
	_, err := os.Stat("/sys/bus/pci/drivers/exanic")
	return err == nil
}

// liveDebug prints the AF_PACKET source's geometry (TCPDUMP_DEBUG).
func liveDebug(s *live.Source, dev string) {
	if !debugOn() {
		return
	}
	bs, n, fs := s.Geometry()
	debugf("pcapshim: capturing on %s through AF_PACKET (TPACKET_V%d): %d blocks of %d bytes (%d bytes), frame size %d, snaplen %d; filters go to the kernel when it takes them",
		dev, s.Version(), n, bs, n*bs, fs, s.Snaplen())
	if e := s.Elastic(); e != "" {
		debugf("pcapshim: %s", e)
	}
}

// setDevice replaces p->device (a fallback from exanicN:P to its netdev).
func setDevice(p *C.struct_pcap, name string) {
	c := C.CString(name)
	C.free(unsafe.Pointer(p.device))
	p.device = c
}
