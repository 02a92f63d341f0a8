package savefile

import (
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// readMode selects how dumpGo feeds and drains the Reader, to exercise the
// buffer logic in different ways while producing the same text.
type readMode struct {
	oneByte bool // source returns one byte per Read
	chunk   int  // Reader.chunk; 0 = default
	batch   int  // StartBatch after this many packets (and on ErrBatchFull)
}

// dumpGo prints what testdata/dump.c prints, from this package.
func dumpGo(t testing.TB, file []byte, prec int, m readMode) string {
	var out strings.Builder
	var src io.Reader = bytes.NewReader(file)
	if m.oneByte {
		src = iotest.OneByteReader(src)
	}
	r, err := open(src, Options{Precision: prec}, m.chunk)
	if err != nil {
		fmt.Fprintf(&out, "open error: %s\n", err)
		return out.String()
	}
	defer r.Close()
	sw := 0
	if r.Swapped() {
		sw = 1
	}
	major, minor := r.Version()
	fmt.Fprintf(&out, "datalink=%d ext=%d snapshot=%d swapped=%d version=%d.%d\n",
		r.LinkType(), r.LinkTypeExt(), r.Snaplen(), sw, major, minor)
	type held struct {
		data []byte
		sum  uint64
	}
	var batch []held
	check := func() {
		for i, h := range batch {
			if got := fnv64(h.data); got != h.sum {
				t.Fatalf("packet %d of the batch changed before StartBatch: hash %016x, was %016x", i, got, h.sum)
			}
		}
		batch = batch[:0]
		r.StartBatch()
	}
	count, errs := 0, 0
	for {
		h, data, err := r.Next()
		if errors.Is(err, ErrBatchFull) {
			if len(batch) == 0 {
				t.Fatalf("ErrBatchFull with an empty batch")
			}
			check()
			continue
		}
		if err == io.EOF {
			fmt.Fprintf(&out, "loop end rc=0\n")
			break
		}
		if err != nil {
			fmt.Fprintf(&out, "loop error rc=-1: %s\n", err)
			if errs == maxDumpErrors {
				fmt.Fprintf(&out, "giving up\n")
				break
			}
			errs++
			continue
		}
		if uint32(len(data)) != h.Caplen {
			t.Fatalf("len(data) = %d, caplen %d", len(data), h.Caplen)
		}
		count++
		sum := fnv64(data)
		fmt.Fprintf(&out, "pkt %d ts=%d.%09d caplen=%d len=%d hash=%016x\n",
			count, h.Sec, h.Frac, h.Caplen, h.Len, sum)
		batch = append(batch, held{data, sum})
		if m.batch > 0 && len(batch) >= m.batch {
			check()
		}
	}
	check()
	return out.String()
}

// maxDumpErrors is MAX_ERRORS in testdata/dump.c: how many times it reads
// on after an error.
const maxDumpErrors = 50

func fnv64(b []byte) uint64 {
	h := fnv.New64a()
	h.Write(b)
	return h.Sum64()
}

// corpusFiles lists every file under ../shared/corpus.
func corpusFiles(t testing.TB) []string {
	var files []string
	root := filepath.Join(testutil.Shared(t), "corpus")
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && !strings.HasSuffix(p, ".md") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

// TestDifferential compares this package with the system libpcap on every
// corpus file and every generated file, at both precisions, with several
// ways of feeding and draining the Reader.
func TestDifferential(t *testing.T) {
	testutil.SystemLib(t)
	root := testutil.Root(t)
	dump := testutil.BuildC(t, "dump", []string{filepath.Join(root, "core/savefile/testdata/dump.c")}, "-lpcap")
	files := corpusFiles(t)
	gdir := t.TempDir()
	gen := generated()
	names := make([]string, 0, len(gen))
	for name := range gen {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := filepath.Join(gdir, name)
		if err := os.WriteFile(p, gen[name], 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	modes := []readMode{{}, {chunk: 64, batch: 3}, {oneByte: true, chunk: 16, batch: 1000}}
	runs, match := 0, 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for prec, pname := range []string{"micro", "nano"} {
			res := testutil.Run(t, testutil.System, nil, 30*time.Second, nil, dump, pname, f)
			if res.Exit != 0 {
				t.Fatalf("%s %s: oracle exit %d: %s", pname, f, res.Exit, res.Stderr)
			}
			want := string(res.Stdout)
			for mi, m := range modes {
				if mi > 0 && len(data) > 1<<20 {
					continue // the slow modes on the big files add nothing
				}
				runs++
				got := dumpGo(t, data, prec, m)
				if got == want {
					match++
					continue
				}
				t.Errorf("%s (%s, mode %d) differs from libpcap:\n%s", f, pname, mi, firstDiff(want, got))
			}
		}
	}
	t.Logf("%d files (%d corpus + %d generated), %d/%d runs match the system libpcap", len(files), len(files)-len(gen), len(gen), match, runs)
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n  libpcap: %q\n  ours:    %q", i+1, a, b)
		}
	}
	return "(identical lines?)"
}
