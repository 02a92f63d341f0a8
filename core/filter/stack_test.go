package filter

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/pcapshim/pcapshim/core/bpf"
	"github.com/pcapshim/pcapshim/test/conformance/vectors"
)

// These tests drive the encapsulation and link-specific generators
// directly, the way the parser calls them, so that they can be checked
// against libpcap master's unoptimised programs without the rest of the
// compiler.

// stkBuild generates one expression with the compiler's generators.
type stkBuild func(c *compiler) *block

// stkAnd is "b0 and b1 and ...", generated left to right.
func stkAnd(parts ...stkBuild) stkBuild {
	return func(c *compiler) *block {
		b := parts[0](c)
		for _, p := range parts[1:] {
			n := p(c)
			c.genAnd(b, n)
			b = n
		}
		return b
	}
}

// stkOr is "b0 or b1 or ...".
func stkOr(parts ...stkBuild) stkBuild {
	return func(c *compiler) *block {
		b := parts[0](c)
		for _, p := range parts[1:] {
			n := p(c)
			c.genOr(b, n)
			b = n
		}
		return b
	}
}

func stkNot(p stkBuild) stkBuild {
	return func(c *compiler) *block {
		b := p(c)
		c.genNot(b)
		return b
	}
}

func bVlan(n uint32, has bool) stkBuild {
	return func(c *compiler) *block { return c.genVlan(n, has) }
}
func bMpls(n uint32, has bool) stkBuild {
	return func(c *compiler) *block { return c.genMpls(n, has) }
}
func bPppoes(n uint32, has bool) stkBuild {
	return func(c *compiler) *block { return c.genPppoes(n, has) }
}
func bGeneve(n uint32, has bool) stkBuild {
	return func(c *compiler) *block { return c.genGeneve(n, has) }
}
func bVxlan(n uint32, has bool) stkBuild {
	return func(c *compiler) *block { return c.genVxlan(n, has) }
}
func bInbound(out bool) stkBuild {
	return func(c *compiler) *block { return c.genInbound(out) }
}
func bIfindex(n int) stkBuild {
	return func(c *compiler) *block { return c.genIfindex(n) }
}
func bLinkProto(v uint32) stkBuild {
	return func(c *compiler) *block { return c.genLinktype(v) }
}
func bAtmField(f int, v uint32, op uint16, rev bool) stkBuild {
	return func(c *compiler) *block { return c.genAtmfieldCode(f, v, op, rev) }
}
func bAtmType(t int) stkBuild {
	return func(c *compiler) *block { return c.genAtmtypeAbbrev(t) }
}
func bAtmMulti(t int) stkBuild {
	return func(c *compiler) *block { return c.genAtmmultiAbbrev(t) }
}
func bMtp2(t int) stkBuild {
	return func(c *compiler) *block { return c.genMtp2typeAbbrev(t) }
}
func bMtp3(f int, v uint32, op uint16, rev bool) stkBuild {
	return func(c *compiler) *block { return c.genMtp3fieldCode(f, v, op, rev) }
}
func bWlanType(t, m uint32) stkBuild {
	return func(c *compiler) *block { return c.genP80211Type(t, m) }
}
func bWlanDir(d uint32) stkBuild {
	return func(c *compiler) *block { return c.genP80211Fcdir(d) }
}

// stkCompile runs build under the options of case vc as Compile would
// (without the parser and the optimiser).
func stkCompile(vc *vectors.Case, build stkBuild) (prog []bpf.Insn, err error) {
	o := Options{
		DLT:      vectors.DLTValue(vc.DLT),
		Snaplen:  vc.SnaplenOr262144(),
		Netmask:  0xffffffff,
		LinuxExt: vc.NeedsLinuxExt(),
	}
	c := &compiler{opts: o}
	defer func() {
		if r := recover(); r != nil {
			ce, ok := r.(compileError)
			if !ok {
				panic(r)
			}
			prog, err = nil, ce
		}
	}()
	c.initLinktype()
	b := build(c)
	return c.emit(c.finish(b)), nil
}

