package exanic

import (
	"encoding/binary"
	"errors"
)

// Ring geometry (spec §4.1).
const (
	ChunkSize    = 128
	ChunkPayload = 120
	RingChunks   = 16384
	RingSize     = RingChunks * ChunkSize // 2 MiB
	MaxPorts     = 16
	pageSize     = 4096
)

// mmap byte offsets on /dev/exanicN (spec §2).
const (
	OffRegs     = 0
	RegsSize    = 2 * pageSize
	OffInfo     = 3 * pageSize
	InfoSize    = pageSize
	offRxBase   = 512 * pageSize    // port p < 4: offRxBase + p*RingSize
	offRxExt    = 557056 * pageSize // any port: offRxExt + p*RingSize
	offFiltBase = 2560 * pageSize   // filter buffers
	devFileSize = offFiltBase       // what the simulator's backing file spans
)

// RxOffset is the mmap offset of port p's default receive ring.
func RxOffset(port int) int64 {
	if port < 4 {
		return offRxBase + int64(port)*RingSize
	}
	return offRxExt + int64(port)*RingSize
}

// Frame status codes: the low nibble of the info word's status byte.
const (
	StatusOK      = 0
	StatusAborted = 1
	StatusCorrupt = 2
	StatusHWOvfl  = 3
)

// Info word fields, as a little-endian u64 at chunk offset 120.
func infoTS(w uint64) uint32    { return uint32(w) }
func infoStatus(w uint64) uint8 { return uint8(w >> 32) }
func infoLen(w uint64) uint8    { return uint8(w >> 40) }
func infoGen(w uint64) uint8    { return uint8(w >> 56) }

// MakeInfo builds an info word (the simulator's writer uses it).
func MakeInfo(ts uint32, status, length, matched, gen uint8) uint64 {
	return uint64(ts) | uint64(status)<<32 | uint64(length)<<40 |
		uint64(matched)<<48 | uint64(gen)<<56
}

// Global register indexes (u32 words of BAR0, spec §6).
const (
	RegPCIeIfVer   = 0
	RegHWID        = 1
	RegFunctionID  = 8
	RegHWTime      = 9
	RegClkHz       = 13
	RegCaps        = 14
	RegHWTimeHi    = 15
	RegNumFilters  = 33
	CapHWTimeHi    = 0x100
	Cap10G         = 0x04000000
	Cap25G         = 0x20000000
	portBlockWords = 0x10 // 0x40 bytes
)

// Per-port register words.
const (
	PortEnabled = 0
	PortSpeed   = 1
	PortStatus  = 2
	PortMACLow  = 3
	PortFlags   = 4
	PortMACOUI  = 12

	StatusEnabled        = 0x01
	StatusSFP            = 0x02
	StatusSignal         = 0x04
	StatusLink           = 0x08
	StatusRxUnsupported  = 0x01000000
	StatusNotImplemented = 0x80000000
	FlagPromisc          = 0x01
)

// PortReg is the register index of word w of port p's block.
func PortReg(p, w int) int {
	if p < 8 {
		return 0x80 + 0x10*p + w
	}
	return 0x480 + 0x10*(p-8) + w
}

// Hardware ids (register 1) and their product names.
var hwNames = map[uint32]string{
	2: "ExaNIC X4", 3: "ExaNIC X2", 4: "ExaNIC X10", 5: "ExaNIC X10-GM",
	6: "ExaNIC X40", 7: "ExaNIC X10-HPT", 8: "ExaNIC V5P", 9: "ExaNIC X25",
	10: "ExaNIC X100", 11: "ExaNIC V9P", 12: "ExaNIC V9P-3",
}

// ioctl numbers (spec §3).
const (
	ctlInfoEx2      = 0x80A078E0 // EXANICCTL_INFO_EX2 on /dev/exanicN
	ctlInfoEx       = 0x802878E0
	sioEthtool      = 0x8946 // SIOCETHTOOL
	sioExaGetIfInfo = 0x89F0 // EXAIOCGIFINFO
	ethtoolGDrvInfo = 3
	infoEx2Size     = 160
	infoExSize      = 40
	ifInfoSize      = 32
	drvInfoSize     = 196
	DriverName      = "exanic"
)

