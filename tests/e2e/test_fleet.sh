#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Three enclaves through one remora-host, each with its own address, link,
# queue and counters, described by one settings file with an [enclave NAME]
# section each, which remora-host-rules and remora-host both read.
#
#   internet ns   198.18.0.2, 2001:db8:1::2
#   host ns       198.18.0.1; the enclaves' 198.18.0.11, .12, .13 as
#                 secondary addresses (2001:db8:1::11 too, enclave a's)
#   enclave ns a, b, c: lo only, each with its own address
#
# FLEET_LINK=vsock (the default, if the vsock test double is built): one
# vsock:any:5000 listener, the enclaves told apart by their CIDs (16, 17,
# 18) through tests/vsock/vsockshim.c, the production code path.
# FLEET_LINK=unix: a unix: listener per enclave, told apart by where they
# connect.
#
# For each enclave: TCP both ways (2 MB, sha256), UDP both ways (echoes
# compared), ICMP echo out, an ICMP error in (about its flow) and one out
# (about the internet's); its packets reach it alone. Then: a wrong-source packet from b is refused and counted
# against b; enclave c is SIGKILLed and restarted while a and b carry
# transfers, which complete; a floods while b's transfer completes with
# no drop of b's; an enclave's packets to another are refused and counted;
# the per-enclave --stats and metrics carry the enclave label; with
# --enclave-to-enclave, a reaches b's service.
. "$(dirname "$0")/lib.sh"
e2e_require curl socat sha256sum ping python3 iperf3
SHIM=$E2E_BUILD/tests/libremora_vsockshim.so
if [ -z "${FLEET_LINK:-}" ]; then
	FLEET_LINK=unix
	[ -f "$SHIM" ] && FLEET_LINK=vsock
fi
[ "$FLEET_LINK" = unix ] || [ -f "$SHIM" ] || e2e_skip "the vsock test double is not built ($SHIM)"
E2E_ENCLAVE_SETUP=0
e2e_topology
NAMES="a b c"
declare -A IP=([a]=198.18.0.11 [b]=198.18.0.12 [c]=198.18.0.13)
declare -A CID=([a]=16 [b]=17 [c]=18)
declare -A NS=([a]=encl [b]=enclb [c]=enclc)
IP6_A=2001:db8:1::11
in_ns() { # WHERE CMD...
	local ns
	ns=$(e2e_ns "$1")
	shift
	ip netns exec "$ns" "$@"
}
in_enclb() { in_ns enclb "$@"; }
in_enclc() { in_ns enclc "$@"; }
VS=$E2E_TMP/vsock
mkdir -p "$VS"
vsenv() { # CID
	[ "$FLEET_LINK" = vsock ] || return 0
	echo env LD_PRELOAD="$SHIM" REMORA_VSOCK_SHIM_DIR="$VS" REMORA_VSOCK_SHIM_CID="$1" \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
}

# --- topology: the enclaves' addresses on the host, their namespaces ------
in_net ip -6 addr add 2001:db8:1::2/64 dev eth0 nodad
in_host ip -6 addr add 2001:db8:1::1/64 dev eth0 nodad
in_host ip -6 addr add "$IP6_A/128" dev eth0 nodad
for n in $NAMES; do
	in_host ip addr add "${IP[$n]}/32" dev eth0
	[ "$n" = a ] || e2e_ns_add "${NS[$n]}"
	six=
	[ "$n" = a ] && six="--address6 $IP6_A"
	# shellcheck disable=SC2086
	in_ns "${NS[$n]}" "$E2E_ROOT/scripts/remora-enclave-net" up --address "${IP[$n]}" $six \
		--mtu "$E2E_MTU" --capture "$E2E_CAPTURE" >/dev/null
done

