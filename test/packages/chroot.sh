#!/bin/sh
# test/packages/chroot.sh [SUITE]: make (once) a minimal Debian amd64 chroot
# with tcpdump, for the dpkg -i checks of test/packages, and print its path.
# SUITE is bookworm (Debian 12, the default) or bullseye (Debian 11: glibc
# 2.31, older than the 2.34 the library would need without the glibc floor).
# The pristine tree is kept in $PCAPSHIM_CHROOT_CACHE/SUITE-amd64 (default
# /var/cache/pcapshim); the tests install into a copy of it.
# Needs root and debootstrap (installed with apt-get when missing).
set -eu
suite=${1:-bookworm}
case $suite in
bookworm | bullseye) ;;
*) echo "chroot.sh: suite $suite: want bookworm or bullseye" >&2; exit 2 ;;
esac
dir=${PCAPSHIM_CHROOT_CACHE:-/var/cache/pcapshim}/$suite-amd64
if [ -x "$dir/usr/bin/tcpdump" ] && [ -f "$dir/.pcapshim-complete" ]; then
	echo "$dir"
	exit 0
fi
[ "$(id -u)" = 0 ] || { echo "chroot.sh: debootstrap needs root" >&2; exit 1; }
[ "$(dpkg --print-architecture)" = amd64 ] || { echo "chroot.sh: the chroot is amd64; this host is not" >&2; exit 1; }
if ! command -v debootstrap >/dev/null; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi
mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
mirror=${mirror:-http://deb.debian.org/debian}
tmp=$dir.tmp.$$
rm -rf "$tmp"
mkdir -p "$(dirname "$dir")"
echo "chroot.sh: debootstrap $suite (minbase + tcpdump) from $mirror into $dir" >&2
debootstrap --variant=minbase --include=tcpdump "$suite" "$tmp" "$mirror" >"$tmp.log" 2>&1 ||
	{ tail -20 "$tmp.log" >&2; rm -rf "$tmp"; echo "chroot.sh: debootstrap failed (log above)" >&2; exit 1; }
rm -f "$tmp.log"
: >"$tmp/.pcapshim-complete"
rm -rf "$dir"
mv "$tmp" "$dir"
echo "$dir"
