package live

import (
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

func TestMain(m *testing.M) {
	code := m.Run()
	if senderBin != "" {
		_ = os.RemoveAll(filepath.Dir(senderBin))
	}
	os.Exit(code)
}

const listening = "listening on"

func tcpdump(args ...string) []string {
	return append([]string{"tcpdump", "-nn", "-t"}, args...)
}

// TestEthernet: N ordinary frames on a veth, tcpdump -c N -e -x; the final
// statistics lines (captured / received by filter / dropped by kernel) are
// part of the compared stderr.
func TestEthernet(t *testing.T) {
	needLive(t)
	f := mixed()
	compare(t, scenario{
		argv:   tcpdump("-i", devB, "-c", strconv.Itoa(len(f)), "-e", "-x"),
		marker: listening,
		act:    sender(devA, f),
	})
}

// TestCount: -c 3 while 6 frames arrive; tcpdump stops after 3 and its
// statistics still count what the kernel received.
func TestCount(t *testing.T) {
	needLive(t)
	compare(t, scenario{
		argv:   tcpdump("-i", devB, "-c", "3", "-e"),
		marker: listening,
		act:    sender(devA, mixed()),
	})
}

// TestSnaplen: -s 64 trims, and the printed lengths show caplen vs len.
func TestSnaplen(t *testing.T) {
	needLive(t)
	f := mixed()
	compare(t, scenario{
		argv:   tcpdump("-i", devB, "-c", strconv.Itoa(len(f)), "-s", "64", "-e", "-x"),
		marker: listening,
		act:    sender(devA, f),
	})
}

// TestVLAN: tags the kernel strips on receive are re-inserted (802.1Q,
// 802.1ad outer tag with its TPID, priority-tagged and TCI-0 frames).
func TestVLAN(t *testing.T) {
	needLive(t)
	f := vlanFrames()
	compare(t, scenario{
		argv:   tcpdump("-i", devB, "-c", strconv.Itoa(len(f)), "-e", "-x"),
		marker: listening,
		act:    sender(devA, f),
	})
}

// TestAny: the "any" device (tcpdump selects LINUX_SLL2: no tag
// re-insertion) sees each frame leave A and arrive on B; and with -y
// LINUX_SLL, where tags are re-inserted into the SLL header.
func TestAny(t *testing.T) {
	needLive(t)
	f := append(mixed()[:3], vlanFrames()[:2]...)
	n := strconv.Itoa(2 * len(f))
	t.Run("sll2", func(t *testing.T) {
		compare(t, scenario{
			argv:   tcpdump("-i", "any", "-c", n, "-e", "-x"),
			marker: listening,
			act:    sender(devA, f),
		})
	})
	t.Run("sll", func(t *testing.T) {
		compare(t, scenario{
			argv:   tcpdump("-i", "any", "-y", "LINUX_SLL", "-c", n, "-e", "-x"),
			marker: listening,
			act:    sender(devA, f),
		})
	})
	// Direction in: only B's incoming copies.
	t.Run("Q-in", func(t *testing.T) {
		compare(t, scenario{
			argv:   tcpdump("-i", "any", "-Q", "in", "-c", strconv.Itoa(len(f)), "-e"),
			marker: listening,
			act:    sender(devA, f),
		})
	})
}

// TestLoopback: on lo each frame is seen once (the outgoing copy dropped).
func TestLoopback(t *testing.T) {
	needLive(t)
	f := mixed()[:4]
	compare(t, scenario{
		argv:   tcpdump("-i", "lo", "-c", strconv.Itoa(len(f)), "-e"),
		marker: listening,
		act:    sender("lo", f),
	})
}

// interrupt returns an act that sends frames, then SIGINT: tcpdump's
// handler calls pcap_breakloop while the reader is blocked in poll.
func interrupt(frames [][]byte) func(*testing.T, string, *proc) {
	return func(t *testing.T, ns string, p *proc) {
		if len(frames) > 0 {
			send(t, ns, devA, frames)
			p.waitLines(t, len(frames), 5*time.Second) // printed (-l)
		} else {
			time.Sleep(200 * time.Millisecond)
		}
		_ = p.cmd.Process.Signal(syscall.SIGINT)
	}
}

// TestBreakloop: SIGINT ends a capture blocked with no traffic, in
// immediate mode and with the default 1 s timeout, promptly and with the
// statistics lines.
func TestBreakloop(t *testing.T) {
	needLive(t)
	for _, c := range []struct {
		name   string
		args   []string
		frames [][]byte
	}{
		{"idle", nil, nil},
		{"idle-immediate", []string{"--immediate-mode"}, nil},
		{"after-traffic", nil, mixed()[:2]},
		{"after-traffic-immediate", []string{"--immediate-mode"}, mixed()[:2]},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := compare(t, scenario{
				argv:    tcpdump(append([]string{"-l", "-i", devB}, c.args...)...),
				marker:  listening,
				act:     interrupt(c.frames),
				timeout: 5 * time.Second,
			})
			if r.elapsed > 2*time.Second {
				t.Errorf("tcpdump took %v to exit after SIGINT", r.elapsed)
			}
		})
	}
}

