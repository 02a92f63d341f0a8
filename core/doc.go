// Package core is the device-agnostic heart of pcapshim: the Source
// interface every capture source implements, the Packet descriptor the C
// front library walks, and the table of open handles.
//
// Sources fill batches of Packet descriptors that live in C memory; the
// packet bytes they point to must live in memory the Go garbage collector
// does not manage (C memory, or a mapped ring), because C keeps the pointers
// after the fill returns.
package core
