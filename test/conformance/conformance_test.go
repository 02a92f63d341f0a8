package conformance

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/core/bpf"
	"github.com/pcapshim/pcapshim/core/tables"
	"github.com/pcapshim/pcapshim/test/conformance/vectors"
	"github.com/pcapshim/pcapshim/test/testutil"
)

var (
	budget = flag.Duration("budget", 40*time.Millisecond, "time for the semantic comparison of one accept case")
	match  = flag.String("match", "", "only cases whose label or expression contains this")
)

// request is one line for the driver and the case it comes from.
type request struct {
	id   int
	line string
	c    *vectors.Case
}

// reply is what the driver answered to one request.
type reply struct {
	status string // OK, ERR, OPENERR, OPENED, VERDICTS, VAL, MAC, NULL, CRASH
	arg    string // decoded text for ERR/OPENERR, the rest of the line otherwise
	prog   []bpf.Insn
	images []string // the library's bpf_image lines
}

func hexArg(s string) string {
	if s == "" {
		return "-"
	}
	return hex.EncodeToString([]byte(s))
}

// deadFile writes an empty savefile of link type dlt in the host's byte
// order, or the other one when swapped, for the cases compiled "against a
// savefile".
func deadFile(t *testing.T, dir string, dlt int, snaplen uint32, swapped bool) string {
	var bo binary.ByteOrder = binary.LittleEndian
	if native := binary.NativeEndian.Uint16([]byte{1, 0}) == 1; native == swapped {
		bo = binary.BigEndian
	}
	lt := tables.DLTToLinkType(dlt)
	if lt < 0 {
		lt = dlt
	}
	var h [24]byte
	bo.PutUint32(h[0:], 0xa1b2c3d4)
	bo.PutUint16(h[4:], 2)
	bo.PutUint16(h[6:], 4)
	bo.PutUint32(h[16:], snaplen)
	bo.PutUint32(h[20:], uint32(lt))
	path := filepath.Join(dir, fmt.Sprintf("dead-%d-%d-%v.pcap", dlt, snaplen, swapped))
	if err := os.WriteFile(path, h[:], 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// requests turns the cases into driver requests.
func requests(t *testing.T, shared string, cases []vectors.Case) (reqs []request, skipped map[string]int) {
	dir := t.TempDir()
	skipped = map[string]int{}
	corpus := filepath.Join(shared, "corpus", "libpcap")
	for i := range cases {
		c := &cases[i]
		if *match != "" && !strings.Contains(c.Label, *match) && !strings.Contains(c.Expr, *match) {
			continue
		}
		var line string
		switch c.Kind {
		case "accept", "reject":
			if c.Kind == "reject" && c.Savefile != "" {
				line = "O %d " + hexArg(filepath.Join(corpus, c.Savefile))
				break
			}
			if c.NeedsLinuxExt() || c.Expr == "_enumerate_bpf_image" {
				skipped[c.Kind]++
				continue
			}
			dlt := vectors.DLTValue(c.DLT)
			mask, err := c.NetmaskValue()
			if dlt < 0 || err != nil {
				t.Errorf("%s: DLT %q, netmask: %v", c.Label, c.DLT, err)
				continue
			}
			if c.Offline != "" {
				path := deadFile(t, dir, dlt, c.SnaplenOr262144(), c.Offline == "swapped")
				line = fmt.Sprintf("F %%d %s %d %d %s", hexArg(path), mask, c.Optimize, hexArg(c.Expr))
			} else {
				line = fmt.Sprintf("C %%d %d %d %d %d %s", dlt, c.SnaplenOr262144(), mask, c.Optimize, hexArg(c.Expr))
			}
		case "apply":
			mask, err := c.NetmaskValue()
			if err != nil {
				t.Errorf("%s: %v", c.Label, err)
				continue
			}
			line = fmt.Sprintf("A %%d %s %d %d %s", hexArg(filepath.Join(corpus, c.Savefile)), mask, c.Optimize, hexArg(c.Expr))
		case "other":
			op := map[string]string{"pcap_ether_aton": "E", "pcap_nametoeproto": "P", "pcap_nametollc": "L"}[c.CFunc]
			if op == "" {
				skipped[c.Kind]++
				continue
			}
			line = op + " %d " + hexArg(c.Arg())
		default:
			skipped[c.Kind]++
			continue
		}
		id := len(reqs)
		reqs = append(reqs, request{id: id, line: fmt.Sprintf(line, id), c: c})
	}
	return reqs, skipped
}

// drive runs the driver over reqs with one library, restarting it after a
// crash on the request after the one that crashed it.
func drive(t *testing.T, exe string, lib testutil.Env, reqs []request) []reply {
	replies := make([]reply, len(reqs))
	for start := 0; start < len(reqs); {
		var in bytes.Buffer
		for _, r := range reqs[start:] {
			in.WriteString(r.line)
			in.WriteByte('\n')
		}
		res := testutil.Run(t, lib, in.Bytes(), 5*time.Minute, nil, exe)
		next := parseReplies(res.Stdout, replies, start)
		if next >= len(reqs) {
			break
		}
		// The driver died (or hung) on request next.
		why := fmt.Sprintf("exit %d %s", res.Exit, res.Signal)
		if res.TimedOut {
			why = "timed out"
		}
		replies[next] = reply{status: "CRASH", arg: why + ": " + lastLines(res.Stderr, 5)}
		start = next + 1
	}
	return replies
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

// parseReplies fills replies from the driver's output and returns the
// index of the first request left unanswered.
func parseReplies(out []byte, replies []reply, start int) int {
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	next := start
	var cur *reply
	want := 0
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "I ") && cur != nil && want > 0 {
			num, img, _ := strings.Cut(line[2:], "\t")
			f := strings.Fields(num)
			if len(f) == 4 {
				code, _ := strconv.ParseUint(f[0], 10, 16)
				jt, _ := strconv.ParseUint(f[1], 10, 8)
				jf, _ := strconv.ParseUint(f[2], 10, 8)
				k, _ := strconv.ParseUint(f[3], 10, 32)
				cur.prog = append(cur.prog, bpf.Insn{Code: uint16(code), JT: uint8(jt), JF: uint8(jf), K: uint32(k)})
				cur.images = append(cur.images, img)
			}
			if want--; want == 0 {
				next = idxAfter(cur, replies, next)
				cur = nil
			}
			continue
		}
		f := strings.SplitN(line, " ", 4)
		if len(f) < 3 || f[0] != "R" {
			continue
		}
		id, err := strconv.Atoi(f[1])
		if err != nil || id < 0 || id >= len(replies) {
			continue
		}
		r := &replies[id]
		*r = reply{status: f[2]}
		if len(f) == 4 {
			r.arg = f[3]
		}
		switch r.status {
		case "ERR", "OPENERR":
			b, _ := hex.DecodeString(r.arg)
			r.arg = string(b)
		case "OK":
			want, _ = strconv.Atoi(r.arg)
			if want > 0 {
				cur = r
				continue
			}
		}
		if id+1 > next {
			next = id + 1
		}
	}
	return next
}

// idxAfter is the index after the reply cur (complete now).
func idxAfter(cur *reply, replies []reply, next int) int {
	for i := range replies {
		if &replies[i] == cur && i+1 > next {
			return i + 1
		}
	}
	return next
}

// scores is one library's results.
type scores struct {
	apply, other                  vectors.Score
	accCompiled, accSem, accIdent vectors.Score
	rejRejected, rejText          vectors.Score
	crashes                       []string
	imageMismatch                 int
	fails                         map[string]*vectors.Failures
}

// Targets of issue 3. Rejection allows the savefile cases where ours keeps
// libpcap 1.10.3's behaviour, which tcpdump users see (a linktype with
// reserved bits set opens, as in 1.10.3; master refuses it).
const (
	maxRejectNotRejected = 1
	minRejectTextPct     = 95.0
)

// check fails the test where ours misses a target: every apply verdict,
// every accept case semantically equal, rejections and their texts, and
// every other case.
func (s *scores) check(t *testing.T) {
	t.Helper()
	all := func(name string, sc vectors.Score) {
		if sc.Total == 0 || sc.Pass != sc.Total {
			t.Errorf("%s: %s, want all", name, sc)
		}
	}
	all("apply", s.apply)
	all("accept compiled", s.accCompiled)
	all("accept semantically equal", s.accSem)
	all("other", s.other)
	if s.rejRejected.Total == 0 || s.rejRejected.Total-s.rejRejected.Pass > maxRejectNotRejected {
		t.Errorf("reject: rejected %s, want all but %d", s.rejRejected, maxRejectNotRejected)
	}
	if s.rejText.Total == 0 || 100*float64(s.rejText.Pass) < minRejectTextPct*float64(s.rejText.Total) {
		t.Errorf("reject: expected text in %s, want at least %.0f%%", s.rejText, minRejectTextPct)
	}
}

func (s *scores) fail(kind string, c *vectors.Case, dlt, want, got string) {
	if s.fails[kind] == nil {
		s.fails[kind] = &vectors.Failures{}
	}
	s.fails[kind].Add(c, dlt, want, got)
}

// judge scores one library's replies.
func judge(shared string, reqs []request, replies []reply) *scores {
	s := &scores{fails: map[string]*vectors.Failures{}}
	var mu sync.Mutex
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				judgeOne(shared, reqs[i], replies[i], s, &mu)
			}
		}()
	}
	for i := range reqs {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return s
}

