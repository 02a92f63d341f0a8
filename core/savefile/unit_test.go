package savefile

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// readAll reads every packet, starting a new batch whenever asked, and
// returns the headers, copies of the data and the final error (nil at EOF).
func readAll(t *testing.T, r *Reader) ([]Header, [][]byte, error) {
	t.Helper()
	var hs []Header
	var ds [][]byte
	for {
		h, d, err := r.Next()
		if errors.Is(err, ErrBatchFull) {
			r.StartBatch()
			continue
		}
		if err == io.EOF {
			return hs, ds, nil
		}
		if err != nil {
			return hs, ds, err
		}
		hs = append(hs, h)
		ds = append(ds, append([]byte(nil), d...))
	}
}

func mustOpen(t *testing.T, b []byte, prec int) *Reader {
	t.Helper()
	r, err := Open(bytes.NewReader(b), Options{Precision: prec})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return r
}

func TestPcapSwappedAndPrecision(t *testing.T) {
	eth := payload(60, 1)
	cases := []struct {
		name      string
		file      []byte
		prec      int
		swapped   bool
		wantFracs []int64
	}{
		{"le micro as micro", newPcap(le, magicMicro, 2, 4, 65535, 1).pkt(10, 999999, eth).buf, 0, native != le, []int64{999999}},
		{"be micro as nano", newPcap(be, magicMicro, 2, 4, 65535, 1).pkt(10, 999999, eth).buf, 1, native != be, []int64{999999000}},
		{"le nano as micro", newPcap(le, magicNano, 2, 4, 65535, 1).pkt(10, 999999999, eth).buf, 0, native != le, []int64{999999}},
		{"be nano as nano", newPcap(be, magicNano, 2, 4, 65535, 1).pkt(10, 999999999, eth).buf, 1, native != be, []int64{999999999}},
	}
	for _, c := range cases {
		r := mustOpen(t, c.file, c.prec)
		if r.Swapped() != c.swapped {
			t.Errorf("%s: Swapped() = %v, want %v", c.name, r.Swapped(), c.swapped)
		}
		if maj, min := r.Version(); maj != 2 || min != 4 {
			t.Errorf("%s: Version() = %d.%d, want 2.4", c.name, maj, min)
		}
		if r.LinkType() != 1 || r.Snaplen() != 65535 || r.Precision() != c.prec {
			t.Errorf("%s: LinkType %d Snaplen %d Precision %d", c.name, r.LinkType(), r.Snaplen(), r.Precision())
		}
		hs, ds, err := readAll(t, r)
		if err != nil || len(hs) != 1 {
			t.Fatalf("%s: %d packets, err %v", c.name, len(hs), err)
		}
		if hs[0].Sec != 10 || hs[0].Frac != c.wantFracs[0] || hs[0].Caplen != 60 || hs[0].Len != 60 {
			t.Errorf("%s: header %+v, want sec 10 frac %d 60/60", c.name, hs[0], c.wantFracs[0])
		}
		if !bytes.Equal(ds[0], eth) {
			t.Errorf("%s: data differs", c.name)
		}
		r.Close()
	}
}

func TestPcapErrors(t *testing.T) {
	eth := payload(60, 1)
	full := newPcap(le, magicMicro, 2, 4, 65535, 1).pkt(1, 2, eth).buf
	openErrs := map[string][]byte{
		"truncated dump file; tried to read 4 file header bytes, only got 2":  full[:2],
		"truncated dump file; tried to read 24 file header bytes, only got 8": full[:12],
		"unknown file format":                                  []byte("not a capture file"),
		"archaic pcap savefile format":                         newPcap(le, magicMicro, 1, 4, 65535, 1).buf,
		"unsupported pcap savefile version 2.5":                newPcap(be, magicMicro, 2, 5, 65535, 1).buf,
		"unknown time stamp resolution 7":                      nil, // filled below
		"unsupported pcapng savefile version 1.1":              newNg(le).shb(1, 1).idb(1, 0).buf,
		"the capture file has no Interface Description Blocks": newNg(be).shb(1, 0).buf,
	}
	for want, b := range openErrs {
		prec := 0
		if b == nil {
			b, prec = full, 7
		}
		_, err := Open(bytes.NewReader(b), Options{Precision: prec})
		if err == nil || err.Error() != want {
			t.Errorf("Open error %v, want %q", err, want)
		}
	}
	nextErrs := map[string][]byte{
		"truncated dump file; tried to read 16 header bytes, only got 5":      full[:24+5],
		"truncated dump file; tried to read 60 captured bytes, only got 10":   full[:24+16+10],
		"invalid packet capture length 300000, bigger than snaplen of 65535":  newPcap(le, magicMicro, 2, 4, 65535, 1).rec(1, 2, 300000, 1, nil).buf,
		"invalid packet capture length 300000, bigger than maximum of 262144": newPcap(le, magicMicro, 2, 4, 1000000, 1).rec(1, 2, 300000, 1, nil).buf,
		"truncated pcapng dump file; tried to read 4 bytes, only got 2":       append(newNg(le).shb(1, 0).idb(1, 0).buf, 6, 0, 0, 0, 12, 0, 0, 0, 12, 0),
		"the file has sections with different byte orders":                    append(newNg(le).shb(1, 0).idb(1, 0).buf, beSHB256()...),
		"pcapng block size 469762048 > maximum 16777216":                      append(newNg(le).shb(1, 0).idb(1, 0).buf, newNg(be).shb(1, 0).buf...),
	}
	for want, b := range nextErrs {
		r := mustOpen(t, b, 0)
		_, _, err := readAll(t, r)
		if err == nil || err.Error() != want {
			t.Errorf("Next error %v, want %q", err, want)
		}
		// Errors are not sticky: reading on reaches the end of the file.
		eof := false
		for i := 0; i < 10 && !eof; i++ {
			_, _, err2 := r.Next()
			eof = err2 == io.EOF
		}
		if !eof {
			t.Errorf("reading on after %q did not reach the end of the file", want)
		}
		r.Close()
	}
}

