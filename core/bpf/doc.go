// Package bpf holds the classic BPF instruction set as the filter compiler
// and the tests use it: opcode constants, the instruction type, the text
// form bpf_image prints, a parser for that text, and a reference
// interpreter with bpf_filter's exact semantics (used to check that two
// programs mean the same thing).
package bpf
