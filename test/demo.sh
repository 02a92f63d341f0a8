#!/bin/sh
# make demo: stock tcpdump reading a capture through our library, side by
# side with the system libpcap; then, as root, a live capture on a veth pair
# in private network namespaces (removed on exit). Needs tcpdump (make deps
# installs it as root).
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

echo
echo "== live capture through pcapshim on a veth pair in private network namespaces:"
if [ "$(id -u)" != 0 ]; then
	echo "skipped: needs root (network namespaces and AF_PACKET sockets); run make demo as root"
	exit 0
fi
if ! command -v bash >/dev/null; then
	echo "skipped: the datagrams are sent with bash's /dev/udp; install bash"
	exit 0
fi
if ! ip netns list >/dev/null 2>&1; then
	echo "skipped: ip netns does not work here (install iproute2; containers may forbid it)"
	exit 0
fi
ns=pcapshim-demo-$$
peer=$ns-peer
tmp=$(mktemp -d)
pid=
cleanup() {
	[ -z "$pid" ] || kill "$pid" 2>/dev/null || true
	ip netns del "$ns" 2>/dev/null || true
	ip netns del "$peer" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ip netns add "$ns"
ip netns add "$peer"
ip -n "$ns" link add pa type veth peer name pb
ip -n "$ns" link set pb netns "$peer"
ip -n "$ns" addr add 192.0.2.1/24 dev pa
ip -n "$peer" addr add 192.0.2.2/24 dev pb
ip -n "$ns" link set pa up
ip -n "$peer" link set pb up

# live NAME ENV...: tcpdump -c 3 udp on pa, three datagrams sent to the
# peer once tcpdump is listening; prints what tcpdump printed.
live() {
	name=$1
	shift
	env "$@" timeout 10 ip netns exec "$ns" "$tcpdump" -l -nn -t -c 3 -i pa udp \
		>"$tmp/$name.out" 2>"$tmp/$name.err" &
	pid=$!
	i=0
	until grep -q "listening on" "$tmp/$name.err" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le 100 ] || { echo "tcpdump did not start:"; cat "$tmp/$name.err"; return 1; }
		sleep 0.05
	done
	if [ "$name" = ours ]; then
		# $pid is timeout(1); tcpdump is its child.
		for c in $(cat /proc/$pid/task/*/children 2>/dev/null); do
			echo "tcpdump (pid $c) has mapped: $(grep -o '/[^ ]*libpcap[^ ]*' /proc/$c/maps | sort -u | tr '\n' ' ')"
		done
	fi
	for n in 1 2 3; do
		ip netns exec "$ns" bash -c "echo hello $n > /dev/udp/192.0.2.2/9"
	done
	wait $pid || { echo "tcpdump failed:"; cat "$tmp/$name.err"; return 1; }
}
echo "LD_LIBRARY_PATH=$root ip netns exec $ns tcpdump -nn -t -c 3 -i pa udp"
live ours LD_LIBRARY_PATH="$root"
cat "$tmp/ours.out" "$tmp/ours.err"
live sys X=1
# The source ports are the kernel's choice: compared without them.
for f in ours sys; do sed 's/\.[0-9]* > / > /' "$tmp/$f.out" >"$tmp/$f.cmp"; done
if [ -s "$tmp/ours.cmp" ] && cmp -s "$tmp/ours.cmp" "$tmp/sys.cmp"; then
	echo "the same three packets as with the system libpcap (source ports aside)"
else
	echo "LIVE OUTPUT DIFFERS from the system libpcap's:"
	cat "$tmp/sys.out"
	exit 1
fi
