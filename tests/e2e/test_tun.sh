#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Injection through the tun (remora-host --inject auto|tun|raw, --tun NAME):
# by default remora-host writes the enclave's packets into its own tun
# device, remora0, which forwards them (forwarding, accept_local on it
# alone, nothing global changed), super-packets whole. Checked here:
#  - the device and its settings, and that the host's own forwarding stays
#    off;
#  - a bulk upload arrives whole, written into the tun in far fewer, larger
#    calls than segments (super-packets);
#  - what leaves carries the TTL the enclave sent, as from the raw socket
#    (forwarding takes one off; remora-host adds it first), and a ping
#    with TTL 1 still gets its answer;
#  - the guard: the enclave reaches no other address of the host;
#    REMORA-TUN sends such packets back to the queue, and remora-host
#    counts them;
#  - a FORWARD policy of DROP (Docker's) does not stop the enclave
#    (REMORA-FWD), for a device of another name (--tun) once the rules
#    name it (remora-host-rules up --tun), and does while they do not;
#  - the device goes with the daemon (SIGTERM, SIGKILL): nothing the enclave
#    sends meanwhile leaves;
#  - --inject raw: no device, TTLs the same;
#  - the reverse-path filter: the device holds 192.0.0.8/32 (RFC 7600's
#    dummy address), so a loose filter passes its packets, whether
#    net.ipv4.conf.all.rp_filter is 2 or the device's own value is raised
#    to 2 after it is made (systemd-udevd does, where sysctl.d says
#    net.ipv4.conf.*.rp_filter = 2); with all.rp_filter 1 (strict) the
#    default falls back to the raw socket with a warning, and --inject tun
#    refuses to start.
# The test chooses each start's mode itself: E2E_INJECT does not apply.
. "$(dirname "$0")/lib.sh"
e2e_require socat tcpdump python3 sha256sum ping
[ -c /dev/net/tun ] || e2e_skip "needs /dev/net/tun (remora-host's tun injection)"
E2E_ENCLAVE_ARGS="--keepalive 0.2 --peer-timeout 2 --reconnect-max 0.2"
e2e_topology
HLOG=$E2E_TMP/remora-host.log
STARTS=0

# start_host ARGS...: remora-host with only ARGS beyond its link and
# control socket (no --inject: the default), the last one's log kept aside;
# waits until it listens
start_host() {
	STARTS=$((STARTS + 1))
	[ -f "$HLOG" ] && mv "$HLOG" "$E2E_TMP/remora-host.$STARTS.log"
	e2e_bg remora-host host "$E2E_BUILD/remora-host" --address "$E2E_HOST_IP" \
		--listen "unix:$E2E_TMP/link.sock" --control "$E2E_TMP/remora-host.ctl" \
		--keepalive 0.2 --peer-timeout 2 "$@"
	e2e_wait_log "$HLOG" "listening on" 10 || { e2e_log "remora-host did not start"; exit 1; }
}
# linked: the running remora-enclave has (re)connected to the new host
linked() {
	e2e_wait_log "$HLOG" "link up" 15 || { e2e_log "the link did not come up"; exit 1; }
}
# stop_host [SIG]: stop remora-host (TERM by default); its exit status in
# HOST_RC
stop_host() {
	local pid
	pid=$(e2e_pid remora-host)
	kill -"${1:-TERM}" "$pid"
	wait "$pid"
	HOST_RC=$?
}
hsys() { in_host sysctl -n "$1" 2>/dev/null; }
dev_exists() { in_host test -e "/sys/class/net/$1"; }
# gone DEV: the device is no longer there (within 2 s)
gone() {
	for _ in $(seq 20); do
		dev_exists "$1" || return 0
		sleep 0.1
	done
	return 1
}
# exchange: a TCP connection from the enclave to the internet gets its
# answer (out through the injection, back through the queue)
exchange() {
	[ "$(in_encl timeout 10 socat -T 5 - TCP:$E2E_NET_IP:7601 </dev/null 2>/dev/null)" = from-the-internet ]
}
# send_udp TEXT PORT: one datagram from the enclave to the internet
send_udp() { echo "$1" | in_encl socat -u - UDP4-SENDTO:$E2E_NET_IP:"$2"; }
# arrived TEXT: the internet's UDP sink got TEXT (within 3 s)
arrived() { e2e_wait_log "$E2E_TMP/sink.txt" "$1" 3; }
# Single packets (a datagram, a SYN) go through remora-host's raw socket;
# only super-packets go through the tun. So what must cross the tun is a
# bulk flow: bulk SECS uploads 2 MB from the enclave (its super-packets
# whole), within SECS; true if every byte arrived
head -c 2M /dev/urandom >"$E2E_TMP/bulk.bin"
BULK_PORT=7700
bulk() {
	local got
	BULK_PORT=$((BULK_PORT + 1))
	e2e_bg "bulk-$BULK_PORT" net socat -u TCP-LISTEN:$BULK_PORT,bind=$E2E_NET_IP,reuseaddr CREATE:"$E2E_TMP/bulk-$BULK_PORT"
	e2e_wait_listen in_net tcp $BULK_PORT || return 1
	in_encl timeout "$1" socat -u OPEN:"$E2E_TMP/bulk.bin" TCP:$E2E_NET_IP:$BULK_PORT 2>/dev/null
	sleep 0.2
	got=$(stat -c %s "$E2E_TMP/bulk-$BULK_PORT" 2>/dev/null)
	kill "$(e2e_pid "bulk-$BULK_PORT")" 2>/dev/null
	[ "${got:-0}" = $((2 << 20)) ]
}
# knstat COUNTER: a kernel counter of the host's namespace
knstat() { in_host nstat -az "$1" | awk -v c="$1" '$1 == c {print $2}'; }