# --- one settings file for the rules and the daemon -------------------------
CONF=$E2E_TMP/fleet.conf
{
	echo "nic = eth0"
	echo "control = $E2E_TMP/remora-host.ctl"
	echo "inject = $E2E_INJECT"
	echo "metrics = 127.0.0.1:9810"
	echo "queue = 4"
	[ "$FLEET_LINK" = vsock ] && echo "listen = vsock:any:5000"
	for n in $NAMES; do
		echo
		echo "[enclave $n]"
		echo "address = ${IP[$n]}"
		[ "$n" = a ] && echo "address6 = $IP6_A"
		if [ "$FLEET_LINK" = vsock ]; then
			echo "enclave-cid = ${CID[$n]}"
		else
			echo "listen = unix:$E2E_TMP/link-$n.sock"
		fi
	done
} >"$CONF"
in_host "$E2E_ROOT/scripts/remora-host-rules" up --config "$CONF" >"$E2E_TMP/rules.out"
check "remora-host-rules reads the sections: one line per enclave" \
	test "$(grep -c '^remora-host-rules: enclave [abc]: address 198.18.0.1[123]' "$E2E_TMP/rules.out")" = 3
check "enclave b's new flows go to its queue (5), matched by its address" \
	sh -c "ip netns exec $E2E_NS_HOST iptables -t mangle -S REMORA-PRE | grep -q -- '-d 198.18.0.12/32 -p tcp -m tcp --dport 1024:61439 .*--queue-num 5'"
check "enclave a's IPv6 rules match its IPv6 address (ip6tables, queue 4)" \
	sh -c "ip netns exec $E2E_NS_HOST ip6tables -t mangle -S REMORA-PRE | grep -q -- '-d $IP6_A/128 -m connmark --mark 0x52 .*--queue-num 4'"

start_host() { # ARGS...
	# shellcheck disable=SC2046
	e2e_bg remora-host host $(vsenv 3) "$E2E_BUILD/remora-host" --config "$CONF" "$@"
	e2e_wait_log "$E2E_TMP/remora-host.log" "listening for 3 enclaves" 10 || {
		e2e_log "remora-host did not start"
		exit 1
	}
}
start_enclave() { # NAME
	local n=$1 link=unix:$E2E_TMP/link-$1.sock six=
	[ "$FLEET_LINK" = vsock ] && link=vsock:3:5000
	[ "$n" = a ] && six="--address6 $IP6_A"
	# shellcheck disable=SC2046,SC2086
	e2e_bg "remora-enclave-$n" "${NS[$n]}" $(vsenv "${CID[$n]}") "$E2E_BUILD/remora-enclave" \
		--address "${IP[$n]}" $six --link "$link" --control "$E2E_TMP/remora-enclave-$n.ctl" \
		--capture "$E2E_CAPTURE" --mtu "$E2E_MTU" --reconnect-max 0.5
}
start_host
for n in $NAMES; do
	start_enclave "$n"
done
for n in $NAMES; do
	e2e_wait_log "$E2E_TMP/remora-enclave-$n.log" "link up" 10 || {
		e2e_log "enclave $n's link did not come up"
		exit 1
	}
done
e2e_wait_more "$E2E_TMP/remora-host.log" "link up" 2 10
check_eq "remora-host has a link up for each of the 3 enclaves" 3 \
	"$(grep -c 'link up' "$E2E_TMP/remora-host.log")"
e2e_check_seccomp remora-host
rss=$(awk '/^VmRSS:/ {print $2}' /proc/"$(e2e_pid remora-host)"/status)
check "remora-host serving 3 enclaves stays within its unit's MemoryMax (RSS $rss kB < 64 MB)" \
	test "$rss" -lt 65536
if [ "$FLEET_LINK" = vsock ]; then
	for n in $NAMES; do
		check "enclave $n (CID ${CID[$n]}) was told by its CID on the one vsock listener" \
			grep -q "enclave $n connected on vsock:any:5000" "$E2E_TMP/remora-host.log"
	done
fi

# host_stat COUNTER ENCLAVE: one enclave's counter in remora-host --stats
host_stat() { e2e_stats remora-host | awk -v k="$1{enclave=\"$2\"}" '$1 == k {print $2}'; }
encl_stats() { "$E2E_BUILD/remora-enclave" --stats --control "$E2E_TMP/remora-enclave-$1.ctl" | grep -v '^#'; }
encl_stat() { encl_stats "$2" | awk -v k="$1" '$1 == k {print $2}'; }
sha() { sha256sum | cut -d' ' -f1; }

