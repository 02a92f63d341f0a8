// Package arm64 holds the arm64 checks that run on any host, and documents
// the ones that need the arm64 VM.
//
// `make test-arm64` (run.sh and init.sh here) boots Debian's arm64 kernel
// under qemu-system-aarch64 with Debian's arm64 tcpdump, libpcap, dpkg and
// busybox in an initramfs, installs the arm64 .deb from dist/ with dpkg -i
// there, and runs Debian's tcpdump through the pcapshim launcher and through
// Debian's libpcap: offline reads of corpus files, a live AF_PACKET capture on
// a veth pair (the peer in a second network namespace), SIGUSR1/SIGINT
// statistics, and the ExaNIC simulator once exanic/ is in the tree. The guest
// prints one CHECK line per check and a PCAPSHIM-ARM64-RESULT verdict on its
// serial console; run.sh fails unless it says PASS.
//
// `make bench-arm64` boots the same guest in bench mode (run.sh with
// ARM64_BENCH_DIR): BenchmarkArm64OfflineRead builds test/bench's read.c for
// arm64 and reports the guest's figures, Debian's arm64 libpcap vs ours; make
// bench adds them to BENCHMARKS.md, labelled emulated (qemu TCG).
//
// The Go test here keeps architecture-specific code out of the shared sources
// (TestNoArchSpecificCode), so that the arm64 build is the amd64 build's code.
package arm64