// stkAccept maps accept-case labels (unoptimised ones) to the generator
// calls their expressions make.
var stkAccept = map[string]stkBuild{
	"accept_vlan_eth_nullary_unopt_0":                 bVlan(0, false),
	"accept_vlan_eth_unary_unopt_0":                   bVlan(4095, true),
	"accept_vlan_and_vlan_eth_unopt_0":                stkAnd(bVlan(0, false), bVlan(0, false)),
	"accept_vlan_netanalyzer_nullary_unopt_0":         bVlan(0, false),
	"accept_vlan_netanalyzer_unary_unopt_0":           bVlan(10, true),
	"accept_vlan_eth_linuxext_nullary_unopt_0":        bVlan(0, false),
	"accept_vlan_eth_linuxext_unary_unopt_0":          bVlan(10, true),
	"accept_vlan_and_vlan_eth_linuxext_unopt_0":       stkAnd(bVlan(0, false), bVlan(0, false)),
	"accept_vlan_DSA_TAG_BRCM_unopt_0":                bVlan(0, false),
	"accept_vlan_linuxext_DSA_TAG_BRCM_unopt_0":       bVlan(0, false),
	"accept_vlan_num_DSA_TAG_BRCM_unopt_0":            bVlan(500, true),
	"accept_vlan_num_linuxext_DSA_TAG_BRCM_unopt_0":   bVlan(500, true),
	"accept_vlan_DSA_TAG_DSA_unopt_0":                 bVlan(0, false),
	"accept_vlan_num_linuxext_DSA_TAG_DSA_unopt_0":    bVlan(500, true),
	"accept_mpls_eth_nullary_unopt_0":                 bMpls(0, false),
	"accept_mpls_eth_unary_unopt_0":                   bMpls(100, true),
	"accept_mpls_and_mpls_eth_unopt_0":                stkAnd(bMpls(0, false), bMpls(0, false)),
	"accept_mpls_ppp_unary_unopt_0":                   bMpls(100, true),
	"accept_pppoes_mpls_unary_unopt_0":                stkAnd(bPppoes(0, false), bMpls(123, true)),
	"accept_mpls_nullary_DSA_TAG_BRCM_unopt_0":        bMpls(0, false),
	"accept_mpls_unary_DSA_TAG_DSA_unopt_0":           bMpls(12345, true),
	"accept_mpls_and_mpls_DSA_TAG_BRCM_unopt_0":       stkAnd(bMpls(12345, true), bMpls(6789, true)),
	"accept_pppoed_unopt_0":                           func(c *compiler) *block { return c.genPppoed() },
	"accept_pppoes_nullary_unopt_0":                   bPppoes(0, false),
	"accept_pppoes_unary_unopt_0":                     bPppoes(1234, true),
	"accept_geneve_nullary_unopt_0":                   bGeneve(0, false),
	"accept_geneve_unary_unopt_0":                     bGeneve(12345, true),
	"accept_geneve_and_geneve_unopt_0":                stkAnd(bGeneve(0, false), bGeneve(0, false)),
	"accept_vxlan_nullary_unopt_0":                    bVxlan(0, false),
	"accept_vxlan_unary_unopt_0":                      bVxlan(12345, true),
	"accept_vxlan_and_vxlan_unopt_0":                  stkAnd(bVxlan(0, false), bVxlan(0, false)),
	"accept_linux_sll_inbound_unopt_0":                bInbound(false),
	"accept_linux_sll_outbound_unopt_0":               bInbound(true),
	"accept_linux_sll2_inbound_unopt_0":               bInbound(false),
	"accept_linux_sll2_outbound_unopt_0":              bInbound(true),
	"accept_slip_inbound_unopt_0":                     bInbound(false),
	"accept_slip_outbound_unopt_0":                    bInbound(true),
	"accept_ipnet_inbound_unopt_0":                    bInbound(false),
	"accept_ipnet_outbound_unopt_0":                   bInbound(true),
	"accept_pflog_inbound_unopt_0":                    bInbound(false),
	"accept_pflog_outbound_unopt_0":                   bInbound(true),
	"accept_ppp_pppd_inbound_unopt_0":                 bInbound(false),
	"accept_ppp_pppd_oubound_unopt_0":                 bInbound(true),
	"accept_juniper_mfr_inbound_unopt_0":              bInbound(false),
	"accept_juniper_mfr_outbound_unopt_0":             bInbound(true),
	"accept_inbound_DSA_TAG_BRCM_unopt_0":             bInbound(false),
	"accept_outbound_DSA_TAG_BRCM_unopt_0":            bInbound(true),
	"accept_inbound_DSA_TAG_DSA_unopt_0":              bInbound(false),
	"accept_outbound_DSA_TAG_DSA_unopt_0":             bInbound(true),
	"accept_inbound_linuxext_unopt_0":                 bInbound(false),
	"accept_outbound_linuxext_unopt_0":                bInbound(true),
	"accept_ifindex_linuxext_unopt_0":                 bIfindex(10),
	"accept_linux_sll2_ifindex_unopt_0":               bIfindex(7),
	"accept_pflog_ifname_unopt_0":                     func(c *compiler) *block { return c.genPfIfname("testname1") },
	"accept_pflog_rset_unopt_0":                       func(c *compiler) *block { return c.genPfRuleset("testruleset2") },
	"accept_pflog_rnr_unopt_0":                        func(c *compiler) *block { return c.genPfRnr(0x456789) },
	"accept_pflog_srnr_unopt_0":                       func(c *compiler) *block { return c.genPfSrnr(123) },
	"accept_pflog_reason_congestion_unopt_0":          func(c *compiler) *block { return c.genPfReason(7) },
	"accept_pflog_action_block_unopt_0":               func(c *compiler) *block { return c.genPfAction(1) },
	"accept_wlan_type_data_unopt_0":                   bWlanType(0x08, 0x0c),
	"accept_wlan_dir_fromds_unopt_0":                  bWlanDir(2),
	"accept_wlan_dir_fromds_IEEE802_11_RADIO_unopt_0": bWlanDir(2),
	"accept_wlan_dir_fromds_PRISM_HEADER_unopt_0":     bWlanDir(2),
	"accept_llc_PPI_unopt_1":                          bWlanType(0x08, 0x0c),
	"accept_wlan_subtype_ack_unopt_3":                 bWlanType(0xd4, 0xfc),
	"accept_atm_vpi_unopt_0":                          bAtmField(aVPI, 10, bpf.JEQ, false),
	"accept_atm_vpi_le_unopt_0":                       bAtmField(aVPI, 102, bpf.JGT, true),
	"accept_atm_vpi_lt_unopt_0":                       bAtmField(aVPI, 103, bpf.JGE, true),
	"accept_atm_vci_ne_unopt_0":                       stkNot(bAtmField(aVCI, 20005, bpf.JEQ, false)),
	"accept_atm_vci_nary_unopt_0": stkOr(bAtmField(aVCI, 10, bpf.JEQ, false),
		bAtmField(aVCI, 0xdb, bpf.JEQ, false), bAtmField(aVCI, 0700, bpf.JEQ, false)),
	"accept_atm_lane_unopt_0":                      bAtmType(aLANE),
	"accept_atm_oamf4sc_unopt_0":                   bAtmType(aOAMF4SC),
	"accept_atm_oamf4ec_unopt_0":                   bAtmType(aOAMF4EC),
	"accept_atm_oamf4_unopt_0":                     bAtmMulti(aOAMF4),
	"accept_atm_oamf4_unopt_1":                     bAtmMulti(aOAM),
	"accept_atm_metac_unopt_0":                     bAtmType(aMetaC),
	"accept_atm_bcc_unopt_0":                       bAtmType(aBCC),
	"accept_atm_sc_unopt_0":                        bAtmType(aSC),
	"accept_atm_ilmic_unopt_0":                     bAtmType(aILMIC),
	"accept_atm_connectmsg_unopt_0":                bAtmMulti(aConnectMsg),
	"accept_atm_metaconnect_unopt_0":               bAtmMulti(aMetaConnect),
	"accept_llc_SUNATM_unopt_0":                    bAtmType(aLLC),
	"accept_lane_and_link_proto_ip_SUNATM_unopt_0": stkAnd(bAtmType(aLANE), bLinkProto(0x800)),
	"accept_mtp2_fisu_unopt_0":                     bMtp2(mFISU),
	"accept_mtp2_lssu_unopt_0":                     bMtp2(mLSSU),
	"accept_mtp2_msu_unopt_0":                      bMtp2(mMSU),
	"accept_mtp2_hfisu_unopt_0":                    bMtp2(mhFISU),
	"accept_mtp2_hlssu_unopt_0":                    bMtp2(mhLSSU),
	"accept_mtp2_hmsu_unopt_0":                     bMtp2(mhMSU),
	"accept_mtp2_sio_unopt_0":                      bMtp3(mSIO, 0xd2, bpf.JEQ, false),
	"accept_mtp2_sio_gt_unopt_0":                   bMtp3(mSIO, 0xa1, bpf.JGT, false),
	"accept_mtp2_hsio_unopt_0":                     bMtp3(mhSIO, 0x41, bpf.JEQ, false),
	"accept_mtp3_dpc_unopt_0":                      bMtp3(mDPC, 0x31d6, bpf.JEQ, false),
	"accept_mtp3_dpc_le_unopt_0":                   bMtp3(mDPC, 0x1273, bpf.JGT, true),
	"accept_mtp3_opc_unopt_0":                      bMtp3(mOPC, 0x3b35, bpf.JEQ, false),
	"accept_mtp3_hopc_unopt_0":                     bMtp3(mhOPC, 0x3aba, bpf.JEQ, false),
	"accept_mtp3_hdpc_unopt_0":                     bMtp3(mhDPC, 0x0ab5, bpf.JEQ, false),
	"accept_mtp3_sls_unopt_0":                      bMtp3(mSLS, 3, bpf.JEQ, false),
	"accept_mtp3_sls_lt_unopt_0":                   bMtp3(mSLS, 5, bpf.JGE, true),
}

