package api

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// The device list is the machine's, so it can change between the run with
// the system libpcap and the run with ours (an IPv6 link-local address
// arriving, another test adding an interface). compareStable therefore
// runs the pair again, a few times, before calling a difference a failure;
// a real divergence is deterministic and fails every attempt.
const stableAttempts = 5

// compareStable runs prefix + argv ({dir} replaced by a scratch directory)
// against the system libpcap and against ours until both give the same
// stdout, stderr and exit status, and fails with the last diff otherwise.
// The system run must succeed.
func compareStable(t *testing.T, prefix []string, argv ...string) {
	t.Helper()
	if reason, ok := known[t.Name()]; ok && !selfCheck {
		t.Skipf("KNOWN DIVERGENCE, %s", reason)
	}
	ours := testutil.Ours
	if selfCheck {
		ours = testutil.System
	}
	run := func(lib testutil.Env) testutil.Result {
		dir := t.TempDir()
		full := append([]string{}, prefix...)
		for _, a := range argv {
			if a == dirArg {
				a = dir
			}
			full = append(full, a)
		}
		return testutil.Run(t, lib, nil, runTimeout, nil, full...)
	}
	var why string
	for attempt := 1; attempt <= stableAttempts; attempt++ {
		sys := run(testutil.System)
		if sys.TimedOut || sys.Exit != 0 {
			t.Fatalf("%v fails against the system libpcap (exit %d %s, timed out %v)\nstderr:\n%s",
				argv, sys.Exit, sys.Signal, sys.TimedOut, sys.Stderr)
		}
		o := run(ours)
		switch {
		case o.TimedOut:
			why = fmt.Sprintf("timed out after %v with our library", runTimeout)
		case o.Exit != sys.Exit || o.Signal != sys.Signal:
			why = fmt.Sprintf("exit status: system %d %s, ours %d %s\nstderr (ours):\n%s",
				sys.Exit, sys.Signal, o.Exit, o.Signal, o.Stderr)
		case !bytes.Equal(sys.Stdout, o.Stdout):
			why = "stdout differs (- system, + ours):\n" + diff(sys.Stdout, o.Stdout)
		case !bytes.Equal(sys.Stderr, o.Stderr):
			why = "stderr differs (- system, + ours):\n" + diff(sys.Stderr, o.Stderr)
		default:
			if attempt > 1 {
				t.Logf("identical on attempt %d (the list changed between runs before)", attempt)
			}
			return
		}
		time.Sleep(300 * time.Millisecond)
	}
	t.Errorf("%v: still different after %d attempts; last: %s", argv, stableAttempts, why)
}

// TestDevs: the whole pcap_findalldevs list (names, descriptions, flags,
// every address, netmask, broadcast and destination address byte for byte),
// pcap_lookupnet on each listed device, on "any", NULL, a missing device
// and libpcap's pseudo-device names, and pcap_lookupdev (also after
// pcap_init, where 1.10.3 refuses it), plus `tcpdump -D`, in the machine's
// own network namespace.
func TestDevs(t *testing.T) {
	bin := build(t, "devs")
	t.Run("list", func(t *testing.T) { compareStable(t, nil, bin, dirArg) })
	t.Run("init", func(t *testing.T) { compareStable(t, nil, bin, dirArg, "init") })
	t.Run("tcpdump-D", func(t *testing.T) {
		if selfCheck {
			t.Skip("needs our library")
		}
		compareStable(t, nil, testutil.Need(t, "tcpdump", "tcpdump"), "-D")
	})
}

