package live

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// Inside every namespace: veth pair A <-> B, both up, no addresses and IPv6
// off, so the kernel itself sends nothing: only the test's frames appear.
const (
	devA = "pa"
	devB = "pb"
)

var nsCount atomic.Int64

// needLive skips unless the tests can create namespaces.
func needLive(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("live capture tests need root (network namespaces, AF_PACKET sockets): run go test ./test/live as root")
	}
	if out, err := exec.Command("ip", "netns", "list").CombinedOutput(); err != nil {
		t.Skipf("ip netns unavailable (%v: %s): install iproute2", err, bytes.TrimSpace(out))
	}
	testutil.Need(t, "tcpdump", "tcpdump")
	testutil.LibDir(t)
	testutil.SystemLib(t)
}

func sh(t testing.TB, argv ...string) {
	t.Helper()
	if out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
}

// newNS creates a namespace with the veth pair; it is deleted when the test
// ends, whatever the outcome.
func newNS(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("pcapshim-live-%d-%d", os.Getpid(), nsCount.Add(1))
	sh(t, "ip", "netns", "add", name)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", name).Run() })
	for _, k := range []string{"all", "default"} {
		sh(t, "ip", "netns", "exec", name, "sh", "-c",
			"echo 1 > /proc/sys/net/ipv6/conf/"+k+"/disable_ipv6")
	}
	sh(t, "ip", "-n", name, "link", "add", devA, "type", "veth", "peer", "name", devB)
	for _, d := range []string{devA, devB, "lo"} {
		sh(t, "ip", "-n", name, "link", "set", d, "up")
	}
	return name
}

// env is the environment for a run against lib.
func env(t testing.TB, lib testutil.Env) []string {
	var e []string
	for _, v := range os.Environ() {
		if !strings.HasPrefix(v, "LD_LIBRARY_PATH=") && !strings.HasPrefix(v, "LD_PRELOAD=") {
			e = append(e, v)
		}
	}
	if lib == testutil.Ours {
		e = append(e, "LD_LIBRARY_PATH="+testutil.LibDir(t))
	}
	return e
}

// proc is a program running inside a namespace.
type proc struct {
	cmd    *exec.Cmd
	stdout lockedBuffer
	mu     sync.Mutex
	stderr bytes.Buffer
	marker string
	ready  chan struct{}
	done   chan struct{}
	once   sync.Once
}

// lockedBuffer is a bytes.Buffer safe to read while the program writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(b)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// waitLines waits up to d until stdout holds n lines.
func (p *proc) waitLines(t *testing.T, n int, d time.Duration) {
	t.Helper()
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if strings.Count(p.stdout.String(), "\n") >= n {
			return
		}
	}
	t.Fatalf("%v: no %d lines on stdout within %v:\n%s", p.cmd.Args, n, d, p.stdout.String())
}

func (p *proc) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stderr.Write(b)
	if p.marker != "" && strings.Contains(p.stderr.String(), p.marker) {
		p.once.Do(func() { close(p.ready) })
	}
	return len(b), nil
}

func start(t testing.TB, ns string, lib testutil.Env, marker string, argv ...string) *proc {
	t.Helper()
	return startEnv(t, ns, lib, nil, marker, argv...)
}