func TestPcapTrimToSnapshot(t *testing.T) {
	big := payload(1500, 2)
	r := mustOpen(t, newPcap(le, magicMicro, 2, 4, 40, 1).pkt(1, 2, big).pkt(3, 4, big[:20]).buf, 0)
	hs, ds, err := readAll(t, r)
	if err != nil || len(hs) != 2 {
		t.Fatalf("%d packets, err %v", len(hs), err)
	}
	if hs[0].Caplen != 40 || hs[0].Len != 1500 || !bytes.Equal(ds[0], big[:40]) {
		t.Errorf("first packet %+v: want caplen 40 len 1500 and the first 40 bytes", hs[0])
	}
	if hs[1].Sec != 3 || hs[1].Caplen != 20 || !bytes.Equal(ds[1], big[:20]) {
		t.Errorf("second packet %+v: the discarded bytes were not skipped", hs[1])
	}
}

func TestPcapngTimestamps(t *testing.T) {
	eth := payload(60, 1)
	n := newNg(be)
	file := n.shb(1, 0).
		idb(1, 0, n.opt(optIfTsresol, []byte{0x80 | 10})).                                           // 2^-10
		idb(1, 0, n.opt(optIfTsresol, []byte{9}), n.opt(optIfTsoffset, be.AppendUint64(nil, 1000))). // ns, +1000 s
		epb(0, 5*1024+512, 60, 60, eth).
		epb(1, 7_000_000_123, 60, 60, eth).
		shb(1, 0).idb(1, 0). // new section: default µs, interface 1 gone
		epb(0, 9_000_001, 60, 60, eth).
		epb(1, 1, 60, 60, eth).buf
	want := map[int][][2]int64{
		0: {{5, 500000}, {1007, 0}, {9, 1}},
		1: {{5, 500000000}, {1007, 123}, {9, 1000}},
	}
	for prec, w := range want {
		r := mustOpen(t, file, prec)
		hs, _, err := readAll(t, r)
		if err == nil || err.Error() != "a packet arrived on interface 1, but there's no Interface Description Block for that interface" {
			t.Errorf("prec %d: final error %v", prec, err)
		}
		if len(hs) != len(w) {
			t.Fatalf("prec %d: %d packets, want %d", prec, len(hs), len(w))
		}
		for i, h := range hs {
			if h.Sec != w[i][0] || h.Frac != w[i][1] {
				t.Errorf("prec %d packet %d: ts %d.%d, want %d.%d", prec, i, h.Sec, h.Frac, w[i][0], w[i][1])
			}
		}
		r.Close()
	}
}

