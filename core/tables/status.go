package tables

import "strconv"

// The status codes of pcap.h that pcap_statustostr has a text for.
const (
	Error                      = -1  // PCAP_ERROR
	ErrorBreak                 = -2  // PCAP_ERROR_BREAK
	ErrorNotActivated          = -3  // PCAP_ERROR_NOT_ACTIVATED
	ErrorActivated             = -4  // PCAP_ERROR_ACTIVATED
	ErrorNoSuchDevice          = -5  // PCAP_ERROR_NO_SUCH_DEVICE
	ErrorRfmonNotSup           = -6  // PCAP_ERROR_RFMON_NOTSUP
	ErrorNotRfmon              = -7  // PCAP_ERROR_NOT_RFMON
	ErrorPermDenied            = -8  // PCAP_ERROR_PERM_DENIED
	ErrorIfaceNotUp            = -9  // PCAP_ERROR_IFACE_NOT_UP
	ErrorCantSetTstampType     = -10 // PCAP_ERROR_CANTSET_TSTAMP_TYPE
	ErrorPromiscPermDenied     = -11 // PCAP_ERROR_PROMISC_PERM_DENIED
	ErrorTstampPrecisionNotSup = -12 // PCAP_ERROR_TSTAMP_PRECISION_NOTSUP
	Warning                    = 1   // PCAP_WARNING
	WarningPromiscNotSup       = 2   // PCAP_WARNING_PROMISC_NOTSUP
	WarningTstampTypeNotSup    = 3   // PCAP_WARNING_TSTAMP_TYPE_NOTSUP
)

// StatusText is pcap_statustostr: the text for a PCAP_ERROR_ or
// PCAP_WARNING_ code, or "Unknown error: " followed by the code in decimal
// (C's "Unknown error: %d") for any other code, 0 included.
func StatusText(code int) string {
	switch code {
	case Warning:
		return "Generic warning"
	case WarningPromiscNotSup:
		return "That device doesn't support promiscuous mode"
	case WarningTstampTypeNotSup:
		return "That type of time stamp is not supported by that device"
	case Error:
		return "Generic error"
	case ErrorBreak:
		return "Loop terminated by pcap_breakloop"
	case ErrorNotActivated:
		return "The pcap_t has not been activated"
	case ErrorActivated:
		return "The setting can't be changed after the pcap_t is activated"
	case ErrorNoSuchDevice:
		return "No such device exists"
	case ErrorRfmonNotSup:
		return "That device doesn't support monitor mode"
	case ErrorNotRfmon:
		return "That operation is supported only in monitor mode"
	case ErrorPermDenied:
		return "You don't have permission to perform this capture on that device"
	case ErrorIfaceNotUp:
		return "That device is not up"
	case ErrorCantSetTstampType:
		return "That device doesn't support setting the time stamp type"
	case ErrorPromiscPermDenied:
		return "You don't have permission to capture in promiscuous mode on that device"
	case ErrorTstampPrecisionNotSup:
		return "That device doesn't support that time stamp precision"
	}
	return "Unknown error: " + strconv.Itoa(code)
}
