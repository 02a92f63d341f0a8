// Package live is the Linux AF_PACKET capture source: a TPACKET_V3 ring
// mapped into the process, configured the way libpcap 1.10.3 configures it
// (socket opened with protocol 0, bound once early, ring set up, then bound
// with ETH_P_ALL), so that hosts see the same link types, snapshot lengths,
// statistics and error codes.
//
// Division of labour with the C front library (shim/live.c, shim/loop.c):
//
//   - Open runs synchronously on the host's thread at pcap_activate: every
//     privileged syscall happens there, never on a goroutine.
//   - Fill never blocks. It hands back ring blocks the previous batch used
//     (release store of TP_STATUS_KERNEL), then walks the blocks the kernel
//     has retired (acquire load of the block status) and describes their
//     packets in the caller's batch, pointing into the ring: no copy.
//   - Waiting (poll on the socket and the breakloop eventfd), statistics,
//     injection and non-blocking mode live in C, where a host's signal
//     handler can reach them safely.
//
// Packets are edited in place in the ring, as libpcap does: cooked
// (LINUX_SLL / LINUX_SLL2) headers are written in front of the payload, and
// VLAN tags the kernel stripped are re-inserted after the MAC addresses
// (EN10MB) or the first 14 bytes of the SLL header; PACKET_RESERVE leaves the
// room for both.
//
// Deviation from libpcap 1.10.3: immediate mode keeps TPACKET_V3 with a 1 ms
// block-retire timeout instead of switching to TPACKET_V2; what hosts see is
// the same apart from up to one timer tick of latency.
package live
