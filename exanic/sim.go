package exanic

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Sim is the simulated device layer (§11 of the spec): a directory made by
// CreateSim holding sim.conf (cards and ports, one per line) and dev/<card>,
// a backing file laid out at the card's real mmap offsets that a simulated
// card writes into. Device ioctls are answered with the driver's byte
// encodings, mmap enforces the driver's rules (exact region starts, port in
// range, ring only while the port's interface is up), and interface
// requests for names that are not simulated go to the real system.
type Sim struct {
	Dir string
}

// SimPortConf is one port line of sim.conf.
type SimPortConf struct {
	Dev     string // card, e.g. "exanic0"
	Port    int
	Name    string // Linux interface name; "" for none
	IfIndex int
	IP      [4]byte
	Mask    [4]byte
	HasIP   bool
	Down    bool // interface down: the ring cannot be mapped
}

// conf reads sim.conf: "card <dev> [old-driver]" (old-driver: no
// EXANICCTL_INFO_EX2, only INFO_EX) and
// "port <dev> <n> <ifname|-> ifindex=<i> [ip=<a.b.c.d>/<len>] [down]".
func (s *Sim) conf() (cards []string, ports []SimPortConf, err error) {
	f, err := os.Open(filepath.Join(s.Dir, "sim.conf"))
	if err != nil {
		return nil, nil, fmt.Errorf("exanic simulator: %w (make it with exanic.CreateSim, or unset %s)", err, SimEnv)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		w := strings.Fields(sc.Text())
		if len(w) == 0 || strings.HasPrefix(w[0], "#") {
			continue
		}
		switch {
		case w[0] == "card" && len(w) >= 2:
			cards = append(cards, w[1])
			if len(w) >= 3 && w[2] == "old-driver" {
				cards = append(cards, w[1]+" old-driver")
			}
		case w[0] == "port" && len(w) >= 4:
			p := SimPortConf{Dev: w[1]}
			if p.Port, err = strconv.Atoi(w[2]); err != nil {
				return nil, nil, fmt.Errorf("exanic simulator: sim.conf: bad port %q", w[2])
			}
			if w[3] != "-" {
				p.Name = w[3]
			}
			for _, kv := range w[4:] {
				k, v, _ := strings.Cut(kv, "=")
				switch k {
				case "ifindex":
					p.IfIndex, _ = strconv.Atoi(v)
				case "ip":
					p.IP, p.Mask, p.HasIP = parseCIDR(v)
				case "down":
					p.Down = true
				}
			}
			ports = append(ports, p)
		}
	}
	return cards, ports, sc.Err()
}

func parseCIDR(v string) (ip, mask [4]byte, ok bool) {
	a, l, _ := strings.Cut(v, "/")
	parts := strings.Split(a, ".")
	if len(parts) != 4 {
		return
	}
	for i, s := range parts {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 255 {
			return
		}
		ip[i] = byte(n)
	}
	bits, err := strconv.Atoi(l)
	if err != nil || bits < 0 || bits > 32 {
		bits = 32
	}
	m := ^uint32(0) << (32 - bits)
	if bits == 0 {
		m = 0
	}
	binary.BigEndian.PutUint32(mask[:], m)
	return ip, mask, true
}

func (s *Sim) portByName(ifname string) (SimPortConf, bool) {
	_, ports, err := s.conf()
	if err != nil {
		return SimPortConf{}, false
	}
	for _, p := range ports {
		if p.Name != "" && p.Name == ifname {
			return p, true
		}
	}
	return SimPortConf{}, false
}

// Present: the simulator directory is there.
func (s *Sim) Present() bool {
	_, err := os.Stat(filepath.Join(s.Dir, "sim.conf"))
	return err == nil
}

// Devices lists dev/exanicN in the directory.
func (s *Sim) Devices() ([]string, error) { return scanDevs(filepath.Join(s.Dir, "dev")) }

// Open opens the card's backing file.
func (s *Sim) Open(dev string) (int, error) {
	return syscall.Open(filepath.Join(s.Dir, "dev", dev), syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
}

// devOf names the card behind an fd Open returned.
func (s *Sim) devOf(fd int) (string, error) {
	p, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd))
	if err != nil {
		return "", syscall.EBADF
	}
	return filepath.Base(p), nil
}

func (s *Sim) info(dev string) (InfoEx2, []SimPortConf, error) {
	var inf InfoEx2
	_, ports, err := s.conf()
	if err != nil {
		return inf, nil, err
	}
	var mine []SimPortConf
	for _, p := range ports {
		if p.Dev == dev && p.Port < MaxPorts {
			mine = append(mine, p)
			if uint32(p.Port+1) > inf.NumPorts {
				inf.NumPorts = uint32(p.Port + 1)
			}
			inf.IfIndex[p.Port] = int32(p.IfIndex)
			if f, err := net.InterfaceByName(p.Name); p.Name != "" && err == nil {
				inf.IfIndex[p.Port] = int32(f.Index) // a real interface's own index
			}
		}
	}
	inf.MaxBuffers = 0
	return inf, mine, nil
}

