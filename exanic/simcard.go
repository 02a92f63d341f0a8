package exanic

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// SimConfig describes a simulated card.
type SimConfig struct {
	Dev      string // card name; "" means "exanic0"
	HWID     uint32 // register 1; 0 means 4 (ExaNIC X10)
	TickHz   uint32 // register 13; 0 means 1 GHz
	HWTimeHi bool   // CAPS has HW_TIME_HI: register 15 holds the high word
	NoInfo   bool   // leave the info page's hw_time 0 (no PTP support)
	Ports    []SimPort
}

// SimPort is one simulated port.
type SimPort struct {
	Name    string // interface name; "" for none
	IfIndex int    // 0: 1000 + port
	IP      string // "10.0.0.1/24" or ""
	Down    bool   // interface down: ring not mappable
	Speed   uint32 // Mbps; 0 means 10000
	NoLink  bool
}

// SimCard is the writer side of a simulated card: it maps the backing file
// read-write and plays the hardware, writing chunks with the real layout
// (payload first, then the info word with one aligned 64-bit atomic store),
// generations, lapping, bad frames, clock and port registers.
type SimCard struct {
	Dev   string
	mem   []byte
	ports []*SimWriter
	cfg   SimConfig
	tick  uint64
}

// SimWriter is one port's DMA writer.
type SimWriter struct {
	ring []byte
	idx  int
	gen  uint8
	card *SimCard
}

// CreateSim makes (or resets) a simulated card in dir: sim.conf lines for
// it and its backing file dev/<card>. Other cards' lines are kept.
func CreateSim(dir string, cfg SimConfig) (*SimCard, error) {
	if cfg.Dev == "" {
		cfg.Dev = "exanic0"
	}
	if cfg.HWID == 0 {
		cfg.HWID = 4
	}
	if cfg.TickHz == 0 {
		cfg.TickHz = 1000000000
	}
	if len(cfg.Ports) == 0 || len(cfg.Ports) > 4 {
		return nil, fmt.Errorf("exanic simulator: %d ports: give 1 to 4", len(cfg.Ports))
	}
	if err := os.MkdirAll(filepath.Join(dir, "dev"), 0o755); err != nil {
		return nil, err
	}
	conf := filepath.Join(dir, "sim.conf")
	var lines []string
	if old, err := os.ReadFile(conf); err == nil {
		for _, l := range strings.Split(string(old), "\n") {
			w := strings.Fields(l)
			if len(w) >= 2 && (w[0] == "card" || w[0] == "port") && w[1] == cfg.Dev || len(w) == 0 {
				continue
			}
			lines = append(lines, l)
		}
	}
	lines = append(lines, "card "+cfg.Dev)
	for i, p := range cfg.Ports {
		name := p.Name
		if name == "" {
			name = "-"
		}
		idx := p.IfIndex
		if idx == 0 {
			idx = 1000 + i
		}
		l := fmt.Sprintf("port %s %d %s ifindex=%d", cfg.Dev, i, name, idx)
		if p.IP != "" {
			l += " ip=" + p.IP
		}
		if p.Down {
			l += " down"
		}
		lines = append(lines, l)
	}
	if err := os.WriteFile(conf, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "dev", cfg.Dev)
	// Never shrink an existing backing file: a capture may have it mapped
	// (a mapping past the end of a file faults). Reset is the driver's
	// "port up" (the 0xFF fill below); a running reader sees a lap.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := int64(RxOffset(len(cfg.Ports)))
	if st, err := f.Stat(); err != nil {
		return nil, err
	} else if st.Size() < size {
		if err := f.Truncate(size); err != nil {
			return nil, err
		}
	}
	mem, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		return nil, err
	}
	c := &SimCard{Dev: cfg.Dev, mem: mem, cfg: cfg}
	caps := uint32(Cap10G)
	if cfg.HWTimeHi {
		caps |= CapHWTimeHi
	}
	c.SetReg(RegPCIeIfVer, 1)
	c.SetReg(RegHWID, cfg.HWID)
	c.SetReg(RegFunctionID, 0)
	c.SetReg(RegCaps, caps)
	c.SetReg(RegClkHz, cfg.TickHz)
	c.SetReg(RegNumFilters, 0)
	for i, p := range cfg.Ports {
		speed := p.Speed
		if speed == 0 {
			speed = 10000
		}
		st := uint32(StatusEnabled | StatusSFP | StatusSignal | StatusLink)
		if p.NoLink {
			st &^= StatusLink | StatusSignal
		}
		c.SetReg(PortReg(i, PortEnabled), 1)
		c.SetReg(PortReg(i, PortSpeed), speed)
		c.SetReg(PortReg(i, PortStatus), st)
		c.SetReg(PortReg(i, PortMACOUI), 0x211b64) // 64:1b:21 in the LE byte order
		c.SetReg(PortReg(i, PortMACLow), uint32(0x000100+i)<<0)
		ring := mem[RxOffset(i) : RxOffset(i)+RingSize]
		for k := range ring { // "port up": the driver fills the ring with 0xFF
			ring[k] = 0xFF
		}
		c.ports = append(c.ports, &SimWriter{ring: ring, card: c})
	}
	c.SetTime(0)
	return c, nil
}

