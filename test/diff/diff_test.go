package diff

import (
	"os"
	"path"
	"path/filepath"
	"sync"
	"testing"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// workers is how many capture files are processed at once.
const workers = 4

// minBroadRun is the number of comparisons above which a run counts as broad
// enough to check that the oracle produced output most of the time.
const minBroadRun = 100

// stats counts what TestDiff did, for its summary line.
type stats struct {
	mu                         sync.Mutex
	files, compared, different int
	productive                 int // comparisons where the system tcpdump produced output
	master                     int // filter differences due to libpcap master's changes
}

func (s *stats) addMaster() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.master++
}

func (s *stats) add(files, compared, different, productive int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files += files
	s.compared += compared
	s.different += different
	s.productive += productive
}

// TestDiff runs the stock tcpdump over every capture with each option set,
// against the system libpcap and against ours, and requires identical
// stdout, stderr, exit status and written files.
func TestDiff(t *testing.T) {
	tcpdump := tcpdumpPath(t)
	lookTcpdump(t, tcpdump)
	testutil.SystemLib(t)
	libEnv := "LD_LIBRARY_PATH=" + testutil.LibDir(t)
	dir, files := corpusFiles(t)
	st := &stats{}
	t.Cleanup(func() {
		t.Logf("diff: %d files, %d comparisons, %d mismatches", st.files, st.compared, st.different)
		t.Logf("diff: the system tcpdump produced output in %d of %d comparisons", st.productive, st.compared)
		if st.compared >= minBroadRun && st.productive*2 < st.compared {
			t.Errorf("the system tcpdump produced output in only %d of %d comparisons: the harness is not testing anything", st.productive, st.compared)
		}
	})
	sem := make(chan struct{}, workers)
	for _, rel := range files {
		file := filepath.Join(dir, filepath.FromSlash(rel))
		t.Run(rel, func(t *testing.T) {
			t.Parallel()
			sem <- struct{}{}
			defer func() { <-sem }()
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("reading %s: %v", file, err)
			}
			st.add(1, 0, 0, 0)
			for _, set := range optSets {
				t.Run(set.name, func(t *testing.T) {
					diffOne(t, st, tcpdump, libEnv, file, data, set)
				})
			}
		})
	}
}

// diffOne runs one capture with one option set on both libraries and
// compares the results.
func diffOne(t *testing.T, st *stats, tcpdump, libEnv, file string, data []byte, set optSet) {
	out := ""
	if set.write {
		out = filepath.Join(t.TempDir(), "out.pcap")
	}
	argv := set.argv(tcpdump, file, out)
	var stdin []byte
	stdinFile := ""
	if set.stdin {
		stdin, stdinFile = data, file
	}
	sys := runSide(t, testutil.System, stdin, out, argv)
	ours := runSide(t, testutil.Ours, stdin, out, argv)
	productive := 0
	if len(sys.res.Stdout) > 0 || len(sys.written) > 0 {
		productive = 1
	}
	probs := compare(sys, ours)
	if len(probs) == 0 {
		st.add(0, 1, 0, productive)
		return
	}
	st.add(0, 1, 1, productive)
	t.Errorf("%s: tcpdump %s differs\n%s", path.Base(file), set.name, report(shellLine(libEnv, argv, stdinFile), probs))
}
