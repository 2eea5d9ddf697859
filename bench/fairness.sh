#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Fairness between two enclaves served by one remora-host; sourced by
# bench/bench.sh (after the full run, or alone with --fairness), in its
# topology (tests/e2e/lib.sh), with its SECS, RRS, B and OUT.
#
#   internet ns   198.18.0.2: iperf3 servers
#   host ns       198.18.0.1; the enclaves' 198.18.0.11 (a) and .12 (b) as
#                 secondary addresses; one remora-host, a settings file
#                 with an [enclave NAME] section each (a unix: link each)
#   encla, enclb  lo only, each with its own address (NFQUEUE capture)
#
# Measures enclave b alone, then while enclave a floods the internet with
# UDP as fast as it can (iperf3 -u -b 0 -l 1400, for the whole of b's
# tests), then while the host namespace floods the same way, a flood that
# does not go through remora: b's TCP throughput out (iperf3, 1 stream)
# and its TCP request/response latency (tcp_rr.py from the internet to an
# echo server in b), each as a ratio to b alone; each flood's rate; b's
# drop counters in remora-host. A direct veth (the host namespace's own
# traffic, no remora) is measured alone and under both floods too. On a
# machine of few cores a flood takes CPU from everyone: the direct veth
# and the host's flood tell what the machine alone costs b. Writes
# OUT/fairness.md. No figure is judged (checks: each was measured, and
# each flood lasted throughout the tests).

FAIR_A=198.18.0.11 FAIR_B=198.18.0.12
# time limits of a request/response run and of a flood (stopped as soon
# as the flooded tests are done; a stream test's: SECS + 10); a flood's
# datagrams are capped too, at 1,000,000 a second for that long
FAIR_RR_LIMIT=$((RRS / 100 + 10))
FAIR_FLOOD_LIMIT=$((1 + 2 * (SECS + 10) + 2 * FAIR_RR_LIMIT))
FAIR_FLOOD_PKTS=$((1000000 * FAIR_FLOOD_LIMIT))
FAIR_CONF=$E2E_TMP/fairness.conf
FAIR_CTL=$E2E_TMP/remora-host-fair.ctl
in_encla() { ip netns exec "$(e2e_ns encla)" "$@"; }
in_enclb() { ip netns exec "$(e2e_ns enclb)" "$@"; }

# the enclaves' addresses on the host, their namespaces, their rules
for n in a b; do
	ip=$FAIR_A
	[ $n = b ] && ip=$FAIR_B
	in_host ip addr add "$ip/32" dev eth0
	e2e_ns_add "encl$n"
	"in_encl$n" "$E2E_ROOT/scripts/remora-enclave-net" up --address "$ip" --capture nfqueue \
		--mtu "$E2E_MTU" >/dev/null
done
# one settings file for the host's rules and remora-host (queues 4 and 5)
cat >"$FAIR_CONF" <<CONF
nic = eth0
control = $FAIR_CTL
inject = $E2E_INJECT
queue = 4

[enclave a]
address = $FAIR_A
listen = unix:$E2E_TMP/fair-a.sock

[enclave b]
address = $FAIR_B
listen = unix:$E2E_TMP/fair-b.sock
CONF
in_host "$E2E_ROOT/scripts/remora-host-rules" up --config "$FAIR_CONF" >/dev/null
e2e_bg remora-host-fair host "$E2E_BUILD/remora-host" --config "$FAIR_CONF"
e2e_wait_log "$E2E_TMP/remora-host-fair.log" "listening for 2 enclaves" 10 || {
	e2e_log "fairness: remora-host did not start"
	exit 1
}
for n in a b; do
	ip=$FAIR_A
	[ $n = b ] && ip=$FAIR_B
	e2e_bg "remora-enclave-$n" "encl$n" "$E2E_BUILD/remora-enclave" --address "$ip" \
		--link "unix:$E2E_TMP/fair-$n.sock" --control "$E2E_TMP/remora-enclave-$n.ctl" \
		--capture nfqueue --mtu "$E2E_MTU"
done
for n in a b; do
	e2e_wait_log "$E2E_TMP/remora-enclave-$n.log" "link up" 10 || {
		e2e_log "fairness: enclave $n's link did not come up"
		exit 1
	}
done
e2e_wait_more "$E2E_TMP/remora-host-fair.log" "link up" 1 10 || {
	e2e_log "fairness: remora-host has not both links up"
	exit 1
}

