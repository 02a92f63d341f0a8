package packages

import (
	"debug/elf"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// TestLibpcapSO1Client: a program that asks for libpcap.so.1 (as RPM
// distributions' programs do) loads the rpm's libpcap.so.1, a link to a file
// whose SONAME is libpcap.so.0.8, and reads a capture through it.
func TestLibpcapSO1Client(t *testing.T) {
	var rpm pkg
	for _, p := range packages(t) {
		if p.format == "rpm" && p.arch == runtime.GOARCH {
			rpm = p
		}
	}
	if rpm.path == "" {
		t.Skipf("no rpm for this machine's architecture (%s) in dist/", runtime.GOARCH)
	}
	testutil.Need(t, "gcc", "gcc")
	root := testutil.Root(t)
	inc := "-I" + filepath.Join(root, "include")

	stubDir := t.TempDir()
	stub := filepath.Join(stubDir, "libpcap.so.1")
	if out, err := exec.Command("gcc", "-shared", "-fPIC", inc, "-Wl,-soname,libpcap.so.1", "-o", stub,
		"testdata/so1stub.c").CombinedOutput(); err != nil {
		t.Fatalf("building the stub: %v\n%s", err, out)
	}
	prog := testutil.BuildC(t, "so1client", []string{"testdata/so1client.c"}, inc, stub)
	f := openELF(t, prog)
	if needed, _ := f.DynString(elf.DT_NEEDED); !contains(needed, "libpcap.so.1") {
		t.Fatalf("so1client needs %v, want libpcap.so.1 among them", needed)
	}

	lib := filepath.Join(extract(t, rpm), rpm.libDir())
	capture := filepath.Join(testutil.Shared(t), offlineFile)
	out := mustSh(t, []string{"LD_LIBRARY_PATH=" + lib}, prog, capture)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "pcapshim") {
		t.Fatalf("so1client through %s/libpcap.so.1 printed:\n%s\nwant pcapshim's version and a packet count", rpm.libDir(), out)
	}

	// The same count as the system libpcap's tcpdump reads.
	tcpdump := testutil.Need(t, "tcpdump", "tcpdump")
	sys := 0
	for _, l := range strings.Split(strings.TrimSpace(mustSh(t, nil, tcpdump, "-nn", "-q", "-r", capture)), "\n") {
		if !strings.HasPrefix(l, "reading from file") {
			sys++
		}
	}
	if want := []string{lines[0], strconv.Itoa(sys) + " packets"}; !reflect.DeepEqual(lines, want) {
		t.Errorf("so1client: %q, want %q", lines, want)
	}
}
