package bpf

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestImageSamples(t *testing.T) {
	cases := []struct {
		ins  Insn
		pc   int
		want string
	}{
		{Insn{Code: LD | H | ABS, K: 12}, 0, "(000) ldh      [12]"},
		{Insn{Code: JMP | JEQ | K, K: 0x800, JT: 0, JF: 3}, 1, "(001) jeq      #0x800           jt 2\tjf 5"},
		{Insn{Code: RET | K, K: 262144}, 4, "(004) ret      #262144"},
		{Insn{Code: RET | A}, 4, "(004) ret      "},
		{Insn{Code: LD | W | LEN}, 2, "(002) ld       #pktlen"},
		{Insn{Code: LDX | MSH | B, K: 14}, 7, "(007) ldxb     4*([14]&0xf)"},
		{Insn{Code: JMP | JA, K: 3}, 5, "(005) ja       9"},
		{Insn{Code: ST, K: 2}, 5, "(005) st       M[2]"},
		{Insn{Code: ALU | AND | K, K: 0x1fff}, 5, "(005) and      #0x1fff"},
		{Insn{Code: ALU | ADD | K, K: 0xffffffff}, 5, "(005) add      #-1"},
		{Insn{Code: LD | H | ABS, K: skfOff + 44}, 5, "(005) ldh      [vlan_tci]"},
		{Insn{Code: LD | B | ABS, K: skfOff + 48}, 5, "(005) ldb      [vlanp]"},
		{Insn{Code: LD | W | ABS, K: skfOff + 2}, 5, "(005) ld       [-4094]"},
		{Insn{Code: RET | X}, 5, "(005) unimp    0xe"},
		{Insn{Code: JMP | 0x50 | K, JT: 1}, 5, "(005) unimp    0x55             jt 7\tjf 6"},
	}
	for _, c := range cases {
		if got := Image(c.ins, c.pc); got != c.want {
			t.Errorf("Image(%+v, %d) = %q, want %q", c.ins, c.pc, got, c.want)
		}
	}
}

// TestImageEnumerate checks every opcode against libpcap master's own
// "_enumerate_bpf_image" vector (k=15, jt=1, jf=0, the code in a trailing
// comment), when the shared conformance data is present.
func TestImageEnumerate(t *testing.T) {
	dir := os.Getenv("PCAPSHIM_SHARED")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared")
	}
	data, err := os.ReadFile(filepath.Join(dir, "conformance", "libpcap-filter-vectors.json"))
	if err != nil {
		t.Skipf("conformance vectors absent (%v): clone beside shared/ or set PCAPSHIM_SHARED", err)
	}
	var cases []struct {
		Expr, Expected string
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	line := regexp.MustCompile(`^(.*?)\s*; 0x([0-9a-f]{4})$`)
	n := 0
	for _, c := range cases {
		if c.Expr != "_enumerate_bpf_image" {
			continue
		}
		for i, l := range strings.Split(strings.TrimRight(c.Expected, "\n"), "\n") {
			m := line.FindStringSubmatch(l)
			if m == nil {
				t.Fatalf("unexpected line %q", l)
			}
			code, _ := strconv.ParseUint(m[2], 16, 16)
			got := strings.TrimRight(Image(Insn{Code: uint16(code), JT: 1, K: 15}, i), " ")
			if got != m[1] {
				t.Errorf("code 0x%02x: got %q, want %q", code, got, m[1])
			}
			n++
		}
	}
	if n == 0 {
		t.Fatal("no _enumerate_bpf_image vector found")
	}
}

func TestParseRoundTrip(t *testing.T) {
	var prog []Insn
	for code := 0; code < 0x100; code++ {
		prog = append(prog, Insn{Code: uint16(code), JT: 3, JF: 7, K: 0xfffffff0})
	}
	prog = append(prog,
		Insn{Code: LD | H | ABS, K: skfOff + 44},
		Insn{Code: LD | W | ABS, K: 12},
		Insn{Code: JMP | JA, K: 0xfffffffe},
		Insn{Code: ALU | ADD | K, K: 5},
		Insn{Code: RET | K, K: 262144},
	)
	text := Dump(prog)
	back, err := ParseImage(text)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(prog) {
		t.Fatalf("parsed %d instructions, want %d", len(back), len(prog))
	}
	for i := range prog {
		want := prog[i]
		op, _ := mnemonic(want, i)
		switch {
		case op == "unimp":
			want = Insn{Code: want.Code}
			if Class(want.Code) == JMP && Op(want.Code) != JA {
				want.JT, want.JF = 3, 7
			}
		case Class(want.Code) != JMP || Op(want.Code) == JA:
			want.JT, want.JF = 0, 0
		}
		switch want.Code {
		case RET | A, LD | W | LEN, LDX | W | LEN, MISC | TAX, MISC | TXA, ALU | NEG:
			want.K = 0
		}
		if Class(want.Code) == JMP && Src(want.Code) == X {
			want.K = 0
		}
		if Class(want.Code) == ALU && Src(want.Code) == X {
			want.K = 0
		}
		if back[i] != want {
			t.Errorf("%d: %q parsed as %+v, want %+v", i, Image(prog[i], i), back[i], want)
		}
	}
}
