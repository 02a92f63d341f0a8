package savefile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Options select how a file is read.
type Options struct {
	// Precision is the time stamp precision delivered:
	// 0 = PCAP_TSTAMP_PRECISION_MICRO, 1 = PCAP_TSTAMP_PRECISION_NANO.
	Precision int
	// Mem supplies packet memory; nil means GoMem.
	Mem Mem
}

// Header is a packet header as a pcap_loop callback sees it.
type Header struct {
	Sec    int64
	Frac   int64 // microseconds or nanoseconds, per Options.Precision
	Caplen uint32
	Len    uint32
}

// ErrBatchFull is returned by Next when the next record does not fit in the
// buffer without moving data already handed out in this batch. The caller
// must finish using those slices, call StartBatch, and call Next again.
var ErrBatchFull = errors.New("savefile: batch full: finish the batch, call StartBatch, then call Next again")

// errClosed is returned by Next after Close.
var errClosed = errors.New("savefile: Next called after Close: open the file again")

const (
	chunkSize = 256 << 10 // how much is read from the source at a time
	maxEmpty  = 100       // zero-byte reads tolerated before giving up
)

// format is what differs between pcap and pcapng.
type format interface {
	next(r *Reader) (Header, []byte, error)
}

// Reader reads packets from a pcap or pcapng stream.
type Reader struct {
	src io.Reader
	mem Mem
	buf []byte // from mem; nil until the first read
	pos int    // first unconsumed byte
	end int    // end of the bytes read so far
	eof bool   // src reported io.EOF
	// handed counts packets returned since StartBatch; while it is non-zero
	// the bytes before pos may be in use and must not move.
	handed int
	// err is sticky: set by a failed read from src or by Close, it is
	// returned by every later Next. Errors in the file's contents are not
	// sticky: like libpcap, the next call goes on from where the failed
	// one stopped consuming bytes.
	err     error
	scratch []byte
	chunk   int // minimum free space made by makeRoom
	// sh is the position shared with the C record walk (share.go), or nil.
	sh *Share

	fmt       format
	bo        binary.ByteOrder
	swapped   bool
	linktype  int
	ext       int
	snapshot  int
	major     int
	minor     int
	precision int
}

// Open reads the file header (and, for pcapng, blocks up to the first
// Interface Description Block) from src. On failure the error text is the
// errbuf text libpcap 1.10.3 produces for the same bytes.
func Open(src io.Reader, opt Options) (*Reader, error) {
	return openChunk(src, opt, chunkSize)
}