func TestPcapngBlocksAndSwapped(t *testing.T) {
	eth := payload(60, 1)
	big := payload(1500, 2)
	for _, bo := range []order{le, be} {
		file := newNg(bo).shb(1, 2).idb(101, 100).
			block(0x0BAD, []byte{1, 2, 3}).
			epb(0, 3_000_001, 60, 70, eth).
			spb(1500, big[:100]).
			pb(0, 4_000_002, eth[:10]).buf
		r := mustOpen(t, file, 0)
		if r.Swapped() != (bo != native) || r.LinkType() != 12 || r.Snaplen() != 100 || r.LinkTypeExt() != 0 {
			t.Errorf("swapped %v linktype %d snaplen %d ext %d", r.Swapped(), r.LinkType(), r.Snaplen(), r.LinkTypeExt())
		}
		if maj, min := r.Version(); maj != 1 || min != 2 {
			t.Errorf("version %d.%d, want 1.2", maj, min)
		}
		hs, ds, err := readAll(t, r)
		if err != nil || len(hs) != 3 {
			t.Fatalf("%d packets, err %v", len(hs), err)
		}
		if hs[0] != (Header{3, 1, 60, 70}) || !bytes.Equal(ds[0], eth) {
			t.Errorf("EPB: %+v", hs[0])
		}
		if hs[1] != (Header{0, 0, 100, 1500}) || !bytes.Equal(ds[1], big[:100]) {
			t.Errorf("SPB: %+v (caplen is min(len, snaplen))", hs[1])
		}
		if hs[2] != (Header{4, 2, 10, 10}) || !bytes.Equal(ds[2], eth[:10]) {
			t.Errorf("PB: %+v", hs[2])
		}
		r.Close()
	}
}

// countMem is a Mem that tracks live allocations.
type countMem struct {
	allocs, frees, live, peak int
}

func (m *countMem) Alloc(n int) []byte {
	m.allocs++
	m.live += n
	if m.live > m.peak {
		m.peak = m.live
	}
	return make([]byte, n)
}

func (m *countMem) Free(b []byte) {
	m.frees++
	m.live -= len(b)
}

func TestBatchFull(t *testing.T) {
	f := newPcap(le, magicMicro, 2, 4, 65535, 1)
	for i := 0; i < 50; i++ {
		f.pkt(uint32(i), 0, payload(100+i*13, byte(i)))
	}
	mem := &countMem{}
	r, err := open(bytes.NewReader(f.buf), Options{Mem: mem}, 256)
	if err != nil {
		t.Fatal(err)
	}
	var held [][]byte
	fulls, got := 0, 0
	for {
		h, d, err := r.Next()
		if errors.Is(err, ErrBatchFull) {
			fulls++
			if len(held) == 0 {
				t.Fatal("ErrBatchFull on an empty batch")
			}
			for i, b := range held {
				if !bytes.Equal(b, payload(len(b), byte(got-len(held)+i))) {
					t.Fatalf("packet %d was overwritten before StartBatch", got-len(held)+i)
				}
			}
			held = held[:0]
			r.StartBatch()
			continue
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Sec != int64(got) {
			t.Fatalf("packet %d has sec %d", got, h.Sec)
		}
		held = append(held, d)
		got++
	}
	if got != 50 || fulls == 0 {
		t.Errorf("%d packets, %d ErrBatchFull; want 50 and some", got, fulls)
	}
	r.Close()
	if mem.live != 0 || mem.allocs != mem.frees {
		t.Errorf("after Close: %d bytes live, %d allocs, %d frees", mem.live, mem.allocs, mem.frees)
	}
}

func TestNextDoesNotAllocate(t *testing.T) {
	f := newPcap(be, magicMicro, 2, 4, 65535, 1)
	for i := 0; i < 2000; i++ {
		f.pkt(uint32(i), 0, payload(60+i%1400, byte(i)))
	}
	n := newNg(be)
	n.shb(1, 0).idb(1, 0, n.opt(optIfTsresol, []byte{9}))
	for i := 0; i < 2000; i++ {
		d := payload(60+i%1400, byte(i))
		n.epb(0, uint64(i)*1e9, uint32(len(d)), uint32(len(d)), d)
	}
	for _, file := range [][]byte{f.buf, n.buf} {
		r := mustOpen(t, file, 1)
		allocs := testing.AllocsPerRun(1000, func() {
			if _, _, err := r.Next(); errors.Is(err, ErrBatchFull) {
				r.StartBatch()
			} else if err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("Next allocates %.2f times per packet, want 0", allocs)
		}
		r.Close()
	}
}

// beSHB256 is the start of a big-endian SHB whose length field, read in
// little-endian order, is 256 and matches the word at offset 252, so that a
// little-endian reader reaches the byte-order check.
func beSHB256() []byte {
	b := make([]byte, 256)
	copy(b, []byte{0x0A, 0x0D, 0x0D, 0x0A, 0, 1, 0, 0, 0x1A, 0x2B, 0x3C, 0x4D, 0, 1, 0, 0})
	copy(b[252:], []byte{0, 1, 0, 0})
	return b
}
