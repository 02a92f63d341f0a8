package savefile

// Mem supplies the memory packet data is read into. The cgo bridge passes an
// implementation backed by C malloc/free so that the bytes can be handed to C
// callbacks; tests use GoMem.
type Mem interface {
	// Alloc returns a slice of exactly n bytes.
	Alloc(n int) []byte
	// Free releases a slice obtained from Alloc.
	Free(b []byte)
}

// GoMem is a Mem backed by the Go heap.
type GoMem struct{}

// Alloc returns make([]byte, n).
func (GoMem) Alloc(n int) []byte { return make([]byte, n) }

// Free does nothing; the garbage collector reclaims the slice.
func (GoMem) Free([]byte) {}
