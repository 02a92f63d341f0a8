package abi

import (
	"debug/elf"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// needsLibpcap reports whether the file is an ELF object with a NEEDED
// entry for libpcap.so.0.8.
func needsLibpcap(path string) bool {
	f, err := elf.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	libs, err := f.ImportedLibraries()
	if err != nil {
		return false
	}
	for _, l := range libs {
		if l == "libpcap.so.0.8" {
			return true
		}
	}
	return false
}

// installedClients finds the installed programs and shared libraries that
// link with libpcap: the executables in the usual bin directories and the
// shared objects in the system library's directory (with the wireshark
// plugin tree below it).
func installedClients(t *testing.T) []string {
	t.Helper()
	libDir := filepath.Dir(testutil.SystemLib(t))
	seen := map[string]bool{}
	var clients []string
	add := func(path string) {
		real, err := filepath.EvalSymlinks(path)
		if err != nil || seen[real] {
			return
		}
		seen[real] = true
		if strings.HasPrefix(filepath.Base(real), "libpcap.so") {
			return // the system libpcap itself
		}
		if needsLibpcap(real) {
			clients = append(clients, path)
		}
	}
	for _, dir := range []string{"/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", libDir} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if e.Type().IsRegular() || e.Type()&fs.ModeSymlink != 0 {
				add(filepath.Join(dir, e.Name()))
			}
		}
	}
	_ = filepath.WalkDir(filepath.Join(libDir, "wireshark"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			add(p)
		}
		return nil
	})
	sort.Strings(clients)
	return clients
}

// lddReport is what `ldd -r` says about one binary.
type lddReport struct {
	libpcap   string          // where libpcap.so.0.8 resolved, "" if absent
	undefined map[string]bool // "undefined symbol" lines
}

func ldd(t *testing.T, env testutil.Env, bin string) lddReport {
	t.Helper()
	r := testutil.Run(t, env, nil, 2*time.Minute, nil, "ldd", "-r", bin)
	if r.TimedOut {
		t.Fatalf("ldd -r %s timed out", bin)
	}
	rep := lddReport{undefined: map[string]bool{}}
	for _, line := range strings.Split(string(r.Stdout)+"\n"+string(r.Stderr), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "undefined symbol:") {
			rep.undefined[line] = true
		}
		if name, rest, ok := strings.Cut(line, " => "); ok && name == "libpcap.so.0.8" {
			path, _, _ := strings.Cut(rest, " (")
			rep.libpcap = path
		}
	}
	return rep
}

// TestClientsResolve checks that every installed libpcap client loads our
// library with LD_LIBRARY_PATH set to the repository and that the dynamic
// linker finds every symbol it needs. Undefined symbols it also reports
// with the system libpcap are not ours to fix and are only logged.
func TestClientsResolve(t *testing.T) {
	testutil.Need(t, "ldd", "libc-bin")
	testutil.Need(t, "tcpdump", "tcpdump")
	lib := frontLib(t)
	clients := installedClients(t)
	found := false
	for _, c := range clients {
		found = found || filepath.Base(c) == "tcpdump"
	}
	if !found {
		t.Fatalf("tcpdump is not among the libpcap clients found (%v): is it linked with libpcap.so.0.8?", clients)
	}
	t.Logf("%d clients: %v", len(clients), clients)
	for _, c := range clients {
		t.Run(filepath.Base(c), func(t *testing.T) {
			ours := ldd(t, testutil.Ours, c)
			if ours.libpcap == "" {
				t.Fatalf("ldd -r %s shows no libpcap.so.0.8", c)
			}
			if real, err := filepath.EvalSymlinks(ours.libpcap); err != nil || real != lib {
				t.Errorf("libpcap.so.0.8 resolves to %s (%v), want our %s", ours.libpcap, err, lib)
			}
			if len(ours.undefined) == 0 {
				return
			}
			system := ldd(t, testutil.System, c)
			for u := range ours.undefined {
				if system.undefined[u] {
					t.Logf("also undefined with the system libpcap: %s", u)
				} else {
					t.Errorf("%s", u)
				}
			}
		})
	}
}

// TestTcpdumpVersion runs tcpdump --version against our library: it must
// start and report a libpcap 1.10 version string.
func TestTcpdumpVersion(t *testing.T) {
	tcpdump := testutil.Need(t, "tcpdump", "tcpdump")
	r := testutil.Run(t, testutil.Ours, nil, 30*time.Second, nil, tcpdump, "--version")
	out := string(r.Stdout) + string(r.Stderr)
	if r.Exit != 0 {
		t.Fatalf("tcpdump --version exited %d %s\n%s", r.Exit, r.Signal, out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "libpcap version 1.10.") {
			t.Logf("%s", line)
			return
		}
	}
	t.Errorf("tcpdump --version printed no line starting \"libpcap version 1.10.\" (pcap_lib_version()):\n%s", out)
}
