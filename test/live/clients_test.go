package live

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// Clients other than tcpdump: each runs once with the system libpcap and
// once with ours, inside a fresh namespace, and what it prints (and the
// capture files it writes) must be the same. Every run's loader log proves
// which libpcap the processes loaded (scenario.prove).

// noCaps finds prog and fails if it has file capabilities or is setuid
// while the tests do not run as root: the loader then runs it in secure
// mode and ignores LD_LIBRARY_PATH, so a run "with pcapshim" would really
// use the system libpcap. As root it gains nothing from capabilities and
// the loader honours the variable (checked with a copy of dumpcap given
// cap_net_raw,cap_net_admin+eip); proveLoaded checks every run anyway.
// dumpcap itself is run from a copy without them (dumpcapBin); tshark
// starts the installed one.
func noCaps(t *testing.T, prog string) string {
	t.Helper()
	path, err := exec.LookPath(prog)
	if err != nil {
		t.Fatalf("%s not found: install it (see make deps)", prog)
	}
	if what, caps := hasCaps(path); caps && os.Geteuid() != 0 {
		t.Fatalf("%s has %s: the loader would ignore LD_LIBRARY_PATH; run the tests as root", path, what)
	}
	return path
}

// hasCaps says whether the loader would run path in secure mode (file
// capabilities, setuid or setgid), ignoring LD_LIBRARY_PATH.
func hasCaps(path string) (string, bool) {
	if out, err := exec.Command("getcap", path).Output(); err == nil && len(strings.TrimSpace(string(out))) > 0 {
		return "file capabilities (" + strings.TrimSpace(strings.TrimPrefix(string(out), path)) + ")", true
	}
	if st, err := os.Stat(path); err == nil && st.Mode()&(os.ModeSetuid|os.ModeSetgid) != 0 {
		return "setuid/setgid", true
	}
	return "", false
}

// dumpcapBin is the dumpcap to run directly: the installed one, or, when it
// has file capabilities (Debian's "non-root capture" setting), a copy
// without them in a temporary directory (the tests run as root and need
// none), so that LD_LIBRARY_PATH is honoured. proveLoaded checks it was.
func dumpcapBin(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("dumpcap")
	if err != nil {
		t.Fatal("dumpcap not found: apt-get install wireshark-common (make deps installs tshark, which brings it)")
	}
	if _, caps := hasCaps(path); !caps {
		return path
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cp := filepath.Join(t.TempDir(), "dumpcap")
	if err := os.WriteFile(cp, b, 0o755); err != nil {
		t.Fatal(err)
	}
	return cp
}

// compareAfter is compare where after(t) also runs after each of the two
// runs (reading back what the program wrote) and its text must be equal.
func compareAfter(t *testing.T, sc scenario, after func(t *testing.T) string) (string, result) {
	t.Helper()
	var res [2]result
	var art [2]string
	for i, lib := range []testutil.Env{testutil.System, testutil.Ours} {
		res[i] = sc.run(t, lib)
		if res[i].timedOut {
			t.Fatalf("run %d (0 = system libpcap, 1 = pcapshim) timed out:\nstdout:\n%s\nstderr:\n%s", i, res[i].stdout, res[i].stderr)
		}
		art[i] = after(t)
	}
	sys, ours := res[0], res[1]
	sameResults(t, sc, sys, ours)
	if art[0] != art[1] {
		t.Errorf("what the program wrote differs\n--- system libpcap:\n%s--- pcapshim:\n%s", art[0], art[1])
	}
	return art[1], ours
}

// readBack prints a capture file with the system tcpdump and libpcap (the
// oracle reader): link type, snapshot length, every packet's bytes and
// lengths, no time stamps. For pcapng files capinfos adds the file type,
// encapsulation and per-interface description (link type, snapshot length,
// time stamp resolution, application and OS strings).
func readBack(t *testing.T, path string) string {
	t.Helper()
	r := testutil.Run(t, testutil.System, nil, 10*time.Second, nil, "tcpdump", "-r", path, "-nn", "-t", "-e", "-xx")
	s := string(r.Stderr) + string(r.Stdout) + "exit " + strconv.Itoa(r.Exit) + "\n"
	if c, err := exec.Command("capinfos", "-M", "-t", "-E", "-c", "-l", "-d", "-I", path).Output(); err == nil {
		for _, l := range strings.Split(string(c), "\n") {
			// The file name, dates and durations differ between runs.
			if strings.HasPrefix(l, "File name:") || strings.Contains(l, "Number of stat entries") ||
				strings.Contains(l, "Time") && !strings.Contains(l, "Time precision") && !strings.Contains(l, "Time ticks") {
				continue
			}
			s += l + "\n"
		}
	}
	_ = os.Remove(path)
	return s
}

// TestDumpcap: dumpcap -c N -w FILE (pcapng, and pcap with -P), with and
// without a snapshot length and a capture filter; the files read back the
// same, and dumpcap's own report (packets captured, received/dropped) is
// the same.
func TestDumpcap(t *testing.T) {
	needLive(t)
	dc := dumpcapBin(t)
	testutil.Need(t, "capinfos", "wireshark-common")
	f := mixed()
	for _, c := range []struct {
		name string
		args []string
		n    int
	}{
		{"pcapng", nil, len(f)},
		{"pcap", []string{"-P"}, len(f)},
		{"snaplen", []string{"-s", "60"}, len(f)},
		{"filter", []string{"-f", "udp"}, 3},
		// No count: settle's SIGINT ends it, dumpcap then blocked
		// waiting for more.
		{"sigint", []string{"-B", "4"}, -len(f)},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cap")
			argv := append([]string{dc, "-q", "-i", devB, "-w", path}, c.args...)
			if c.n > 0 {
				argv = append(argv, "-c", strconv.Itoa(c.n))
			} else {
				c.n = -c.n
			}
			back, _ := compareAfter(t, scenario{
				argv:   argv,
				marker: "Capturing on",
				ring:   true,
				act:    settle(devA, f),
			}, func(t *testing.T) string { return readBack(t, path) })
			if got := strings.Count(back, "\t0x0000:"); got != c.n {
				t.Errorf("%d packets read back from dumpcap's file, want %d:\n%s", got, c.n, back)
			}
		})
	}
}

