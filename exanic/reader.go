package exanic

import (
	"runtime"
	"syscall"
	"time"
	"unsafe"
)

const (
	roundChunks = 2048 // chunks per round: one re-check and publish each
	spinRounds  = 200  // empty rounds (a few µs) before sleeping
	// Then sleeps from minSleep doubling to maxSleep while idle. At 10 GbE
	// the DMA ring takes over 1 ms to fill, so even the longest sleep
	// (plus the kernel's timer slack) leaves it room; the first frame
	// after a quiet spell may wait that long.
	minSleepNs = 10000
	maxSleepNs = 200000
)

// run is the reader: a goroutine on its own OS thread with async signals
// blocked, polling the DMA ring into the capture buffer until Close.
func (s *Source) run() {
	runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
	defer close(s.done)
	blockSignals()
	s.tid.Store(int32(syscall.Gettid()))
	idle := 0
	sleep := int64(minSleepNs)
	for !s.stop.Load() {
		s.r.round(time.Now().UnixNano())
		if s.r.Poll(roundChunks) > 0 {
			idle, sleep = 0, minSleepNs
			continue
		}
		if idle++; s.busy || idle < spinRounds {
			continue
		}
		// A raw nanosleep: through syscall.Nanosleep the scheduler hands
		// this thread's P to another thread at every sleep and takes it
		// back, which costs more CPU than the polling. The thread is ours
		// alone; a stop-the-world waits at most one sleep for it.
		ts := syscall.NsecToTimespec(sleep)
		syscall.RawSyscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(&ts)), 0, 0)
		if sleep < maxSleepNs {
			sleep *= 2
		}
	}
}

// blockSignals blocks every async signal on the calling thread, so a
// host's handler never runs on this thread. Threads the backend's runtime
// makes start that way already; this makes it explicit for any runtime.
// Left open: the synchronous signals, Go's preemption signal (SIGURG), and
// glibc's internal 32 and 33 (SIGCANCEL, SIGSETXID): glibc's own
// sigprocmask never blocks those, and setuid/setgid in a host (tcpdump
// dropping privileges) waits until every thread has handled SIGSETXID.
func blockSignals() {
	var set [2]uint32 // kernel sigset: 64 bits
	for i := range set {
		set[i] = ^uint32(0)
	}
	for _, sig := range []syscall.Signal{syscall.SIGSEGV, syscall.SIGBUS, syscall.SIGFPE,
		syscall.SIGILL, syscall.SIGTRAP, syscall.SIGURG, 32, 33} {
		set[(sig-1)/32] &^= 1 << ((sig - 1) % 32)
	}
	syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, 0 /* SIG_BLOCK */, uintptr(unsafe.Pointer(&set)), 0, 8, 0, 0)
}
