// Command other is a second, unrelated Go c-shared library for the
// two-runtimes host test (../gohost.c, mode "two"; go-in-c-hosts.md §5): a
// C host that links some other Go library and also uses our libpcap has two
// Go runtimes in one process. Its own module, so the main module's tools
// never see it; the test builds it with -buildmode=c-shared.
//
// It is a well-behaved guest: every loop calls functions, so its own
// goroutines stay preemptible cooperatively even when the other runtime has
// taken over SIGURG (asynchronous preemption is lost for one of the two).
package main

import "C"

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
)

var (
	mu    sync.Mutex
	keep  [64][]byte // a small live set, so GC has something to mark
	next  int
	stop  atomic.Bool
	churn sync.WaitGroup
)

// OtherWork allocates on the Go heap and returns 2*x+1.
//
//export OtherWork
func OtherWork(x C.int) C.int {
	b := make([]byte, 64+int(x)%448)
	for i := range b {
		b[i] = byte(int(x) + i)
	}
	mu.Lock()
	keep[next] = b
	next = (next + 1) % len(keep)
	mu.Unlock()
	return C.int(2*int(b[0]-byte(x)) + 2*int(x) + 1)
}

// OtherGC runs a full collection and returns this runtime's GC count.
//
//export OtherGC
func OtherGC() C.long {
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(s)
	return C.long(s[0].Value.Uint64())
}

// OtherStart starts n goroutines that allocate until OtherStop.
//
//export OtherStart
func OtherStart(n C.int) {
	for i := 0; i < int(n); i++ {
		churn.Add(1)
		go func() {
			defer churn.Done()
			var local [][]byte
			for j := 0; !stop.Load(); j++ {
				local = append(local, make([]byte, 256+j%1024))
				if len(local) > 256 {
					local = local[:0]
				}
				if j%16 == 0 {
					time.Sleep(50 * time.Microsecond)
				}
			}
		}()
	}
}

// OtherStop stops the goroutines OtherStart started and waits for them.
//
//export OtherStop
func OtherStop() {
	stop.Store(true)
	churn.Wait()
}

func main() {}