// startEnv is start with extra environment entries.
func startEnv(t testing.TB, ns string, lib testutil.Env, extra []string, marker string, argv ...string) *proc {
	t.Helper()
	p := &proc{marker: marker, ready: make(chan struct{}), done: make(chan struct{})}
	p.cmd = exec.Command("ip", append([]string{"netns", "exec", ns}, argv...)...)
	p.cmd.Env = append(env(t, lib), extra...)
	p.cmd.Stdout = &p.stdout
	p.cmd.Stderr = p
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting %v: %v", argv, err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// waitReady waits until the marker appeared on stderr.
func (p *proc) waitReady(t testing.TB, d time.Duration) {
	t.Helper()
	select {
	case <-p.ready:
	case <-p.done:
		t.Fatalf("%v exited before printing %q:\n%s", p.cmd.Args, p.marker, p.errText())
	case <-time.After(d):
		t.Fatalf("%v did not print %q within %v:\n%s", p.cmd.Args, p.marker, d, p.errText())
	}
}

func (p *proc) errText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// result is what a run did.
type result struct {
	stdout, stderr string
	exit           int
	timedOut       bool
	elapsed        time.Duration
}

// wait waits up to d for the exit, killing the program after that.
func (p *proc) wait(d time.Duration) result {
	t0 := time.Now()
	var r result
	select {
	case <-p.done:
	case <-time.After(d):
		r.timedOut = true
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	r.elapsed = time.Since(t0)
	r.stdout = p.stdout.String()
	r.stderr = p.errText()
	r.exit = p.cmd.ProcessState.ExitCode()
	if ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		r.exit = 128 + int(ws.Signal())
	}
	return r
}

// scenario is one differential run: argv runs inside a fresh namespace;
// once marker shows on stderr, act drives it (sends frames, signals...).
type scenario struct {
	argv    []string
	marker  string // "" = no waiting, no act
	act     func(t *testing.T, ns string, p *proc)
	timeout time.Duration // for the whole run; default 10 s
	setup   func(t *testing.T, ns string)
	// stdoutOnly: stderr is not compared (known difference, see caller).
	stdoutOnly bool
	// outMarker: wait for this on stdout instead of marker on stderr.
	outMarker string
	// Every run is proved: the dynamic loader's log (LD_DEBUG_OUTPUT, not
	// on the program's stdout/stderr) must show that a process of the run
	// loaded the library under test and none loaded the other one.
	// unproved turns that off, for programs that change user (the log
	// file, created by root, is not theirs to write): say how else the
	// library is proved.
	unproved bool
	// ring: before act, also wait until a process of the run has mapped a
	// packet ring (the capture is open: frames sent from then on are
	// kept), for programs that print their banner before opening it.
	ring bool
	// filter rewrites stdout and stderr before the comparison (drops
	// lines that legitimately differ between runs: dates, durations).
	filter func(string) string
}

func (sc scenario) run(t *testing.T, lib testutil.Env) result {
	t.Helper()
	ns := newNS(t)
	if sc.setup != nil {
		sc.setup(t, ns)
	}
	timeout := sc.timeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	var extra []string
	var ldlog string
	if !sc.unproved {
		ldlog = t.TempDir()
		// Writable for programs that drop privileges.
		_ = os.Chmod(filepath.Dir(ldlog), 0o755)
		_ = os.Chmod(ldlog, 0o777)
		extra = []string{"LD_DEBUG=libs", "LD_DEBUG_OUTPUT=" + filepath.Join(ldlog, "ld")}
	}
	p := startEnv(t, ns, lib, extra, sc.marker, sc.argv...)
	switch {
	case sc.outMarker != "":
		p.waitStdout(t, sc.outMarker, 5*time.Second)
	case sc.marker != "":
		p.waitReady(t, 5*time.Second)
	}
	if sc.ring {
		p.waitRing(t, 5*time.Second)
	}
	if (sc.marker != "" || sc.outMarker != "" || sc.ring) && sc.act != nil {
		sc.act(t, ns, p)
	}
	r := p.wait(timeout)
	if !sc.unproved {
		proveLoaded(t, ldlog, lib)
	}
	if sc.filter != nil {
		r.stdout, r.stderr = sc.filter(r.stdout), sc.filter(r.stderr)
	}
	return r
}

// waitStdout waits up to d until marker shows on stdout.
func (p *proc) waitStdout(t *testing.T, marker string, d time.Duration) {
	t.Helper()
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if strings.Contains(p.stdout.String(), marker) {
			return
		}
		select {
		case <-p.done:
			t.Fatalf("%v exited before printing %q:\n%s%s", p.cmd.Args, marker, p.stdout.String(), p.errText())
		default:
		}
	}
	t.Fatalf("%v did not print %q within %v:\n%s%s", p.cmd.Args, marker, d, p.stdout.String(), p.errText())
}

// waitRing waits up to d until the program or one of its descendants has a
// packet socket's ring mapped, then a little longer for it to finish
// setting up (filters attached to a ring already mapped lose nothing).
func (p *proc) waitRing(t *testing.T, d time.Duration) {
	t.Helper()
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		for _, pid := range descendants(p.cmd.Process.Pid) {
			if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/maps", pid)); err == nil && bytes.Contains(b, []byte(" socket:[")) {
				time.Sleep(300 * time.Millisecond)
				return
			}
		}
		select {
		case <-p.done:
			t.Fatalf("%v exited before mapping a capture ring:\n%s%s", p.cmd.Args, p.stdout.String(), p.errText())
		default:
		}
	}
	t.Fatalf("%v mapped no capture ring within %v:\n%s%s", p.cmd.Args, d, p.stdout.String(), p.errText())
}