func stkLoad(t *testing.T) []vectors.Case {
	shared, ok := vectors.SharedDir()
	if !ok {
		t.Skip("conformance vectors not found")
	}
	cases, err := vectors.Load(shared)
	if err != nil {
		t.Fatal(err)
	}
	return cases
}

func TestStackAcceptVectors(t *testing.T) {
	cases := stkLoad(t)
	seen := map[string]bool{}
	pass := 0
	for i := range cases {
		vc := &cases[i]
		build, ok := stkAccept[vc.Label]
		if !ok || vc.Kind != "accept" {
			continue
		}
		seen[vc.Label] = true
		want, err := bpf.ParseImage(vc.Expected)
		if err != nil {
			t.Fatalf("%s: %v", vc.Label, err)
		}
		got, err := stkCompile(vc, build)
		if err != nil {
			t.Errorf("%s (%q on %s): %v", vc.Label, vc.Expr, vc.DLT, err)
			continue
		}
		if bpf.Dump(got) != bpf.Dump(want) {
			t.Errorf("%s (%q on %s):\ngot:\n%swant:\n%s", vc.Label, vc.Expr, vc.DLT, bpf.Dump(got), bpf.Dump(want))
			continue
		}
		pass++
	}
	for l := range stkAccept {
		if !seen[l] {
			t.Errorf("no accept case labelled %s", l)
		}
	}
	t.Logf("%d/%d accept cases identical", pass, len(seen))
}

