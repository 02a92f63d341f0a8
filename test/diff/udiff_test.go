package diff

import (
	"fmt"
	"strings"
	"testing"
)

func TestUnifiedEqual(t *testing.T) {
	a := []string{"x", "y"}
	if d := Unified(a, a, "a", "b", 20); d != "" {
		t.Fatalf("equal inputs gave a diff:\n%s", d)
	}
}

func TestUnifiedOneChange(t *testing.T) {
	var a, b []string
	for i := 0; i < 20; i++ {
		a = append(a, fmt.Sprintf("line %d", i))
	}
	b = append(b, a...)
	b[10] = "changed"
	want := "--- sys\n+++ ours\n@@ -8,7 +8,7 @@\n line 7\n line 8\n line 9\n-line 10\n+changed\n line 11\n line 12\n line 13\n"
	if got := Unified(a, b, "sys", "ours", 20); got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestUnifiedInsertDelete(t *testing.T) {
	a := []string{"a", "b", "c"}
	b := []string{"a", "c", "d"}
	want := "--- 1\n+++ 2\n@@ -1,3 +1,3 @@\n a\n-b\n c\n+d\n"
	if got := Unified(a, b, "1", "2", 20); got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
	want = "--- 1\n+++ 2\n@@ -0,0 +1 @@\n+x\n"
	if got := Unified(nil, []string{"x"}, "1", "2", 20); got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestUnifiedTwoHunksAndLimit(t *testing.T) {
	var a, b []string
	for i := 0; i < 40; i++ {
		a = append(a, fmt.Sprint(i))
		b = append(b, fmt.Sprint(i))
	}
	b[5], b[30] = "five", "thirty"
	d := Unified(a, b, "a", "b", 20)
	if n := strings.Count(d, "\n@@ "); n != 2 {
		t.Fatalf("want 2 hunks, got %d:\n%s", n, d)
	}
	if !strings.Contains(d, "@@ -28,7 +28,7 @@\n") {
		t.Fatalf("second hunk header wrong:\n%s", d)
	}
	d = Unified(a, b, "a", "b", 1)
	if strings.Contains(d, "thirty") || !strings.Contains(d, "... 3 more differing lines not shown") {
		t.Fatalf("limit not applied:\n%s", d)
	}
}

func TestUnifiedLimitKeepsContextClean(t *testing.T) {
	a := []string{"k", "1", "2", "3", "4"}
	b := []string{"k", "x1", "x2", "x3", "x4"}
	d := Unified(a, b, "a", "b", 2)
	for _, l := range strings.Split(d, "\n") {
		if l == " x3" || l == " 3" {
			t.Fatalf("a changed line shown as context:\n%s", d)
		}
	}
}

func TestUnifiedLargeFallsBack(t *testing.T) {
	n := 3000
	a, b := make([]string, n), make([]string, n)
	for i := range a {
		a[i], b[i] = fmt.Sprint("a", i), fmt.Sprint("b", i)
	}
	d := Unified(a, b, "a", "b", 4)
	if !strings.Contains(d, "-a0\n") || !strings.Contains(d, "... 5996 more") {
		t.Fatalf("unexpected large diff:\n%s", d)
	}
}

func TestLinesAndHex(t *testing.T) {
	if got := Lines([]byte("a\nb")); len(got) != 2 || !strings.HasPrefix(got[1], "b \\") {
		t.Fatalf("missing final newline not marked: %q", got)
	}
	if got := Lines([]byte("a\nb\n")); len(got) != 2 || got[1] != "b" {
		t.Fatalf("Lines: %q", got)
	}
	h := HexLines([]byte("0123456789abcdefXY"))
	if len(h) != 2 || h[1] != "00000010  58 59" {
		t.Fatalf("HexLines: %q", h)
	}
	if IsText([]byte{'a', 0}) || !IsText([]byte("abc")) {
		t.Fatal("IsText wrong")
	}
}

func TestUnifiedBodyCap(t *testing.T) {
	var a, b []string
	for i := 0; i < 100; i++ {
		a = append(a, fmt.Sprint(i))
		b = append(b, fmt.Sprint(i))
	}
	for i := 0; i < 100; i += 5 {
		b[i] = "x"
	}
	d := Unified(a, b, "a", "b", 10)
	body := 0
	for _, l := range strings.Split(strings.TrimSuffix(d, "\n"), "\n") {
		if l != "" && strings.ContainsRune(" +-", rune(l[0])) && !strings.HasPrefix(l, "--- ") && !strings.HasPrefix(l, "+++ ") {
			body++
		}
	}
	if body > 26 || !strings.Contains(d, "more differing lines not shown") {
		t.Fatalf("body of %d lines, want at most 26 and a note:\n%s", body, d)
	}
	if !strings.HasPrefix(strings.Split(d, "\n")[2], "@@ -1,21 +1,21 @@") {
		t.Fatalf("truncated hunk header wrong:\n%s", d)
	}
}
