package live

import (
	"syscall"
	"unsafe"
)

// Time stamp types (pcap/pcap.h PCAP_TSTAMP_*) and the warning libpcap
// gives when the device cannot stamp every packet in hardware.
const (
	TstampAdapter         = 3
	TstampAdapterUnsynced = 4
	WarnTstampNotsup      = 3 // PCAP_WARNING_TSTAMP_TYPE_NOTSUP
)

// Kernel ABI for hardware time stamps (linux/sockios.h, linux/net_tstamp.h,
// linux/if_packet.h, asm-generic/socket.h).
const (
	siocSHWTStamp       = 0x89b0
	hwtstampTxOn        = 1
	hwtstampFilterAll   = 1
	packetTimestamp     = 17
	soTimestamping      = 37 // == SCM_TIMESTAMPING (64-bit time on LP64)
	sofRxHardware       = 1 << 2
	sofSysHardware      = 1 << 5
	sofRawHardware      = 1 << 6
	scmTimestampingSize = 48 // three struct timespec
)

// hwStamps turns on the hardware time stamps o asks for (pcap_set_tstamp_type
// adapter or adapter_unsynced, which pcap_create offered because the driver
// stamps all packets), as libpcap 1.10.3 does before creating the ring:
// SIOCSHWTSTAMP for all received packets, then PACKET_TIMESTAMP with the
// kind of stamp for the ring (or SO_TIMESTAMPING for the recvmmsg path).
// A device that turns out unable to do it gives libpcap's warning and host
// stamps; EPERM is an error (CAP_NET_ADMIN).
func (s *Source) hwStamps(o Options, ring bool) (warn, fail *Error) {
	if o.TstampType != TstampAdapter && o.TstampType != TstampAdapterUnsynced {
		return nil, nil
	}
	// struct hwtstamp_config: flags, tx_type, rx_filter.
	cfg := [3]int32{0, hwtstampTxOn, hwtstampFilterAll}
	if err := ioctlPtr(s.fd, siocSHWTStamp, o.Device, unsafe.Pointer(&cfg)); err != nil {
		switch err {
		case syscall.EPERM:
			return nil, &Error{Code: ErrPermDenied,
				Text: "Attempt to set hardware timestamp failed - CAP_NET_ADMIN may be required"}
		case syscall.EOPNOTSUPP, syscall.ERANGE:
			return &Error{Code: WarnTstampNotsup}, nil
		}
		return nil, sysErr(ErrGeneric, "SIOCSHWTSTAMP failed", err)
	}
	if !ring {
		// Raw hardware stamps come as SCM_TIMESTAMPING; synchronised
		// ones are what the ring gives for them too: software stamps.
		if o.TstampType == TstampAdapterUnsynced {
			if err := syscall.SetsockoptInt(s.fd, solSocket, soTimestamping,
				sofRxHardware|sofRawHardware); err != nil {
				return nil, sysErr(ErrGeneric, "setsockopt (SO_TIMESTAMPING)", err)
			}
			s.rawHW = true
		}
		return nil, nil
	}
	src := sofSysHardware
	if o.TstampType == TstampAdapterUnsynced {
		src = sofRawHardware
	}
	if err := syscall.SetsockoptInt(s.fd, solPacket, packetTimestamp, src); err != nil {
		return nil, sysErr(ErrGeneric, "can't set PACKET_TIMESTAMP", err)
	}
	return nil, nil
}
