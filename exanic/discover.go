package exanic

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"syscall"
)

// Port describes one ExaNIC port.
type Port struct {
	Dev     string // "exanic0"
	Port    int
	Ifname  string // Linux interface, "" if the port has none
	Model   string
	Speed   uint32 // Mbps
	Status  uint32 // port STATUS register
	Enabled bool
	IP      [4]byte
	Mask    [4]byte
}

// Name is how the port is captured on: its interface name, else exanicN:P.
func (p Port) Name() string {
	if p.Ifname != "" {
		return p.Ifname
	}
	return p.Dev + ":" + strconv.Itoa(p.Port)
}

// Link says the port's link is up.
func (p Port) Link() bool { return p.Status&StatusLink != 0 }

func speedText(mbps uint32) string {
	switch {
	case mbps == 0:
		return "unknown speed"
	case mbps%1000 == 0:
		return strconv.Itoa(int(mbps/1000)) + "Gbps"
	}
	return strconv.Itoa(int(mbps)) + "Mbps"
}

// Description is what pcap_findalldevs reports for the port.
func (p Port) Description() string {
	link := "link down"
	if p.Link() {
		link = "link up"
	}
	if !p.Enabled {
		link = "disabled"
	}
	return fmt.Sprintf("%s %s:%d, %s, %s (kernel bypass)", p.Model, p.Dev, p.Port, speedText(p.Speed), link)
}

func dotted(a [4]byte) string {
	return fmt.Sprintf("%d.%d.%d.%d", a[0], a[1], a[2], a[3])
}

// DebugLines are TCPDUMP_DEBUG's discovery report.
func DebugLines(ports []Port) []string {
	out := []string{fmt.Sprintf("exa_create: Found %d ExaNIC ports total", len(ports))}
	for i, p := range ports {
		link := "[LINKDOWN]"
		if p.Link() {
			link = "[LINKUP]"
		}
		out = append(out, fmt.Sprintf("%d) %s IP %s Netmask %s [%s] %s", i+1, p.Name(),
			dotted(p.IP), dotted(p.Mask), speedText(p.Speed), link))
	}
	return out
}

// card is an opened device: fd, INFO_EX2, register window.
type card struct {
	b    Backend
	dev  string
	fd   int
	info InfoEx2
	regs []byte
}

func openCard(b Backend, dev string) (*card, error) {
	fd, err := b.Open(dev)
	switch {
	case errors.Is(err, syscall.ENOENT):
		return nil, fmt.Errorf("no ExaNIC /dev/%s (tcpdump -D lists the ExaNIC ports)", dev)
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return nil, fmt.Errorf("cannot open /dev/%s: %w (run as root, or give the capturing user read access to it)", dev, err)
	case err != nil:
		return nil, fmt.Errorf("cannot open /dev/%s: %w", dev, err)
	}
	c := &card{b: b, dev: dev, fd: fd}
	buf := make([]byte, infoEx2Size)
	if err := b.DevIoctl(fd, ctlInfoEx2, buf); err == nil {
		c.info, _ = UnmarshalInfoEx2(buf)
	} else if err2 := b.DevIoctl(fd, ctlInfoEx, buf[:infoExSize]); err2 == nil {
		c.info = unmarshalInfoEx(buf) // an older driver
	} else {
		c.close()
		return nil, fmt.Errorf("EXANICCTL_INFO_EX2 on /dev/%s: %w (driver too old? install exanic-software 2.x)", dev, err)
	}
	if c.regs, err = b.Mmap(fd, OffRegs, RegsSize); err != nil {
		c.close()
		return nil, fmt.Errorf("cannot map the registers of /dev/%s: %w", dev, err)
	}
	if v := c.reg(RegPCIeIfVer); v != 1 {
		c.close()
		return nil, fmt.Errorf("/dev/%s: unsupported PCIe interface version %d", dev, v)
	}
	return c, nil
}