# --- each enclave: TCP, UDP, ICMP both ways -----------------------------------
head -c 2000000 /dev/urandom >"$E2E_TMP/blob"
want=$(sha <"$E2E_TMP/blob")
e2e_http_file out 8080 "$E2E_TMP/blob"
e2e_http_script in "$E2E_TMP/blob"
e2e_bg echo-net net socat -T 10 UDP4-RECVFROM:7000,bind=$E2E_NET_IP,fork EXEC:cat
e2e_wait_listen in_net udp 7000 || exit 1
for n in $NAMES; do
	ns=${NS[$n]} ip=${IP[$n]}
	e2e_bg "svc-$n" "$ns" socat -T 20 TCP-LISTEN:8443,bind=$ip,reuseaddr,fork EXEC:"$E2E_TMP/in.sh"
	e2e_bg "echo-$n" "$ns" socat -T 10 UDP4-RECVFROM:7001,bind=$ip,fork EXEC:cat
	e2e_wait_listen "in_$ns" tcp 8443 || exit 1
	check_eq "enclave $n fetches 2 MB from the internet, whole" "$want" \
		"$(in_ns "$ns" curl -s --max-time 20 "http://$E2E_NET_IP:8080/" | sha)"
	check_eq "the internet fetches 2 MB from enclave $n at its address $ip, whole" "$want" \
		"$(in_net curl -s --max-time 20 "http://$ip:8443/" | sha)"
	word="udp-$n-$RANDOM$RANDOM"
	check_eq "enclave $n's UDP datagram to the internet comes back (echo)" "$word" \
		"$(echo "$word" | in_ns "$ns" socat -T 3 - UDP4:$E2E_NET_IP:7000)"
	check_eq "the internet's UDP datagram to enclave $n comes back (echo)" "$word" \
		"$(echo "$word" | in_net socat -T 3 - UDP4:$ip:7001)"
	check "enclave $n pings the internet" in_ns "$ns" ping -q -n -c 2 -W 2 "$E2E_NET_IP" >/dev/null
	check "an ICMP error (port unreachable) for enclave $n's UDP reaches it" \
		in_ns "$ns" python3 -c "
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.connect(('$E2E_NET_IP', 7999))
s.send(b'x')
try:
    s.recv(10)
except ConnectionRefusedError:
    sys.exit(0)
sys.exit(1)"
	check_eq "the internet -> a closed UDP port of enclave $n: enclave $n's ICMP port unreachable arrives" refused \
		"$(in_net timeout 20 python3 "$E2E_ROOT/tests/e2e/probe.py" refused-udp "$ip" 8082)"
done
e2e_bg out6 net socat -T 60 "TCP6-LISTEN:8081,bind=[2001:db8:1::2],reuseaddr,fork" EXEC:"$E2E_TMP/out.sh"
e2e_wait_listen in_net tcp 8081 || exit 1
check_eq "enclave a fetches 2 MB over IPv6, from its own IPv6 address, whole" "$want" \
	"$(in_encl curl -s --max-time 20 -g "http://[2001:db8:1::2]:8081/" | sha)"
for n in $NAMES; do
	check "remora-host counted enclave $n's traffic against it (l2i_packets{enclave=\"$n\"} $(host_stat l2i_packets "$n"), q2l_sent_packets $(host_stat q2l_sent_packets "$n"))" \
		test "$(host_stat l2i_packets "$n")" -gt 50 -a "$(host_stat q2l_sent_packets "$n")" -gt 50
	check_eq "what remora-host sent enclave $n is what enclave $n received" \
		"$(host_stat q2l_sent_packets "$n")" "$(encl_stat l2i_packets "$n")"
done
check_eq "no enclave was handed a packet addressed to another (l2i_drop_dst, all)" 0 \
	$(($(encl_stat l2i_drop_dst a) + $(encl_stat l2i_drop_dst b) + $(encl_stat l2i_drop_dst c)))

# --- a packet of b's bearing a's address is refused, counted against b -----
e2e_bg sink-net net socat -u UDP4-RECV:7002,bind=$E2E_NET_IP OPEN:"$E2E_TMP/sink.got",creat,append
e2e_wait_listen in_net udp 7002 || exit 1
in_enclb ip addr add "${IP[a]}/32" dev lo
src_b0=$(host_stat l2i_drop_src b) src_a0=$(host_stat l2i_drop_src a)
for _ in 1 2 3; do
	echo forged | in_enclb socat -u - UDP4-SENDTO:$E2E_NET_IP:7002,bind=${IP[a]}
