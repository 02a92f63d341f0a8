package filter

import (
	"flag"
	"fmt"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/core/bpf"
	"github.com/pcapshim/pcapshim/core/tables"
	"github.com/pcapshim/pcapshim/test/conformance/vectors"
)

// Flags of TestVectors (after -args): restrict the cases run, and make any
// non-passing case fail the test.
var (
	vecDLT    = flag.String("dlt", "", "TestVectors: only cases of this link type (name, as in the vectors)")
	vecMatch  = flag.String("match", "", "TestVectors: only cases whose label or expression contains this")
	vecKind   = flag.String("kind", "", "TestVectors: only accept, reject or apply cases")
	vecStrict = flag.Bool("strict", false, "TestVectors: fail on any case that does not pass")
	vecBudget = flag.Duration("budget", 100*time.Millisecond, "TestVectors: time for the semantic comparison of one accept case")
	vecJobs   = flag.Int("j", runtime.GOMAXPROCS(0), "TestVectors: cases run in parallel")
)

// loadVectors returns the shared directory and the conformance cases, or
// skips the test when they are absent.
func loadVectors(t *testing.T) (string, []vectors.Case) {
	shared, ok := vectors.SharedDir()
	if !ok {
		t.Skipf("conformance vectors not found under %s: clone the project beside shared/ or set PCAPSHIM_SHARED", shared)
	}
	cases, err := vectors.Load(shared)
	if err != nil {
		t.Fatal(err)
	}
	return shared, cases
}

// TestVectors runs libpcap master's filter test cases against Compile and
// prints scores; failures go to /tmp/vectors-failures-<kind>.txt. Without
// -strict it fails only when the compiler panics.
func TestVectors(t *testing.T) {
	shared, cases := loadVectors(t)
	byKind := map[string][]*vectors.Case{}
	for i := range cases {
		c := &cases[i]
		if *vecKind != "" && c.Kind != *vecKind {
			continue
		}
		if *vecDLT != "" && !strings.EqualFold(caseDLT(shared, c), *vecDLT) {
			continue
		}
		if *vecMatch != "" && !strings.Contains(c.Label, *vecMatch) && !strings.Contains(c.Expr, *vecMatch) {
			continue
		}
		byKind[c.Kind] = append(byKind[c.Kind], c)
	}
	r := &vecRun{t: t, shared: shared}
	for _, kind := range []string{"accept", "reject", "apply"} {
		if len(byKind[kind]) == 0 {
			continue
		}
		start := time.Now()
		fails := &vectors.Failures{}
		var summary string
		switch kind {
		case "accept":
			summary = r.accept(byKind[kind], fails)
		case "reject":
			summary = r.reject(byKind[kind], fails)
		case "apply":
			summary = r.apply(byKind[kind], fails)
		}
		path := fmt.Sprintf("/tmp/vectors-failures-%s.txt", kind)
		if err := fails.Write(path); err != nil {
			t.Errorf("writing %s: %v", path, err)
		}
		t.Logf("%s: %s [%d failures in %s, %.1fs]", kind, summary, fails.Len(), path, time.Since(start).Seconds())
	}
	if n := len(byKind["skip"]) + len(byKind["other"]); n > 0 {
		t.Logf("not run here: %d skip cases, %d other cases (test/conformance runs those)", len(byKind["skip"]), len(byKind["other"]))
	}
}

type vecRun struct {
	t      *testing.T
	shared string
}

// compile calls Compile, turning a panic into an error the test reports.
func (r *vecRun) compile(c *vectors.Case, expr string, o Options) (prog []bpf.Insn, err error, crash string) {
	defer func() {
		if p := recover(); p != nil {
			crash = fmt.Sprintf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	prog, err = Compile(expr, o)
	return prog, err, ""
}

func (r *vecRun) crashed(c *vectors.Case, crash string, fails *vectors.Failures) {
	r.t.Errorf("%s: Compile(%q) crashed: %s", c.Label, c.Expr, crash)
	fails.Add(c, c.DLT, c.Expected, "CRASH: "+crash)
}

// parallel runs f over cases with -j workers.
func parallel(cases []*vectors.Case, f func(*vectors.Case)) {
	jobs := *vecJobs
	if jobs < 1 {
		jobs = 1
	}
	ch := make(chan *vectors.Case)
	var wg sync.WaitGroup
	for i := 0; i < jobs; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range ch {
				f(c)
			}
		}()
	}
	for _, c := range cases {
		ch <- c
	}
	close(ch)
	wg.Wait()
}

