#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The command line: useful --help and --version, bad flags refused with a
# clear message and exit status 2, a missing privilege or a busy queue
# reported clearly with exit status 1.
. "$(dirname "$0")/lib.sh"
B=$E2E_BUILD
[ -x "$B/remora-host" ] && [ -x "$B/remora-enclave" ] || e2e_skip "daemons not built in $B"

# expect STATUS PATTERN DESCRIPTION CMD...: exit status and a line of output
expect() {
	local want=$1 pat=$2 desc=$3 out rc
	shift 3
	out=$(timeout 10 "$@" 2>&1 </dev/null)
	rc=$?
	if [ "$rc" = "$want" ] && grep -q -- "$pat" <<<"$out"; then
		ok "$desc"
	else
		not_ok "$desc (status $rc, output: $(head -n 2 <<<"$out" | tr '\n' ' '))"
	fi
}

for d in remora-host remora-enclave; do
	expect 0 "Usage: $d --address IPV4" "$d --help prints usage" "$B/$d" --help
	expect 0 "--log-level LEVEL" "$d --help documents every flag" "$B/$d" -h
	expect 0 "^$d 0\.[0-9.]* (link protocol 1)" "$d --version" "$B/$d" --version
	expect 2 "unknown option '--bogus'" "$d rejects an unknown flag" "$B/$d" --bogus
	expect 2 "unknown option '-Z'" "$d rejects an unknown short flag" "$B/$d" -Z
	expect 2 "option '--queue' needs a value" "$d: flag without its value" "$B/$d" --address 198.18.0.1 --queue
	expect 2 "--address is required" "$d requires --address" "$B/$d"
	expect 2 "--address: '1.2.3' is not an IPv4 address" "$d rejects a bad address" "$B/$d" -a 1.2.3
	expect 2 "--address: 127.0.0.1 cannot be the shared address" "$d rejects a loopback address" "$B/$d" -a 127.0.0.1 -l unix:/x
	expect 2 "--address: 224.0.0.1 cannot be the shared address" "$d rejects a multicast address" "$B/$d" -a 224.0.0.1 -l unix:/x
	expect 2 "--queue: '70000' is not a number from 0 to 65535" "$d rejects a queue out of range" "$B/$d" -a 198.18.0.1 -q 70000
	expect 2 "--log-level: 'loud' is not one of" "$d rejects a bad log level" "$B/$d" -a 198.18.0.1 -v loud
	expect 2 "--peer-timeout (1 s) must be longer than --keepalive (2 s)" "$d checks timeouts" "$B/$d" -a 198.18.0.1 -l unix:/x -k 2 -t 1
	expect 2 "unexpected argument 'extra'" "$d rejects stray arguments" "$B/$d" -a 198.18.0.1 extra
	expect 2 "Try '$d --help'" "$d points at --help" "$B/$d" --bogus
done
expect 2 "--listen: 'udp:1:2' is not a link address" "remora-host rejects a bad link address" "$B/remora-host" -a 198.18.0.1 -l udp:1:2
expect 2 "--enclave-cid is required with a vsock listen address" "remora-host requires the enclave CID on vsock" "$B/remora-host" -a 198.18.0.1
expect 2 "--enclave-ports: '80,x' is not a port list" "remora-host rejects a bad port list" "$B/remora-host" -a 198.18.0.1 -l unix:/x -p 80,x
expect 2 "no port is left to the enclave" "remora-host refuses an empty enclave port set" "$B/remora-host" -a 198.18.0.1 -l unix:/x -p 22 -P 22
expect 2 "--link: 'vsock:x:1' is not a link address" "remora-enclave rejects a bad link address" "$B/remora-enclave" -a 198.18.0.1 -l vsock:x:1
expect 2 "a vsock CID to connect to is needed" "remora-enclave refuses vsock:any" "$B/remora-enclave" -a 198.18.0.1 -l vsock:any:5000

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && command -v unshare >/dev/null; then
	# fresh network namespaces, so nothing outside is touched
	for d in remora-host remora-enclave; do
		expect 1 "needs CAP_NET_RAW" "$d without privileges says what it needs" \
			unshare -n setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
			"$B/$d" -a 198.18.0.1 -l unix:/tmp/remora-cli-$$.sock
	done
	out=$(unshare -n sh -c "ip link set lo up; timeout -s INT 2 $B/remora-host -a 198.18.0.1 -l unix:/tmp/remora-cli-$$.sock" 2>&1)
	check "remora-host warns when --address is not one of the host's" \
		grep -q "198.18.0.1 is not an address of this host" <<<"$out"
	out=$(unshare -n sh -c "ip link set lo up; timeout -s INT 2 $B/remora-host -a 198.18.0.1 -l vsock:any:5000 -c 16" 2>&1)
	check "remora-host listens on a vsock address" grep -q "listening on vsock:any:5000" <<<"$out"
	out=$(unshare -n sh -c "ip link set lo up; timeout -s INT 2 $B/remora-enclave -a 198.18.0.1 -l vsock:3:5000" 2>&1)
	if grep -q "No such device" <<<"$out"; then
		check "remora-enclave explains a missing vsock transport" \
			grep -q "no vsock transport here" <<<"$out"
	fi
	tmp=$(mktemp -d)
	unshare -n sh -c "
		'$B/remora-enclave' -a 198.18.0.1 -l unix:$tmp/none.sock -q 7 >$tmp/first.log 2>&1 &
		first=\$!
		for i in \$(seq 50); do grep -q connecting $tmp/first.log && break; sleep 0.1; done
		timeout 10 '$B/remora-enclave' -a 198.18.0.1 -l unix:$tmp/none.sock -q 7 >$tmp/second.log 2>&1
		echo \$? >$tmp/second.rc
		kill \$first; wait \$first"
	check_eq "a second daemon on the same queue exits with status 1" 1 "$(cat "$tmp/second.rc")"
	check "... and says the queue is held by another process" \
		grep -q "cannot bind NFQUEUE 7: .*another process already holds this queue number" "$tmp/second.log"
	rm -rf "$tmp"
else
	e2e_log "privilege checks skipped: need root, setpriv and unshare"
fi
e2e_done
