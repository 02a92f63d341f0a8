package filter

import "github.com/pcapshim/pcapshim/core/bpf"

// Value numbering: every distinct computation (an opcode applied to
// operands that are constants or earlier value numbers) gets a number,
// so equal numbers mean equal values. Each block records the value
// number every atom holds on exit; on entry an atom keeps a number only
// if all predecessors agree on it.

// valueKey identifies a computation.
type valueKey struct {
	code   int
	v0, v1 uint32
}

// constInfo says whether a value number is a known constant.
type constInfo struct {
	known bool
	v     uint32
}

// resetValues forgets all value numbers (done at the start of a pass).
func (o *optimizer) resetValues() {
	o.values = make(map[valueKey]uint32)
	o.consts = o.consts[:0]
	o.consts = append(o.consts, constInfo{}) // valUnknown
}

// value returns the number of the computation code(v0, v1), making a
// new one if needed. Immediate loads are the constants.
func (o *optimizer) value(code int, v0, v1 uint32) uint32 {
	key := valueKey{code, v0, v1}
	if v, ok := o.values[key]; ok {
		return v
	}
	v := uint32(len(o.consts))
	ci := constInfo{}
	c := uint16(code)
	if bpf.Mode(c) == bpf.IMM && (bpf.Class(c) == bpf.LD || bpf.Class(c) == bpf.LDX) {
		ci = constInfo{known: true, v: v0}
	}
	o.consts = append(o.consts, ci)
	o.values[key] = v
	return v
}

// konst is the value number of constant k.
func (o *optimizer) konst(k uint32) uint32 { return o.value(int(bpf.LD|bpf.IMM), k, 0) }

// isConst reports whether value number v is a known constant.
func (o *optimizer) isConst(v uint32) bool { return o.consts[v].known }

// constOf is the constant of value number v.
func (o *optimizer) constOf(v uint32) uint32 { return o.consts[v].v }

// store records that the statement s sets *slot to v. When rewriting
// and the slot already holds v, s is redundant and deleted.
func store(s *stmt, slot *uint32, v uint32, alter bool) {
	if alter && v != valUnknown && *slot == v {
		s.code = nopCode
		return
	}
	*slot = v
}

// evalStmt updates val (the atoms' value numbers) for statement s. With
// alter it also simplifies s: constant folding, loads with a known index
// turned absolute, redundant loads and stores removed.
func (o *optimizer) evalStmt(s *stmt, val *[nAtoms]uint32, alter bool) {
	code := s.code
	switch {
	case code == nopCode:
		return

	case code == bpf.LD|bpf.ABS|bpf.W, code == bpf.LD|bpf.ABS|bpf.H, code == bpf.LD|bpf.ABS|bpf.B:
		store(s, &val[atomA], o.value(int(code), s.k, 0), alter)

	case code == bpf.LD|bpf.IND|bpf.W, code == bpf.LD|bpf.IND|bpf.H, code == bpf.LD|bpf.IND|bpf.B:
		x := val[atomX]
		var v uint32
		if alter && o.isConst(x) {
			s.code = bpf.LD | bpf.ABS | bpf.Size(code)
			s.k += o.constOf(x)
			v = o.value(int(s.code), s.k, 0)
			o.changed(false)
		} else {
			v = o.value(int(code), s.k, x)
		}
		store(s, &val[atomA], v, alter)

	case code == bpf.LD|bpf.LEN:
		store(s, &val[atomA], o.value(int(code), 0, 0), alter)

	case code == bpf.LD|bpf.IMM:
		store(s, &val[atomA], o.konst(s.k), alter)

	case code == bpf.LDX|bpf.IMM:
		store(s, &val[atomX], o.konst(s.k), alter)

	case code == bpf.LDX|bpf.MSH|bpf.B:
		store(s, &val[atomX], o.value(int(code), s.k, 0), alter)

	case code == bpf.ALU|bpf.NEG:
		a := val[atomA]
		if alter && o.isConst(a) {
			s.code = bpf.LD | bpf.IMM
			s.k = -o.constOf(a)
			val[atomA] = o.konst(s.k)
		} else {
			val[atomA] = o.value(int(code), a, 0)
		}

	case bpf.Class(code) == bpf.ALU && isBinaryALU(bpf.Op(code)) && bpf.Src(code) == bpf.K:
		o.evalALUConst(s, val, alter)

	case bpf.Class(code) == bpf.ALU && isBinaryALU(bpf.Op(code)) && bpf.Src(code) == bpf.X:
		o.evalALUIndex(s, val, alter)

	case code == bpf.MISC|bpf.TXA:
		store(s, &val[atomA], val[atomX], alter)

	case code == bpf.LD|bpf.MEM, code == bpf.LDX|bpf.MEM:
		m := memAtom(s.k)
		if m < 0 {
			return
		}
		v := val[m]
		if alter && o.isConst(v) {
			if code == bpf.LD|bpf.MEM {
				s.code = bpf.LD | bpf.IMM
			} else {
				s.code = bpf.LDX | bpf.IMM
			}
			s.k = o.constOf(v)
			o.changed(false)
		}
		if code == bpf.LD|bpf.MEM {
			store(s, &val[atomA], v, alter)
		} else {
			store(s, &val[atomX], v, alter)
		}

	case code == bpf.MISC|bpf.TAX:
		store(s, &val[atomX], val[atomA], alter)

	case code == bpf.ST, code == bpf.STX:
		m := memAtom(s.k)
		if m < 0 {
			return
		}
		src := val[atomA]
		if code == bpf.STX {
			src = val[atomX]
		}
		store(s, &val[m], src, alter)
	}
}

