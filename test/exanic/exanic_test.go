package exanic

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/exanic"
	"github.com/pcapshim/pcapshim/test/testutil"
)

// Simulated port names: not names a host is likely to have.
const (
	port0 = "exsim0"
	port1 = "exsim1"
)

func newSim(t testing.TB, cfg exanic.SimConfig) (string, *exanic.SimCard) {
	t.Helper()
	dir := t.TempDir()
	if cfg.Ports == nil {
		cfg.Ports = []exanic.SimPort{{Name: port0, IP: "10.0.0.1/24"}, {Name: port1, NoLink: true}}
	}
	c, err := exanic.CreateSim(dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return dir, c
}

func tcpdump(t testing.TB) string { return testutil.Need(t, "tcpdump", "tcpdump") }

func TestListsSimulatedPorts(t *testing.T) {
	dir, _ := newSim(t, exanic.SimConfig{})
	r := testutil.Run(t, testutil.Ours, nil, 20*time.Second, []string{exanic.SimEnv + "=" + dir},
		tcpdump(t), "-D")
	if r.Exit != 0 {
		t.Fatalf("tcpdump -D: exit %d: %s", r.Exit, r.Stderr)
	}
	out := string(r.Stdout)
	for _, want := range []string{
		port0 + " (ExaNIC X10 exanic0:0, 10Gbps, link up (kernel bypass)) [Up, Running, Connected]",
		port1 + " (ExaNIC X10 exanic0:1, 10Gbps, link down (kernel bypass)) [Up, Disconnected]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("tcpdump -D lacks %q:\n%s", want, out)
		}
	}
	// Without the simulator they are gone.
	r = testutil.Run(t, testutil.Ours, nil, 20*time.Second, nil, tcpdump(t), "-D")
	if strings.Contains(string(r.Stdout), port0) {
		t.Errorf("simulated port listed without %s", exanic.SimEnv)
	}
}

func TestDebugReport(t *testing.T) {
	dir, _ := newSim(t, exanic.SimConfig{})
	r := testutil.Run(t, testutil.Ours, nil, 20*time.Second,
		[]string{exanic.SimEnv + "=" + dir, "TCPDUMP_DEBUG=1"}, tcpdump(t), "-i", port0, "-d", "ip")
	if r.Exit != 0 {
		t.Fatalf("exit %d: %s", r.Exit, r.Stderr)
	}
	lines := strings.Split(string(r.Stderr), "\n")
	want := []string{
		"exa_create: Found 2 ExaNIC ports total",
		"1) " + port0 + " IP 10.0.0.1 Netmask 255.255.255.0 [10Gbps] [LINKUP]",
		"2) " + port1 + " IP 0.0.0.0 Netmask 0.0.0.0 [10Gbps] [LINKDOWN]",
	}
	if len(lines) < 4 {
		t.Fatalf("stderr:\n%s", r.Stderr)
	}
	for i, w := range want {
		if lines[i] != w {
			t.Errorf("line %d: %q, want %q", i+1, lines[i], w)
		}
	}
	if !strings.HasPrefix(lines[3], "exanic: capturing on exanic0:0 ("+port0+") by kernel bypass") {
		t.Errorf("no source line: %q", lines[3])
	}
	if !bytes.Contains(r.Stdout, []byte("ret      #262144")) {
		t.Errorf("no filter program:\n%s", r.Stdout)
	}
}

// proc is a host program started in the background.
type proc struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	stderr bytes.Buffer
	stdout bytes.Buffer
	done   chan struct{}
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func start(t testing.TB, env []string, argv ...string) *proc {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	p := &proc{done: make(chan struct{})}
	p.cmd = exec.CommandContext(ctx, argv[0], argv[1:]...)
	p.cmd.Env = append(os.Environ(), "LD_LIBRARY_PATH="+testutil.LibDir(t))
	p.cmd.Env = append(p.cmd.Env, env...)
	p.cmd.Stderr = lockedWriter{&p.mu, &p.stderr}
	p.cmd.Stdout = lockedWriter{&p.mu, &p.stdout}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

func (p *proc) errText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// waitFor waits (bounded) until stderr contains s.
func (p *proc) waitFor(t testing.TB, s string) {
	t.Helper()
	for i := 0; i < 400; i++ {
		if strings.Contains(p.errText(), s) {
			return
		}
		select {
		case <-p.done:
			if strings.Contains(p.errText(), s) {
				return
			}
			t.Fatalf("exited before %q: %s", s, p.errText())
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("no %q within 20 s: %s", s, p.errText())
}

func (p *proc) wait(t testing.TB) {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("did not finish: %s", p.errText())
	}
}

// record is one pcap record.
type record struct {
	sec, frac uint32
	caplen    uint32
	wire      uint32
	data      []byte
}

func readPcap(t *testing.T, path string) (nano bool, recs []record) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 24 {
		t.Fatalf("%s: %d bytes", path, len(b))
	}
	switch binary.LittleEndian.Uint32(b) {
	case 0xA1B2C3D4:
	case 0xA1B23C4D:
		nano = true
	default:
		t.Fatalf("%s: not a little-endian pcap file", path)
	}
	for off := 24; off+16 <= len(b); {
		r := record{sec: binary.LittleEndian.Uint32(b[off:]), frac: binary.LittleEndian.Uint32(b[off+4:]),
			caplen: binary.LittleEndian.Uint32(b[off+8:]), wire: binary.LittleEndian.Uint32(b[off+12:])}
		off += 16
		if off+int(r.caplen) > len(b) {
			t.Fatalf("%s: truncated record", path)
		}
		r.data = b[off : off+int(r.caplen)]
		off += int(r.caplen)
		recs = append(recs, r)
	}
	return nano, recs
}

// frame is test frame seq of n bytes: broadcast Ethernet, a local
// ethertype, the sequence number, a pattern.
func frame(seq, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(seq*7 + i*13)
	}
	copy(b, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 1, 0x88, 0xb5})
	binary.BigEndian.PutUint32(b[14:], uint32(seq))
	return b
}

