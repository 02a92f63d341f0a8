package bpf

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// sysc compiles with the system libpcap through /work/tools/sysc.
func sysc(t *testing.T, opt, expr string) []Insn {
	t.Helper()
	const tool = "/work/tools/sysc"
	if _, err := os.Stat(tool); err != nil {
		t.Skip("no " + tool)
	}
	out, err := exec.Command(tool, "EN10MB", opt, expr).Output()
	if err != nil || strings.HasPrefix(string(out), "ERROR") {
		t.Fatalf("sysc %q: %v %s", expr, err, out)
	}
	p, err := ParseImage(string(out))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var equivExprs = []string{
	"tcp port 80",
	"ip[6:2] & 0x1fff = 0 and len > 100",
	"host 10.1.2.3 and not udp",
	"tcp[tcpflags] & (tcp-syn|tcp-ack) = tcp-syn",
	"ip6 and tcp dst portrange 1000-2000",
	"vlan 100 and ip src net 192.168.0.0/16",
	"ether host 01:02:03:04:05:06 or arp",
	"icmp[icmptype] = icmp-echo or ip[2:2] - ((ip[0]&0xf)<<2) > 500",
	"ip proto 47 or (ip6 and ip6[6] = 17)",
	"less 64 or greater 1000",
}

// Unoptimised and optimised programs mean the same; a program with one
// constant changed (almost always) does not.
func TestEquivalent(t *testing.T) {
	killed, mutants := 0, 0
	for _, e := range equivExprs {
		p0, p1 := sysc(t, "0", e), sysc(t, "1", e)
		start := time.Now()
		r := Equivalent(p0, p1, EquivConfig{})
		if !r.Equal {
			t.Errorf("%q: -O0 and -O1 differ on %x (wire %d): %d vs %d", e, r.Witness.Data, r.Witness.WireLen, r.RetA, r.RetB)
		}
		t.Logf("%q: equal after %d packets in %v", e, r.Packets, time.Since(start))
		for i, in := range p1 {
			if Class(in.Code) != JMP || Op(in.Code) == JA || Src(in.Code) == X {
				continue
			}
			for _, d := range []uint32{1, ^uint32(0)} {
				m := append([]Insn(nil), p1...)
				m[i].K += d
				mutants++
				if r := Equivalent(p0, m, EquivConfig{}); !r.Equal {
					killed++
				} else {
					t.Logf("%q: mutant %s survived", e, Image(m[i], i))
				}
			}
		}
	}
	t.Logf("mutants detected: %d/%d", killed, mutants)
	if killed*100 < mutants*95 {
		t.Errorf("only %d of %d mutants detected", killed, mutants)
	}
}

func TestRunSemantics(t *testing.T) {
	pkt := []byte{0x45, 1, 2, 3, 4, 5}
	cases := []struct {
		prog []Insn
		want uint32
	}{
		{[]Insn{{Code: LD | W | ABS, K: 2}, {Code: RET | A}}, 0x02030405},
		{[]Insn{{Code: LD | W | ABS, K: 3}, {Code: RET | A}}, 0},
		{[]Insn{{Code: LDX | MSH | B}, {Code: MISC | TXA}, {Code: RET | A}}, 20},
		{[]Insn{{Code: LDX | IMM, K: 5}, {Code: LD | B | IND, K: 0}, {Code: RET | A}}, 5},
		{[]Insn{{Code: LDX | IMM, K: 6}, {Code: LD | B | IND, K: 0}, {Code: RET | A}}, 0},
		{[]Insn{{Code: LD | IMM, K: 7}, {Code: ALU | DIV | X}, {Code: RET | K, K: 9}}, 0},
		{[]Insn{{Code: LD | IMM, K: 1}, {Code: ALU | LSH | K, K: 33}, {Code: RET | A}}, 2},
		{[]Insn{{Code: LD | IMM, K: 1}, {Code: LDX | IMM, K: 33}, {Code: ALU | LSH | X}, {Code: RET | A}}, 0},
		{[]Insn{{Code: LD | W | LEN}, {Code: RET | A}}, 100},
		{[]Insn{{Code: LD | MEM, K: 3}, {Code: RET | A}}, 0},
	}
	for i, c := range cases {
		if got := Run(c.prog, pkt, 100); got != c.want {
			t.Errorf("case %d: got %d, want %d", i, got, c.want)
		}
	}
}
