package live

import (
	"strings"
	"testing"
)

// TestTstampTypes: tcpdump -J (pcap_list_tstamp_types after pcap_create)
// and -j (pcap_set_tstamp_type, then activation) print what they print
// with the system libpcap: the types the driver's ETHTOOL_GET_TS_INFO
// offers (veth and lo stamp nothing in hardware: host only; "any" and
// unknown devices have no list), and the warning for a type the device
// does not offer, after which capture goes on with host stamps.
func TestTstampTypes(t *testing.T) {
	needLive(t)
	for _, dev := range []string{devB, "lo", "any", "nonexist0"} {
		t.Run("J-"+dev, func(t *testing.T) {
			r := compare(t, scenario{argv: tcpdump("-J", "-i", dev)})
			if !strings.Contains(r.stdout+r.stderr, "Time stamp types for "+dev) {
				t.Errorf("no list printed:\n%s%s", r.stdout, r.stderr)
			}
		})
	}
	for _, c := range []struct{ dev, send, typ string }{
		{devB, devA, "host"},
		{devB, devA, "adapter"},
		{devB, devA, "adapter_unsynced"},
		{devB, devA, "host_lowprec"},
		{devB, devA, "host_hiprec"},
		{"lo", "lo", "adapter_unsynced"},
		{"any", devA, "adapter"},
	} {
		t.Run("j-"+c.typ+"-"+c.dev, func(t *testing.T) {
			n := "1"
			if c.dev == "any" {
				n = "2"
			}
			compare(t, scenario{
				argv:   tcpdump("-i", c.dev, "-j", c.typ, "-c", n, "-e"),
				marker: listening,
				act:    sender(c.send, mixed()[:1]),
			})
		})
	}
	t.Run("j-bogus", func(t *testing.T) {
		compare(t, scenario{argv: tcpdump("-i", devB, "-j", "bogus", "-c", "1")})
	})
	// The warning comes before activation; nanosecond precision still
	// applies to the host stamps the capture falls back to.
	t.Run("j-adapter-nano", func(t *testing.T) {
		compare(t, scenario{
			argv: []string{"tcpdump", "-nn", "-i", devB, "-j", "adapter",
				"--time-stamp-precision=nano", "-c", "1", "-t"},
			marker: listening,
			act:    sender(devA, mixed()[:1]),
		})
	})
}
