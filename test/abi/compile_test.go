package abi

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// strict are the warning flags a header must be clean under.
var strict = []string{"-Wall", "-Wextra", "-Werror", "-pedantic"}

// compileOnly runs the compiler with -fsyntax-only on src and fails the
// test, with the compiler's messages, if it does not accept it.
func compileOnly(t *testing.T, compiler string, flags []string, src string) {
	t.Helper()
	args := append(append([]string{"-fsyntax-only"}, flags...), src)
	out, err := exec.Command(compiler, args...).CombinedOutput()
	if err != nil {
		t.Errorf("%s %s: %v\n%s", compiler, strings.Join(args, " "), err, out)
	}
}

// TestHeadersCompile compiles every header together and each header on
// its own (so each is self-contained), as gnu11 C and, if g++ is
// installed, as C++, with warnings as errors.
func TestHeadersCompile(t *testing.T) {
	testutil.Need(t, "gcc", "gcc")
	dir := t.TempDir()
	inc := ourInclude(t)
	// Take the address of every function versions.map exports (so each
	// must be declared) and use the function-like macros.
	var table strings.Builder
	for _, n := range readVersionMap(t).globals {
		if !dataNames[n] {
			table.WriteString("\t(void (*)(void))" + n + ",\n")
		}
	}
	// Three of them are deprecated; that warning is wanted, but not here.
	body := includeAll() + `
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
void (*const pcapshim_api[])(void) = {
` + table.String() + `};
#pragma GCC diagnostic pop
static int use_macros(void)
{
	struct bpf_insn prog[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x800, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 65535),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	return (int)sizeof(prog) + DLT_CLASS(DLT_EN10MB) +
	    (int)LT_FCS_LENGTH(0x14000000u) + (int)BPF_WORDALIGN(3) +
	    PCAP_ERROR_BREAK + (int)sizeof(struct pcap_rmtauth);
}
int main(void)
{
	return use_macros() == 0 && pcapshim_api[0] != 0;
}
`
	type unit struct{ name, src string }
	units := []unit{{"all.c", body}}
	for i, h := range headers {
		// The typedef keeps headers with only macros from leaving an
		// empty translation unit (a -pedantic error).
		units = append(units, unit{
			name: "one" + string(rune('a'+i)) + ".c",
			src:  "#include <" + h + ">\ntypedef int pcapshim_nonempty;\n",
		})
	}
	gxx, gxxErr := exec.LookPath("g++")
	if gxxErr != nil {
		t.Log("g++ not installed: C++ compilation skipped (apt-get install g++ to run it)")
	}
	for _, u := range units {
		src := writeFile(t, dir, u.name, u.src)
		compileOnly(t, "gcc", append([]string{"-std=gnu11", inc}, strict...), src)
		if gxxErr == nil {
			cc := writeFile(t, dir, u.name+"c", u.src)
			compileOnly(t, gxx, append([]string{"-x", "c++", inc}, strict...), cc)
		}
	}
}
