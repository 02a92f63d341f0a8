package filter

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/core/bpf"
)

// sysc is a helper that compiles with the system libpcap (a development
// tool outside the repository); the test below runs only where it is.
const syscPath = "/work/tools/sysc"

func sysc(t *testing.T, opt int, expr string) ([]bpf.Insn, string) {
	out, err := exec.Command(syscPath, "EN10MB", fmt.Sprint(opt), expr).CombinedOutput()
	if strings.HasPrefix(string(out), "ERROR:") {
		return nil, strings.TrimSpace(string(out))
	}
	if err != nil {
		t.Fatalf("sysc: %v: %s", err, out)
	}
	prog, err := bpf.ParseImage(string(out))
	if err != nil {
		t.Fatalf("sysc output: %v", err)
	}
	return prog, ""
}

// TestOptimiseAgainstSystemLibpcap compiles random expressions with the
// system libpcap unoptimised, optimises the rebuilt graph, and compares
// with the system libpcap's optimised program.
func TestOptimiseAgainstSystemLibpcap(t *testing.T) {
	if _, err := os.Stat(syscPath); err != nil {
		t.Skip("no system libpcap helper")
	}
	rng := uint64(7)
	next := func(n int) int {
		rng ^= rng << 13
		rng ^= rng >> 7
		rng ^= rng << 17
		return int(rng % uint64(n))
	}
	var gen func(depth int) string
	gen = func(depth int) string {
		if depth == 0 || next(3) == 0 {
			off, v := 12+next(3), next(3)
			switch next(4) {
			case 0:
				return fmt.Sprintf("ether[%d] = %d", off, v)
			case 1:
				return fmt.Sprintf("ether[%d] > %d", off, v)
			case 2:
				return fmt.Sprintf("ether[%d] & %d = 0", off, 1+next(3))
			default:
				return fmt.Sprintf("ether[%d] <= %d", off, v)
			}
		}
		a, b := gen(depth-1), gen(depth-1)
		var e string
		switch next(3) {
		case 0:
			e = "(" + a + " and " + b + ")"
		case 1:
			e = "(" + a + " or " + b + ")"
		default:
			e = "(" + a + " or not " + b + ")"
		}
		if next(4) == 0 {
			e = "not " + e
		}
		return e
	}
	n, identical, libpcapWrong := 0, 0, 0
	for i := 0; i < oracleCases; i++ {
		expr := gen(4)
		unopt, _ := sysc(t, 0, expr)
		want, wantErr := sysc(t, 1, expr)
		c := testCompiler()
		root, ok := graphFromProgram(c, unopt)
		if !ok {
			t.Fatalf("%s: cannot rebuild graph", expr)
		}
		got, err := optimiseAndEmit(c, root)
		n++
		if err != nil || wantErr != "" {
			if (err == nil) != (wantErr == "") {
				t.Errorf("%s: ours %v, libpcap %q", expr, err, wantErr)
			} else {
				identical++
			}
			continue
		}
		if sameProgram(got, want) {
			identical++
			if r := bpf.Equivalent(longOnly(unopt), longOnly(want), bpf.EquivConfig{MaxTime: 50 * time.Millisecond}); !r.Equal {
				libpcapWrong++
				if libpcapWrong == 1 {
					t.Logf("libpcap's optimiser changes the meaning of %s:\n--- unoptimised\n%s--- optimised\n%s", expr, bpf.Dump(unopt), bpf.Dump(want))
				}
			}
			continue
		}
		res := bpf.Equivalent(longOnly(want), longOnly(got), bpf.EquivConfig{MaxTime: 100 * time.Millisecond})
		if res.Equal {
			// Where libpcap uses stale dominators (see optimizeBlocks)
			// the programs may differ in form.
			t.Logf("%s: differs in form from libpcap", expr)
			continue
		}
		t.Errorf("%s: differs from libpcap (semantically equal: %v)\n--- libpcap\n%s--- ours\n%s", expr, res.Equal, bpf.Dump(want), bpf.Dump(got))
	}
	t.Logf("%d/%d identical to the system libpcap; libpcap's own optimiser changed the meaning of %d", identical, n, libpcapWrong)
}

// oracleCases is the number of expressions TestOptimiseAgainstSystemLibpcap tries.
var oracleCases = 300
