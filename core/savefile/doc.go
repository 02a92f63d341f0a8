// Package savefile reads pcap and pcapng capture files exactly as libpcap
// 1.10.3 does: the same header values (pcap_datalink, pcap_datalink_ext,
// pcap_snapshot, pcap_is_swapped, the version), the same packet headers and
// bytes handed to a pcap_loop callback (time stamp scaling, caplen
// adjustments, pseudo-header byte swapping), and the same error texts.
//
// It is pure Go. Packet data lives in a buffer obtained from a Mem, so the
// cgo bridge can hand C memory to hosts; Next returns slices aliasing that
// buffer and never allocates per packet. The buffer is only moved or grown
// between batches (see StartBatch and ErrBatchFull).
package savefile
