package savefile

import (
	"encoding/binary"
	"fmt"
)

// This file builds small capture files in memory for the tests, the fuzz
// seeds and the generated part of the differential test.

type pcapFile struct {
	bo  order
	buf []byte
}

func newPcap(bo order, magic uint32, major, minor uint16, snaplen, linktype uint32) *pcapFile {
	f := &pcapFile{bo: bo}
	f.buf = bo.AppendUint32(f.buf, magic)
	f.buf = bo.AppendUint16(f.buf, major)
	f.buf = bo.AppendUint16(f.buf, minor)
	f.buf = bo.AppendUint32(f.buf, 0) // thiszone
	f.buf = bo.AppendUint32(f.buf, 0) // sigfigs
	f.buf = bo.AppendUint32(f.buf, snaplen)
	f.buf = bo.AppendUint32(f.buf, linktype)
	return f
}

// rec appends a record header with the given fields followed by data.
func (f *pcapFile) rec(sec, frac uint32, caplen, length uint32, data []byte) *pcapFile {
	f.buf = f.bo.AppendUint32(f.buf, sec)
	f.buf = f.bo.AppendUint32(f.buf, frac)
	f.buf = f.bo.AppendUint32(f.buf, caplen)
	f.buf = f.bo.AppendUint32(f.buf, length)
	f.buf = append(f.buf, data...)
	return f
}

// pkt appends a whole packet whose caplen and len are len(data).
func (f *pcapFile) pkt(sec, frac uint32, data []byte) *pcapFile {
	return f.rec(sec, frac, uint32(len(data)), uint32(len(data)), data)
}

type ngFile struct {
	bo  order
	buf []byte
}

func newNg(bo order) *ngFile { return &ngFile{bo: bo} }

// block appends a block, padding body to 4 bytes.
func (f *ngFile) block(typ uint32, body []byte) *ngFile {
	for len(body)%4 != 0 {
		body = append(body, 0)
	}
	total := uint32(12 + len(body))
	f.buf = f.bo.AppendUint32(f.buf, typ)
	f.buf = f.bo.AppendUint32(f.buf, total)
	f.buf = append(f.buf, body...)
	f.buf = f.bo.AppendUint32(f.buf, total)
	return f
}

func (f *ngFile) shb(major, minor uint16) *ngFile {
	var b []byte
	b = f.bo.AppendUint32(b, byteOrderMagic)
	b = f.bo.AppendUint16(b, major)
	b = f.bo.AppendUint16(b, minor)
	b = f.bo.AppendUint64(b, ^uint64(0))
	return f.block(btSHB, b)
}

// opt encodes one option.
func (f *ngFile) opt(code uint16, val []byte) []byte {
	var b []byte
	b = f.bo.AppendUint16(b, code)
	b = f.bo.AppendUint16(b, uint16(len(val)))
	b = append(b, val...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

func (f *ngFile) idb(lt uint16, snaplen uint32, opts ...[]byte) *ngFile {
	var b []byte
	b = f.bo.AppendUint16(b, lt)
	b = f.bo.AppendUint16(b, 0)
	b = f.bo.AppendUint32(b, snaplen)
	for _, o := range opts {
		b = append(b, o...)
	}
	return f.block(btIDB, b)
}

func (f *ngFile) epb(ifid uint32, ts uint64, caplen, length uint32, data []byte) *ngFile {
	var b []byte
	b = f.bo.AppendUint32(b, ifid)
	b = f.bo.AppendUint32(b, uint32(ts>>32))
	b = f.bo.AppendUint32(b, uint32(ts))
	b = f.bo.AppendUint32(b, caplen)
	b = f.bo.AppendUint32(b, length)
	b = append(b, data...)
	return f.block(btEPB, b)
}

func (f *ngFile) pb(ifid uint16, ts uint64, data []byte) *ngFile {
	var b []byte
	b = f.bo.AppendUint16(b, ifid)
	b = f.bo.AppendUint16(b, 0)
	b = f.bo.AppendUint32(b, uint32(ts>>32))
	b = f.bo.AppendUint32(b, uint32(ts))
	b = f.bo.AppendUint32(b, uint32(len(data)))
	b = f.bo.AppendUint32(b, uint32(len(data)))
	b = append(b, data...)
	return f.block(btPB, b)
}

func (f *ngFile) spb(length uint32, data []byte) *ngFile {
	var b []byte
	b = f.bo.AppendUint32(b, length)
	b = append(b, data...)
	return f.block(btSPB, b)
}

func (f *ngFile) raw(b []byte) *ngFile {
	f.buf = append(f.buf, b...)
	return f
}

// payload is n deterministic bytes.
func payload(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7) ^ seed
	}
	return b
}