// tsharkVolatile: tshark's log lines carry its pid, the time and a temporary
// file name.
var tsharkVolatile = regexp.MustCompile(`(?m)^ \*\* \(tshark:\d+\) .*\n`)

// TestDumpcapTwoInterfaces: dumpcap capturing on both ends of the veth at
// once waits on two descriptors with select(2) and reads whichever is
// ready; every frame is seen leaving A and arriving on B. The order between
// the two interfaces is not defined, so the packets read back (interface,
// length, bytes) are compared sorted.
func TestDumpcapTwoInterfaces(t *testing.T) {
	needLive(t)
	dc := dumpcapBin(t)
	testutil.Need(t, "tshark", "tshark")
	f := mixed()
	path := filepath.Join(t.TempDir(), "cap")
	back, _ := compareAfter(t, scenario{
		argv:   []string{dc, "-q", "-i", devA, "-i", devB, "-c", strconv.Itoa(2 * len(f)), "-w", path},
		marker: "Capturing on",
		ring:   true,
		act:    settle(devA, f),
	}, func(t *testing.T) string {
		r := testutil.Run(t, testutil.System, nil, 20*time.Second, nil, "tshark", "-r", path,
			"-T", "fields", "-e", "frame.interface_name", "-e", "frame.len", "-e", "frame.cap_len", "-e", "data.data", "-e", "eth.src")
		_ = os.Remove(path)
		lines := strings.Split(strings.TrimSpace(string(r.Stdout)), "\n")
		sort.Strings(lines)
		return strings.Join(lines, "\n") + "\n" + string(r.Stderr)
	})
	if got := strings.Count(back, "\n"); got < 2*len(f) {
		t.Errorf("%d packets read back, want %d:\n%s", got, 2*len(f), back)
	}
}

