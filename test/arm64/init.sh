#!/bin/busybox sh
# /init of the arm64 test guest (test/arm64/run.sh boots it under
# qemu-system-aarch64). Debian's arm64 tcpdump runs here twice per check:
# through Debian's arm64 libpcap (the oracle) and through our arm64 library
# (/opt/pcapshim). Every check prints "CHECK <name> PASS|FAIL|SKIP <why>";
# the last line is the machine-readable verdict the host parses:
#   PCAPSHIM-ARM64-RESULT PASS|FAIL pass=N fail=N skip=N
# Every wait is bounded; the guest powers off at the end whatever happened.

/bin/busybox --install -s /bin
# Debian's programs before busybox's applets. (This busybox's sh runs its own
# applets before searching PATH: Debian's dpkg is called by its full path.)
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /tmp && mount -t tmpfs tmp /tmp

OURS=/opt/pcapshim
pass=0 fail=0 skip=0

result() { # name verdict why
	echo "CHECK $1 $2 $3"
	case $2 in
	PASS) pass=$((pass + 1)) ;;
	SKIP) skip=$((skip + 1)) ;;
	*) fail=$((fail + 1)) ;;
	esac
}

# How tcpdump runs through our library: the installed package's launcher
# once dpkg -i has installed it, else the library copied to /opt/pcapshim.
ours="env LD_LIBRARY_PATH=$OURS"

# tcpdump through Debian's libpcap (sys) or ours, in the foreground.
td() { # lib args...
	if [ "$1" = ours ]; then
		shift
		$ours tcpdump "$@"
	else
		shift
		tcpdump "$@"
	fi
}

# Wait (at most $3 tenths of a second) until file $1 contains $2.
wait_for() {
	n=0
	while [ $n -lt "$3" ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

# Wait (at most $2 tenths of a second) for pid $1 to exit; kill it after.
reap() {
	n=0
	while [ $n -lt "$2" ] && kill -0 "$1" 2>/dev/null; do
		sleep 0.1
		n=$((n + 1))
	done
	if kill -0 "$1" 2>/dev/null; then
		kill -KILL "$1" 2>/dev/null
		wait "$1" 2>/dev/null
		return 1
	fi
	return 0
}

echo "guest: $(uname -m) kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) cpu(s), init reached $(cut -d" " -f1 /proc/uptime) s after boot"

# The dynamic linker's cache, as on an installed system.
ldconfig

# 0. Install the .deb as a user would, when run.sh was given one.
deb=$(ls /pkgs/pcapshim_*_arm64.deb 2>/dev/null)
if [ -n "$deb" ]; then
	if /usr/bin/dpkg -i "$deb" >/tmp/dpkg.out 2>&1 && [ -x /usr/bin/pcapshim ] &&
		/usr/bin/dpkg -s pcapshim | grep -q '^Status: install ok installed'; then
		result dpkg-install PASS "$(basename "$deb")"
		ours=pcapshim
	else
		result dpkg-install FAIL "dpkg -i $(basename "$deb") failed"
		cat /tmp/dpkg.out
	fi
	# The distribution's libpcap is still the one plain tcpdump loads.
	v=$(tcpdump --version 2>&1)
	case $v in
	*pcapshim*) result distro-libpcap-kept FAIL "plain tcpdump now loads pcapshim: $v" ;;
	*"libpcap version"*) result distro-libpcap-kept PASS "$(echo "$v" | grep libpcap)" ;;
	*) result distro-libpcap-kept FAIL "tcpdump --version: $v" ;;
	esac
else
	result dpkg-install SKIP "no arm64 .deb in dist/ (make packages); using $OURS"
fi
echo "guest: our library through: $ours"

# The library really is ours and really is arm64.
v=$(td ours --version 2>&1)
case $v in
*pcapshim*) result version PASS "ours: $(echo "$v" | grep libpcap)" ;;
*) result version FAIL "$ours tcpdump --version does not name pcapshim: $v" ;;
esac
[ "$(uname -m)" = aarch64 ] && result machine PASS aarch64 || result machine FAIL "uname -m is $(uname -m)"

# pcapshim.only=live on the kernel command line skips the offline checks
# (ARM64_ONLY=live make test-arm64, for quicker iterations).
only=$(sed -n 's/.*pcapshim.only=\([a-z]*\).*/\1/p' /proc/cmdline)

