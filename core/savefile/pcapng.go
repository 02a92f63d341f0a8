package savefile

import (
	"encoding/binary"
	"fmt"
	"github.com/pcapshim/pcapshim/core/tables"
)

// pcapng block types.
const (
	btSHB = 0x0A0D0D0A
	btIDB = 0x00000001
	btPB  = 0x00000002
	btSPB = 0x00000003
	btEPB = 0x00000006
)

const (
	byteOrderMagic    = 0x1A2B3C4D
	shbMinLen         = 28 // block header + fixed SHB part + trailer
	shbInsaneMax      = 1024 * 1024
	initialMaxBlock   = 16 * 1024 * 1024
	blockOverhead     = 12     // block header + trailer
	epbFixedLen       = 20     // fixed part of an EPB (and of a PB)
	maxBlockOptionLen = 131072 // option room libpcap allows beside max snaplen
	optEndOfOpt       = 0
	optIfTsresol      = 9
	optIfTsoffset     = 14
	resolMicro        = 1000000
	resolNano         = 1000000000
)

// Time stamp scaling for one interface.
const (
	ngPass = iota
	ngUpDec
	ngDownDec
	ngUpBin
	ngDownBin
)

type ngIface struct {
	tsresol  uint64
	factor   uint64
	tsoffset uint64
	scale    int
}

// pcapngFormat is the state of a pcapng file.
type pcapngFormat struct {
	userRes  uint64
	maxBlock uint32
	ifaces   []ngIface // the current section's interfaces
}

// block is one pcapng block held in the buffer.
type block struct {
	typ    uint32
	length int    // total length
	body   []byte // between the block header and the trailer
}

// openPcapng recognises a pcapng Section Header Block and reads up to the
// first Interface Description Block. It returns false, nil for input that is
// not pcapng.
func (r *Reader) openPcapng(magic []byte) (bool, error) {
	if binary.LittleEndian.Uint32(magic) != btSHB {
		return false, nil
	}
	n, err := r.ensure(12)
	if err != nil {
		return true, err
	}
	if n < 12 {
		return false, nil
	}
	head := r.buf[r.pos : r.pos+12]
	var bo binary.ByteOrder = binary.LittleEndian
	if bo.Uint32(head[8:]) != byteOrderMagic {
		bo = binary.BigEndian
		if bo.Uint32(head[8:]) != byteOrderMagic {
			return false, nil
		}
	}
	total := bo.Uint32(head[4:])
	if total < shbMinLen || total > shbInsaneMax {
		return true, fmt.Errorf("Section Header Block in pcapng dump file has invalid length %d < _%d_ < %d (BT_SHB_INSANE_MAX)", shbMinLen, total, shbInsaneMax)
	}
	r.bo = bo
	r.swapped = bo != nativeOrder()
	f := &pcapngFormat{maxBlock: initialMaxBlock}
	switch r.precision {
	case precisionMicro:
		f.userRes = resolMicro
	case precisionNano:
		f.userRes = resolNano
	default:
		return true, fmt.Errorf("unknown time stamp resolution %d", uint32(r.precision))
	}
	if n, err = r.ensure(int(total)); err != nil {
		return true, err
	}
	if n < int(total) {
		return true, fmt.Errorf("truncated pcapng dump file; tried to read %d bytes, only got %d", total-12, n-12)
	}
	shb := r.buf[r.pos : r.pos+int(total)]
	major, minor := int(bo.Uint16(shb[12:])), int(bo.Uint16(shb[14:]))
	if !(major == 1 && (minor == 0 || minor == 2)) {
		return true, fmt.Errorf("unsupported pcapng savefile version %d.%d", major, minor)
	}
	r.major, r.minor = major, minor
	r.pos += int(total)
	for {
		b, err := f.readBlock(r)
		if err != nil {
			if err == errEOF {
				err = fmt.Errorf("the capture file has no Interface Description Blocks")
			}
			return true, err
		}
		switch b.typ {
		case btIDB:
			if len(b.body) < 8 {
				return true, tooShort(b.typ)
			}
			lt := int(bo.Uint16(b.body[0:]))
			snaplen := bo.Uint32(b.body[4:])
			if err := f.addInterface(r, b.body[8:]); err != nil {
				return true, err
			}
			r.pos += b.length
			r.linktype = tables.LinkTypeToDLT(lt)
			r.snapshot = tables.SavefileSnapshot(r.linktype, snaplen)
			r.ext = 0
			if m := uint64(blockOverhead+epbFixedLen+maxBlockOptionLen) + uint64(maxSnaplenForDLT(r.linktype)); m > uint64(f.maxBlock) {
				f.maxBlock = uint32(m)
			}
			r.fmt = f
			return true, nil
		case btEPB, btSPB, btPB:
			return true, fmt.Errorf("the capture file has a packet block before any Interface Description Blocks")
		}
		r.pos += b.length
	}
}