// TestTshark: tshark capturing live (through its dumpcap child) and
// decoding: the fields it prints and its stderr (packet count) are equal.
func TestTshark(t *testing.T) {
	needLive(t)
	noCaps(t, "tshark")
	noCaps(t, "dumpcap")
	f := append(mixed(), vlanFrames()...)
	fields := []string{"-T", "fields", "-e", "frame.len", "-e", "frame.cap_len", "-e", "eth.src",
		"-e", "eth.dst", "-e", "eth.type", "-e", "vlan.id", "-e", "ip.proto", "-e", "udp.length", "-e", "frame.protocols"}
	lines := func(t *testing.T, r result, want int) {
		t.Helper()
		if got := strings.Count(r.stdout, "\n"); got != want {
			t.Errorf("tshark printed %d packets, want %d:\n%s", got, want, r.stdout)
		}
	}
	t.Run("fields", func(t *testing.T) {
		r := compare(t, scenario{
			argv:   append([]string{"tshark", "-n", "-i", devB, "-c", strconv.Itoa(len(f))}, fields...),
			marker: "Capturing on",
			ring:   true,
			act:    settle(devA, f),
			filter: func(s string) string { return tsharkVolatile.ReplaceAllString(s, "") },
		})
		lines(t, r, len(f))
	})
	t.Run("any-filter-snaplen", func(t *testing.T) {
		r := compare(t, scenario{
			argv: append([]string{"tshark", "-n", "-i", "any", "-s", "80", "-f", "udp", "-c", "6",
				"-e", "sll.pkttype", "-e", "sll.ifindex"}, fields...),
			marker: "Capturing on",
			ring:   true,
			act:    settle(devA, f),
			filter: func(s string) string { return tsharkVolatile.ReplaceAllString(s, "") },
		})
		lines(t, r, 6) // the three UDP frames, leaving A and arriving on B
	})
}

// TestDeviceLists: the device lists and link-type lists dumpcap and tshark
// build from pcap_findalldevs, pcap_list_datalinks and
// pcap_list_tstamp_types; also dumpcap's error for a missing device.
func TestDeviceLists(t *testing.T) {
	needLive(t)
	dc := dumpcapBin(t)
	// Never -w /dev/null: dumpcap, running as root, removes its output
	// file when the capture fails.
	out := filepath.Join(t.TempDir(), "out.pcapng")
	for _, argv := range [][]string{
		{"dumpcap", "-D"},
		{"dumpcap", "-D", "-M"},
		{"tshark", "-D"},
		{"dumpcap", "-i", devB, "-L"},
		{"dumpcap", "-i", "any", "-L"},
		{"dumpcap", "-i", "lo", "-L", "-M"},
		{"dumpcap", "-i", devB, "-L", "--list-time-stamp-types"},
		{"dumpcap", "-i", "nosuch0", "-L"},
		{"dumpcap", "-i", "nosuch0", "-c", "1", "-w", out},
	} {
		t.Run(strings.ReplaceAll(strings.Join(argv, "_"), out, "FILE"), func(t *testing.T) {
			if argv[0] == "tshark" {
				// tshark runs the installed dumpcap.
				noCaps(t, "tshark")
				noCaps(t, "dumpcap")
			} else {
				argv = append([]string{dc}, argv[1:]...)
			}
			compare(t, scenario{argv: argv})
		})
	}
}

// payloadFrames are UDP frames carrying text, a few of which contain the
// word ngrep looks for.
func payloadFrames() [][]byte {
	var out [][]byte
	for i, s := range []string{"hello pcapshim one", "nothing here", "GET /pcapshim HTTP/1.0\r\nHost: x\r\n\r\n",
		"pcap", "last pcapshim line"} {
		p := []byte(s)
		l4 := cat(u16(uint16(1000+i)), u16(5678), u16(uint16(8+len(p))), u16(0), p)
		out = append(out, eth(macDst, 0x0800, ipv4(17, l4)))
	}
	return out
}

