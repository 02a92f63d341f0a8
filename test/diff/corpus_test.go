package diff

import (
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// minCorpus is how many capture files the corpus must hold at least, so that
// a missing or truncated corpus cannot make the suite pass vacuously.
const minCorpus = 400

// notCapture are name suffixes of files in the corpus that are not captures.
var notCapture = []string{".md", ".txt", ".json"}

// corpusFiles lists the capture files under ../shared/corpus, as paths
// relative to it (slash-separated, sorted).
func corpusFiles(t *testing.T) (dir string, rel []string) {
	t.Helper()
	dir = filepath.Join(testutil.Shared(t), "corpus")
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		for _, s := range notCapture {
			if strings.HasSuffix(strings.ToLower(d.Name()), s) {
				return nil
			}
		}
		r, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = append(rel, filepath.ToSlash(r))
		return nil
	})
	if err != nil {
		t.Fatalf("listing %s: %v", dir, err)
	}
	sort.Strings(rel)
	return dir, rel
}

// TestDiffCount checks the corpus is there and large enough, and that every
// directory the differential tests rely on holds captures.
func TestDiffCount(t *testing.T) {
	_, files := corpusFiles(t)
	if len(files) < minCorpus {
		t.Fatalf("corpus holds %d capture files, want at least %d", len(files), minCorpus)
	}
	perDir := map[string]int{}
	for _, f := range files {
		perDir[filepath.Dir(f)]++
	}
	for _, d := range []string{"tcpdump", "libpcap", "libpcap/filter", "pcapng-suite/le", "pcapng-suite/be"} {
		if perDir[d] == 0 {
			t.Errorf("corpus directory %s holds no captures", d)
		}
	}
	t.Logf("corpus: %d capture files in %d directories", len(files), len(perDir))
}
