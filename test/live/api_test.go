package live

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// buildProbe compiles testdata/probe.c against the system headers (the
// program is linked with -lpcap; LD_LIBRARY_PATH picks the library). The
// directory is made traversable so that an unprivileged user can run it.
func buildProbe(t *testing.T) string {
	t.Helper()
	src := filepath.Join(testutil.Root(t), "test", "live", "testdata", "probe.c")
	bin := testutil.BuildC(t, "probe", []string{src}, "-Wall", "-Wextra", "-Werror", "-lpcap")
	for d := filepath.Dir(bin); d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return bin
}

// TestActivateErrors: pcap_activate's return code, pcap_statustostr and
// pcap_geterr for a missing device, a name too long for an interface, a
// device that is down, and ordinary, "any" and loopback devices; then the
// same as an unprivileged user (PCAP_ERROR_PERM_DENIED and its text).
func TestActivateErrors(t *testing.T) {
	needLive(t)
	bin := buildProbe(t)
	devs := []string{"nosuch0", strings.Repeat("x", 20), "pd", devA, "any", "lo"}
	downPair := func(t *testing.T, ns string) {
		sh(t, "ip", "-n", ns, "link", "add", "pc", "type", "veth", "peer", "name", "pd")
	}
	t.Run("root", func(t *testing.T) {
		r := compare(t, scenario{argv: append([]string{bin, "act"}, devs...), setup: downPair})
		for _, want := range []string{"nosuch0: activate=-5 ", "pd: activate=-9 ", devA + ": activate=0 "} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("no %q in:\n%s", want, r.stdout)
			}
		}
	})
	t.Run("unprivileged", func(t *testing.T) {
		if _, err := os.Stat("/usr/bin/setpriv"); err != nil {
			t.Skip("setpriv (util-linux) not installed: cannot run as nobody")
		}
		nobody := []string{"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", bin}
		// The loader log cannot prove the library here (the file it
		// opens per pid is created by root before the uid changes):
		// pcap_lib_version says which one was loaded instead.
		v := scenario{argv: append(nobody, "version"), unproved: true}.run(t, testutil.Ours)
		if !strings.Contains(v.stdout, "pcapshim") {
			t.Fatalf("as nobody, the probe did not load pcapshim (LD_LIBRARY_PATH=%s readable?): %s%s",
				testutil.LibDir(t), v.stdout, v.stderr)
		}
		r := compare(t, scenario{argv: append(nobody, append([]string{"act"}, devs...)...), setup: downPair, unproved: true})
		if !strings.Contains(r.stdout, devA+": activate=-8 ") {
			t.Errorf("no PCAP_ERROR_PERM_DENIED for %s as nobody:\n%s", devA, r.stdout)
		}
	})
}

// TestAPI: the live handle's API around a capture: option setters before
// and after activation, pcap_setdirection (valid and invalid),
// pcap_set_protocol_linux (only IPv4 delivered), non-blocking mode chosen
// before activation, pcap_get_selectable_fd, pcap_get_required_select_timeout,
// pcap_inject and pcap_sendpacket return values and errors (frame larger
// than the MTU, the "any" device), pcap_next_ex driven by poll(2), and that
// the descriptor is no longer readable once everything was read.
func TestAPI(t *testing.T) {
	needLive(t)
	bin := buildProbe(t)
	r := compare(t, scenario{argv: []string{bin, "api", devA, devB}})
	for _, want := range []string{"inject 60=60", "sendpacket 60=0", "rx got 5", "rx readable after draining: 0",
		"rx dispatch(1)=1 (1)", "rx readable after dispatching all: 0",
		`inject 3000=-1 "send: Message too long"`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("no %q in:\n%s", want, r.stdout)
		}
	}
}

// TestInjectDown: pcap_inject and pcap_sendpacket on a device taken down
// under an open handle ("send: Network is down"), a non-blocking read
// meanwhile, and injection once it is up again.
func TestInjectDown(t *testing.T) {
	needLive(t)
	bin := buildProbe(t)
	r := compare(t, scenario{argv: []string{bin, "down", devA}})
	if !strings.Contains(r.stdout, `inject down=-1 "send: Network is down"`) || !strings.Contains(r.stdout, "inject up again=100") {
		t.Errorf("unexpected probe output:\n%s", r.stdout)
	}
}

// TestBulk: 5000 frames of every length from 60 to 1459 bytes injected in
// chunks, each read (alternately pcap_next_ex and pcap_dispatch(5)) before
// the next chunk, through a 2 MB ring that therefore wraps: every packet is
// checked for its sequence number, length and contents.
func TestBulk(t *testing.T) {
	needLive(t)
	bin := buildProbe(t)
	r := compare(t, scenario{argv: []string{bin, "bulk", devA, devB, "5000"}, timeout: 60 * time.Second})
	if !strings.Contains(r.stdout, "bulk received 5000, 0 bad") {
		t.Errorf("unexpected probe output:\n%s", r.stdout)
	}
}
