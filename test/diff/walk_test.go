package diff

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// record is one packet record of a generated classic pcap file.
type record struct {
	sec, frac    uint32
	caplen, wire uint32
}

// writePcap writes a classic pcap file in byte order bo with the given
// magic, snapshot length and records (Ethernet/IPv4/UDP-looking bytes),
// optionally cut short by cut bytes.
func writePcap(t *testing.T, path string, bo binary.AppendByteOrder, magic, snap uint32, recs []record, cut int) {
	t.Helper()
	var b []byte
	b = bo.AppendUint32(b, magic)
	b = bo.AppendUint16(b, 2)
	b = bo.AppendUint16(b, 4)
	b = bo.AppendUint32(b, 0)
	b = bo.AppendUint32(b, 0)
	b = bo.AppendUint32(b, snap)
	b = bo.AppendUint32(b, 1) // LINKTYPE_ETHERNET
	for i, r := range recs {
		b = bo.AppendUint32(b, r.sec)
		b = bo.AppendUint32(b, r.frac)
		b = bo.AppendUint32(b, r.caplen)
		b = bo.AppendUint32(b, r.wire)
		frame := make([]byte, r.caplen)
		copy(frame, []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00, 0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17})
		for j := 24; j < len(frame); j++ {
			frame[j] = byte(i + j)
		}
		b = append(b, frame...)
	}
	if err := os.WriteFile(path, b[:len(b)-cut], 0o644); err != nil {
		t.Fatal(err)
	}
}

// mixed is n records of sizes from 42 to 1514 bytes, time stamps one
// millisecond apart (frac in microseconds or, nano, nanoseconds).
func mixed(n int, nano bool) []record {
	sizes := []uint32{42, 60, 74, 128, 342, 576, 1024, 1514}
	recs := make([]record, n)
	for i := range recs {
		frac := uint32(i%1000) * 1000
		if nano {
			frac = frac*1000 + 7
		}
		s := sizes[i%len(sizes)]
		recs[i] = record{sec: 1700000000 + uint32(i/1000), frac: frac, caplen: s, wire: s}
	}
	return recs
}

var walkReport = regexp.MustCompile(`record batches read in C (\d+), in Go (\d+)`)