func openChunk(src io.Reader, opt Options, chunk int) (*Reader, error) {
	r := &Reader{src: src, mem: opt.Mem, precision: opt.Precision, chunk: chunk}
	if r.mem == nil {
		r.mem = GoMem{}
	}
	n, err := r.ensure(4)
	if err != nil {
		r.Close()
		return nil, err
	}
	if n < 4 {
		r.Close()
		return nil, fmt.Errorf("truncated dump file; tried to read 4 file header bytes, only got %d", n)
	}
	magic := r.buf[r.pos : r.pos+4]
	var ok bool
	if ok, err = r.openPcap(magic); !ok && err == nil {
		ok, err = r.openPcapng(magic)
	}
	if err == nil && !ok {
		err = errors.New("unknown file format")
	}
	if err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// LinkType is what pcap_datalink returns.
func (r *Reader) LinkType() int { return r.linktype }

// LinkTypeExt is what pcap_datalink_ext returns: the upper six bits of the
// file's link-type field (FCS information), zero for pcapng.
func (r *Reader) LinkTypeExt() int { return r.ext }

// Snaplen is what pcap_snapshot returns.
func (r *Reader) Snaplen() int { return r.snapshot }

// Swapped is what pcap_is_swapped returns.
func (r *Reader) Swapped() bool { return r.swapped }

// Version is what pcap_major_version and pcap_minor_version return.
func (r *Reader) Version() (major, minor int) { return r.major, r.minor }

// Precision is the time stamp precision of the headers Next returns.
func (r *Reader) Precision() int { return r.precision }

// StartBatch declares that the slices returned by Next so far are no longer
// in use: the buffer may be compacted or grown before the next record.
func (r *Reader) StartBatch() { r.handed = 0 }

// Next returns the next packet. It returns io.EOF at a clean end of file,
// ErrBatchFull when the caller must start a new batch first, and otherwise
// an error whose text is libpcap's. After an error in the file's contents
// the bytes libpcap 1.10.3 would have consumed are consumed, so a further
// call continues from the same place as pcap_next_ex does; a failure of the
// source itself is sticky. The data slice aliases the Reader's buffer and
// stays valid until the next StartBatch.
func (r *Reader) Next() (Header, []byte, error) {
	if r.err != nil {
		return Header{}, nil, r.err
	}
	h, data, err := r.fmt.next(r)
	if err != nil {
		var re readError
		if errors.As(err, &re) {
			r.err = err
		}
		return Header{}, nil, err
	}
	r.handed++
	return h, data, nil
}

// Close releases the buffer. The Reader must not be used afterwards.
func (r *Reader) Close() {
	if r.buf != nil {
		r.mem.Free(r.buf)
		r.buf = nil
	}
	r.pos, r.end = 0, 0
	r.err = errClosed
}

// ensure makes at least n unconsumed bytes available at buf[pos:], reading
// from src as needed. It returns how many are available: fewer than n only
// at end of file. It fails with ErrBatchFull when room can only be made by
// moving bytes handed out in the current batch.
func (r *Reader) ensure(n int) (int, error) {
	empty := 0
	for r.end-r.pos < n && !r.eof {
		tooFar := r.pos+n > len(r.buf)
		if tooFar && r.handed > 0 {
			return r.end - r.pos, ErrBatchFull
		}
		if r.end == len(r.buf) || (tooFar && r.pos > 0) {
			r.makeRoom(n)
		}
		k, err := r.src.Read(r.buf[r.end:])
		r.end += k
		switch {
		case err == io.EOF:
			r.eof = true
		case err != nil:
			return r.end - r.pos, readErr(err)
		case k == 0:
			if empty++; empty > maxEmpty {
				return r.end - r.pos, readErr(io.ErrNoProgress)
			}
		}
	}
	return r.end - r.pos, nil
}

// readError is a failure of the source, as opposed to bad file contents.
type readError struct{ err error }

func (e readError) Error() string { return fmt.Sprintf("error reading dump file: %v", e.err) }

func (e readError) Unwrap() error { return e.err }

func readErr(err error) error { return readError{err} }

// consumeAll consumes every buffered byte. It is used after a truncated
// record or block: only there does ensure return fewer bytes than asked
// without an error, at end of file, where libpcap's short read has consumed
// the rest of the file.
func (r *Reader) consumeAll() { r.pos = r.end }

// makeRoom moves the unconsumed bytes to the start of the buffer and grows
// it so that more of the n bytes wanted fit. Growth at most doubles the
// buffer per call, so memory follows the data actually present rather than
// a length field read from the file.
func (r *Reader) makeRoom(n int) {
	have := r.end - r.pos
	size := len(r.buf)
	if size == 0 {
		size = r.chunk
	}
	for size < n && size-have < r.chunk {
		size *= 2
	}
	if size != len(r.buf) {
		nb := r.mem.Alloc(size)
		copy(nb, r.buf[r.pos:r.end])
		if r.buf != nil {
			r.mem.Free(r.buf)
		}
		r.buf = nb
	} else {
		copy(r.buf, r.buf[r.pos:r.end])
	}
	r.pos, r.end = 0, have
}

// discard skips n bytes after buf[pos:], reading what is not buffered into
// scratch memory so the buffer does not move. It returns how many bytes it
// skipped.
func (r *Reader) discard(n int) (int, error) {
	k := r.end - r.pos
	if k > n {
		k = n
	}
	r.pos += k
	if k == n {
		return k, nil
	}
	// Everything buffered is consumed: read the rest from src directly.
	r.pos = r.end
	if r.scratch == nil {
		r.scratch = make([]byte, 4096)
	}
	empty := 0
	for k < n && !r.eof {
		want := n - k
		if want > len(r.scratch) {
			want = len(r.scratch)
		}
		m, err := r.src.Read(r.scratch[:want])
		k += m
		switch {
		case err == io.EOF:
			r.eof = true
		case err != nil:
			return k, readErr(err)
		case m == 0:
			if empty++; empty > maxEmpty {
				return k, readErr(io.ErrNoProgress)
			}
		}
	}
	return k, nil
}

// open is Open with a chosen read chunk, so tests can force the buffer to
// be compacted and grown often.
func open(src io.Reader, opt Options, chunk int) (*Reader, error) {
	if chunk <= 0 {
		chunk = chunkSize
	}
	return openChunk(src, opt, chunk)
}

// IsPcapng reports whether the file is pcapng (else classic pcap).
func (r *Reader) IsPcapng() bool {
	_, ok := r.fmt.(*pcapngFormat)
	return ok
}