e2e_bg web net socat -T 10 TCP-LISTEN:7601,bind=$E2E_NET_IP,reuseaddr,fork SYSTEM:"echo from-the-internet"
e2e_bg sink net python3 "$E2E_ROOT/tests/e2e/udp_sink.py" 7602 "$E2E_TMP/sink.txt"
e2e_wait_listen in_net tcp 7601 && e2e_wait_log "$E2E_TMP/sink.txt" ready 10 || exit 1

# --- the default: remora0 -----------------------------------------------------
# the host as a fresh namespace has it (said here, whatever the namespace
# inherits): not a router, no reverse-path filter
in_host sysctl -qw net.ipv4.ip_forward=0 net.ipv4.conf.all.rp_filter=0
start_host
e2e_start_enclave
linked
e2e_check_seccomp remora-host
check "the default is the tun: remora-host says it injects through remora0" \
	grep -q "info: injecting through remora0" "$HLOG"
check_eq "--stats: injection remora0" remora0 "$(e2e_stat remora-host injection)"
check "remora0 exists in the host's namespace" dev_exists remora0
check "remora0 is up" bash -c "ip netns exec $E2E_NS_HOST ip -o link show remora0 | grep -q '[<,]UP[,>]'"
check_eq "remora0: forwarding 1" 1 "$(hsys net.ipv4.conf.remora0.forwarding)"
check_eq "remora0: accept_local 1" 1 "$(hsys net.ipv4.conf.remora0.accept_local)"
check_eq "remora0: rp_filter 0" 0 "$(hsys net.ipv4.conf.remora0.rp_filter)"
check_eq "the host's forwarding stays off: net.ipv4.ip_forward 0" 0 "$(hsys net.ipv4.ip_forward)"
check_eq "the host's forwarding stays off: conf.all.forwarding 0" 0 "$(hsys net.ipv4.conf.all.forwarding)"
check_eq "eth0's forwarding stays off" 0 "$(hsys net.ipv4.conf.eth0.forwarding)"
check_eq "remora0 holds 192.0.0.8/32, scope host, its only IPv4 address" "192.0.0.8/32 host" \
	"$(in_host ip -4 -o addr show dev remora0 | awk '{print $4, $6}' | paste -sd,)"
check "traffic passes: the enclave's TCP connection to the internet gets its answer" exchange

