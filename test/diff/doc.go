// Package diff holds the tcpdump differential tests: every capture file under
// ../shared/corpus is read by the stock tcpdump twice, once against the system
// libpcap (the oracle) and once against this library, with several option
// sets, and stdout, stderr, exit status and any written capture file must be
// byte-identical.
//
// The package itself only renders the compact unified diffs the tests print
// on a mismatch; the tests live in the _test.go files.
package diff