// stkReject maps single-primitive expressions of reject cases to their
// generator calls.
var stkReject = map[string]stkBuild{
	"vlan":              bVlan(0, false),
	"vlan 4096":         bVlan(4096, true),
	"mpls":              bMpls(0, false),
	"mpls 1048576":      bMpls(1048576, true),
	"pppoes 65536":      bPppoes(65536, true),
	"geneve 123456789":  bGeneve(123456789, true),
	"vxlan 123456789":   bVxlan(123456789, true),
	"inbound":           bInbound(false),
	"outbound":          bInbound(true),
	"ifindex 2":         bIfindex(2),
	"reason congestion": func(c *compiler) *block { return c.genPfReason(7) },
	"vpi 1":             bAtmField(aVPI, 1, bpf.JEQ, false),
	"vpi 256":           bAtmField(aVPI, 256, bpf.JEQ, false),
	"vci 65536":         bAtmField(aVCI, 65536, bpf.JEQ, false),
	"fisu":              bMtp2(mFISU),
	"type data":         bWlanType(0x08, 0x0c),
	"dir fromds":        bWlanDir(2),
	"sio 256":           bMtp3(mSIO, 256, bpf.JEQ, false),
	"opc 16384":         bMtp3(mOPC, 16384, bpf.JEQ, false),
	"dpc 16384":         bMtp3(mDPC, 16384, bpf.JEQ, false),
	"sls 16":            bMtp3(mSLS, 16, bpf.JEQ, false),
	"hsio 256":          bMtp3(mhSIO, 256, bpf.JEQ, false),
	"hopc 16384":        bMtp3(mhOPC, 16384, bpf.JEQ, false),
	"hdpc 16384":        bMtp3(mhDPC, 16384, bpf.JEQ, false),
	"hsls 16":           bMtp3(mhSLS, 16, bpf.JEQ, false),
	"pppoes and vlan":   stkAnd(bPppoes(0, false), bVlan(0, false)),
}

