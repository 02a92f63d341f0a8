// Package live is the Linux AF_PACKET capture source: a TPACKET_V3 ring
// (TPACKET_V2 in immediate mode) mapped into the process, configured the
// way libpcap 1.10.3 configures it (socket opened with protocol 0, bound
// once early, ring set up, then bound with ETH_P_ALL), so that hosts see
// the same link types, snapshot lengths, statistics and error codes.
//
// Division of labour with the C front library (shim/live.c, shim/loop.c):
//
//   - Open runs synchronously on the host's thread at pcap_activate: every
//     privileged syscall happens there, never on a goroutine.
//   - Fill never blocks. It hands back ring blocks (V2: frames) the
//     previous batch used (release store of TP_STATUS_KERNEL), then walks
//     the blocks the kernel has retired (acquire load of the block status)
//     and describes their packets in the caller's batch, pointing into the
//     ring: no copy.
//   - Waiting (poll on the socket and the breakloop eventfd), statistics,
//     injection and non-blocking mode live in C, where a host's signal
//     handler can reach them safely.
//
// Packets are edited in place in the ring, as libpcap does: cooked
// (LINUX_SLL / LINUX_SLL2) headers are written in front of the payload here;
// the rest of libpcap's per-packet work is the C loop's (shim/loop.c), from
// each packet's Aux: the userspace filter, run with the VLAN metadata on the
// packet as the kernel gave it, then the re-insertion of a VLAN tag the
// kernel stripped (after the MAC addresses for EN10MB, the first 14 bytes of
// the SLL header for LINUX_SLL; PACKET_RESERVE leaves the room), then the
// snapshot trim.
//
// Filters: pcap_setfilter attaches the program to the socket (shim/live.c,
// as libpcap's pcap_setfilter_linux, cooked offsets rewritten). While a
// kernel filter is attached the userspace filter runs only on packets the
// kernel filter did not see: FilterChanged counts, as libpcap does, the
// ring blocks that were in use when it was attached, and Fill marks their
// packets (Aux.UFilter). Without one (the kernel refused the program, or
// it reads cooked-header fields the kernel cannot give) every packet is
// filtered in userspace. pcap_compile on a live handle uses the compiler's
// Linux extensions (VLAN, inbound/outbound, ifindex from the kernel's
// ancillary data) when SO_BPF_EXTENSIONS has the VLAN ones, as libpcap.
//
// Without a ring (the kernel refuses PACKET_VERSION or PACKET_RX_RING with
// ENOPROTOOPT, as qemu-user and gVisor do, or PCAPSHIM_AF_PACKET_MODE=
// recvmmsg) Fill reads the socket with recvmmsg into buffers outside the Go
// heap and describes each packet as a ring frame would be (mmsg.go); libpcap
// 1.10 fails to activate there. The C wait then buffers as the ring's
// block timer would: packets that arrive while the reader waits are held
// for the pcap timeout or until a block's worth is queued.
//
// Immediate mode (and a kernel without TPACKET_V3, which libpcap detects
// with PACKET_HDRLEN) uses a TPACKET_V2 ring instead, as libpcap 1.10.3
// does (ringv2.go): one packet per frame, so the kernel wakes poll per
// packet with no block-retire timer; the frame size, hence pcap_bufsize,
// and the frame count are computed as libpcap computes them. Fill treats
// each frame as a block of one packet: acquire load of tp_status, hand-back
// (release store of TP_STATUS_KERNEL) when the batch that points into it is
// used up, and FilterChanged counts frames, as libpcap's
// blocks_to_filter_in_userland does for V2.
package live
