package tables

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