# servers: b's stream (5401), the floods (5402, 5404) and the direct
# stream (5403) in the internet; echo servers in b and on the host's own
# address (not an enclave's: the rules leave it to the host)
e2e_bg fair-srv-b net iperf3 -s -B $NIP -p 5401
e2e_bg fair-srv-flood-encla net iperf3 -s -B $NIP -p 5402
e2e_bg fair-srv-direct net iperf3 -s -B $NIP -p 5403
e2e_bg fair-srv-flood-host net iperf3 -s -B $NIP -p 5404
e2e_bg fair-echo-b enclb python3 "$B/echo_server.py" $FAIR_B 7000
e2e_bg fair-echo-direct host python3 "$B/echo_server.py" $HIP 7001
for w in "in_net tcp 5401" "in_net tcp 5402" "in_net tcp 5403" "in_net tcp 5404" \
	"in_enclb tcp 7000" "in_host tcp 7001"; do
	# shellcheck disable=SC2086
	e2e_wait_listen $w || { e2e_log "fairness: a server did not start: $w"; exit 1; }
done

# fair_drops: enclave b's drops, "remora-host kernel": the sum of
# remora-host's (q2l|l2i)_drop_*{enclave="b"}, and of the kernel's drops of
# b's queue (kernel_queue_dropped, kernel_user_dropped{enclave="b"})
fair_drops() {
	"$E2E_BUILD/remora-host" --stats --control "$FAIR_CTL" | awk '
		$1 ~ /^(q2l|l2i)_drop_[a-z0-9_]*\{enclave="b"\}$/ {d += $2}
		$1 ~ /^kernel_(queue|user)_dropped\{enclave="b"\}$/ {k += $2}
		END {printf "%.0f %.0f\n", d, k}'
}
# fair_enclave_drops NAME: the sum of remora-enclave NAME's drop counters
fair_enclave_drops() {
	"$E2E_BUILD/remora-enclave" --stats --control "$E2E_TMP/remora-enclave-$1.ctl" |
		awk '$1 ~ /^(q2l|l2i)_drop_|^kernel_(queue|user|tun)_dropped$/ {d += $2} END {printf "%.0f\n", d}'
}
# fair_udp_in: UDP datagrams that reached the internet namespace so far
# (delivered, or refused by a full socket: InDatagrams + InErrors); in the
# flooded tests, the flood's alone (the tests are TCP)
fair_udp_in() { in_net awk '/^Udp:/ && ++n == 2 {printf "%.0f\n", $2 + $4}' /proc/net/snmp; }
# fair_ticks: clock ticks remora-host has used so far
fair_ticks() { awk '{print $14 + $15}' /proc/"$(e2e_pid remora-host-fair)"/stat; }
# fair_iperf WHERE ARGS...: Gbit/s received, one TCP stream for SECS
fair_iperf() {
	local where=$1
	shift
	"in_$where" timeout $((SECS + 10)) iperf3 -J -t "$SECS" "$@" 2>/dev/null | python3 -c '
import json, sys
try:
    print("%.3f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e9))
except Exception:
    print(0)'
}
# fair_rr DST PORT: median and 99th percentile (us) of RRS requests from
# the internet, one connection
fair_rr() {
	in_net timeout "$FAIR_RR_LIMIT" python3 "$B/tcp_rr.py" "$1" "$2" "$RRS" 2>/dev/null |
		awk '{m = $2; p = $4} END {print m + 0, p + 0}'
}
# fair_phase [FLOOD]: b's stream and request/response, then the direct
# ones; with FLOOD (encla or host) flooding the internet with UDP from 1 s
# before them to their end (iperf3 -u -b 0 -l 1400, bounded by a count and
# a time limit, stopped when they are done). Sets FAIR_OUT: b's Gbit/s,
# median and p99 us; the direct ones; the flood's datagrams/s reaching the
# internet and their Gbit/s (payload); enclave a's datagrams/s its
# remora-enclave dropped; remora-host's CPU (% of a core); b's drops in
# remora-host and in the host kernel's queue (from before the flood starts
# to after it stops)
fair_phase() {
	local flood=${1:-} pid d0 k0 d1 k1 u0 u1 e0 e1 c0 c1 t0 t1 tests
	read -r d0 k0 < <(fair_drops)
	if [ -n "$flood" ]; then
		e2e_bg "fair-flood-$flood" "$flood" timeout "$FAIR_FLOOD_LIMIT" iperf3 -c $NIP \
			-p "$([ "$flood" = host ] && echo 5404 || echo 5402)" -u -b 0 -l 1400 -k "$FAIR_FLOOD_PKTS"
		pid=$(e2e_pid "fair-flood-$flood")
		sleep 1
	fi
	u0=$(fair_udp_in) e0=$(fair_enclave_drops a) c0=$(fair_ticks) t0=$(date +%s.%N)
	tests="$(fair_iperf enclb -c $NIP -p 5401) $(fair_rr $FAIR_B 7000)"
	tests="$tests $(fair_iperf host -c $NIP -p 5403) $(fair_rr $HIP 7001)"
	u1=$(fair_udp_in) e1=$(fair_enclave_drops a) c1=$(fair_ticks) t1=$(date +%s.%N)
	if [ -n "$flood" ]; then
		check "fairness: the flood ($flood) lasted throughout the tests (its iperf3 still running after them)" \
			kill -0 "$pid"
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		sleep 0.5
	fi
	read -r d1 k1 < <(fair_drops)
	FAIR_OUT="$tests $(awk -v u=$((u1 - u0)) -v e=$((e1 - e0)) -v c=$((c1 - c0)) -v t0="$t0" -v t1="$t1" \
		-v hz="$(getconf CLK_TCK)" 'BEGIN {t = t1 - t0; if (t <= 0) t = 1
			printf "%.0f %.3f %.0f %.0f", u / t, u * 1400 * 8 / t / 1e9, e / t, 100 * c / hz / t}')"
	FAIR_OUT="$FAIR_OUT $((d1 - d0)) $((k1 - k0))"
}

