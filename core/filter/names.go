package filter

// Name resolution for the code generator: host names (/etc/hosts and DNS,
// through the Go resolver), network names (/etc/networks), service names
// (/etc/services), protocol names (/etc/protocols), Ethernet host names
// (/etc/ethers), the built-in EtherType and LLC SAP names, and the small
// address parsers the generators need (partial IPv4, DECnet, numbers in
// C notation).

import (
	"bufio"
	"context"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// Files the resolvers read; variables so tests can point them elsewhere.
var (
	servicesFile  = "/etc/services"
	protocolsFile = "/etc/protocols"
	networksFile  = "/etc/networks"
	ethersFile    = "/etc/ethers"
)

// hostLookupTimeout bounds a DNS lookup for "host NAME".
var hostLookupTimeout = 10 * time.Second

// protoUndef is libpcap's PROTO_UNDEF: "no protocol" / "either".
const protoUndef = -1

// IP protocol numbers the generators use.
const (
	ipprotoHopopts  = 0
	ipprotoICMP     = 1
	ipprotoIGMP     = 2
	ipprotoTCP      = 6
	ipprotoIGRP     = 9
	ipprotoUDP      = 17
	ipprotoRouting  = 43
	ipprotoFragment = 44
	ipprotoESP      = 50
	ipprotoAH       = 51
	ipprotoICMPv6   = 58
	ipprotoNone     = 59
	ipprotoDstopts  = 60
	ipprotoPIM      = 103
	ipprotoVRRP     = 112
	ipprotoCARP     = 112
	ipprotoSCTP     = 132
)

// EtherTypes and LLC SAPs the generators pass to genLinktype.
const (
	ethertypeIP     = 0x0800
	ethertypeARP    = 0x0806
	ethertypeRevARP = 0x8035
	ethertypeDN     = 0x6003
	ethertypeLAT    = 0x6004
	ethertypeSCA    = 0x6007
	ethertypeMOPDL  = 0x6001
	ethertypeMOPRC  = 0x6002
	ethertypeAtalk  = 0x809b
	ethertypeAARP   = 0x80f3
	ethertypeIPv6   = 0x86dd

	llcsapISONS   = 0xfe
	llcsapIPX     = 0xe0
	llcsapNetBEUI = 0xf0
	llcsap8021D   = 0x42
)

// OSI NLPIDs and IS-IS PDU types.
const (
	iso8473CLNP  = 0x81
	iso9542ESIS  = 0x82
	iso10589ISIS = 0x83

	isisL1LANIIH   = 15
	isisL2LANIIH   = 16
	isisPTPIIH     = 17
	isisL1LSP      = 18
	isisL2LSP      = 20
	isisL1CSNP     = 24
	isisL2CSNP     = 25
	isisL1PSNP     = 26
	isisL2PSNP     = 27
	isisPDUTypeMax = 0x1f
)

// etherProtoNames is the table behind "ether proto \NAME".
var etherProtoNames = map[string]uint32{
	"pup":       0x0200,
	"xns":       0x0600,
	"ip":        ethertypeIP,
	"ip6":       ethertypeIPv6,
	"arp":       ethertypeARP,
	"rarp":      ethertypeRevARP,
	"lldp":      0x88cc,
	"slow":      0x8809,
	"sprite":    0x0500,
	"mopdl":     ethertypeMOPDL,
	"moprc":     ethertypeMOPRC,
	"decnet":    ethertypeDN,
	"lat":       ethertypeLAT,
	"sca":       ethertypeSCA,
	"lanbridge": 0x8038,
	"vexp":      0x805b,
	"vprod":     0x805c,
	"atalk":     ethertypeAtalk,
	"atalkarp":  ethertypeAARP,
	"aarp":      ethertypeAARP,
	"loopback":  0x9000,
	"decdts":    0x803e,
	"decdns":    0x803c,
}

// llcNames is the table of LLC SAP names, tried after etherProtoNames.
var llcNames = map[string]uint32{
	"iso":     llcsapISONS,
	"stp":     llcsap8021D,
	"ipx":     llcsapIPX,
	"netbeui": llcsapNetBEUI,
}

// dbFields calls fn with the whitespace-separated fields of every line of
// file, comments removed; fn returns false to stop.
func dbFields(file string, fn func(f []string) bool) {
	fh, err := os.Open(file)
	if err != nil {
		return
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if !fn(f) {
			return
		}
	}
}

// lookupProtocol is getprotobyname: the number of the protocol named
// (by its name or an alias) in /etc/protocols, or protoUndef.
func lookupProtocol(name string) int {
	res := protoUndef
	dbFields(protocolsFile, func(f []string) bool {
		if len(f) < 2 {
			return true
		}
		match := f[0] == name
		for _, a := range f[2:] {
			match = match || a == name
		}
		if !match {
			return true
		}
		if n, err := strconv.Atoi(f[1]); err == nil && n >= 0 {
			res = n
			return false
		}
		return true
	})
	return res
}

// lookupService is getservbyname for one transport ("tcp" or "udp"): the
// port of the service named (by its name or an alias), or -1.
func lookupService(name, transport string) int {
	res := -1
	dbFields(servicesFile, func(f []string) bool {
		if len(f) < 2 {
			return true
		}
		pp := strings.SplitN(f[1], "/", 2)
		if len(pp) != 2 || pp[1] != transport {
			return true
		}
		match := f[0] == name
		for _, a := range f[2:] {
			match = match || a == name
		}
		if !match {
			return true
		}
		if n, err := strconv.Atoi(pp[0]); err == nil && n >= 0 && n <= 65535 {
			res = n
			return false
		}
		return true
	})
	return res
}

// lookupPort resolves a service name as pcap_nametoport does: TCP first,
// then UDP; a name both define with the same number matches either
// protocol (proto protoUndef). ok is false for an unknown name.
func lookupPort(name string) (port int, proto int, ok bool) {
	tcp := lookupService(name, "tcp")
	udp := lookupService(name, "udp")
	switch {
	case tcp >= 0:
		if udp == tcp {
			return tcp, protoUndef, true
		}
		return tcp, ipprotoTCP, true
	case udp >= 0:
		return udp, ipprotoUDP, true
	}
	return 0, 0, false
}

// lookupNetwork is getnetbyname followed by libpcap's use of it: the
// network number (right-justified, as inet_network gives it) of a name in
// /etc/networks, or 0 when unknown.
func lookupNetwork(name string) uint32 {
	var res uint32
	dbFields(networksFile, func(f []string) bool {
		if len(f) < 2 {
			return true
		}
		match := f[0] == name
		for _, a := range f[2:] {
			match = match || a == name
		}
		if !match {
			return true
		}
		if v, ok := inetNetwork(f[1]); ok {
			res = v
			return false
		}
		return true
	})
	return res
}

// inetNetwork parses a dotted network number the way inet_network(3)
// does: up to four parts in C notation, packed from the right.
func inetNetwork(s string) (uint32, bool) {
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return 0, false
	}
	var v uint32
	for _, p := range parts {
		n, err := strconv.ParseUint(p, 0, 32)
		if err != nil || n > 255 {
			return 0, false
		}
		v = v<<8 | uint32(n)
	}
	return v, true
}