// TestErrors: activation failures, with libpcap's codes and texts as
// tcpdump prints them.
func TestErrors(t *testing.T) {
	needLive(t)
	t.Run("no-such-device", func(t *testing.T) {
		compare(t, scenario{argv: tcpdump("-i", "nonexist0", "-c", "1")})
	})
	t.Run("name-too-long", func(t *testing.T) {
		compare(t, scenario{argv: tcpdump("-i", strings.Repeat("x", 20), "-c", "1")})
	})
	t.Run("not-up", func(t *testing.T) {
		compare(t, scenario{
			argv:  tcpdump("-i", devB, "-c", "1"),
			setup: func(t *testing.T, ns string) { sh(t, "ip", "-n", ns, "link", "set", devB, "down") },
		})
	})
	t.Run("permission", func(t *testing.T) {
		if _, err := os.Stat("/usr/bin/setpriv"); err != nil {
			t.Skip("setpriv (util-linux) not installed: cannot drop CAP_NET_RAW")
		}
		for _, dev := range []string{devB, "any"} {
			compare(t, scenario{argv: append([]string{"setpriv", "--inh-caps=-net_raw",
				"--bounding-set=-net_raw"}, tcpdump("-i", dev, "-c", "1")...)})
		}
	})
	// The interface is deleted during the capture: "The interface
	// disappeared", and tcpdump exits with its statistics.
	t.Run("disappeared", func(t *testing.T) {
		compare(t, scenario{
			argv:   tcpdump("-i", devB),
			marker: listening,
			act: func(t *testing.T, ns string, _ *proc) {
				time.Sleep(100 * time.Millisecond)
				sh(t, "ip", "-n", ns, "link", "del", devA)
			},
			timeout: 5 * time.Second,
		})
	})
	// Down and up again: the capture goes on and sees the next frames.
	t.Run("down-up", func(t *testing.T) {
		f := mixed()[:2]
		compare(t, scenario{
			argv:   tcpdump("-i", devB, "-c", "2"),
			marker: listening,
			act:    downUpSend(devB, f),
		})
	})
}

// TestNextEx: a C program using pcap_setnonblock, pcap_get_selectable_fd
// with poll(2) and pcap_next_ex; and pcap_loop with timeout 0 broken by
// pcap_breakloop from a SIGALRM handler.
func TestNextEx(t *testing.T) {
	needLive(t)
	src := filepath.Join(testutil.Root(t), "test", "live", "testdata", "nextex.c")
	bin := testutil.BuildC(t, "nextex", []string{src}, "-Wall", "-Wextra", "-Werror", "-lpcap")
	f := append(mixed(), vlanFrames()...)
	t.Run("nonblock-poll", func(t *testing.T) {
		compare(t, scenario{
			argv:   []string{bin, devB, strconv.Itoa(len(f))},
			marker: "ready",
			act:    sender(devA, f),
		})
	})
	t.Run("any", func(t *testing.T) {
		compare(t, scenario{
			argv:   []string{bin, "any", strconv.Itoa(2 * len(f))},
			marker: "ready",
			act:    sender(devA, f),
		})
	})
	t.Run("timeout0-breakloop", func(t *testing.T) {
		r := compare(t, scenario{argv: []string{bin, "-t0", devB}, timeout: 5 * time.Second})
		if !strings.Contains(r.stdout, "loop=-2") {
			t.Errorf("pcap_loop did not return PCAP_ERROR_BREAK:\n%s", r.stdout)
		}
		if r.elapsed > 2*time.Second {
			t.Errorf("breakloop took %v", r.elapsed)
		}
	})
}