e2e_log "fairness: enclave b alone, while enclave a floods, while the host floods (${SECS}s per stream test, $RRS requests)"
fair_phase
read -r o_tput o_rr o_p99 o_dtput o_drr o_dp99 _ _ _ o_cpu o_drops o_kdrops <<<"$FAIR_OUT"
fair_phase encla
read -r a_tput a_rr a_p99 a_dtput a_drr a_dp99 a_pps a_gbps a_edrops a_cpu a_drops a_kdrops <<<"$FAIR_OUT"
fair_phase host
read -r h_tput h_rr h_p99 h_dtput h_drr h_dp99 h_pps h_gbps _ h_cpu h_drops h_kdrops <<<"$FAIR_OUT"

{
	echo "| measure | alone | while enclave a floods | / alone | while the host floods, not through remora | / alone |"
	echo "|---|---|---|---|---|---|"
	frow() { echo "| $1 | $2 | $3 | $(ratio "$3" "$2") | $4 | $(ratio "$4" "$2") |"; }
	frow "enclave b: TCP, 1 stream, enclave -> internet (Gbit/s)" "$o_tput" "$a_tput" "$h_tput"
	frow "enclave b: TCP request/response, median (us)" "$o_rr" "$a_rr" "$h_rr"
	frow "enclave b: TCP request/response, 99th percentile (us)" "$o_p99" "$a_p99" "$h_p99"
	frow "direct veth, no remora: TCP, 1 stream, host -> internet (Gbit/s)" "$o_dtput" "$a_dtput" "$h_dtput"
	frow "direct veth, no remora: TCP request/response, median (us)" "$o_drr" "$a_drr" "$h_drr"
	frow "direct veth, no remora: TCP request/response, 99th percentile (us)" "$o_dp99" "$a_dp99" "$h_dp99"
	echo "| the flood: UDP 1400-byte datagrams reaching the internet (packets/s) | | $a_pps ($a_gbps Gbit/s) | | $h_pps ($h_gbps Gbit/s) | |"
	echo "| enclave a's datagrams its remora-enclave dropped, its link full (packets/s) | | $a_edrops | | | |"
	echo "| remora-host's CPU during the tests (% of a core) | $o_cpu | $a_cpu | | $h_cpu | |"
	echo "| enclave b's drops in remora-host, (q2l\|l2i)_drop_*{enclave=\"b\"} | $o_drops | $a_drops | | $h_drops | |"
	echo "| enclave b's packets dropped by the host kernel's queue, kernel_(queue\|user)_dropped{enclave=\"b\"} | $o_kdrops | $a_kdrops | | $h_kdrops | |"
	echo
	echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, kernel $(uname -r), MTU $E2E_MTU, one remora-host (injecting through $E2E_INJECT) serving enclaves a and b (unix: links, NFQUEUE capture); ${SECS}s per stream test, $RRS requests; each flood iperf3 -u -b 0 -l 1400, from 1 s before the flooded tests to their end."
} >"$OUT/fairness.md"
cat "$OUT/fairness.md"
for v in "$o_tput" "$o_rr" "$o_dtput" "$o_drr" "$a_tput" "$a_rr" "$a_dtput" "$a_drr" "$a_pps" \
	"$h_tput" "$h_rr" "$h_dtput" "$h_drr" "$h_pps"; do
	check "fairness: a figure was measured ($v)" awk -v v="$v" 'BEGIN {exit !(v + 0 > 0)}'
done