// Close unmaps the card (the directory stays).
func (c *SimCard) Close() error {
	if c.mem == nil {
		return nil
	}
	err := syscall.Munmap(c.mem)
	c.mem = nil
	return err
}

// SetReg stores register idx (aligned 32-bit store, as on the card).
func (c *SimCard) SetReg(idx int, v uint32) {
	atomic.StoreUint32((*uint32)(unsafe.Pointer(&c.mem[4*idx])), v)
}

// Reg loads register idx.
func (c *SimCard) Reg(idx int) uint32 {
	return atomic.LoadUint32((*uint32)(unsafe.Pointer(&c.mem[4*idx])))
}

// Port is port p's writer.
func (c *SimCard) Port(p int) *SimWriter { return c.ports[p] }

// SetTime sets the card's tick counter: the low word in register 9, the
// high word in 15 (with HW_TIME_HI), and the info page's hw_time, the
// centre of the current 2^31-tick window, as the driver keeps it.
func (c *SimCard) SetTime(t uint64) {
	c.tick = t
	c.SetReg(RegHWTime, uint32(t))
	if c.cfg.HWTimeHi {
		c.SetReg(RegHWTimeHi, uint32(t>>32))
	}
	hw := uint64(0)
	if !c.cfg.NoInfo {
		hw = t>>31<<31 + 0x40000000
	}
	atomic.StoreUint64((*uint64)(unsafe.Pointer(&c.mem[OffInfo])), hw)
}

// Time is the tick counter.
func (c *SimCard) Time() uint64 { return c.tick }

// Position is where the writer will put its next chunk.
func (w *SimWriter) Position() (idx int, gen uint8) { return w.idx, w.gen }

// UDPFrame is an Ethernet/IPv4/UDP frame from 10.0.0.2 (MAC 02:00:00:00:00:02)
// port src to dst, MAC 10.0.0.1 port 9, with the given IP id and payload,
// the IPv4 header checksum computed (tcpdump -v has nothing to flag): the
// traffic the simulator's tools put on a simulated port.
func UDPFrame(dst [6]byte, src, id uint16, payload []byte) []byte {
	f := make([]byte, 14+20+8+len(payload))
	copy(f, dst[:])
	copy(f[6:], []byte{0x02, 0, 0, 0, 0, 0x02, 0x08, 0x00})
	ip := f[14:34]
	ip[0], ip[8], ip[9] = 0x45, 64, 17
	binary.BigEndian.PutUint16(ip[2:], uint16(20+8+len(payload)))
	binary.BigEndian.PutUint16(ip[4:], id)
	copy(ip[12:], []byte{10, 0, 0, 2, 10, 0, 0, 1})
	var sum uint32
	for i := 0; i < 20; i += 2 {
		sum += uint32(binary.BigEndian.Uint16(ip[i:]))
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	binary.BigEndian.PutUint16(ip[10:], ^uint16(sum))
	udp := f[34:42]
	binary.BigEndian.PutUint16(udp[0:], src)
	binary.BigEndian.PutUint16(udp[2:], 9)
	binary.BigEndian.PutUint16(udp[4:], uint16(8+len(payload)))
	copy(f[42:], payload)
	return f
}

// WithFCS appends the Ethernet FCS the card leaves on received frames.
func WithFCS(frame []byte) []byte {
	out := make([]byte, len(frame)+4)
	copy(out, frame)
	binary.LittleEndian.PutUint32(out[len(frame):], crc32.ChecksumIEEE(frame))
	return out
}

// SimFrame is a frame being written chunk by chunk (cut-through).
type SimFrame struct {
	w      *SimWriter
	data   []byte
	off    int
	ts     uint32
	status uint8
}

// Begin starts writing data (FCS included) with the given status, stamped
// with the card's current time; nothing is visible until Chunk.
func (w *SimWriter) Begin(data []byte, status uint8) *SimFrame {
	return &SimFrame{w: w, data: data, ts: uint32(w.card.tick), status: status}
}

// Chunk publishes the next chunk; false once the frame is complete.
func (f *SimFrame) Chunk() bool {
	if f.off >= len(f.data) {
		return false
	}
	w := f.w
	n := len(f.data) - f.off
	length, status := uint8(0), uint8(0)
	if n <= ChunkPayload {
		length, status = uint8(n), f.status
	} else {
		n = ChunkPayload
	}
	base := w.idx * ChunkSize
	copy(w.ring[base:base+n], f.data[f.off:f.off+n])
	f.off += n
	// The info word last, one aligned 64-bit store (release).
	atomic.StoreUint64((*uint64)(unsafe.Pointer(&w.ring[base+ChunkPayload])),
		MakeInfo(f.ts, status, length, 0, w.gen))
	if w.idx++; w.idx == RingChunks {
		w.idx = 0
		w.gen++
	}
	return f.off < len(f.data)
}

// Send writes a whole frame (FCS included) with the given status.
func (w *SimWriter) Send(data []byte, status uint8) {
	f := w.Begin(data, status)
	for f.Chunk() {
	}
}

// Skip advances the writer by n chunks of filler frames of one chunk each
// (64 bytes, status OK): a quick way to lap a reader.
func (w *SimWriter) Skip(n int) {
	var b [64]byte
	for i := 0; i < n; i++ {
		w.Send(b[:], StatusOK)
	}
}