done
sleep 0.5
in_enclb ip addr del "${IP[a]}/32" dev lo
check_eq "3 packets from enclave b with enclave a's source are refused, against b (l2i_drop_src{enclave=\"b\"})" \
	3 $(($(host_stat l2i_drop_src b) - src_b0))
check_eq "...and not against a" 0 $(($(host_stat l2i_drop_src a) - src_a0))
check_eq "...and none reached the internet" "" "$(cat "$E2E_TMP/sink.got" 2>/dev/null)"

# --- enclave c is SIGKILLed and restarted while a and b carry transfers ------
transfers() { # NAME: 4 fetches of 2 MB, one sha256 a line
	local i
	for i in 1 2 3 4; do
		in_ns "${NS[$1]}" curl -s --max-time 30 "http://$E2E_NET_IP:8080/" | sha
	done >"$E2E_TMP/xfer-$1"
}
transfers a &
ta=$!
transfers b &
tb=$!
sleep 0.3
kill -KILL "$(e2e_pid remora-enclave-c)"
wait "$(e2e_pid remora-enclave-c)" 2>/dev/null
check "remora-host says it waits for enclave c, by name" \
	e2e_wait_log "$E2E_TMP/remora-host.log" "info: waiting for enclave c to connect again; packets for it are dropped" 10
start_enclave c
check "enclave c's remora-enclave, restarted, gets its link back" \
	e2e_wait_log "$E2E_TMP/remora-enclave-c.log" "link up" 10
wait "$ta" "$tb"
for n in a b; do
	check_eq "enclave $n's 4 transfers during c's restart all complete, whole" \
		"$want $want $want $want" "$(tr '\n' ' ' <"$E2E_TMP/xfer-$n" | sed 's/ $//')"
done
check_eq "enclave c fetches 2 MB again after its restart" "$want" \
	"$(in_enclc curl -s --max-time 20 "http://$E2E_NET_IP:8080/" | sha)"

# --- a floods while b's transfer completes, with no drop of b's ------------
drops() { # the sum of enclave b's drop counters, host's and its own
	{
		e2e_stats remora-host | grep -E '^(q2l|l2i)_drop_[a-z0-9_]*\{enclave="b"\}' | awk '{print $2}'
		e2e_stats remora-host | grep -E '^kernel_(queue|user)_dropped\{enclave="b"\}' | awk '{print $2}'
		encl_stats b | grep -E '^(q2l|l2i)_drop_|^kernel_(queue|user)_dropped ' | awk '{print $2}'
	} | awk '{s += $1} END {print s + 0}'
}
e2e_bg iperf-net net iperf3 -s -B $E2E_NET_IP -p 5201
e2e_wait_listen in_net tcp 5201 || exit 1
db0=$(drops) fa0=$(host_stat l2i_packets a)
in_encl timeout 20 iperf3 -c $E2E_NET_IP -p 5201 -u -b 0 -l 1400 -t 5 >"$E2E_TMP/flood.out" 2>&1 &
flood=$!
sleep 1
t0=$(date +%s.%N)
transfers b
t1=$(date +%s.%N)
wait "$flood"
fa1=$(host_stat l2i_packets a)
check_eq "enclave b's 4 transfers of 2 MB complete whole while a floods ($(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f s", b - a}'); a's packets meanwhile: $((fa1 - fa0)))" \
	"$want $want $want $want" "$(tr '\n' ' ' <"$E2E_TMP/xfer-b" | sed 's/ $//')"
check "enclave a did flood (over 20000 of its packets on the host)" test $((fa1 - fa0)) -gt 20000
check_eq "no packet of b's was dropped anywhere while a flooded (b's drop counters, host and enclave)" \
	0 $(($(drops) - db0))

# --- enclaves may not reach each other by default ----------------------------
e0=$(host_stat l2i_drop_enclave a) bq0=$(host_stat q2l_sent_packets b)
for _ in 1 2 3; do
	echo hop | in_encl socat -u - UDP4-SENDTO:${IP[b]}:7001
done
sleep 0.5
check_eq "enclave a's 3 datagrams to enclave b are refused, counted against a (l2i_drop_enclave)" \
	3 $(($(host_stat l2i_drop_enclave a) - e0))
check_eq "...and enclave b got none of them" 0 $(($(host_stat q2l_sent_packets b) - bq0))
check "remora-host says why" grep -q "refused a packet of enclave a to enclave b (enclaves may not reach each other)" \
	"$E2E_TMP/remora-host.log"

