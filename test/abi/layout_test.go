package abi

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// publicType is a structure (or other type) of the public headers and the
// members whose offset, size and type must match libpcap's.
type publicType struct {
	name    string // as written in C: "struct pcap_pkthdr", "iso_rec"
	members []string
}

// publicTypes are the types a program can see. The first twelve are the
// ones the ABI hinges on; the rest are the link-layer pseudo-headers.
var publicTypes = []publicType{
	{"struct pcap_pkthdr", []string{"ts", "caplen", "len"}},
	{"struct pcap_stat", []string{"ps_recv", "ps_drop", "ps_ifdrop"}},
	{"struct pcap_if", []string{"next", "name", "description", "addresses", "flags"}},
	{"struct pcap_addr", []string{"next", "addr", "netmask", "broadaddr", "dstaddr"}},
	{"struct bpf_program", []string{"bf_len", "bf_insns"}},
	{"struct bpf_insn", []string{"code", "jt", "jf", "k"}},
	{"struct pcap_file_header", []string{"magic", "version_major", "version_minor", "thiszone", "sigfigs", "snaplen", "linktype"}},
	{"struct pcap_rmtauth", []string{"type", "username", "password"}},
	{"struct pcap_samp", []string{"method", "value"}},
	{"struct sll_header", []string{"sll_pkttype", "sll_hatype", "sll_halen", "sll_addr", "sll_protocol"}},
	{"struct sll2_header", []string{"sll2_protocol", "sll2_reserved_mbz", "sll2_if_index", "sll2_hatype", "sll2_pkttype", "sll2_halen", "sll2_addr"}},
	{"struct vlan_tag", []string{"vlan_tpid", "vlan_tci"}},
	{"struct pcap_etherent", []string{"addr", "name"}},
	{"pcap_usb_setup", []string{"bmRequestType", "bRequest", "wValue", "wIndex", "wLength"}},
	{"iso_rec", []string{"error_count", "numdesc"}},
	{"pcap_usb_header", []string{"id", "event_type", "transfer_type", "endpoint_number", "device_address", "bus_id", "setup_flag", "data_flag", "ts_sec", "ts_usec", "status", "urb_len", "data_len", "setup"}},
	{"pcap_usb_header_mmapped", []string{"id", "event_type", "transfer_type", "endpoint_number", "device_address", "bus_id", "setup_flag", "data_flag", "ts_sec", "ts_usec", "status", "urb_len", "data_len", "s", "s.setup", "s.iso", "interval", "start_frame", "xfer_flags", "ndesc"}},
	{"usb_isodesc", []string{"status", "offset", "len", "pad"}},
	{"pcap_can_socketcan_hdr", []string{"can_id", "payload_length", "fd_flags", "reserved1", "reserved2"}},
	{"nflog_hdr_t", []string{"nflog_family", "nflog_version", "nflog_rid"}},
	{"nflog_tlv_t", []string{"tlv_length", "tlv_type"}},
	{"nflog_packet_hdr_t", []string{"hw_protocol", "hook", "pad"}},
	{"nflog_hwaddr_t", []string{"hw_addrlen", "pad", "hw_addr"}},
	{"nflog_timestamp_t", []string{"sec", "usec"}},
	{"pcap_bluetooth_h4_header", []string{"direction"}},
	{"pcap_bluetooth_linux_monitor_header", []string{"adapter_id", "opcode"}},
	// Typedefs (no members): their sizes.
	{"bpf_int32", nil}, {"bpf_u_int32", nil}, {"pcap_direction_t", nil},
	{"pcap_handler", nil}, {"SOCKET", nil},
}

// layoutProgram is C that prints, one a line, the size and alignment of
// every public type and the offset and size of each member, plus the
// signedness of the integer ones.
func layoutProgram() string {
	var b strings.Builder
	b.WriteString(includeAll())
	b.WriteString("#include <stddef.h>\n#include <stdio.h>\n\n")
	b.WriteString("/* 1 if an integer lvalue's type is signed (0 for non-integers). */\n")
	b.WriteString("#define SIGNED(v) _Generic((v), char: (char)-1 < 0, signed char: 1, short: 1, int: 1, long: 1, long long: 1, default: 0)\n")
	b.WriteString("int main(void)\n{\n")
	for _, ty := range publicTypes {
		fmt.Fprintf(&b, "\tprintf(\"%s size %%zu align %%zu\\n\", sizeof(%s), _Alignof(%s));\n", ty.name, ty.name, ty.name)
		for _, m := range ty.members {
			lv := fmt.Sprintf("((%s *)0)->%s", ty.name, m)
			fmt.Fprintf(&b, "\tprintf(\"%s.%s offset %%zu size %%zu signed %%d\\n\", offsetof(%s, %s), sizeof(%s), (int)SIGNED(%s));\n",
				ty.name, m, ty.name, m, lv, lv)
		}
	}
	b.WriteString("\treturn 0;\n}\n")
	return b.String()
}

// TestLayouts compiles the same program against our headers and the
// system's and compares every size, offset and signedness it prints.
func TestLayouts(t *testing.T) {
	testutil.Need(t, "gcc", "gcc")
	needSystemHeaders(t)
	src := writeFile(t, t.TempDir(), "layout.c", layoutProgram())
	run := func(flags ...string) []string {
		exe := testutil.BuildC(t, "layout", []string{src}, append([]string{"-std=gnu11", "-Wno-unused"}, flags...)...)
		out, err := exec.Command(exe).Output()
		if err != nil {
			t.Fatalf("%s: %v", exe, err)
		}
		return strings.Split(strings.TrimSpace(string(out)), "\n")
	}
	ours, system := run(ourInclude(t)), run()
	want := 0
	for _, ty := range publicTypes {
		want += 1 + len(ty.members)
	}
	if len(ours) != want || len(system) != want {
		t.Fatalf("layout program printed %d lines with our headers, %d with the system's; want %d", len(ours), len(system), want)
	}
	for i := range ours {
		if ours[i] != system[i] {
			t.Errorf("layout differs:\n  ours:   %s\n  system: %s", ours[i], system[i])
		}
	}
	t.Logf("%d sizes and offsets compared", want)
}
