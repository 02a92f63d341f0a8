package live

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// The elastic default buffer: a 3 MiB ring, plus an overflow
// socket in the same fanout group that takes what the ring has no room
// for, so that an idle capture costs little more than libpcap's and a burst is
// still captured whole and in order.

const elasticEnv = "PCAPSHIM_ELASTIC"

// cwalkEnv set to 0 keeps every batch in Go (shim/bridge cWalkEnv).
const cwalkEnv = "PCAPSHIM_CWALK"

// seqs reads a pcap file written from the burst sender's frames and
// returns their sequence numbers (the payload's first 4 bytes), in file
// order.
func seqs(t testing.TB, file string) []uint32 {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("capture file: %v", err)
	}
	if len(b) < 24 || binary.LittleEndian.Uint32(b) != 0xa1b2c3d4 {
		t.Fatalf("%s: not a little-endian microsecond pcap file (%d bytes)", file, len(b))
	}
	var out []uint32
	seqAt := 42 // Ethernet, IPv4 and UDP headers
	switch binary.LittleEndian.Uint32(b[20:]) {
	case 113:
		seqAt = 44 // LINUX_SLL
	case 276:
		seqAt = 48 // LINUX_SLL2
	}
	for off := 24; off+16 <= len(b); {
		incl := int(binary.LittleEndian.Uint32(b[off+8:]))
		rec := b[off+16:]
		if incl > len(rec) {
			t.Fatalf("%s: truncated record at offset %d", file, off)
		}
		if incl >= seqAt+4 {
			out = append(out, binary.BigEndian.Uint32(rec[seqAt:]))
		}
		off += 16 + incl
	}
	return out
}

// inOrder checks that got is first, first+1, … for want frames.
func inOrder(t testing.TB, got []uint32, want int) {
	t.Helper()
	inSteps(t, got, want, 1)
}

// inSteps checks that got is first, first+step, … for want frames.
func inSteps(t testing.TB, got []uint32, want int, step uint32) {
	t.Helper()
	if len(got) != want {
		t.Errorf("%d frames in the file, want %d", len(got), want)
	}
	for i := 1; i < len(got); i++ {
		if got[i] != got[i-1]+step {
			t.Errorf("frame %d has sequence number %d after %d: out of order or missing", i, got[i], got[i-1])
			return
		}
	}
}

var overflowLine = regexp.MustCompile(`(\d+) packets came through the overflow socket`)

// TestElasticOverflow: a consumer that stalls (tcpdump -w into a pipe
// nobody reads yet) while 8,000 full-size frames arrive. libpcap's ring
// alone (what PCAPSHIM_ELASTIC=0 with -B 2048 gives) drops most of them;
// with the elastic default, what the ring has no room for waits in the
// overflow socket, and the file has every frame, in order.
func TestElasticOverflow(t *testing.T) {
	needLive(t)
	bin := buildBurst(t)
	t.Setenv(bufferEnv, "")
	const count = 8000
	for _, c := range []struct {
		name  string
		extra []string
		args  []string
		even  bool // the filter passes even sequence numbers only
	}{
		{"elastic", nil, nil, false},
		// Both sockets take the kernel filter.
		{"elastic-filter", nil, []string{evenOnly}, true},
		// TPACKET_V2 frames: each readable as soon as written.
		{"elastic-immediate", nil, []string{"--immediate-mode"}, false},
		// Cooked capture on every device, this one's incoming frames.
		{"elastic-any", []string{"ANY=1"}, []string{"-Q", "in"}, false},
		{"ring-only", []string{elasticEnv + "=0"}, []string{"-B", "2048"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, dropped, stderr := stalledFrames(t, bin, count, c.even, c.extra, c.args)
			m := overflowLine.FindStringSubmatch(stderr)
			t.Logf("%s: %d frames in the file, %d dropped, overflow report %q", c.name, len(got), dropped, m)
			if c.name == "ring-only" {
				if m != nil {
					t.Errorf("an overflow socket with PCAPSHIM_ELASTIC=0:\n%s", stderr)
				}
				if dropped == 0 {
					t.Errorf("the 2 MiB ring alone dropped nothing of %d stalled frames: the test no longer stalls the consumer", count)
				}
				// Nothing to merge: the C loop walks the ring.
				if inC, inGo := ringBatches(t, stderr); inC == 0 || inGo != 0 {
					t.Errorf("ring alone: batches in C %d, in Go %d, want all in C", inC, inGo)
				}
				return
			}
			if dropped != 0 {
				t.Errorf("dropped %d", dropped)
			}
			wantSequence(t, got, count, c.even)
			if m == nil {
				t.Fatalf("no overflow report in:\n%s", stderr)
			}
			if n, _ := strconv.Atoi(m[1]); n == 0 {
				t.Errorf("nothing came through the overflow socket: the ring took everything")
			}
			// The merge with the overflow's packets is Go's.
			if _, inGo := ringBatches(t, stderr); inGo == 0 {
				t.Errorf("no batch filled in Go while the overflow socket had packets:\n%s", stderr)
			}
		})
	}
}