# what systemd-udevd does to every new interface where sysctl.d says
# net.ipv4.conf.*.rp_filter = 2 (systemd's own 50-default.conf): the
# device's reverse-path filter raised to loose after remora-host set it off
in_host sysctl -qw net.ipv4.conf.remora0.rp_filter=2
rp0=$(knstat TcpExtIPReversePathFilter) fw0=$(knstat IpForwDatagrams)
check "remora0's rp_filter raised to 2 after start (as udev does): the enclave's bulk upload still arrives" bulk 10
check "the kernel forwarded its super-packets from the tun (IpForwDatagrams $fw0 -> $(knstat IpForwDatagrams))" \
	test "$(knstat IpForwDatagrams)" -gt "$fw0"
check_eq "and its reverse-path filter dropped none (TcpExtIPReversePathFilter)" "$rp0" "$(knstat TcpExtIPReversePathFilter)"
in_host sysctl -qw net.ipv4.conf.remora0.rp_filter=0

# --- a bulk upload -------------------------------------------------------------
SIZE_MB=20
head -c "${SIZE_MB}M" /dev/urandom >"$E2E_TMP/blob"
want=$(sha256sum <"$E2E_TMP/blob" | cut -d' ' -f1)
e2e_bg upload-sink net socat -u TCP-LISTEN:7301,bind=$E2E_NET_IP,reuseaddr CREATE:"$E2E_TMP/got"
e2e_wait_listen in_net tcp 7301 || exit 1
h0=$(e2e_stats remora-host)
o0=$(e2e_stat remora-enclave q2l_offloaded)
t0=$(date +%s.%N)
check "the enclave uploads $SIZE_MB MB to the internet" \
	in_encl timeout 60 socat -u OPEN:"$E2E_TMP/blob" TCP:$E2E_NET_IP:7301
for _ in $(seq 100); do kill -0 "$(e2e_pid upload-sink)" 2>/dev/null || break; sleep 0.1; done
t1=$(date +%s.%N)
h1=$(e2e_stats remora-host)
v() { awk -v k="$2" '$1 == k {print $2}' <<<"$1"; }
dv() { echo $(($(v "$h1" "$1") - $(v "$h0" "$1"))); }
check_eq "every byte arrives (sha256)" "$want" "$(sha256sum <"$E2E_TMP/got" | cut -d' ' -f1)"
calls=$(dv l2i_inject_calls)
bytes=$(dv l2i_injected_bytes)
mean=$((bytes / (calls > 0 ? calls : 1)))
e2e_log "upload: $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}') s; $calls writes into remora0, $bytes bytes, $mean bytes a write"
check "each write into the tun carries far more than one MTU ($mean bytes on average > 3000)" test "$mean" -gt 3000
check "remora-enclave sent super-packets whole (q2l_offloaded +$(($(e2e_stat remora-enclave q2l_offloaded) - o0)))" \
	test "$(e2e_stat remora-enclave q2l_offloaded)" -gt "$o0"
check_eq "no injection failed" 0 "$(dv l2i_drop_inject)"

# --- TTL --------------------------------------------------------------------------
# ttls: the enclave sends a datagram and a ping with TTL 5; TTLS is what
# the internet's capture saw, "udp=N icmp=N"
ttls() {
	local cap=$E2E_TMP/ttlcap$STARTS.log pid
	e2e_bg "ttlcap$STARTS" net tcpdump -n -v -i eth0 -l -U "src host $E2E_HOST_IP and (udp port 7500 or icmp)"
	pid=$(e2e_pid "ttlcap$STARTS")
	for _ in $(seq 50); do grep -q "listening on" "$cap" 2>/dev/null && break; sleep 0.1; done
	echo TTL | in_encl socat -u - UDP4-SENDTO:$E2E_NET_IP:7500,ttl=5
	in_encl ping -n -c 1 -t 5 -W 2 "$E2E_NET_IP" >/dev/null 2>&1
	sleep 0.3
	kill "$pid"
	wait "$pid" 2>/dev/null
	TTLS="udp=$(grep -o 'ttl [0-9]*,.*proto UDP' "$cap" | head -n 1 | awk '{print $2}' | tr -d ,)"
	TTLS+=" icmp=$(grep -o 'ttl [0-9]*,.*proto ICMP' "$cap" | head -n 1 | awk '{print $2}' | tr -d ,)"
}
ttls
check_eq "tun: what the internet receives carries the TTL the enclave sent (5)" "udp=5 icmp=5" "$TTLS"
ping_ttl1() { in_encl ping -n -c 1 -t 1 -W 3 "$E2E_NET_IP" >/dev/null 2>&1; }
check "tun: a ping with TTL 1 from the enclave gets its answer" ping_ttl1

