package core

import "unsafe"

// Packet mirrors the C struct shim_pkt: struct pcap_pkthdr (a timeval, caplen,
// len) followed by a pointer to the captured bytes. 32 bytes on LP64 (amd64,
// arm64); TestPacketLayout and the bridge's static check keep the two equal.
type Packet struct {
	Sec    int64   // ts.tv_sec
	Frac   int64   // ts.tv_usec: micro- or nanoseconds, per the handle's precision
	Caplen uint32  // bytes at Data
	Len    uint32  // length on the wire
	Data   uintptr // first byte; memory not managed by the Go GC
}

// PacketSize is the size C expects for one descriptor.
const PacketSize = unsafe.Sizeof(Packet{})

// Source is one open capture: a savefile, a live socket, an ExaNIC port.
type Source interface {
	// Fill writes up to len(batch) packets and returns how many. It returns
	// io.EOF (and 0) when a savefile is exhausted, ErrTimeout when a live
	// source has nothing within its timeout, and any other error with a
	// text fit for pcap_geterr. Data written by one Fill stays valid until
	// the next Fill or Close.
	Fill(batch []Packet) (int, error)
	// Close releases everything the source holds.
	Close()
}
