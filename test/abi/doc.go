// Package abi holds the tests that pcapshim is binary- and
// source-compatible with libpcap 1.10: our headers (include/) against the
// installed libpcap headers (names, values, prototypes, structure layouts),
// the linker version script, the symbols and SONAME of the built front
// library and Go backend, and the installed libpcap clients linking
// against our library.
//
// The header and version-script tests need only gcc (and g++ for the C++
// checks) and the system libpcap headers; the library tests need `make`.
package abi