// InfoEx2 is struct exanicctl_info_ex2.
type InfoEx2 struct {
	TxBufferSize uint64
	FiltersSize  uint64
	MaxBuffers   uint32
	NumPorts     uint32
	IfIndex      [32]int32
}

// Marshal encodes i as the driver does.
func (i *InfoEx2) Marshal() []byte {
	b := make([]byte, infoEx2Size)
	binary.LittleEndian.PutUint64(b[0:], i.TxBufferSize)
	binary.LittleEndian.PutUint64(b[8:], i.FiltersSize)
	binary.LittleEndian.PutUint32(b[16:], i.MaxBuffers)
	binary.LittleEndian.PutUint32(b[20:], i.NumPorts)
	for k, v := range i.IfIndex {
		binary.LittleEndian.PutUint32(b[32+4*k:], uint32(v))
	}
	return b
}

// marshalEx encodes the older EXANICCTL_INFO_EX (40 bytes: four ports).
func (i *InfoEx2) marshalEx() []byte {
	b := make([]byte, infoExSize)
	binary.LittleEndian.PutUint64(b[0:], i.TxBufferSize)
	binary.LittleEndian.PutUint64(b[8:], i.FiltersSize)
	for k := 0; k < 4; k++ {
		binary.LittleEndian.PutUint32(b[16+4*k:], uint32(i.IfIndex[k]))
	}
	binary.LittleEndian.PutUint32(b[32:], i.MaxBuffers)
	return b
}

// unmarshalInfoEx decodes EXANICCTL_INFO_EX; as libexanic does for these
// older drivers, the port count is the number of non-zero if_index.
func unmarshalInfoEx(b []byte) InfoEx2 {
	var i InfoEx2
	i.TxBufferSize = binary.LittleEndian.Uint64(b[0:])
	i.FiltersSize = binary.LittleEndian.Uint64(b[8:])
	for k := 0; k < 4; k++ {
		i.IfIndex[k] = int32(binary.LittleEndian.Uint32(b[16+4*k:]))
		if i.IfIndex[k] != 0 {
			i.NumPorts++
		}
	}
	i.MaxBuffers = binary.LittleEndian.Uint32(b[32:])
	return i
}

// UnmarshalInfoEx2 decodes the ioctl's 160 bytes.
func UnmarshalInfoEx2(b []byte) (InfoEx2, error) {
	var i InfoEx2
	if len(b) < infoEx2Size {
		return i, errors.New("exanic: short EXANICCTL_INFO_EX2 reply")
	}
	i.TxBufferSize = binary.LittleEndian.Uint64(b[0:])
	i.FiltersSize = binary.LittleEndian.Uint64(b[8:])
	i.MaxBuffers = binary.LittleEndian.Uint32(b[16:])
	i.NumPorts = binary.LittleEndian.Uint32(b[20:])
	for k := range i.IfIndex {
		i.IfIndex[k] = int32(binary.LittleEndian.Uint32(b[32+4*k:]))
	}
	return i, nil
}

// IfInfo is struct exaioc_ifinfo: the card and port behind a netdev.
type IfInfo struct {
	DevName string
	Port    int
}

// Marshal encodes f as EXAIOCGIFINFO returns it.
func (f IfInfo) Marshal() []byte {
	b := make([]byte, ifInfoSize)
	copy(b[:15], f.DevName)
	binary.LittleEndian.PutUint16(b[16:], uint16(f.Port))
	return b
}

// UnmarshalIfInfo decodes EXAIOCGIFINFO's 32 bytes.
func UnmarshalIfInfo(b []byte) IfInfo {
	return IfInfo{DevName: cstr(b[:16]), Port: int(binary.LittleEndian.Uint16(b[16:]))}
}

// drvInfoDriver reads ethtool_drvinfo.driver (32 bytes at offset 4).
func drvInfoDriver(b []byte) string { return cstr(b[4:36]) }

// MarshalDrvInfo is an ETHTOOL_GDRVINFO reply naming driver.
func MarshalDrvInfo(driver string) []byte {
	b := make([]byte, drvInfoSize)
	binary.LittleEndian.PutUint32(b[0:], ethtoolGDrvInfo)
	copy(b[4:35], driver)
	return b
}

func cstr(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
