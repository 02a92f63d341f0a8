package core

import (
	"errors"
	"sync"
)

// ErrTimeout: a live source had no packet before its timeout expired.
var ErrTimeout = errors.New("timeout")

// Handles maps the integers C keeps in struct pcap to Go sources. It is the
// only mutable state shared across handles; every method is safe for
// concurrent use (dumpcap reads each interface on its own thread).
type Handles struct {
	mu   sync.RWMutex
	next uintptr
	m    map[uintptr]Source
}

// Add registers s and returns its non-zero handle.
func (h *Handles) Add(s Source) uintptr {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.m == nil {
		h.m = make(map[uintptr]Source)
	}
	h.next++
	h.m[h.next] = s
	return h.next
}

// Get returns the source for id, or nil.
func (h *Handles) Get(id uintptr) Source {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.m[id]
}

// Remove forgets id and returns its source (nil if unknown).
func (h *Handles) Remove(id uintptr) Source {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.m[id]
	delete(h.m, id)
	return s
}
