package abi

import (
	"bufio"
	"fmt"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// allowedMissing are macros the system headers define that ours may lack,
// with the reason. Everything else the system defines we must define too.
var allowedMissing = map[string]string{
	// (none so far: ours define every name libpcap 1.10's headers define
	// on Linux, include guards included)
}

// libcHeaders are the C library headers the libpcap headers include;
// macros they define are not libpcap's and are left out.
var libcHeaders = []string{
	"stdio.h", "inttypes.h", "sys/types.h", "sys/time.h", "sys/socket.h",
	"netdb.h", "netinet/in.h", "arpa/inet.h",
}

// macro is one #define as `gcc -dM` prints it.
type macro struct {
	params []string // nil for an object-like macro
	fn     bool     // function-like (maybe with no parameters)
	body   string
}

var defineLine = regexp.MustCompile(`^#define ([A-Za-z_][A-Za-z0-9_]*)(\(([^)]*)\))? ?(.*)$`)

// macros preprocesses src with flags and returns every macro defined.
func macros(t *testing.T, src string, flags ...string) map[string]macro {
	t.Helper()
	args := append([]string{"-E", "-dM", "-std=gnu11"}, flags...)
	out := command(t, "gcc", append(args, src)...)
	defs := map[string]macro{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		m := defineLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		d := macro{fn: m[2] != "", body: strings.TrimSpace(m[4])}
		if d.fn && strings.TrimSpace(m[3]) != "" {
			d.params = strings.Split(m[3], ",")
		}
		defs[m[1]] = d
	}
	return defs
}

// probe is one expression to evaluate under both header sets.
type probe struct {
	name string // the macro
	expr string // the macro, with arguments if function-like
}

// probeArgs are the argument lists function-like macros are evaluated
// with: one with many bits set, one with small values.
var probeArgs = [][]string{
	{"0xF4A5C3E7u", "0x0B5A6987u", "0x3C3u", "0x5u"},
	{"3u", "12u", "1u", "0u"},
}

// probesFor lists the expressions that evaluate the named macros.
func probesFor(names []string, defs map[string]macro) []probe {
	var ps []probe
	for _, n := range names {
		d := defs[n]
		if d.body == "" {
			continue // nothing to evaluate (include guards, markers)
		}
		if !d.fn {
			ps = append(ps, probe{n, n})
			continue
		}
		if len(d.params) > len(probeArgs[0]) {
			continue
		}
		for _, set := range probeArgs {
			ps = append(ps, probe{n, n + "(" + strings.Join(set[:len(d.params)], ", ") + ")"})
		}
	}
	return ps
}

var errorLine = regexp.MustCompile(`^[^:]*probe\.c:(\d+):\d+: error`)

// accepted returns, for each probe, whether `decl` (a format with the
// index and the expression) compiles with the given header flags. Each
// probe is a declaration on its own line, so an error's line number says
// which probe failed. The parser's error recovery can swallow the line
// after a bad one, so failing probes are dropped and the rest compiled
// again until they compile cleanly.
func accepted(t *testing.T, dir string, ps []probe, decl string, flags ...string) []bool {
	t.Helper()
	ok := make([]bool, len(ps))
	for i := range ok {
		ok[i] = true
	}
	head := includeAll()
	for round := 0; ; round++ {
		var b strings.Builder
		b.WriteString(head)
		var lineProbe []int // line number - 1 -> probe index, -1 for headers
		for range strings.Count(head, "\n") {
			lineProbe = append(lineProbe, -1)
		}
		for i, p := range ps {
			if ok[i] {
				fmt.Fprintf(&b, decl+"\n", i, p.expr)
				lineProbe = append(lineProbe, i)
			}
		}
		src := writeFile(t, dir, "probe.c", b.String())
		// Without macro-expansion tracking, errors inside an expansion
		// are reported at the line that uses the macro.
		args := append([]string{"-fsyntax-only", "-std=gnu11", "-w", "-fmax-errors=0", "-ftrack-macro-expansion=0"}, flags...)
		out, err := exec.Command("gcc", append(args, src)...).CombinedOutput()
		if err == nil {
			return ok
		}
		dropped := 0
		sc := bufio.NewScanner(strings.NewReader(string(out)))
		for sc.Scan() {
			if m := errorLine.FindStringSubmatch(sc.Text()); m != nil {
				n, _ := strconv.Atoi(m[1])
				if n >= 1 && n <= len(lineProbe) && lineProbe[n-1] >= 0 && ok[lineProbe[n-1]] {
					ok[lineProbe[n-1]] = false
					dropped++
				}
			}
		}
		if dropped == 0 || round > 50 {
			t.Fatalf("probing macros with %v: gcc fails outside the probes: %v\n%s", flags, err, out)
		}
	}
}

// values builds and runs a program printing each probe with printf
// format f, under the given header flags.
func values(t *testing.T, dir string, ps []probe, f string, flags ...string) []string {
	t.Helper()
	var b strings.Builder
	b.WriteString(includeAll() + "#include <stdio.h>\nint main(void)\n{\n")
	for _, p := range ps {
		fmt.Fprintf(&b, "\tprintf(\"%%s = %s\\n\", %q, %s);\n", f, p.expr, p.expr)
	}
	b.WriteString("\treturn 0;\n}\n")
	src := writeFile(t, dir, "values.c", b.String())
	exe := testutil.BuildC(t, "values", []string{src}, append([]string{"-std=gnu11", "-w"}, flags...)...)
	out, err := exec.Command(exe).Output()
	if err != nil {
		t.Fatalf("%s: %v", exe, err)
	}
	return strings.Split(strings.TrimRight(string(out), "\n"), "\n")
}

// TestMacros compares every macro both header sets define: integer
// constants and function-like macros by value (evaluated by the
// compiler, so 0x10 and 16 agree), strings by content, the rest by shape
// (object- or function-like, parameter count, emptiness). Macros the
// system headers define that ours lack fail unless allow-listed.
func TestMacros(t *testing.T) {
	testutil.Need(t, "gcc", "gcc")
	needSystemHeaders(t)
	dir := t.TempDir()
	var libc strings.Builder
	for _, h := range libcHeaders {
		libc.WriteString("#include <" + h + ">\n")
	}
	base := macros(t, writeFile(t, dir, "libc.c", libc.String()))
	all := writeFile(t, dir, "all.c", includeAll())
	ours, system := macros(t, all, ourInclude(t)), macros(t, all)

	var common, missing []string
	for n := range system {
		if _, ok := base[n]; ok {
			continue
		}
		if _, ok := ours[n]; ok {
			common = append(common, n)
		} else if _, ok := allowedMissing[n]; !ok {
			missing = append(missing, n)
		}
	}
	sort.Strings(common)
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("our headers lack %d macros the system headers define (add them, or allow-list them with a reason): %v", len(missing), missing)
	}
	if len(common) < 300 {
		t.Fatalf("only %d libpcap macros found in both header sets; expected several hundred", len(common))
	}

	// Sort the common macros into integers, strings and the rest. A
	// probe must compile under both sets to be compared by value; one
	// that compiles under only one is a mismatch.
	ps := probesFor(common, system)
	const intDecl = "static const long long pcapshim_v%d = (long long)(%s);"
	const strDecl = "static const char pcapshim_s%d[] = \"\" %s \"\";" // literals only
	intOurs, intSys := accepted(t, dir, ps, intDecl, ourInclude(t)), accepted(t, dir, ps, intDecl)
	strOurs, strSys := accepted(t, dir, ps, strDecl, ourInclude(t)), accepted(t, dir, ps, strDecl)
	var ints, strs []probe
	evaluated := map[string]bool{}
	for i, p := range ps {
		switch {
		case strOurs[i] && strSys[i]: // first: gcc also casts addresses
			strs = append(strs, p)
		case intOurs[i] && intSys[i]:
			ints = append(ints, p)
		case intOurs[i] != intSys[i] || strOurs[i] != strSys[i]:
			t.Errorf("%s: is a constant under one header set only (ours %s, system %s)", p.expr, ours[p.name].body, system[p.name].body)
		default:
			continue
		}
		evaluated[p.name] = true
	}
	compare := func(kind string, a, b []string) {
		if len(a) != len(b) {
			t.Fatalf("%s: %d values with our headers, %d with the system's", kind, len(a), len(b))
		}
		for i := range a {
			if a[i] != b[i] {
				t.Errorf("%s value differs:\n  ours:   %s\n  system: %s", kind, a[i], b[i])
			}
		}
	}
	compare("integer", values(t, dir, ints, "%lld", ourInclude(t)), values(t, dir, ints, "%lld"))
	compare("string", values(t, dir, strs, "\\\"%s\\\"", ourInclude(t)), values(t, dir, strs, "\\\"%s\\\""))

	shapes := 0
	for _, n := range common {
		if evaluated[n] {
			continue
		}
		o, s := ours[n], system[n]
		if o.fn != s.fn || len(o.params) != len(s.params) || (o.body == "") != (s.body == "") {
			t.Errorf("%s: shape differs: ours %q (function-like %v, %d params), system %q (function-like %v, %d params)",
				n, o.body, o.fn, len(o.params), s.body, s.fn, len(s.params))
		}
		shapes++
	}
	t.Logf("%d macros in both: %d integer and %d string values compared, %d compared by shape",
		len(common), len(ints), len(strs), shapes)
}