# --- the report: each enclave labelled -------------------------------------------
st=$(e2e_stats remora-host)
for n in $NAMES; do
	check_eq "--stats: enclave $n's link is up" up \
		"$(awk -v k="link_state{enclave=\"$n\"}" '$1 == k {print $2}' <<<"$st")"
	check_eq "--stats: enclave $n's address" "${IP[$n]}" \
		"$(awk -v k="enclave_address{enclave=\"$n\"}" '$1 == k {print $2}' <<<"$st")"
	check "--stats: enclave $n's queue, as the kernel counts it" \
		grep -q "^kernel_queue_dropped{enclave=\"$n\"} " <<<"$st"
	check "--stats: enclave $n's own counters, as it reported them (STATS), labelled" \
		grep -q "^reported_q2l_sent_packets{enclave=\"$n\"} [1-9]" <<<"$st"
done
grep -E '^(link_state|l2i_packets|q2l_sent_packets|l2i_drop_src|l2i_drop_enclave|reported_age_seconds|reported_q2l_sent_packets)\{' <<<"$st" >"$E2E_TMP/stats-per-enclave"
e2e_log "per-enclave --stats (some):"
sed 's/^/    /' "$E2E_TMP/stats-per-enclave"
met=$(in_host curl -s --max-time 5 http://127.0.0.1:9810/metrics)
check "metrics: each enclave's counters carry its label" \
	test "$(grep -c '^remora_l2i_packets_total{daemon="host",enclave="[abc]"} [1-9]' <<<"$met")" = 3
check "metrics: the daemon's own counters carry no enclave label" \
	grep -q '^remora_metrics_rendered_total{daemon="host"} ' <<<"$met"
check "metrics: each metric's samples together, under one HELP (Prometheus text format)" \
	python3 -c "
import sys
seen, last = set(), None
for line in sys.stdin:
    if line.startswith('# HELP '):
        name = line.split()[2]
        if name in seen:
            sys.exit('HELP twice: ' + name)
        seen.add(name)
        last = name
    elif line and not line.startswith('#'):
        fam = line.split('{')[0]
        if fam != last:
            sys.exit('sample of %s under %s' % (fam, last))
" <<<"$met"

# --- with --enclave-to-enclave: a reaches b's services ------------------------
kill -TERM "$(e2e_pid remora-host)"
wait "$(e2e_pid remora-host)"
check_eq "remora-host stops with status 0 on SIGTERM" 0 $?
: >"$E2E_TMP/remora-host.log"
start_host --enclave-to-enclave
for n in $NAMES; do
	e2e_wait_more "$E2E_TMP/remora-enclave-$n.log" "link up" 1 10
done
e2e_wait_more "$E2E_TMP/remora-host.log" "link up" 2 10
check_eq "the 3 enclaves reconnected to the restarted remora-host" 3 \
	"$(grep -c 'link up' "$E2E_TMP/remora-host.log")"
check_eq "with --enclave-to-enclave, enclave a fetches 2 MB from enclave b's service, whole" "$want" \
	"$(in_encl curl -s --max-time 20 "http://${IP[b]}:8443/" | sha)"
word="a-to-b-$RANDOM"
check_eq "...and enclave b's UDP echo answers enclave a" "$word" \
	"$(echo "$word" | in_encl socat -T 3 - UDP4:${IP[b]}:7001)"
check "...handed over by remora-host, counted (l2i_to_enclave a $(host_stat l2i_to_enclave a), b $(host_stat l2i_to_enclave b))" \
	test "$(host_stat l2i_to_enclave a)" -gt 0 -a "$(host_stat l2i_to_enclave b)" -gt 0
e0=$(host_stat l2i_drop_enclave a)
in_encl ping -n -c 1 -W 1 "${IP[b]}" >/dev/null 2>&1
check_eq "...but only TCP and UDP to its ports: a's ping of b is refused and counted" 1 \
	$(($(host_stat l2i_drop_enclave a) - e0))

for d in remora-enclave-a remora-enclave-b remora-enclave-c remora-host; do
	pid=$(e2e_pid "$d")
	kill -TERM "$pid"
	wait "$pid"
	check_eq "$d exits with status 0 on SIGTERM" 0 $?
done
e2e_done
