// Package exanic captures from ExaNIC cards by kernel bypass, and simulates
// a card for tests.
//
// The card writes received frames into a 2 MiB DMA ring per port (16384
// chunks of 128 bytes: 120 payload bytes and an 8-byte info word carrying a
// timestamp, status, length and a lap "generation"). The ring is mapped
// read-only from /dev/exanicN; nothing tells user space that data arrived,
// so a reader polls. Facts used here are in ../../shared/specs/exanic-abi.md;
// no libexanic code is used or linked (it does not build on arm64).
//
// Pieces:
//
//   - abi.go: ioctl numbers, mmap offsets, register indexes, struct
//     encodings (INFO_EX2, exaioc_ifinfo, ethtool_drvinfo), byte exact.
//   - backend.go, real.go, sim.go: the device layer (open, ioctl, mmap,
//     interface lookups) behind Backend. The real one talks to the driver;
//     the simulated one (PCAPSHIM_EXANIC_SIM=<dir>) serves the same ABI
//     from a directory holding a backing file per card, laid out at the
//     card's real mmap offsets, so the reader code runs unchanged.
//   - simcard.go: the simulated card's writer: DMA chunk layout,
//     generations, lapping, bad frames, clock registers, port registers.
//   - ring.go, catchup.go: the DMA ring reader: acquire loads of the info
//     word, reassembly of frames longer than 120 bytes, the post-copy
//     sentinel re-check (a frame overwritten while being copied is never
//     delivered), lapping detection and libexanic's catch-up.
//   - uring.go: the large user-space ring (anonymous mmap, not Go heap) the
//     reader drains the DMA ring into and Fill hands out descriptors from.
//   - clock.go: chunk timestamp expansion against the card's clock.
//   - discover.go: port enumeration, name resolution (Linux interface name
//     or exanicN:P), descriptions and TCPDUMP_DEBUG lines.
//   - source.go, reader.go: the capture source behind core.Source, with its
//     dedicated reader goroutine (own OS thread, async signals blocked)
//     and the eventfd it signals when the consumer waits.
package exanic