func (r *vecRun) accept(cases []*vectors.Case, fails *vectors.Failures) string {
	var mu sync.Mutex
	var total, compiled, semantic, identical, skipped int
	parallel(cases, func(c *vectors.Case) {
		if c.NeedsLinuxExt() || c.Expr == "_enumerate_bpf_image" {
			mu.Lock()
			skipped++
			mu.Unlock()
			return
		}
		var ok, same, sem bool
		defer func() {
			mu.Lock()
			total++
			if ok {
				compiled++
			}
			if sem {
				semantic++
			}
			if same {
				identical++
			}
			mu.Unlock()
		}()
		want, err := bpf.ParseImage(c.Expected)
		if err != nil {
			r.t.Errorf("%s: expected program: %v", c.Label, err)
			return
		}
		dlt := vectors.DLTValue(c.DLT)
		if dlt < 0 {
			r.t.Errorf("%s: unknown DLT name %q", c.Label, c.DLT)
			return
		}
		mask, err := c.NetmaskValue()
		if err != nil {
			r.t.Errorf("%s: %v", c.Label, err)
			return
		}
		got, err, crash := r.compile(c, c.Expr, Options{
			DLT:      dlt,
			Snaplen:  c.SnaplenOr262144(),
			Netmask:  mask,
			Optimize: c.Optimize != 0,
			Swapped:  c.Offline == "swapped",
			Savefile: c.Offline != "",
		})
		switch {
		case crash != "":
			r.crashed(c, crash, fails)
			return
		case err != nil:
			fails.Add(c, c.DLT, c.Expected, "ERROR: "+err.Error())
			if *vecStrict {
				r.t.Errorf("%s: rejected: %v", c.Label, err)
			}
			return
		}
		ok = true
		res := vectors.CompareAccept(want, got, vectors.Corpus(r.shared, dlt), *vecBudget)
		sem, same = res.Semantic, res.Identical
		if !same {
			note := "semantically equal (bytecode differs)"
			if !sem {
				note = "NOT EQUIVALENT: " + res.Detail
			}
			fails.Add(c, c.DLT, c.Expected, bpf.Dump(got)+"--- "+note)
		}
		if *vecStrict && !same {
			r.t.Errorf("%s: program differs (%s)", c.Label, map[bool]string{true: "semantically equal", false: "not equivalent"}[sem])
		}
	})
	pct := func(n int) string {
		return fmt.Sprintf("%d/%d (%.1f%%)", n, total, 100*float64(n)/float64(max(total, 1)))
	}
	return fmt.Sprintf("compiled %s, semantically equal %s, bytecode-identical %s (skipped %d: linuxext or not a filter)",
		pct(compiled), pct(semantic), pct(identical), skipped)
}

