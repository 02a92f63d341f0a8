package savefile

import "encoding/binary"

// Sizes and offsets in the pseudo-headers libpcap fixes up.
const (
	usbHdrMmappedLen = 64 // pcap_usb_header_mmapped
	usbIsoDescLen    = 16 // usb_isodesc
	usbIsochronous   = 0  // URB_ISOCHRONOUS
	usbComplete      = 'C'
	usbTransferIn    = 0x80
	sllHdrLen        = 16
	sll2HdrLen       = 20
	sllProtoCAN      = 0x000C
	sllProtoCANFD    = 0x000D
	nflogHdrLen      = 4
	nflogTLVLen      = 4
)

// postProcess does what libpcap does to every packet read from a savefile
// before the callback sees it: convert host-byte-order pseudo-header fields
// written by a host of the other byte order, then repair the on-the-wire
// length of old Linux USB isochronous captures.
func postProcess(dlt int, swapped bool, h *Header, data []byte) {
	if swapped {
		switch dlt {
		case dltPFLOG:
			swapPflog(h, data)
		case dltLinuxSLL:
			swapSLLCAN(h, data, sllHdrLen, 14)
		case dltLinuxSLL2:
			swapSLLCAN(h, data, sll2HdrLen, 0)
		case dltUSBLinux:
			swapUSB(data, false)
		case dltUSBLinuxMmapped:
			swapUSB(data, true)
		case dltNFLOG:
			swapNflog(h, data)
		}
	}
	if dlt == dltUSBLinuxMmapped && len(data) >= usbHdrMmappedLen {
		fixUSBLength(h, data)
	}
}

func swap16at(b []byte, off int) {
	b[off], b[off+1] = b[off+1], b[off]
}

func swap32at(b []byte, off int) {
	b[off], b[off+1], b[off+2], b[off+3] = b[off+3], b[off+2], b[off+1], b[off]
}

func swap64at(b []byte, off int) {
	for i := 0; i < 4; i++ {
		b[off+i], b[off+7-i] = b[off+7-i], b[off+i]
	}
}

// swapPflog swaps the uid, pid, rule_uid and rule_pid fields (offsets 44,
// 48, 52, 56) that fit in both the captured data and the header length byte.
func swapPflog(h *Header, data []byte) {
	if len(data) < 1 {
		return
	}
	hlen := uint32(data[0])
	for _, off := range []uint32{44, 48, 52, 56} {
		end := off + 4
		if h.Caplen < end || h.Len < end || hlen < end {
			return
		}
		swap32at(data, int(off))
	}
}

// swapSLLCAN swaps the CAN ID after a cooked header whose protocol field is
// at protoOff, when the protocol is CAN or CAN FD.
func swapSLLCAN(h *Header, data []byte, hdrLen, protoOff int) {
	if h.Caplen < uint32(hdrLen) || h.Len < uint32(hdrLen) {
		return
	}
	proto := binary.BigEndian.Uint16(data[protoOff:])
	if proto != sllProtoCAN && proto != sllProtoCANFD {
		return
	}
	if h.Caplen < uint32(hdrLen+4) || h.Len < uint32(hdrLen+4) {
		return
	}
	swap32at(data, hdrLen)
}

// swapUSB swaps the Linux USB pseudo-header fields that lie within the
// captured data; mmapped selects the 64-byte header with its isochronous
// descriptors.
func swapUSB(data []byte, mmapped bool) {
	caplen := len(data)
	type field struct{ off, size int }
	for _, fl := range []field{{0, 8}, {12, 2}, {16, 8}, {24, 4}, {28, 4}, {32, 4}, {36, 4}} {
		if caplen < fl.off+fl.size {
			return
		}
		swapField(data, fl.off, fl.size)
	}
	iso := data[9] == usbIsochronous
	if iso {
		for _, off := range []int{40, 44} {
			if caplen < off+4 {
				return
			}
			swap32at(data, off)
		}
	}
	if !mmapped {
		return
	}
	for _, off := range []int{48, 52, 56, 60} {
		if caplen < off+4 {
			return
		}
		swap32at(data, off)
	}
	if !iso {
		return
	}
	ndesc := native.Uint32(data[60:])
	off := usbHdrMmappedLen
	for i := uint32(0); i < ndesc; i++ {
		for k := 0; k < 3; k++ {
			if caplen < off+4 {
				return
			}
			swap32at(data, off)
			off += 4
		}
		off += 4 // padding
	}
}

func swapField(data []byte, off, size int) {
	switch size {
	case 2:
		swap16at(data, off)
	case 4:
		swap32at(data, off)
	case 8:
		swap64at(data, off)
	}
}

// swapNflog swaps the type and length of each whole TLV after the NFLOG
// header.
func swapNflog(h *Header, data []byte) {
	caplen, length := h.Caplen, h.Len
	if caplen < nflogHdrLen || length < nflogHdrLen || data[1] != 0 { // version
		return
	}
	caplen -= nflogHdrLen
	length -= nflogHdrLen
	p := nflogHdrLen
	for caplen >= nflogTLVLen {
		swap16at(data, p)
		swap16at(data, p+2)
		size := uint32(native.Uint16(data[p+2:]))
		if size%4 != 0 {
			size += 4 - size%4
		}
		if size < nflogTLVLen || caplen < size || length < size {
			return
		}
		caplen -= size
		length -= size
		p += int(size)
	}
}

// fixUSBLength recomputes the on-the-wire length of a completed incoming
// isochronous transfer whose length an old libpcap derived from the URB
// length.
func fixUSBLength(h *Header, data []byte) {
	dataFlag := data[15]
	ndesc := uint64(native.Uint32(data[60:]))
	urbLen := uint64(native.Uint32(data[32:]))
	if dataFlag != 0 || uint64(h.Len) != usbHdrMmappedLen+ndesc*usbIsoDescLen+urbLen {
		return
	}
	if data[9] != usbIsochronous || data[8] != usbComplete || data[10]&usbTransferIn == 0 {
		return
	}
	left := h.Caplen - usbHdrMmappedLen
	var dataLen uint32
	off := usbHdrMmappedLen
	for d := uint64(0); d < ndesc && left >= usbIsoDescLen; d++ {
		dlen := native.Uint32(data[off+8:])
		if dlen != 0 {
			if end := native.Uint32(data[off+4:]) + dlen; end > dataLen {
				dataLen = end
			}
		}
		left -= usbIsoDescLen
		off += usbIsoDescLen
	}
	total := uint32(usbHdrMmappedLen + ndesc*usbIsoDescLen + uint64(dataLen))
	if total >= h.Caplen {
		h.Len = total
	}
	if h.Caplen > h.Len {
		h.Len = h.Caplen
	}
}
