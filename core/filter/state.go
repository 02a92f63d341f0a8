package filter

// absOffset is where something starts in the packet: a constant, plus, when
// isVariable, the value of scratch register reg, which a prologue computed
// (radiotap, PPI, AVS/Prism headers, and what follows variable-length
// VLAN/encapsulation headers). reg is -1 until a register is allocated.
type absOffset struct {
	constPart  uint32
	isVariable bool
	reg        int
}

// notSet marks an offset the current link type does not have.
const notSet = ^uint32(0)

// Options are the inputs of pcap_compile besides the expression.
type Options struct {
	DLT      int    // the handle's link-layer type (DLT_ value)
	Snaplen  uint32 // the handle's snapshot length; ret #Snaplen accepts
	Netmask  uint32 // PCAP_NETMASK_UNKNOWN (0xffffffff) when unknown
	Optimize bool
	// Live is true for a live capture handle (some primitives exist only
	// there: "inbound"/"outbound"/"ifindex" off cooked link types).
	Live bool
	// LinuxExt allows the Linux kernel's ancillary loads (SKF_AD_*), for
	// programs the live source attaches to a socket.
	LinuxExt bool
	// Swapped is true when compiling against a savefile written in the
	// other byte order: link types whose header holds a host-order value
	// (DLT_NULL/ENC/PFLOG address family) compare it byte-swapped.
	Swapped bool
	// Savefile is true when compiling against a savefile (pcap_open_offline
	// handle): DLT_NULL/LOOP/ENC/PFLOG then test every byte order and
	// every platform's AF_INET6 value, not only this host's.
	Savefile bool
}

// compiler is the state of one pcap_compile call.
type compiler struct {
	opts Options

	blocks []*block

	regUsed [16]bool
	curReg  int

	// noOptimize is set by generators whose code the optimiser must not
	// touch (protochain's loop).
	noOptimize bool

	// optBudget bounds the optimiser's work (see optimizer.spend);
	// optWork is what it spent.
	optBudget, optWork int64

	// Link-layer layout, set by initLinktype and changed as the parser
	// meets vlan, mpls, pppoes, geneve and vxlan: each shifts what the
	// following primitives load.
	//
	// linktype is the current link type (geneve switches it to Ethernet
	// for what follows); prevLinktype and outermostLinktype are the
	// enclosing ones.
	linktype          int
	prevLinktype      int
	outermostLinktype int

	offOutermostLinkhdr absOffset
	offPrevLinkhdr      absOffset
	offLinkhdr          absOffset // the link-layer header
	offLinktype         absOffset // the type/length field, constPart notSet if none
	offLinkpl           absOffset // the link-layer payload
	offNl               uint32    // network layer, relative to offLinkpl
	offNlNosnap         uint32    // network layer when no 802.2 SNAP header

	labelStackDepth int  // MPLS labels seen so far
	vlanStackDepth  int  // VLAN tags seen so far
	isEncap         bool // inside geneve/vxlan

	// SunATM fields.
	isATM                                bool
	offVPI, offVCI, offProto, offPayload uint32
	// MTP2/MTP3 fields.
	offLi, offLiHsl, offSio, offOpc, offDpc, offSls uint32
	// FDDI padding before the frame control byte.
	fddipad uint32

	// isVlanVloffset is set (by "vlan" with Linux VLAN extensions) when
	// the link payload and type offsets have a variable part that the
	// prologue must initialise to 0 (link*.go reads it).
	isVlanVloffset bool
	// ppiCheck is the per-packet DLT check genPPIDLTCheck returned, so
	// that insertComputeVloffsets puts the prologue after it (link*.go).
	ppiCheck *block
}
