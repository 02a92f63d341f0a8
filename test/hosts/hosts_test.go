package hosts

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/test/testutil"
)

const backendName = "libpcapshim-go.so"

// buildHost compiles testdata/host.c against our headers and library.
func buildHost(t *testing.T) string {
	t.Helper()
	root := testutil.LibDir(t)
	return testutil.BuildC(t, "host", []string{filepath.Join("testdata", "host.c")},
		"-Wextra", "-Werror", "-I"+filepath.Join(root, "include"),
		"-L"+root, "-l:libpcap.so.0.8", "-ldl")
}

// corpusFile is a savefile of 2282 packets (172 KB) the hosts loop over.
func corpusFile(t *testing.T) string {
	t.Helper()
	f := filepath.Join(testutil.Shared(t), "corpus", "tcpdump", "arp-oobr.pcap")
	if _, err := os.Stat(f); err != nil {
		t.Fatalf("corpus file missing: %v", err)
	}
	return f
}

// keys parses the key=value words of a host's output; later keys win.
func keys(out []byte) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		for _, w := range strings.Fields(line) {
			if k, v, ok := strings.Cut(w, "="); ok {
				m[k] = v
			}
		}
	}
	return m
}

func num(t *testing.T, m map[string]string, k string) int {
	t.Helper()
	v, ok := m[k]
	if !ok {
		t.Fatalf("host output lacks %s= (have %v)", k, m)
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		t.Fatalf("%s=%q: not a number", k, v)
	}
	return n
}

func describe(r testutil.Result) string {
	return fmt.Sprintf("exit=%d signal=%q timedout=%v\nstdout:\n%s\nstderr (first 1500 bytes):\n%s",
		r.Exit, r.Signal, r.TimedOut, r.Stdout, head(r.Stderr, 1500))
}