func (c *card) close() {
	if c.regs != nil {
		c.b.Munmap(c.regs)
		c.regs = nil
	}
	if c.fd >= 0 {
		syscall.Close(c.fd)
		c.fd = -1
	}
}

func (c *card) reg(i int) uint32 { return (&Clock{regs: c.regs}).reg(i) }

func (c *card) port(p int, names map[int]string) Port {
	pt := Port{Dev: c.dev, Port: p}
	pt.Model = hwNames[c.reg(RegHWID)]
	if pt.Model == "" {
		pt.Model = "ExaNIC (hardware id " + strconv.Itoa(int(c.reg(RegHWID))) + ")"
	}
	pt.Speed = c.reg(PortReg(p, PortSpeed))
	pt.Status = c.reg(PortReg(p, PortStatus))
	pt.Enabled = c.reg(PortReg(p, PortEnabled)) != 0
	if idx := int(c.info.IfIndex[p]); idx != 0 {
		pt.Ifname = names[idx]
	}
	if pt.Ifname != "" {
		pt.IP, pt.Mask, _ = c.b.IPv4(pt.Ifname)
	}
	return pt
}

// Ports lists every port of every card (none when the driver is absent).
func Ports(b Backend) ([]Port, error) {
	if !b.Present() {
		return nil, nil
	}
	devs, err := b.Devices()
	if err != nil {
		return nil, err
	}
	names := map[int]string{}
	if ifs, err := b.Interfaces(); err == nil {
		for _, f := range ifs {
			names[f.Index] = f.Name
		}
	}
	var out []Port
	for _, d := range devs {
		c, err := openCard(b, d)
		if err != nil {
			continue // a card we cannot open is not listed
		}
		for p := 0; p < int(c.info.NumPorts) && p < MaxPorts; p++ {
			if c.reg(PortReg(p, PortStatus))&StatusNotImplemented != 0 {
				continue
			}
			out = append(out, c.port(p, names))
		}
		c.close()
	}
	return out, nil
}

// ErrNotExanic: the name is not an ExaNIC port (capture elsewhere).
var ErrNotExanic = errors.New("not an ExaNIC port")

// parseDevPort parses "exanicN:P" (optionally "/dev/exanicN:P").
func parseDevPort(name string) (dev string, port int, ok bool) {
	name = strings.TrimPrefix(name, "/dev/")
	d, p, found := strings.Cut(name, ":")
	if !found || !strings.HasPrefix(d, "exanic") {
		return "", 0, false
	}
	n, err := strconv.Atoi(d[len("exanic"):])
	if err != nil || n < 0 || strconv.Itoa(n) != d[len("exanic"):] {
		return "", 0, false
	}
	port, err = strconv.Atoi(p)
	if err != nil || port < 0 || port >= MaxPorts || strconv.Itoa(port) != p {
		return "", 0, false
	}
	return d, port, true
}

// Resolve maps a capture name to (card, port): "exanicN:P", or a Linux
// interface whose ethtool driver is "exanic" (then EXAIOCGIFINFO). Any
// other name gives ErrNotExanic.
func Resolve(b Backend, name string) (dev string, port int, err error) {
	if d, p, ok := parseDevPort(name); ok {
		return d, p, nil
	}
	if name == "" || name == "any" || len(name) > 15 || !b.Present() {
		return "", 0, ErrNotExanic
	}
	drv := make([]byte, drvInfoSize)
	drv[0] = ethtoolGDrvInfo
	if err := b.IfIoctl(name, sioEthtool, drv); err != nil || drvInfoDriver(drv) != DriverName {
		return "", 0, ErrNotExanic
	}
	inf := make([]byte, ifInfoSize)
	if err := b.IfIoctl(name, sioExaGetIfInfo, inf); err != nil {
		return "", 0, fmt.Errorf("%s: EXAIOCGIFINFO: %w (exanic driver too old?)", name, err)
	}
	f := UnmarshalIfInfo(inf)
	return f.DevName, f.Port, nil
}
