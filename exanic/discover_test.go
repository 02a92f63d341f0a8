package exanic

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/core"
)

func TestResolve(t *testing.T) {
	dir, _ := newSimCard(t, SimConfig{})
	b := &Sim{Dir: dir}
	for _, c := range []struct {
		name string
		dev  string
		port int
		err  error
	}{
		{"exa0", "exanic0", 0, nil},
		{"exa1", "exanic0", 1, nil},
		{"exanic0:1", "exanic0", 1, nil},
		{"/dev/exanic3:2", "exanic3", 2, nil},
		{"lo", "", 0, ErrNotExanic},
		{"any", "", 0, ErrNotExanic},
		{"exanic0", "", 0, ErrNotExanic},
		{"exanic0:x", "", 0, ErrNotExanic},
		{"exanic00:1", "", 0, ErrNotExanic},
		{"nosuchif0", "", 0, ErrNotExanic},
	} {
		dev, port, err := Resolve(b, c.name)
		if !errors.Is(err, c.err) || err == nil && (dev != c.dev || port != c.port) {
			t.Errorf("Resolve(%q) = %q, %d, %v; want %q, %d, %v", c.name, dev, port, err, c.dev, c.port, c.err)
		}
	}
}

func TestPortsAndDescriptions(t *testing.T) {
	dir, c := newSimCard(t, SimConfig{HWID: 9, Ports: []SimPort{
		{Name: "exa0", IP: "192.168.7.9/16"}, {Speed: 25000, NoLink: true}}})
	ports, err := Ports(&Sim{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(ports) != 2 {
		t.Fatalf("%d ports", len(ports))
	}
	want := []string{
		"exa0: ExaNIC X25 exanic0:0, 10Gbps, link up (kernel bypass)",
		"exanic0:1: ExaNIC X25 exanic0:1, 25Gbps, link down (kernel bypass)",
	}
	for i, p := range ports {
		if got := p.Name() + ": " + p.Description(); got != want[i] {
			t.Errorf("port %d: %q, want %q", i, got, want[i])
		}
	}
	lines := DebugLines(ports)
	wantLines := []string{
		"exa_create: Found 2 ExaNIC ports total",
		"1) exa0 IP 192.168.7.9 Netmask 255.255.0.0 [10Gbps] [LINKUP]",
		"2) exanic0:1 IP 0.0.0.0 Netmask 0.0.0.0 [25Gbps] [LINKDOWN]",
	}
	if strings.Join(lines, "\n") != strings.Join(wantLines, "\n") {
		t.Errorf("debug lines:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(wantLines, "\n"))
	}
	// A port flagged not implemented is not listed.
	c.SetReg(PortReg(1, PortStatus), StatusNotImplemented)
	if ports, _ = Ports(&Sim{Dir: dir}); len(ports) != 1 {
		t.Errorf("%d ports with port 1 not implemented", len(ports))
	}
}

func TestSimMmapRules(t *testing.T) {
	dir, _ := newSimCard(t, SimConfig{Ports: []SimPort{{Name: "exa0"}, {Name: "exa1", Down: true}}})
	b := &Sim{Dir: dir}
	fd, err := b.Open("exanic0")
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	for _, c := range []struct {
		off  int64
		n    int
		fail bool
	}{
		{OffRegs, RegsSize, false},
		{OffInfo, InfoSize, false},
		{RxOffset(0), RingSize, false},
		{RxOffset(1), RingSize, true}, // interface down
		{RxOffset(2), RingSize, true}, // no such port
		{RxOffset(0) + 4096, 4096, true},
		{RxOffset(0), RingSize + 4096, true},
	} {
		m, err := b.Mmap(fd, c.off, c.n)
		if (err != nil) != c.fail {
			t.Errorf("mmap at %#x len %d: err %v, want failure %v", c.off, c.n, err, c.fail)
		}
		if err == nil {
			b.Munmap(m)
		}
	}
	buf := make([]byte, infoEx2Size)
	if err := b.DevIoctl(fd, ctlInfoEx2, buf); err != nil {
		t.Fatal(err)
	}
	inf, _ := UnmarshalInfoEx2(buf)
	if inf.NumPorts != 2 || inf.IfIndex[0] != 1000 || inf.IfIndex[1] != 1001 {
		t.Errorf("INFO_EX2 %+v", inf)
	}
	if err := b.DevIoctl(fd, 0x12345678, buf); err != syscall.ENOTTY {
		t.Errorf("unknown ioctl: %v, want ENOTTY", err)
	}
}

func TestOpenFallbackWhenRingUnmappable(t *testing.T) {
	dir, _ := newSimCard(t, SimConfig{Ports: []SimPort{{Name: "exa0", Down: true}}})
	_, err := Open(Options{Device: "exa0", Backend: &Sim{Dir: dir}})
	var fb *Fallback
	if !errors.As(err, &fb) || fb.Netdev != "exa0" || !strings.Contains(fb.Warning, "ip link set exa0 up") {
		t.Fatalf("Open: %v", err)
	}
	// Through exanicN:P too; and a port without an interface cannot fall back.
	dir2, _ := newSimCard(t, SimConfig{Ports: []SimPort{{Down: true}}})
	_, err = Open(Options{Device: "exanic0:0", Backend: &Sim{Dir: dir2}})
	if err == nil || errors.As(err, &fb) {
		t.Fatalf("Open of a port without interface: %v", err)
	}
}

// The whole source: reader goroutine, eventfd, Fill, promiscuous mode.
func TestSourceLive(t *testing.T) {
	dir, c := newSimCard(t, SimConfig{})
	b := &Sim{Dir: dir}
	s, err := Open(Options{Device: "exa0", Backend: b, Promisc: true, Nano: true})
	if err != nil {
		t.Fatal(err)
	}
	closed := false
	defer func() {
		if !closed {
			s.Close()
		}
	}()
	if c.Reg(PortReg(0, PortFlags))&FlagPromisc == 0 {
		t.Error("promiscuous mode not set through SIOCSIFFLAGS")
	}
	batch := make([]core.Packet, 16)
	if n, err := s.Fill(batch); n != 0 || err != core.ErrTimeout {
		t.Fatalf("empty ring: %d, %v", n, err)
	}
	const total = 100
	for i := 0; i < total; i++ {
		c.Port(0).Send(WithFCS(frame(i, 64+i)), StatusOK)
	}
	// The eventfd becomes readable: the consumer said it waits.
	pfd := []pollFd{{fd: int32(s.Fd()), events: 1}}
	if n := poll(pfd, 10000); n != 1 {
		t.Fatalf("eventfd not signalled (poll %d)", n)
	}
	got := 0
	deadline := time.Now().Add(10 * time.Second)
	for got < total && time.Now().Before(deadline) {
		n, err := s.Fill(batch)
		if err == core.ErrTimeout {
			poll(pfd, 100)
			continue
		}
		for _, p := range batch[:n] {
			want := frame(got, 64+got)
			if int(p.Len) != len(want) || string(unsafeBytes(p.Data, int(p.Caplen))) != string(want) {
				t.Fatalf("frame %d differs", got)
			}
			got++
		}
	}
	if got != total {
		t.Fatalf("got %d of %d", got, total)
	}
	if cn := s.Counters(); cn.Recv != total || cn.Drop != 0 {
		t.Errorf("counters %+v", *cn)
	}
	s.Close()
	closed = true
	if c.Reg(PortReg(0, PortFlags))&FlagPromisc != 0 {
		t.Error("promiscuous mode not restored at close")
	}
}

type pollFd struct {
	fd      int32
	events  int16
	revents int16
}

// poll is ppoll (arm64 has no poll system call).
func poll(fds []pollFd, ms int) int {
	ts := syscall.NsecToTimespec(int64(ms) * 1e6)
	n, _, _ := syscall.Syscall6(syscall.SYS_PPOLL, uintptr(unsafePtr(&fds[0])), uintptr(len(fds)),
		uintptr(unsafeTS(&ts)), 0, 0, 0)
	return int(n)
}

func TestOpenRefusesDisabledPort(t *testing.T) {
	for _, c := range []struct {
		reg, val uint32
		want     string
	}{
		{PortEnabled, 0, "the port is disabled (ip link set exa0 up)"},
		{PortStatus, StatusRxUnsupported | StatusEnabled, "the port cannot receive"},
		{PortStatus, StatusNotImplemented, "port not implemented"},
	} {
		dir, card := newSimCard(t, SimConfig{})
		card.SetReg(PortReg(0, int(c.reg)), c.val)
		_, err := Open(Options{Device: "exa0", Backend: &Sim{Dir: dir}})
		var fb *Fallback
		if !errors.As(err, &fb) || !strings.Contains(fb.Warning, c.want) || fb.Netdev != "exa0" {
			t.Errorf("register %d = %#x: %v", c.reg, c.val, err)
		}
	}
}

// Two captures on one port each see every frame (the ring is read-only;
// readers keep their own cursors).
func TestTwoReadersOnePort(t *testing.T) {
	dir, c := newSimCard(t, SimConfig{})
	var srcs []*Source
	for i := 0; i < 2; i++ {
		s, err := Open(Options{Device: "exa0", Backend: &Sim{Dir: dir}})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		srcs = append(srcs, s)
	}
	const total = 2000
	for i := 0; i < total; i++ {
		c.Port(0).Send(WithFCS(frame(i, 60+i%300)), StatusOK)
	}
	batch := make([]core.Packet, 128)
	for k, s := range srcs {
		got := 0
		for deadline := time.Now().Add(10 * time.Second); got < total && time.Now().Before(deadline); {
			n, _ := s.Fill(batch)
			for _, p := range batch[:n] {
				if string(unsafeBytes(p.Data, int(p.Caplen))) != string(frame(got, 60+got%300)) {
					t.Fatalf("reader %d frame %d differs", k, got)
				}
				got++
			}
			if n == 0 {
				time.Sleep(time.Millisecond)
			}
		}
		if got != total {
			t.Fatalf("reader %d got %d of %d", k, got, total)
		}
	}
}

// Resetting the simulated card under a running capture (the sim command
// run twice) must not fault the reader; capture goes on.
func TestSimResetUnderCapture(t *testing.T) {
	dir, c := newSimCard(t, SimConfig{})
	s, err := Open(Options{Device: "exa0", Backend: &Sim{Dir: dir}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := 0; i < 3000; i++ {
		c.Port(0).Send(WithFCS(frame(i, 200)), StatusOK)
	}
	c2, err := CreateSim(dir, SimConfig{Ports: []SimPort{{Name: "exa0"}, {Name: "exa1"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	batch := make([]core.Packet, 64)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		// The reader waits at its old position until the card's new lap
		// gets there (a real driver refuses "up" while a ring is mapped).
		for k := 0; k < 50; k++ {
			c2.Port(0).Send(WithFCS(frame(7, 100)), StatusOK)
		}
		n, _ := s.Fill(batch)
		for _, p := range batch[:n] {
			if p.Len == 100 && string(unsafeBytes(p.Data, 100)) == string(frame(7, 100)) {
				return
			}
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("no frame after the reset")
}

// A driver without EXANICCTL_INFO_EX2: INFO_EX, ports counted from the
// non-zero interface indexes.
func TestOldDriverInfoEx(t *testing.T) {
	dir, _ := newSimCard(t, SimConfig{})
	conf := dir + "/sim.conf"
	b, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(conf, []byte(strings.Replace(string(b), "card exanic0", "card exanic0 old-driver", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	sb := &Sim{Dir: dir}
	fd, _ := sb.Open("exanic0")
	if err := sb.DevIoctl(fd, ctlInfoEx2, make([]byte, infoEx2Size)); err != syscall.ENOTTY {
		t.Fatalf("INFO_EX2 on the old driver: %v", err)
	}
	syscall.Close(fd)
	ports, err := Ports(sb)
	if err != nil || len(ports) != 2 || ports[1].Name() != "exa1" {
		t.Fatalf("ports %+v, %v", ports, err)
	}
}

// The reader's thread blocks every async signal a host could handle, but
// not glibc's SIGCANCEL/SIGSETXID (setuid in the host would hang) nor the
// synchronous ones.
func TestReaderThreadSignalMask(t *testing.T) {
	dir, _ := newSimCard(t, SimConfig{})
	s, err := Open(Options{Device: "exa0", Backend: &Sim{Dir: dir}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var tid int32
	for i := 0; i < 1000 && tid == 0; i++ {
		if tid = s.tid.Load(); tid == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	if tid == 0 {
		t.Fatal("reader thread never started")
	}
	b, err := os.ReadFile("/proc/self/task/" + strconv.Itoa(int(tid)) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	var mask uint64
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "SigBlk:"); ok {
			mask, _ = strconv.ParseUint(strings.TrimSpace(v), 16, 64)
		}
	}
	bit := func(sig int) bool { return mask&(1<<(sig-1)) != 0 }
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGALRM, syscall.SIGUSR1,
		syscall.SIGCHLD, syscall.SIGPIPE, syscall.SIGHUP} {
		if !bit(int(sig)) {
			t.Errorf("%v not blocked on the reader thread (SigBlk %016x)", sig, mask)
		}
	}
	for _, sig := range []int{32, 33, int(syscall.SIGSEGV), int(syscall.SIGBUS), int(syscall.SIGURG)} {
		if bit(sig) {
			t.Errorf("signal %d blocked on the reader thread (SigBlk %016x)", sig, mask)
		}
	}
}
