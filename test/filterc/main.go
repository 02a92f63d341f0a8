// Command filterc compiles a pcap-filter(7) expression with core/filter and
// prints the program as libpcap's bpf_image lines, or "ERROR: text" when
// the compiler rejects it. It is the counterpart of /work/tools/sysc for
// our compiler:
//
//	go run ./test/filterc -dlt EN10MB -O 1 [-s snaplen] [-m netmask] [-swapped] 'expr'
package main

import (
	"flag"
	"fmt"
	"net/netip"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/pcapshim/pcapshim/core/bpf"
	"github.com/pcapshim/pcapshim/core/filter"
	"github.com/pcapshim/pcapshim/core/tables"
)

func main() {
	dltName := flag.String("dlt", "EN10MB", "link type, by name (EN10MB) or number")
	opt := flag.Int("O", 1, "optimize (0 or 1)")
	snaplen := flag.Uint("s", 262144, "snapshot length")
	mask := flag.String("m", "", "netmask, dotted quad (default PCAP_NETMASK_UNKNOWN)")
	swapped := flag.Bool("swapped", false, "compile as for a savefile of the other byte order")
	live := flag.Bool("live", false, "compile as for a live capture handle")
	linuxExt := flag.Bool("linuxext", false, "allow Linux ancillary loads")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: filterc [flags] 'expr'\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	dlt, err := parseDLT(*dltName)
	if err != nil {
		fmt.Fprintln(os.Stderr, "filterc:", err)
		os.Exit(2)
	}
	netmask := uint32(0xffffffff)
	if *mask != "" {
		a, err := netip.ParseAddr(*mask)
		if err != nil || !a.Is4() {
			fmt.Fprintf(os.Stderr, "filterc: bad netmask %q\n", *mask)
			os.Exit(2)
		}
		b := a.As4()
		netmask = uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	}
	prog, err := compile(flag.Arg(0), filter.Options{
		DLT:      dlt,
		Snaplen:  uint32(*snaplen),
		Netmask:  netmask,
		Optimize: *opt != 0,
		Swapped:  *swapped,
		Live:     *live,
		LinuxExt: *linuxExt,
	})
	if err != nil {
		fmt.Printf("ERROR: %v\n", err)
		return
	}
	fmt.Print(bpf.Dump(prog))
}

// compile runs the compiler, turning a panic that is not a compile error
// into an "INTERNAL" report instead of a crash trace.
func compile(expr string, o filter.Options) (prog []bpf.Insn, err error) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Printf("INTERNAL: panic: %v\n", r)
			os.Stderr.Write(debug.Stack())
			os.Exit(1)
		}
	}()
	return filter.Compile(expr, o)
}

func parseDLT(s string) (int, error) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, nil
	}
	if v := tables.DLTFromName(strings.TrimPrefix(strings.ToUpper(s), "DLT_")); v >= 0 {
		return v, nil
	}
	return 0, fmt.Errorf("unknown link type %q", s)
}
