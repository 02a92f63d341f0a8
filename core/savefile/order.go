package savefile

import (
	"encoding/binary"
	"io"
)

// errEOF is io.EOF under a short name: the clean end of the packets.
var errEOF = io.EOF

var native binary.ByteOrder = func() binary.ByteOrder {
	if binary.NativeEndian.Uint16([]byte{1, 0}) == 1 {
		return binary.LittleEndian
	}
	return binary.BigEndian
}()

// nativeOrder is the byte order of this host, as a value comparable with
// binary.LittleEndian and binary.BigEndian.
func nativeOrder() binary.ByteOrder { return native }

func swap32(v uint32) uint32 {
	return v>>24 | (v>>8)&0xff00 | (v<<8)&0xff0000 | v<<24
}
