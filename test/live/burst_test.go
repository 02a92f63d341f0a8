package live

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// Default ring sizing: pcapshim's default buffer absorbs a back-to-back
// burst that libpcap's 2 MiB ring may drop part of, and the size can be
// set with tcpdump -B (pcap_set_buffer_size) and PCAPSHIM_BUFFER_SIZE.

const bufferEnv = "PCAPSHIM_BUFFER_SIZE"

// ringSize is the size of the packet ring the running program has mapped
// (the shared mapping of a socket in /proc/PID/maps), 0 if none.
func ringSize(t *testing.T, p *proc) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(p.cmd.Process.Pid) + "/maps")
	if err != nil {
		t.Fatalf("reading maps: %v", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if !strings.Contains(l, "socket:[") {
			continue
		}
		lo, hi, _ := strings.Cut(strings.Fields(l)[0], "-")
		a, _ := strconv.ParseUint(lo, 16, 64)
		z, _ := strconv.ParseUint(hi, 16, 64)
		return int64(z - a)
	}
	return 0
}

// TestBufferSize: the ring tcpdump gets, by library, options and
// environment (the variable overrides -B; a bad value fails activation).
func TestBufferSize(t *testing.T) {
	needLive(t)
	const mib = 1 << 20
	for _, c := range []struct {
		lib  testutil.Env
		env  string
		args []string
		want int64
	}{
		{testutil.System, "", nil, 2 * mib},
		{testutil.Ours, "", nil, 3 * mib}, // elastic: live.ElasticRingSize + overflow
		{testutil.Ours, "", []string{"-s", "96"}, 3 * mib},
		{testutil.Ours, "noelastic", nil, 32 * mib},
		{testutil.Ours, "noelastic", []string{"-s", "96"}, 5 * mib},
		{testutil.System, "", []string{"-B", "4096"}, 4 * mib},
		{testutil.Ours, "", []string{"-B", "4096"}, 4 * mib},
		{testutil.Ours, "16M", []string{"-B", "4096"}, 16 * mib},
		{testutil.Ours, "3145728", nil, 3 * mib},
		{testutil.Ours, "512k", nil, mib / 2},
	} {
		lib := "pcapshim"
		if c.lib == testutil.System {
			lib = "system"
		}
		name := fmt.Sprintf("%s-env=%s-%s", lib, c.env, strings.Join(c.args, ""))
		t.Run(name, func(t *testing.T) {
			t.Setenv(elasticEnv, "")
			if c.env == "noelastic" {
				t.Setenv(elasticEnv, "0")
				c.env = ""
			}
			t.Setenv(bufferEnv, c.env)
			var got int64
			sc := scenario{
				argv:   tcpdump(append([]string{"-i", devB, "-c", "1"}, c.args...)...),
				marker: listening,
				act: func(t *testing.T, ns string, p *proc) {
					got = ringSize(t, p)
					send(t, ns, devA, mixed()[:1])
				},
			}
			if r := sc.run(t, c.lib); r.exit != 0 {
				t.Fatalf("exit %d:\n%s", r.exit, r.stderr)
			}
			if got != c.want {
				t.Errorf("ring of %d bytes, want %d", got, c.want)
			}
		})
	}
	t.Run("bad-env", func(t *testing.T) {
		t.Setenv(bufferEnv, "12 parsecs")
		r := scenario{argv: tcpdump("-i", devB, "-c", "1")}.run(t, testutil.Ours)
		if r.exit == 0 || !strings.Contains(r.stderr, bufferEnv+`="12 parsecs"`) {
			t.Errorf("exit %d, stderr:\n%s", r.exit, r.stderr)
		}
	})
}

var statLine = regexp.MustCompile(`(\d+) packets? (captured|received by filter|dropped by kernel)`)

