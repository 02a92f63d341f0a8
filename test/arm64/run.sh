#!/bin/sh
# make test-arm64: boot Debian's arm64 kernel under qemu-system-aarch64 with an
# initramfs holding Debian's arm64 tcpdump, libpcap, dpkg and their libraries,
# busybox, our arm64 library (build/arm64, from `make arm64`) and the arm64
# .deb (dist/, from `make packages`; the guest installs it with dpkg -i), run
# test/arm64/init.sh inside it and fail unless its verdict line says PASS.
#
# Downloads (Debian packages, by apt-get) are cached in build/arm64-vm/debs;
# as root, missing host tools are installed with apt-get (qemu-system-arm,
# cpio) and the arm64 architecture is added to dpkg so that apt-get download
# can fetch arm64 packages. Environment:
#   ARM64_VM_TIMEOUT  seconds the guest may run (default 600; it needs ~40 here)
#   ARM64_ONLY=live   skip the offline checks (quicker iterations)
#   PCAPSHIM_SHARED   ../shared by default (corpus files for the offline checks)
#   ARM64_BENCH_DIR   bench mode (make bench-arm64): a directory holding read
#                     (test/bench/testdata/read.c built for arm64) and cap.pcap,
#                     copied to the guest's /bench; the guest runs the offline
#                     read benchmark instead of the checks (BENCH lines)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
shared=${PCAPSHIM_SHARED:-$root/../shared}
vm=$root/build/arm64-vm
lib=$root/build/arm64
timeout=${ARM64_VM_TIMEOUT:-600}

die() { echo "test-arm64: $*" >&2; exit 1; }

[ -f "$lib/libpcapshim.so" ] && [ -f "$lib/libpcapshim-go.so" ] ||
	die "no arm64 library in $lib: run make arm64 first"
[ -d "$shared/corpus/tcpdump" ] ||
	die "no corpus at $shared/corpus: clone beside shared/ or set PCAPSHIM_SHARED"