// descendants is pid and all its descendants (bounded).
func descendants(pid int) []int {
	out := []int{pid}
	for i := 0; i < len(out) && len(out) < 64; i++ {
		tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", out[i]))
		for _, f := range tasks {
			b, _ := os.ReadFile(f)
			for _, w := range strings.Fields(string(b)) {
				var c int
				if _, err := fmt.Sscan(w, &c); err == nil {
					out = append(out, c)
				}
			}
		}
	}
	return out
}

// proveLoaded reads the loader logs in dir (one file per process) and
// requires that libpcap was loaded from the library under test by at least
// one process, and from the other library by none: a differential run
// proves nothing if both runs used the same library.
func proveLoaded(t *testing.T, dir string, lib testutil.Env) {
	t.Helper()
	ours := filepath.Join(testutil.LibDir(t), "libpcap.so")
	// The loader may name the system library by /lib or /usr/lib.
	sys := "/" + filepath.Base(filepath.Dir(testutil.SystemLib(t))) + "/libpcap.so"
	want, other := sys, ours
	if lib == testutil.Ours {
		want, other = ours, sys
	}
	logs, _ := filepath.Glob(filepath.Join(dir, "ld.*"))
	found := false
	for _, f := range logs {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			if !strings.Contains(l, "calling init: ") {
				continue
			}
			if strings.Contains(l, want) {
				found = true
			}
			if strings.Contains(l, other) {
				t.Errorf("loader log %s: a process loaded the wrong libpcap: %s", filepath.Base(f), strings.TrimSpace(l))
			}
		}
	}
	if !found {
		t.Errorf("no process loaded %s* (%d loader logs): the run did not use the library under test; "+
			"is the program setuid or does it have file capabilities (getcap)?", want, len(logs))
	}
}

// compare runs sc with the system libpcap and with ours and requires the
// same stdout, stderr and exit status. It returns our result.
func compare(t *testing.T, sc scenario) result {
	t.Helper()
	sys := sc.run(t, testutil.System)
	if sys.timedOut {
		t.Fatalf("system libpcap run timed out:\nstdout:\n%s\nstderr:\n%s", sys.stdout, sys.stderr)
	}
	ours := sc.run(t, testutil.Ours)
	if ours.timedOut {
		t.Fatalf("run with pcapshim timed out (system run took %v):\nstdout:\n%s\nstderr:\n%s",
			sys.elapsed, ours.stdout, ours.stderr)
	}
	sameResults(t, sc, sys, ours)
	return ours
}

// sameResults reports where the two libraries' runs differ: stdout,
// stderr (unless the scenario compares stdout only), exit status.
func sameResults(t *testing.T, sc scenario, sys, ours result) {
	t.Helper()
	if sys.stdout != ours.stdout {
		t.Errorf("stdout differs\n--- system libpcap:\n%s--- pcapshim:\n%s", sys.stdout, ours.stdout)
	}
	if !sc.stdoutOnly && sys.stderr != ours.stderr {
		t.Errorf("stderr differs\n--- system libpcap:\n%s--- pcapshim:\n%s", sys.stderr, ours.stderr)
	}
	if sys.exit != ours.exit {
		t.Errorf("exit status: system libpcap %d, pcapshim %d", sys.exit, ours.exit)
	}
}

// downUpSend is an act that takes dev down and up again, then sends
// frames on dev's peer devA.
func downUpSend(dev string, frames [][]byte) func(*testing.T, string, *proc) {
	return func(t *testing.T, ns string, _ *proc) {
		sh(t, "ip", "-n", ns, "link", "set", dev, "down")
		time.Sleep(100 * time.Millisecond)
		sh(t, "ip", "-n", ns, "link", "set", dev, "up")
		time.Sleep(100 * time.Millisecond)
		send(t, ns, devA, frames)
	}
}

// --- frames ---

var (
	macDst   = []byte{0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee} // unicast, nobody's
	macBcast = []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	macSrc   = []byte{0x02, 0x11, 0x22, 0x33, 0x44, 0x55}
)

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func u16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }

func eth(dst []byte, typ uint16, payload ...[]byte) []byte {
	return cat(dst, macSrc, u16(typ), cat(payload...))
}