// lookupEthers is ether_hostton: the MAC address of a host name in
// /etc/ethers, or nil.
func lookupEthers(name string) []byte {
	var res []byte
	dbFields(ethersFile, func(f []string) bool {
		if len(f) < 2 || f[1] != name {
			return true
		}
		if mac, err := net.ParseMAC(f[0]); err == nil && len(mac) == 6 {
			res = []byte(mac)
			return false
		}
		return true
	})
	return res
}

// lookupHost resolves a host name to its IPv4 and IPv6 addresses, each
// family in resolver order. ok is false when the name does not resolve.
func lookupHost(name string) (v4 [][4]byte, v6 [][16]byte, ok bool) {
	ctx, cancel := context.WithTimeout(context.Background(), hostLookupTimeout)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupIPAddr(ctx, name)
	if err != nil || len(addrs) == 0 {
		return nil, nil, false
	}
	for _, a := range addrs {
		if a4 := a.IP.To4(); a4 != nil {
			v4 = append(v4, [4]byte(a4))
		} else if a16 := a.IP.To16(); a16 != nil {
			v6 = append(v6, [16]byte(a16))
		}
	}
	return v4, v6, true
}

// atoin parses a dotted IPv4 address of one to four decimal parts, as
// libpcap's pcapint_atoin: it returns the parts packed from the right
// and the number of bits they cover (8 per part), or -1 bits when a part
// exceeds 255 or the text is malformed.
func atoin(s string) (uint32, int) {
	var v uint32
	bits := 0
	for _, p := range strings.Split(s, ".") {
		if p == "" || bits >= 32 {
			return 0, -1
		}
		n := 0
		for i := 0; i < len(p); i++ {
			c := p[i]
			if c < '0' || c > '9' {
				return 0, -1
			}
			n = n*10 + int(c-'0')
			if n > 255 {
				return 0, -1
			}
		}
		v = v<<8 | uint32(n)
		bits += 8
	}
	return v, bits
}