// TestDevsNetns: the same comparisons inside a private network namespace
// holding every kind of device the kernel lets the test make: a veth pair
// with one end down and the other up (IPv4 + IPv6) but without carrier, a
// second veth pair up and connected with an alias-labelled address and a
// VLAN subinterface, dummy devices (bridges where the kernel has no dummy
// driver) carrying /0 addresses so that pcap_lookupnet falls back to the
// address class (class A, class C, and an unknown class), a tun device
// with a point-to-point peer address, and loopback first down, then up.
func TestDevsNetns(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("SKIP: creating a network namespace (ip netns add) needs root; run the tests as root to cover this")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("SKIP: ip (iproute2) is not installed: apt-get install iproute2")
	}
	bin := build(t, "devs")
	tcpdump := testutil.Need(t, "tcpdump", "tcpdump")

	ns := fmt.Sprintf("pcapshim-devs-%d", os.Getpid())
	ipcmd := func(args ...string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, "ip", args...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, bytes.TrimSpace(out))
		}
		return nil
	}
	if err := ipcmd("netns", "add", ns); err != nil {
		t.Skipf("SKIP: cannot create a network namespace: %v", err)
	}
	t.Cleanup(func() {
		if err := ipcmd("netns", "del", ns); err != nil {
			t.Errorf("removing namespace %s: %v", ns, err)
		}
	})
	in := func(args ...string) error { return ipcmd(append([]string{"-n", ns}, args...)...) }
	must := func(args ...string) {
		t.Helper()
		if err := in(args...); err != nil {
			t.Fatal(err)
		}
	}
	// try: a device the kernel may lack a driver for; the test says so.
	try := func(what string, args ...string) bool {
		t.Helper()
		if err := in(args...); err != nil {
			t.Logf("NOTE: no %s in this run (%v)", what, err)
			return false
		}
		return true
	}

	must("link", "add", "vA", "type", "veth", "peer", "name", "vB")
	must("link", "set", "vB", "up") // vA stays down: vB is up without carrier
	must("addr", "add", "192.0.2.1/24", "dev", "vB")
	must("addr", "add", "2001:db8::1/64", "dev", "vB")
	must("link", "add", "vC", "type", "veth", "peer", "name", "vD")
	must("link", "set", "vC", "up")
	must("link", "set", "vD", "up")
	must("addr", "add", "198.51.100.1/24", "dev", "vD")
	must("addr", "add", "198.51.100.9/24", "dev", "vD", "label", "vD:7")
	must("addr", "add", "2001:db8:1::1/64", "dev", "vD")
	if try("VLAN subinterface (kernel without 8021q)", "link", "add", "link", "vD", "name", "vD.10", "type", "vlan", "id", "10") {
		must("link", "set", "vD.10", "up")
		must("addr", "add", "203.0.113.1/25", "dev", "vD.10")
		must("addr", "add", "2001:db8:10::1/64", "dev", "vD.10")
	}
	kind := "dummy"
	if !try("dummy device (kernel without the dummy driver); using bridges", "link", "add", "dm0", "type", "dummy") {
		kind = "bridge"
		must("link", "add", "dm0", "type", kind)
	}
	must("link", "add", "dm1", "type", kind)
	must("link", "add", "dm2", "type", kind)
	must("link", "set", "dm0", "up")
	must("link", "set", "dm2", "up")
	must("addr", "add", "10.1.2.3/0", "dev", "dm0")   // class A fallback
	must("addr", "add", "10.0.0.200/0", "dev", "dm1") // class C (as libpcap tests it)
	must("addr", "add", "10.0.0.240/0", "dev", "dm2") // "inet class ... unknown"
	if try("tun device (no /dev/net/tun)", "tuntap", "add", "dev", "tn0", "mode", "tun") {
		must("addr", "add", "10.5.0.1", "peer", "10.5.0.2", "dev", "tn0")
		must("link", "set", "tn0", "up")
	}

	prefix := []string{"ip", "netns", "exec", ns}
	phase := func(name string) {
		t.Run(name+"/list", func(t *testing.T) { compareStable(t, prefix, bin, dirArg) })
		t.Run(name+"/init", func(t *testing.T) { compareStable(t, prefix, bin, dirArg, "init") })
		t.Run(name+"/tcpdump-D", func(t *testing.T) {
			if selfCheck {
				t.Skip("needs our library")
			}
			compareStable(t, prefix, tcpdump, "-D")
		})
	}
	phase("lo-down")
	must("link", "set", "lo", "up")
	phase("lo-up")
}
