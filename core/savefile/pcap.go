package savefile

import (
	"encoding/binary"
	"fmt"
	"github.com/pcapshim/pcapshim/core/tables"
)

// pcap magic numbers, as read in the file's byte order.
const (
	magicMicro     = 0xa1b2c3d4
	magicKuznetzov = 0xa1b2cd34
	magicNano      = 0xa1b23c4d
)

const (
	pcapFileHeaderLen = 24
	pcapRecordLen     = 16 // struct pcap_sf_pkthdr
	kuznetzovRecLen   = 24 // struct pcap_sf_patched_pkthdr
)

// How the caplen and len fields of a record are ordered.
const (
	lengthsNotSwapped = iota
	lengthsSwapped
	lengthsMaybeSwapped
)

// How record time stamps are scaled to the requested precision.
const (
	scaleNone = iota
	scaleUp   // micro file, nano wanted
	scaleDown // nano file, micro wanted
)

// pcapFormat is the state of a classic pcap file.
type pcapFormat struct {
	hdrLen  int
	lengths int
	scale   int
	maxSnap uint32
}

// openPcap recognises a pcap file header. It returns false, nil if magic is
// not a pcap magic number.
func (r *Reader) openPcap(magic []byte) (bool, error) {
	var bo binary.ByteOrder = binary.LittleEndian
	m := bo.Uint32(magic)
	if !isPcapMagic(m) {
		bo = binary.BigEndian
		m = bo.Uint32(magic)
		if !isPcapMagic(m) {
			return false, nil
		}
	}
	n, err := r.ensure(pcapFileHeaderLen)
	if err != nil {
		return true, err
	}
	if n < pcapFileHeaderLen {
		return true, fmt.Errorf("truncated dump file; tried to read %d file header bytes, only got %d", pcapFileHeaderLen, n-4)
	}
	hdr := r.buf[r.pos : r.pos+pcapFileHeaderLen]
	major := int(bo.Uint16(hdr[4:]))
	minor := int(bo.Uint16(hdr[6:]))
	snaplen := bo.Uint32(hdr[16:])
	lt := bo.Uint32(hdr[20:])
	if major < 2 {
		return true, fmt.Errorf("archaic pcap savefile format")
	}
	if !((major == 2 && minor <= 4) || (major == 543 && minor == 0)) {
		return true, fmt.Errorf("unsupported pcap savefile version %d.%d", major, minor)
	}
	r.pos += pcapFileHeaderLen
	r.bo = bo
	r.swapped = bo != nativeOrder()
	r.major, r.minor = major, minor
	r.linktype = tables.LinkTypeToDLT(int(lt & linktypeMask))
	r.ext = int(int32(lt & linktypeExtMask))
	r.snapshot = tables.SavefileSnapshot(r.linktype, snaplen)

	f := &pcapFormat{hdrLen: pcapRecordLen, maxSnap: maxSnaplenForDLT(r.linktype)}
	switch r.precision {
	case precisionMicro:
		if m == magicNano {
			f.scale = scaleDown
		}
	case precisionNano:
		if m != magicNano {
			f.scale = scaleUp
		}
	default:
		return true, fmt.Errorf("unknown time stamp resolution %d", uint32(r.precision))
	}
	switch {
	case major == 2 && minor < 3, major == 543:
		f.lengths = lengthsSwapped
	case major == 2 && minor == 3:
		f.lengths = lengthsMaybeSwapped
	}
	if m == magicKuznetzov {
		f.hdrLen = kuznetzovRecLen
		if r.linktype == dltEN10MB {
			if r.snapshot <= intMax-kuznetzovSnapshotPad {
				r.snapshot += kuznetzovSnapshotPad
			} else {
				r.snapshot = intMax
			}
		}
	}
	r.fmt = f
	return true, nil
}

func isPcapMagic(m uint32) bool {
	return m == magicMicro || m == magicKuznetzov || m == magicNano
}

