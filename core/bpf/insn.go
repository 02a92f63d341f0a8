package bpf

// Insn is one classic BPF instruction, laid out as struct bpf_insn.
type Insn struct {
	Code uint16
	JT   uint8
	JF   uint8
	K    uint32
}

// Instruction classes.
const (
	LD   = 0x00
	LDX  = 0x01
	ST   = 0x02
	STX  = 0x03
	ALU  = 0x04
	JMP  = 0x05
	RET  = 0x06
	MISC = 0x07
)

// Load sizes.
const (
	W = 0x00
	H = 0x08
	B = 0x10
)

// Load modes.
const (
	IMM = 0x00
	ABS = 0x20
	IND = 0x40
	MEM = 0x60
	LEN = 0x80
	MSH = 0xa0
)

// ALU operations.
const (
	ADD = 0x00
	SUB = 0x10
	MUL = 0x20
	DIV = 0x30
	OR  = 0x40
	AND = 0x50
	LSH = 0x60
	RSH = 0x70
	NEG = 0x80
	MOD = 0x90
	XOR = 0xa0
)

// Jump operations.
const (
	JA   = 0x00
	JEQ  = 0x10
	JGT  = 0x20
	JGE  = 0x30
	JSET = 0x40
)

// Operand sources and return value sources.
const (
	K = 0x00
	X = 0x08
	A = 0x10
)

// MISC operations.
const (
	TAX = 0x00
	TXA = 0x80
)

// MemWords is the number of scratch memory cells (BPF_MEMWORDS).
const MemWords = 16

// Field accessors, as the BPF_CLASS/BPF_SIZE/... macros.
func Class(code uint16) uint16  { return code & 0x07 }
func Size(code uint16) uint16   { return code & 0x18 }
func Mode(code uint16) uint16   { return code & 0xe0 }
func Op(code uint16) uint16     { return code & 0xf0 }
func Src(code uint16) uint16    { return code & 0x08 }
func RVal(code uint16) uint16   { return code & 0x18 }
func MiscOp(code uint16) uint16 { return code & 0xf8 }
