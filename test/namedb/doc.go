// Package namedb tests the front library's name-database functions
// (shim/namedb.c: pcap_nametoaddr … pcap_next_etherent, eproto_db) and
// shim/strings.c (pcap_strerror, pcap_version).
//
// testdata/driver.c calls every function on many inputs and prints one line per
// call. It is built against our two C files directly, against the system
// libpcap 1.10.3 (the oracle), and — once `make` has built it — against
// our libpcap.so.0.8; the outputs must be identical. The conformance
// vectors' pcap_ether_aton / pcap_nametoeproto / pcap_nametollc cases are
// checked against their expected text (libpcap master's behaviour).
package namedb
