#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# remora end-to-end test library: builds the topology in network namespaces
# and runs the real daemons across it.
#
#   "internet" ns    eth0 198.18.0.2/24   clients and servers of the world
#        | veth
#   "host" ns        eth0 198.18.0.1/24   the instance: remora-host, its rules
#        | unix socket (a file in $E2E_TMP: crosses namespaces as vsock
#        |              crosses the VM boundary)
#   "enclave" ns     lo only, 198.18.0.1/32 (the shared address),
#                    remora-enclave and its rules
#
# Only 198.18.0.0/15 addresses, only inside these namespaces; nothing in the
# root namespace changes. Everything is torn down on every exit path.

set -u

E2E_SKIP=77
E2E_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
E2E_BUILD=${REMORA_BUILD:-$E2E_ROOT/build}
E2E_HOST_IP=198.18.0.1  # the instance's address, shared with the enclave
E2E_NET_IP=198.18.0.2   # a machine on the internet
# E2E_IPV6=1: dual-stack, with these (documentation prefix, inside the
# test's namespaces only)
E2E_HOST_IP6=2001:db8:1::1
E2E_NET_IP6=2001:db8:1::2
E2E_MTU=${E2E_MTU:-1500}
# how remora-host sends the enclave's packets: tun (the default, whole,
# with offloads) or raw (E2E_INJECT=raw: every test runs both ways)
if [ -z "${E2E_INJECT:-}" ]; then
	E2E_INJECT=tun
	[ -c /dev/net/tun ] || E2E_INJECT=raw
fi
# how remora-enclave takes the enclave's packets: nfqueue (the default, the
# rules of enclave.rules) or tun (E2E_CAPTURE=tun: its default routes go
# into remora-enclave's tun, as on the stock Nitro enclave kernel)
E2E_CAPTURE=${E2E_CAPTURE:-nfqueue}
E2E_NS_NET=rmr$$-net
E2E_NS_HOST=rmr$$-host
E2E_NS_ENCL=rmr$$-encl
# more namespaces a test made with e2e_ns_add (more enclaves), torn down too
E2E_NS_MORE=()
E2E_TMP=
E2E_PIDS=()
E2E_FAILS=0
E2E_PASSES=0
E2E_NAME=$(basename "$0" .sh)

e2e_log() { echo "[$E2E_NAME] $*"; }

# e2e_tun: does remora-host write the enclave's packets into its tun (the
# default), rather than send them with its raw socket (E2E_INJECT=raw)?
e2e_tun() { [ "$E2E_INJECT" = tun ]; }

# e2e_capture_tun: does remora-enclave capture with its tun (E2E_CAPTURE=tun)?
e2e_capture_tun() { [ "$E2E_CAPTURE" = tun ]; }

# e2e_skip REASON: report the test as skipped, not passed
e2e_skip() {
	echo "[$E2E_NAME] SKIP: $*"
	exit "$E2E_SKIP"
}

e2e_require() {
	local c
	[ "$(id -u)" = 0 ] || e2e_skip "needs root (network namespaces, NFQUEUE)"
	for c in ip iptables iptables-restore "$@"; do
		command -v "$c" >/dev/null 2>&1 || e2e_skip "needs '$c'"
	done
	[ -x "$E2E_BUILD/remora-host" ] && [ -x "$E2E_BUILD/remora-enclave" ] ||
		e2e_skip "daemons not built in $E2E_BUILD (set REMORA_BUILD)"
	ip netns add "rmr$$-probe" 2>/dev/null || e2e_skip "cannot create network namespaces"
	if ! ip netns exec "rmr$$-probe" iptables -A OUTPUT -j NFQUEUE --queue-num 0 2>/dev/null; then
		ip netns del "rmr$$-probe"
		e2e_skip "iptables NFQUEUE target not available in this kernel"
	fi
	ip netns del "rmr$$-probe"
}

in_net() { ip netns exec "$E2E_NS_NET" "$@"; }
in_host() { ip netns exec "$E2E_NS_HOST" "$@"; }
in_encl() { ip netns exec "$E2E_NS_ENCL" "$@"; }

# e2e_ns WHERE: namespace name of net, host or encl
e2e_ns() {
	case "$1" in
	net) echo "$E2E_NS_NET" ;;
	host) echo "$E2E_NS_HOST" ;;
	encl) echo "$E2E_NS_ENCL" ;;
	*) echo "rmr$$-$1" ;;
	esac
}

# e2e_ns_add WHERE: one more namespace, rmr$$-WHERE, torn down at exit;
# e2e_bg takes WHERE
e2e_ns_add() {
	ip netns add "rmr$$-$1"
	E2E_NS_MORE+=("rmr$$-$1")
}

