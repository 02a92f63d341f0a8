package live

import (
	"bufio"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// TestOverflowWakes: frames that arrive while the host's callback stalls
// on a batch that emptied the ring go to the overflow socket (the batch
// holds every ring unit), and nothing more arrives after them. The read
// that follows the batch must not wait for the ring alone: the host gets
// every frame, in order, without further traffic. (A wait that watched
// only the ring slept until the next frame, here forever.) With the
// TPACKET_V2 ring of immediate mode, whose frames the debug report counts.
func TestOverflowWakes(t *testing.T) {
	needLive(t)
	dir := filepath.Join(testutil.Root(t), "test", "live", "testdata")
	host := testutil.BuildC(t, "stall", []string{filepath.Join(dir, "stall.c")}, "-Wall", "-Wextra", "-Werror", "-lpcap")
	burst := buildBurst(t)
	t.Setenv(bufferEnv, "")
	ns := newNS(t)
	const net = 300 // frames sent during the stall
	cmd := exec.Command("timeout", "30", "ip", "netns", "exec", ns, host, devB, "1", "400")
	cmd.Env = append(env(t, testutil.Ours), "PCAPSHIM_DEBUG=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	lines := make(chan string, 8)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	expect := func(prefix string) string {
		select {
		case l, ok := <-lines:
			if !ok || !strings.HasPrefix(l, prefix) {
				t.Fatalf("host said %q, want %q (stderr:\n%s)", l, prefix, stderr.String())
			}
			return l
		case <-time.After(15 * time.Second):
			t.Fatalf("no %q from the host (stderr:\n%s)", prefix, stderr.String())
		}
		return ""
	}
	send := func(n int) { sendFrames(t, ns, burst, strconv.Itoa(n), "1514") }
	expect("ready")
	// Fill the ring, and put fewer frames on the overflow than
	// one recvmmsg takes: the first fill then finds both empty
	// and hands its batch over as the last for now.
	var m []string
	for end := time.Now().Add(5 * time.Second); m == nil && time.Now().Before(end); {
		if m = ringFrames.FindStringSubmatch(stderr.String()); m == nil {
			time.Sleep(20 * time.Millisecond) // stderr is another pipe
		}
	}
	if m == nil {
		t.Fatalf("no ring geometry in the debug report:\n%s", stderr.String())
	}
	frames, _ := strconv.Atoi(m[1])
	first := frames + 30
	want := first + net
	if _, err := stdin.Write([]byte(strconv.Itoa(want) + "\n")); err != nil {
		t.Fatal(err)
	}
	rx0 := rxPackets(t, ns, devB)
	send(first)
	time.Sleep(100 * time.Millisecond)
	if _, err := stdin.Write([]byte("go\n")); err != nil {
		t.Fatal(err)
	}
	expect("stalled")
	send(net)
	if rx := rxPackets(t, ns, devB) - rx0; rx != want {
		t.Skipf("the device received %d of %d frames (sender backlog): cannot judge", rx, want)
	}
	got := expect("got ")
	seqLine := expect("")
	n, _ := strconv.Atoi(strings.TrimPrefix(got, "got "))
	if n != want {
		t.Fatalf("the host got %d of %d frames (%d before the stall, %d during it)\nstderr:\n%s",
			n, want, first, net, stderr.String())
	}
	f := strings.Fields(seqLine)
	for i, s := range f {
		exp := i
		if i >= first {
			exp = i - first
		}
		if s != strconv.Itoa(exp) {
			t.Fatalf("frame %d has sequence number %s, want %d", i, s, exp)
		}
	}
}

var ringFrames = regexp.MustCompile(`\(TPACKET_V2\): (\d+) blocks of \d+ bytes \(\d+ bytes\), frame size \d+`)