func tooShort(typ uint32) error {
	return fmt.Errorf("block of type %d in pcapng dump file is too short", typ)
}

// readBlock makes the next whole block available at buf[pos:] without
// consuming it. It returns errEOF at a clean end of file. When the block is
// bad it consumes what libpcap's read_block has read before failing.
func (f *pcapngFormat) readBlock(r *Reader) (block, error) {
	n, err := r.ensure(8)
	if err != nil {
		return block{}, err
	}
	if n < 8 {
		if n == 0 {
			return block{}, errEOF
		}
		r.consumeAll()
		return block{}, fmt.Errorf("truncated pcapng dump file; tried to read 8 bytes, only got %d", n)
	}
	bo := r.bo
	typ := bo.Uint32(r.buf[r.pos:])
	total := bo.Uint32(r.buf[r.pos+4:])
	if total < blockOverhead || total%4 != 0 || total > f.maxBlock {
		// libpcap has read the block header and nothing more.
		r.pos += 8
	}
	if total < blockOverhead {
		return block{}, fmt.Errorf("block in pcapng dump file has a length of %d < %d", total, blockOverhead)
	}
	if total%4 != 0 {
		return block{}, fmt.Errorf("block in pcapng dump file has a length of %d that is not a multiple of 4", total)
	}
	if total > f.maxBlock {
		return block{}, fmt.Errorf("pcapng block size %d > maximum %d", total, f.maxBlock)
	}
	length := int(total)
	if n, err = r.ensure(length); err != nil {
		return block{}, err
	}
	if n < length {
		r.consumeAll()
		return block{}, fmt.Errorf("truncated pcapng dump file; tried to read %d bytes, only got %d", length-8, n-8)
	}
	b := r.buf[r.pos : r.pos+length : r.pos+length]
	if bo.Uint32(b[length-4:]) != total {
		r.pos += length
		return block{}, fmt.Errorf("block total length in header and trailer don't match")
	}
	return block{typ: typ, length: length, body: b[8 : length-4]}, nil
}

// addInterface records an Interface Description Block whose options are
// opts.
func (f *pcapngFormat) addInterface(r *Reader, opts []byte) error {
	res, off, binaryRes, err := idbOptions(r.bo, opts)
	if err != nil {
		f.addBrokenInterface()
		return err
	}
	ifc := ngIface{tsresol: res, tsoffset: off}
	switch {
	case res == f.userRes:
		ifc.scale = ngPass
	case res > f.userRes && binaryRes:
		ifc.scale = ngDownBin
	case res > f.userRes:
		ifc.scale, ifc.factor = ngDownDec, res/f.userRes
	case binaryRes:
		ifc.scale = ngUpBin
	default:
		ifc.scale, ifc.factor = ngUpDec, f.userRes/res
	}
	f.ifaces = append(f.ifaces, ifc)
	return nil
}