# e2e_bg LOGNAME WHERE CMD...: start CMD in namespace WHERE (net, host or
# encl) in the background, tracked for teardown; its PID is the command's
e2e_bg() {
	local name=$1 ns
	ns=$(e2e_ns "$2")
	shift 2
	ip netns exec "$ns" "$@" >"$E2E_TMP/$name.log" 2>&1 &
	E2E_PIDS+=($!)
	eval "E2E_PID_${name//[^a-zA-Z0-9]/_}=$!"
}

e2e_pid() { eval "echo \${E2E_PID_${1//[^a-zA-Z0-9]/_}:-}"; }

e2e_teardown() {
	local rc=$? pid ns
	trap - EXIT INT TERM
	for pid in "${E2E_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for ns in "${E2E_NS_MORE[@]}" "$E2E_NS_ENCL" "$E2E_NS_HOST" "$E2E_NS_NET"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
	done
	for pid in "${E2E_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	for ns in "${E2E_NS_MORE[@]}" "$E2E_NS_ENCL" "$E2E_NS_HOST" "$E2E_NS_NET"; do
		ip netns del "$ns" 2>/dev/null
	done
	if [ -n "$E2E_TMP" ]; then
		if [ "$rc" != 0 ] && [ "$rc" != "$E2E_SKIP" ]; then
			for f in "$E2E_TMP"/remora-*.log; do
				[ -f "$f" ] || continue
				echo "----- $(basename "$f") (last 30 lines) -----"
				tail -n 30 "$f"
			done
		fi
		rm -rf "$E2E_TMP"
	fi
	exit "$rc"
}

# e2e_topology: namespaces, veth, addresses, the port split, both rule sets
e2e_topology() {
	E2E_TMP=$(mktemp -d /tmp/remora-e2e.XXXXXX)
	trap e2e_teardown EXIT
	trap 'exit 130' INT TERM
	# a write into a pipe or fifo whose reader is gone (a test's client
	# that died) ends the test through its teardown, which shows the
	# daemons' logs and removes the namespaces; a handler, not an ignore,
	# so that the programs the test starts keep the default
	trap 'exit 141' PIPE
	ip netns add "$E2E_NS_NET"
	ip netns add "$E2E_NS_HOST"
	ip netns add "$E2E_NS_ENCL"
	ip link add rmr$$a netns "$E2E_NS_HOST" type veth peer name rmr$$b netns "$E2E_NS_NET"
	in_host ip link set rmr$$a name eth0
	in_net ip link set rmr$$b name eth0
	in_net ip link set lo up
	in_net ip link set eth0 up
	in_net ip addr add "$E2E_NET_IP/24" dev eth0
	in_host ip link set lo up
	in_host ip link set eth0 mtu "$E2E_MTU"
	in_net ip link set eth0 mtu "$E2E_MTU"
	in_host ip link set eth0 up
	in_host ip addr add "$E2E_HOST_IP/24" dev eth0
	local v6rules=
	if [ "${E2E_IPV6:-0}" = 1 ]; then
		in_net ip -6 addr add "$E2E_NET_IP6/64" dev eth0 nodad
		in_host ip -6 addr add "$E2E_HOST_IP6/64" dev eth0 nodad
		v6rules="--address6 $E2E_HOST_IP6"
	fi
	in_host "$E2E_ROOT/scripts/remora-host-rules" up --nic eth0 $v6rules ${E2E_HOST_RULES_ARGS:-} >/dev/null
	# E2E_ENCLAVE_SETUP=0: leave the enclave as it boots (lo down, no
	# address, no rules), for remora-enclave --setup-net
	[ "${E2E_ENCLAVE_SETUP:-1}" = 0 ] ||
		in_encl "$E2E_ROOT/scripts/remora-enclave-net" up --address "$E2E_HOST_IP" \
			${v6rules:+--address6 $E2E_HOST_IP6} --mtu "${E2E_ENCLAVE_MTU:-$E2E_MTU}" \
			${E2E_ENCLAVE_LO_MTU:+--lo-mtu $E2E_ENCLAVE_LO_MTU} --capture "$E2E_CAPTURE" >/dev/null
}

