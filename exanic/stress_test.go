package exanic

import (
	"encoding/binary"
	"hash/crc32"
	"math/rand"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/core"
)

// selfFrame is frame seq of n bytes whose last 4 bytes are the CRC of the
// rest, so a torn frame (parts of two writes) is detected.
func selfFrame(seq, n int, rnd *rand.Rand) []byte {
	b := make([]byte, n)
	rnd.Read(b[8 : n-4])
	binary.BigEndian.PutUint64(b, uint64(seq))
	binary.BigEndian.PutUint32(b[n-4:], crc32.ChecksumIEEE(b[:n-4]))
	return b
}

// The card (a goroutine) writes as fast as it can while the source's own
// reader thread and a consumer run: the reader is lapped now and then.
// Every delivered frame must be intact and newer than the one before, and
// the counters must add up.
func TestConcurrentNoTornFrames(t *testing.T) {
	t.Run("fast consumer", func(t *testing.T) { stress(t, 512, 0) })
	// A slow consumer and the smallest buffer: the reader stalls on a
	// full buffer and the card laps it.
	t.Run("slow consumer", func(t *testing.T) { stress(t, 32, 50*time.Microsecond) })
}

func stress(t *testing.T, batchLen int, pause time.Duration) {
	dir, c := newSimCard(t, SimConfig{})
	s, err := Open(Options{Device: "exa0", Backend: &Sim{Dir: dir}, BufferSize: minURing})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const total = 300000
	var writerDone atomic.Bool
	go func() {
		rnd := rand.New(rand.NewSource(1))
		w := c.Port(0)
		for i := 0; i < total; i++ {
			w.Send(WithFCS(selfFrame(i, 60+rnd.Intn(600), rnd)), StatusOK)
		}
		writerDone.Store(true)
	}()
	batch := make([]core.Packet, batchLen)
	delivered, last := 0, -1
	deadline := time.Now().Add(60 * time.Second)
	idle := 0
	for time.Now().Before(deadline) {
		n, _ := s.Fill(batch)
		for _, p := range batch[:n] {
			d := unsafeBytes(p.Data, int(p.Caplen))
			if int(p.Caplen) != int(p.Len) || len(d) < 12 ||
				crc32.ChecksumIEEE(d[:len(d)-4]) != binary.BigEndian.Uint32(d[len(d)-4:]) {
				t.Fatalf("torn or truncated frame delivered after %d frames (len %d caplen %d)", delivered, p.Len, p.Caplen)
			}
			seq := int(binary.BigEndian.Uint64(d))
			if seq <= last {
				t.Fatalf("frame %d after %d", seq, last)
			}
			last = seq
			delivered++
		}
		if pause > 0 {
			time.Sleep(pause)
		}
		if n == 0 {
			if writerDone.Load() {
				if idle++; idle > 200 {
					break
				}
			}
			time.Sleep(100 * time.Microsecond)
		}
	}
	if !writerDone.Load() {
		t.Fatal("writer did not finish in time")
	}
	cn := s.Counters()
	st := s.Stats()
	t.Logf("delivered %d of %d, ps_drop %d, laps %d, discarded %d, full %d", delivered, total, cn.Drop, st.Laps, st.Discarded, st.Full)
	if delivered == 0 {
		t.Fatal("nothing delivered")
	}
	if atomic.LoadUint64(&cn.Recv) != atomic.LoadUint64(&cn.Drop)+uint64(delivered) {
		t.Fatalf("ps_recv %d != ps_drop %d + delivered %d", cn.Recv, cn.Drop, delivered)
	}
	// The loss is estimated from what the ring holds at each lap: close
	// to the true loss.
	if lost := total - delivered; int(cn.Drop) < lost-lost/20-50 || int(cn.Drop) > lost+lost/20+50 {
		t.Errorf("ps_drop %d, true loss %d", cn.Drop, lost)
	}
	if st.Laps == 0 && delivered != total {
		t.Fatalf("lost %d frames without a lap", total-delivered)
	}
}