func judgeOne(shared string, rq request, r reply, s *scores, mu *sync.Mutex) {
	c := rq.c
	var lines []string
	pass := func(sc *vectors.Score, ok bool) {
		sc.Total++
		if ok {
			sc.Pass++
		}
	}
	got := r.status + " " + r.arg
	if r.status == "OK" {
		got = strings.Join(r.images, "\n")
	}
	mu.Lock()
	defer mu.Unlock()
	if r.status == "CRASH" {
		s.crashes = append(s.crashes, fmt.Sprintf("%s (%s %q): %s", c.Label, c.Kind, c.Expr, r.arg))
	}
	switch c.Kind {
	case "accept":
		ok := r.status == "OK"
		var res vectors.AcceptResult
		if ok {
			for i, in := range r.prog {
				if img := strings.TrimRight(bpf.Image(in, i), " "); img != strings.TrimRight(r.images[i], " ") {
					s.imageMismatch++
					lines = append(lines, fmt.Sprintf("bpf_image %q, core/bpf %q", r.images[i], img))
				}
			}
			want, err := bpf.ParseImage(c.Expected)
			if err != nil {
				res.Detail = "expected program: " + err.Error()
			} else {
				mu.Unlock()
				res = vectors.CompareAccept(want, r.prog, vectors.Corpus(shared, vectors.DLTValue(c.DLT)), *budget)
				mu.Lock()
			}
		}
		pass(&s.accCompiled, ok)
		pass(&s.accSem, res.Semantic)
		pass(&s.accIdent, res.Identical)
		if !res.Identical {
			note := "semantically equal (bytecode differs)"
			if !res.Semantic {
				note = "NOT EQUIVALENT: " + res.Detail
			}
			if !ok {
				note = "not compiled"
			}
			s.fail("accept", c, c.DLT, c.Expected, got+"\n--- "+note+strings.Join(lines, "\n"))
		}
	case "reject":
		rejected := r.status == "ERR" || r.status == "OPENERR"
		text := r.arg
		if r.status == "OPENERR" {
			text = "Failed opening: " + text
		}
		has := rejected && strings.Contains(text, c.Expected)
		pass(&s.rejRejected, rejected)
		pass(&s.rejText, has)
		if !has {
			s.fail("reject", c, c.DLT, c.Expected, got)
		}
	case "apply":
		ok := r.status == "VERDICTS" && strings.Join(strings.Fields(r.arg), " ") == strings.Join(strings.Fields(c.Expected), " ")
		pass(&s.apply, ok)
		if !ok {
			s.fail("apply", c, c.Savefile, strings.Join(strings.Fields(c.Expected), " "), got)
		}
	case "other":
		var out string
		switch r.status {
		case "MAC":
			out = "OK: " + r.arg
		case "NULL":
			out = "ERROR: NULL"
		case "VAL":
			v, _ := strconv.Atoi(r.arg)
			switch {
			case v == -1:
				out = "OK: PROTO_UNDEF"
			case c.CFunc == "pcap_nametoeproto":
				out = fmt.Sprintf("OK: 0x%04x", v)
			default:
				out = fmt.Sprintf("OK: 0x%02x", v)
			}
		default:
			out = got
		}
		ok := out == strings.TrimSpace(c.Expected)
		pass(&s.other, ok)
		if !ok {
			s.fail("other", c, "", c.Expected, out+"  ("+c.CFunc+"("+strconv.Quote(c.Arg())+"))")
		}
	}
}

