package live

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// TestStatsWrap: PACKET_STATISTICS resets on each read, so the library
// keeps totals; libpcap keeps them in its u_int pcap_stat and so wraps at
// 2^32, and pcapshim (64-bit totals, reported truncated) must print the
// same numbers. An LD_PRELOAD shim (testdata/bigstats.c) inflates every
// kernel reading by 3e9 packets and 1.5e9 drops; the capture is idle.
func TestStatsWrap(t *testing.T) {
	needLive(t)
	td := filepath.Join(testutil.Root(t), "test", "live", "testdata")
	pre := testutil.BuildC(t, "bigstats.so", []string{filepath.Join(td, "bigstats.c")},
		"-Wextra", "-Werror", "-shared", "-fPIC", "-ldl")
	bin := testutil.BuildC(t, "stats", []string{filepath.Join(td, "stats.c")},
		"-Wextra", "-Werror", "-lpcap")
	for _, mode := range []string{"ring", "recvmmsg"} {
		t.Run(mode, func(t *testing.T) {
			t.Setenv(modeEnv, mode)
			r := compare(t, scenario{argv: []string{"env", "LD_PRELOAD=" + pre, bin, devB, "4"}})
			// The fourth total is 12e9 packets: 12e9 mod 2^32.
			want := fmt.Sprintf("recv=%d drop=%d", uint32(12000000000%(1<<32)), uint32(6000000000%(1<<32)))
			if lines := strings.Split(strings.TrimSpace(r.stdout), "\n"); len(lines) != 4 ||
				!strings.HasPrefix(lines[3], want) {
				t.Errorf("want the last line to start %q:\n%s%s", want, r.stdout, r.stderr)
			}
		})
	}
}
