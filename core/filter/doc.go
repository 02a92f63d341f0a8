// Package filter compiles pcap-filter(7) expressions to classic BPF, as
// pcap_compile does: a lexer and a parser that generate code as they reduce
// (so link-layer state such as "vlan" or "mpls" changes the offsets of what
// follows, as in libpcap), code generators for every link type, an
// optimiser, and the conversion of the block graph to instructions.
//
// Files: ir.go (statements, blocks, and/or/not), load.go (offsets and
// loads), compile.go (the entry point), lex.go and parse.go (the language),
// link*.go (link layers), net*.go (network and transport layers and address
// qualifiers), opt*.go (optimiser) and emit.go (block graph to instructions).
package filter
