// Package tables holds the read-only lookup tables of libpcap 1.10.3 that do
// not depend on a capture: link-layer header type (DLT_) names and
// descriptions, time stamp type names and descriptions, the status codes
// (their texts live in the C front library, shim/tables.c), the mapping between the LINKTYPE_ values stored
// in savefiles and the DLT_ values handed to callers, and the largest
// snapshot length libpcap allows for each link-layer type.
//
// Every answer is meant to be byte-for-byte what the installed libpcap
// 1.10.3 returns for the same question; the tests check that against the
// system library. The tables are package-level values that nothing writes
// to after initialisation.
//
// The DLT_ values are the ones Linux uses (DLT_RAW is 12, DLT_LOOP is 108,
// and so on), as libpcap built for Linux reports them.
package tables
