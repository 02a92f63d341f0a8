package arm64

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
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
	writeBenchCapture(b, filepath.Join(dir, "cap.pcap"))
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
			b.ReportMetric(median(v[1]), "ours-ns/pkt")
			b.ReportMetric(median(v[0]), "libpcap-ns/pkt")
			b.ReportMetric(100*max(spread(v[0]), spread(v[1])), "spread%-ns/pkt")
		})
	}
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func spread(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if m := median(s); m > 0 {
		return (s[len(s)-1] - s[0]) / m
	}
	return 0
}

// writeBenchCapture writes benchPackets Ethernet frames with a size mix
// from ACK-sized to full-size, as test/bench does.
func writeBenchCapture(b *testing.B, path string) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	le := binary.LittleEndian
	hdr := make([]byte, 0, 24)
	for _, v := range []uint32{0xa1b2c3d4, 4<<16 | 2, 0, 0, 262144, 1} {
		hdr = le.AppendUint32(hdr, v)
	}
	w.Write(hdr)
	sizes := []int{64, 64, 66, 74, 90, 128, 342, 576, 1514, 1514}
	frame := make([]byte, 1514)
	for i := range frame {
		frame[i] = byte(i)
	}
	rec := make([]byte, 16)
	for i := 0; i < benchPackets; i++ {
		n := sizes[i%len(sizes)]
		le.PutUint32(rec[0:], uint32(1700000000+i/1000))
		le.PutUint32(rec[4:], uint32(i%1000*1000))
		le.PutUint32(rec[8:], uint32(n))
		le.PutUint32(rec[12:], uint32(n))
		w.Write(rec)
		w.Write(frame[:n])
	}
	if err := w.Flush(); err != nil {
		b.Fatal(fmt.Errorf("writing %s: %w", path, err))
	}
}