func sizeOf(i int) int { return []int{60, 64, 119, 120, 121, 500, 1514, 9000, 1000, 240}[i%10] }

// Every frame arrives intact and in order, with the card's time stamps.
func TestCaptureIntactWithAdapterTimestamps(t *testing.T) {
	const hz = 322265625 // an odd tick rate
	dir, c := newSim(t, exanic.SimConfig{TickHz: hz, HWTimeHi: true})
	out := filepath.Join(t.TempDir(), "out.pcap")
	const n = 600 // ~12000 chunks: under one ring, so nothing can be lapped
	p := start(t, []string{exanic.SimEnv + "=" + dir}, tcpdump(t), "-i", port0, "-c", "600",
		"-j", "adapter_unsynced", "--time-stamp-precision=nano", "-w", out)
	p.waitFor(t, "listening on "+port0)
	w := c.Port(0)
	base := uint64(1700000000) * hz
	var stamps []uint64
	for i := 0; i < n; i++ {
		tick := base + uint64(i)*hz/1000 + uint64(i%7)
		c.SetTime(tick)
		stamps = append(stamps, tick)
		w.Send(exanic.WithFCS(frame(i, sizeOf(i))), exanic.StatusOK)
	}
	p.wait(t)
	if !strings.Contains(p.errText(), "600 packets captured") || !strings.Contains(p.errText(), "0 packets dropped by kernel") {
		t.Errorf("tcpdump's summary: %s", p.errText())
	}
	nano, recs := readPcap(t, out)
	if !nano {
		t.Fatal("not a nanosecond capture")
	}
	if len(recs) != n {
		t.Fatalf("%d records, want %d", len(recs), n)
	}
	for i, r := range recs {
		f := frame(i, sizeOf(i))
		if r.wire != uint32(len(f)) || !bytes.Equal(r.data, f) {
			t.Fatalf("record %d: len %d caplen %d, want %d bytes intact", i, r.wire, r.caplen, len(f))
		}
		tick := stamps[i]
		wantSec, wantNs := uint32(tick/hz), uint32(tick%hz*1e9/hz)
		if r.sec != wantSec || r.frac != wantNs {
			t.Fatalf("record %d: time %d.%09d, want %d.%09d", i, r.sec, r.frac, wantSec, wantNs)
		}
	}
}

// Host time stamps by default; text output through -nn -e.
func TestCaptureHostTimeText(t *testing.T) {
	dir, c := newSim(t, exanic.SimConfig{})
	p := start(t, []string{exanic.SimEnv + "=" + dir}, tcpdump(t), "-i", port0, "-c", "20", "-nn", "-e", "--time-stamp-precision=nano", "-tt")
	p.waitFor(t, "listening on "+port0)
	before := time.Now().UnixNano()
	for i := 0; i < 20; i++ {
		c.Port(0).Send(exanic.WithFCS(frame(i, 100)), exanic.StatusOK)
	}
	p.wait(t)
	after := time.Now().UnixNano()
	sc := bufio.NewScanner(bytes.NewReader(p.stdout.Bytes()))
	lines := 0
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, "\t") {
			continue // hex dump of the unknown ethertype's payload
		}
		f := strings.Fields(l)
		if len(f) < 3 || f[1] != "02:00:00:00:00:01" || f[3] != "ff:ff:ff:ff:ff:ff," {
			t.Fatalf("line %q", l)
		}
		sec, ns, _ := strings.Cut(f[0], ".")
		var ts int64
		for _, ch := range sec + ns {
			ts = ts*10 + int64(ch-'0')
		}
		if ts < before || ts > after {
			t.Fatalf("host time stamp %d outside [%d, %d]", ts, before, after)
		}
		if !strings.Contains(l, "length 100") { // 104 bytes on the card, FCS included
			t.Fatalf("FCS not stripped: %q", l)
		}
		lines++
	}
	if lines != 20 {
		t.Fatalf("%d lines:\n%s", lines, p.stdout.String())
	}
}

