package live

import (
	"encoding/binary"
	"testing"
)

// cmsg appends a control message (struct cmsghdr on LP64, then data,
// padded to 8 bytes).
func cmsg(b []byte, level, typ int32, data []byte) []byte {
	h := make([]byte, 16)
	binary.NativeEndian.PutUint64(h, uint64(16+len(data)))
	binary.NativeEndian.PutUint32(h[8:], uint32(level))
	binary.NativeEndian.PutUint32(h[12:], uint32(typ))
	b = append(append(b, h...), data...)
	for len(b)%8 != 0 {
		b = append(b, 0)
	}
	return b
}

func timespec(sec, nsec int64) []byte {
	b := make([]byte, 16)
	binary.NativeEndian.PutUint64(b, uint64(sec))
	binary.NativeEndian.PutUint64(b[8:], uint64(nsec))
	return b
}

// TestMmsgControl: the recvmmsg path reads the original length and VLAN
// tag from PACKET_AUXDATA and the stamp from SO_TIMESTAMPNS, or the raw
// hardware stamp from SO_TIMESTAMPING when asked for and present.
func TestMmsgControl(t *testing.T) {
	aux := make([]byte, auxdataSize)
	binary.NativeEndian.PutUint32(aux[0:], tpStatusVLANValid|tpStatusVLANTPIDValid)
	binary.NativeEndian.PutUint32(aux[4:], 1514) // tp_len
	binary.NativeEndian.PutUint32(aux[8:], 64)   // tp_snaplen
	binary.NativeEndian.PutUint16(aux[16:], 0x2064)
	binary.NativeEndian.PutUint16(aux[18:], 0x88a8)
	sw := timespec(1700000000, 123456789)
	hw := append(append(timespec(1, 2), timespec(0, 0)...), timespec(1600000000, 987654321)...)
	noHW := append(append(timespec(1, 2), timespec(0, 0)...), timespec(0, 0)...)

	for _, c := range []struct {
		name      string
		ctl       []byte
		rawHW     bool
		sec, nsec int64
	}{
		{"software", cmsg(cmsg(nil, solPacket, packetAuxdata, aux), solSocket, soTimestampNS, sw), false, 1700000000, 123456789},
		{"raw-hw", cmsg(cmsg(cmsg(nil, solSocket, soTimestampNS, sw), solPacket, packetAuxdata, aux), solSocket, soTimestamping, hw), true, 1600000000, 987654321},
		{"raw-hw-first", cmsg(cmsg(cmsg(nil, solSocket, soTimestamping, hw), solSocket, soTimestampNS, sw), solPacket, packetAuxdata, aux), true, 1600000000, 987654321},
		{"raw-hw-missing", cmsg(cmsg(cmsg(nil, solSocket, soTimestamping, noHW), solSocket, soTimestampNS, sw), solPacket, packetAuxdata, aux), true, 1700000000, 123456789},
		{"hw-not-asked", cmsg(cmsg(cmsg(nil, solSocket, soTimestamping, hw), solSocket, soTimestampNS, sw), solPacket, packetAuxdata, aux), false, 1700000000, 123456789},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := &mmsg{n: 1, mem: make([]byte, mmsgMeta)}
			copy(m.mem[m.controlOff(0):], c.ctl)
			pi := pktInfo{length: -1}
			m.control(0, len(c.ctl), &pi, c.rawHW)
			if pi.length != 1514 || pi.tci != 0x2064 || pi.tpid != 0x88a8 ||
				pi.status != tpStatusVLANValid|tpStatusVLANTPIDValid {
				t.Errorf("auxdata: length %d tci %#x tpid %#x status %#x", pi.length, pi.tci, pi.tpid, pi.status)
			}
			if pi.sec != c.sec || pi.nsec != c.nsec {
				t.Errorf("stamp %d.%09d, want %d.%09d", pi.sec, pi.nsec, c.sec, c.nsec)
			}
		})
	}
	// A truncated or malformed control area stops the walk safely.
	m := &mmsg{n: 1, mem: make([]byte, mmsgMeta)}
	bad := cmsg(nil, solPacket, packetAuxdata, aux)
	binary.NativeEndian.PutUint64(bad, 4096)
	copy(m.mem[m.controlOff(0):], bad)
	pi := pktInfo{length: -1}
	m.control(0, controlSize+100, &pi, false)
	if pi.length != -1 {
		t.Errorf("malformed control message was read: %+v", pi)
	}
}
