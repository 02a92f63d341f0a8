package abi

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// remoteNames are the remote-capture entry points our library exports
// beyond what Debian's libpcap (built without rpcap) exports.
var remoteNames = []string{
	"pcap_open", "pcap_findalldevs_ex", "pcap_createsrcstr",
	"pcap_parsesrcstr", "pcap_setsampling", "pcap_remoteact_accept",
	"pcap_remoteact_accept_ex", "pcap_remoteact_list",
	"pcap_remoteact_close", "pcap_remoteact_cleanup",
}

// dataNames are the exported data objects; every other export is a function.
var dataNames = map[string]bool{"pcap_version": true, "eproto_db": true}

// headers are all the public headers, as a program includes them.
var headers = []string{
	"pcap.h", "pcap-bpf.h", "pcap-namedb.h",
	"pcap/pcap.h", "pcap/bpf.h", "pcap/dlt.h", "pcap/namedb.h",
	"pcap/sll.h", "pcap/vlan.h", "pcap/usb.h", "pcap/socket.h",
	"pcap/funcattrs.h", "pcap/compiler-tests.h", "pcap/pcap-inttypes.h",
	"pcap/ipnet.h", "pcap/can_socketcan.h", "pcap/nflog.h",
	"pcap/bluetooth.h",
}

// includeAll is C source including every public header.
func includeAll() string {
	var b strings.Builder
	for _, h := range headers {
		b.WriteString("#include <" + h + ">\n")
	}
	return b.String()
}

// ourInclude is the -I flag selecting our headers.
func ourInclude(t *testing.T) string {
	return "-I" + filepath.Join(testutil.Root(t), "include")
}

// needSystemHeaders fails unless the libpcap development headers are
// installed (they are the reference the header tests compare with).
func needSystemHeaders(t *testing.T) {
	t.Helper()
	testutil.SystemLib(t)
	if _, err := os.Stat("/usr/include/pcap/pcap.h"); err != nil {
		t.Fatal("/usr/include/pcap/pcap.h missing: apt-get install libpcap0.8-dev")
	}
}

// writeFile writes content to name in dir and returns the path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// command runs a program and returns its stdout, failing the test (with
// stderr) if it does not exit 0.
func command(t *testing.T, name string, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, errb.String())
	}
	return out.String()
}

// definedDynamic lists the defined dynamic symbols of a shared object.
func definedDynamic(t *testing.T, lib string) []string {
	t.Helper()
	testutil.Need(t, "nm", "binutils")
	var names []string
	sc := bufio.NewScanner(strings.NewReader(command(t, "nm", "-D", "--defined-only", lib)))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 {
			name, _, _ := strings.Cut(f[2], "@") // drop any @VERSION
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// expectedExports is what our front library must export: the system
// libpcap's exports plus the remote-capture entry points.
func expectedExports(t *testing.T) []string {
	t.Helper()
	names := append(definedDynamic(t, testutil.SystemLib(t)), remoteNames...)
	sort.Strings(names)
	return names
}

// diff returns the names only in a and the names only in b.
func diff(a, b []string) (onlyA, onlyB []string) {
	inB := map[string]bool{}
	for _, n := range b {
		inB[n] = true
	}
	inA := map[string]bool{}
	for _, n := range a {
		inA[n] = true
		if !inB[n] {
			onlyA = append(onlyA, n)
		}
	}
	for _, n := range b {
		if !inA[n] {
			onlyB = append(onlyB, n)
		}
	}
	return onlyA, onlyB
}

// frontLib is the real file behind our libpcap.so.0.8.
func frontLib(t *testing.T) string {
	t.Helper()
	p, err := filepath.EvalSymlinks(filepath.Join(testutil.LibDir(t), "libpcap.so.0.8"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}
