// Package api tests the libpcap C API function by function, as the
// pcap(3PCAP) man pages specify it.
//
// Each area has a small C program in testdata/ that calls the API and prints
// one line per observation (return values, error texts, out-parameters,
// packet headers and hashes, hex dumps of written files), with nothing that
// depends on addresses, times or the scratch directory. The tests build each
// program once with -lpcap, run it against the system libpcap (the oracle)
// and against ours (LD_LIBRARY_PATH=<repo root>), and require identical
// stdout, stderr and exit status, printing a line diff otherwise.
//
// Two programs are special: filter.c compares what compiled programs
// accept rather than their code (TestFilterExpressions: the compiler
// follows libpcap master), and remote.c calls the remote-capture
// entry points that Debian's libpcap does not export, so it is linked
// against our library only and its output is checked against the documented
// "no remote support" behaviour (TestRemoteOursOnly).
package api
