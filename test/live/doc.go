// Package live tests live AF_PACKET capture differentially: every test
// creates its own network namespace with a veth pair (removed on cleanup,
// also on failure), sends a bounded number of known frames that stay inside
// that namespace, and runs the stock tcpdump (or a small C program) once
// with the system libpcap and once with ours, requiring the same standard
// output, standard error and exit status. Time stamps are left out (-t).
//
// The benchmarks (bench_test.go, run by make bench) use the same harness:
// tcpdump -w on a veth pair, fed by a paced sender (testdata/pace.c) to find
// the highest loss-free rate and the CPU per packet, or by a burst
// (testdata/burst.c) to count drops, both libraries interleaved.
//
// The tests need root and `ip netns`; without them they skip, saying why.
// Run `make` first: go test ./test/live
package live
