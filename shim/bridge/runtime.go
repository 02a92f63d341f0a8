package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
)

// The Go runtime reads GOGC, GOMEMLIMIT and GOMAXPROCS from the host's
// environment, which was set for the host (or for a Go program the host
// runs), not for us: a GOGC=off or a tiny GOMEMLIMIT meant for something else
// must not turn a capture into a memory leak or a GC storm. So the backend
// sets its own values as it loads (the runtime starts only when a capture
// is opened, so this costs hosts that never capture nothing). PCAPSHIM_GOGC,
// PCAPSHIM_GOMEMLIMIT (bytes) and PCAPSHIM_GOMAXPROCS override them.
func init() {
	debug.SetGCPercent(envInt("PCAPSHIM_GOGC", 100))
	debug.SetMemoryLimit(int64(envInt("PCAPSHIM_GOMEMLIMIT", math.MaxInt64)))
	// Go code runs only inside a batch fill on the host's thread (and
	// in the ExaNIC reader, which asks for a second P: needProcs). With
	// more Ps the scheduler keeps spare threads spinning after each
	// fill: tcpdump's CPU per live packet went from ~2.5x libpcap's with
	// GOMAXPROCS=2 to ~1.6x with 1 (50 kpps of 64-byte frames).
	runtime.GOMAXPROCS(envInt("PCAPSHIM_GOMAXPROCS", 1))
}

// needProcs raises GOMAXPROCS to n for a source that keeps a goroutine
// running (the ExaNIC reader holds a P), unless PCAPSHIM_GOMAXPROCS set it.
func needProcs(n int) {
	if envInt("PCAPSHIM_GOMAXPROCS", 0) == 0 && runtime.GOMAXPROCS(0) < n {
		runtime.GOMAXPROCS(n)
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