# e2e_wait_log FILE PATTERN [SECONDS]: wait for a line in a log
e2e_wait_log() {
	local file=$1 pat=$2 t=${3:-10} i
	for ((i = 0; i < t * 10; i++)); do
		grep -q -- "$pat" "$file" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# e2e_wait_more FILE PATTERN COUNT [SECONDS]: wait until PATTERN occurs more
# than COUNT times in FILE (for logs that already hold earlier matches)
e2e_wait_more() {
	local file=$1 pat=$2 n=$3 t=${4:-10} i
	for ((i = 0; i < t * 10; i++)); do
		[ "$(grep -c -- "$pat" "$file" 2>/dev/null)" -gt "$n" ] && return 0
		sleep 0.1
	done
	return 1
}

# e2e_wait_listen NS-FUNC PROTO PORT [SECONDS]: wait for a listening socket
e2e_wait_listen() {
	local fn=$1 proto=$2 port=$3 t=${4:-10} i flag=-ltn
	[ "$proto" = udp ] && flag=-lun
	for ((i = 0; i < t * 10; i++)); do
		"$fn" ss -H "$flag" "sport = :$port" 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

e2e_start_host() {
	e2e_bg remora-host host "$E2E_BUILD/remora-host" --address "$E2E_HOST_IP" \
		--listen "unix:$E2E_TMP/link.sock" --control "$E2E_TMP/remora-host.ctl" \
		--inject "$E2E_INJECT" \
		$([ "${E2E_IPV6:-0}" = 1 ] && echo "--address6 $E2E_HOST_IP6") ${E2E_HOST_ARGS:-} "$@"
}

e2e_start_enclave() {
	e2e_bg remora-enclave encl "$E2E_BUILD/remora-enclave" --address "$E2E_HOST_IP" \
		--link "unix:$E2E_TMP/link.sock" --control "$E2E_TMP/remora-enclave.ctl" \
		--capture "$E2E_CAPTURE" --mtu "${E2E_ENCLAVE_MTU:-$E2E_MTU}" \
		$([ "${E2E_IPV6:-0}" = 1 ] && echo "--address6 $E2E_HOST_IP6") ${E2E_ENCLAVE_ARGS:-} "$@"
}

# e2e_check_seccomp NAME [PID [LOG]]: the running daemon NAME (process PID,
# logging to LOG) confines itself with its seccomp filter: the kernel says
# it is filtered (Seccomp: 2) and the daemon logged its filter. Checks,
# counted.
e2e_check_seccomp() {
	local name=$1 pid=${2:-$(e2e_pid "$1")} log=${3:-$E2E_TMP/$1.log} mode
	mode=$(awk '/^Seccomp:/ {print $2}' /proc/"$pid"/status 2>/dev/null)
	check_eq "$name runs under its seccomp filter (Seccomp: 2)" 2 "$mode"
	check "$name says its filter is in place" \
		grep -q "seccomp: [0-9]* system calls allowed" "$log"
}

# e2e_daemons: start both and wait until the link is up on both sides;
# each must be confined by its seccomp filter by then
e2e_daemons() {
	e2e_start_host
	e2e_wait_log "$E2E_TMP/remora-host.log" "listening on" 10 || {
		e2e_log "remora-host did not start"
		exit 1
	}
	e2e_start_enclave
	e2e_wait_log "$E2E_TMP/remora-enclave.log" "link up" 10 &&
		e2e_wait_log "$E2E_TMP/remora-host.log" "link up" 10 || {
		e2e_log "the link did not come up"
		exit 1
	}
	e2e_check_seccomp remora-host
	e2e_check_seccomp remora-enclave
}

# e2e_stats NAME: a running daemon's counters and state, "name value" lines,
# read with NAME --stats through its control socket (as an operator does)
e2e_stats() {
	"$E2E_BUILD/$1" --stats --control "$E2E_TMP/$1.ctl" | grep -v '^#'
}

# e2e_stats_logged NAME: ask a daemon to log its counters (SIGUSR1), print
# them as "name value"
e2e_stats_logged() {
	local log="$E2E_TMP/$1.log" before
	before=$(grep -c 'stat link_address\|stat injection' "$log")
	kill -USR1 "$(e2e_pid "$1")"
	for _ in $(seq 50); do
		[ "$(grep -c 'stat link_address\|stat injection' "$log")" -gt "$before" ] && break
		sleep 0.1
	done
	grep ' stat ' "$log" | sed 's/.* stat //' | awk '{v[$1]=$2} END {for (k in v) print k, v[k]}'
}

# e2e_stat NAME COUNTER: one counter's current value
e2e_stat() { e2e_stats "$1" | awk -v k="$2" '$1 == k {print $2}'; }

# e2e_http_script NAME FILE: $E2E_TMP/NAME.sh answers one HTTP/1.0 request
# with FILE and its Content-Length (for socat's EXEC). It reads the request
# head first: a server that exits with it unread resets the connection,
# and the client may lose the answer (curl: "Empty reply from server")
e2e_http_script() {
	cat >"$E2E_TMP/$1.sh" <<SH
#!/bin/bash
while IFS= read -r line && [ -n "\${line%\$'\\r'}" ]; do :; done
printf 'HTTP/1.0 200 OK\r\nContent-Length: %s\r\n\r\n' "\$(stat -c %s '$2')"
exec cat '$2'
SH
	chmod +x "$E2E_TMP/$1.sh"
}

# e2e_http_file NAME PORT FILE: serve FILE over HTTP/1.0 on the internet
# side, with its Content-Length, until teardown
e2e_http_file() {
	local name=$1 port=$2 file=$3
	e2e_http_script "$name" "$file"
	e2e_bg "$name" net socat -T 60 TCP-LISTEN:$port,bind=$E2E_NET_IP,reuseaddr,fork EXEC:"$E2E_TMP/$name.sh"
	e2e_wait_listen in_net tcp "$port"
}

# e2e_check_counters: what one daemon sent, the other received, and nothing
# looped: the host never re-queues what it injected (the enclave would refuse
# it as not addressed to it) and the enclave never queues what it injected
# (the host would refuse it as not from the shared address).
e2e_check_counters() {
	local es eh
	es=$(e2e_stats remora-enclave)
	eh=$(e2e_stats remora-host)
	c() { awk -v k="$2" '$1 == k {print $2}' <<<"$1"; }
	# both reports must be there and show traffic: two empty answers
	# would otherwise compare equal
	check "remora-enclave's --stats answers, having sent packets" \
		test "$(c "$es" q2l_sent_packets)" -gt 0
	check "remora-host's --stats answers, having sent packets" \
		test "$(c "$eh" q2l_sent_packets)" -gt 0
	check_eq "enclave->host: packets sent by remora-enclave = packets received by remora-host" \
		"$(c "$es" q2l_sent_packets)" "$(c "$eh" l2i_packets)"
	check_eq "host->enclave: packets sent by remora-host = packets received by remora-enclave" \
		"$(c "$eh" q2l_sent_packets)" "$(c "$es" l2i_packets)"
	check_eq "remora-enclave refused nothing as misaddressed (no host loop)" 0 "$(c "$es" l2i_drop_dst)"
	check_eq "remora-host refused nothing as wrongly sourced (no enclave loop)" 0 "$(c "$eh" l2i_drop_src)"
	check_eq "remora-enclave: no injection failures" 0 "$(c "$es" l2i_drop_inject)"
	check_eq "remora-host: no injection failures" 0 "$(c "$eh" l2i_drop_inject)"
}

# e2e_check_host_other: the host's other local addresses stay out of the
# enclave's reach. 198.18.0.5 goes on the host's lo, a UDP service on it;
# 3 datagrams the enclave sends there never arrive, and remora-host counts
# each refused injection (l2i_drop_inject). Single datagrams go through
# the raw socket in either mode, and REMORA-OUT refuses them
# (test_offload.sh sends a super-packet there, which REMORA-TUN stops).
# Checks, counted; the address stays, for more checks on it.
e2e_check_host_other() {
	local before after
	in_host ip addr add 198.18.0.5/32 dev lo
	e2e_bg host-other host socat -u UDP4-RECV:7001,bind=198.18.0.5 OPEN:"$E2E_TMP/host-other.got",creat,append
	e2e_wait_listen in_host udp 7001 || exit 1
	before=$(e2e_stat remora-host l2i_drop_inject)
	for _ in 1 2 3; do
		echo from-enclave | in_encl socat -u - UDP4-SENDTO:198.18.0.5:7001
	done
	sleep 0.5
	after=$(e2e_stat remora-host l2i_drop_inject)
	check_eq "no datagram from the enclave reached the host's service on 198.18.0.5" "" \
		"$(cat "$E2E_TMP/host-other.got" 2>/dev/null)"
	check_eq "the 3 datagrams were refused by REMORA-OUT and counted (l2i_drop_inject)" 3 $((after - before))
}

# e2e_stop_daemons: SIGTERM both; they must exit 0 after saying so
e2e_stop_daemons() {
	local d pid rc
	for d in remora-enclave remora-host; do
		pid=$(e2e_pid "$d")
		kill -TERM "$pid"
		wait "$pid"
		rc=$?
		check_eq "$d exits with status 0 on SIGTERM" 0 "$rc"
		check "$d logs its stop" grep -q "info: stopped" "$E2E_TMP/$d.log"
	done
}

ok() {
	E2E_PASSES=$((E2E_PASSES + 1))
	echo "[$E2E_NAME] ok - $*"
}
not_ok() {
	E2E_FAILS=$((E2E_FAILS + 1))
	echo "[$E2E_NAME] FAIL - $*"
}

# check DESCRIPTION CMD...: run a command, record pass or fail
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1 (expected '$2', got '$3')"
	fi
}

e2e_done() {
	echo "[$E2E_NAME] $E2E_PASSES passed, $E2E_FAILS failed"
	[ "$E2E_FAILS" = 0 ]
}
