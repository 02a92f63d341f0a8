package hosts

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// TestHostGoEnvironment is §6 (environment inheritance): Go settings in the
// host's environment, meant for some other Go program, must not change what
// a capture does. tcpdump with a hostile GOGC/GOMEMLIMIT/GOMAXPROCS reads
// and writes exactly what it does with the system libpcap.
func TestHostGoEnvironment(t *testing.T) {
	tcpdump := testutil.Need(t, "tcpdump", "tcpdump")
	file := filepath.Join(testutil.Shared(t), "corpus", "tcpdump", "dns-uri.pcap")
	hostile := []string{"GOGC=off", "GOMEMLIMIT=1", "GOMAXPROCS=1", "GOTRACEBACK=none"}
	for _, args := range [][]string{
		{"-nn", "-vv", "-e", "-r", file},
		{"-r", file, "-w", "-"},
	} {
		argv := append([]string{tcpdump}, args...)
		sys := testutil.Run(t, testutil.System, nil, 20*time.Second, nil, argv...)
		ours := testutil.Run(t, testutil.Ours, nil, 20*time.Second, hostile, argv...)
		if ours.TimedOut || ours.Exit != sys.Exit ||
			!bytes.Equal(ours.Stdout, sys.Stdout) || !bytes.Equal(ours.Stderr, sys.Stderr) {
			t.Errorf("%v with %v: exit %d (system %d), stdout equal %v, stderr %q (system %q)",
				args, hostile, ours.Exit, sys.Exit, bytes.Equal(ours.Stdout, sys.Stdout), ours.Stderr, sys.Stderr)
		}
	}
}