func (r *vecRun) reject(cases []*vectors.Case, fails *vectors.Failures) string {
	var mu sync.Mutex
	var total, rejected, contained int
	parallel(cases, func(c *vectors.Case) {
		var rej, has bool
		defer func() {
			mu.Lock()
			total++
			if rej {
				rejected++
			}
			if has {
				contained++
			}
			mu.Unlock()
		}()
		if c.Savefile != "" {
			// A savefile that must fail to open.
			_, _, err := vectors.ReadCapture(filepath.Join(r.shared, "corpus", "libpcap", c.Savefile))
			got := "opened"
			if err != nil {
				rej = true
				got = "Failed opening: " + err.Error()
				has = strings.Contains(got, c.Expected)
			}
			if !has {
				fails.Add(c, "", c.Expected, got)
			}
			return
		}
		dlt := vectors.DLTValue(c.DLT)
		if dlt < 0 {
			r.t.Errorf("%s: unknown DLT name %q", c.Label, c.DLT)
			return
		}
		mask, err := c.NetmaskValue()
		if err != nil {
			r.t.Errorf("%s: %v", c.Label, err)
			return
		}
		prog, err, crash := r.compile(c, c.Expr, Options{
			DLT: dlt, Snaplen: c.SnaplenOr262144(), Netmask: mask, Optimize: c.Optimize != 0,
		})
		if crash != "" {
			r.crashed(c, crash, fails)
			return
		}
		if err == nil {
			fails.Add(c, c.DLT, c.Expected, "ACCEPTED:\n"+bpf.Dump(prog))
		} else {
			rej = true
			has = strings.Contains(err.Error(), c.Expected)
			if !has {
				fails.Add(c, c.DLT, c.Expected, "ERROR: "+err.Error())
			}
		}
		if *vecStrict && !has {
			r.t.Errorf("%s: %q not rejected with %q", c.Label, c.Expr, c.Expected)
		}
	})
	pct := func(n int) string {
		return fmt.Sprintf("%d/%d (%.1f%%)", n, total, 100*float64(n)/float64(max(total, 1)))
	}
	return fmt.Sprintf("rejected %s, expected text contained %s", pct(rejected), pct(contained))
}

func (r *vecRun) apply(cases []*vectors.Case, fails *vectors.Failures) string {
	var mu sync.Mutex
	var total, pass int
	parallel(cases, func(c *vectors.Case) {
		ok := false
		defer func() {
			mu.Lock()
			total++
			if ok {
				pass++
			}
			mu.Unlock()
		}()
		sf, pkts, err := vectors.ReadCapture(filepath.Join(r.shared, "corpus", "libpcap", c.Savefile))
		if sf == nil {
			r.t.Errorf("%s: %s: %v", c.Label, c.Savefile, err)
			return
		}
		mask, err := c.NetmaskValue()
		if err != nil {
			r.t.Errorf("%s: %v", c.Label, err)
			return
		}
		dltName, _ := tables.DLTName(sf.LinkType())
		prog, err, crash := r.compile(c, c.Expr, Options{
			DLT:      sf.LinkType(),
			Snaplen:  uint32(sf.Snaplen()),
			Netmask:  mask,
			Optimize: c.Optimize != 0,
			Swapped:  sf.Swapped(),
			Savefile: true,
		})
		if crash != "" {
			r.crashed(c, crash, fails)
			return
		}
		if err != nil {
			fails.Add(c, dltName+" ("+c.Savefile+")", c.Expected, "ERROR: "+err.Error())
			if *vecStrict {
				r.t.Errorf("%s: rejected: %v", c.Label, err)
			}
			return
		}
		var got strings.Builder
		for _, p := range pkts {
			fmt.Fprintf(&got, "%d\n", bpf.Run(prog, p.Data, p.WireLen))
		}
		ok = strings.Join(strings.Fields(got.String()), "\n") == strings.Join(strings.Fields(c.Expected), "\n")
		if !ok {
			fails.Add(c, dltName+" ("+c.Savefile+")", c.Expected, got.String()+"--- program:\n"+bpf.Dump(prog))
			if *vecStrict {
				r.t.Errorf("%s: verdicts differ", c.Label)
			}
		}
	})
	return fmt.Sprintf("per-packet verdicts identical %d/%d (%.1f%%)", pass, total, 100*float64(pass)/float64(max(total, 1)))
}

// caseDLT is the link-type name of a case: its DLT field, or for an apply
// case the link type of its savefile.
func caseDLT(shared string, c *vectors.Case) string {
	if c.DLT != "" || c.Kind != "apply" {
		return c.DLT
	}
	sf, _, _ := vectors.ReadCapture(filepath.Join(shared, "corpus", "libpcap", c.Savefile))
	if sf == nil {
		return ""
	}
	name, _ := tables.DLTName(sf.LinkType())
	return name
}
