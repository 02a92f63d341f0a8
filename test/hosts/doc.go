// Package hosts runs small C host programs (testdata/*.c) against our
// libpcap.so.0.8 to exercise the hazards of a Go runtime living inside a C
// process (../../../shared/specs/go-in-c-hosts.md §1, §2, §3, §5, §6): signal
// dispositions and SA_ONSTACK, host signal handlers running over Go code,
// the async-signal-safe pcap calls, SIGPIPE inheritance, fork with and
// without exec, start-up cost, and dlopen/dlclose cycles as ctypes does.
//
// The hosts read savefiles from ../shared/corpus; every child runs under a
// timeout, and the C programs set alarm() watchdogs of their own.
package hosts