// atodn parses a DECnet address "AREA.NODE" (area 0-63, node 0-1023, in
// decimal) into its 16-bit form area<<10 | node.
func atodn(s string) (uint32, bool) {
	parts := strings.Split(s, ".")
	if len(parts) != 2 {
		return 0, false
	}
	var n [2]uint32
	for i, p := range parts {
		if p == "" {
			return 0, false
		}
		for j := 0; j < len(p); j++ {
			c := p[j]
			if c < '0' || c > '9' {
				return 0, false
			}
			n[i] = n[i]*10 + uint32(c-'0')
			if n[i] > 0xffff {
				return 0, false
			}
		}
	}
	if n[0] > 63 || n[1] > 1023 {
		return 0, false
	}
	return n[0]<<10 | n[1], true
}

// numResult says how parseCNumber did.
type numResult int

const (
	numOK         numResult = iota
	numNotANumber           // not a number at all: try it as a name
	numError                // a malformed or overflowing number; c.fail was not called
)

// parseCNumber parses an unsigned 32-bit number in C notation (0x hex,
// leading-0 octal, decimal) as libpcap's scanner does; for numError, msg
// is the error text.
func parseCNumber(s string) (v uint32, res numResult, msg string) {
	switch {
	case len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X"):
		for i := 2; i < len(s); i++ {
			d, ok := hexDigit(s[i])
			if !ok {
				return 0, numNotANumber, ""
			}
			if v > 0x0fffffff {
				return 0, numError, "hexadecimal number " + s + " overflows 32 bits"
			}
			v = v<<4 | d
		}
		return v, numOK, ""
	case len(s) > 0 && s[0] == '0':
		for i := 1; i < len(s); i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, numNotANumber, ""
			}
			if c > '7' {
				return 0, numError, "number " + s + " contains non-octal digit"
			}
			if v > 0x1fffffff {
				return 0, numError, "octal number " + s + " overflows 32 bits"
			}
			v = v<<3 | uint32(c-'0')
		}
		return v, numOK, ""
	case len(s) > 0:
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, numNotANumber, ""
			}
			n := uint64(v)*10 + uint64(c-'0')
			if n > 0xffffffff {
				return 0, numError, "decimal number " + s + " overflows 32 bits"
			}
			v = uint32(n)
		}
		return v, numOK, ""
	}
	return 0, numNotANumber, ""
}

func hexDigit(c byte) (uint32, bool) {
	switch {
	case c >= '0' && c <= '9':
		return uint32(c - '0'), true
	case c >= 'a' && c <= 'f':
		return uint32(c-'a') + 10, true
	case c >= 'A' && c <= 'F':
		return uint32(c-'A') + 10, true
	}
	return 0, false
}