// TestNgrep: ngrep -d DEV matching a word in payloads, -n N stops after N
// matches; with a BPF filter too.
func TestNgrep(t *testing.T) {
	needLive(t)
	noCaps(t, "ngrep")
	for _, c := range []struct {
		name string
		args []string
	}{
		{"byline", []string{"-W", "byline", "pcapshim"}},
		{"hex-filter", []string{"-x", "pcapshim", "udp", "and", "src", "port", "1004"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := "3"
			if c.name == "hex-filter" {
				n = "1"
			}
			r := compare(t, scenario{
				// -l: line-buffered stdout, so the banner shows when
				// ngrep is ready.
				argv:      append([]string{"ngrep", "-l", "-d", devB, "-n", n}, c.args...),
				outMarker: "interface: " + devB,
				ring:      true,
				act:       settle(devA, payloadFrames()),
			})
			if got, want := strings.Count(r.stdout, "U 192.0.2.1:"), n; strconv.Itoa(got) != want {
				t.Errorf("ngrep printed %d matches, want %s:\n%s", got, want, r.stdout)
			}
		})
	}
}

// TestNgrepErrors: ngrep prints pcap_open_live's text followed by
// strerror(errno) (perror), so the errno a failed activation leaves is
// visible: a missing device, a device that is down, no permission.
func TestNgrepErrors(t *testing.T) {
	needLive(t)
	noCaps(t, "ngrep")
	down := func(t *testing.T, ns string) {
		sh(t, "ip", "-n", ns, "link", "add", "pc", "type", "veth", "peer", "name", "pd")
	}
	nobody := []string{"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "ngrep"}
	for _, argv := range [][]string{
		{"ngrep", "-d", "nosuch0", "x"},
		{"ngrep", "-d", strings.Repeat("x", 20), "x"},
		{"ngrep", "-d", "pd", "x"},
		append(nobody, "-d", devB, "x"),
	} {
		t.Run(argv[len(argv)-2], func(t *testing.T) {
			unproved := argv[0] == "setpriv"
			if unproved {
				// No loader log as nobody: ngrep -V names the library.
				v := scenario{argv: append(nobody, "-V"), unproved: true}.run(t, testutil.Ours)
				if !strings.Contains(v.stdout+v.stderr, "pcapshim") {
					t.Fatalf("as nobody, ngrep did not load pcapshim: %s%s", v.stdout, v.stderr)
				}
			}
			r := compare(t, scenario{argv: argv, setup: down, unproved: unproved})
			if r.exit == 0 {
				t.Errorf("ngrep succeeded: %s", r.stdout)
			}
		})
	}
}

// peerNS moves B into a second namespace, with addresses on both sides:
// A 192.0.2.1/24 in ns, B 192.0.2.2/24 (fixed MAC) in the returned one.
func peerNS(t *testing.T, ns string) string {
	t.Helper()
	peer := ns + "-peer"
	sh(t, "ip", "netns", "add", peer)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", peer).Run() })
	sh(t, "ip", "-n", ns, "link", "set", devB, "netns", peer)
	sh(t, "ip", "-n", peer, "link", "set", devB, "address", "02:00:00:00:00:02")
	sh(t, "ip", "-n", ns, "link", "set", devA, "address", "02:00:00:00:00:01")
	sh(t, "ip", "-n", ns, "addr", "add", "192.0.2.1/24", "dev", devA)
	sh(t, "ip", "-n", peer, "addr", "add", "192.0.2.2/24", "dev", devB)
	for _, d := range []string{devB, "lo"} {
		sh(t, "ip", "-n", peer, "link", "set", d, "up")
	}
	sh(t, "ip", "-n", ns, "link", "set", devA, "up")
	return peer
}

var nmapVolatile = regexp.MustCompile(`(?m)^(Starting Nmap|Nmap done).*$|\([0-9.]+s latency\)`)

// TestNmap: nmap reads the replies to its probes through libpcap: an ARP
// ping of the peer and of a silent address, an ICMP echo ping, a UDP scan,
// and a SYN scan of an open and a closed port.
func TestNmap(t *testing.T) {
	needLive(t)
	noCaps(t, "nmap")
	filter := func(s string) string { return nmapVolatile.ReplaceAllString(s, "") }
	t.Run("arp-ping", func(t *testing.T) {
		r := compare(t, scenario{
			argv:   []string{"nmap", "-n", "-sn", "-PR", "-e", devA, "192.0.2.2", "192.0.2.3"},
			setup:  func(t *testing.T, ns string) { peerNS(t, ns) },
			filter: filter, timeout: 30 * time.Second,
		})
		if !strings.Contains(r.stdout, "Nmap scan report for 192.0.2.2\nHost is up") ||
			!strings.Contains(r.stdout, "MAC Address: 02:00:00:00:00:02") || strings.Contains(r.stdout, "192.0.2.3") {
			t.Errorf("nmap did not find exactly 192.0.2.2 up:\n%s", r.stdout)
		}
	})
	// Sent through raw IP sockets, answers read through libpcap.
	for _, c := range []struct{ name, want string }{
		{"icmp-ping", "Nmap scan report for 192.0.2.2\n"},
		{"udp-scan", "9/udp  closed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			argv := []string{"nmap", "-n", "-sn", "--send-ip", "-PE", "192.0.2.2", "192.0.2.9"}
			if c.name == "udp-scan" {
				argv = []string{"nmap", "-n", "-Pn", "-sU", "-p", "9,53", "192.0.2.2"}
			}
			r := compare(t, scenario{
				argv:   argv,
				setup:  func(t *testing.T, ns string) { peerNS(t, ns) },
				filter: filter, timeout: 30 * time.Second,
			})
			if !strings.Contains(r.stdout, c.want) {
				t.Errorf("no %q in nmap's output:\n%s", c.want, r.stdout)
			}
		})
	}
	t.Run("syn-scan", func(t *testing.T) {
		probe := buildProbe(t)
		r := compare(t, scenario{
			argv: []string{"nmap", "-n", "-Pn", "-sS", "-e", devA, "-p", "7,8081", "--reason", "192.0.2.2"},
			setup: func(t *testing.T, ns string) {
				peer := peerNS(t, ns)
				l := exec.Command("ip", "netns", "exec", peer, probe, "listen", "192.0.2.2", "8081")
				out, _ := l.StdoutPipe()
				if err := l.Start(); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = l.Process.Kill(); _ = l.Wait() })
				b := make([]byte, 3)
				if _, err := out.Read(b); err != nil {
					t.Fatalf("listener in %s did not start: %v", peer, err)
				}
			},
			filter: filter, timeout: 30 * time.Second,
		})
		if !regexp.MustCompile(`7/tcp +closed`).MatchString(r.stdout) || !regexp.MustCompile(`8081/tcp +open`).MatchString(r.stdout) {
			t.Errorf("nmap did not see port 7 closed and 8081 open:\n%s", r.stdout)
		}
	})
}

