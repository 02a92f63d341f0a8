#!/bin/sh
# pcapshim: run a program with pcapshim's libpcap instead of the system's.
#   pcapshim tcpdump -i eth0
# The library lives in a private directory (below), so installing pcapshim
# never replaces the distribution's libpcap: only programs started through
# this launcher (or with LD_LIBRARY_PATH set to that directory) use it.
libdir=@LIBDIR@

usage() {
	echo "usage: pcapshim PROGRAM [ARGUMENT...]   run PROGRAM with pcapshim's libpcap"
	echo "       pcapshim --libdir                print the directory holding the library"
	echo "       pcapshim --version"
}

case ${1-} in
"") usage >&2; exit 2 ;;
-h | --help) usage; exit 0 ;;
--version) echo "pcapshim @VERSION@ (library in $libdir)"; exit 0 ;;
--libdir) echo "$libdir"; exit 0 ;;
--) shift ;;
esac
if [ ! -e "$libdir/libpcap.so.0.8" ]; then
	echo "pcapshim: $libdir/libpcap.so.0.8 is missing: reinstall the pcapshim package" >&2
	exit 1
fi
if ! command -v -- "$1" >/dev/null 2>&1; then
	echo "pcapshim: $1: command not found (install it, or give its full path)" >&2
	exit 127
fi
# A program with file capabilities or setuid runs in secure mode, where the
# dynamic linker ignores LD_LIBRARY_PATH; run it as root instead.
LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export LD_LIBRARY_PATH
exec "$@"
