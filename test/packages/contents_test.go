package packages

import (
	"debug/elf"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// TestContents checks what each package installs, file by file.
func TestContents(t *testing.T) {
	root := testutil.Root(t)
	frontSyms := mapSymbols(t, filepath.Join(root, "versions.map"))
	backendSyms := backendEntryPoints(t, root)
	for _, p := range packages(t) {
		t.Run(p.name(), func(t *testing.T) {
			dir := extract(t, p)
			lib := filepath.Join(dir, p.libDir())

			// Every ELF object in the package is for the package's machine.
			elves := 0
			err := filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
				if err != nil || !fi.Mode().IsRegular() {
					return err
				}
				f, err := elf.Open(path)
				if err != nil {
					return nil // not ELF
				}
				defer f.Close()
				elves++
				rel := strings.TrimPrefix(path, dir)
				if f.Machine != p.machine() || f.Class != elf.ELFCLASS64 || f.Data != elf.ELFDATA2LSB {
					t.Errorf("%s: ELF %v %v %v in the %s package, want %v 64-bit little-endian",
						rel, f.Machine, f.Class, f.Data, p.arch, p.machine())
				}
				if fi.Mode()&0o111 != 0o111 {
					t.Errorf("%s: mode %v, want executable bits set (0755)", rel, fi.Mode())
				}
				if !strings.HasPrefix(rel, p.libDir()+"/") {
					t.Errorf("%s: a binary outside the private directory %s", rel, p.libDir())
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if elves != 2 {
				t.Errorf("%d ELF files in the package, want 2 (libpcapshim.so, libpcapshim-go.so)", elves)
			}

			// The library's names: both SONAMEs programs ask for, links to
			// the front library, all inside the private directory.
			for _, n := range []string{"libpcap.so.0.8", "libpcap.so.1", "libpcap.so"} {
				target, err := os.Readlink(filepath.Join(lib, n))
				if err != nil || target != "libpcapshim.so" {
					t.Errorf("%s/%s: link to %q (%v), want a link to libpcapshim.so", p.libDir(), n, target, err)
				}
			}
			err = filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
				if err == nil && strings.HasPrefix(fi.Name(), "libpcap") && filepath.Dir(path) != lib {
					t.Errorf("%s: a libpcap file outside %s would shadow the distribution's", strings.TrimPrefix(path, dir), p.libDir())
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}

			front := openELF(t, filepath.Join(lib, "libpcapshim.so"))
			back := openELF(t, filepath.Join(lib, "libpcapshim-go.so"))
			if s := soname(t, front); s != "libpcap.so.0.8" {
				t.Errorf("libpcapshim.so SONAME %q, want libpcap.so.0.8", s)
			}
			if s := soname(t, back); s != "libpcapshim-go.so" {
				t.Errorf("libpcapshim-go.so SONAME %q, want libpcapshim-go.so", s)
			}
			if got := exported(t, front); !reflect.DeepEqual(got, frontSyms) {
				t.Errorf("libpcapshim.so exports differ from versions.map:\n%s", setDiff(frontSyms, got))
			}
			if got := exported(t, back); !reflect.DeepEqual(got, backendSyms) {
				t.Errorf("libpcapshim-go.so exports differ from the entry points shim/backend.c looks up:\n%s", setDiff(backendSyms, got))
			}

			// glibc floor.
			for name, f := range map[string]*elf.File{"libpcapshim.so": front, "libpcapshim-go.so": back} {
				v, who := newestGlibc(t, f)
				if len(who) > 4 {
					who = append(who[:4:4], "...")
				}
				t.Logf("%s %s needs GLIBC_%s (%s)", p.arch, name, v, strings.Join(who, " "))
				if v == "" || compareVersions(v, glibcFloor) > 0 {
					t.Errorf("%s needs GLIBC_%s (%v), above the floor %s: pin it in packaging/glibc/floor-%s.h or stop calling it",
						name, v, who, glibcFloor, p.arch)
				}
			}

			// Launcher, headers, pkg-config, man page, README.
			launcher := filepath.Join(dir, "usr/bin/pcapshim")
			if fi, err := os.Stat(launcher); err != nil || fi.Mode()&0o111 != 0o111 {
				t.Errorf("/usr/bin/pcapshim missing or not executable (%v)", err)
			} else if b, _ := os.ReadFile(launcher); !strings.Contains(string(b), "libdir="+p.libDir()+"\n") {
				t.Errorf("/usr/bin/pcapshim does not point at %s", p.libDir())
			}
			for _, h := range []string{"pcap.h", "pcap/pcap.h", "pcap/bpf.h", "pcap/dlt.h"} {
				if _, err := os.Stat(filepath.Join(dir, "usr/include/pcapshim", h)); err != nil {
					t.Errorf("header /usr/include/pcapshim/%s missing", h)
				}
			}
			pc, err := os.ReadFile(filepath.Join(dir, p.pcDir(), "pcapshim.pc"))
			if err != nil {
				t.Errorf("pkg-config file: %v", err)
			} else {
				for _, want := range []string{"libdir=" + p.libDir() + "\n", "Cflags: -I${includedir}", "-lpcap", "Version: " + version(t) + "\n"} {
					if !strings.Contains(string(pc), want) {
						t.Errorf("pcapshim.pc lacks %q:\n%s", want, pc)
					}
				}
			}
			for _, f := range []string{"usr/share/man/man1/pcapshim.1.gz", "usr/share/doc/pcapshim/README.md"} {
				if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() == 0 {
					t.Errorf("/%s missing or empty", f)
				}
			}
		})
	}
}

func openELF(t *testing.T, path string) *elf.File {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// backendEntryPoints are the pcapshim_go_* names shim/backend.c looks up.
func backendEntryPoints(t *testing.T, root string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "shim", "backend.c"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range regexp.MustCompile(`sym\(h, "(pcapshim_go_[a-z_]+)"\)`).FindAllSubmatch(b, -1) {
		names = append(names, string(m[1]))
	}
	if len(names) < 5 {
		t.Fatalf("found only %d sym(h, \"pcapshim_go_...\") look-ups in shim/backend.c: update this test", len(names))
	}
	sort.Strings(names)
	return names
}

func setDiff(want, got []string) string {
	w, g := map[string]bool{}, map[string]bool{}
	for _, s := range want {
		w[s] = true
	}
	for _, s := range got {
		g[s] = true
	}
	var b strings.Builder
	for _, s := range want {
		if !g[s] {
			b.WriteString("  missing: " + s + "\n")
		}
	}
	for _, s := range got {
		if !w[s] {
			b.WriteString("  extra:   " + s + "\n")
		}
	}
	return b.String()
}
