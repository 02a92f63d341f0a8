package core

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
	"unsafe"

	"github.com/pcapshim/pcapshim/core/savefile"
)

// The C loop reads struct shim_pkt: timeval (2 x 8), caplen, len, pointer.
func TestPacketLayout(t *testing.T) {
	var p Packet
	if PacketSize != 32 {
		t.Fatalf("Packet is %d bytes, C expects 32", PacketSize)
	}
	for name, got := range map[string]uintptr{
		"Caplen": unsafe.Offsetof(p.Caplen), "Len": unsafe.Offsetof(p.Len), "Data": unsafe.Offsetof(p.Data),
	} {
		want := map[string]uintptr{"Caplen": 16, "Len": 20, "Data": 24}[name]
		if got != want {
			t.Errorf("offset of %s = %d, want %d", name, got, want)
		}
	}
}

func TestHandles(t *testing.T) {
	var h Handles
	a, b := &Offline{}, &Offline{}
	ia, ib := h.Add(a), h.Add(b)
	if ia == 0 || ib == 0 || ia == ib {
		t.Fatalf("handles %d, %d: want distinct non-zero", ia, ib)
	}
	if h.Get(ia) != a || h.Get(ib) != b {
		t.Fatal("Get returned the wrong source")
	}
	if h.Remove(ia) != a || h.Get(ia) != nil || h.Remove(ia) != nil {
		t.Fatal("Remove did not forget the handle")
	}
}

// pcapFile builds a little-endian microsecond pcap file with n packets whose
// bytes are their index.
func pcapFile(n int) []byte {
	var b bytes.Buffer
	le := binary.LittleEndian
	hdr := []uint32{0xa1b2c3d4, 4<<16 | 2, 0, 0, 65535, 1}
	for _, v := range hdr {
		_ = binary.Write(&b, le, v)
	}
	for i := 0; i < n; i++ {
		size := 60 + i%40
		for _, v := range []uint32{uint32(1000 + i), uint32(i), uint32(size), uint32(size)} {
			_ = binary.Write(&b, le, v)
		}
		b.Write(bytes.Repeat([]byte{byte(i)}, size))
	}
	return b.Bytes()
}

// Fill hands out every packet once, in order, in batches, then io.EOF.
func TestOfflineFill(t *testing.T) {
	const n = 1300
	r, err := savefile.Open(bytes.NewReader(pcapFile(n)), savefile.Options{Mem: savefile.GoMem{}})
	if err != nil {
		t.Fatal(err)
	}
	src := &Offline{R: r}
	defer src.Close()
	batch := make([]Packet, 512)
	seen := 0
	for {
		k, err := src.Fill(batch)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil || k == 0 {
			t.Fatalf("Fill = %d, %v", k, err)
		}
		for _, p := range batch[:k] {
			data := unsafe.Slice((*byte)(*(*unsafe.Pointer)(unsafe.Pointer(&p.Data))), p.Caplen)
			if p.Sec != int64(1000+seen) || p.Frac != int64(seen) || int(p.Caplen) != 60+seen%40 || data[0] != byte(seen) || data[len(data)-1] != byte(seen) {
				t.Fatalf("packet %d: %+v first byte %d", seen, p, data[0])
			}
			seen++
		}
	}
	if seen != n {
		t.Fatalf("got %d packets, want %d", seen, n)
	}
}