// next reads one record, as libpcap's pcap_next_packet does.
func (f *pcapFormat) next(r *Reader) (Header, []byte, error) {
	var h Header
	data, err := f.read(r, &h)
	return h, data, err
}

func (f *pcapFormat) read(r *Reader, h *Header) ([]byte, error) {
	n, err := r.ensure(f.hdrLen)
	if err != nil {
		return nil, err
	}
	if n < f.hdrLen {
		if n == 0 {
			return nil, errEOF
		}
		r.consumeAll()
		return nil, fmt.Errorf("truncated dump file; tried to read %d header bytes, only got %d", f.hdrLen, n)
	}
	rec := r.buf[r.pos : r.pos+f.hdrLen]
	bo := r.bo
	// libpcap sign-extends the 32-bit fields of a file in host byte order
	// but zero-extends them after swapping a file of the other order.
	if r.swapped {
		h.Sec = int64(bo.Uint32(rec[0:]))
		h.Frac = int64(bo.Uint32(rec[4:]))
	} else {
		h.Sec = int64(int32(bo.Uint32(rec[0:])))
		h.Frac = int64(int32(bo.Uint32(rec[4:])))
	}
	h.Caplen = bo.Uint32(rec[8:])
	h.Len = bo.Uint32(rec[12:])
	switch f.scale {
	case scaleUp:
		h.Frac *= 1000
	case scaleDown:
		h.Frac /= 1000
	}
	switch f.lengths {
	case lengthsMaybeSwapped:
		if h.Caplen <= h.Len {
			break
		}
		fallthrough
	case lengthsSwapped:
		h.Caplen, h.Len = h.Len, h.Caplen
	}
	if h.Caplen > f.maxSnap {
		// libpcap has read the record header and nothing more.
		r.pos += f.hdrLen
		if h.Caplen > uint32(r.snapshot) {
			return nil, fmt.Errorf("invalid packet capture length %d, bigger than snaplen of %d", h.Caplen, r.snapshot)
		}
		return nil, fmt.Errorf("invalid packet capture length %d, bigger than maximum of %d", h.Caplen, f.maxSnap)
	}
	if h.Caplen > uint32(r.snapshot) {
		return f.nextTrimmed(r, h)
	}
	need := f.hdrLen + int(h.Caplen)
	if n, err = r.ensure(need); err != nil {
		return nil, err
	}
	if n < need {
		r.consumeAll()
		return nil, fmt.Errorf("truncated dump file; tried to read %d captured bytes, only got %d", h.Caplen, n-f.hdrLen)
	}
	data := r.buf[r.pos+f.hdrLen : r.pos+need : r.pos+need]
	r.pos += need
	postProcess(r.linktype, r.swapped, h, data)
	return data, nil
}

// nextTrimmed handles a record longer than the snapshot length: libpcap
// keeps the first snapshot bytes, discards the rest and reports caplen as
// the snapshot length.
func (f *pcapFormat) nextTrimmed(r *Reader, h *Header) ([]byte, error) {
	snap := r.snapshot
	need := f.hdrLen + snap
	n, err := r.ensure(need)
	if err != nil {
		return nil, err
	}
	if n < need {
		r.consumeAll()
		return nil, fmt.Errorf("truncated dump file; tried to read %d captured bytes, only got %d", snap, n-f.hdrLen)
	}
	data := r.buf[r.pos+f.hdrLen : r.pos+need : r.pos+need]
	r.pos += need
	rest := int(h.Caplen) - snap
	got, err := r.discard(rest)
	if err != nil {
		return nil, err
	}
	if got < rest {
		return nil, fmt.Errorf("truncated dump file; tried to read %d captured bytes, only got %d", h.Caplen, snap+got)
	}
	h.Caplen = uint32(snap)
	postProcess(r.linktype, r.swapped, h, data)
	return data, nil
}
