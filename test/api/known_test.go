package api

// known lists the comparisons where our library still differs from libpcap
// 1.10.3, each with the reason. A listed comparison that differs is skipped
// with its diff shown (so the gap stays visible in every run); one that now
// matches fails, so that this list can only shrink. Keep it short: every
// entry is open work, named in the issue notes.
var known = map[string]string{
	// libpcap keeps reading after a bad pcapng block (the next call
	// returns the following packet); core/savefile makes the first error
	// sticky. Only a host that retries after an error sees this.
	"TestOpen/pcapng-suite":      "read errors are sticky; libpcap continues after a bad block",
	"TestOpen/pcapng-suite-nano": "read errors are sticky; libpcap continues after a bad block",
	"TestLoop/test005.pcapng":    "read errors are sticky, and the first error of be/test005 differs",
	// The pcap-filter(7) compiler is issue 3.
	"TestFilterExpressionsNeedCompiler": "filter expressions need the compiler (issue 3)",
}