func head(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// TestDispositions is §1.9 test 1 plus the lazy-load proof of §0/§6.
func TestDispositions(t *testing.T) {
	host, file := buildHost(t), corpusFile(t)
	r := testutil.Run(t, testutil.Ours, nil, 20*time.Second, nil, host, "audit", file)
	if r.Exit != 0 {
		t.Fatalf("audit host failed: %s", describe(r))
	}
	m := keys(r.Stdout)
	if !strings.Contains(string(r.Stdout), "pcapshim") {
		t.Fatalf("host did not run against our library:\n%s", r.Stdout)
	}
	if num(t, m, "lazy_loaded") != 0 {
		t.Errorf("%s is mapped after only pcap_lib_version/pcap_strerror: not loaded lazily", backendName)
	}
	if n := num(t, m, "lazy_threads"); n != 1 {
		t.Errorf("%d threads before first real use, want 1 (Go runtime started early)", n)
	}
	if num(t, m, "loaded") != 1 {
		t.Errorf("%s not mapped after pcap_open_offline+pcap_loop", backendName)
	}
	if num(t, m, "loop_rc") != 0 || num(t, m, "packets") == 0 {
		t.Errorf("pcap_loop over %s: rc=%s packets=%s", file, m["loop_rc"], m["packets"])
	}
	goAllowed := map[int]bool{7: true, 8: true, 11: true, 13: true, 23: true}
	re := regexp.MustCompile(`(?m)^sig=(\d+) owner=(\w+) flags=(\S+)(?: onstack=(\d))?$`)
	hostSeen := map[int]bool{}
	var goSigs []int
	for _, mm := range re.FindAllStringSubmatch(string(r.Stdout), -1) {
		sig, _ := strconv.Atoi(mm[1])
		owner, onstack := mm[2], mm[4]
		switch owner {
		case "go":
			goSigs = append(goSigs, sig)
			if !goAllowed[sig] {
				t.Errorf("Go's handler is installed on signal %d; the spec allows only 7/8/11/13/23", sig)
			}
		case "host":
			hostSeen[sig] = true
		}
		if owner != "ign" && onstack != "1" {
			t.Errorf("signal %d (owner %s, flags %s) has no SA_ONSTACK after the loop", sig, owner, mm[3])
		}
	}
	for _, sig := range []int{2, 10, 14} {
		if !hostSeen[sig] {
			t.Errorf("the host's handler for signal %d was replaced", sig)
		}
	}
	t.Logf("Go handlers on signals %v", goSigs)
}

// runStress runs the stack-abuse host once; it reports whether it crashed.
func runStress(t *testing.T, host, file string, secs, settleMs int, env []string) (bool, testutil.Result) {
	t.Helper()
	r := testutil.Run(t, testutil.Ours, nil, time.Duration(secs+15)*time.Second, env,
		host, "stress", file, strconv.Itoa(secs), strconv.Itoa(settleMs))
	if r.TimedOut {
		t.Fatalf("stress host hung: %s", describe(r))
	}
	ok := r.Exit == 0 && bytes.Contains(r.Stdout, []byte("loops="))
	return !ok, r
}

func crashSummary(r testutil.Result) string {
	first := string(head(r.Stderr, 200))
	if i := strings.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	return fmt.Sprintf("exit=%d (%s) %q", r.Exit, r.Signal, first)
}

// TestStackAbuse is §1.9 test 2: a handler with sa_flags=0 using 8 KiB of
// stack, installed after the backend loaded, fired every 200 µs while the
// host loops over a savefile (the host thread is in Go during batch fills).
func TestStackAbuse(t *testing.T) {
	host, file := buildHost(t), corpusFile(t)
	t.Run("immediate", func(t *testing.T) {
		// The handler fires from the first pcap_open_offline after it
		// was installed, before any SA_ONSTACK fix-up could see it: the
		// library must keep it off goroutine stacks by blocking async
		// signals on host threads while they run Go code.
		for i := 0; i < 5; i++ {
			crashed, r := runStress(t, host, file, 2, 0, nil)
			if crashed {
				t.Errorf("run %d crashed: %s\n(a handler installed <100 ms before the next entry into Go keeps sa_flags=0 and lands on the goroutine stack)", i, crashSummary(r))
			} else {
				t.Logf("run %d: %s", i, strings.TrimSpace(string(r.Stdout)))
			}
		}
	})
	t.Run("settled", func(t *testing.T) {
		// The same, after one entry into Go >100 ms after installing.
		for i := 0; i < 3; i++ {
			crashed, r := runStress(t, host, file, 2, 150, nil)
			if crashed {
				t.Errorf("run %d crashed: %s", i, crashSummary(r))
			} else {
				t.Logf("run %d: %s", i, strings.TrimSpace(string(r.Stdout)))
			}
		}
	})
	// The hazard itself (mitigations off) is shown deterministically by
	// TestStackDetector/nosigfix.
}

// TestSignalSafeAPI is §2: pcap_breakloop/pcap_stats/pcap_geterr from a
// 2 kHz SIGALRM handler during pcap_loop(-1).
func TestSignalSafeAPI(t *testing.T) {
	host, file := buildHost(t), corpusFile(t)
	r := testutil.Run(t, testutil.Ours, nil, 20*time.Second, nil, host, "safeapi", file, "2")
	if r.Exit != 0 || r.TimedOut {
		t.Fatalf("safeapi host failed: %s", describe(r))
	}
	m := keys(r.Stdout)
	t.Logf("%s", strings.TrimSpace(string(r.Stdout)))
	if num(t, m, "signals") == 0 {
		t.Errorf("the handler never ran")
	}
	if num(t, m, "breaks") == 0 {
		t.Errorf("pcap_breakloop from the handler never made pcap_loop return -2")
	}
	if n := num(t, m, "other"); n != 0 {
		t.Errorf("pcap_loop returned an error (not 0 or -2) %d times", n)
	}
}

// frontFile is the real file behind libpcap.so.0.8.
func frontFile(t *testing.T) string {
	t.Helper()
	f, err := filepath.EvalSymlinks(filepath.Join(testutil.LibDir(t), "libpcap.so.0.8"))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestSignalSafeStaticAudit disassembles the front library and walks the
// direct call graph of the four functions hosts call from handlers.
func TestSignalSafeStaticAudit(t *testing.T) {
	testutil.Need(t, "objdump", "binutils")
	lib := frontFile(t)
	dyn, err := exec.Command("objdump", "-T", "-p", lib).CombinedOutput()
	if err != nil {
		t.Fatalf("objdump -T -p: %v\n%s", err, dyn)
	}
	for _, bad := range []string{"crosscall2", "_cgoexp_", "_cgo_", backendName} {
		if bytes.Contains(dyn, []byte(bad)) {
			t.Errorf("front library %s references %q (dynamic symbols or NEEDED)", lib, bad)
		}
	}
	dis, err := exec.Command("objdump", "-d", "--no-show-raw-insn", lib).Output()
	if err != nil {
		t.Fatalf("objdump -d: %v", err)
	}
	funcs := map[string][]string{}
	hdr := regexp.MustCompile(`^[0-9a-f]+ <([^>]+)>:$`)
	cur := ""
	sc := bufio.NewScanner(bytes.NewReader(dis))
	for sc.Scan() {
		line := sc.Text()
		if mm := hdr.FindStringSubmatch(line); mm != nil {
			cur = mm[1]
			continue
		}
		if cur != "" && strings.TrimSpace(line) != "" {
			funcs[cur] = append(funcs[cur], line)
		}
	}
	target := regexp.MustCompile(`\b(call|jmp)\s+(\*)?.*?(?:<([^>+]+)(\+0x[0-9a-f]+)?>)?$`)
	denied := map[string]bool{"dlsym": true, "dlvsym": true, "dlopen": true, "pthread_once": true, "shim_be": true}
	roots := []string{"pcap_breakloop", "pcap_stats", "pcap_geterr", "pcap_dump_flush"}
	for _, root := range roots {
		if _, ok := funcs[root]; !ok {
			t.Errorf("%s not found in the disassembly of %s", root, lib)
		}
	}
	seen := map[string]bool{}
	work := append([]string(nil), roots...)
	var plt []string
	for len(work) > 0 {
		fn := work[0]
		work = work[1:]
		if seen[fn] {
			continue
		}
		seen[fn] = true
		if denied[fn] {
			t.Errorf("the handler-safe functions reach %s", fn)
		}
		if name, ok := strings.CutSuffix(fn, "@plt"); ok {
			plt = append(plt, name)
			if denied[name] {
				t.Errorf("the handler-safe functions call %s", name)
			}
			continue
		}
		for _, ins := range funcs[fn] {
			mm := target.FindStringSubmatch(ins)
			if mm == nil {
				continue
			}
			if mm[2] == "*" {
				if mm[1] == "call" {
					t.Errorf("indirect call in %s (reached from %v): %s", fn, roots, strings.TrimSpace(ins))
				} else {
					t.Logf("indirect jump in %s: %s", fn, strings.TrimSpace(ins))
				}
				continue
			}
			if mm[3] != "" && mm[4] == "" && mm[3] != fn {
				work = append(work, mm[3])
			}
		}
	}
	t.Logf("functions reached: %d; libc calls: %v", len(seen), plt)
}

// TestSIGPIPE is §1.9 test 4.
func TestSIGPIPE(t *testing.T) {
	tcpdump := testutil.Need(t, "tcpdump", "tcpdump")
	testutil.Need(t, "bash", "bash")
	testutil.SystemLib(t)
	file := corpusFile(t)
	script := fmt.Sprintf(`%s -r %s -w - 2>/dev/null | head -c 100 >/dev/null; echo "status=${PIPESTATUS[0]}"`, tcpdump, file)
	status := func(lib testutil.Env) string {
		r := testutil.Run(t, lib, nil, 20*time.Second, nil, "bash", "-c", script)
		if r.Exit != 0 || r.TimedOut {
			t.Fatalf("pipeline failed: %s", describe(r))
		}
		return keys(r.Stdout)["status"]
	}
	ours, sys := status(testutil.Ours), status(testutil.System)
	t.Logf("tcpdump -w - | head -c 100: ours status=%s, system libpcap status=%s", ours, sys)
	if ours != sys {
		t.Errorf("tcpdump -w - | head -c 100 exits %s with our library, %s with the system libpcap", ours, sys)
	}

	host := buildHost(t)
	sigIgn := regexp.MustCompile(`SigIgn:\s*([0-9a-f]+)`)
	child := func(lib testutil.Env) (uint64, map[string]string) {
		r := testutil.Run(t, lib, nil, 20*time.Second, nil, "sh", "-c",
			`trap '' PIPE; exec "$0" pipechild "$1"`, host, file)
		if r.Exit != 0 || r.TimedOut {
			t.Fatalf("pipechild host failed: %s", describe(r))
		}
		mm := sigIgn.FindSubmatch(r.Stdout)
		if mm == nil {
			t.Fatalf("no SigIgn line from the exec'd child:\n%s", r.Stdout)
		}
		v, err := strconv.ParseUint(string(mm[1]), 16, 64)
		if err != nil {
			t.Fatal(err)
		}
		return v, keys(r.Stdout)
	}
	oursIgn, m := child(testutil.Ours)
	sysIgn, _ := child(testutil.System)
	t.Logf("child SigIgn: ours %#x, system %#x", oursIgn, sysIgn)
	if num(t, m, "before_ign") != 1 {
		t.Fatalf("trap '' PIPE did not reach the host")
	}
	if num(t, m, "after_ign") != 1 {
		t.Errorf("SIGPIPE is no longer SIG_IGN in the host after the backend loaded")
	}
	if oursIgn&(1<<12) == 0 {
		t.Errorf("a child exec'd after the backend loaded no longer ignores SIGPIPE (SigIgn %#x)", oursIgn)
	}
	if oursIgn != sysIgn {
		t.Errorf("child SigIgn differs: ours %#x, system %#x", oursIgn, sysIgn)
	}
}

// TestFork is §3: fork without exec after load, fork+exec, fd leaks, and
// fork before first use.
func TestFork(t *testing.T) {
	host, file := buildHost(t), corpusFile(t)
	r := testutil.Run(t, testutil.Ours, nil, 40*time.Second, nil, host, "fork", file)
	if r.Exit != 0 || r.TimedOut {
		t.Fatalf("fork host failed: %s", describe(r))
	}
	out := string(r.Stdout)
	m := keys(r.Stdout)
	if _, ok := m["noexec_exit"]; !ok {
		t.Fatalf("fork-without-exec child did not exit normally (hang or crash):\n%s", out)
	}
	if num(t, m, "noexec_exit") != 0 {
		t.Errorf("fork-without-exec child exit %s", m["noexec_exit"])
	}
	if num(t, m, "child_open_null") != 1 {
		t.Errorf("pcap_open_offline in a fork-without-exec child succeeded; want an error")
	}
	if !regexp.MustCompile(`(?m)^child_open_err=.*fork`).MatchString(out) {
		t.Errorf("the child's error does not mention fork:\n%s", out)
	}
	if num(t, m, "child_geterr_ok") != 1 {
		t.Errorf("pcap_geterr on the old handle failed in the child")
	}
	if m["exec_says"] != "hello" || num(t, m, "exec_exit") != 0 {
		t.Errorf("fork+exec failed:\n%s", out)
	}
	if num(t, m, "fdbase_exit") != 0 || num(t, m, "fdlist_exit") != 0 {
		t.Errorf("ls -l /proc/self/fd failed:\n%s", out)
	}
	// fds the host inherited (from the test harness) are the baseline; any
	// other fd in the exec'd child after pcap_open_offline is a leak.
	base := fdListing(t, out, "fdbase")
	for fd, target := range fdListing(t, out, "fdlist") {
		if _, ok := base[fd]; ok || fd <= 2 || (strings.HasPrefix(target, "/proc/") && strings.HasSuffix(target, "/fd")) {
			continue
		}
		t.Errorf("fd %d -> %s leaked into an exec'd child (not O_CLOEXEC)", fd, target)
	}

	r = testutil.Run(t, testutil.Ours, nil, 30*time.Second, nil, host, "forkfirst", file)
	if r.Exit != 0 || r.TimedOut {
		t.Fatalf("forkfirst host failed: %s", describe(r))
	}
	m = keys(r.Stdout)
	if num(t, m, "pre_fork_loaded") != 0 {
		t.Errorf("backend loaded before any pcap call")
	}
	if _, ok := m["child_exit"]; !ok || num(t, m, "child_exit") != 0 || num(t, m, "child_packets") == 0 {
		t.Errorf("a child forked before first use could not read %s:\n%s", file, r.Stdout)
	}
}

// fdListing parses the `ls -l /proc/self/fd` output between TAG_begin and
// TAG_end.
func fdListing(t *testing.T, out, tag string) map[int]string {
	t.Helper()
	begin, end := strings.Index(out, tag+"_begin"), strings.Index(out, tag+"_end")
	if begin < 0 || end < begin {
		t.Fatalf("no %s fd listing:\n%s", tag, out)
	}
	fds := map[int]string{}
	re := regexp.MustCompile(`(?m) (\d+) -> (.*)$`)
	for _, mm := range re.FindAllStringSubmatch(out[begin:end], -1) {
		fd, _ := strconv.Atoi(mm[1])
		fds[fd] = mm[2]
	}
	if len(fds) < 3 {
		t.Fatalf("%s fd listing has %d entries:\n%s", tag, len(fds), out[begin:end])
	}
	return fds
}

// TestStartup is §6: `tcpdump --version` never loads the Go backend.
func TestStartup(t *testing.T) {
	tcpdump := testutil.Need(t, "tcpdump", "tcpdump")
	root := testutil.LibDir(t)
	start := time.Now()
	r := testutil.Run(t, testutil.Ours, nil, 20*time.Second, []string{"LD_DEBUG=files"}, tcpdump, "--version")
	ours := time.Since(start)
	if r.Exit != 0 || r.TimedOut {
		t.Fatalf("tcpdump --version failed: %s", describe(r))
	}
	if !bytes.Contains(r.Stdout, []byte("pcapshim")) && !bytes.Contains(r.Stderr, []byte(filepath.Join(root, "libpcap.so.0.8"))) {
		t.Fatalf("tcpdump did not use our library:\n%s", head(r.Stderr, 2000))
	}
	if bytes.Contains(r.Stderr, []byte(backendName)) || bytes.Contains(r.Stdout, []byte(backendName)) {
		t.Errorf("tcpdump --version loaded %s", backendName)
	}
	start = time.Now()
	testutil.Run(t, testutil.System, nil, 20*time.Second, nil, tcpdump, "--version")
	sys := time.Since(start)
	start = time.Now()
	testutil.Run(t, testutil.Ours, nil, 20*time.Second, nil, tcpdump, "--version")
	t.Logf("tcpdump --version wall time: ours %v (with LD_DEBUG=files %v), system libpcap %v", time.Since(start), ours, sys)
}

// TestDlopenCycles is §5: dlopen RTLD_LOCAL / read / dlclose 100 times.
func TestDlopenCycles(t *testing.T) {
	root := testutil.LibDir(t)
	dh := testutil.BuildC(t, "dlhost", []string{filepath.Join("testdata", "dlhost.c")},
		"-Wextra", "-Werror", "-I"+filepath.Join(root, "include"), "-ldl")
	r := testutil.Run(t, testutil.Ours, nil, 45*time.Second, nil, dh,
		filepath.Join(root, "libpcap.so.0.8"), corpusFile(t), "100")
	if r.Exit != 0 || r.TimedOut {
		t.Fatalf("dlhost failed: %s", describe(r))
	}
	m := keys(r.Stdout)
	t.Logf("%s", strings.TrimSpace(string(r.Stdout)))
	if num(t, m, "rounds") != 100 {
		t.Fatalf("only %s rounds", m["rounds"])
	}
	first, maxT := num(t, m, "first_threads"), num(t, m, "max_threads")
	if maxT > first+2 || maxT > 16 {
		t.Errorf("thread count grew across dlopen/dlclose cycles: first %d, max %d", first, maxT)
	}
}
