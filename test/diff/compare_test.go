package diff

import (
	"bytes"
	"fmt"
	"strings"
)

// maxShown is how many differing lines one diff shows.
const maxShown = 20

// compare lists how ours differs from sys; nil means identical.
func compare(sys, ours outcome) []string {
	var probs []string
	if sys.res.TimedOut || ours.res.TimedOut || status(sys.res) != status(ours.res) {
		probs = append(probs, fmt.Sprintf("status: system %s, ours %s", status(sys.res), status(ours.res)))
	}
	if d := diffBytes("stdout", sys.res.Stdout, ours.res.Stdout); d != "" {
		probs = append(probs, d)
	}
	if d := diffBytes("stderr", sys.res.Stderr, ours.res.Stderr); d != "" {
		probs = append(probs, d)
	}
	switch {
	case sys.hasWrite != ours.hasWrite:
		probs = append(probs, fmt.Sprintf("written file: system wrote one: %v, ours: %v", sys.hasWrite, ours.hasWrite))
	case sys.hasWrite:
		if d := diffBytes("written file", sys.written, ours.written); d != "" {
			probs = append(probs, d)
		}
	}
	return probs
}

// diffBytes renders a compact diff of two outputs, as text lines or as a hex
// dump when either is binary, or "" when they are equal.
func diffBytes(what string, sys, ours []byte) string {
	if bytes.Equal(sys, ours) {
		return ""
	}
	head := fmt.Sprintf("%s differs (system %d bytes, ours %d bytes", what, len(sys), len(ours))
	var a, b []string
	if IsText(sys) && IsText(ours) {
		a, b = Lines(sys), Lines(ours)
		head += "):\n"
	} else {
		a, b = HexLines(sys), HexLines(ours)
		head += fmt.Sprintf(", first difference at byte %d, hex dump):\n", firstDiff(sys, ours))
	}
	return head + Unified(a, b, "system "+what, "ours "+what, maxShown)
}

// firstDiff is the offset of the first byte where a and b differ.
func firstDiff(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// report joins the problems of one comparison under its command line.
func report(cmd string, probs []string) string {
	return "command: " + cmd + "\n" + strings.Join(probs, "\n")
}
