#!/bin/sh
# make demo: stock tcpdump reading a capture through our library, side by
# side with the system libpcap. Needs tcpdump (make deps installs it as root).
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${PCAPSHIM_SHARED:-$root/../shared}
tcpdump=$(command -v tcpdump || echo /usr/bin/tcpdump)
[ -x "$tcpdump" ] || { echo "tcpdump not installed: apt-get install tcpdump" >&2; exit 1; }
file=$shared/corpus/tcpdump/dns-uri.pcap
if [ ! -f "$file" ]; then
	file=$(ls "$shared"/corpus/tcpdump/*.pcap 2>/dev/null | head -1)
fi
[ -f "$file" ] || { echo "no capture found under $shared/corpus: clone beside shared/ or set PCAPSHIM_SHARED" >&2; exit 1; }

echo "== the library tcpdump loads:"
LD_LIBRARY_PATH=$root "$tcpdump" --version 2>&1 | grep -i libpcap
echo
echo "== LD_LIBRARY_PATH=$root tcpdump -nn -c 5 -r $(basename "$file")"
LD_LIBRARY_PATH=$root "$tcpdump" -nn -c 5 -r "$file"
echo
echo "== the same with the system libpcap, compared:"
a=$(LD_LIBRARY_PATH=$root "$tcpdump" -nn -e -vv -r "$file" 2>&1)
b=$("$tcpdump" -nn -e -vv -r "$file" 2>&1)
if [ "$a" = "$b" ]; then echo "identical output ($(echo "$a" | wc -l) lines)"; else echo "OUTPUT DIFFERS"; exit 1; fi
echo
echo "== write and read back through pcapshim:"
out=$(mktemp)
LD_LIBRARY_PATH=$root "$tcpdump" -r "$file" -w "$out" 2>/dev/null
"$tcpdump" -r "$file" -w "$out.sys" 2>/dev/null
cmp "$out" "$out.sys" && echo "tcpdump -w wrote the same bytes as with the system libpcap ($(wc -c <"$out") bytes)"
rm -f "$out" "$out.sys"
