package arm64

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// BenchEnv turns BenchmarkArm64OfflineRead on (make bench-arm64 sets it):
// it boots the arm64 VM, which takes minutes.
const BenchEnv = "PCAPSHIM_ARM64_BENCH"

// benchPackets is the size of the capture the guest reads (smaller than
// test/bench's million: the guest is emulated, and the file lives in its
// initramfs).
const benchPackets = 100_000

// BenchmarkArm64OfflineRead: test/bench's offline read benchmark
// (testdata/read.c: pcap_loop with a no-op callback, pcap_next_ex) built
// for arm64 and run in the arm64 VM of make test-arm64 against Debian's
// arm64 libpcap and ours, interleaved, 3 rounds. Unless the host is arm64
// with KVM, the guest is emulated by qemu's TCG: the sub-benchmarks are
// named emulated-*, and the figures say how the two libraries compare on
// emulated arm64, not how fast arm64 hardware is.
func BenchmarkArm64OfflineRead(b *testing.B) {
	if os.Getenv(BenchEnv) == "" {
		b.Skipf("boots the arm64 VM (minutes): run make bench-arm64 (sets %s=1)", BenchEnv)
	}
	root := testutil.Root(b)
	lib := filepath.Join(root, "build", "arm64")
	if _, err := os.Stat(filepath.Join(lib, "libpcap.so.0.8")); err != nil {
		b.Fatalf("no arm64 library in %s: run make arm64", lib)
	}
	cc := "aarch64-linux-gnu-gcc"
	if runtime.GOARCH == "arm64" {
		cc = "gcc"
	}
	if _, err := exec.LookPath(cc); err != nil {
		b.Fatalf("%s not found: apt-get install gcc-aarch64-linux-gnu", cc)
	}
	dir := b.TempDir()
	// Linked against our front library's soname (libpcap.so.0.8, no symbol
	// versions, as Debian's): the loader picks either library at run time.
	if out, err := exec.Command(cc, "-O2", "-I"+filepath.Join(root, "include"), "-o", filepath.Join(dir, "read"),
		filepath.Join(root, "test", "bench", "testdata", "read.c"), "-L"+lib, "-l:libpcap.so.0.8").CombinedOutput(); err != nil {
		b.Fatalf("%s read.c: %v\n%s", cc, err, out)
	}
	testutil.WriteSizeMix(b, filepath.Join(dir, "cap.pcap"), benchPackets)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", filepath.Join(root, "test", "arm64", "run.sh"))
	cmd.Env = append(os.Environ(), "ARM64_BENCH_DIR="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("run.sh: %v\n%s", err, out)
	}
	kind := "emulated"
	if _, err := os.Stat("/dev/kvm"); err == nil && runtime.GOARCH == "arm64" {
		kind = "kvm"
	}
	// BENCH <mode> <sys|ours> <best ns> <packets> <checksum>
	per := map[string]*[2][]float64{}
	for _, l := range strings.Split(string(out), "\n") {
		f := strings.Fields(l)
		if len(f) < 5 || f[0] != "BENCH" {
			continue
		}
		ns, err1 := strconv.ParseFloat(f[3], 64)
		n, err2 := strconv.Atoi(f[4])
		if err1 != nil || err2 != nil || n != benchPackets {
			b.Fatalf("guest line %q: want %d packets read", l, benchPackets)
		}
		if per[f[1]] == nil {
			per[f[1]] = new([2][]float64)
		}
		i := 0
		if f[2] == "ours" {
			i = 1
		}
		per[f[1]][i] = append(per[f[1]][i], ns/float64(n))
	}
	for _, mode := range []string{"loop", "next"} {
		v := per[mode]
		if v == nil || len(v[0]) == 0 || len(v[0]) != len(v[1]) {
			b.Fatalf("no complete BENCH lines for %s in the guest's output:\n%s", mode, out)
		}
		b.Run(kind+"-"+mode, func(b *testing.B) {
			how := "emulated by qemu's TCG"
			if kind == "kvm" {
				how = "qemu with KVM"
			}
			b.Logf("arm64 guest (%s), %d packets, each run the best of 3 passes (CPU time)", how, benchPackets)
			b.Logf("ns/pkt: ours %v; Debian's arm64 libpcap %v", v[1], v[0])
			b.ReportMetric(testutil.Median(v[1]), "ours-ns/pkt")
			b.ReportMetric(testutil.Median(v[0]), "libpcap-ns/pkt")
			b.ReportMetric(100*max(testutil.Spread(v[0]), testutil.Spread(v[1])), "spread%-ns/pkt")
		})
	}
}