# Bench mode (pcapshim.only=bench: make bench-arm64, run.sh copies the
# cross-compiled read program and a capture into /bench): the offline read
# benchmark of test/bench, Debian's arm64 libpcap and ours interleaved, one
# "BENCH <mode> <sys|ours> <ns> <packets>" line a run (the best CPU time of
# 3 passes); the checks above still ran (the library is ours and arm64).
if [ "$only" = bench ]; then
	if [ -x /bench/read ] && [ -f /bench/cap.pcap ]; then
		ok=yes
		for round in 1 2 3; do
			for mode in loop next; do
				for lib in sys ours; do
					if [ $lib = ours ]; then
						out=$(LD_LIBRARY_PATH=$OURS /bench/read $mode /bench/cap.pcap 3 2>&1)
					else
						out=$(/bench/read $mode /bench/cap.pcap 3 2>&1)
					fi
					st=$?
					[ $st = 0 ] || ok=no
					echo "BENCH $mode $lib $out"
				done
			done
		done
		[ $ok = yes ] && result bench PASS "3 interleaved rounds" || result bench FAIL "a read run failed"
	else
		result bench FAIL "no /bench/read or /bench/cap.pcap in the guest"
	fi
	echo "PCAPSHIM-ARM64-RESULT $([ $fail = 0 ] && echo PASS || echo FAIL) pass=$pass fail=$fail skip=$skip"
	sync
	poweroff -f
fi

