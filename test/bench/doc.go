// Package bench holds benchmarks that run the same C host program against
// our library and the system libpcap in one run, interleaved (A B A B ...),
// and report both figures and their ratio. Run with `make bench`.
package bench
