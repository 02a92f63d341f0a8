package diff

import (
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pcapshim/pcapshim/core/savefile"
	"github.com/pcapshim/pcapshim/test/testutil"
)

// filterExprs cover every primitive family of pcap-filter(7) that libpcap
// 1.10.3 (the oracle) knows: hosts and nets with masks and CIDR, ports and
// ranges, protocols, protochain, tcpflags/icmptype constants, arithmetic,
// lengths, broadcast/multicast, encapsulations, 802.11, direction, LLC,
// ISO, DECnet, AppleTalk and the rest.
var filterExprs = []string{
	"ip", "ip6", "arp", "rarp", "tcp", "udp", "icmp", "icmp6", "sctp", "igmp",
	"pim", "vrrp", "ah", "esp", "igrp", "carp",
	"host 10.0.0.1", "src host 192.168.1.1", "dst net 10.0.0.0/8",
	"net 192.168.0.0 mask 255.255.0.0", "net 172.16", "ip6 host ::1",
	"ip6 net fe80::/10", "src or dst host 192.168.0.1",
	"ether host ff:ff:ff:ff:ff:ff", "ether src 00:01:02:03:04:05",
	"arp host 10.0.0.1", "ether dst 01:00:5e:00:00:01",
	"port 53", "tcp port 80", "udp dst port 53", "src port 1024",
	"portrange 1-1023", "tcp portrange 6000-6010", "port 80 or port 443",
	"not port 22", "sctp port 7",
	"ip proto 17", "ip6 proto 58", "ether proto 0x88cc", "proto 47",
	"protochain 6", "ip6 protochain 17",
	"tcp[tcpflags] & tcp-syn != 0", "tcp[tcpflags] & (tcp-syn|tcp-ack) = tcp-syn",
	"icmp[icmptype] = icmp-echo", "icmp[icmptype] != icmp-echoreply",
	"ip[0] & 0xf > 5", "ip[2:2] > 100", "tcp[12] >> 4 > 5", "ip[8] - 1 < 64",
	"udp[4:2] * 2 > 100", "ip[6:2] & 0x1fff = 0", "ether[0] & 1 = 1",
	"len > 100", "len <= 60", "less 64", "greater 1000",
	"ether broadcast", "ether multicast", "ip broadcast", "ip multicast",
	"ip6 multicast",
	"vlan", "vlan 100", "vlan and ip", "vlan and vlan", "mpls", "mpls 16 and ip",
	"pppoed", "pppoes", "pppoes and ip", "geneve", "geneve and ip",
	"wlan type data", "type mgt subtype beacon", "subtype probe-req",
	"wlan addr2 00:01:02:03:04:05", "dir tods", "wlan host 00:01:02:03:04:05",
	"inbound", "outbound", "llc", "stp", "ipx", "netbeui", "iso", "clnp",
	"esis", "isis", "l1", "decnet", "decnet host 1.2", "atalk", "aarp",
	"lat", "moprc", "mopdl", "sca",
	"ip and not tcp", "(tcp or udp) and not (port 53 or port 80)",
	"host 1.2.3.4 and (port 80 or port 443)", "not ip and not arp",
}

// filterFilesPerDLT bounds how many captures of one link type are read
// with every expression (Ethernet gets more: most expressions are about it).
const (
	filterFilesPerDLT = 1
	filterFilesEN10MB = 4
	filterMaxBytes    = 1 << 20
	// minFilterProductive: most expressions select nothing in most
	// captures, but this many runs must print packets.
	minFilterProductive = 200
)

// masterChanges are where libpcap master (which the compiler follows: its
// conformance suite is the spec) deliberately differs from 1.10.3 (the
// tcpdump oracle): for captures whose name contains file, every expression
// for which pred holds may print differently. Each entry says why.
var masterChanges = []struct {
	file, why string
	pred      func(expr string) bool
}{
	{"dsa.pcap", "1.10.3 cannot filter on DSA_TAG_DSA; master treats it as Ethernet", anyExpr},
	{"brcm-tag", "1.10.3 cannot filter on DSA_TAG_BRCM; master treats it as Ethernet", anyExpr},
	{"mstp_", "master has no link-layer type tests on BACNET_MS_TP (1.10.3 tested the preamble only)", anyExpr},
	{"http_PPI", "1.10.3 refuses 802.11 type/subtype/dir on PPI; master supports them", anyExpr},
	{"arcnet-rfc1051", "master no longer matches the RFC 1051 ARCnet types (0xf0/0xf1) as IP/ARP", anyExpr},
	{"ISIS_", "master masks the IS-IS PDU type with 0x1f", func(e string) bool { return e == "l1" || e == "l2" || e == "isis" }},
	{"slip-bad-direction", "master fixed the inverted SLIP direction byte", func(e string) bool { return e == "inbound" || e == "outbound" }},
}

