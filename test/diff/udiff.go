package diff

import (
	"bytes"
	"fmt"
	"strings"
)

// maxLCSCells bounds the work of the line diff: above it the differing middle
// is shown as a plain replacement instead of a minimal edit script.
const maxLCSCells = 4 << 20

// maxLineLen is how many bytes of one line a diff shows.
const maxLineLen = 160

// contextLines is the number of unchanged lines kept around each change.
const contextLines = 3

// op is one line of an edit script: ' ' kept, '-' only in a, '+' only in b.
type op struct {
	kind byte
	text string
	a, b int // 0-based line numbers in a and b before this line
}

// Lines splits text into lines without their newline. A final line without a
// newline is kept and marked, so that a missing newline is a difference.
func Lines(text []byte) []string {
	if len(text) == 0 {
		return nil
	}
	s := string(text)
	noEOL := !strings.HasSuffix(s, "\n")
	s = strings.TrimSuffix(s, "\n")
	out := strings.Split(s, "\n")
	if noEOL {
		out[len(out)-1] += " \\ (no newline at end)"
	}
	return out
}

// HexLines renders binary data as hex-dump lines of 16 bytes, so binary
// output can go through the same line diff as text.
func HexLines(data []byte) []string {
	out := make([]string, 0, (len(data)+15)/16)
	for off := 0; off < len(data); off += 16 {
		end := min(off+16, len(data))
		var sb strings.Builder
		fmt.Fprintf(&sb, "%08x ", off)
		for _, c := range data[off:end] {
			fmt.Fprintf(&sb, " %02x", c)
		}
		out = append(out, sb.String())
	}
	return out
}

// IsText reports whether data looks like text (no NUL bytes), deciding
// whether a diff shows it as lines or as a hex dump.
func IsText(data []byte) bool {
	return bytes.IndexByte(data, 0) < 0
}

// script computes an edit script turning a into b: common prefix and suffix
// are kept, and the middle is aligned with a longest common subsequence when
// it is small enough, or replaced wholesale when it is not.
func script(a, b []string) []op {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ops := make([]op, 0, len(a)+len(b))
	for i := 0; i < pre; i++ {
		ops = append(ops, op{' ', a[i], i, i})
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	ops = append(ops, middle(ma, mb, pre, pre)...)
	for i := 0; i < suf; i++ {
		ia, ib := len(a)-suf+i, len(b)-suf+i
		ops = append(ops, op{' ', a[ia], ia, ib})
	}
	return ops
}

// middle aligns the differing middle parts; offA and offB are their line
// numbers in the whole texts.
func middle(a, b []string, offA, offB int) []op {
	var ops []op
	if len(a)*len(b) > maxLCSCells {
		for i, s := range a {
			ops = append(ops, op{'-', s, offA + i, offB})
		}
		for j, s := range b {
			ops = append(ops, op{'+', s, offA + len(a), offB + j})
		}
		return ops
	}
	// lcs[i][j] is the LCS length of a[i:] and b[j:].
	w := len(b) + 1
	lcs := make([]int32, (len(a)+1)*w)
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			ops = append(ops, op{' ', a[i], offA + i, offB + j})
			i, j = i+1, j+1
		case j == len(b) || (i < len(a) && lcs[(i+1)*w+j] >= lcs[i*w+j+1]):
			ops = append(ops, op{'-', a[i], offA + i, offB + j})
			i++
		default:
			ops = append(ops, op{'+', b[j], offA + i, offB + j})
			j++
		}
	}
	return ops
}

// Unified renders a compact unified diff of a and b, labelled nameA and
// nameB, showing at most maxChanged changed lines (with contextLines of
// context around each change) and at most 2*(maxChanged+contextLines)
// lines in all, the first change always included. It returns "" when a and
// b are equal.
func Unified(a, b []string, nameA, nameB string, maxChanged int) string {
	ops := script(a, b)
	total := 0
	for _, o := range ops {
		if o.kind != ' ' {
			total++
		}
	}
	if total == 0 {
		return ""
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n", nameA, nameB)
	shown, body, maxBody := 0, 0, 2*maxChanged+2*contextLines
	for k := 0; k < len(ops) && shown < maxChanged && body < maxBody; {
		if ops[k].kind == ' ' {
			k++
			continue
		}
		start := max(0, k-contextLines)
		end, _ := hunkEnd(ops, k, maxChanged-shown)
		end = min(end, max(k+1, start+maxBody-body))
		h := ops[start:end]
		for _, o := range h {
			if o.kind != ' ' {
				shown++
			}
		}
		body += len(h)
		writeHunk(&sb, h)
		k = end
	}
	if shown < total {
		fmt.Fprintf(&sb, "... %d more differing lines not shown\n", total-shown)
	}
	return sb.String()
}

// hunkEnd finds where the hunk starting with the change at k ends: after the
// last change that is at most 2*contextLines kept lines from the next one,
// or after budget changes, plus the kept lines after it. It returns the end
// index and the number of changed lines in the hunk.
func hunkEnd(ops []op, k, budget int) (int, int) {
	n, last := 0, k
	for i := k; i < len(ops); i++ {
		if ops[i].kind == ' ' {
			if i-last > 2*contextLines {
				break
			}
			continue
		}
		if n == budget {
			break
		}
		n++
		last = i
	}
	end := last + 1
	for end < len(ops) && end <= last+contextLines && ops[end].kind == ' ' {
		end++
	}
	return end, n
}

// writeHunk prints one hunk with its @@ header.
func writeHunk(sb *strings.Builder, h []op) {
	na, nb := 0, 0
	for _, o := range h {
		if o.kind != '+' {
			na++
		}
		if o.kind != '-' {
			nb++
		}
	}
	fmt.Fprintf(sb, "@@ -%s +%s @@\n", span(h[0].a, na), span(h[0].b, nb))
	for _, o := range h {
		t := o.text
		if len(t) > maxLineLen {
			t = t[:maxLineLen] + "…"
		}
		fmt.Fprintf(sb, "%c%s\n", o.kind, t)
	}
}

// span formats a hunk range the way diff -u does: 1-based start, and a count
// unless it is 1 (an empty range starts at the line before it).
func span(start, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}