// order is a byte order that can also append.
type order interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

var (
	le order = binary.LittleEndian
	be order = binary.BigEndian
)

// usbMmapped builds a DLT_USB_LINUX_MMAPPED packet (64-byte header in byte
// order bo, then ndesc isochronous descriptors, then data), for the
// pseudo-header swap and length fix-up.
func usbMmapped(bo order, event byte, ndesc uint32, urbLen uint32, descs [][2]uint32, extra int) []byte {
	h := make([]byte, 64)
	bo.PutUint64(h[0:], 0x1122334455667788)
	h[8] = event
	h[9] = 0     // isochronous
	h[10] = 0x81 // endpoint, IN
	h[11] = 3
	bo.PutUint16(h[12:], 2)
	h[14] = '-'
	h[15] = 0 // data present
	bo.PutUint64(h[16:], 1700000000)
	bo.PutUint32(h[24:], 123456)
	bo.PutUint32(h[28:], 0)
	bo.PutUint32(h[32:], urbLen)
	bo.PutUint32(h[36:], urbLen)
	bo.PutUint32(h[40:], 0)
	bo.PutUint32(h[44:], ndesc)
	bo.PutUint32(h[48:], 1)
	bo.PutUint32(h[52:], 7)
	bo.PutUint32(h[56:], 0)
	bo.PutUint32(h[60:], ndesc)
	for _, d := range descs {
		var dd [16]byte
		bo.PutUint32(dd[0:], 0)
		bo.PutUint32(dd[4:], d[0])
		bo.PutUint32(dd[8:], d[1])
		h = append(h, dd[:]...)
	}
	return append(h, payload(extra, 9)...)
}

