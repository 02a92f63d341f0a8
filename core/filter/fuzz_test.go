package filter

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pcapshim/pcapshim/core/bpf"
)

// fuzzDLTs are the link types the fuzzer compiles for (by index, so the
// fuzzer can vary it): the common ones and those with variable headers.
var fuzzDLTs = []int{1, 0, 12, 113, 276, 105, 127, 119, 163, 192, 117, 123, 9, 104, 10, 6, 228, 229}

// FuzzCompile feeds arbitrary bytes to the whole compiler (lexer, parser,
// generators, optimiser, emitter). Whatever the input: no panic, no hang
// (the fuzzer's per-input timeout), an error or a program that passes
// bpf_validate's rules and stays within the kernel's 4096 instructions
// where short inputs are concerned; and when both compile, the optimised
// program accepts exactly the packets the unoptimised one does (except
// packets the unoptimised one rejects only by loading past their end:
// the optimiser drops dead loads, as libpcap's does).
func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		"", "ip", "tcp port 80 or udp port 53", "not ip and not arp",
		"host 10.0.0.1 and (port 80 or port 443)", "vlan 100 and ip",
		"mpls and mpls 3 and ip6", "ip[2:2] - 20 > 0 and ip[3] ^ 5 = 1",
		"tcp[tcpflags] & (tcp-syn|tcp-fin) != 0", "ip6 protochain 6",
		"ether host 1:2:3:4:5:6 or ether broadcast", "net 10/8 and not net 10.1",
		"portrange 1000-2000", "geneve and ip", "type mgt subtype beacon",
		"(((((ip)))))", "len > 100 and less 200", "pppoes 3 and ip",
		"icmp[icmptype] = icmp-echo", "decnet host 1.2", "llc u",
		"ip and ip and ip and not (tcp or udp) or arp",
	} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, expr string, dltIndex uint8) {
		dlt := fuzzDLTs[int(dltIndex)%len(fuzzDLTs)]
		if strings.ContainsAny(expr, "\x00") || !utf8.ValidString(expr) {
			// pcap_compile takes a C string: NUL ends it. Invalid UTF-8
			// still must not crash.
			expr = strings.ToValidUTF8(strings.ReplaceAll(expr, "\x00", ""), "?")
		}
		// A name could reach the resolver (DNS): the fuzzer stays offline
		// and fast by leaving out inputs with words that are not keywords.
		if resolvesNames(expr) {
			return
		}
		o := Options{DLT: dlt, Snaplen: 262144, Netmask: 0xffffff00}
		unopt, err0 := Compile(expr, o)
		o.Optimize = true
		opt, err1 := Compile(expr, o)
		for _, r := range []struct {
			prog []bpf.Insn
			err  error
		}{{unopt, err0}, {opt, err1}} {
			if r.err != nil {
				if r.err.Error() == "" {
					t.Fatalf("%q: empty error text", expr)
				}
				continue
			}
			if err := bpf.Validate(r.prog); err != nil {
				t.Fatalf("%q on DLT %d: invalid program: %v\n%s", expr, dlt, err, bpf.Dump(r.prog))
			}
			if len(expr) < 64 && len(r.prog) > 4096 {
				t.Fatalf("%q: %d instructions", expr, len(r.prog))
			}
		}
		switch {
		case err0 != nil && err1 == nil:
			t.Fatalf("%q on DLT %d: compiles optimised but not unoptimised: %v", expr, dlt, err0)
		case err0 == nil && err1 != nil:
			// libpcap's optimiser also fails where it folds constants
			// into a division or modulus by zero.
			switch err1.Error() {
			case "expression rejects all packets", "division by zero", "modulus by zero":
			default:
				t.Fatalf("%q on DLT %d: compiles unoptimised but optimised fails: %v", expr, dlt, err1)
			}
		case err0 == nil && err1 == nil:
			res := bpf.Equivalent(unopt, opt, bpf.EquivConfig{MaxPackets: 400, MaxTime: 50 * time.Millisecond, SkipShortA: true})
			if !res.Equal {
				t.Fatalf("%q on DLT %d: optimised program differs on %x (wire %d): unoptimised %d, optimised %d\nunoptimised:\n%s\noptimised:\n%s",
					expr, dlt, res.Witness.Data, res.Witness.WireLen, res.RetA, res.RetB, bpf.Dump(unopt), bpf.Dump(opt))
			}
		}
	})
}

// resolvesNames reports whether expr might make the compiler look a name
// up (hosts, networks, services, protocols, ethers): a fuzz input must not
// wait on DNS. Keywords are not names; anything else alphabetic may be.
func resolvesNames(expr string) bool {
	for _, w := range strings.FieldsFunc(expr, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.')
	}) {
		if w == "" || !(w[0] >= 'a' && w[0] <= 'z' || w[0] >= 'A' && w[0] <= 'Z') {
			continue
		}
		if strings.Trim(strings.ToLower(w), "0123456789abcdef") == "" {
			continue // a hex number or part of a MAC address
		}
		if _, ok := fuzzKeywords[strings.ToLower(w)]; !ok {
			return true
		}
	}
	return false
}

var fuzzKeywords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		ip ip6 arp rarp tcp udp icmp icmp6 sctp igmp igrp pim vrrp carp ah esp
		host net mask port portrange proto protochain gateway src dst and or not
		ether link fddi tr wlan ppp slip less greater byte broadcast multicast len length
		inbound outbound ifindex vlan mpls pppoed pppoes geneve vxlan llc i s u
		atalk aarp decnet lat sca moprc mopdl iso esis es-is isis is-is l1 l2 iih lsp snp csnp psnp clnp stp ipx netbeui radio
		type subtype dir direction addr1 addr2 addr3 addr4 ra ta mgt ctl data beacon probe-req nods tods fromds dstods
		tcpflags icmptype icmp6type tcp-syn tcp-fin tcp-ack tcp-rst tcp-push tcp-urg icmp-echo icmp-echoreply
		lane metac bcc oam oamf4 oamf4ec oamf4sc sc ilmic connectmsg metaconnect vpi vci
		fisu lssu msu hfisu hlssu hmsu sio opc dpc sls hsio hopc hdpc hsls
		on ifname rnr rulenum srnr subrulenum reason rset ruleset action pass block match
		ui ua disc sabme test xid frmr rr rej`) {
		m[w] = true
	}
	return m
}()