// isBinaryALU reports whether op is one of the two-operand ALU
// operations the optimiser knows.
func isBinaryALU(op uint16) bool {
	switch op {
	case bpf.ADD, bpf.SUB, bpf.MUL, bpf.DIV, bpf.MOD, bpf.AND, bpf.OR, bpf.XOR, bpf.LSH, bpf.RSH:
		return true
	}
	return false
}

// evalALUConst handles "A = A op #k".
func (o *optimizer) evalALUConst(s *stmt, val *[nAtoms]uint32, alter bool) {
	op := bpf.Op(s.code)
	if alter {
		if s.k == 0 {
			switch op {
			case bpf.ADD, bpf.LSH, bpf.RSH, bpf.OR, bpf.XOR:
				// No effect. (A "sub #0" stays: the generated
				// arithmetic may rely on it.)
				s.code = nopCode
				return
			case bpf.MUL, bpf.AND:
				s.code = bpf.LD | bpf.IMM
				val[atomA] = o.konst(s.k)
				return
			case bpf.DIV:
				o.c.fail("division by zero")
			case bpf.MOD:
				o.c.fail("modulus by zero")
			}
		}
		if op == bpf.AND && s.k == 0xffffffff {
			// No effect either (libpcap master's output drops it).
			s.code = nopCode
			return
		}
		if o.isConst(val[atomA]) {
			o.fold(s, val[atomA], o.konst(s.k))
			val[atomA] = o.konst(s.k)
			return
		}
	}
	val[atomA] = o.value(int(s.code), val[atomA], o.konst(s.k))
}

// evalALUIndex handles "A = A op X".
func (o *optimizer) evalALUIndex(s *stmt, val *[nAtoms]uint32, alter bool) {
	op := bpf.Op(s.code)
	if alter && o.isConst(val[atomX]) {
		if o.isConst(val[atomA]) {
			o.fold(s, val[atomA], val[atomX])
			val[atomA] = o.konst(s.k)
			return
		}
		s.code = bpf.ALU | bpf.K | op
		s.k = o.constOf(val[atomX])
		if (op == bpf.LSH || op == bpf.RSH) && s.k > 31 {
			o.c.fail("shift by more than 31 bits")
		}
		o.changed(false)
		val[atomA] = o.value(int(s.code), val[atomA], o.konst(s.k))
		return
	}
	// Operations on an accumulator known to be 0.
	if alter && o.isConst(val[atomA]) && o.constOf(val[atomA]) == 0 {
		switch op {
		case bpf.ADD, bpf.OR, bpf.XOR:
			s.code = bpf.MISC | bpf.TXA
			store(s, &val[atomA], val[atomX], alter)
			return
		case bpf.MUL, bpf.DIV, bpf.MOD, bpf.AND, bpf.LSH, bpf.RSH:
			s.code = bpf.LD | bpf.IMM
			s.k = 0
			store(s, &val[atomA], o.konst(s.k), alter)
			return
		}
	}
	val[atomA] = o.value(int(s.code), val[atomA], val[atomX])
}

// fold replaces the ALU statement s, whose operands have the constant
// value numbers v0 and v1, with a load of the result.
func (o *optimizer) fold(s *stmt, v0, v1 uint32) {
	a, b := o.constOf(v0), o.constOf(v1)
	switch bpf.Op(s.code) {
	case bpf.ADD:
		a += b
	case bpf.SUB:
		a -= b
	case bpf.MUL:
		a *= b
	case bpf.DIV:
		if b == 0 {
			o.c.fail("division by zero")
		}
		a /= b
	case bpf.MOD:
		if b == 0 {
			o.c.fail("modulus by zero")
		}
		a %= b
	case bpf.AND:
		a &= b
	case bpf.OR:
		a |= b
	case bpf.XOR:
		a ^= b
	case bpf.LSH:
		if b < 32 {
			a <<= b
		} else {
			a = 0
		}
	case bpf.RSH:
		if b < 32 {
			a >>= b
		} else {
			a = 0
		}
	}
	s.k = a
	s.code = bpf.LD | bpf.IMM
	o.changed(false)
}
