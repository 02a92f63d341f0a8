package diff

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// procTimeout is how long one tcpdump run may take; running out is a failure.
const procTimeout = 10 * time.Second

// tcpdumpPath finds the stock tcpdump.
func tcpdumpPath(t testing.TB) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/tcpdump", "/usr/sbin/tcpdump"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return testutil.Need(t, "tcpdump", "tcpdump")
}

// outcome is what one tcpdump run did, including the capture file it wrote
// when the option set has one.
type outcome struct {
	res      testutil.Result
	written  []byte
	hasWrite bool // the run was asked to write a file and the file exists
}

// sideName names a library for messages.
func sideName(lib testutil.Env) string {
	if lib == testutil.Ours {
		return "ours"
	}
	return "system"
}

// runSide runs argv against lib. If out is not "", it is the file the run
// writes: it is read and removed afterwards, so both sides use one name.
func runSide(t *testing.T, lib testutil.Env, stdin []byte, out string, argv []string) outcome {
	t.Helper()
	o := outcome{res: testutil.Run(t, lib, stdin, procTimeout, nil, argv...)}
	if out == "" {
		return o
	}
	b, err := os.ReadFile(out)
	switch {
	case err == nil:
		o.written, o.hasWrite = b, true
	case !errors.Is(err, fs.ErrNotExist):
		t.Fatalf("reading %s: %v", out, err)
	}
	if err := os.Remove(out); err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("removing %s: %v", out, err)
	}
	return o
}

// status describes how a run ended.
func status(r testutil.Result) string {
	switch {
	case r.TimedOut:
		return fmt.Sprintf("timed out after %v", procTimeout)
	case r.Signal != "":
		return r.Signal
	}
	return fmt.Sprintf("exit %d", r.Exit)
}

// shellLine renders argv as a command a shell would accept, with the
// environment prefix and stdin redirection a reader needs to repeat it.
func shellLine(env string, argv []string, stdinFile string) string {
	parts := []string{}
	if env != "" {
		parts = append(parts, env)
	}
	for _, a := range argv {
		parts = append(parts, quote(a))
	}
	if stdinFile != "" {
		parts = append(parts, "<", quote(stdinFile))
	}
	return strings.Join(parts, " ")
}

// quote single-quotes s for a shell unless it needs no quoting.
func quote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=./,:+#") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// lookTcpdump checks exec can start prog, so a broken tcpdump is reported
// once rather than once per run.
func lookTcpdump(t *testing.T, prog string) {
	t.Helper()
	if _, err := exec.LookPath(prog); err != nil {
		t.Fatalf("tcpdump not runnable: %v", err)
	}
}
