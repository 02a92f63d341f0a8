package live

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// Immediate mode: libpcap 1.10.3 captures through a TPACKET_V2 ring there
// (one packet per frame, no block-retire timer), TPACKET_V3 otherwise.

func buildImmediate(t *testing.T) string {
	t.Helper()
	src := filepath.Join(testutil.Root(t), "test", "live", "testdata", "immediate.c")
	return testutil.BuildC(t, "immediate", []string{src}, "-Wall", "-Wextra", "-Werror", "-lpcap")
}

// TestImmediateCapture: tcpdump --immediate-mode through the frame ring,
// line for line as with libpcap: ordinary and VLAN frames on a veth (tags
// re-inserted), "any" with SLL2 and with LINUX_SLL, both directions
// selected with -Q, loopback, and a kernel filter.
func TestImmediateCapture(t *testing.T) {
	needLive(t)
	imm := func(args ...string) []string { return tcpdump(append([]string{"--immediate-mode"}, args...)...) }
	f := append(mixed(), vlanFrames()...)
	n := strconv.Itoa(len(f))
	short := append(mixed()[:3], vlanFrames()[:2]...)
	for _, c := range []struct {
		name   string
		argv   []string
		dev    string
		frames [][]byte
	}{
		{"veth", imm("-i", devB, "-c", n, "-e", "-x"), devA, f},
		{"veth-snaplen", imm("-i", devB, "-c", n, "-s", "64", "-e", "-x"), devA, f},
		{"veth-Q-out", imm("-i", devA, "-Q", "out", "-c", n, "-e"), devA, f},
		{"veth-Q-in", imm("-i", devB, "-Q", "in", "-c", n, "-e"), devA, f},
		{"veth-filter", imm("-i", devB, "-c", "2", "-e", "udp"), devA, mixed()},
		{"any-sll2", imm("-i", "any", "-c", strconv.Itoa(2*len(short)), "-e", "-x"), devA, short},
		{"any-sll", imm("-i", "any", "-y", "LINUX_SLL", "-c", strconv.Itoa(2*len(short)), "-e", "-x"), devA, short},
		{"any-Q-in", imm("-i", "any", "-Q", "in", "-c", strconv.Itoa(len(short)), "-e"), devA, short},
		{"any-Q-out", imm("-i", "any", "-Q", "out", "-c", strconv.Itoa(len(short)), "-e"), devA, short},
		{"lo", imm("-i", "lo", "-c", "4", "-e"), "lo", mixed()[:4]},
	} {
		t.Run(c.name, func(t *testing.T) {
			compare(t, scenario{argv: c.argv, marker: listening, act: sender(c.dev, c.frames)})
		})
	}
}

// TestImmediateRing: activation result, pcap_bufsize and the socket's
// TPACKET version in immediate mode and not, for several snapshot lengths
// and buffer sizes on a veth, "any" and lo, as libpcap reports them
// (including the buffer too small for one block, where libpcap's mmap
// fails).
func TestImmediateRing(t *testing.T) {
	needLive(t)
	bin := buildImmediate(t)
	argv := []string{bin, "ring"}
	for _, dev := range []string{devB, "any", "lo"} {
		for _, sb := range [][2]string{{"100", "0"}, {"1500", "0"}, {"262144", "0"}, {"65535", "1048576"},
			{"100", "1"}, {"2000", "4096"}, {"96", "100000"}} {
			argv = append(argv, dev, sb[0], sb[1])
		}
	}
	r := compare(t, scenario{argv: argv})
	for _, want := range []string{
		devB + " snaplen=100 buffer=0 immediate=1: activate=0 \"\" bufsize=176 snapshot=100 tpacket_version=V2",
		devB + " snaplen=100 buffer=0 immediate=0: activate=0 \"\" bufsize=262144 snapshot=100 tpacket_version=V3",
		"any snaplen=100 buffer=1 immediate=1: activate=-1 \"can't mmap rx ring: Invalid argument\"",
	} {
		if !strings.Contains(r.stdout, want+"\n") {
			t.Errorf("no %q in:\n%s", want, r.stdout)
		}
	}
}

// TestImmediateWake: with a 1000 ms timeout, one frame is returned by
// pcap_next_ex well before the timeout in immediate mode (the frame ring
// wakes the reader per packet), and only when the block timer retires the
// block otherwise; both as with libpcap.
func TestImmediateWake(t *testing.T) {
	needLive(t)
	bin := buildImmediate(t)
	for _, c := range []struct{ imm, want string }{{"1", "yes"}, {"0", "no"}} {
		t.Run("immediate="+c.imm, func(t *testing.T) {
			r := compare(t, scenario{argv: []string{bin, "wake", devA, devB, c.imm}, stdoutOnly: true})
			t.Logf("pcapshim: %s", strings.TrimSpace(r.stderr))
			if want := "next_ex=1 caplen=60 type=88b5 within 500 ms: " + c.want + "\n"; !strings.Contains(r.stdout, want) {
				t.Errorf("no %q in:\n%s%s", want, r.stdout, r.stderr)
			}
		})
	}
}

// TestRingWrap: a ring of one block (4096-byte buffer) filled before the
// reader looks, then read with one pcap_dispatch(-1): every packet once,
// in order, and none of the block's packets again (a batch that walked
// the whole ring stops at the block it still holds), with the same
// statistics as libpcap; through V2 frames (immediate mode, 30 frames for
// 23 slots: 7 dropped) and one V3 block.
func TestRingWrap(t *testing.T) {
	needLive(t)
	bin := buildImmediate(t)
	for _, c := range []struct{ imm, want string }{{"1", "= 23\n"}, {"0", "= 30\n"}} {
		t.Run("immediate="+c.imm, func(t *testing.T) {
			r := compare(t, scenario{argv: []string{bin, "wrap", devA, devB, "30", c.imm}})
			if !strings.Contains(r.stdout, c.want) {
				t.Errorf("no %q in:\n%s", c.want, r.stdout)
			}
		})
	}
}