// TestSIGUSR1: tcpdump's SIGUSR1 handler calls pcap_stats from the signal
// handler in the middle of a capture.
func TestSIGUSR1(t *testing.T) {
	needLive(t)
	f := mixed()
	compare(t, scenario{
		argv:   tcpdump("-l", "-i", devB, "-c", "3"),
		marker: listening,
		act: func(t *testing.T, ns string, p *proc) {
			send(t, ns, devA, f[:2])
			p.waitLines(t, 2, 5*time.Second) // both delivered
			_ = p.cmd.Process.Signal(syscall.SIGUSR1)
			time.Sleep(200 * time.Millisecond)
			send(t, ns, devA, f[2:3])
		},
	})
}

// TestNano: --time-stamp-precision=nano gives nanosecond stamps of now
// (time stamps differ between runs: compared by form and range only).
func TestNano(t *testing.T) {
	needLive(t)
	stamp := regexp.MustCompile(`^(\d+)\.(\d{9}) IP `)
	for _, lib := range []testutil.Env{testutil.System, testutil.Ours} {
		sc := scenario{
			argv:   []string{"tcpdump", "-nn", "-tt", "-i", devB, "-c", "2", "--time-stamp-precision=nano"},
			marker: listening,
			act:    sender(devA, mixed()[:2]),
		}
		res := sc.run(t, lib)
		lines := strings.Split(strings.TrimSpace(res.stdout), "\n")
		if res.exit != 0 || len(lines) != 2 {
			t.Fatalf("lib %d: exit %d, output:\n%s\n%s", lib, res.exit, res.stdout, res.stderr)
		}
		for _, l := range lines {
			m := stamp.FindStringSubmatch(l)
			if m == nil {
				t.Fatalf("lib %d: no nanosecond time stamp in %q", lib, l)
			}
			sec, _ := strconv.ParseInt(m[1], 10, 64)
			if d := time.Now().Unix() - sec; d < 0 || d > 30 {
				t.Errorf("lib %d: time stamp %s is %d s from now", lib, m[0], d)
			}
		}
	}
}

// TestFilter: a filter expression on a live capture goes to the kernel
// (SO_ATTACH_FILTER), so "received by filter" counts only what it
// accepted: the statistics lines are compared too. On "any" the program is
// rewritten for the cooked socket (payload offsets, protocol and packet type
// from ancillary data; the kernel's packet length excludes the cooked
// header), or, when it reads another SLL field, stays in userspace.
func TestFilter(t *testing.T) {
	needLive(t)
	t.Run("udp", func(t *testing.T) {
		compare(t, scenario{
			argv:   tcpdump("-i", devB, "-c", "2", "-e", "udp"),
			marker: listening,
			act:    sender(devA, mixed()),
		})
	})
	for _, c := range []struct{ name, expr string }{
		{"any-udp", "udp"},
		{"any-greater", "greater 60"},
		{"any-sll-udp", "-y LINUX_SLL udp"},
		{"any-sll-inbound", "-y LINUX_SLL inbound"},
		{"any-sll-userspace", "-y LINUX_SLL link[2:2] == 1 and udp"},
		{"any-sll2-userspace", "link[8:2] == 1 and udp"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel() // each run has its own namespace
			args := []string{"-i", "any"}
			expr := c.expr
			if strings.HasPrefix(expr, "-y ") {
				f := strings.SplitN(expr, " ", 3)
				args, expr = append(args, f[0], f[1]), f[2]
			}
			compare(t, scenario{
				argv:   tcpdump(append(args, "-e", expr)...),
				marker: listening,
				act:    settle(devA, mixed()),
			})
		})
	}
}
