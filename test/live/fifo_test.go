package live

import (
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// fifoCapture is tcpdump -w (through pcapshim) into a FIFO that the test
// drains into a file: its consumer can be stalled (the FIFO not read yet)
// or slowed down.
type fifoCapture struct {
	t    *testing.T
	p    *proc
	r    *os.File
	w    *os.File
	file string
	slow atomic.Bool // drain 64 KiB every 3 ms, not at full speed
	done chan error
}

// startFIFO starts tcpdump -Z root -i dev -w FIFO args… in ns with env,
// and returns once it listens; nothing reads the FIFO until drain.
func startFIFO(t *testing.T, ns, dev string, env, args []string) *fifoCapture {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "out.fifo")
	if err := syscall.Mkfifo(fifo, 0o666); err != nil {
		t.Fatal(err)
	}
	// Opened for reading first (non-blocking, so it does not wait for a
	// writer): tcpdump's open for writing then succeeds.
	rfd, err := syscall.Open(fifo, syscall.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	f := &fifoCapture{t: t, r: os.NewFile(uintptr(rfd), fifo), file: filepath.Join(dir, "out.pcap")}
	t.Cleanup(func() { f.r.Close() })
	argv := append([]string{"tcpdump", "-Z", "root", "-i", dev, "-w", fifo}, args...)
	f.p = startEnv(t, ns, testutil.Ours, env, listening, argv...)
	f.p.waitReady(t, 10*time.Second)
	return f
}

// drain starts reading the FIFO, blocking, into the file, until tcpdump
// closes its end.
func (f *fifoCapture) drain() {
	if err := syscall.SetNonblock(int(f.r.Fd()), false); err != nil {
		f.t.Fatal(err)
	}
	w, err := os.Create(f.file)
	if err != nil {
		f.t.Fatal(err)
	}
	f.w = w
	f.done = make(chan error, 1)
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, err := f.r.Read(buf)
			if n > 0 {
				if _, werr := w.Write(buf[:n]); werr != nil {
					f.done <- werr
					return
				}
			}
			if err == io.EOF {
				f.done <- nil
				return
			}
			if err != nil {
				f.done <- err
				return
			}
			if f.slow.Load() {
				time.Sleep(3 * time.Millisecond)
			}
		}
	}()
}

// settle waits, at most 20 s, until tcpdump's statistics (SIGUSR1)
// account for n packets, captured or dropped.
func (f *fifoCapture) settle(n int) {
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); {
		time.Sleep(300 * time.Millisecond)
		_ = f.p.cmd.Process.Signal(syscall.SIGUSR1)
		time.Sleep(50 * time.Millisecond)
		if c, _, d, ok := stats(f.p.errText()); ok && c+d >= n {
			return
		}
	}
}

// stop ends tcpdump (SIGINT) and the drain, and returns tcpdump's result;
// the file then holds what it wrote.
func (f *fifoCapture) stop() result {
	_ = f.p.cmd.Process.Signal(syscall.SIGINT)
	res := f.p.wait(10 * time.Second)
	select {
	case err := <-f.done:
		if err != nil {
			f.t.Fatalf("reading the FIFO: %v", err)
		}
	case <-time.After(10 * time.Second):
		f.t.Fatalf("the FIFO did not reach EOF after tcpdump ended")
	}
	f.w.Close()
	return res
}