// corpusEthernet is an Ethernet capture from the corpus with a few dozen
// packets.
func corpusEthernet(t *testing.T) string {
	t.Helper()
	p := filepath.Join(testutil.Shared(t), "corpus", "tcpdump", "dns-uri.pcap")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("corpus capture %s missing: %v", p, err)
	}
	return p
}

// TestTcpreplay: tcpreplay sends a corpus capture on A while tcpdump with
// the system libpcap captures on B; then tcpdump through each library
// captures what tcpreplay (system libpcap) sends. tcpreplay reads the file
// through libpcap (its injection is PF_PACKET send(), see tcpreplay -V).
func TestTcpreplay(t *testing.T) {
	needLive(t)
	noCaps(t, "tcpreplay")
	file := corpusEthernet(t)
	n := strings.Count(string(testutil.Run(t, testutil.System, nil, 10*time.Second, nil, "tcpdump", "-nn", "-r", file).Stdout), "\n")
	if n == 0 {
		t.Fatalf("%s holds no packets", file)
	}
	replay := func(lib testutil.Env) func(*testing.T, string, *proc) {
		return func(t *testing.T, ns string, _ *proc) {
			cmd := exec.Command("timeout", "20", "ip", "netns", "exec", ns, "tcpreplay", "-q", "-i", devA, "--pps", "500", file)
			ldlog := t.TempDir()
			cmd.Env = append(env(t, lib), "LD_DEBUG=libs", "LD_DEBUG_OUTPUT="+filepath.Join(ldlog, "ld"))
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("tcpreplay: %v\n%s", err, out)
			}
			proveLoaded(t, ldlog, lib)
		}
	}
	capture := tcpdump("-i", devB, "-c", strconv.Itoa(n), "-e", "-xx")
	// tcpreplay through each library; the capture always through the
	// system one.
	var out [2]string
	for i, lib := range []testutil.Env{testutil.System, testutil.Ours} {
		sc := scenario{argv: capture, marker: listening, act: replay(lib), timeout: 30 * time.Second}
		r := sc.run(t, testutil.System)
		if r.timedOut || r.exit != 0 {
			t.Fatalf("capture of tcpreplay's packets (tcpreplay lib %d): exit %d timed out %v\n%s", lib, r.exit, r.timedOut, r.stderr)
		}
		out[i] = r.stdout
		if got := strings.Count(r.stdout, "\t0x0000:"); got != n {
			t.Fatalf("captured %d of tcpreplay's %d packets (tcpreplay lib %d):\n%s", got, n, lib, r.stderr)
		}
	}
	if out[0] != out[1] {
		t.Errorf("tcpreplay through pcapshim sent other packets\n--- system:\n%s--- pcapshim:\n%s", out[0], out[1])
	}
	// The capture through each library, tcpreplay on the system one.
	compare(t, scenario{argv: capture, marker: listening, act: replay(testutil.System), timeout: 30 * time.Second})
}