// TestSavefileWalk: the records of a plain classic pcap file are read in C
// (shim/sfread.c) from the Go reader's buffer, which C refills; whatever
// the C walk leaves (a record longer than the snapshot, another byte order,
// the end, an error) Go reads from the same place. tcpdump's output is the
// system libpcap's in each case, and PCAPSHIM_DEBUG's report says who read.
func TestSavefileWalk(t *testing.T) {
	tcpdump := tcpdumpPath(t)
	testutil.SystemLib(t)
	dir := t.TempDir()
	const n = 6000 // ~3.6 MB: many refills of the 256 KiB buffer
	const micro, nano = 0xa1b2c3d4, 0xa1b23c4d
	cases := []struct {
		name          string
		bo            binary.AppendByteOrder
		magic, snap   uint32
		recs          []record
		cut           int
		env, args     []string
		wantC, wantGo bool
	}{
		{name: "plain", bo: binary.NativeEndian, magic: micro, snap: 65535, recs: mixed(n, false), wantC: true},
		{name: "nano-file", bo: binary.NativeEndian, magic: nano, snap: 65535, recs: mixed(n, true), wantC: true},
		{name: "nano-file-nano", bo: binary.NativeEndian, magic: nano, snap: 65535, recs: mixed(n, true),
			args: []string{"--nano"}, wantC: true},
		{name: "micro-file-nano", bo: binary.NativeEndian, magic: micro, snap: 65535, recs: mixed(n, false),
			args: []string{"--nano"}, wantC: true},
		// Every 1514-byte record is longer than the snapshot: Go trims
		// it, and C reads on after it.
		{name: "longer-than-snapshot", bo: binary.NativeEndian, magic: micro, snap: 1200, recs: mixed(n, false),
			wantC: true, wantGo: true},
		{name: "truncated", bo: binary.NativeEndian, magic: micro, snap: 65535, recs: mixed(n, false), cut: 100,
			wantC: true},
		{name: "other-byte-order", bo: otherOrder(), magic: micro, snap: 65535, recs: mixed(n, false), wantGo: true},
		{name: "cwalk-off", bo: binary.NativeEndian, magic: micro, snap: 65535, recs: mixed(n, false),
			env: []string{"PCAPSHIM_CWALK=0"}, wantGo: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(dir, c.name+".pcap")
			writePcap(t, file, c.bo, c.magic, c.snap, c.recs, c.cut)
			argv := append([]string{tcpdump, "-#", "-nn", "-x", "-tt"}, c.args...)
			argv = append(argv, "-r", file)
			sys := outcome{res: testutil.Run(t, testutil.System, nil, procTimeout, nil, argv...)}
			ours := outcome{res: testutil.Run(t, testutil.Ours, nil, procTimeout, c.env, argv...)}
			if probs := compare(sys, ours); probs != nil {
				t.Errorf("%s", report(shellLine("LD_LIBRARY_PATH="+testutil.LibDir(t), argv, ""), probs))
			}
			if len(sys.res.Stdout) == 0 {
				t.Fatalf("the system tcpdump printed nothing: the file is not read")
			}
			dbg := testutil.Run(t, testutil.Ours, nil, procTimeout, append([]string{"PCAPSHIM_DEBUG=1"}, c.env...), argv...)
			m := walkReport.FindSubmatch(dbg.Stderr)
			if m == nil {
				t.Fatalf("no record batches report in:\n%s", dbg.Stderr)
			}
			inC, _ := strconv.Atoi(string(m[1]))
			inGo, _ := strconv.Atoi(string(m[2]))
			t.Logf("%s: batches read in C %d, in Go %d", c.name, inC, inGo)
			if (inC > 0) != c.wantC || (inGo > 0) != c.wantGo {
				t.Errorf("batches read in C %d, in Go %d: want C %v, Go %v", inC, inGo, c.wantC, c.wantGo)
			}
		})
	}
}

// otherOrder is the byte order that is not the host's.
func otherOrder() binary.AppendByteOrder {
	if binary.NativeEndian.Uint16([]byte{1, 0}) == 1 {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

var zeroRead = regexp.MustCompile(`(?m)^\d+\s+read\(3,.*\)\s+= 0$`)

// TestSavefileEndReadOnce: the end of a savefile is read once, as with
// libpcap, although the C walk's refill meets it and Go reports it (a
// second read after the end would wait for another ^D on a terminal, or
// read on when a FIFO gets a new writer). Counted with strace.
func TestSavefileEndReadOnce(t *testing.T) {
	tcpdump := tcpdumpPath(t)
	strace := testutil.Need(t, "strace", "strace")
	file := filepath.Join(t.TempDir(), "plain.pcap")
	writePcap(t, file, binary.NativeEndian, 0xa1b2c3d4, 65535, mixed(2000, false), 0)
	for _, lib := range []testutil.Env{testutil.System, testutil.Ours} {
		log := filepath.Join(t.TempDir(), "strace.txt")
		// tcpdump opens nothing before the capture file: it is fd 3.
		r := testutil.Run(t, lib, nil, procTimeout, nil, strace, "-f", "-o", log, "-e", "trace=read",
			tcpdump, "-nr", file)
		if r.Exit != 0 {
			t.Fatalf("%s: strace tcpdump: exit %d\n%s", sideName(lib), r.Exit, r.Stderr)
		}
		b, err := os.ReadFile(log)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(zeroRead.FindAll(b, -1)); n != 1 {
			t.Errorf("%s: %d reads of the capture file (fd 3) returned 0, want 1:\n%s", sideName(lib), n, zeroRead.FindAll(b, -1))
		}
	}
}
