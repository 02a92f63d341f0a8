// Package testutil holds what the test packages under test/ share: where the
// repository, the built library and ../shared are, building small C programs,
// and running host programs against our library or the system libpcap.
package testutil
