package savefile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

// seedCorpus adds the shared corpus files with one of the given suffixes
// (when ../shared is present) and the generated files.
func seedCorpus(f *testing.F, suffixes ...string) {
	match := func(name string) bool {
		for _, s := range suffixes {
			if strings.HasSuffix(name, s) {
				return true
			}
		}
		return false
	}
	root := os.Getenv("PCAPSHIM_SHARED")
	if root == "" {
		root = filepath.Join("..", "..", "..", "shared")
	}
	_ = filepath.WalkDir(filepath.Join(root, "corpus"), func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && match(p) {
			if b, err := os.ReadFile(p); err == nil && len(b) <= 16<<10 {
				f.Add(b)
			}
		}
		return nil
	})
	for name, b := range generated() {
		if match(name) {
			f.Add(b)
		}
	}
}

// boundedMem is a Mem that fails the test when the live allocation exceeds
// a limit.
type boundedMem struct {
	t     *testing.T
	live  int
	limit int
}

func (m *boundedMem) Alloc(n int) []byte {
	m.live += n
	if m.live > m.limit {
		m.t.Fatalf("live allocation %d bytes exceeds %d for this input", m.live, m.limit)
	}
	return make([]byte, n)
}

func (m *boundedMem) Free(b []byte) { m.live -= len(b) }

// fuzzRead reads input to the end and returns a transcript; it checks the
// invariants libpcap guarantees on the way.
func fuzzRead(t *testing.T, input []byte, prec int, src io.Reader, chunk, batch int) string {
	mem := &boundedMem{t: t, limit: 4*len(input) + 4*chunk}
	r, err := open(src, Options{Precision: prec, Mem: mem}, chunk)
	if err != nil {
		if mem.live != 0 {
			t.Fatalf("failed Open left %d bytes allocated", mem.live)
		}
		return "open: " + err.Error()
	}
	defer func() {
		r.Close()
		if mem.live != 0 {
			t.Fatalf("Close left %d bytes allocated", mem.live)
		}
	}()
	var out strings.Builder
	fmt.Fprintf(&out, "%d %d %d %v\n", r.LinkType(), r.LinkTypeExt(), r.Snaplen(), r.Swapped())
	packets, inBatch := 0, 0
	// Every record or block takes at least 12 bytes, so this bounds the
	// number of successful calls.
	maxPackets := len(input)/12 + 1
	// Errors are not sticky, and each consumes at least one byte or ends
	// at the end of the input; read on after them, a bounded number of
	// times, to check that every call makes progress.
	errs, maxErrs := 0, len(input)+1
	for {
		h, data, err := r.Next()
		if errors.Is(err, ErrBatchFull) {
			if inBatch == 0 {
				t.Fatal("ErrBatchFull with an empty batch")
			}
			r.StartBatch()
			inBatch = 0
			continue
		}
		if err == io.EOF {
			fmt.Fprintf(&out, "end: %v\n", err)
			return out.String()
		}
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error text")
			}
			fmt.Fprintf(&out, "error: %v\n", err)
			if errs++; errs > maxErrs {
				t.Fatalf("more than %d errors from %d bytes: reading makes no progress", maxErrs, len(input))
			}
			continue
		}
		if uint32(len(data)) != h.Caplen {
			t.Fatalf("len(data) %d != caplen %d", len(data), h.Caplen)
		}
		if int64(h.Caplen) > int64(r.Snaplen()) {
			t.Fatalf("caplen %d > snapshot %d", h.Caplen, r.Snaplen())
		}
		if h.Caplen > maxSnaplenForDLT(r.LinkType()) {
			t.Fatalf("caplen %d > maximum %d", h.Caplen, maxSnaplenForDLT(r.LinkType()))
		}
		if packets++; packets > maxPackets {
			t.Fatalf("more than %d packets from %d bytes", maxPackets, len(input))
		}
		fmt.Fprintf(&out, "%d.%d %d %d %x\n", h.Sec, h.Frac, h.Caplen, h.Len, fnv64(data))
		if inBatch++; batch > 0 && inBatch >= batch {
			r.StartBatch()
			inBatch = 0
		}
	}
}

// fuzzBoth reads input with a big buffer and with a tiny one fed a byte at
// a time; the transcripts must agree.
func fuzzBoth(t *testing.T, input []byte) {
	for prec := 0; prec <= 1; prec++ {
		a := fuzzRead(t, input, prec, bytes.NewReader(input), chunkSize, 0)
		var src io.Reader = bytes.NewReader(input)
		if len(input) <= 8192 {
			src = iotest.OneByteReader(src)
		}
		b := fuzzRead(t, input, prec, src, 32, 5)
		if a != b {
			t.Fatalf("transcripts differ with buffering:\n%s\n---\n%s", a, b)
		}
	}
}

func FuzzPcap(f *testing.F) {
	seedCorpus(f, ".pcap")
	f.Fuzz(func(t *testing.T, input []byte) { fuzzBoth(t, input) })
}

func FuzzPcapng(f *testing.F) {
	seedCorpus(f, ".pcapng")
	f.Fuzz(func(t *testing.T, input []byte) { fuzzBoth(t, input) })
}
