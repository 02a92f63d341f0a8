package abi

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// versionMap is what versions.map declares: the global names in file
// order, and whether it ends with "local: *;".
type versionMap struct {
	globals   []string
	localStar bool
}

var (
	mapComment = regexp.MustCompile(`(?s)/\*.*?\*/`)
	mapName    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*;$`)
)

// readVersionMap parses versions.map, failing on anything but an anonymous
// node with one "name;" a line under global: and "*;" under local:.
func readVersionMap(t *testing.T) versionMap {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testutil.Root(t), "versions.map"))
	if err != nil {
		t.Fatalf("versions.map: %v", err)
	}
	text := mapComment.ReplaceAllString(string(b), "")
	var vm versionMap
	section := ""
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case line == "{" || line == "};":
			if line == "{" && section != "" {
				t.Fatalf("versions.map:%d: only one (anonymous) version node expected", i+1)
			}
			section = "node"
		case line == "global:" || line == "local:":
			section = line
		case section == "global:" && mapName.MatchString(line):
			vm.globals = append(vm.globals, strings.TrimSuffix(line, ";"))
		case section == "local:" && line == "*;":
			vm.localStar = true
		default:
			t.Fatalf("versions.map:%d: unexpected %q (want one `name;` a line under global:, `*;` under local:)", i+1, line)
		}
	}
	return vm
}

// TestVersionMap checks that versions.map lists exactly the system
// libpcap's exports plus the remote-capture calls, sorted, and hides the
// rest.
func TestVersionMap(t *testing.T) {
	vm := readVersionMap(t)
	if !vm.localStar {
		t.Error("versions.map lacks `local: *;`: without it the Go glue and C helpers would be exported")
	}
	if !sort.StringsAreSorted(vm.globals) {
		t.Error("versions.map global names are not sorted (keep them sorted so diffs stay readable)")
	}
	seen := map[string]bool{}
	for _, n := range vm.globals {
		if seen[n] {
			t.Errorf("versions.map lists %s twice", n)
		}
		seen[n] = true
	}
	want := expectedExports(t)
	missing, extra := diff(want, vm.globals)
	if len(missing) > 0 {
		t.Errorf("versions.map lacks %d symbols the system libpcap exports (or remote calls): %v", len(missing), missing)
	}
	if len(extra) > 0 {
		t.Errorf("versions.map exports %d symbols libpcap does not: %v", len(extra), extra)
	}
	if len(vm.globals) != 106 || len(want) != 106 {
		t.Errorf("versions.map has %d globals, the system libpcap plus remote calls %d; both should be 106",
			len(vm.globals), len(want))
	}
}
