package main

/*
#include <stdlib.h>
#include "pcapshim.h"
*/
import "C"

import (
	"sync"

	"github.com/pcapshim/pcapshim/core/tables"
)

// cstrings turns the read-only Go tables into C strings once, on first use:
// the front library hands these pointers to hosts, which keep them forever.
var cstrings = sync.OnceValue(func() map[string]*C.char {
	m := map[string]*C.char{}
	add := func(s string, ok bool) {
		if ok {
			if _, dup := m[s]; !dup {
				m[s] = C.CString(s)
			}
		}
	}
	for _, d := range tables.DLTs() {
		add(tables.DLTName(d))
		add(tables.DLTDescription(d))
	}
	for t := 0; t < 16; t++ {
		add(tables.TstampName(t))
		add(tables.TstampDescription(t))
	}
	return m
})

func cstr(s string, ok bool) *C.char {
	if !ok {
		return nil
	}
	return cstrings()[s]
}

//export pcapshim_go_dlt_name
func pcapshim_go_dlt_name(dlt C.int) *C.char { return cstr(tables.DLTName(int(dlt))) }

//export pcapshim_go_dlt_description
func pcapshim_go_dlt_description(dlt C.int) *C.char {
	return cstr(tables.DLTDescription(int(dlt)))
}

//export pcapshim_go_dlt_from_name
func pcapshim_go_dlt_from_name(name *C.char) C.int {
	if name == nil {
		return -1
	}
	return C.int(tables.DLTFromName(C.GoString(name)))
}

//export pcapshim_go_tstamp_name
func pcapshim_go_tstamp_name(t C.int) *C.char { return cstr(tables.TstampName(int(t))) }

//export pcapshim_go_tstamp_description
func pcapshim_go_tstamp_description(t C.int) *C.char {
	return cstr(tables.TstampDescription(int(t)))
}

//export pcapshim_go_tstamp_from_name
func pcapshim_go_tstamp_from_name(name *C.char) C.int {
	if name == nil {
		return C.PCAP_ERROR
	}
	return C.int(tables.TstampFromName(C.GoString(name)))
}

//export pcapshim_go_dlt_to_linktype
func pcapshim_go_dlt_to_linktype(dlt C.int) C.int { return C.int(tables.DLTToLinkType(int(dlt))) }
