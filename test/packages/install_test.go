package packages

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// offlineFile is the capture the install checks read through both libraries.
const offlineFile = "corpus/tcpdump/dns-uri.pcap"

func needRoot(t *testing.T, what string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skipf("%s needs root: run make test as root", what)
	}
}

// sh runs a command with a bounded time and returns its combined output and
// exit error.
func sh(t *testing.T, env []string, name string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(cleanEnv(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

func cleanEnv() []string {
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "LD_LIBRARY_PATH=") && !strings.HasPrefix(e, "LD_PRELOAD=") &&
			!strings.HasPrefix(e, "PCAPSHIM_") {
			env = append(env, e)
		}
	}
	return append(env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
}

// mustSh is sh that fails the test when the command fails.
func mustSh(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	out, err := sh(t, env, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

// TestDebInstallChroot installs the amd64 .deb with dpkg -i into a fresh copy
// of a Debian 12 chroot and runs tcpdump through the launcher there.
func TestDebInstallChroot(t *testing.T) { debInstall(t, "bookworm") }

// TestDebInstallOldGlibc does the same on Debian 11, whose glibc 2.31 lacks
// the GLIBC_2.32/2.34 versions an unpinned build needs: the library loads
// there only thanks to the glibc floor. (The oldest suite reachable from
// Debian's mirror; 2.17 itself is checked on the symbol versions only.)
func TestDebInstallOldGlibc(t *testing.T) { debInstall(t, "bullseye") }

func debInstall(t *testing.T, suite string) {
	var deb pkg
	for _, p := range packages(t) {
		if p.format == "deb" && p.arch == "amd64" {
			deb = p
		}
	}
	if runtime.GOARCH != "amd64" {
		t.Skip("the Debian 12 chroot is amd64; the arm64 .deb is installed with dpkg -i inside the arm64 VM (make test-arm64)")
	}
	needRoot(t, "dpkg -i into a chroot")
	root := testutil.Root(t)
	// chroot.sh prints the cache directory last; a first run reports its
	// debootstrap on stderr before it (the output is combined).
	out := strings.Split(strings.TrimSpace(mustSh(t, nil, "sh", filepath.Join(root, "test/packages/chroot.sh"), suite)), "\n")
	cache := strings.TrimSpace(out[len(out)-1])
	t.Logf("%s: %s", suite, strings.TrimSpace(mustSh(t, nil, "chroot", cache, "sh", "-c", "ldd --version | head -1")))

	dir := filepath.Join(t.TempDir(), "root")
	mustSh(t, nil, "cp", "-a", cache, dir)
	mustSh(t, nil, "cp", deb.path, filepath.Join(dir, "tmp/pcapshim.deb"))
	mustSh(t, nil, "cp", filepath.Join(testutil.Shared(t), offlineFile), filepath.Join(dir, "tmp/in.pcap"))
	in := func(args ...string) (string, error) {
		return sh(t, nil, "chroot", append([]string{dir}, args...)...)
	}
	mustIn := func(args ...string) string {
		t.Helper()
		return mustSh(t, nil, "chroot", append([]string{dir}, args...)...)
	}

	mustIn("dpkg", "-i", "/tmp/pcapshim.deb")
	if out := mustIn("dpkg-query", "-W", "-f", "${Status} ${Version}", "pcapshim"); !strings.HasPrefix(out, "install ok installed "+version(t)) {
		t.Errorf("dpkg-query after dpkg -i: %q", out)
	}

	// Ours through the launcher; the distribution's untouched without it.
	if out := mustIn("pcapshim", "tcpdump", "--version"); !strings.Contains(out, "pcapshim") {
		t.Errorf("pcapshim tcpdump --version does not name pcapshim:\n%s", out)
	}
	if out := mustIn("tcpdump", "--version"); strings.Contains(out, "pcapshim") || !strings.Contains(out, "libpcap version") {
		t.Errorf("plain tcpdump --version after installing pcapshim:\n%s\nwant the distribution's libpcap", out)
	}
	if out := mustIn("dpkg", "-S", "/usr/lib/x86_64-linux-gnu/libpcap.so.0.8"); !strings.HasPrefix(out, "libpcap0.8") {
		t.Errorf("dpkg -S libpcap.so.0.8: %q, want libpcap0.8's", out)
	}

	// An offline read: the same lines as with Debian's libpcap.
	ours := mustIn("pcapshim", "tcpdump", "-nn", "-v", "-r", "/tmp/in.pcap")
	sys := mustIn("tcpdump", "-nn", "-v", "-r", "/tmp/in.pcap")
	if ours != sys || strings.Count(ours, "\n") < 3 {
		t.Errorf("offline read through the installed package differs from the distribution's libpcap:\n--- pcapshim\n%s\n--- libpcap\n%s", ours, sys)
	}
	if suite == "bookworm" {
		pkgConfigClient(t, deb, dir, mustIn)
	}
	if out, err := in("pcapshim"); err == nil || !strings.Contains(out, "usage") {
		t.Errorf("pcapshim without arguments: %v, %q; want a usage message and a non-zero exit", err, out)
	}

	// Removing it leaves nothing behind in the private directory.
	mustIn("dpkg", "-r", "pcapshim")
	if _, err := os.Stat(filepath.Join(dir, deb.libDir())); !os.IsNotExist(err) {
		t.Errorf("%s still exists after dpkg -r (%v)", deb.libDir(), err)
	}
}

// TestRPMRootInstall installs each .rpm with rpm --root into an empty
// directory (no dependency resolution there: --nodeps), checks the installed
// files, runs the host's tcpdump on the amd64 one, and erases it.
func TestRPMRootInstall(t *testing.T) {
	testutil.Need(t, "rpm", "rpm")
	needRoot(t, "rpm --root")
	for _, p := range packages(t) {
		if p.format != "rpm" {
			continue
		}
		t.Run(p.name(), func(t *testing.T) {
			dir := t.TempDir()
			mustSh(t, nil, "rpm", "--root", dir, "--initdb")
			mustSh(t, nil, "rpm", "--root", dir, "-i", "--nodeps", "--ignorearch", "--nosignature", p.path)
			if out := mustSh(t, nil, "rpm", "--root", dir, "-q", "pcapshim"); !strings.HasPrefix(out, "pcapshim-"+version(t)) {
				t.Errorf("rpm -q after install: %q", out)
			}
			lib := filepath.Join(dir, p.libDir())
			for _, n := range []string{"libpcap.so.0.8", "libpcap.so.1", "libpcapshim-go.so"} {
				if _, err := os.Stat(filepath.Join(lib, n)); err != nil {
					t.Errorf("installed %s/%s: %v", p.libDir(), n, err)
				}
			}
			if out := mustSh(t, nil, "sh", filepath.Join(dir, "usr/bin/pcapshim"), "--libdir"); strings.TrimSpace(out) != p.libDir() {
				t.Errorf("pcapshim --libdir: %q, want %s", out, p.libDir())
			}
			if p.arch == runtime.GOARCH {
				tcpdump := testutil.Need(t, "tcpdump", "tcpdump")
				env := []string{"LD_LIBRARY_PATH=" + lib}
				if out := mustSh(t, env, tcpdump, "--version"); !strings.Contains(out, "pcapshim") {
					t.Errorf("tcpdump --version through %s:\n%s", lib, out)
				}
				f := filepath.Join(testutil.Shared(t), offlineFile)
				ours := mustSh(t, env, tcpdump, "-nn", "-v", "-r", f)
				sys := mustSh(t, nil, tcpdump, "-nn", "-v", "-r", f)
				if ours != sys {
					t.Errorf("offline read through the rpm's library differs:\n--- pcapshim\n%s\n--- system\n%s", ours, sys)
				}
			}
			mustSh(t, nil, "rpm", "--root", dir, "-e", "--nodeps", "pcapshim")
			if _, err := os.Stat(lib); !os.IsNotExist(err) {
				t.Errorf("%s still exists after rpm -e (%v)", p.libDir(), err)
			}
		})
	}
}

// pkgConfigClient builds a C program with the package's pkg-config flags
// (the package's files as a sysroot) and runs it in the chroot where the
// package is installed: without the launcher, it must load pcapshim's
// library through its run path, not the distribution's libpcap.
func pkgConfigClient(t *testing.T, deb pkg, chroot string, mustIn func(...string) string) {
	t.Helper()
	testutil.Need(t, "pkg-config", "pkgconf")
	testutil.Need(t, "gcc", "gcc")
	files := extract(t, deb)
	env := []string{"PKG_CONFIG_SYSROOT_DIR=" + files, "PKG_CONFIG_LIBDIR=" + filepath.Join(files, deb.pcDir())}
	flags := strings.Fields(mustSh(t, env, "pkg-config", "--cflags", "--libs", "pcapshim"))
	// The run path names the installed directory, not the sysroot copy.
	for i, f := range flags {
		flags[i] = strings.Replace(f, "-Wl,-rpath,"+files, "-Wl,-rpath,", 1)
	}
	prog := testutil.BuildC(t, "client", []string{"testdata/so1client.c"}, flags...)
	mustSh(t, nil, "cp", prog, filepath.Join(chroot, "tmp/client"))
	out := mustIn("/tmp/client", "/tmp/in.pcap")
	if !strings.Contains(out, "pcapshim") || !strings.Contains(out, " packets") {
		t.Errorf("a program built with pkg-config --cflags --libs pcapshim printed:\n%s\nwant pcapshim's version and a packet count (flags %v)", out, flags)
	}
}
