// Package bpf checks the front library's classic BPF (shim/bpf.c) against
// the system libpcap: one C driver (testdata/driver.c) is built twice, once linking
// shim/bpf.c and once linking -lpcap, and the two builds' outputs for
// bpf_image, bpf_dump, bpf_validate, bpf_filter and pcap_offline_filter are
// diffed line by line. BenchmarkFilter puts the two interpreters' ns/packet
// side by side.
package bpf
