package testutil

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Root is the repository root (the directory holding go.mod).
func Root(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Dir(file)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("cannot find the repository root (no go.mod above test/testutil)")
		}
		dir = parent
	}
}

// Shared is ../shared beside the repository, or $PCAPSHIM_SHARED. A test that
// needs it fails, saying what is missing, when it is absent.
func Shared(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("PCAPSHIM_SHARED")
	if dir == "" {
		dir = filepath.Join(Root(t), "..", "shared")
	}
	if _, err := os.Stat(filepath.Join(dir, "corpus")); err != nil {
		t.Fatalf("../shared is absent (looked for %s/corpus): clone the project beside shared/ or set PCAPSHIM_SHARED", dir)
	}
	return dir
}

// LibDir is the directory holding our libpcap.so.0.8 and libpcap.so.1; the
// test fails, naming the fix, if `make` has not been run.
func LibDir(t testing.TB) string {
	t.Helper()
	root := Root(t)
	for _, n := range []string{"libpcap.so.0.8", "libpcap.so.1"} {
		if _, err := os.Stat(filepath.Join(root, n)); err != nil {
			t.Fatalf("%s missing in %s: run `make` first", n, root)
		}
	}
	return root
}

// SystemLib is the installed libpcap the differential tests compare with.
func SystemLib(t testing.TB) string {
	t.Helper()
	for _, p := range []string{
		"/usr/lib/x86_64-linux-gnu/libpcap.so.0.8",
		"/usr/lib/aarch64-linux-gnu/libpcap.so.0.8",
		"/usr/lib64/libpcap.so.1",
	} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Fatal("system libpcap not installed: run `make test` as root (it installs libpcap0.8-dev) or apt-get install libpcap0.8-dev")
	return ""
}

// Need fails the test if a program is missing, naming the package to install.
func Need(t testing.TB, prog, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(prog)
	if err != nil {
		t.Fatalf("%s not found: apt-get install %s (make test does this when run as root)", prog, pkg)
	}
	return p
}

// Result is what a command did.
type Result struct {
	Stdout, Stderr []byte
	Exit           int // -1 if killed by a signal or timed out
	Signal         string
	TimedOut       bool
}

// Env selects the library a host program runs against.
type Env int

const (
	Ours   Env = iota // LD_LIBRARY_PATH=<repo root>
	System            // the system libpcap (no LD_LIBRARY_PATH)
)

// Run runs argv with the given library, stdin and timeout, and extra
// environment entries.
func Run(t testing.TB, lib Env, stdin []byte, timeout time.Duration, extraEnv []string, argv ...string) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	env := []string{}
	for _, e := range os.Environ() {
		if strings.HasPrefix(e, "LD_LIBRARY_PATH=") || strings.HasPrefix(e, "LD_PRELOAD=") {
			continue
		}
		env = append(env, e)
	}
	if lib == Ours {
		env = append(env, "LD_LIBRARY_PATH="+LibDir(t))
	}
	cmd.Env = append(env, extraEnv...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := Result{Stdout: out.Bytes(), Stderr: errb.Bytes()}
	if ctx.Err() == context.DeadlineExceeded {
		r.TimedOut = true
		r.Exit = -1
		return r
	}
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			r.Exit = ee.ExitCode()
			if r.Exit == -1 {
				r.Signal = ee.String()
			}
			return r
		}
		t.Fatalf("running %v: %v", argv, err)
	}
	return r
}

// BuildC compiles C sources into an executable in a temporary directory.
// Extra arguments go to gcc after the sources (e.g. "-lpcap", "-ldl").
func BuildC(t testing.TB, name string, srcs []string, args ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), name)
	argv := append([]string{"-O1", "-g", "-Wall", "-o", out}, srcs...)
	argv = append(argv, args...)
	cmd := exec.Command("gcc", argv...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gcc %v: %v\n%s", argv, err, b)
	}
	return out
}
