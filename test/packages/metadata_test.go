package packages

import (
	"regexp"
	"strings"
	"testing"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// Oldest glibc of the distributions the packages must install on.
var (
	debOldestGlibc = "2.35" // Debian 12: 2.36, Ubuntu 22.04: 2.35
	rpmOldestGlibc = "2.26" // RHEL/Rocky 8: 2.28, 9: 2.34, Amazon Linux 2: 2.26, 2023: 2.34
)

// TestDebMetadata reads each .deb's control fields.
func TestDebMetadata(t *testing.T) {
	testutil.Need(t, "dpkg-deb", "dpkg")
	for _, p := range packages(t) {
		if p.format != "deb" {
			continue
		}
		t.Run(p.name(), func(t *testing.T) {
			field := func(name string) string {
				return strings.TrimSpace(run(t, "dpkg-deb", "-f", p.path, name))
			}
			want := map[string]string{
				"Package":      "pcapshim",
				"Architecture": p.arch,
				"Version":      version(t) + "-1",
			}
			for k, v := range want {
				if got := field(k); got != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
			if field("Maintainer") == "" || field("Description") == "" {
				t.Error("Maintainer or Description empty")
			}
			checkDepends(t, field("Depends"), `^libc6 \(>= ([0-9.]+)\)$`, debOldestGlibc)
			for _, k := range []string{"Provides", "Conflicts", "Replaces", "Breaks"} {
				if v := field(k); strings.Contains(v, "libpcap") {
					t.Errorf("%s: %q: the package must sit beside the distribution's libpcap, not replace it", k, v)
				}
			}
		})
	}
}

// TestRPMMetadata queries each .rpm with rpm -qp.
func TestRPMMetadata(t *testing.T) {
	testutil.Need(t, "rpm", "rpm")
	for _, p := range packages(t) {
		if p.format != "rpm" {
			continue
		}
		t.Run(p.name(), func(t *testing.T) {
			q := strings.Split(strings.TrimSpace(run(t, "rpm", "-qp", "--nosignature",
				"--qf", "%{NAME}|%{VERSION}|%{RELEASE}|%{ARCH}|%{LICENSE}|%{SUMMARY}", p.path)), "|")
			if len(q) != 6 {
				t.Fatalf("rpm -qp --qf: %q", q)
			}
			if q[0] != "pcapshim" || q[1] != version(t) || q[2] != "1" || q[3] != p.rpmArch() {
				t.Errorf("name|version|release|arch = %q, want pcapshim|%s|1|%s", q[:4], version(t), p.rpmArch())
			}
			if q[4] == "" || q[4] == "(none)" || q[5] == "" {
				t.Errorf("licence %q or summary %q empty", q[4], q[5])
			}

			// rpm -qpl names exactly the files the payload holds.
			list := strings.Fields(run(t, "rpm", "-qpl", "--nosignature", p.path))
			for _, want := range []string{
				"/usr/bin/pcapshim", p.libDir(), p.libDir() + "/libpcapshim.so", p.libDir() + "/libpcapshim-go.so",
				p.libDir() + "/libpcap.so.0.8", p.libDir() + "/libpcap.so.1", "/usr/include/pcapshim/pcap/pcap.h",
				"/usr/lib64/pkgconfig/pcapshim.pc", "/usr/share/man/man1/pcapshim.1.gz",
			} {
				if !contains(list, want) {
					t.Errorf("rpm -qpl lacks %s", want)
				}
			}

			var deps []string
			for _, r := range strings.Split(strings.TrimSpace(run(t, "rpm", "-qp", "--nosignature", "--requires", p.path)), "\n") {
				if !strings.HasPrefix(r, "rpmlib(") {
					deps = append(deps, strings.TrimSpace(r))
				}
			}
			checkDepends(t, strings.Join(deps, ", "), `^glibc >= ([0-9.]+)$`, rpmOldestGlibc)
			for _, pr := range strings.Split(run(t, "rpm", "-qp", "--nosignature", "--provides", p.path), "\n") {
				if strings.Contains(pr, "libpcap") {
					t.Errorf("provides %q: dnf/yum would pick pcapshim for libpcap's dependents", pr)
				}
			}
		})
	}
}

// checkDepends: exactly one dependency, on glibc, at a version no newer than
// the oldest glibc of the target distributions and no older than the floor
// the library is built for.
func checkDepends(t *testing.T, deps, pattern, oldest string) {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(deps)
	if m == nil {
		t.Fatalf("dependencies %q, want exactly one matching %s", deps, pattern)
	}
	if compareVersions(m[1], oldest) > 0 {
		t.Errorf("depends on glibc %s: does not resolve where glibc is %s", m[1], oldest)
	}
	if compareVersions(m[1], glibcFloor) < 0 {
		t.Errorf("depends on glibc %s, below the %s the library needs", m[1], glibcFloor)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestCompareVersions(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{{"2.17", "2.17", 0}, {"2.3.2", "2.17", -1}, {"2.34", "2.17", 1}, {"2.2.5", "2.2", 1}, {"2.26", "2.3", 1}} {
		if got := compareVersions(c.a, c.b); got != c.want {
			t.Errorf("compareVersions(%s, %s) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