as_root_install() { # package...
	[ "$(id -u)" = 0 ] || die "missing $*: apt-get install $* (or run as root)"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
command -v qemu-system-aarch64 >/dev/null || as_root_install qemu-system-arm
command -v cpio >/dev/null || as_root_install cpio

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	[ "$(id -u)" = 0 ] || die "dpkg lacks the arm64 architecture: dpkg --add-architecture arm64 && apt-get update (as root)"
	dpkg --add-architecture arm64
	apt-get update -qq
fi

# Debian's arm64 packages: kernel, busybox, tcpdump and the shared libraries
# tcpdump and libpcap need (the closure is checked below, not assumed).
kpkg=$(apt-cache depends linux-image-arm64:arm64 2>/dev/null |
	awk '/Depends: linux-image-[0-9]/ { sub(/:arm64$/, "", $2); print $2; exit }')
[ -n "$kpkg" ] || { apt-get update -qq; kpkg=$(apt-cache depends linux-image-arm64:arm64 |
	awk '/Depends: linux-image-[0-9]/ { sub(/:arm64$/, "", $2); print $2; exit }'); }
[ -n "$kpkg" ] || die "apt-cache finds no linux-image-*-arm64 package: apt-get update"
pkgs="$kpkg busybox-static tcpdump libpcap0.8 libc6 libgcc-s1 libssl3 libdbus-1-3
	libsystemd0 libcap2 libgcrypt20 libgpg-error0 liblz4-1 liblzma5 libzstd1
	dpkg tar libacl1 libc-bin libbz2-1.0 libmd0 libselinux1 libpcre2-8-0 zlib1g"
mkdir -p "$vm/debs"
for p in $pkgs; do
	ls "$vm/debs/${p}_"*_arm64.deb >/dev/null 2>&1 && continue
	(cd "$vm/debs" && apt-get download -q "$p:arm64" >/dev/null 2>&1) ||
		(cd "$vm/debs" && apt-get update -qq && apt-get download -q "$p:arm64" >/dev/null) ||
		die "apt-get download $p:arm64 failed"
done

# The guest tree.
t0=$(date +%s)
rm -rf "$vm/root" "$vm/kernel"
mkdir -p "$vm/root" "$vm/kernel"
for p in $pkgs; do
	deb=$(ls "$vm/debs/${p}_"*_arm64.deb | tail -1)
	if [ "$p" = "$kpkg" ]; then
		dpkg-deb -x "$deb" "$vm/kernel"
	else
		dpkg-deb -x "$deb" "$vm/root"
	fi
done
rm -rf "$vm/root/usr/share" "$vm/root/usr/lib/aarch64-linux-gnu/gconv" \
	"$vm/root/usr/lib/aarch64-linux-gnu/engines-3" "$vm/root/usr/lib/aarch64-linux-gnu/ossl-modules"
kver=$(ls "$vm/kernel/lib/modules")
vmlinuz=$(ls "$vm/kernel/boot/vmlinuz-"*)
mkdir -p "$vm/root/modules" "$vm/root/opt/pcapshim" "$vm/root/corpus" \
	"$vm/root/proc" "$vm/root/sys" "$vm/root/dev" "$vm/root/tmp" "$vm/root/etc"
veth=$(find "$vm/kernel/lib/modules/$kver" -name 'veth.ko*' | head -1)
[ -n "$veth" ] && cp "$veth" "$vm/root/modules/veth.ko"
cp "$lib/libpcapshim.so" "$lib/libpcapshim-go.so" "$vm/root/opt/pcapshim/"
ln -sf libpcapshim.so "$vm/root/opt/pcapshim/libpcap.so.0.8"
ln -sf libpcapshim.so "$vm/root/opt/pcapshim/libpcap.so.1"
# The ExaNIC simulator's driver program.
mkdir -p "$vm/root/usr/local/bin"
(cd "$root" && GOARCH=arm64 CGO_ENABLED=0 ${GO:-go} build \
	-o "$vm/root/usr/local/bin/exanicsim" ./test/arm64/exanicsim) ||
	die "cannot build test/arm64/exanicsim"
only=${ARM64_ONLY:-all}
if [ -n "${ARM64_BENCH_DIR:-}" ]; then
	[ -x "$ARM64_BENCH_DIR/read" ] && [ -f "$ARM64_BENCH_DIR/cap.pcap" ] ||
		die "ARM64_BENCH_DIR=$ARM64_BENCH_DIR lacks read or cap.pcap"
	mkdir -p "$vm/root/bench"
	cp "$ARM64_BENCH_DIR/read" "$ARM64_BENCH_DIR/cap.pcap" "$vm/root/bench/"
	only=bench
fi
cp "$root/test/arm64/init.sh" "$vm/root/init"
chmod 755 "$vm/root/init"
# Debian's tcpdump drops to the unprivileged tcpdump user after opening a
# live capture, as on an installed system: the Go runtime's threads must
# follow that setuid.
printf 'root:x:0:0:root:/:/bin/sh\ntcpdump:x:104:104::/nonexistent:/bin/false\n' >"$vm/root/etc/passwd"
printf 'root:x:0:\ntcpdump:x:104:\n' >"$vm/root/etc/group"
# A few corpus files: Ethernet, IPv6, pcapng, a truncated and an odd linktype.
for f in tcpdump/dns-uri.pcap tcpdump/icmpv6.pcap tcpdump/bgp-role.pcapng \
	tcpdump/quic_handshake_truncated.pcap tcpdump/LINKTYPE_IPV6.pcap \
	tcpdump/vxlan.pcap pcapng-suite/epb.pcapng; do
	[ -f "$shared/corpus/$f" ] && cp "$shared/corpus/$f" "$vm/root/corpus/"
done
[ "$(ls "$vm/root/corpus" | wc -l)" -ge 3 ] || die "too few corpus files found under $shared/corpus"

# dpkg's database: every package extracted above counts as installed, so
# that dpkg -i of our .deb checks its dependencies against Debian's arm64
# packages. Their own dependencies are dropped from it (the guest holds only
# what tcpdump needs to run, not e.g. adduser), or dpkg would refuse the
# whole database. The .deb itself (make packages) is installed by the guest.
mkdir -p "$vm/root/var/lib/dpkg/info" "$vm/root/var/lib/dpkg/updates" \
	"$vm/root/var/lib/dpkg/triggers" "$vm/root/var/log" "$vm/root/pkgs"
: >"$vm/root/var/lib/dpkg/available"
for p in $pkgs; do
	[ "$p" = "$kpkg" ] && continue
	deb=$(ls "$vm/debs/${p}_"*_arm64.deb | tail -1)
	dpkg-deb -f "$deb" | sed -e '/^Package:/a Status: install ok installed' \
		-e '/^Depends:/d' -e '/^Pre-Depends:/d' -e '/^Recommends:/d' -e '/^Suggests:/d'
	echo
done >"$vm/root/var/lib/dpkg/status"
debs=$(ls "$root"/dist/pcapshim_*_arm64.deb 2>/dev/null || true)
if [ -n "$debs" ]; then
	[ "$(echo "$debs" | wc -l)" = 1 ] || die "several arm64 .debs in dist/: make packages empties it first"
	cp "$debs" "$vm/root/pkgs/"
	# The package must hold the library under test, not an older build.
	mkdir -p "$vm/debcheck"
	rm -rf "$vm/debcheck/x"
	dpkg-deb -x "$debs" "$vm/debcheck/x"
	cmp -s "$vm/debcheck/x/usr/lib/aarch64-linux-gnu/pcapshim/libpcapshim-go.so" "$lib/libpcapshim-go.so" ||
		die "$debs does not hold build/arm64's library: run make packages"
fi

# Every ELF in the guest must be aarch64, and every DT_NEEDED must resolve
# inside the guest: a missing library is named here, not as a guest crash.
libdirs="$vm/root/lib/aarch64-linux-gnu $vm/root/usr/lib/aarch64-linux-gnu $vm/root/opt/pcapshim"
for elf in "$vm/root/usr/bin/tcpdump" "$vm/root/usr/sbin/tcpdump" \
	"$vm/root/usr/lib/aarch64-linux-gnu/libpcap.so.0.8" "$vm/root/opt/pcapshim/libpcapshim.so" \
	"$vm/root/opt/pcapshim/libpcapshim-go.so" "$vm/root/usr/local/bin/exanicsim"; do
	[ -e "$elf" ] || continue
	readelf -h "$elf" | grep -q 'AArch64' || die "$elf is not an AArch64 ELF"
	for need in $(readelf -d "$elf" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		found=no
		for d in $libdirs; do [ -e "$d/$need" ] && found=yes; done
		[ $found = yes ] || die "$elf needs $need, absent from the guest: add its Debian package to pkgs in $0"
	done
done

(cd "$vm/root" && find . | cpio -o -H newc --quiet | gzip -1 >"$vm/initrd.gz")
t1=$(date +%s)
echo "test-arm64: guest image built in $((t1 - t0)) s ($(du -k "$vm/initrd.gz" | cut -f1) KiB, kernel $kver)"

accel="-accel tcg,thread=multi"
cpu=max
if [ -e /dev/kvm ] && [ "$(uname -m)" = aarch64 ]; then accel="-accel kvm"; cpu=host; fi
log=$vm/console.log
: >"$log"
echo "test-arm64: booting (timeout ${timeout}s, console in $log)"
t2=$(date +%s)
set +e
timeout "$timeout" qemu-system-aarch64 -M virt $accel -cpu $cpu -smp 2 -m 1024 \
	-nographic -no-reboot -kernel "$vmlinuz" -initrd "$vm/initrd.gz" \
	-append "console=ttyAMA0 panic=-1 quiet loglevel=3 rdinit=/init pcapshim.only=$only" \
	-nic none </dev/null >"$log" 2>&1
qrc=$?
set -e
t3=$(date +%s)
tr -d '\r' <"$log" | grep -E '^(CHECK|guest:|BENCH|PCAPSHIM-ARM64-RESULT)|^[-<>]' || true
verdict=$(tr -d '\r' <"$log" | grep '^PCAPSHIM-ARM64-RESULT' | tail -1)
echo "test-arm64: guest ran $((t3 - t2)) s (qemu exit $qrc)"
case $verdict in
*" PASS "*) echo "test-arm64: $verdict"; exit 0 ;;
"") [ $qrc = 124 ] && die "the guest gave no verdict within ${timeout}s: see $log"
    die "the guest gave no verdict (qemu exit $qrc): see $log" ;;
*) die "$verdict: see the CHECK lines above and $log" ;;
esac
