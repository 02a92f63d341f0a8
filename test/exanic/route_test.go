package exanic

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/exanic"
	"github.com/pcapshim/pcapshim/test/testutil"
)

func needRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("AF_PACKET capture needs root (run the tests as root)")
	}
}

// exanicN:P reaches the port as its interface name does.
func TestDevPortName(t *testing.T) {
	dir, _ := newSim(t, exanic.SimConfig{})
	r := testutil.Run(t, testutil.Ours, nil, 20*time.Second,
		[]string{exanic.SimEnv + "=" + dir, "PCAPSHIM_DEBUG=1"}, tcpdump(t), "-i", "exanic0:1", "-d", "ip")
	if r.Exit != 0 || !strings.Contains(string(r.Stderr), "exanic: capturing on exanic0:1 ("+port1+") by kernel bypass") {
		t.Fatalf("exit %d: %s", r.Exit, r.Stderr)
	}
}

// With the simulator on, a name that is not an ExaNIC port is captured
// through AF_PACKET, without a warning.
func TestOtherNamesGoToAFPacket(t *testing.T) {
	needRoot(t)
	dir, _ := newSim(t, exanic.SimConfig{})
	r := testutil.Run(t, testutil.Ours, nil, 20*time.Second,
		[]string{exanic.SimEnv + "=" + dir, "TCPDUMP_DEBUG=1"}, tcpdump(t), "-i", "lo", "-d", "ip")
	errs := string(r.Stderr)
	if r.Exit != 0 || !strings.Contains(errs, "pcapshim: capturing on lo through AF_PACKET") ||
		strings.Contains(errs, "kernel bypass") || strings.Contains(errs, "WARNING") {
		t.Fatalf("exit %d: %s", r.Exit, errs)
	}
}

// The port exists but its ring cannot be mapped (interface down): the
// capture falls back to AF_PACKET on the interface, with a warning that
// says why and what to do.
func TestFallbackWhenRingUnmappable(t *testing.T) {
	needRoot(t)
	dir, _ := newSim(t, exanic.SimConfig{Ports: []exanic.SimPort{{Name: "lo", Down: true}}})
	r := testutil.Run(t, testutil.Ours, nil, 20*time.Second,
		[]string{exanic.SimEnv + "=" + dir, "TCPDUMP_DEBUG=1"}, tcpdump(t), "-i", "lo", "-d", "ip")
	errs := string(r.Stderr)
	want := "tcpdump: WARNING: exanic0:0 (lo): cannot map the port's receive ring: invalid argument (the driver maps it only while the interface is up: ip link set lo up); capturing through AF_PACKET on lo instead"
	if r.Exit != 0 || !strings.Contains(errs, want) || !strings.Contains(errs, "pcapshim: capturing on lo through AF_PACKET") {
		t.Fatalf("exit %d, want %q in:\n%s", r.Exit, want, errs)
	}
}

func TestTstampTypes(t *testing.T) {
	dir, _ := newSim(t, exanic.SimConfig{})
	r := testutil.Run(t, testutil.Ours, nil, 20*time.Second, []string{exanic.SimEnv + "=" + dir},
		tcpdump(t), "-i", port0, "-J")
	want := "Time stamp types for " + port0 + " (use option -j to set):\n  host (Host)\n  adapter (Adapter)\n  adapter_unsynced (Adapter, not synced with system time)\n"
	if r.Exit != 0 || string(r.Stderr) != want { // tcpdump -J writes to stderr
		t.Fatalf("exit %d:\n%s%s", r.Exit, r.Stdout, r.Stderr)
	}
}

// exanicN:P without the driver (and without the simulator) says so.
func TestDevPortWithoutDriver(t *testing.T) {
	if _, err := os.Stat("/sys/bus/pci/drivers/exanic"); err == nil {
		t.Skip("the exanic driver is loaded here")
	}
	r := testutil.Run(t, testutil.Ours, nil, 20*time.Second, nil, tcpdump(t), "-i", "exanic0:0", "-d", "ip")
	if r.Exit == 0 || !strings.Contains(string(r.Stderr), "exanic0:0: the exanic driver is not loaded (modprobe exanic") {
		t.Fatalf("exit %d: %s", r.Exit, r.Stderr)
	}
}

// -B sizes the capture buffer the reader drains the card's ring into.
func TestBufferSize(t *testing.T) {
	dir, _ := newSim(t, exanic.SimConfig{})
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "capture buffer 67108864 bytes"},
		{[]string{"-B", "8192"}, "capture buffer 8388608 bytes"},
		{[]string{"-B", "100"}, "capture buffer 1048576 bytes"}, // the minimum
	} {
		argv := append([]string{tcpdump(t), "-i", port0, "-d"}, c.args...)
		r := testutil.Run(t, testutil.Ours, nil, 20*time.Second,
			[]string{exanic.SimEnv + "=" + dir, "PCAPSHIM_DEBUG=1"}, append(argv, "ip")...)
		if r.Exit != 0 || !strings.Contains(string(r.Stderr), c.want) {
			t.Errorf("%v: exit %d, want %q in: %s", c.args, r.Exit, c.want, r.Stderr)
		}
	}
}
