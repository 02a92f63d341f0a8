// Package packages verifies the .deb and .rpm files `make packages` writes to
// dist/, one subtest per package: the ELF machine of every binary matches the
// package's architecture, modes, SONAMEs, the exact exported symbol lists, the
// glibc symbol-version floor, the private library directory (the
// distribution's libpcap is never replaced), the launcher, headers,
// pkg-config file and man page, and the package metadata (dpkg-deb -f,
// rpm -qp). Installing is checked too: rpm --root into an empty directory,
// and dpkg -i into a fresh copy of a Debian 12 chroot and of a Debian 11 one
// (glibc 2.31: the glibc floor at work) that test/packages/chroot.sh makes
// (amd64 only here: the arm64 .deb is installed with dpkg inside the arm64 VM
// of `make test-arm64`), followed by `pcapshim tcpdump --version`, an
// offline read compared with the distribution's libpcap, and (Debian 12) a C
// program built with `pkg-config --cflags --libs pcapshim` that must load
// pcapshim's library without the launcher. TestLibpcapSO1Client runs a
// program asking for libpcap.so.1, as RPM distributions build them.
//
// The tests skip, saying so, when dist/ holds no packages (`make packages`,
// which `make test` runs first, builds them).
package packages
