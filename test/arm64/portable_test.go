package arm64

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// archSpecific matches code that only holds on one architecture: inline
// assembly, x86 fences and barriers, architecture macros and GOARCH tests,
// hard-coded syscall numbers.
var archSpecific = regexp.MustCompile(`\b(asm|__asm__|mfence|lfence|sfence|__sync_synchronize|_mm_[a-z]+)\b\s*[\(\"]|` +
	`\b__(x86_64|i386|aarch64|arm)__\b|runtime\.GOARCH|\bsyscall\.Syscall6?\(\s*[0-9]|\bSYS_[A-Z0-9_]+\s*=\s*[0-9]`)

// gated reports whether a file only builds for one architecture: by its
// name (_amd64.go, _arm64.s, ...) or a //go:build line naming one.
func gated(path string, src []byte) bool {
	base := filepath.Base(path)
	for _, a := range []string{"_amd64", "_arm64", "_386", "_arm."} {
		if strings.Contains(base, a) {
			return true
		}
	}
	for _, l := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(l, "//go:build") && regexp.MustCompile(`\b(amd64|arm64|386|arm)\b`).MatchString(l) {
			return true
		}
	}
	return false
}

// TestNoArchSpecificCode: the library's sources (core/, shim/, exanic/) hold
// no architecture-specific code outside files gated to one architecture.
func TestNoArchSpecificCode(t *testing.T) {
	root := testutil.Root(t)
	checked := 0
	for _, dir := range []string{"core", "shim", "exanic"} {
		err := filepath.Walk(filepath.Join(root, dir), func(path string, fi os.FileInfo, err error) error {
			if os.IsNotExist(err) {
				return filepath.SkipDir
			}
			if err != nil || fi.IsDir() {
				return err
			}
			ext := filepath.Ext(path)
			if ext != ".go" && ext != ".c" && ext != ".h" || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			checked++
			if gated(path, src) {
				return nil
			}
			for i, l := range strings.Split(string(src), "\n") {
				code := l
				if j := strings.Index(code, "//"); j >= 0 {
					code = code[:j]
				}
				if m := archSpecific.FindString(code); m != "" {
					rel, _ := filepath.Rel(root, path)
					t.Errorf("%s:%d: %q is architecture-specific: move it to a file gated to one architecture (name_amd64.go / //go:build arm64) with a twin for the other, or use a portable form (sync/atomic, C11 __atomic, named syscall constants)", rel, i+1, m)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if checked < 20 {
		t.Fatalf("only %d source files checked: has the tree moved?", checked)
	}
}
