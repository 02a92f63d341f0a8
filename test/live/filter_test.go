package live

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// The kernel filter (pcap_setfilter on a live handle), compared with the
// system libpcap's: programs with the Linux extensions, what the kernel
// accepts, the fallback to userspace, and filter swaps.
//
// libpcap filters the ring blocks that were already in use when the filter
// was attached in userspace, and there its interpreter knows only the VLAN
// ancillary loads: "inbound" rejects everything in the first block. The
// tests below send in bursts, the second one after that block was retired
// (the 1 s timeout), so that both behaviours show.

// settle returns an act that sends frames on dev, gives the capture time
// to deliver them (the block-retire timer is tcpdump's 1 s timeout), and
// interrupts it.
func settle(dev string, frames ...[][]byte) func(*testing.T, string, *proc) {
	return func(t *testing.T, ns string, p *proc) {
		for i, f := range frames {
			if i > 0 {
				time.Sleep(1300 * time.Millisecond)
			}
			send(t, ns, dev, f)
		}
		time.Sleep(1500 * time.Millisecond)
		_ = p.cmd.Process.Signal(syscall.SIGINT)
	}
}

// udpTo is a UDP datagram 192.0.2.1:1234 -> 192.0.2.2:port.
func udpTo(port uint16) []byte {
	return eth(macDst, 0x0800, ipv4(17, cat(u16(1234), u16(port), u16(16), u16(0), make([]byte, 8))))
}

// taggedFrames: VLAN 10 and 20 (IPv4 and ARP), QinQ (802.1ad 10 over
// 802.1Q 20), priority-tagged, and untagged frames. On receive the kernel
// takes the outer tag into metadata, where "vlan" reads it (SKF_AD_*).
func taggedFrames() [][]byte {
	ip := ipv4(17, udp(10))
	return [][]byte{
		eth(macDst, 0x8100, u16(10), u16(0x0800), ip),
		eth(macDst, 0x8100, u16(20), u16(0x0800), ip),
		eth(macBcast, 0x8100, u16(10), u16(0x0806), arpRequest()),
		eth(macDst, 0x88a8, u16(10), u16(0x8100), u16(20), u16(0x0800), ip),
		eth(macDst, 0x8100, u16(3<<13|10), u16(0x0800), ip),
		eth(macDst, 0x8100, u16(5<<13), u16(0x0800), ip),
		eth(macDst, 0x0800, ip),
		eth(macBcast, 0x0806, arpRequest()),
	}
}

// TestFilterVLAN: "vlan" primitives on a live Ethernet capture use the
// kernel's VLAN metadata; the first burst is filtered in userspace with
// the same metadata, the second by the kernel.
func TestFilterVLAN(t *testing.T) {
	needLive(t)
	for _, expr := range []string{"vlan 10", "vlan and ip", "vlan 20", "not vlan"} {
		t.Run(strings.ReplaceAll(expr, " ", "-"), func(t *testing.T) {
			t.Parallel() // each run has its own namespace
			r := compare(t, scenario{
				argv:   tcpdump("-i", devB, "-e", expr),
				marker: listening,
				act:    settle(devA, taggedFrames(), taggedFrames()),
			})
			if !strings.Contains(r.stdout, "IP") {
				t.Errorf("%q matched nothing:\n%s", expr, r.stderr)
			}
		})
	}
}

// TestFilterDirection: "inbound" / "outbound" on an Ethernet device are
// the kernel's packet type (Linux extension). Frames leave B (outgoing)
// and arrive on B (incoming). libpcap's userspace interpreter rejects the
// ancillary load, so nothing of the first burst shows; the second does.
func TestFilterDirection(t *testing.T) {
	needLive(t)
	f := mixed()[:3]
	both := func(t *testing.T, ns string, p *proc) {
		send(t, ns, devA, f)
		send(t, ns, devB, f)
		time.Sleep(1300 * time.Millisecond)
		send(t, ns, devA, f)
		send(t, ns, devB, f[:2])
		time.Sleep(1500 * time.Millisecond)
		_ = p.cmd.Process.Signal(syscall.SIGINT)
	}
	for _, expr := range []string{"inbound", "outbound", "inbound and udp"} {
		t.Run(strings.ReplaceAll(expr, " ", "-"), func(t *testing.T) {
			t.Parallel() // each run has its own namespace
			r := compare(t, scenario{
				argv:   tcpdump("-i", devB, "-e", expr),
				marker: listening,
				act:    both,
			})
			if !strings.Contains(r.stdout, "IP") {
				t.Errorf("%q matched nothing:\n%s", expr, r.stderr)
			}
		})
	}
}