// DevIoctl answers EXANICCTL_INFO_EX2; anything else is ENOTTY, as the
// driver says for commands it does not know.
func (s *Sim) DevIoctl(fd int, req uint32, arg []byte) error {
	dev, err := s.devOf(fd)
	if err != nil {
		return err
	}
	cards, _, _ := s.conf()
	old := false
	for _, c := range cards {
		old = old || c == dev+" old-driver"
	}
	inf, _, err := s.info(dev)
	if err != nil {
		return syscall.EIO
	}
	switch {
	case req == ctlInfoEx2 && !old:
		if len(arg) < infoEx2Size {
			return syscall.EFAULT
		}
		copy(arg, inf.Marshal())
		return nil
	case req == ctlInfoEx:
		if len(arg) < infoExSize {
			return syscall.EFAULT
		}
		copy(arg, inf.marshalEx())
		return nil
	}
	return syscall.ENOTTY
}

// Mmap enforces the driver's rules, then maps the backing file read-only
// at the same offset.
func (s *Sim) Mmap(fd int, off int64, length int) ([]byte, error) {
	dev, err := s.devOf(fd)
	if err != nil {
		return nil, err
	}
	inf, ports, err := s.info(dev)
	if err != nil {
		return nil, syscall.EIO
	}
	switch {
	case off == OffRegs && length <= RegsSize, off == OffInfo && length <= InfoSize:
	case off >= offRxBase && off < offFiltBase && (off-offRxBase)%RingSize == 0 && length <= RingSize:
		port := int((off - offRxBase) / RingSize)
		if uint32(port) >= inf.NumPorts {
			return nil, syscall.EINVAL
		}
		for _, p := range ports {
			if p.Port == port && p.Down {
				return nil, syscall.EINVAL // "disabled port": no RX DMA region
			}
		}
	default:
		return nil, syscall.EINVAL
	}
	return syscall.Mmap(fd, off, length, syscall.PROT_READ, syscall.MAP_SHARED)
}

// Munmap unmaps b.
func (s *Sim) Munmap(b []byte) error { return syscall.Munmap(b) }

// IfIoctl answers SIOCETHTOOL (GDRVINFO) and EXAIOCGIFINFO for simulated
// interfaces; other names go to the system.
func (s *Sim) IfIoctl(ifname string, req uint32, arg []byte) error {
	p, ok := s.portByName(ifname)
	if !ok {
		return Real{}.IfIoctl(ifname, req, arg)
	}
	switch req {
	case sioEthtool:
		if len(arg) < drvInfoSize || binary.LittleEndian.Uint32(arg) != ethtoolGDrvInfo {
			return syscall.EOPNOTSUPP
		}
		copy(arg, MarshalDrvInfo(DriverName))
		return nil
	case sioExaGetIfInfo:
		if len(arg) < ifInfoSize {
			return syscall.EFAULT
		}
		copy(arg, IfInfo{DevName: p.Dev, Port: p.Port}.Marshal())
		return nil
	}
	return syscall.EOPNOTSUPP
}

// regFile opens a card's backing file for a register store.
func (s *Sim) regWrite(dev string, idx int, v uint32) error {
	f, err := os.OpenFile(filepath.Join(s.Dir, "dev", dev), os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], v)
	_, err = f.WriteAt(b[:], int64(idx)*4)
	return err
}

func (s *Sim) regRead(dev string, idx int) (uint32, error) {
	f, err := os.Open(filepath.Join(s.Dir, "dev", dev))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var b [4]byte
	if _, err := f.ReadAt(b[:], int64(idx)*4); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b[:]), nil
}

// Flags reports IFF_UP|IFF_RUNNING unless the port is down, and
// IFF_PROMISC from the port's FLAGS register.
func (s *Sim) Flags(ifname string) (uint16, error) {
	p, ok := s.portByName(ifname)
	if !ok {
		return Real{}.Flags(ifname)
	}
	var fl uint16
	if !p.Down {
		fl |= syscall.IFF_UP | syscall.IFF_RUNNING
	}
	v, err := s.regRead(p.Dev, PortReg(p.Port, PortFlags))
	if err != nil {
		return 0, err
	}
	if v&FlagPromisc != 0 {
		fl |= syscall.IFF_PROMISC
	}
	return fl, nil
}

// SetFlags mirrors IFF_PROMISC into the FLAGS register, as the driver's
// ndo_set_rx_mode does.
func (s *Sim) SetFlags(ifname string, flags uint16) error {
	p, ok := s.portByName(ifname)
	if !ok {
		return Real{}.SetFlags(ifname, flags)
	}
	idx := PortReg(p.Port, PortFlags)
	v, err := s.regRead(p.Dev, idx)
	if err != nil {
		return err
	}
	v &^= FlagPromisc
	if flags&syscall.IFF_PROMISC != 0 {
		v |= FlagPromisc
	}
	return s.regWrite(p.Dev, idx, v)
}

// Interfaces is the system's list plus the simulated interfaces.
func (s *Sim) Interfaces() ([]Iface, error) {
	out, err := Real{}.Interfaces()
	if err != nil {
		return nil, err
	}
	_, ports, err := s.conf()
	if err != nil {
		return nil, err
	}
	for _, p := range ports {
		if p.Name != "" && p.IfIndex != 0 && !hasIface(out, p.Name) {
			out = append(out, Iface{Index: p.IfIndex, Name: p.Name})
		}
	}
	return out, nil
}

func hasIface(l []Iface, name string) bool {
	for _, f := range l {
		if f.Name == name {
			return true
		}
	}
	return false
}

// IPv4 gives a simulated port's configured address.
func (s *Sim) IPv4(ifname string) (ip, mask [4]byte, ok bool) {
	if p, found := s.portByName(ifname); found {
		return p.IP, p.Mask, p.HasIP
	}
	return Real{}.IPv4(ifname)
}
