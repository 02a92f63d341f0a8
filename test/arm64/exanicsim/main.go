// Command exanicsim drives the ExaNIC simulator inside the arm64 test guest
// (test/arm64/init.sh; test/arm64/run.sh builds it for arm64).
//
//	exanicsim DIR N
//
// makes a simulated card in DIR (port exsim0, 10.0.0.1/24), prints "ready",
// waits (at most 120 s) for DIR/go to exist, sends N UDP frames on port 0,
// writes the same frames to DIR/expected.pcap (for Debian's tcpdump to read
// as the oracle), prints "sent N" and waits (at most 120 s) for DIR/done
// before unmapping the card.
package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/pcapshim/pcapshim/exanic"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: exanicsim DIR N")
		os.Exit(2)
	}
	dir := os.Args[1]
	n, err := strconv.Atoi(os.Args[2])
	if err != nil || n < 1 || n > 10000 {
		fmt.Fprintln(os.Stderr, "exanicsim: N must be 1..10000")
		os.Exit(2)
	}
	card, err := exanic.CreateSim(dir, exanic.SimConfig{
		Ports: []exanic.SimPort{{Name: "exsim0", IP: "10.0.0.1/24"}},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "exanicsim:", err)
		os.Exit(1)
	}
	defer card.Close()
	fmt.Println("ready")
	if !waitFile(filepath.Join(dir, "go")) {
		fmt.Fprintln(os.Stderr, "exanicsim: no", filepath.Join(dir, "go"), "within 120 s")
		os.Exit(1)
	}
	var frames [][]byte
	for i := 0; i < n; i++ {
		f := frame(i)
		frames = append(frames, f)
		card.Port(0).Send(exanic.WithFCS(f), exanic.StatusOK)
	}
	if err := writePcap(filepath.Join(dir, "expected.pcap"), frames); err != nil {
		fmt.Fprintln(os.Stderr, "exanicsim:", err)
		os.Exit(1)
	}
	fmt.Println("sent", n)
	waitFile(filepath.Join(dir, "done"))
}

func waitFile(path string) bool {
	for i := 0; i < 1200; i++ {
		if _, err := os.Stat(path); err == nil {
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false
}

// frame i: UDP 10.0.0.2:4000+i -> 10.0.0.1:9 with a payload of 18+i%40
// bytes i, i+1, ….
func frame(i int) []byte {
	payload := make([]byte, 18+i%40)
	for j := range payload {
		payload[j] = byte(i + j)
	}
	return exanic.UDPFrame([6]byte{0x02, 0, 0, 0, 0, 0x01}, uint16(4000+i), uint16(i), payload)
}

// writePcap writes frames as a microsecond pcap file, Ethernet, all stamped
// at 0 (the guest compares lines without their time stamps).
func writePcap(path string, frames [][]byte) error {
	var out []byte
	hdr := make([]byte, 24)
	binary.LittleEndian.PutUint32(hdr[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], 262144)
	binary.LittleEndian.PutUint32(hdr[20:], 1)
	out = append(out, hdr...)
	for _, f := range frames {
		rec := make([]byte, 16)
		binary.LittleEndian.PutUint32(rec[8:], uint32(len(f)))
		binary.LittleEndian.PutUint32(rec[12:], uint32(len(f)))
		out = append(out, rec...)
		out = append(out, f...)
	}
	return os.WriteFile(path, out, 0o644)
}