# 1. Offline differential: the same tcpdump, only the library differs.
[ "$only" = live ] && rm -f /corpus/*
for f in /corpus/*; do
	[ -f "$f" ] || continue
	for args in "-nn" "-nn -e -v tcp or udp"; do
		td sys -r "$f" $args >/tmp/sys.out 2>&1
		s=$?
		td ours -r "$f" $args >/tmp/ours.out 2>&1
		o=$?
		name="offline:$(basename "$f"):$(echo "$args" | tr ' ' '_')"
		if [ $s = $o ] && cmp -s /tmp/sys.out /tmp/ours.out; then
			result "$name" PASS "$(wc -l </tmp/ours.out) lines, exit $o"
		else
			result "$name" FAIL "exit sys=$s ours=$o"
			diff /tmp/sys.out /tmp/ours.out | head -20
		fi
	done
done

# 2. Live AF_PACKET capture on a veth pair: ARP requests sent out vethB
# arrive on vethA, which answers; both directions are captured on vethA.
echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6 2>/dev/null
echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6 2>/dev/null
if ! ip link show vethA >/dev/null 2>&1; then
	insmod /modules/veth.ko 2>/tmp/insmod.err
fi
ip link set lo up
# busybox ip cannot name the peer: the kernel calls it veth0; rename it.
# vethB lives in a second network namespace (held by a sleeping process), so
# that vethA's side answers ARP for 10.99.0.1 (a request whose sender
# address is local to the same namespace would be ignored).
unshare -n sleep 100000 &
nspid=$!
sleep 0.5
inns() { nsenter -t $nspid -n "$@"; }
if ip link add vethA type veth 2>/tmp/veth.err && ip link set veth0 name vethB 2>>/tmp/veth.err &&
	ip link set vethB netns $nspid 2>>/tmp/veth.err; then
	ip link set vethA address 02:00:00:00:00:0a
	inns ip link set vethB address 02:00:00:00:00:0b
	ip addr add 10.99.0.1/24 dev vethA
	inns ip addr add 10.99.0.2/24 dev vethB
	ip link set vethA up
	inns ip link set vethB up
	inns ip link set lo up
	sleep 1
	for lib in sys ours; do
		rm -f /tmp/live.$lib.out /tmp/live.$lib.err
		# Started directly (not through a function) so that $! is tcpdump
		# (the launcher and env exec it).
		if [ $lib = ours ]; then run=$ours; else run=; fi
		$run tcpdump -c 6 -nn -e -i vethA arp >/tmp/live.$lib.out 2>/tmp/live.$lib.err &
		pid=$!
		if ! wait_for /tmp/live.$lib.err "listening on" 300; then
			echo "tcpdump ($lib) did not start listening:"
			cat /tmp/live.$lib.err
		fi
		# The user tcpdump runs as once capturing (it drops root).
		eval uid_$lib=$(awk '/^Uid:/ { print $2 }' /proc/$pid/status 2>/dev/null)
		inns arping -c 3 -w 5 -I vethB 10.99.0.1 >/dev/null 2>&1
		if reap $pid 200; then
			wait $pid
			echo "exit=$?" >>/tmp/live.$lib.out
		else
			echo "exit=timeout" >>/tmp/live.$lib.out
		fi
		# Timestamps differ run to run: drop the first field.
		cut -d' ' -f2- /tmp/live.$lib.out >/tmp/live.$lib.cut
	done
	n=$(grep -c 'ARP' /tmp/live.ours.cut)
	if [ "$n" = 6 ] && cmp -s /tmp/live.sys.cut /tmp/live.ours.cut && [ "$uid_sys" = "$uid_ours" ]; then
		result live-veth PASS "6 ARP packets, same lines as Debian's libpcap, both running as uid $uid_ours"
	else
		result live-veth FAIL "ours captured $n ARP lines as uid $uid_ours (Debian's libpcap: uid $uid_sys); outputs differ"
		echo "--- sys"; cat /tmp/live.sys.out /tmp/live.sys.err
		echo "--- ours"; cat /tmp/live.ours.out /tmp/live.ours.err
	fi

	# 4. Signals: SIGUSR1 prints statistics and capture goes on; SIGINT
	# ends it cleanly with the statistics, exit status 0.
	rm -f /tmp/sig.out /tmp/sig.err
	$ours tcpdump -nn -i vethA arp >/tmp/sig.out 2>/tmp/sig.err &
	pid=$!
	wait_for /tmp/sig.err "listening on" 300
	inns arping -c 2 -w 5 -I vethB 10.99.0.1 >/dev/null 2>&1
	kill -USR1 $pid
	wait_for /tmp/sig.err "packets captured" 50
	inns arping -c 1 -w 5 -I vethB 10.99.0.1 >/dev/null 2>&1
	alive=no
	kill -0 $pid 2>/dev/null && alive=yes
	kill -INT $pid
	if reap $pid 100; then
		wait $pid
		st=$?
	else
		st=timeout
	fi
	caps=$(grep -c 'packets captured' /tmp/sig.err)
	if [ "$st" = 0 ] && [ "$alive" = yes ] && [ "$caps" = 2 ] &&
		grep -q 'packets received by filter' /tmp/sig.err &&
		grep -q 'packets dropped by kernel' /tmp/sig.err; then
		result signals PASS "SIGUSR1 printed statistics, SIGINT exit 0 with statistics"
	else
		result signals FAIL "exit=$st alive-after-USR1=$alive statistics-blocks=$caps"
		cat /tmp/sig.err
	fi
else
	result live-veth FAIL "cannot create a veth pair in two namespaces: $(cat /tmp/insmod.err /tmp/veth.err)"
	result signals FAIL "needs the veth pair"
fi

# 3. ExaNIC simulator path, once exanic/ is in the tree (run.sh then builds
# test/arm64/exanicsim into the guest): tcpdump -i exsim0 through our library
# on a simulated card, compared with Debian's tcpdump reading the same frames
# from a pcap file the simulator writes.
if [ -x /usr/local/bin/exanicsim ]; then
	sim=/tmp/exsim
	rm -rf $sim /tmp/exsim.out /tmp/exa.out /tmp/exa.err
	mkdir -p $sim
	/usr/local/bin/exanicsim $sim 5 >/tmp/exsim.out 2>&1 &
	simpid=$!
	wait_for /tmp/exsim.out ready 600
	devs=$(PCAPSHIM_EXANIC_SIM=$sim $ours tcpdump -D 2>&1)
	PCAPSHIM_EXANIC_SIM=$sim $ours tcpdump -c 5 -nn -e -i exsim0 >/tmp/exa.out 2>/tmp/exa.err &
	pid=$!
	wait_for /tmp/exa.err "listening on" 300
	: >$sim/go
	wait_for /tmp/exsim.out "sent" 300
	if reap $pid 300; then
		wait $pid
		st=$?
	else
		st=timeout
	fi
	: >$sim/done
	reap $simpid 100
	tcpdump -nn -e -r $sim/expected.pcap 2>/dev/null | cut -d' ' -f2- >/tmp/exa.sys.cut
	cut -d' ' -f2- /tmp/exa.out >/tmp/exa.ours.cut
	n=$(grep -c . /tmp/exa.ours.cut)
	if ! echo "$devs" | grep -q exsim0; then
		result exanic-sim FAIL "tcpdump -D on the simulator lists no exsim0: $devs"
	elif [ "$st" = 0 ] && [ "$n" = 5 ] && cmp -s /tmp/exa.sys.cut /tmp/exa.ours.cut; then
		result exanic-sim PASS "5 frames from the simulated card, same lines as Debian's libpcap reading them from a file"
	else
		result exanic-sim FAIL "exit $st, $n packet lines"
		cat /tmp/exsim.out /tmp/exa.err
		diff /tmp/exa.sys.cut /tmp/exa.ours.cut | head -20
	fi
else
	result exanic-sim SKIP "no exanic/ in the tree the library was built from (the simulator arrives with it)"
fi

kill $nspid 2>/dev/null
verdict=PASS
[ $fail = 0 ] && [ $pass -gt 0 ] || verdict=FAIL
echo "PCAPSHIM-ARM64-RESULT $verdict pass=$pass fail=$fail skip=$skip"
sync
poweroff -f
