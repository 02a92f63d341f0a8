package core

import (
	"errors"
	"unsafe"

	"github.com/pcapshim/pcapshim/core/savefile"
)

// Offline is the Source for a capture file.
type Offline struct {
	R         *savefile.Reader
	pending   error  // an error met after a batch's packets: reported next
	GoBatches uint64 // batches with packets Fill made (the debug report)
}

// Fill hands out the next packets of the file, as many as fit in batch and
// in the reader's buffer without moving data handed out in this batch.
func (o *Offline) Fill(batch []Packet) (int, error) {
	o.R.Enter()
	defer func() { o.R.Leave(o.pending != nil) }()
	if o.pending != nil {
		err := o.pending
		o.pending = nil
		return 0, err
	}
	o.R.StartBatch()
	n := 0
	for n < len(batch) {
		h, data, err := o.R.Next()
		if errors.Is(err, savefile.ErrBatchFull) && n > 0 {
			break
		}
		if err != nil {
			if n > 0 {
				o.pending = err
				break
			}
			return 0, err
		}
		batch[n] = Packet{Sec: h.Sec, Frac: h.Frac, Caplen: h.Caplen, Len: h.Len,
			Data: uintptr(unsafe.Pointer(unsafe.SliceData(data)))}
		n++
	}
	if n > 0 {
		o.GoBatches++
	}
	return n, nil
}

// Close frees the reader's buffers.
func (o *Offline) Close() { o.R.Close() }

var _ Source = (*Offline)(nil)