func anyExpr(string) bool { return true }

// masterChange returns why file and expr may differ, or "".
func masterChange(file, expr string) string {
	for _, m := range masterChanges {
		if strings.Contains(path.Base(file), m.file) && m.pred(expr) {
			return m.why
		}
	}
	return ""
}

// filterFiles picks captures of every link type in the corpus: the first
// few (by name) below filterMaxBytes per type.
func filterFiles(t *testing.T) []string {
	dir, rel := corpusFiles(t)
	byDLT := map[int][]string{}
	for _, r := range rel {
		p := filepath.Join(dir, filepath.FromSlash(r))
		if st, err := os.Stat(p); err != nil || st.Size() > filterMaxBytes {
			continue
		}
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		rd, err := savefile.Open(f, savefile.Options{})
		f.Close()
		if err != nil {
			continue
		}
		lt := rd.LinkType()
		limit := filterFilesPerDLT
		if lt == 1 {
			limit = filterFilesEN10MB
		}
		if len(byDLT[lt]) < limit {
			byDLT[lt] = append(byDLT[lt], p)
		}
	}
	var out []string
	for _, fs := range byDLT {
		out = append(out, fs...)
	}
	sort.Strings(out)
	if len(out) < 20 || len(byDLT) < 10 {
		t.Fatalf("only %d captures of %d link types found for the filter comparison", len(out), len(byDLT))
	}
	return out
}

// TestFilterDiff runs "tcpdump -r F EXPR" for every expression over
// captures of every link type in the corpus, with the system libpcap and
// with ours. Where the system compiles the expression, stdout, stderr and
// exit status must be identical; where it rejects it, ours must reject it
// too (exit status and stdout equal; the error text may be libpcap
// master's, which the conformance runner checks instead).
func TestFilterDiff(t *testing.T) {
	tcpdump := tcpdumpPath(t)
	lookTcpdump(t, tcpdump)
	testutil.SystemLib(t)
	libEnv := "LD_LIBRARY_PATH=" + testutil.LibDir(t)
	files := filterFiles(t)
	st := &stats{}
	t.Cleanup(func() {
		t.Logf("filter diff: %d files × %d expressions: %d identical, %d mismatches, %d differences where master changed libpcap (listed in masterChanges); the system tcpdump printed packets in %d",
			st.files, len(filterExprs), st.compared-st.different, st.different, st.master, st.productive)
		// The allowance must not grow silently.
		if st.master > 400 {
			t.Errorf("%d differences attributed to master's changes: more than expected", st.master)
		}
		if st.compared > 0 && st.productive < minFilterProductive {
			t.Errorf("the system tcpdump printed packets in only %d of %d comparisons: the expressions select nothing", st.productive, st.compared)
		}
	})
	sem := make(chan struct{}, workers)
	for _, file := range files {
		t.Run(path.Base(file), func(t *testing.T) {
			t.Parallel()
			sem <- struct{}{}
			defer func() { <-sem }()
			st.add(1, 0, 0, 0)
			for _, expr := range filterExprs {
				argv := []string{tcpdump, "-#", "-nn", "-r", file, expr}
				sys := runSide(t, testutil.System, nil, "", argv)
				ours := runSide(t, testutil.Ours, nil, "", argv)
				if sys.res.Exit != 0 {
					// Rejected by the oracle: compare status and stdout only.
					sys.res.Stderr, ours.res.Stderr = nil, nil
				}
				productive := 0
				if len(sys.res.Stdout) > 0 {
					productive = 1
				}
				if probs := compare(sys, ours); len(probs) > 0 {
					if why := masterChange(file, expr); why != "" {
						st.addMaster()
						continue
					}
					st.add(0, 1, 1, productive)
					t.Errorf("%q differs\n%s", expr, report(shellLine(libEnv, argv, ""), probs))
					continue
				}
				st.add(0, 1, 0, productive)
			}
		})
	}
}
