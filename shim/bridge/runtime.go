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
	// Capture needs few Go threads: the per-packet work runs on the
	// host's threads. Cap the runtime's parallelism to stay a good guest.
	procs := min(runtime.NumCPU(), 4)
	runtime.GOMAXPROCS(envInt("PCAPSHIM_GOMAXPROCS", procs))
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
