package abi

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

// typesProgram is C++ that prints the mangled type (typeid) of every
// exported function and of every member and typedef in publicTypes: two
// prototypes or members with the same mangled type are the same to the
// ABI, down to const qualifiers and signedness.
func typesProgram(functions []string) string {
	var b strings.Builder
	b.WriteString("#include <typeinfo>\n#include <cstdio>\n")
	b.WriteString(includeAll())
	b.WriteString("int main()\n{\n")
	for _, f := range functions {
		fmt.Fprintf(&b, "\tstd::printf(\"%s %%s\\n\", typeid(%s).name());\n", f, f)
	}
	for _, ty := range publicTypes {
		if ty.members == nil {
			fmt.Fprintf(&b, "\tstd::printf(\"%s %%s\\n\", typeid(%s).name());\n", ty.name, ty.name)
		}
		for _, m := range ty.members {
			fmt.Fprintf(&b, "\tstd::printf(\"%s.%s %%s\\n\", typeid(decltype(((%s *)0)->%s)).name());\n",
				ty.name, m, ty.name, m)
		}
	}
	b.WriteString("\treturn 0;\n}\n")
	return b.String()
}

// TestPrototypes compares the type of every exported function, structure
// member and public typedef between our headers and the system's. The
// remote-capture calls, which the system library does not export, are
// still declared by its headers, so they are compared too.
func TestPrototypes(t *testing.T) {
	gxx, err := exec.LookPath("g++")
	if err != nil {
		t.Skip("g++ not installed (apt-get install g++): prototypes are compared through C++ typeid")
	}
	needSystemHeaders(t)
	var functions []string
	for _, n := range readVersionMap(t).globals {
		if !dataNames[n] {
			functions = append(functions, n)
		}
	}
	dir := t.TempDir()
	src := writeFile(t, dir, "types.cc", typesProgram(functions))
	run := func(flags ...string) []string {
		exe := dir + "/types" + fmt.Sprint(len(flags))
		args := append([]string{"-Wno-deprecated-declarations", "-o", exe, src}, flags...)
		if out, err := exec.Command(gxx, args...).CombinedOutput(); err != nil {
			t.Fatalf("g++ %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		out, err := exec.Command(exe).Output()
		if err != nil {
			t.Fatalf("%s: %v", exe, err)
		}
		return strings.Split(strings.TrimSpace(string(out)), "\n")
	}
	ours, system := run(ourInclude(t)), run()
	if len(ours) != len(system) || len(ours) < len(functions) {
		t.Fatalf("types program printed %d lines with our headers, %d with the system's (%d functions)", len(ours), len(system), len(functions))
	}
	for i := range ours {
		if ours[i] != system[i] {
			t.Errorf("type differs:\n  ours:   %s\n  system: %s", ours[i], system[i])
		}
	}
	t.Logf("%d function, member and typedef types compared", len(ours))
}
