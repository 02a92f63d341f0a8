package exanic

import (
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

// Real is the device layer of the exanic kernel driver.
type Real struct{}

// Present: the PCI driver directory exists (what exanic-config checks).
func (Real) Present() bool {
	_, err := os.Stat("/sys/bus/pci/drivers/exanic")
	return err == nil
}

// Devices scans /dev for exanic<number>.
func (Real) Devices() ([]string, error) { return scanDevs("/dev") }

func scanDevs(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var nums []int
	for _, e := range ents {
		if n, ok := strings.CutPrefix(e.Name(), "exanic"); ok {
			if v, err := strconv.Atoi(n); err == nil && v >= 0 && strconv.Itoa(v) == n {
				nums = append(nums, v)
			}
		}
	}
	sort.Ints(nums)
	out := make([]string, len(nums))
	for i, v := range nums {
		out[i] = "exanic" + strconv.Itoa(v)
	}
	return out, nil
}

// Open opens /dev/<dev> (O_RDONLY is enough for read-only maps and ioctls).
func (Real) Open(dev string) (int, error) {
	return syscall.Open("/dev/"+dev, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
}

// DevIoctl issues req on fd.
func (Real) DevIoctl(fd int, req uint32, arg []byte) error {
	_, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), uintptr(req), uintptr(unsafe.Pointer(&arg[0])))
	if e != 0 {
		return e
	}
	return nil
}

// Mmap maps a read-only shared window of the device.
func (Real) Mmap(fd int, off int64, length int) ([]byte, error) {
	return syscall.Mmap(fd, off, length, syscall.PROT_READ, syscall.MAP_SHARED)
}

// Munmap unmaps b.
func (Real) Munmap(b []byte) error { return syscall.Munmap(b) }

type ifreqData struct {
	name [16]byte
	data unsafe.Pointer // ifr_data
	_    [16]byte
}

func sockIoctl(ifname string, req uint32, r unsafe.Pointer) error {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	_, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), uintptr(req), uintptr(r))
	if e != 0 {
		return e
	}
	return nil
}

// IfIoctl issues a socket ioctl whose ifr_data points at arg.
func (Real) IfIoctl(ifname string, req uint32, arg []byte) error {
	if len(ifname) > 15 {
		return syscall.ENODEV
	}
	var r ifreqData
	copy(r.name[:], ifname)
	r.data = unsafe.Pointer(&arg[0])
	return sockIoctl(ifname, req, unsafe.Pointer(&r))
}

type ifreqFlags struct {
	name  [16]byte
	flags uint16
	_     [22]byte
}

// Flags is SIOCGIFFLAGS.
func (Real) Flags(ifname string) (uint16, error) {
	var r ifreqFlags
	copy(r.name[:15], ifname)
	err := sockIoctl(ifname, syscall.SIOCGIFFLAGS, unsafe.Pointer(&r))
	return r.flags, err
}

// SetFlags is SIOCSIFFLAGS.
func (Real) SetFlags(ifname string, flags uint16) error {
	var r ifreqFlags
	copy(r.name[:15], ifname)
	r.flags = flags
	return sockIoctl(ifname, syscall.SIOCSIFFLAGS, unsafe.Pointer(&r))
}

// Interfaces lists the host's interfaces.
func (Real) Interfaces() ([]Iface, error) {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil, err
	}
	out := make([]Iface, len(ifs))
	for i, f := range ifs {
		out[i] = Iface{Index: f.Index, Name: f.Name}
	}
	return out, nil
}

// IPv4 returns ifname's first IPv4 address and mask.
func (Real) IPv4(ifname string) (ip, mask [4]byte, ok bool) {
	f, err := net.InterfaceByName(ifname)
	if err != nil {
		return
	}
	addrs, err := f.Addrs()
	if err != nil {
		return
	}
	for _, a := range addrs {
		if n, isNet := a.(*net.IPNet); isNet {
			if v4 := n.IP.To4(); v4 != nil && len(n.Mask) == 4 {
				copy(ip[:], v4)
				copy(mask[:], n.Mask)
				return ip, mask, true
			}
		}
	}
	return
}
