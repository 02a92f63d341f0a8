package abi

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// TestFrontExports checks that the front library exports exactly libpcap's
// symbols plus the remote-capture calls: no Go runtime, no cgo glue, no
// helper of ours.
func TestFrontExports(t *testing.T) {
	lib := frontLib(t)
	got := definedDynamic(t, lib)
	want := expectedExports(t)
	missing, extra := diff(want, got)
	if len(missing) > 0 {
		t.Errorf("%s does not export %d libpcap symbols: %v", lib, len(missing), missing)
	}
	if len(extra) > 0 {
		t.Errorf("%s exports %d symbols libpcap does not (link with -Wl,--version-script=versions.map): %v", lib, len(extra), extra)
	}
	t.Logf("%s exports %d symbols, %d expected", lib, len(got), len(want))
}

// dynSym is one row of `readelf --dyn-syms`.
type dynSym struct {
	size    int64
	typ     string // FUNC, OBJECT, ...
	defined bool
}

// dynSyms reads the dynamic symbol table of a shared object.
func dynSyms(t *testing.T, lib string) map[string]dynSym {
	t.Helper()
	testutil.Need(t, "readelf", "binutils")
	syms := map[string]dynSym{}
	sc := bufio.NewScanner(strings.NewReader(command(t, "readelf", "--dyn-syms", "-W", lib)))
	for sc.Scan() {
		// Num: Value Size Type Bind Vis Ndx Name
		f := strings.Fields(sc.Text())
		if len(f) < 8 || !strings.HasSuffix(f[0], ":") {
			continue
		}
		size, err := strconv.ParseInt(f[2], 0, 64)
		if err != nil {
			continue
		}
		name, _, _ := strings.Cut(f[7], "@")
		syms[name] = dynSym{size: size, typ: f[3], defined: f[6] != "UND"}
	}
	return syms
}

// TestFrontSymbolTypes checks that the data objects are objects of the
// system library's sizes (a program copy-relocates them, so the size is
// ABI) and that every other export is a function.
func TestFrontSymbolTypes(t *testing.T) {
	ours, system := dynSyms(t, frontLib(t)), dynSyms(t, testutil.SystemLib(t))
	for _, n := range expectedExports(t) {
		o := ours[n]
		if !o.defined {
			t.Errorf("%s is not defined in our library", n)
			continue
		}
		if !dataNames[n] {
			if o.typ != "FUNC" {
				t.Errorf("%s is a %s in our library, want FUNC", n, o.typ)
			}
			continue
		}
		s := system[n]
		if o.typ != "OBJECT" || s.typ != "OBJECT" {
			t.Errorf("%s: type %s in ours, %s in the system library; both must be OBJECT", n, o.typ, s.typ)
		}
		if o.size != s.size {
			t.Errorf("%s: %d bytes in ours, %d in the system library", n, o.size, s.size)
		}
	}
}

// dynamicTags returns the values of one tag (NEEDED, SONAME) of the
// dynamic section.
func dynamicTags(t *testing.T, lib, tag string) []string {
	t.Helper()
	testutil.Need(t, "readelf", "binutils")
	var vals []string
	sc := bufio.NewScanner(strings.NewReader(command(t, "readelf", "-d", "-W", lib)))
	for sc.Scan() {
		line := sc.Text()
		if !strings.Contains(line, "("+tag+")") {
			continue
		}
		if i, j := strings.Index(line, "["), strings.LastIndex(line, "]"); i >= 0 && j > i {
			vals = append(vals, line[i+1:j])
		}
	}
	return vals
}

// TestFrontSonameAndLinks checks the SONAME, that both names hosts link
// with lead to the same file, and that the front library needs only libc.
func TestFrontSonameAndLinks(t *testing.T) {
	dir := testutil.LibDir(t)
	lib := frontLib(t)
	if got := dynamicTags(t, lib, "SONAME"); len(got) != 1 || got[0] != "libpcap.so.0.8" {
		t.Errorf("SONAME of %s is %v, want [libpcap.so.0.8] (link with -Wl,-soname,libpcap.so.0.8)", lib, got)
	}
	other, err := filepath.EvalSymlinks(filepath.Join(dir, "libpcap.so.1"))
	if err != nil {
		t.Fatal(err)
	}
	if other != lib {
		t.Errorf("libpcap.so.1 resolves to %s but libpcap.so.0.8 to %s; both must reach the same file", other, lib)
	}
	if fi, err := os.Stat(lib); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("%s is not a regular file: %v", lib, err)
	}
	// glibc only: libc, libdl and libpthread (merged into libc since 2.34;
	// before that pthread_once and the dl* functions live there, so the
	// glibc floor, README "glibc floor", names them), and the dynamic
	// loader, which every dynamically linked process has mapped anyway (a
	// __thread variable in a shared object needs its __tls_get_addr).
	allowed := map[string]bool{"libc.so.6": true, "libdl.so.2": true, "libpthread.so.0": true}
	needed := dynamicTags(t, lib, "NEEDED")
	for _, n := range needed {
		if !allowed[n] && !strings.HasPrefix(n, "ld-linux") {
			t.Errorf("%s needs %s; the front library may need only glibc (libc, libdl, libpthread): it loads the Go backend with dlopen", lib, n)
		}
	}
	if len(needed) == 0 {
		t.Errorf("%s has no NEEDED entries; expected libc.so.6", lib)
	}
}

// TestGoBackendExports checks that the Go backend exports only the
// pcapshim_go_ entry points, so its runtime and cgo glue cannot clash with
// anything in the host.
func TestGoBackendExports(t *testing.T) {
	lib := filepath.Join(testutil.LibDir(t), "libpcapshim-go.so")
	if _, err := os.Stat(lib); err != nil {
		t.Fatalf("%s missing: run `make` first", lib)
	}
	names := definedDynamic(t, lib)
	var foreign []string
	for _, n := range names {
		if !strings.HasPrefix(n, "pcapshim_go_") {
			foreign = append(foreign, n)
		}
	}
	if len(foreign) > 0 {
		t.Errorf("%s exports %d symbols besides pcapshim_go_* (link it with -ldflags=-extldflags=-Wl,--version-script=<map with pcapshim_go_*; local: *;>): %v",
			lib, len(foreign), foreign)
	}
	if len(names) == len(foreign) {
		t.Errorf("%s exports no pcapshim_go_* symbol", lib)
	}
	t.Logf("%s exports %d symbols", lib, len(names))
}
