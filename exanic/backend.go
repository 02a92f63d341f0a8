package exanic

import (
	"os"
)

// SimEnv names the environment variable that selects the simulator: its
// value is a directory made by CreateSim.
const SimEnv = "PCAPSHIM_EXANIC_SIM"

// Iface is one network interface (if_nameindex).
type Iface struct {
	Index int
	Name  string
}

// Backend is the device layer: what a regular file cannot do on its own.
// The real one issues the driver's ioctls; the simulated one answers them
// from its directory with the same byte encodings.
type Backend interface {
	// Present says whether the driver is loaded (any card may exist).
	Present() bool
	// Devices lists device names ("exanic0", …) in ascending order.
	Devices() ([]string, error)
	// Open opens /dev/<dev> read-only; the caller closes the fd.
	Open(dev string) (int, error)
	// DevIoctl runs a device ioctl with arg as the in/out buffer.
	DevIoctl(fd int, req uint32, arg []byte) error
	// Mmap maps length bytes at off of an opened device, read-only.
	Mmap(fd int, off int64, length int) ([]byte, error)
	// Munmap releases a Mmap.
	Munmap(b []byte) error
	// IfIoctl runs a socket ioctl on ifname whose ifreq data points at arg
	// (SIOCETHTOOL, EXAIOCGIFINFO).
	IfIoctl(ifname string, req uint32, arg []byte) error
	// Flags and SetFlags are SIOCGIFFLAGS / SIOCSIFFLAGS.
	Flags(ifname string) (uint16, error)
	SetFlags(ifname string, flags uint16) error
	// Interfaces is if_nameindex().
	Interfaces() ([]Iface, error)
	// IPv4 is the interface's first IPv4 address and netmask.
	IPv4(ifname string) (ip, mask [4]byte, ok bool)
}

// DefaultBackend is the simulator when $PCAPSHIM_EXANIC_SIM names a
// directory, the driver otherwise.
func DefaultBackend() Backend {
	if dir := os.Getenv(SimEnv); dir != "" {
		return &Sim{Dir: dir}
	}
	return Real{}
}
