package savefile

import "github.com/pcapshim/pcapshim/core/tables"

// Link-layer type values this package needs by name.
const (
	dltEN10MB            = 1
	dltLinuxSLL          = 113
	dltPFLOG             = 117
	dltUSBLinux          = 189
	dltUSBLinuxMmapped   = 220
	dltNFLOG             = 239
	dltLinuxSLL2         = 276
	linktypeMask         = 0x03FFFFFF
	linktypeExtMask      = 0xFC000000
	intMax               = 1<<31 - 1
	precisionMicro       = 0
	precisionNano        = 1
	kuznetzovSnapshotPad = 14
)

// maxSnaplenForDLT is the largest packet libpcap accepts for a DLT_ value.
func maxSnaplenForDLT(dlt int) uint32 { return uint32(tables.MaxSnaplenForDLT(dlt)) }
