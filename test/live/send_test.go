package live

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// The senders the live tests and benchmarks run in a namespace:
// testdata/burst.c (COUNT frames back to back) and testdata/pace.c
// (frames at a rate, for a time).

func buildBurst(t testing.TB) string {
	src := filepath.Join(testutil.Root(t), "test", "live", "testdata", "burst.c")
	return testutil.BuildC(t, "burst", []string{src}, "-Wextra", "-Werror")
}

func buildPace(t testing.TB) string {
	src := filepath.Join(testutil.Root(t), "test", "live", "testdata", "pace.c")
	return testutil.BuildC(t, "pace", []string{src}, "-O2", "-Wall", "-Wextra", "-Werror")
}

// sendFrames runs sender bin on devA in ns with args (bounded to 30 s) and
// returns what it printed; it fails the test if the sender fails.
func sendFrames(t testing.TB, ns, bin string, args ...string) []byte {
	t.Helper()
	argv := append([]string{"30", "ip", "netns", "exec", ns, bin, devA}, args...)
	out, err := exec.Command("timeout", argv...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", filepath.Base(bin), err, out)
	}
	return out
}