func TestStackRejectVectors(t *testing.T) {
	cases := stkLoad(t)
	pass, total := 0, 0
	for i := range cases {
		vc := &cases[i]
		build, ok := stkReject[vc.Expr]
		if !ok || vc.Kind != "reject" || vc.DLT == "" {
			continue
		}
		if vectors.DLTValue(vc.DLT) < 0 {
			continue
		}
		total++
		_, err := stkCompile(vc, build)
		if err == nil {
			t.Errorf("%q on %s: compiled, want error containing %q", vc.Expr, vc.DLT, vc.Expected)
			continue
		}
		if !strings.Contains(err.Error(), vc.Expected) {
			t.Errorf("%q on %s: error %q, want it to contain %q", vc.Expr, vc.DLT, err, vc.Expected)
			continue
		}
		pass++
	}
	t.Logf("%d/%d reject cases with master's text", pass, total)
}

// stkKeywords picks the vector cases whose expressions use a primitive
// of stack.go or special.go.
var stkKeywords = regexp.MustCompile(`\b(vlan|mpls|pppoe[sd]|geneve|vxlan|inbound|outbound|ifindex|ifname|on|rset|ruleset|rnr|rulenum|srnr|subrulenum|reason|action|type|subtype|dir|vpi|vci|lane|oam|oamf4|oamf4ec|oamf4sc|metac|bcc|sc|ilmic|connectmsg|metaconnect|fisu|lssu|msu|hfisu|hlssu|hmsu|sio|opc|dpc|sls|hsio|hopc|hdpc|hsls)\b`)

// TestStackVectorsCompile runs the accept and reject cases using these
// primitives through Compile (parser, optimiser and all), linuxext ones
// included, and writes the differences to /tmp/stk-failures.txt.
func TestStackVectorsCompile(t *testing.T) {
	cases := stkLoad(t)
	var out strings.Builder
	acc, accOK, rej, rejOK := 0, 0, 0, 0
	for i := range cases {
		vc := &cases[i]
		if !stkKeywords.MatchString(vc.Expr) || vc.DLT == "" {
			continue
		}
		dlt := vectors.DLTValue(vc.DLT)
		if dlt < 0 {
			continue
		}
		mask, err := vc.NetmaskValue()
		if err != nil {
			continue
		}
		o := Options{DLT: dlt, Snaplen: vc.SnaplenOr262144(), Netmask: mask,
			Optimize: vc.Optimize != 0, LinuxExt: vc.NeedsLinuxExt(), Swapped: vc.Offline == "swapped"}
		switch vc.Kind {
		case "accept":
			acc++
			want, err := bpf.ParseImage(vc.Expected)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Compile(vc.Expr, o)
			if err == nil && bpf.Dump(got) == bpf.Dump(want) {
				accOK++
				continue
			}
			g := "ERROR: "
			if err == nil {
				g = bpf.Dump(got)
			} else {
				g += err.Error()
			}
			fmt.Fprintf(&out, "=== %s %q %s O%d\n--- want\n%s--- got\n%s\n", vc.Label, vc.Expr, vc.DLT, vc.Optimize, bpf.Dump(want), g)
		case "reject":
			rej++
			_, err := Compile(vc.Expr, o)
			if err != nil && strings.Contains(err.Error(), vc.Expected) {
				rejOK++
				continue
			}
			fmt.Fprintf(&out, "=== %s %q %s\n--- want error containing %q\n--- got %v\n", vc.Label, vc.Expr, vc.DLT, vc.Expected, err)
		}
	}
	if out.Len() > 0 {
		if err := os.WriteFile("/tmp/stk-failures.txt", []byte(out.String()), 0o644); err != nil {
			t.Error(err)
		}
	}
	t.Logf("accept identical %d/%d, reject with text %d/%d (differences in /tmp/stk-failures.txt)", accOK, acc, rejOK, rej)
}
