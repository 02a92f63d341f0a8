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

// udpFrame is a UDP frame to the port's MAC whose n-byte payload (at
// least 4) starts with seq.
func udpFrame(seq, n int) []byte {
	payload := make([]byte, max(n, 4))
	binary.BigEndian.PutUint32(payload, uint32(seq))
	return exanic.UDPFrame([6]byte{0x64, 0x1b, 0x21, 0, 1, 0}, 9, uint16(seq), payload)
}
