package exanic

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/exanic"
	"github.com/pcapshim/pcapshim/test/testutil"
)

// The libpcap API on a bypass handle behaves as on AF_PACKET.
func TestAPIOnBypassHandle(t *testing.T) {
	root := testutil.Root(t)
	lib := testutil.LibDir(t)
	bin := testutil.BuildC(t, "bypass", []string{filepath.Join(root, "test/exanic/testdata/bypass.c")},
		"-I"+filepath.Join(root, "include"), "-L"+lib, "-l:libpcap.so.0.8", "-lpthread")
	dir, c := newSim(t, exanic.SimConfig{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, port0, "50")
	cmd.Env = append(os.Environ(), "LD_LIBRARY_PATH="+lib, exanic.SimEnv+"="+dir, "PCAPSHIM_DEBUG=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	var lines []string
	for sc.Scan() {
		l := sc.Text()
		lines = append(lines, l)
		if l == "ready" {
			// 50 odd, 50 even sequence numbers; the last one sent is
			// the 50th that passes, so pcap_stats after it sees all 100.
			for i := 1; i <= 100; i++ {
				c.Port(0).Send(exanic.WithFCS(frame(i, 80)), exanic.StatusOK)
			}
			c.Port(0).Send(exanic.WithFCS(frame(1000, 80)), exanic.StatusCorrupt)
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v: %s\n%s", err, strings.Join(lines, "\n"), stderr.String())
	}
	want := []string{
		"selectable yes",
		"nonblock dispatch 0 getnonblock 1",
		"ready",
		"got 50 bad 0",
		"stats recv 100 drop 0 ifdrop 0",
		"loop -2",
		"inject -1 Sending packets isn't supported on an ExaNIC bypass capture",
	}
	if !strings.Contains(stderr.String(), "pcapshim: filter (4 instructions) runs in userspace (fast engine)") {
		t.Errorf("no filter placement line in:\n%s", stderr.String())
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got:\n%s\nwant:\n%s\nstderr: %s", strings.Join(lines, "\n"), strings.Join(want, "\n"), stderr.String())
	}
}
