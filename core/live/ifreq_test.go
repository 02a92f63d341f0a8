package live

import (
	"testing"
	"unsafe"
)

// TestIfreqLayout: both views of struct ifreq have the kernel's size (40
// bytes on LP64) and put ifr_data right after the name.
func TestIfreqLayout(t *testing.T) {
	if a, b := unsafe.Sizeof(ifreq{}), unsafe.Sizeof(ifreqPtr{}); a != 40 || b != 40 {
		t.Errorf("sizeof ifreq %d, ifreqPtr %d: want 40", a, b)
	}
	if off := unsafe.Offsetof(ifreqPtr{}.data); off != ifnamsiz {
		t.Errorf("ifr_data at %d, want %d", off, ifnamsiz)
	}
}
