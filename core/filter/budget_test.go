package filter

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/core/bpf"
)

// hostsExpr is "host 10.0.0.0 or host 10.0.0.1 or …" with n terms, the
// shape of the long filters users generate from address lists.
func hostsExpr(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("host 10.0.%d.%d", i/256, i%256)
	}
	return strings.Join(parts, " or ")
}

var ethOpts = Options{DLT: 1, Snaplen: 262144, Optimize: true, Netmask: 0xffffffff}

// ipv4Frame is an Ethernet/IPv4 frame from src to dst.
func ipv4Frame(src, dst uint32) []byte {
	f := make([]byte, 14+20)
	binary.BigEndian.PutUint16(f[12:], 0x0800)
	f[14] = 0x45
	binary.BigEndian.PutUint32(f[26:], src)
	binary.BigEndian.PutUint32(f[30:], dst)
	return f
}

// TestOptimiserBudget: however long the expression, the optimiser's work
// stays within its budget (one pass of overshoot at most), and the
// program it leaves, partly optimised, accepts exactly what the
// expression says.
func TestOptimiserBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a 5,000-term expression (a few seconds)")
	}
	const n = 5000
	start := time.Now()
	prog, work, err := compileBudget(hostsExpr(n), ethOpts, optBudget)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	t.Logf("%d hosts: %d instructions, %d work units (budget %d), %v", n, len(prog), work, optBudget, elapsed)
	if work > optBudget+optBudget/4 {
		t.Errorf("optimiser spent %d units, budget %d: it must stop near the budget", work, optBudget)
	}
	if err := bpf.Validate(prog); err != nil {
		t.Fatalf("program does not validate: %v", err)
	}
	base := uint32(10 << 24)
	other := uint32(192<<24 | 168<<16 | 1)
	for i := uint32(0); i < n+300; i += 7 {
		want := i < n
		for _, f := range [][]byte{ipv4Frame(base+i, other), ipv4Frame(other, base+i)} {
			if got := bpf.Run(prog, f, uint32(len(f))) != 0; got != want {
				t.Fatalf("host 10.0.%d.%d: accepted %v, want %v", i/256, i%256, got, want)
			}
		}
	}
}

// TestOptimiserStopsAnywhere: the optimiser may stop after any amount of
// work; whatever it has done by then keeps the program's meaning. A
// mixed expression is compiled with budgets from nothing to enough, and
// every result is compared with the fully optimised one.
func TestOptimiserStopsAnywhere(t *testing.T) {
	exprs := []string{
		hostsExpr(40),
		"(tcp port 80 or udp port 53 or icmp) and not net 10.0.0.0/8 and (ip[8] > 3 or len < 200)",
		"vlan 10 and (host 1.2.3.4 or ip6 host ::1) or (arp and ether src 1:2:3:4:5:6)",
		"tcp[tcpflags] & (tcp-syn|tcp-fin) != 0 and portrange 1000-2000 and not port 1500",
	}
	for _, e := range exprs {
		full, fullWork, err := compileBudget(e, ethOpts, optBudget)
		if err != nil {
			t.Fatalf("%q: %v", e, err)
		}
		unopt, err := Compile(e, Options{DLT: 1, Snaplen: 262144, Netmask: 0xffffffff})
		if err != nil {
			t.Fatalf("%q unoptimised: %v", e, err)
		}
		for _, budget := range []int64{1, 50, 200, 1000, 3000, 10000, fullWork / 3, fullWork / 2, fullWork - 1} {
			if budget <= 0 {
				continue
			}
			part, work, err := compileBudget(e, ethOpts, budget)
			if err != nil {
				t.Fatalf("%q budget %d: %v", e, budget, err)
			}
			if err := bpf.Validate(part); err != nil {
				t.Fatalf("%q budget %d: invalid program: %v", e, budget, err)
			}
			if work > fullWork && work > budget*2+int64(len(unopt))*64 {
				t.Errorf("%q budget %d: spent %d", e, budget, work)
			}
			// The partial program may still hold loads the full
			// optimisation removes, and with them rejections of
			// packets too short for those loads (libpcap's optimiser
			// removes them too): such packets are left out.
			r := bpf.Equivalent(part, full, bpf.EquivConfig{MaxTime: time.Second, SkipShortA: true})
			if !r.Equal {
				t.Fatalf("%q budget %d (work %d): partial program differs from the optimised one on %x: %d (partial) vs %d",
					e, budget, work, r.Witness.Data, r.RetA, r.RetB)
			}
		}
		if len(full) >= len(unopt) {
			t.Errorf("%q: optimised program (%d) not shorter than unoptimised (%d)", e, len(full), len(unopt))
		}
	}
}

// BenchmarkCompileLong measures pcap_compile's Go side on a long
// expression: an "or" of 500 hosts, optimised.
func BenchmarkCompileLong(b *testing.B) {
	e := hostsExpr(500)
	for i := 0; i < b.N; i++ {
		if _, err := Compile(e, ethOpts); err != nil {
			b.Fatal(err)
		}
	}
}