// A reader the card laps (tcpdump stopped while the card writes) reports
// the loss in ps_drop, bad frames are not delivered, a hardware overflow
// shows as ps_ifdrop, and capture goes on.
func TestLossReportedHonestly(t *testing.T) {
	dir, c := newSim(t, exanic.SimConfig{})
	out := filepath.Join(t.TempDir(), "out.pcap")
	p := start(t, []string{exanic.SimEnv + "=" + dir}, tcpdump(t), "-i", port0, "-U", "-w", out)
	p.waitFor(t, "listening on "+port0)
	w := c.Port(0)
	w.Send(exanic.WithFCS(frame(1, 200)), exanic.StatusOK)
	w.Send(exanic.WithFCS(frame(2, 200)), exanic.StatusCorrupt)
	w.Send(exanic.WithFCS(frame(3, 200)), exanic.StatusHWOvfl)
	w.Send(exanic.WithFCS(frame(4, 200)), exanic.StatusOK)
	waitRecords(t, out, 2)
	// Stop tcpdump (reader included) and write three laps of 2-chunk frames.
	if err := p.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	const lapFrames = 3 * exanic.RingChunks / 2
	for i := 0; i < lapFrames; i++ {
		w.Send(exanic.WithFCS(frame(1000+i, 200)), exanic.StatusOK)
	}
	p.cmd.Process.Signal(syscall.SIGCONT)
	// Markers until some reach the file: the reader resumes at the newest
	// frame boundary, so markers written before it ran are lost too.
	markers := 0
	for markers < 200 {
		w.Send(exanic.WithFCS(frame(5+markers, 300)), exanic.StatusOK)
		markers++
		time.Sleep(20 * time.Millisecond)
		if _, recs := readPcap(t, out); len(recs) > 2 && len(recs[len(recs)-1].data) == 300 {
			break
		}
	}
	for i := 0; i < 5; i++ {
		w.Send(exanic.WithFCS(frame(5+markers, 300)), exanic.StatusOK)
		markers++
	}
	waitRecordsWhere(t, out, func(r []record) bool { return bytes.Equal(r[len(r)-1].data, frame(5+markers-1, 300)) })
	p.cmd.Process.Signal(syscall.SIGINT)
	p.wait(t)
	text := p.errText()
	var recv, drop, ifdrop int
	for _, l := range strings.Split(text, "\n") {
		var v int
		if n, err := fmt.Sscanf(l, "%d", &v); err != nil || n != 1 {
			continue
		}
		switch rest := strings.TrimPrefix(strings.SplitN(l, " ", 2)[1], "packets "); {
		case strings.HasPrefix(rest, "packet "):
			rest = strings.TrimPrefix(rest, "packet ")
			fallthrough
		default:
			switch rest {
			case "received by filter":
				recv = v
			case "dropped by kernel":
				drop = v
			case "dropped by interface":
				ifdrop = v
			}
		}
	}
	_, recs := readPcap(t, out)
	if ifdrop != 1 {
		t.Errorf("ps_ifdrop %d, want 1 (one hardware overflow): %s", ifdrop, text)
	}
	if drop < exanic.RingChunks/2 {
		t.Errorf("ps_drop %d: the card lapped the stopped reader by at least a ring (%d frames): %s", drop, exanic.RingChunks/2, text)
	}
	if recv != drop+len(recs) {
		t.Errorf("ps_recv %d != ps_drop %d + captured %d", recv, drop, len(recs))
	}
	if len(recs) < 8 || !bytes.Equal(recs[0].data, frame(1, 200)) || !bytes.Equal(recs[1].data, frame(4, 200)) {
		t.Fatalf("%d records; the first two should be frames 1 and 4", len(recs))
	}
	// After the lap: lap frames (200 bytes) the catch-up kept, then the
	// markers that followed, consecutive and intact up to the last.
	k := len(recs) - 1
	for m := markers - 1; k >= 2 && len(recs[k].data) == 300; k, m = k-1, m-1 {
		if !bytes.Equal(recs[k].data, frame(5+m, 300)) {
			t.Fatalf("record %d: not marker %d intact", k, m)
		}
	}
	if len(recs)-1-k < 5 {
		t.Fatalf("only %d markers after the lap", len(recs)-1-k)
	}
	for _, r := range recs[2 : k+1] {
		if len(r.data) != 200 {
			t.Fatalf("a torn frame (%d bytes) was delivered", len(r.data))
		}
	}
}

// waitRecords waits (bounded) until the file has n records.
func waitRecords(t *testing.T, path string, n int) {
	t.Helper()
	waitRecordsWhere(t, path, func(r []record) bool { return len(r) >= n })
}

func waitRecordsWhere(t *testing.T, path string, ok func([]record) bool) {
	t.Helper()
	for k := 0; k < 400; k++ {
		if st, err := os.Stat(path); err == nil && st.Size() >= 24 {
			if _, recs := readPcap(t, path); len(recs) > 0 && ok(recs) {
				return
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("%s: records never arrived", path)
}