func csum(b []byte) uint16 {
	var s uint32
	for i := 0; i+1 < len(b); i += 2 {
		s += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)%2 == 1 {
		s += uint32(b[len(b)-1]) << 8
	}
	for s > 0xffff {
		s = s&0xffff + s>>16
	}
	return ^uint16(s)
}

// ipv4 wraps l4 in an IPv4 header 192.0.2.1 -> 192.0.2.2.
func ipv4(proto byte, l4 []byte) []byte {
	h := cat([]byte{0x45, 0}, u16(uint16(20+len(l4))), []byte{0, 1, 0, 0, 64, proto, 0, 0},
		[]byte{192, 0, 2, 1, 192, 0, 2, 2})
	binary.BigEndian.PutUint16(h[10:], csum(h))
	return cat(h, l4)
}

func udp(n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(i)
	}
	return cat(u16(1234), u16(5678), u16(uint16(8+n)), u16(0), p)
}

func tcpSyn() []byte {
	return cat(u16(40000), u16(80), []byte{0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02}, u16(65535), u16(0), u16(0))
}

func icmpEcho() []byte {
	b := cat([]byte{8, 0, 0, 0}, u16(7), u16(1), []byte("pcapshim"))
	binary.BigEndian.PutUint16(b[2:], csum(b))
	return b
}

func arpRequest() []byte {
	return cat(u16(1), u16(0x0800), []byte{6, 4}, u16(1), macSrc, []byte{192, 0, 2, 1},
		make([]byte, 6), []byte{192, 0, 2, 2})
}

// mixed is a set of ordinary frames: UDP, TCP, ICMP, ARP, broadcast, a
// full-size frame.
func mixed() [][]byte {
	return [][]byte{
		eth(macDst, 0x0800, ipv4(17, udp(20))),
		eth(macDst, 0x0800, ipv4(6, tcpSyn())),
		eth(macBcast, 0x0806, arpRequest()),
		eth(macDst, 0x0800, ipv4(1, icmpEcho())),
		eth(macDst, 0x0800, ipv4(17, udp(1472))),
		eth(macBcast, 0x0800, ipv4(17, udp(1))),
	}
}

// vlanFrames: 802.1Q VLAN 100, QinQ (802.1ad 200 over 802.1Q 100), a
// priority-tagged frame (VLAN 0, priority 5) and VLAN 0 priority 0, whose
// TCI is 0 (only the kernel's VLAN-valid bit says a tag was there).
func vlanFrames() [][]byte {
	ip := ipv4(17, udp(10))
	return [][]byte{
		eth(macDst, 0x8100, u16(100), u16(0x0800), ip),
		eth(macDst, 0x88a8, u16(200), u16(0x8100), u16(100), u16(0x0800), ip),
		eth(macDst, 0x8100, u16(5<<13), u16(0x0800), ip),
		eth(macDst, 0x8100, u16(0), u16(0x0800), ip),
	}
}

var (
	senderOnce sync.Once
	senderBin  string
	senderErr  error
)

// send transmits frames on dev inside ns (2 ms apart), bounded in time.
func send(t *testing.T, ns, dev string, frames [][]byte) {
	t.Helper()
	senderOnce.Do(func() {
		dir, err := os.MkdirTemp("", "pcapshim-live-")
		if err != nil {
			senderErr = err
			return
		}
		senderBin = filepath.Join(dir, "sendframes")
		src := filepath.Join(testutil.Root(t), "test", "live", "testdata", "sendframes.c")
		if out, err := exec.Command("gcc", "-O1", "-Wall", "-Wextra", "-Werror", "-o", senderBin, src).CombinedOutput(); err != nil {
			senderErr = fmt.Errorf("gcc sendframes.c: %v\n%s", err, out)
		}
	})
	if senderErr != nil {
		t.Fatal(senderErr)
	}
	var in strings.Builder
	for _, f := range frames {
		in.WriteString(hex.EncodeToString(f))
		in.WriteByte('\n')
	}
	cmd := exec.Command("timeout", "10", "ip", "netns", "exec", ns, senderBin, dev)
	cmd.Stdin = strings.NewReader(in.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sending frames on %s: %v\n%s", dev, err, out)
	}
}

// sender returns an act that sends frames on dev.
func sender(dev string, frames [][]byte) func(*testing.T, string, *proc) {
	return func(t *testing.T, ns string, _ *proc) { send(t, ns, dev, frames) }
}
