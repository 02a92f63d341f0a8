package filter

import (
	"testing"

	"github.com/pcapshim/pcapshim/core/bpf"
	"github.com/pcapshim/pcapshim/test/conformance/vectors"
)

// TestVectorsLinuxExt: the accept cases that need libpcap's Linux
// extensions (ancillary loads for vlan, inbound/outbound, ifindex), which
// live handles on Linux compile with. The reference VM has no ancillary
// data, so a semantic comparison would prove little: these must be
// bytecode-identical. (The kernel runs them; test/live compares tcpdump
// on live traffic.)
func TestVectorsLinuxExt(t *testing.T) {
	_, cases := loadVectors(t)
	n, same := 0, 0
	for i := range cases {
		c := &cases[i]
		if c.Kind != "accept" || !c.NeedsLinuxExt() {
			continue
		}
		n++
		want, err := bpf.ParseImage(c.Expected)
		if err != nil {
			t.Fatalf("%s: expected program: %v", c.Label, err)
		}
		mask, err := c.NetmaskValue()
		if err != nil {
			t.Fatalf("%s: %v", c.Label, err)
		}
		got, err := Compile(c.Expr, Options{
			DLT:      vectors.DLTValue(c.DLT),
			Snaplen:  c.SnaplenOr262144(),
			Netmask:  mask,
			Optimize: c.Optimize != 0,
			LinuxExt: true,
		})
		if err != nil {
			t.Errorf("%s (%s %q -O%d): %v", c.Label, c.DLT, c.Expr, c.Optimize, err)
			continue
		}
		if g, w := bpf.Dump(got), bpf.Dump(want); g != w {
			t.Errorf("%s (%s %q -O%d): program differs\ngot:\n%swant:\n%s", c.Label, c.DLT, c.Expr, c.Optimize, g, w)
			continue
		}
		same++
	}
	if n == 0 {
		t.Fatal("no Linux-extension accept cases in the vectors: the data changed?")
	}
	t.Logf("Linux-extension accept cases: bytecode-identical %d/%d", same, n)
}