func (s *scores) summary() string {
	return fmt.Sprintf("apply %s; accept compiled %s, semantically equal %s, bytecode-identical %s; reject rejected %s, text contained %s; other %s; crashes %d",
		s.apply, s.accCompiled, s.accSem, s.accIdent, s.rejRejected, s.rejText, s.other, len(s.crashes))
}

// TestConformance runs the cases through our library and the system
// libpcap and logs both sets of scores. For now it fails only when our
// library crashes.
func TestConformance(t *testing.T) {
	shared := testutil.Shared(t)
	testutil.LibDir(t)
	testutil.SystemLib(t)
	testutil.Need(t, "gcc", "gcc")
	cases, err := vectors.Load(shared)
	if err != nil {
		t.Fatal(err)
	}
	exe := testutil.BuildC(t, "driver", []string{filepath.Join("testdata", "driver.c")},
		"-Wall", "-Wextra", "-Werror", "-lpcap")
	reqs, skipped := requests(t, shared, cases)
	t.Logf("%d requests; not applicable: %v", len(reqs), skipped)

	for _, lib := range []struct {
		name string
		env  testutil.Env
	}{{"system libpcap", testutil.System}, {"ours", testutil.Ours}} {
		start := time.Now()
		replies := drive(t, exe, lib.env, reqs)
		ran := time.Since(start)
		s := judge(shared, reqs, replies)
		t.Logf("%s: %s [driver %.1fs, judged in %.1fs]", lib.name, s.summary(), ran.Seconds(), (time.Since(start) - ran).Seconds())
		if lib.env == testutil.Ours {
			for kind, f := range s.fails {
				path := "/tmp/conformance-failures-" + kind + ".txt"
				if err := f.Write(path); err != nil {
					t.Error(err)
				} else {
					t.Logf("ours: %d %s failures in %s", f.Len(), kind, path)
				}
			}
			if s.imageMismatch > 0 {
				t.Errorf("ours: %d bpf_image lines differ from core/bpf's Image", s.imageMismatch)
			}
			for _, c := range s.crashes {
				t.Errorf("ours crashed: %s", c)
			}
			s.check(t)
		} else {
			for kind, f := range s.fails {
				f.Write("/tmp/conformance-system-failures-" + kind + ".txt")
			}
			for _, c := range s.crashes {
				t.Logf("system libpcap crashed: %s", c)
			}
		}
	}
}
