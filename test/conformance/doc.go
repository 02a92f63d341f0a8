// Package conformance scores the library against libpcap master's filter
// test cases (shared/conformance/libpcap-filter-vectors.json) through the
// public C ABI only: a small C driver (testdata/driver.c) calls
// pcap_open_dead/pcap_open_offline, pcap_compile, bpf_image,
// pcap_offline_filter, pcap_ether_aton, pcap_nametoeproto and
// pcap_nametollc, and the same driver binary runs against our library and
// against the system libpcap in the same test, so the system's scores
// validate the runner.
//
// Scores: apply (per-packet verdicts identical), accept (compiled,
// semantically equal to the expected program, bytecode-identical), reject
// (rejected, with the expected text contained in the error), other (the
// cases naming a public function). Run with
//
//	go test ./test/conformance -v
//
// after `make`. Failures of our library are written to
// /tmp/conformance-failures-<kind>.txt.
package conformance