// evenOnly is a filter passing the frames with even sequence numbers.
const evenOnly = "udp[8:4] & 1 = 0"

// stalledFrames is stalledRun for count frames, of which only the even
// ones pass tcpdump's filter when even; it skips the test when the kernel
// did not receive them all (a sender backlog: nothing to judge).
func stalledFrames(t *testing.T, bin string, count int, even bool, extra, args []string) ([]uint32, int, string) {
	expect := count
	if even {
		expect = count / 2
	}
	got, dropped, rx, stderr := stalledRun(t, bin, count, expect, extra, args)
	if rx != count {
		t.Skipf("the kernel received only %d of %d frames (sender backlog): cannot judge", rx, count)
	}
	return got, dropped, stderr
}

// wantSequence checks that got holds every one of count frames in order,
// or with even every even one.
func wantSequence(t *testing.T, got []uint32, count int, even bool) {
	t.Helper()
	if !even {
		inOrder(t, got, count)
		return
	}
	inSteps(t, got, count/2, 2)
	if len(got) > 0 && got[0]%2 != 0 {
		t.Errorf("first frame %d: the filter let an odd one through", got[0])
	}
}

// stalledRun starts tcpdump -w into a FIFO the test reads only after the
// burst (of count frames, expect of which pass tcpdump's filter), and
// returns the frames' sequence numbers, what tcpdump reported dropped, the
// frames the device received and tcpdump's stderr.
func stalledRun(t *testing.T, bin string, count, expect int, extra, args []string) ([]uint32, int, int, string) {
	ns := newNS(t)
	dev := devB
	env := []string{"PCAPSHIM_DEBUG=1"}
	for _, e := range extra {
		if e == "ANY=1" {
			dev = "any"
		} else {
			env = append(env, e)
		}
	}
	f := startFIFO(t, ns, dev, env, args)
	rx0 := rxPackets(t, ns, devB)
	sendFrames(t, ns, bin, strconv.Itoa(count), "1514")
	rx := rxPackets(t, ns, devB) - rx0
	time.Sleep(200 * time.Millisecond) // the stall goes on a little

	f.drain()
	f.settle(rx * expect / count)
	res := f.stop()
	c, recv, d, ok := stats(res.stderr)
	if res.timedOut || !ok {
		t.Fatalf("tcpdump did not end with statistics:\n%s", res.stderr)
	}
	// ps_recv counts both sockets of the group.
	if recv != c+d {
		t.Errorf("%d received by filter, want %d captured + %d dropped", recv, c, d)
	}
	return seqs(t, f.file), d, rx, res.stderr
}

// rss is a process's resident set in bytes.
func rss(t testing.TB, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	t.Fatalf("no VmRSS for %d", pid)
	return 0
}

// TestElasticIdleMemory: an idle tcpdump -i costs through pcapshim at most
// 5 MB more resident memory than through libpcap (the old 32 MiB default
// ring cost 34), its ring (mapped whole, hence resident) included: 3 MiB
// against libpcap's 2.
func TestElasticIdleMemory(t *testing.T) {
	needLive(t)
	t.Setenv(bufferEnv, "")
	got := map[testutil.Env]int64{}
	for _, lib := range []testutil.Env{testutil.System, testutil.Ours} {
		ns := newNS(t)
		p := start(t, ns, lib, listening, "tcpdump", "-i", devB, "-w", filepath.Join(t.TempDir(), "x.pcap"))
		p.waitReady(t, 10*time.Second)
		want := int64(2 << 20)
		if lib == testutil.Ours {
			want = 3 << 20 // core/live.ElasticRingSize
		}
		if n := ringSize(t, p); n != want {
			t.Errorf("%v: ring of %d bytes, want %d", lib, n, want)
		}
		got[lib] = rss(t, p.cmd.Process.Pid)
		_ = p.cmd.Process.Signal(syscall.SIGINT)
		p.wait(10 * time.Second)
	}
	t.Logf("idle tcpdump resident: system libpcap %d kB, pcapshim %d kB", got[testutil.System]>>10, got[testutil.Ours]>>10)
	if d := got[testutil.Ours] - got[testutil.System]; d > 5<<20 {
		t.Errorf("pcapshim costs %d kB more than libpcap (at most 5 MB)", d>>10)
	}
}
