package exanic

import (
	"sync/atomic"
	"unsafe"
)

// Clock expands the card's 32-bit chunk timestamps (spec §5).
type Clock struct {
	regs []byte // register window, read with aligned 32-bit loads only
	info []byte // info page, or nil
	Hz   uint64 // ticks per second; 0: no hardware time stamps
	hi   bool   // CAPS has HW_TIME_HI
}

func newClock(regs, info []byte) *Clock {
	c := &Clock{regs: regs, info: info}
	c.Hz = uint64(c.reg(RegClkHz))
	c.hi = c.reg(RegCaps)&CapHWTimeHi != 0
	if !c.hi && (info == nil || c.infoTime() == 0) {
		c.Hz = 0 // nothing to expand against
	}
	return c
}

func (c *Clock) reg(i int) uint32 {
	return atomic.LoadUint32((*uint32)(unsafe.Pointer(&c.regs[4*i])))
}

func (c *Clock) infoTime() int64 {
	return int64(atomic.LoadUint64((*uint64)(unsafe.Pointer(&c.info[0]))))
}

// regTime reads the 64-bit counter as hi, lo, hi.
func (c *Clock) regTime() int64 {
	h1 := c.reg(RegHWTimeHi)
	lo := c.reg(RegHWTime)
	h2 := c.reg(RegHWTimeHi)
	hi := h1
	if h1 != h2 && lo < 0x80000000 {
		hi = h2
	}
	return int64(uint64(hi)<<32 | uint64(lo))
}

// Base is the 64-bit reference time stamps are expanded against: the info
// page's hw_time, or the registers when the page is 0 and the card has the
// high word.
func (c *Clock) Base() int64 {
	if c.info != nil {
		if t := c.infoTime(); t != 0 || !c.hi {
			return t
		}
	}
	if c.hi {
		return c.regTime()
	}
	return 0
}

// Expand returns the tick count nearest base whose low 32 bits are ts.
func Expand(base int64, ts uint32) int64 {
	return base + int64(int32(ts-uint32(base)))
}

// Nanos converts ticks since the epoch to nanoseconds.
func (c *Clock) Nanos(ticks int64) int64 {
	if c.Hz == 0 || ticks < 0 {
		return 0
	}
	hz := int64(c.Hz)
	return ticks/hz*1e9 + ticks%hz*1e9/hz
}
