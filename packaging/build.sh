#!/bin/sh
# packaging/build.sh NFPM OUTDIR VERSION: the .deb and .rpm for amd64 and arm64
# from build/amd64 and build/arm64 (make packages builds those first).
# The library goes to a private directory so the distribution's libpcap stays:
#   deb: /usr/lib/<triplet>/pcapshim    rpm: /usr/lib64/pcapshim
set -eu
nfpm=$1
out=$2
version=$3
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
# The repository names no licence yet: PKG_LICENSE says which (SPDX).
license=${PKG_LICENSE:-LicenseRef-pcapshim-unspecified}
maintainer=${PKG_MAINTAINER:-pcapshim developers <pcapshim@localhost>}

for arch in amd64 arm64; do
	lib=$root/build/$arch
	for f in libpcapshim.so libpcapshim-go.so; do
		[ -f "$lib/$f" ] || { echo "packaging: $lib/$f missing: make packages builds it (make $arch)" >&2; exit 1; }
	done
	case $arch in
	amd64) triplet=x86_64-linux-gnu ;;
	arm64) triplet=aarch64-linux-gnu ;;
	esac
	for fmt in deb rpm; do
		case $fmt in
		deb) libdir=/usr/lib/$triplet/pcapshim; pcdir=/usr/lib/$triplet/pkgconfig ;;
		rpm) libdir=/usr/lib64/pcapshim; pcdir=/usr/lib64/pkgconfig ;;
		esac
		stage=$root/build/pkg/$fmt-$arch
		rm -rf "$stage"
		mkdir -p "$stage/lib"
		cp "$lib/libpcapshim.so" "$lib/libpcapshim-go.so" "$stage/lib/"
		cp -R "$root/include" "$stage/include"
		cp "$root/README.md" "$stage/README.md"
		for t in pcapshim.sh:pcapshim pcapshim.pc.in:pcapshim.pc pcapshim.1:pcapshim.1; do
			sed -e "s|@LIBDIR@|$libdir|g" -e "s|@VERSION@|$version|g" \
				"$root/packaging/${t%%:*}" >"$stage/${t##*:}"
		done
		gzip -n -9 "$stage/pcapshim.1"
		chmod 755 "$stage/pcapshim"
		sed -e "s|@PKG_ARCH@|$arch|g" -e "s|@PKG_VERSION@|$version|g" \
			-e "s|@PKG_LICENSE@|$license|g" -e "s|@PKG_MAINTAINER@|$maintainer|g" \
			-e "s|@LIBDIR@|$libdir|g" -e "s|@PCDIR@|$pcdir|g" -e "s|@STAGE@|$stage|g" \
			"$root/packaging/nfpm.yaml" >"$stage.yaml"
		"$nfpm" package -f "$stage.yaml" -p $fmt -t "$out/" >/dev/null
	done
done
ls -l "$out"