# --- the guard: no other address of the host ------------------------------------
e2e_check_host_other
check "remora-host says why" grep -q "failed: Operation not permitted" "$HLOG"
e2e_bg host-tcp host socat -T 10 TCP-LISTEN:7002,bind=198.18.0.5,reuseaddr,fork SYSTEM:"echo HOST-SERVICE"
e2e_wait_listen in_host tcp 7002 || exit 1
after=$(e2e_stat remora-host l2i_drop_inject)
got=$(in_encl timeout 4 socat -T 2 - TCP:198.18.0.5:7002,connect-timeout=2 </dev/null 2>/dev/null)
check_eq "the host's TCP service on 198.18.0.5 is not reached from the enclave" "" "$got"
check "the SYNs were counted too (l2i_drop_inject $after -> $(e2e_stat remora-host l2i_drop_inject))" \
	test "$(e2e_stat remora-host l2i_drop_inject)" -gt "$after"

# --- a FORWARD policy of DROP ---------------------------------------------------
in_host iptables -P FORWARD DROP
fwd() { in_host iptables -t filter -L REMORA-FWD -v -x -n | awk '$3 == "ACCEPT" {print $1}'; }
f0=$(fwd)
check_eq "the host's FORWARD policy is DROP" "-P FORWARD DROP" "$(in_host iptables -S FORWARD | head -n 1)"
check "FORWARD policy DROP: the enclave's connection still gets its answer" exchange
check "FORWARD policy DROP: the enclave's bulk upload arrives" bulk 10
check "REMORA-FWD let its super-packets through (its ACCEPT counted $f0 -> $(fwd) packets)" test "$(fwd)" -gt "$f0"

# --- the device goes with the daemon ----------------------------------------------
for how in TERM KILL; do
	stop_host $how
	[ "$how" = TERM ] && check_eq "remora-host exits 0 on SIGTERM" 0 "$HOST_RC"
	check "SIG$how: remora0 is gone with remora-host" gone remora0
	send_udp "LEAK-$how" 7602
	sleep 0.5
	check_eq "SIG$how: the enclave's datagram meanwhile does not reach the internet" 0 \
		"$(grep -c "LEAK-$how" "$E2E_TMP/sink.txt")"
	start_host
	linked
	check "restarted after SIG$how: remora0 is back" dev_exists remora0
done
send_udp BACK 7602
check "the enclave's datagrams arrive again" arrived BACK

# --- --tun NAME --------------------------------------------------------------------
stop_host
start_host --tun rmrtun7
linked
check "--tun rmrtun7: remora-host injects through rmrtun7" grep -q "info: injecting through rmrtun7" "$HLOG"
check_eq "--tun rmrtun7: --stats says so" rmrtun7 "$(e2e_stat remora-host injection)"
check "--tun rmrtun7: the device exists" dev_exists rmrtun7
check "--tun rmrtun7: and remora0 does not" gone remora0
check_eq "--tun rmrtun7: forwarding on it" 1 "$(hsys net.ipv4.conf.rmrtun7.forwarding)"
# the rules still name remora0: the FORWARD policy drops what rmrtun7
# forwards (so the check below, with the rules naming it, can fail)
policy() { in_host iptables -L FORWARD -v -x -n | awk 'NR == 1 {print $5}'; }
p0=$(policy)
bulk 3
check "rules for remora0, daemon on rmrtun7: FORWARD's DROP policy drops the enclave's super-packets ($p0 -> $(policy))" \
	test "$(policy)" -gt "$p0"
