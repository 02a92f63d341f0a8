package live

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// The recvmmsg receive path (core/live/mmsg.go): where the kernel refuses
// PACKET_VERSION / PACKET_RX_RING, or with PCAPSHIM_AF_PACKET_MODE=recvmmsg,
// pcapshim reads the socket with recvmmsg and hosts must see what the
// system libpcap shows with its ring.

const modeEnv = "PCAPSHIM_AF_PACKET_MODE"

// forcedTests are the comparisons re-run with the recvmmsg path forced:
// every differential test of the package that does not choose the mode
// itself. The ring's buffering (block timeout) and its filter-change
// behaviour (the block in use is filtered in userspace) are reproduced on
// that path, so the outputs, statistics included, are the ring's.
var forcedTests = []string{"TestEthernet", "TestCount", "TestSnaplen", "TestVLAN", "TestAny",
	"TestLoopback", "TestBreakloop", "TestErrors", "TestNextEx", "TestSIGUSR1", "TestNano",
	"TestFilter", "TestFilterVLAN", "TestFilterDirection", "TestCompileLive",
	"TestFilterKernelRefuses", "TestFilterTooComplex", "TestFilterSwap", "TestTstampTypes",
	"TestBurst"}

// TestRecvmmsgForced re-runs the main comparisons in a child test process
// whose environment forces the recvmmsg path (the system libpcap ignores
// the variable, so it keeps its ring and stays the reference).
func TestRecvmmsgForced(t *testing.T) {
	if os.Getenv(modeEnv) != "" {
		t.Skip("already the forced-mode child")
	}
	needLive(t)
	pattern := "^(" + strings.Join(forcedTests, "|") + ")$"
	cmd := exec.Command(os.Args[0], "-test.run", pattern, "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), modeEnv+"=recvmmsg")
	out, err := cmd.CombinedOutput()
	text := string(out)
	if err != nil {
		t.Fatalf("forced recvmmsg run failed: %v\n%s", err, text)
	}
	for _, name := range forcedTests {
		if !strings.Contains(text, "--- PASS: "+name+" ") {
			t.Errorf("forced recvmmsg run: %s did not pass:\n%s", name, text)
		}
	}
	t.Logf("forced recvmmsg run: %d tests and subtests passed", strings.Count(text, "--- PASS"))
}

// ringMapped says whether the running tcpdump has a packet ring mapped
// (a shared mapping of a socket in /proc/PID/maps).
func ringMapped(t *testing.T, p *proc) bool {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(p.cmd.Process.Pid) + "/maps")
	if err != nil {
		t.Fatalf("reading tcpdump's maps: %v", err)
	}
	return strings.Contains(string(b), "socket:[")
}

// TestRecvmmsgSelected: the variable really selects the path (no ring
// mapped), and without it the ring is used; an unknown value fails
// activation with a message naming the variable.
func TestRecvmmsgSelected(t *testing.T) {
	needLive(t)
	for _, c := range []struct {
		mode string
		ring bool
	}{{"", true}, {"ring", true}, {"recvmmsg", false}} {
		t.Setenv(modeEnv, c.mode)
		sc := scenario{
			argv:   tcpdump("-i", devB, "-c", "1"),
			marker: listening,
			act: func(t *testing.T, ns string, p *proc) {
				if got := ringMapped(t, p); got != c.ring {
					t.Errorf("%s=%q: ring mapped %v, want %v", modeEnv, c.mode, got, c.ring)
				}
				send(t, ns, devA, mixed()[:1])
			},
		}
		if r := sc.run(t, testutil.Ours); r.exit != 0 || strings.Count(r.stdout, "\n") != 1 {
			t.Errorf("%s=%q: exit %d\n%s%s", modeEnv, c.mode, r.exit, r.stdout, r.stderr)
		}
	}
	t.Setenv(modeEnv, "bogus")
	r := scenario{argv: tcpdump("-i", devB, "-c", "1")}.run(t, testutil.Ours)
	if r.exit == 0 || !strings.Contains(r.stderr, modeEnv+`="bogus"`) {
		t.Errorf("bogus mode: exit %d, stderr:\n%s", r.exit, r.stderr)
	}
}

// noring builds testdata/noring.c: it runs a program where setsockopt
// PACKET_VERSION and PACKET_RX_RING fail with ENOPROTOOPT (seccomp), as
// under qemu-user or gVisor.
func noring(t *testing.T) string {
	t.Helper()
	src := filepath.Join(testutil.Root(t), "test", "live", "testdata", "noring.c")
	return testutil.BuildC(t, "noring", []string{src}, "-Wextra", "-Werror")
}

// TestNoRing: with the ring refused, the system libpcap cannot capture
// (logged, not asserted: a libpcap with a fallback would be fine), and
// pcapshim captures through recvmmsg exactly what the system libpcap shows
// with its ring: frames, lengths, VLAN tags, statistics.
func TestNoRing(t *testing.T) {
	needLive(t)
	bin := noring(t)
	f := append(mixed(), vlanFrames()...)
	n := strconv.Itoa(len(f))
	for _, c := range []struct {
		name string
		args []string
	}{
		{"ethernet", []string{"-i", devB, "-c", n, "-e", "-x"}},
		{"snaplen", []string{"-i", devB, "-c", n, "-s", "60", "-e", "-x"}},
		// Immediate mode asks for TPACKET_V2: refused the same way.
		{"immediate", []string{"--immediate-mode", "-i", devB, "-c", n, "-e", "-x"}},
		{"any-sll", []string{"-i", "any", "-y", "LINUX_SLL", "-c", strconv.Itoa(2 * len(f)), "-e", "-x"}},
		{"any-filter", []string{"-i", "any", "-e", "udp"}}, // ended by SIGINT
	} {
		t.Run(c.name, func(t *testing.T) {
			sc := scenario{argv: tcpdump(c.args...), marker: listening, act: sender(devA, f)}
			if c.args[len(c.args)-2] == "-e" {
				sc.act = settle(devA, f)
			}
			sys := sc.run(t, testutil.System)
			if sys.timedOut {
				t.Fatalf("system libpcap timed out:\n%s%s", sys.stdout, sys.stderr)
			}
			refused := scenario{argv: append([]string{bin}, tcpdump(c.args...)...)}.run(t, testutil.System)
			t.Logf("system libpcap without a ring: exit %d: %s", refused.exit, strings.TrimSpace(refused.stderr))
			sc.argv = append([]string{bin}, sc.argv...)
			ours := sc.run(t, testutil.Ours)
			if ours.timedOut {
				t.Fatalf("pcapshim without a ring timed out:\n%s%s", ours.stdout, ours.stderr)
			}
			if sys.stdout != ours.stdout {
				t.Errorf("stdout differs\n--- system libpcap (ring):\n%s--- pcapshim (recvmmsg):\n%s", sys.stdout, ours.stdout)
			}
			if sys.stderr != ours.stderr {
				t.Errorf("stderr differs\n--- system libpcap (ring):\n%s--- pcapshim (recvmmsg):\n%s", sys.stderr, ours.stderr)
			}
			if sys.exit != ours.exit {
				t.Errorf("exit: system %d, pcapshim %d", sys.exit, ours.exit)
			}
		})
	}
}
