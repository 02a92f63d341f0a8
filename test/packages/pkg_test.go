package packages

import (
	"bufio"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// glibcFloor is the newest GLIBC_ symbol version any packaged object may
// need (README "glibc floor": RHEL/CentOS 7, Amazon Linux 2).
const glibcFloor = "2.17"

// pkg is one package file in dist/.
type pkg struct {
	path   string
	format string // "deb" or "rpm"
	arch   string // "amd64" or "arm64"
}

// libDir is where the package must put the library: a private directory.
func (p pkg) libDir() string {
	if p.format == "rpm" {
		return "/usr/lib64/pcapshim"
	}
	if p.arch == "arm64" {
		return "/usr/lib/aarch64-linux-gnu/pcapshim"
	}
	return "/usr/lib/x86_64-linux-gnu/pcapshim"
}

func (p pkg) pcDir() string {
	return filepath.Join(filepath.Dir(p.libDir()), "pkgconfig")
}

func (p pkg) machine() elf.Machine {
	if p.arch == "arm64" {
		return elf.EM_AARCH64
	}
	return elf.EM_X86_64
}

func (p pkg) rpmArch() string {
	if p.arch == "arm64" {
		return "aarch64"
	}
	return "x86_64"
}

func (p pkg) name() string { return p.format + "-" + p.arch }

// packages lists dist/'s four packages, skipping when none was built and
// failing when only some were.
func packages(t *testing.T) []pkg {
	t.Helper()
	dist := filepath.Join(testutil.Root(t), "dist")
	want := []pkg{
		{filepath.Join(dist, "pcapshim_*_amd64.deb"), "deb", "amd64"},
		{filepath.Join(dist, "pcapshim_*_arm64.deb"), "deb", "arm64"},
		{filepath.Join(dist, "pcapshim-*.x86_64.rpm"), "rpm", "amd64"},
		{filepath.Join(dist, "pcapshim-*.aarch64.rpm"), "rpm", "arm64"},
	}
	var got []pkg
	var missing []string
	for _, w := range want {
		m, _ := filepath.Glob(w.path)
		switch len(m) {
		case 0:
			missing = append(missing, filepath.Base(w.path))
		case 1:
			w.path = m[0]
			got = append(got, w)
		default:
			t.Fatalf("dist/ holds %d packages matching %s: run `make packages` (it empties dist/ first)", len(m), filepath.Base(w.path))
		}
	}
	if len(got) == 0 {
		t.Skip("dist/ holds no packages: run `make packages` (make test does)")
	}
	if len(missing) > 0 {
		t.Fatalf("dist/ lacks %v: run `make packages`", missing)
	}
	return got
}

// version is PCAPSHIM_VERSION from shim/tables.c.
func version(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testutil.Root(t), "shim", "tables.c"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`#define PCAPSHIM_VERSION "([^"]+)"`).FindSubmatch(b)
	if m == nil {
		t.Fatal("shim/tables.c defines no PCAPSHIM_VERSION")
	}
	return string(m[1])
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// extract unpacks a package's files into a new directory.
func extract(t *testing.T, p pkg) string {
	t.Helper()
	dir := t.TempDir()
	if p.format == "deb" {
		testutil.Need(t, "dpkg-deb", "dpkg")
		run(t, "dpkg-deb", "-x", p.path, dir)
		return dir
	}
	testutil.Need(t, "rpm2cpio", "rpm")
	testutil.Need(t, "cpio", "cpio")
	cmd := exec.Command("sh", "-c", `rpm2cpio "$1" | cpio -idm --quiet`, "sh", p.path)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("rpm2cpio | cpio of %s: %v\n%s", p.path, err, out)
	}
	return dir
}

// mapSymbols reads the global names of a linker version script.
func mapSymbols(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var names []string
	global := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		switch {
		case l == "global:":
			global = true
		case l == "local:" || strings.HasPrefix(l, "}"):
			global = false
		case global && strings.HasSuffix(l, ";"):
			names = append(names, strings.TrimSuffix(l, ";"))
		}
	}
	sort.Strings(names)
	return names
}

// exported lists the global symbols an object defines.
func exported(t *testing.T, f *elf.File) []string {
	t.Helper()
	syms, err := f.DynamicSymbols()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range syms {
		b := elf.ST_BIND(s.Info)
		if s.Section != elf.SHN_UNDEF && (b == elf.STB_GLOBAL || b == elf.STB_WEAK) {
			names = append(names, s.Name)
		}
	}
	sort.Strings(names)
	return names
}

// newestGlibc is the newest GLIBC_x.y[.z] version an object needs, and the
// symbols needing it.
func newestGlibc(t *testing.T, f *elf.File) (string, []string) {
	t.Helper()
	syms, err := f.ImportedSymbols()
	if err != nil {
		t.Fatal(err)
	}
	best, who := "", []string(nil)
	for _, s := range syms {
		v, ok := strings.CutPrefix(s.Version, "GLIBC_")
		if !ok {
			continue
		}
		switch c := compareVersions(v, best); {
		case best == "" || c > 0:
			best, who = v, []string{s.Name}
		case c == 0:
			who = append(who, s.Name)
		}
	}
	return best, who
}

func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

func soname(t *testing.T, f *elf.File) string {
	t.Helper()
	s, err := f.DynString(elf.DT_SONAME)
	if err != nil || len(s) != 1 {
		t.Fatalf("no single DT_SONAME (%v, %v)", s, err)
	}
	return s[0]
}
