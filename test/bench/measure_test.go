package bench

import (
	"bufio"
	"context"
	"encoding/binary"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pcapshim/pcapshim/test/testutil"
)

// sample is one run of a host program: wall and CPU time, peak RSS.
type sample struct {
	wall, cpu time.Duration
	rssKB     int64
}

// measure runs argv against lib with stdout and stderr discarded (as
// `> /dev/null`), and fails the benchmark if it does not exit 0.
func measure(b *testing.B, lib testutil.Env, argv ...string) sample {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "LD_LIBRARY_PATH=") && !strings.HasPrefix(e, "LD_PRELOAD=") {
			cmd.Env = append(cmd.Env, e)
		}
	}
	if lib == testutil.Ours {
		cmd.Env = append(cmd.Env, "LD_LIBRARY_PATH="+testutil.LibDir(b))
	}
	var errb strings.Builder
	cmd.Stderr = &errb
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		b.Fatalf("%v (%s): %v\n%s", argv, libName(lib), err, errb.String())
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return sample{wall: wall, cpu: cpu, rssKB: ru.Maxrss}
}

func libName(lib testutil.Env) string {
	if lib == testutil.Ours {
		return "ours"
	}
	return "libpcap"
}

// interleave runs f for the system libpcap and ours alternately, n times
// each (A B A B …), so load changes on a shared machine hit both alike.
func interleave(n int, f func(lib testutil.Env)) {
	for i := 0; i < n; i++ {
		f(testutil.System)
		f(testutil.Ours)
	}
}

// writeTraffic writes an Ethernet capture of n packets of real IPv4
// traffic with a realistic size mix: TCP to port 80 and 443 (ACKs and
// full segments), DNS over UDP 53, and other UDP.
func writeTraffic(b *testing.B, path string, n int) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	le, be := binary.LittleEndian, binary.BigEndian
	for _, v := range []uint32{0xa1b2c3d4, 4<<16 | 2, 0, 0, 262144, 1} {
		_ = binary.Write(w, le, v)
	}
	type kind struct {
		proto    byte
		dport    uint16
		payloads []int
	}
	kinds := []kind{
		{6, 80, []int{0, 0, 1460, 517}}, {6, 443, []int{0, 1460, 0, 1200}},
		{17, 53, []int{40, 120}}, {17, 5000, []int{300, 1000}},
	}
	frame := make([]byte, 1514)
	for i := 0; i < n; i++ {
		k := kinds[i%len(kinds)]
		pl := k.payloads[(i/len(kinds))%len(k.payloads)]
		l4 := 20
		if k.proto == 17 {
			l4 = 8
		}
		size := 14 + 20 + l4 + pl
		clear(frame[:size])
		copy(frame[0:6], []byte{2, 0, 0, 0, 0, 1})
		copy(frame[6:12], []byte{2, 0, 0, 0, 0, 2})
		be.PutUint16(frame[12:], 0x0800)
		ip := frame[14:]
		ip[0], ip[8], ip[9] = 0x45, 64, k.proto
		be.PutUint16(ip[2:], uint16(20+l4+pl))
		be.PutUint16(ip[4:], uint16(i))
		be.PutUint32(ip[12:], 0x0a000001+uint32(i%200))
		be.PutUint32(ip[16:], 0x0a010001+uint32(i%50))
		var sum uint32
		for j := 0; j < 20; j += 2 {
			sum += uint32(be.Uint16(ip[j:]))
		}
		for sum > 0xffff {
			sum = sum&0xffff + sum>>16
		}
		be.PutUint16(ip[10:], ^uint16(sum))
		l := ip[20:]
		be.PutUint16(l[0:], uint16(30000+i%20000))
		be.PutUint16(l[2:], k.dport)
		if k.proto == 6 {
			be.PutUint32(l[4:], uint32(i)*1460)
			be.PutUint32(l[8:], uint32(i))
			l[12], l[13] = 5<<4, 0x10 // ACK
			if pl > 0 {
				l[13] |= 0x08 // PSH
			}
			be.PutUint16(l[14:], 502)
		} else {
			be.PutUint16(l[4:], uint16(8+pl))
		}
		for j := 0; j < pl; j++ {
			l[l4+j] = byte('a' + j%26)
		}
		ts := []uint32{uint32(1700000000 + i/100000), uint32(i % 100000 * 10), uint32(size), uint32(size)}
		for _, v := range ts {
			_ = binary.Write(w, le, v)
		}
		w.Write(frame[:size])
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
}