// addBrokenInterface counts an interface whose options were bad: libpcap
// counts the interface before reading its options and leaves its time stamp
// settings as they were in its table (what an earlier section left there,
// or uninitialised memory), so a later packet on it is read with them. Here
// a slot never used before gets libpcap's defaults instead, so that no
// division by zero is possible.
func (f *pcapngFormat) addBrokenInterface() {
	n := len(f.ifaces)
	if n < cap(f.ifaces) && f.ifaces[:n+1][n].tsresol != 0 {
		f.ifaces = f.ifaces[:n+1]
		return
	}
	ifc := ngIface{tsresol: resolMicro}
	switch {
	case f.userRes == resolMicro:
		ifc.scale = ngPass
	default:
		ifc.scale, ifc.factor = ngUpDec, f.userRes/resolMicro
	}
	f.ifaces = append(f.ifaces, ifc)
}

// idbOptions walks an IDB's options for if_tsresol and if_tsoffset, with
// libpcap's checks.
func idbOptions(bo binary.ByteOrder, opts []byte) (res, off uint64, binaryRes bool, err error) {
	res = resolMicro
	sawRes, sawOff := false, false
	for len(opts) != 0 {
		if len(opts) < 4 {
			return 0, 0, false, tooShort(btIDB)
		}
		code, olen := bo.Uint16(opts), bo.Uint16(opts[2:])
		opts = opts[4:]
		padded := (int(olen) + 3) &^ 3
		if len(opts) < padded {
			return 0, 0, false, tooShort(btIDB)
		}
		val := opts[:padded]
		opts = opts[padded:]
		switch code {
		case optEndOfOpt:
			if olen != 0 {
				return 0, 0, false, fmt.Errorf("Interface Description Block has opt_endofopt option with length %d != 0", olen)
			}
			return res, off, binaryRes, nil
		case optIfTsresol:
			if olen != 1 {
				return 0, 0, false, fmt.Errorf("Interface Description Block has if_tsresol option with length %d != 1", olen)
			}
			if sawRes {
				return 0, 0, false, fmt.Errorf("Interface Description Block has more than one if_tsresol option")
			}
			sawRes = true
			v := val[0]
			if v&0x80 != 0 {
				shift := v & 0x7F
				if shift > 63 {
					return 0, 0, false, fmt.Errorf("Interface Description Block if_tsresol option resolution 2^-%d is too high", shift)
				}
				binaryRes, res = true, uint64(1)<<shift
			} else {
				if v > 19 {
					return 0, 0, false, fmt.Errorf("Interface Description Block if_tsresol option resolution 10^-%d is too high", v)
				}
				binaryRes, res = false, 1
				for i := byte(0); i < v; i++ {
					res *= 10
				}
			}
		case optIfTsoffset:
			if olen != 8 {
				return 0, 0, false, fmt.Errorf("Interface Description Block has if_tsoffset option with length %d != 8", olen)
			}
			if sawOff {
				return 0, 0, false, fmt.Errorf("Interface Description Block has more than one if_tsoffset option")
			}
			sawOff = true
			off = bo.Uint64(val)
		}
	}
	return res, off, binaryRes, nil
}

// next returns the next packet, processing the blocks before it, as
// libpcap's pcap_ng_next_packet does.
func (f *pcapngFormat) next(r *Reader) (Header, []byte, error) {
	var h Header
	data, err := f.read(r, &h)
	return h, data, err
}

func (f *pcapngFormat) read(r *Reader, h *Header) ([]byte, error) {
	data, b, err := f.readPacket(r, h)
	if err != nil && b.length != 0 {
		// libpcap read the whole block before finding it bad.
		r.pos += b.length
	}
	return data, err
}

