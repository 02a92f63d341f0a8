package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/pcapshim/pcapshim/exanic"
)

func main() {
	dir := flag.String("dir", "/tmp/exasim", "simulator directory (PCAPSHIM_EXANIC_SIM)")
	count := flag.Int("count", 1000, "frames to send (0: none, just make the card)")
	rate := flag.Int("rate", 100, "frames per second (0: as fast as possible)")
	size := flag.Int("size", 100, "UDP payload bytes")
	bad := flag.Int("bad", 0, "every Nth frame has a CRC error (0: none)")
	flag.Parse()
	const hz = 1000000000
	c, err := exanic.CreateSim(*dir, exanic.SimConfig{TickHz: hz, HWTimeHi: true, Ports: []exanic.SimPort{
		{Name: "enp4s0", IP: "10.0.0.1/24"}, {Name: "enp4s0d1"}}})
	if err != nil {
		fmt.Fprintln(os.Stderr, "exanic-sim:", err)
		os.Exit(1)
	}
	defer c.Close()
	fmt.Printf("simulated card in %s: PCAPSHIM_EXANIC_SIM=%s\n", *dir, *dir)
	w := c.Port(0)
	start := time.Now()
	for i := 0; i < *count; i++ {
		if *rate > 0 {
			if d := time.Until(start.Add(time.Duration(i) * time.Second / time.Duration(*rate))); d > 0 {
				time.Sleep(d)
			}
		}
		c.SetTime(uint64(time.Now().UnixNano()))
		st := uint8(exanic.StatusOK)
		if *bad > 0 && (i+1)%*bad == 0 {
			st = exanic.StatusCorrupt
		}
		w.Send(exanic.WithFCS(udpFrame(i, *size)), st)
	}
	fmt.Printf("sent %d frames\n", *count)
}

// udpFrame is an Ethernet/IPv4/UDP frame 10.0.0.2:9 -> 10.0.0.1:9 whose
// payload starts with seq.
func udpFrame(seq, n int) []byte {
	if n < 4 {
		n = 4
	}
	f := make([]byte, 14+20+8+n)
	copy(f, []byte{0x64, 0x1b, 0x21, 0, 1, 0, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00})
	ip := f[14:34]
	ip[0], ip[8], ip[9] = 0x45, 64, 17
	binary.BigEndian.PutUint16(ip[2:], uint16(20+8+n))
	binary.BigEndian.PutUint16(ip[4:], uint16(seq))
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
	binary.BigEndian.PutUint16(udp[0:], 9)
	binary.BigEndian.PutUint16(udp[2:], 9)
	binary.BigEndian.PutUint16(udp[4:], uint16(8+n))
	binary.BigEndian.PutUint32(f[42:], uint32(seq))
	return f
}