// TestTcpdumpOptions: capture options tcpdump passes to libpcap that the
// other live tests do not use.
func TestTcpdumpOptions(t *testing.T) {
	needLive(t)
	f := mixed()
	n := strconv.Itoa(len(f))
	for _, c := range []struct {
		name string
		args []string
		dev  string // sending side
	}{
		{"immediate", []string{"--immediate-mode", "-c", n, "-e"}, devA},
		{"buffer-size", []string{"-B", "64", "-c", n, "-e", "-x"}, devA},
		{"snaplen-0", []string{"-s", "0", "-c", n, "-x"}, devA},
		{"snaplen-14", []string{"-s", "14", "-c", n, "-e"}, devA},
		{"Q-in", []string{"-Q", "in", "-c", n, "-e"}, devA},
		{"Q-out", []string{"-Q", "out", "-c", n, "-e"}, devB},
		{"Q-inout", []string{"-Q", "inout", "-c", n, "-e"}, devB},
		{"no-promisc", []string{"-p", "-c", "2", "-e"}, devA},
	} {
		t.Run(c.name, func(t *testing.T) {
			compare(t, scenario{
				argv:   tcpdump(append([]string{"-i", devB}, c.args...)...),
				marker: listening,
				act:    sender(c.dev, f),
			})
		})
	}
}

// TestDumpcapLinkEvents: the interface deleted during a dumpcap capture
// ("The interface disappeared", dumpcap's report and exit status), and
// taken down and up again (the capture goes on and sees the next frames).
func TestDumpcapLinkEvents(t *testing.T) {
	needLive(t)
	dc := dumpcapBin(t)
	testutil.Need(t, "capinfos", "wireshark-common")
	path := filepath.Join(t.TempDir(), "cap")
	t.Run("disappeared", func(t *testing.T) {
		_, r := compareAfter(t, scenario{
			argv:   []string{dc, "-q", "-i", devB, "-w", path},
			marker: "Capturing on",
			ring:   true,
			act: func(t *testing.T, ns string, _ *proc) {
				sh(t, "ip", "-n", ns, "link", "del", devA)
			},
		}, func(t *testing.T) string { return readBack(t, path) })
		if !strings.Contains(r.stderr, "is no longer attached") {
			t.Errorf("dumpcap did not report the interface gone:\n%s", r.stderr)
		}
	})
	t.Run("down-up", func(t *testing.T) {
		f := mixed()[:2]
		back, _ := compareAfter(t, scenario{
			argv:   []string{dc, "-q", "-i", devB, "-c", "2", "-w", path},
			marker: "Capturing on",
			ring:   true,
			act:    downUpSend(devB, f),
		}, func(t *testing.T) string { return readBack(t, path) })
		if got := strings.Count(back, "\t0x0000:"); got != len(f) {
			t.Errorf("%d packets after down/up, want %d:\n%s", got, len(f), back)
		}
	})
}