// generated returns the constructed files the differential test also runs
// through the system libpcap, keyed by a file name.
func generated() map[string][]byte {
	g := map[string][]byte{}
	eth := payload(60, 1)
	big := payload(1500, 2)

	// pcap basics, both byte orders, both time stamp magics.
	for _, o := range []struct {
		name string
		bo   order
	}{{"le", le}, {"be", be}} {
		g["pcap-micro-"+o.name+".pcap"] = newPcap(o.bo, magicMicro, 2, 4, 65535, 1).
			pkt(1700000000, 999999, eth).pkt(1700000001, 5, big).buf
		g["pcap-nano-"+o.name+".pcap"] = newPcap(o.bo, magicNano, 2, 4, 65535, 1).
			pkt(1700000000, 999999999, eth).pkt(1700000001, 1500, big).buf
		g["pcap-kuz-"+o.name+".pcap"] = append(newPcap(o.bo, magicKuznetzov, 2, 4, 100, 1).buf,
			append(newPcap(o.bo, 0, 0, 0, 0, 0).rec(5, 6, 60, 60, nil).buf[24:], append(make([]byte, 8), eth...)...)...)
	}
	// Old versions swap caplen and len; 2.3 maybe.
	g["pcap-v22.pcap"] = newPcap(le, magicMicro, 2, 2, 65535, 1).rec(1, 2, 100, 60, eth).buf
	g["pcap-v23-swapped.pcap"] = newPcap(le, magicMicro, 2, 3, 65535, 1).rec(1, 2, 100, 60, eth).rec(1, 3, 60, 100, eth).buf
	g["pcap-v543.pcap"] = newPcap(le, magicMicro, 543, 0, 65535, 1).rec(1, 2, 100, 60, eth).buf
	g["pcap-v1.pcap"] = newPcap(le, magicMicro, 1, 0, 65535, 1).buf
	g["pcap-v3.pcap"] = newPcap(le, magicMicro, 3, 0, 65535, 1).buf
	g["pcap-v544.pcap"] = newPcap(le, magicMicro, 543, 1, 65535, 1).buf
	// Truncations.
	full := newPcap(le, magicMicro, 2, 4, 65535, 1).pkt(1, 2, eth).buf
	g["trunc-empty.pcap"] = nil
	g["trunc-magic.pcap"] = full[:3]
	g["trunc-filehdr.pcap"] = full[:10]
	g["trunc-rechdr.pcap"] = full[:24+7]
	g["trunc-data.pcap"] = full[:24+16+20]
	g["unknown-format.pcap"] = []byte("hello, world, this is not a capture")
	// caplen above the snapshot length: trimmed, or errors.
	g["caplen-over-snap.pcap"] = newPcap(le, magicMicro, 2, 4, 40, 1).pkt(1, 2, eth).pkt(2, 3, big).buf
	g["caplen-over-snap-trunc.pcap"] = newPcap(le, magicMicro, 2, 4, 40, 1).pkt(1, 2, big).buf[:24+16+100]
	g["caplen-over-snap-trunc2.pcap"] = newPcap(le, magicMicro, 2, 4, 40, 1).pkt(1, 2, big).buf[:24+16+30]
	g["caplen-over-max.pcap"] = newPcap(le, magicMicro, 2, 4, 65535, 1).rec(1, 2, 300000, 300000, eth).buf
	g["caplen-over-max2.pcap"] = newPcap(le, magicMicro, 2, 4, 400000, 1).rec(1, 2, 300000, 300000, eth).buf
	g["dbus-big.pcap"] = newPcap(le, magicMicro, 2, 4, 0, 231).pkt(1, 2, payload(300000, 3)).buf
	g["snap0.pcap"] = newPcap(be, magicMicro, 2, 4, 0, 101).pkt(1, 2, eth).buf
	g["fcs-bits.pcap"] = newPcap(le, magicMicro, 2, 4, 65535, 0x14000001).pkt(1, 2, eth).buf
	g["neg-ts.pcap"] = newPcap(le, magicMicro, 2, 4, 65535, 1).pkt(0xFFFFFFF0, 0xFFFFFFFF, eth).buf
	g["neg-ts-nano.pcap"] = newPcap(be, magicNano, 2, 4, 65535, 1).pkt(0x80000000, 0xFFFFF000, eth).buf

	// Pseudo-headers of the other byte order.
	nflog := []byte{2, 0, 0, 1}
	for _, tlv := range [][]byte{{8, 0, 1, 0, 0, 0, 0, 0}, {5, 0, 10, 0, 1, 2, 3, 4, 5, 0, 0, 0}, {6, 0, 2, 0, 9, 9}} {
		nflog = append(nflog, tlv...)
	}
	g["nflog-be.pcap"] = newPcap(be, magicMicro, 2, 4, 65535, 239).pkt(1, 2, nflog).buf
	sll := append([]byte{0, 0, 1, 0x18, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0, 0x0C}, 0x12, 0x34, 0x56, 0x78, 8, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8)
	g["sll-can-be.pcap"] = newPcap(be, magicMicro, 2, 4, 65535, 113).pkt(1, 2, sll).buf
	sll2 := append([]byte{0, 0x0D, 0, 0, 0, 0, 0, 3, 1, 0x18, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0}, 0x12, 0x34, 0x56, 0x78, 8, 0, 0, 0)
	g["sll2-canfd-be.pcap"] = newPcap(be, magicMicro, 2, 4, 65535, 276).pkt(1, 2, sll2).buf
	pflog := payload(80, 4)
	pflog[0] = 61
	g["pflog-be.pcap"] = newPcap(be, magicMicro, 2, 4, 65535, 117).pkt(1, 2, pflog).pkt(1, 3, pflog[:50]).buf
	pflog2 := append([]byte(nil), pflog...)
	pflog2[0] = 52
	g["pflog-short-be.pcap"] = newPcap(be, magicMicro, 2, 4, 65535, 117).pkt(1, 2, pflog2).buf
	descs := [][2]uint32{{0, 100}, {100, 0}, {200, 50}}
	usbBE := usbMmapped(be, 'C', 3, 1000, descs, 40)
	usbLE := usbMmapped(le, 'C', 3, 1000, descs, 40)
	wire := uint32(64 + 3*16 + 1000)
	g["usbmm-be.pcap"] = newPcap(be, magicMicro, 2, 4, 65535, 220).rec(1, 2, uint32(len(usbBE)), wire, usbBE).pkt(3, 4, usbBE[:50]).buf
	g["usbmm-le.pcap"] = newPcap(le, magicMicro, 2, 4, 65535, 220).rec(1, 2, uint32(len(usbLE)), wire, usbLE).rec(1, 3, uint32(len(usbLE)), wire+1, usbLE).buf
	usb48 := usbMmapped(be, 'S', 0, 10, nil, 0)[:48]
	g["usb-be.pcap"] = newPcap(be, magicMicro, 2, 4, 65535, 189).pkt(1, 2, usb48).pkt(1, 2, usb48[:20]).buf
	g["usbmm-be-ng.pcapng"] = newNg(be).shb(1, 0).idb(220, 0).epb(0, 5, uint32(len(usbBE)), wire, usbBE).buf

	// pcapng.
	for _, o := range []struct {
		name string
		bo   order
	}{{"le", le}, {"be", be}} {
		n := newNg(o.bo)
		g["ng-basic-"+o.name+".pcapng"] = n.shb(1, 0).idb(1, 0).
			epb(0, 1700000000123456, 60, 60, eth).spb(1500, big).pb(0, 1700000000999999, eth).
			block(0x0BAD, []byte{1, 2, 3, 4}).buf
		n = newNg(o.bo)
		g["ng-tsresol-"+o.name+".pcapng"] = n.shb(1, 0).
			idb(1, 65535, n.opt(9, []byte{0x80 | 10}), n.opt(0, nil)).
			idb(1, 65535, n.opt(9, []byte{9}), n.opt(14, o.bo.AppendUint64(nil, 1000))).
			idb(1, 65535, n.opt(9, []byte{3})).
			idb(1, 65535, n.opt(9, []byte{0x80 | 40})).
			idb(1, 65535, n.opt(9, []byte{0})).
			idb(1, 65535, n.opt(14, o.bo.AppendUint64(nil, ^uint64(99)))).
			epb(0, 1700000000*1024+1023, 60, 60, eth).
			epb(1, 1700000000123456789, 60, 60, eth).
			epb(2, 1700000000123, 60, 60, eth).
			epb(3, 1700000<<40|0xFFFFFFFFFF, 60, 60, eth).
			epb(4, 1700000000, 60, 60, eth).
			epb(5, 1700000000654321, 60, 60, eth).buf
	}
	n := newNg(le)
	g["ng-two-sections.pcapng"] = n.shb(1, 0).idb(1, 0).epb(0, 1, 60, 60, eth).
		shb(1, 2).idb(1, 0, n.opt(9, []byte{9})).epb(0, 2000000001, 60, 60, eth).buf
	g["ng-two-sections-noidb.pcapng"] = newNg(le).shb(1, 0).idb(1, 0).epb(0, 1, 60, 60, eth).
		shb(1, 0).epb(0, 2, 60, 60, eth).buf
	g["ng-sections-mixed-order.pcapng"] = append(newNg(le).shb(1, 0).idb(1, 0).epb(0, 1, 60, 60, eth).buf,
		newNg(be).shb(1, 0).idb(1, 0).epb(0, 2, 60, 60, eth).buf...)
	g["ng-sections-order-change.pcapng"] = append(newNg(le).shb(1, 0).idb(1, 0).epb(0, 1, 60, 60, eth).buf, beSHB256()...)
	g["ng-section-v2.pcapng"] = newNg(le).shb(1, 0).idb(1, 0).epb(0, 1, 60, 60, eth).shb(2, 0).buf
	g["ng-v12.pcapng"] = newNg(le).shb(1, 2).idb(1, 0).epb(0, 1, 60, 60, eth).buf
	g["ng-v11.pcapng"] = newNg(le).shb(1, 1).idb(1, 0).buf
	g["ng-v20.pcapng"] = newNg(be).shb(2, 0).idb(1, 0).buf
	g["ng-no-idb.pcapng"] = newNg(le).shb(1, 0).block(0x0BAD, nil).buf
	g["ng-packet-first.pcapng"] = newNg(le).shb(1, 0).epb(0, 1, 60, 60, eth).buf
	g["ng-bad-iface.pcapng"] = newNg(le).shb(1, 0).idb(1, 0).epb(1, 1, 60, 60, eth).buf
	g["ng-diff-type.pcapng"] = newNg(le).shb(1, 0).idb(101, 0).epb(0, 1, 60, 60, eth).idb(101, 0).buf
	g["ng-diff-snap.pcapng"] = newNg(le).shb(1, 0).idb(1, 0).idb(1, 262144).idb(1, 100).buf
	g["ng-caplen-over-snap.pcapng"] = newNg(le).shb(1, 0).idb(1, 50).epb(0, 1, 60, 60, eth).buf
	g["ng-caplen-over-block.pcapng"] = newNg(le).shb(1, 0).idb(1, 0).epb(0, 1, 200, 200, eth).buf
	g["ng-spb-snap.pcapng"] = newNg(be).shb(1, 0).idb(1, 40).spb(60, eth[:40]).spb(60, eth[:20]).buf
	g["ng-spb-no-iface.pcapng"] = newNg(le).shb(1, 0).idb(1, 0).shb(1, 0).spb(60, eth).buf
	n = newNg(le)
	g["ng-opt-errors1.pcapng"] = newNg(le).shb(1, 0).idb(1, 0, n.opt(9, []byte{1, 2})).buf
	g["ng-opt-errors2.pcapng"] = newNg(le).shb(1, 0).idb(1, 0, n.opt(9, []byte{6}), n.opt(9, []byte{6})).buf
	g["ng-opt-errors3.pcapng"] = newNg(le).shb(1, 0).idb(1, 0, n.opt(9, []byte{20})).buf
	g["ng-opt-errors4.pcapng"] = newNg(le).shb(1, 0).idb(1, 0, n.opt(9, []byte{0x80 | 64})).buf
	g["ng-opt-errors5.pcapng"] = newNg(le).shb(1, 0).idb(1, 0, n.opt(14, []byte{1})).buf
	g["ng-opt-errors6.pcapng"] = newNg(le).shb(1, 0).idb(1, 0, n.opt(0, []byte{1})).buf
	g["ng-opt-errors7.pcapng"] = newNg(le).shb(1, 0).idb(1, 0, []byte{9, 0, 200, 0}).buf
	g["ng-opt-errors8.pcapng"] = newNg(le).shb(1, 0).idb(1, 0, n.opt(14, make([]byte, 8)), n.opt(14, make([]byte, 8))).buf
	g["ng-opt-later.pcapng"] = newNg(le).shb(1, 0).idb(1, 0).epb(0, 1, 60, 60, eth).idb(1, 0, n.opt(9, []byte{1, 2})).buf
	g["ng-idb-short.pcapng"] = newNg(le).shb(1, 0).block(btIDB, []byte{1, 0}).buf
	g["ng-epb-short.pcapng"] = newNg(le).shb(1, 0).idb(1, 0).block(btEPB, make([]byte, 12)).buf
	g["ng-shb-short.pcapng"] = newNg(le).shb(1, 0).idb(1, 0).block(btSHB, make([]byte, 8)).buf
	g["ng-shb-badmagic.pcapng"] = newNg(le).shb(1, 0).idb(1, 0).block(btSHB, make([]byte, 16)).buf
	shbOnly := newNg(le).shb(1, 0).buf
	g["ng-shb-len-small.pcapng"] = append(append([]byte{}, shbOnly[:4]...), append([]byte{20, 0, 0, 0}, shbOnly[8:]...)...)
	g["ng-shb-len-huge.pcapng"] = append(append([]byte{}, shbOnly[:4]...), append([]byte{0, 0, 0x20, 0}, shbOnly[8:]...)...)
	g["ng-shb-trunc.pcapng"] = shbOnly[:20]
	g["ng-shb-trunc2.pcapng"] = shbOnly[:10]
	g["ng-shb-badbom.pcapng"] = append(append([]byte{}, shbOnly[:8]...), make([]byte, 20)...)
	whole := newNg(le).shb(1, 0).idb(1, 0).epb(0, 1, 60, 60, eth).buf
	g["ng-trunc-blockhdr.pcapng"] = whole[:len(whole)-len(eth)-32-8+5]
	g["ng-trunc-block.pcapng"] = whole[:len(whole)-10]
	bad := append([]byte{}, whole...)
	bad[len(bad)-1] = 1
	g["ng-trailer-mismatch.pcapng"] = bad
	g["ng-len-small.pcapng"] = newNg(le).shb(1, 0).idb(1, 0).raw([]byte{6, 0, 0, 0, 8, 0, 0, 0}).buf
	g["ng-len-odd.pcapng"] = newNg(le).shb(1, 0).idb(1, 0).raw([]byte{6, 0, 0, 0, 14, 0, 0, 0}).buf
	g["ng-len-huge.pcapng"] = newNg(le).shb(1, 0).idb(1, 0).raw([]byte{6, 0, 0, 0, 0, 0, 0, 2}).buf
	g["ng-dbus.pcapng"] = newNg(le).shb(1, 0).idb(231, 0).raw([]byte{6, 0, 0, 0, 0, 0, 0, 2}).buf
	g["ng-big-packet.pcapng"] = newNg(be).shb(1, 0).idb(1, 0).epb(0, 1, 200000, 200000, payload(200000, 5)).buf
	for _, lt := range []int{0, 100, 101, 102, 103, 106, 231, 249, 279, 300} {
		g[fmt.Sprintf("ng-lt-%d.pcapng", lt)] = newNg(le).shb(1, 0).idb(uint16(lt), 0).buf
	}
	return g
}