// TestCompileLive: pcap_compile on a live Linux handle uses the Linux
// extensions, so tcpdump -d on a device prints the ancillary loads.
func TestCompileLive(t *testing.T) {
	needLive(t)
	for _, c := range []struct{ dev, expr string }{
		{devB, "vlan"}, {devB, "inbound"}, {devB, "outbound"}, {devB, "vlan and ip"},
		{devB, "ifindex 2"}, {devB, "not vlan"}, {"any", "inbound"}, {"any", "ip"},
	} {
		t.Run(c.dev+"-"+strings.ReplaceAll(c.expr, " ", "-"), func(t *testing.T) {
			r := compare(t, scenario{argv: tcpdump("-d", "-i", c.dev, c.expr)})
			if r.exit != 0 {
				t.Errorf("exit %d:\n%s", r.exit, r.stderr)
			}
		})
	}
}

// TestFilterKernelRefuses: a program of more than the kernel's 4096
// instructions (400 unoptimised terms, about 6800): SO_ATTACH_FILTER fails
// with EINVAL, libpcap warns ("Kernel filter failed") and filters in
// userspace, so "received by filter" counts every packet.
func TestFilterKernelRefuses(t *testing.T) {
	needLive(t)
	var terms []string
	for i := 1; i <= 400; i++ {
		terms = append(terms, fmt.Sprintf("udp dst port %d", i))
	}
	var f [][]byte
	for _, port := range []uint16{5, 5678, 7, 400, 401, 1} {
		f = append(f, udpTo(port))
	}
	r := compare(t, scenario{
		argv:   tcpdump("-O", "-i", devB, strings.Join(terms, " or ")),
		marker: listening,
		act:    settle(devA, f, f),
	})
	if !strings.Contains(r.stderr, "Warning: Kernel filter failed: Invalid argument") {
		t.Errorf("no kernel refusal warning:\n%s", r.stderr)
	}
	if n := strings.Count(r.stdout, "UDP,"); n != 8 {
		t.Errorf("%d packets printed, want 8:\n%s", n, r.stdout)
	}
}

// TestFilterTooComplex: over 65535 instructions the program never goes to
// the kernel ("Filter too complex for kernel"). Ours only: the system
// libpcap takes many seconds to compile it.
func TestFilterTooComplex(t *testing.T) {
	needLive(t)
	var terms []string
	for i := 1; i <= 4000; i++ {
		terms = append(terms, fmt.Sprintf("udp dst port %d", i))
	}
	var f [][]byte
	for _, port := range []uint16{5, 5678, 3999, 4001} {
		f = append(f, udpTo(port))
	}
	r := scenario{
		argv:    tcpdump("-O", "-i", devB, strings.Join(terms, " or ")),
		marker:  listening,
		act:     settle(devA, f),
		timeout: 15 * time.Second,
	}.run(t, testutil.Ours)
	if !strings.Contains(r.stderr, "Warning: Filter too complex for kernel\n") {
		t.Errorf("no warning:\n%s", r.stderr)
	}
	want := "IP 192.0.2.1.1234 > 192.0.2.2.5: UDP, length 8\nIP 192.0.2.1.1234 > 192.0.2.2.3999: UDP, length 8\n"
	if strings.TrimRight(r.stdout, "\n")+"\n" != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, want)
	}
	if !regexp.MustCompile(`\n4 packets received by filter\n`).MatchString(r.stderr) {
		t.Errorf("userspace filtering: every packet is received by filter:\n%s", r.stderr)
	}
}

// TestFilterSwap: pcap_setfilter twice while traffic flows (testdata/swap.c),
// once between reads and once from a callback with packets of the old
// filter still in the ring and in the batch: none may be delivered after
// the swap.
func TestFilterSwap(t *testing.T) {
	needLive(t)
	src := filepath.Join(testutil.Root(t), "test", "live", "testdata", "swap.c")
	bin := testutil.BuildC(t, "swap", []string{src}, "-Wall", "-Wextra", "-Werror", "-lpcap")
	var f [][]byte
	for i := 0; i < 400; i++ {
		f = append(f, udpTo(1111), udpTo(2222))
	}
	r := compare(t, scenario{
		argv:    []string{bin, devB, "15"},
		marker:  "ready",
		act:     sender(devA, f),
		timeout: 15 * time.Second,
	})
	if !strings.Contains(r.stdout, "done: phase 3, 0 packets failing the filter in force") {
		t.Errorf("swap:\n%s%s", r.stdout, r.stderr)
	}
}