// readPacket is read without consuming the block it fails on, which it
// returns (zero when reading the block itself failed).
func (f *pcapngFormat) readPacket(r *Reader, h *Header) ([]byte, block, error) {
	bo := r.bo
	for {
		b, err := f.readBlock(r)
		if err != nil {
			return nil, block{}, err
		}
		body := b.body
		var ifid uint32
		var t uint64
		switch b.typ {
		case btEPB, btPB:
			if len(body) < epbFixedLen {
				return nil, b, tooShort(b.typ)
			}
			if b.typ == btEPB {
				ifid = bo.Uint32(body)
			} else {
				ifid = uint32(bo.Uint16(body))
			}
			t = uint64(bo.Uint32(body[4:]))<<32 | uint64(bo.Uint32(body[8:]))
			h.Caplen = bo.Uint32(body[12:])
			h.Len = bo.Uint32(body[16:])
			body = body[epbFixedLen:]
		case btSPB:
			if len(body) < 4 {
				return nil, b, tooShort(b.typ)
			}
			h.Len = bo.Uint32(body)
			h.Caplen = h.Len
			if h.Caplen > uint32(r.snapshot) {
				h.Caplen = uint32(r.snapshot)
			}
			body = body[4:]
		case btIDB:
			if err := f.nextIDB(r, body); err != nil {
				return nil, b, err
			}
			r.pos += b.length
			continue
		case btSHB:
			if err := f.nextSHB(r, body); err != nil {
				return nil, b, err
			}
			r.pos += b.length
			continue
		default:
			r.pos += b.length
			continue
		}
		data, err := f.packet(r, h, b, body, ifid, t)
		return data, b, err
	}
}

// packet finishes a packet block: interface and length checks, time stamp
// conversion, then the pseudo-header post-processing.
func (f *pcapngFormat) packet(r *Reader, h *Header, b block, body []byte, ifid uint32, t uint64) ([]byte, error) {
	if uint64(ifid) >= uint64(len(f.ifaces)) {
		return nil, fmt.Errorf("a packet arrived on interface %d, but there's no Interface Description Block for that interface", ifid)
	}
	if h.Caplen > uint32(r.snapshot) {
		return nil, fmt.Errorf("invalid packet capture length %d, bigger than snaplen of %d", h.Caplen, r.snapshot)
	}
	ifc := &f.ifaces[ifid]
	sec := t/ifc.tsresol + ifc.tsoffset
	frac := t % ifc.tsresol
	switch ifc.scale {
	case ngUpDec:
		frac *= ifc.factor
	case ngDownDec:
		frac /= ifc.factor
	case ngUpBin, ngDownBin:
		frac *= f.userRes
		frac /= ifc.tsresol
	}
	h.Sec = int64(sec)
	h.Frac = int64(int32(uint32(frac)))
	if uint64(len(body)) < uint64(h.Caplen) {
		return nil, tooShort(b.typ)
	}
	data := body[:h.Caplen:h.Caplen]
	r.pos += b.length
	postProcess(r.linktype, r.swapped, h, data)
	return data, nil
}

// nextIDB checks and records an IDB met after the first one.
func (f *pcapngFormat) nextIDB(r *Reader, body []byte) error {
	if len(body) < 8 {
		return tooShort(btIDB)
	}
	lt := uint32(r.bo.Uint16(body))
	snaplen := r.bo.Uint32(body[4:])
	if uint32(r.linktype) != lt {
		return fmt.Errorf("an interface has a type %d different from the type of the first interface", lt)
	}
	if r.snapshot != tables.SavefileSnapshot(r.linktype, snaplen) {
		return fmt.Errorf("an interface has a snapshot length %d different from the snapshot length of the first interface", snaplen)
	}
	return f.addInterface(r, body[8:])
}

// nextSHB checks a new section's header: libpcap 1.10.3 refuses a change
// of byte order and any major version but 1, and forgets the interfaces.
func (f *pcapngFormat) nextSHB(r *Reader, body []byte) error {
	if len(body) < 16 {
		return tooShort(btSHB)
	}
	switch r.bo.Uint32(body) {
	case byteOrderMagic:
	case swap32(byteOrderMagic):
		return fmt.Errorf("the file has sections with different byte orders")
	default:
		return fmt.Errorf("the file has a section with a bad byte order magic field")
	}
	if major := r.bo.Uint16(body[4:]); major != 1 {
		return fmt.Errorf("unknown pcapng savefile major version number %d", major)
	}
	f.ifaces = f.ifaces[:0]
	return nil
}
