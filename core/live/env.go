package live

import (
	"os"
	"strconv"
	"strings"
)

// BufferEnv names the environment variable that sets the capture buffer
// size (ring, or socket receive buffer on the recvmmsg path) in bytes,
// with an optional K, M or G suffix (powers of 1024). It overrides both
// the default and pcap_set_buffer_size (tcpdump -B): it is the operator's
// setting, for hosts that hard-code a buffer size (dumpcap always sets
// one) as well as for those that never set one.
const BufferEnv = "PCAPSHIM_BUFFER_SIZE"

// maxBufferSize bounds PCAPSHIM_BUFFER_SIZE: pcap_set_buffer_size takes an
// int, and the ring's block count is a 32-bit value.
const maxBufferSize = 1 << 30

// ParseSize reads a byte count: decimal digits, optionally followed by K,
// M or G (binary multiples, "KiB"/"MB" spellings accepted), at least 1.
func ParseSize(v string) (int, bool) {
	v = strings.TrimSpace(v)
	mult := 1
	u := strings.ToUpper(v)
	for _, suf := range []struct {
		s string
		m int
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"KB", 1 << 10}, {"MB", 1 << 20},
		{"GB", 1 << 30}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(u, suf.s) {
			v, mult = strings.TrimSpace(v[:len(v)-len(suf.s)]), suf.m
			break
		}
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n == 0 || n > maxBufferSize/uint64(mult) {
		return 0, false
	}
	return int(n) * mult, true
}

// applyEnv applies the environment's overrides to o: the buffer size and
// the receive path. An unreadable value fails activation with a message
// that names the variable and its form.
func applyEnv(o *Options) (mode string, fail *Error) {
	if v, ok := os.LookupEnv(BufferEnv); ok && v != "" {
		n, ok := ParseSize(v)
		if !ok {
			return "", &Error{Code: ErrGeneric, Text: BufferEnv + "=" + strconv.Quote(v) +
				": expected a size in bytes from 1 to 1G, with an optional K, M or G suffix"}
		}
		o.BufferSize = n
	}
	mode = os.Getenv(ModeEnv)
	switch mode {
	case "", "ring":
		return "ring", nil
	case "recvmmsg":
		return mode, nil
	}
	return "", &Error{Code: ErrGeneric, Text: ModeEnv + "=" + strconv.Quote(mode) +
		`: expected "ring" (default) or "recvmmsg"`}
}

// bufferSize is the capture buffer size o asks for (the environment's
// already applied), or the default for the snapshot length in force.
func (s *Source) bufferSize(o Options) int {
	if o.BufferSize > 0 {
		return o.BufferSize
	}
	return DefaultBufferSize(s.snaplen)
}
