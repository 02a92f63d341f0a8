package savefile

import (
	"errors"
	"io"
	"testing"
)

// cycleReader serves a pcap file header followed by the same block of
// records over and over, n times, so a million-packet file needs no
// million-packet buffer.
type cycleReader struct {
	head, body []byte
	left       int // copies of body still to serve
	off        int // offset in head (while < len(head)) then in body
	inBody     bool
}

func (c *cycleReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if !c.inBody {
			k := copy(p[n:], c.head[c.off:])
			n += k
			c.off += k
			if c.off == len(c.head) {
				c.inBody, c.off = true, 0
			}
			continue
		}
		if c.left == 0 {
			if n == 0 {
				return 0, io.EOF
			}
			return n, nil
		}
		k := copy(p[n:], c.body[c.off:])
		n += k
		c.off += k
		if c.off == len(c.body) {
			c.off = 0
			c.left--
		}
	}
	return n, nil
}

// benchSizes is a realistic packet size mix: many small (ACKs, DNS), some
// mid-sized, many full-size frames.
var benchSizes = []int{60, 60, 60, 66, 66, 74, 90, 128, 342, 576, 1024, 1514, 1514, 1514, 1514, 1514}

const (
	benchBlock   = 1000 // packets per repeated block
	benchPackets = 1000000
)

// BenchmarkRead reads a generated 1 M-packet pcap file through Next with
// batches of 512, as the bridge does, and reports ns/packet.
func BenchmarkRead(b *testing.B) {
	f := newPcap(le, magicMicro, 2, 4, 262144, 1)
	head := append([]byte(nil), f.buf...)
	f.buf = f.buf[:0]
	for i := 0; i < benchBlock; i++ {
		f.pkt(uint32(1700000000+i), uint32(i*997%1000000), payload(benchSizes[i%len(benchSizes)], byte(i)))
	}
	body := f.buf
	b.SetBytes(int64(len(body)) * (benchPackets / benchBlock))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := Open(&cycleReader{head: head, body: body, left: benchPackets / benchBlock}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		n, inBatch := 0, 0
		var sink uint32
		for {
			h, data, err := r.Next()
			if errors.Is(err, ErrBatchFull) || inBatch == 512 {
				r.StartBatch()
				inBatch = 0
				if err != nil {
					continue
				}
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			sink += h.Caplen + uint32(data[0])
			n++
			inBatch++
		}
		r.Close()
		if n != benchPackets {
			b.Fatalf("read %d packets, want %d (sink %d)", n, benchPackets, sink)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchPackets, "ns/packet")
}