in_host "$E2E_ROOT/scripts/remora-host-rules" up --nic eth0 --tun rmrtun7 >/dev/null
check_eq "remora-host-rules up --tun rmrtun7: REMORA-TUN guards rmrtun7" "-A PREROUTING -i rmrtun7 -j REMORA-TUN" \
	"$(in_host iptables -t mangle -S PREROUTING | grep -- '-j REMORA-TUN$')"
check_eq "remora-host-rules up --tun rmrtun7: REMORA-FWD takes rmrtun7's packets" "-A FORWARD -i rmrtun7 -j REMORA-FWD" \
	"$(in_host iptables -S FORWARD | grep -- '-j REMORA-FWD$')"
p0=$(policy)
check "rules naming rmrtun7: the enclave's bulk upload arrives through FORWARD's DROP policy" bulk 10
check_eq "and the policy dropped none of it" "$p0" "$(policy)"
check "rules naming rmrtun7: the enclave's connection gets its answer (its flow marked by REMORA-TUN)" exchange
stop_host
check_eq "remora-host on rmrtun7 exits 0 on SIGTERM" 0 "$HOST_RC"
check "rmrtun7 is gone with it" gone rmrtun7
in_host "$E2E_ROOT/scripts/remora-host-rules" up --nic eth0 >/dev/null
in_host iptables -P FORWARD ACCEPT

# --- --inject raw --------------------------------------------------------------------
start_host --inject raw
linked
check_eq "--inject raw: --stats says injection raw" raw "$(e2e_stat remora-host injection)"
check "--inject raw: no remora0" gone remora0
ttls
check_eq "raw: what the internet receives carries the TTL the enclave sent (5)" "udp=5 icmp=5" "$TTLS"
check "raw: traffic passes" exchange
stop_host

# --- rp_filter -------------------------------------------------------------------------
in_host sysctl -qw net.ipv4.conf.all.rp_filter=2
start_host
linked
check_eq "all.rp_filter 2: remora-host injects through remora0" remora0 "$(e2e_stat remora-host injection)"
check_eq "all.rp_filter 2: remora0 holds 192.0.0.8/32, scope host" "192.0.0.8/32 host" \
	"$(in_host ip -4 -o addr show dev remora0 | awk '{print $4, $6}')"
check "all.rp_filter 2: traffic passes" exchange
rp0=$(knstat TcpExtIPReversePathFilter)
check "all.rp_filter 2: the enclave's bulk upload arrives" bulk 10
check_eq "all.rp_filter 2: the reverse-path filter dropped none of its super-packets" "$rp0" "$(knstat TcpExtIPReversePathFilter)"
stop_host

in_host sysctl -qw net.ipv4.conf.all.rp_filter=1
out=$(in_host timeout 10 "$E2E_BUILD/remora-host" --address "$E2E_HOST_IP" --listen "unix:$E2E_TMP/link.sock" \
	--control none --inject tun 2>&1 </dev/null)
rc=$?
check_eq "all.rp_filter 1: --inject tun exits 1" 1 "$rc"
check "all.rp_filter 1: --inject tun says rp_filter is why ($(grep -o 'error: .*' <<<"$out" | cut -c1-100)...)" \
	grep -q "error: --inject tun: cannot use the tun device remora0: net.ipv4.conf.all.rp_filter is 1" <<<"$out"
check "all.rp_filter 1: no remora0 is left behind" gone remora0
start_host
linked
check "all.rp_filter 1: the default warns, naming rp_filter" \
	grep -q "warn: cannot use the tun device remora0: net.ipv4.conf.all.rp_filter is 1 (strict)" "$HLOG"
check_eq "all.rp_filter 1: and falls back to the raw socket" raw "$(e2e_stat remora-host injection)"
check "all.rp_filter 1: no remora0" gone remora0
check "all.rp_filter 1: traffic passes" exchange
check "all.rp_filter 1: the enclave's bulk upload arrives" bulk 10
e2e_done