// stats reads the last statistics tcpdump printed: captured, received,
// dropped; ok false if none yet.
func stats(stderr string) (captured, received, dropped int, ok bool) {
	seen := 0
	for _, m := range statLine.FindAllStringSubmatch(stderr, -1) {
		n, _ := strconv.Atoi(m[1])
		switch m[2] {
		case "captured":
			captured = n
		case "received by filter":
			received = n
		case "dropped by kernel":
			dropped = n
		}
		seen++
	}
	return captured, received, dropped, seen >= 3
}

func rxPackets(t testing.TB, ns, dev string) int {
	t.Helper()
	out, err := exec.Command("ip", "netns", "exec", ns, "cat", "/sys/class/net/"+dev+"/statistics/rx_packets").Output()
	if err != nil {
		t.Fatalf("reading %s rx_packets: %v", dev, err)
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	return n
}

// burstRun sends count full-size frames back to back into tcpdump -w on
// the other end of the veth pair and returns what tcpdump reported, the
// frames the device received, and the bytes written to the file.
func burstRun(t testing.TB, lib testutil.Env, bin string, count int) (captured, dropped, rx int, size int64, file string) {
	t.Helper()
	ns := newNS(t)
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o777); err != nil { // tcpdump may drop to its own user
		t.Fatal(err)
	}
	file = filepath.Join(dir, "burst.pcap")
	p := start(t, ns, lib, listening, "tcpdump", "-i", devB, "-w", file)
	p.waitReady(t, 10*time.Second)
	rx0 := rxPackets(t, ns, devB)
	sendFrames(t, ns, bin, strconv.Itoa(count), "1514")
	rx = rxPackets(t, ns, devB) - rx0
	// Until tcpdump has handled or lost every frame the device received
	// (SIGUSR1 prints its statistics), bounded; then SIGINT.
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); {
		time.Sleep(300 * time.Millisecond)
		_ = p.cmd.Process.Signal(syscall.SIGUSR1)
		time.Sleep(50 * time.Millisecond)
		if c, _, d, ok := stats(p.errText()); ok && c+d >= rx {
			break
		}
	}
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	r := p.wait(10 * time.Second)
	c, _, d, ok := stats(r.stderr)
	if r.timedOut || !ok {
		t.Fatalf("tcpdump did not end with statistics:\n%s", r.stderr)
	}
	st, err := os.Stat(file)
	if err != nil {
		t.Fatalf("capture file: %v", err)
	}
	return c, d, rx, st.Size(), file
}

// TestBurst: 20,000 back-to-back 1514-byte frames on a veth pair. With
// pcapshim's default ring tcpdump loses none and writes all of them; what
// the system libpcap's 2 MiB ring drops is logged (it varies by machine
// and load; it is not a property of pcapshim).
func TestBurst(t *testing.T) {
	needLive(t)
	bin := buildBurst(t)
	t.Setenv(bufferEnv, "")
	const count = 20000
	c, d, rx, _, _ := burstRun(t, testutil.System, bin, count)
	t.Logf("system libpcap: %d frames sent, %d received by the device, %d captured, %d dropped", count, rx, c, d)
	c, d, rx, size, file := burstRun(t, testutil.Ours, bin, count)
	t.Logf("pcapshim: %d frames sent, %d received by the device, %d captured, %d dropped", count, rx, c, d)
	if rx != count {
		// Lost before any packet socket saw them (the sender's CPU
		// backlog): nothing a capture library can do about it.
		t.Logf("the kernel received only %d of %d frames", rx, count)
	}
	if d != 0 || c != rx {
		t.Errorf("pcapshim dropped %d and captured %d of %d frames", d, c, rx)
	}
	// File header, then per frame a 16-byte record header and 1514 bytes.
	if want := int64(24 + c*(16+1514)); size != want {
		t.Errorf("capture file has %d bytes, want %d for %d frames", size, want, c)
	}
	// In the order sent, whichever socket of the elastic buffer took them.
	inOrder(t, seqs(t, file), c)
}
