#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# remora's benchmark: throughput, latency, small-packet rate, CPU cost and
# short HTTP connections through the pair, against baselines measured in
# the same run on the same machine: a direct veth path, and an L4 proxy
# chain like per-port vsock proxies (socat: TCP -> unix socket -> TCP).
#
#   bench/bench.sh [--smoke] [--fairness] [--out DIR]
#
# Measures, remora-host injecting through its tun (the default):
#  - iperf3, one and four TCP streams each way; ping; a TCP
#    request/response loop; 64-byte UDP; both daemons' CPU time per GB;
#  - how much each system call moves in the 1-stream tests, from the
#    daemons' counters (deltas around each test): bytes per link write of
#    the sending daemon, bytes per injection call of the receiving one;
#  - the load of an enclave's HTTPS API, many short connections (plain
#    HTTP here): nginx serving a 10 KB file in the enclave, 200 clients in
#    the internet, 20,000 requests with a new connection each (ab), then
#    keep-alive for 5 s (wrk), against the same nginx in the host
#    namespace; with failed requests and TCP connections per request;
# then again with remora-host --inject raw (segment by segment through its
# raw socket: the 1-stream tests and their bytes per call), and --no-gso
# (the inbound stream); then remora-enclave capturing with its tun
# (--capture tun, what the stock Nitro enclave kernel gets; the rest of
# the run captures with NFQUEUE), remora-host as by default: the 1-stream
# tests, request/response, 64-byte UDP and CPU per GB. Last, fairness
# between two enclaves of one remora-host (bench/fairness.sh): enclave b's
# TCP throughput out and request/response latency alone, while enclave a
# floods the internet with UDP, and while the host floods it the same way
# (not through remora), as ratios to b alone; the floods' rates; b's drops
# in remora-host; a direct veth under the same floods. --fairness measures
# that alone (about 45 s).
#
# Prints a table with every figure and its ratios to direct and to the
# chain (bytes per call: to --inject raw); writes it to DIR/results.md
# (default build/bench), the raw numbers to DIR/results.dat, and a plot to
# DIR/throughput.png (gnuplot), and the fairness table to
# DIR/fairness.md. A full run takes about 3 minutes; --smoke runs each
# measure for a moment (about 35 s; with --fairness, 10 s): it checks the
# benchmark works, its numbers mean nothing. Needs root (namespaces);
# touches nothing outside them. No figure is asserted: the machine is
# shared and noisy (only that each was measured, and that no HTTP request
# failed).
. "$(dirname "$0")/../tests/e2e/lib.sh"
E2E_NAME=bench
SECS=5 PINGS=300 RRS=2000 UDP_SECS=3
# HTTP: requests with a new connection each (ab stops at HTTP_LIMIT
# seconds if they are not done by then), seconds of keep-alive (wrk)
HTTP_REQS=20000 HTTP_SECS=5 HTTP_LIMIT=60
OUT=$E2E_ROOT/build/bench
FAIR_ONLY=0
while [ $# -gt 0 ]; do
	case "$1" in
	--smoke) SECS=1 PINGS=20 RRS=100 UDP_SECS=1 HTTP_REQS=1000 HTTP_SECS=1 HTTP_LIMIT=20; shift ;;
	--fairness) FAIR_ONLY=1; shift ;;
	--out) OUT=${2:?}; shift 2 ;;
	*) echo "usage: bench/bench.sh [--smoke] [--fairness] [--out DIR]" >&2; exit 2 ;;
	esac
done
B=$E2E_ROOT/bench
HIP=$E2E_HOST_IP NIP=$E2E_NET_IP
# ratio A B: A / B as "N.NNx" ("-" without B)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2fx", a / b; else print "-"}'; }

if [ "$FAIR_ONLY" = 1 ]; then
	# fairness alone: no enclave at the shared address, the two enclaves'
	# topology and daemons (bench/fairness.sh) on the internet and host
	# namespaces
	e2e_require iperf3 python3
	mkdir -p "$OUT"
	E2E_ENCLAVE_SETUP=0
	e2e_topology
	. "$B/fairness.sh"
	e2e_done
	exit
fi
e2e_require iperf3 python3 socat ping nginx ab wrk
mkdir -p "$OUT"

# the host keeps 22 (direct iperf3), 2222 (chain entry), 2224 (direct echo)
# and 8081 (direct nginx): taken out of the enclave's ports (80, 443,
# 1024-61439), the rules leave new flows to them to the host's own stack.
# Not a port of the host's ephemeral range (61440-65535, outside the
# enclave's): the host's own clients (the socat chain) take ports there
E2E_HOST_RULES_ARGS="--host-ports 22,2222,2224,8081"
E2E_HOST_ARGS="--host-ports 22,2222,2224,8081"
# as deployed: the internet at 1500, the enclave's lo at remora-enclave's
# default 9001 (EC2's NIC MTU)
E2E_ENCLAVE_MTU=${E2E_ENCLAVE_MTU:-9001}
e2e_topology
e2e_daemons

# servers: direct (host ns, host ports), chain (socat both ends), remora
e2e_bg srv-direct host iperf3 -s -B $HIP -p 22
e2e_bg srv-encl encl iperf3 -s -B $HIP -p 5201
e2e_bg srv-net net iperf3 -s -B $NIP -p 5202
e2e_bg srv-chain-in encl iperf3 -s -B 127.0.0.1 -p 5301
e2e_bg chain-in-host host socat TCP-LISTEN:2222,bind=$HIP,reuseaddr,fork UNIX-CONNECT:$E2E_TMP/chain-in.sock
e2e_bg chain-in-encl encl socat UNIX-LISTEN:$E2E_TMP/chain-in.sock,fork TCP:127.0.0.1:5301
e2e_bg srv-chain-out net iperf3 -s -B $NIP -p 5302
e2e_bg chain-out-encl encl socat TCP-LISTEN:2223,bind=127.0.0.1,reuseaddr,fork UNIX-CONNECT:$E2E_TMP/chain-out.sock
e2e_bg chain-out-host host socat UNIX-LISTEN:$E2E_TMP/chain-out.sock,fork TCP:$NIP:5302
e2e_bg echo-direct host python3 $B/echo_server.py $HIP 2224
e2e_bg echo-encl encl python3 $B/echo_server.py $HIP 7000
# nginx NAME WHERE PORT: nginx serving a 10 KB file on the shared address,
# in the foreground, its pid, logs and temporary files in $E2E_TMP/NAME.
# The same configuration in the enclave and for the direct baseline (the
# port aside): one worker process, so the server gets one core either way,
# on any machine; no access log (an API under load would not write one per
# request to a slow disk, and the enclave has none)
head -c 10240 /dev/zero | tr '\0' x >"$E2E_TMP/10k.html"
nginx_start() {
	local d=$E2E_TMP/$1
	mkdir -p "$d"
	cat >"$d/nginx.conf" <<NGINX
# root: its files are in \$E2E_TMP, root's alone
user root;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log;
events {
	worker_connections 1024;
}
http {
	access_log off;
	sendfile on;
	default_type text/html;
	client_body_temp_path $d/body;
	proxy_temp_path $d/proxy;
	fastcgi_temp_path $d/fastcgi;
	uwsgi_temp_path $d/uwsgi;
	scgi_temp_path $d/scgi;
	server {
		listen $HIP:$3;
		location = /10k.html {
			root $E2E_TMP;
		}
	}
}
NGINX
	e2e_bg "$1" "$2" nginx -e "$d/error.log" -c "$d/nginx.conf" -g 'daemon off;'
}
nginx_start nginx-direct host 8081
nginx_start nginx-encl encl 8080
for w in "in_host tcp 22" "in_encl tcp 5201" "in_net tcp 5202" "in_encl tcp 5301" "in_host tcp 2222" \
	"in_net tcp 5302" "in_encl tcp 2223" "in_host tcp 2224" "in_encl tcp 7000" \
	"in_host tcp 8081" "in_encl tcp 8080"; do
	# shellcheck disable=SC2086
	e2e_wait_listen $w || { e2e_log "a server did not start: $w"; exit 1; }
done
for _ in $(seq 50); do [ -S "$E2E_TMP/chain-in.sock" ] && [ -S "$E2E_TMP/chain-out.sock" ] && break; sleep 0.1; done

# iperf WHERE ARGS...: Gbit/s received, and bytes, from iperf3's JSON
iperf() {
	local where=$1
	shift
	"in_$where" iperf3 -J -t "$SECS" "$@" 2>/dev/null | python3 -c '
import json, sys
try:
    e = json.load(sys.stdin)["end"]
    s = e["sum_received"]
    print("%.3f %d" % (s["bits_per_second"] / 1e9, s["bytes"]))
except Exception:
    print("0 0")'
}
# udp_pps WHERE ARGS...: 64-byte UDP datagrams received per second
udp_pps() {
	local where=$1
	shift
	"in_$where" iperf3 -J -u -l 64 -b 0 -t "$UDP_SECS" "$@" 2>/dev/null | python3 -c '
import json, sys
try:
    s = json.load(sys.stdin)["end"]["sum"]
    print("%.0f" % ((s["packets"] - s["lost_packets"]) / s["seconds"]))
except Exception:
    print(0)'
}
# ping_median WHERE DST: median RTT in microseconds
ping_median() {
	"in_$1" ping -n -q -c "$PINGS" -i 0.01 -W 1 "$2" >/dev/null 2>&1 # warm up caches, ARP
	"in_$1" ping -n -c "$PINGS" -i 0.01 -W 1 "$2" 2>/dev/null |
		sed -n 's/.*time=\([0-9.]*\) ms/\1/p' | sort -n |
		awk '{v[NR] = $1} END {if (NR) printf "%.1f", v[int((NR + 1) / 2)] * 1000; else print 0}'
}
rr_median() { "in_$1" python3 $B/tcp_rr.py "$2" "$3" "$RRS" 2>/dev/null | awk '{print $2}'; }
# cpu: clock ticks used so far by both daemons
cpu() {
	local t=0 p
	for p in $(e2e_pid remora-host) $(e2e_pid remora-enclave); do
		t=$((t + $(awk '{print $14 + $15}' /proc/"$p"/stat)))
	done
	echo "$t"
}

# snap FILE: both daemons' counters now, "e_NAME value" (remora-enclave)
# and "h_NAME value" (remora-host) lines
snap() {
	{
		e2e_stats remora-enclave | sed 's/^/e_/'
		e2e_stats remora-host | sed 's/^/h_/'
	} >"$E2E_TMP/$1.stats"
}
# delta BEFORE AFTER COUNTER: how much COUNTER grew between two snaps
delta() {
	awk -v k="$3" 'FNR == NR {if ($1 == k) v = -$2; next} $1 == k {v += $2} END {print v + 0}' \
		"$E2E_TMP/$1.stats" "$E2E_TMP/$2.stats"
}
# per BEFORE AFTER BYTES CALLS: mean bytes per call between two snaps
per() {
	awk -v b="$(delta "$1" "$2" "$3")" -v c="$(delta "$1" "$2" "$4")" \
		'BEGIN {if (c > 0) printf "%.0f", b / c; else print 0}'
}
# bytes_per IN0 IN1 OUT0 OUT1: the mean bytes each system call moved in the
# inbound (snaps IN0 to IN1) and outbound (OUT0 to OUT1) 1-stream tests:
# enclave -> internet, remora-enclave's link writes and remora-host's
# injection calls; internet -> enclave, remora-host's link writes and
# remora-enclave's injection calls
bytes_per() {
	echo "$(per "$3" "$4" e_link_tx_bytes e_link_writes)" \
		"$(per "$3" "$4" h_l2i_injected_bytes h_l2i_inject_calls)" \
		"$(per "$1" "$2" h_link_tx_bytes h_link_writes)" \
		"$(per "$1" "$2" e_l2i_injected_bytes e_l2i_inject_calls)"
}
# restart WHO PEER LOG ARGS...: restart remora-WHO (host or enclave) with
# ARGS (its log so far kept as remora-WHO.LOG.log), remora-enclave in
# E2E_CAPTURE's mode and remora-host in E2E_INJECT's; wait until remora-PEER
# says the link is up again
restart() {
	local who=remora-$1 peer=remora-$2 log=$3 pid ups
	shift 3
	pid=$(e2e_pid "$who")
	ups=$(grep -c "link up" "$E2E_TMP/$peer.log")
	kill "$pid"
	wait "$pid" 2>/dev/null
	mv "$E2E_TMP/$who.log" "$E2E_TMP/$who.$log.log"
	"e2e_start_${who#remora-}" "$@"
	e2e_wait_more "$E2E_TMP/$peer.log" "link up" "$ups" 15 ||
		e2e_log "$who $* did not link up again"
}
host_restart() { restart host enclave "$@"; }
enclave_restart() { restart enclave host "$@"; }
# opens WHERE: TCP connections accepted so far in namespace WHERE (the
# server's: PassiveOpens, from its /proc/net/snmp)
opens() { "in_$1" cat /proc/net/snmp | awk '/^Tcp:/ && ++n == 2 {print $7}'; }
# http_new WHERE PORT: requests/s, failed requests, and connections the
# server accepted per request, for $HTTP_REQS GETs of the 10 KB file by 200
# clients in the internet, each on a new connection. ab speaks HTTP/1.0
# without keep-alive and nginx closes after each answer: one connection per
# request, as the connections per request show each run (a little over 1:
# at the end ab opens up to 200 it does not use). wrk with "Connection:
# close" opens one per request too, but runs for a time, not a count.
# Failed: requests not answered in full with a 200, those the time limit
# left undone included (-n after -t: -t alone means 50,000 requests)
http_new() {
	local o0 o1
	o0=$(opens "$1")
	in_net ab -q -r -s 10 -c 200 -t "$HTTP_LIMIT" -n "$HTTP_REQS" "http://$HIP:$2/10k.html" \
		>"$E2E_TMP/ab-$1.log" 2>&1
	o1=$(opens "$1")
	awk -v n="$HTTP_REQS" -v c=$((o1 - o0)) '
		/^Complete requests:/ {done = $3}
		/^Failed requests:/ {bad = $3}
		/^Non-2xx responses:/ {non2xx = $3}
		/^Requests per second:/ {rps = $4}
		END {printf "%.0f %d %.2f\n", rps, n - (done - bad - non2xx), c / n}' "$E2E_TMP/ab-$1.log"
}
# http_keepalive WHERE PORT: the same for GETs by 200 clients on
# connections kept alive (wrk, 2 threads), for $HTTP_SECS seconds: wrk
# runs for a time, not a count. Failed: wrk's socket errors, timeouts and
# answers other than 2xx or 3xx
cat >"$E2E_TMP/wrk.lua" <<'LUA'
done = function(summary, latency, requests)
	local e = summary.errors
	io.write(string.format("wrk-summary %d %d %d\n", summary.requests, summary.duration,
		e.connect + e.read + e.write + e.status + e.timeout))
end
LUA
http_keepalive() {
	local o0 o1
	o0=$(opens "$1")
	in_net wrk -t 2 -c 200 -d "$HTTP_SECS" --timeout 10 -s "$E2E_TMP/wrk.lua" \
		"http://$HIP:$2/10k.html" >"$E2E_TMP/wrk-$1.log" 2>&1
	o1=$(opens "$1")
	awk -v c=$((o1 - o0)) '$1 == "wrk-summary" && $3 > 0 && $2 > 0 {
			printf "%.0f %d %.2f\n", $2 / ($3 / 1e6), $4, c / $2; ok = 1}
		END {if (!ok) print "0 -1 0"}' "$E2E_TMP/wrk-$1.log"
}

e2e_log "measuring: ${SECS}s per stream test, $PINGS pings, $RRS requests, ${UDP_SECS}s of UDP, $HTTP_REQS HTTP requests + ${HTTP_SECS}s keep-alive"
read -r d_in _ < <(iperf net -c $HIP -p 22)
read -r d_out _ < <(iperf net -c $HIP -p 22 -R)
read -r d_in4 _ < <(iperf net -c $HIP -p 22 -P 4)
read -r d_out4 _ < <(iperf net -c $HIP -p 22 -P 4 -R)
read -r c_in _ < <(iperf net -c $HIP -p 2222)
read -r c_out _ < <(iperf encl -c 127.0.0.1 -p 2223)
read -r c_in4 _ < <(iperf net -c $HIP -p 2222 -P 4)
read -r c_out4 _ < <(iperf encl -c 127.0.0.1 -p 2223 -P 4)
# (without /dev/net/tun, lib.sh picks raw: the footer says which)
inj=$(e2e_stat remora-host injection)
e2e_log "remora-host injects through: $inj"
# streams TAG: the 1-stream tests each way through remora, with counter
# snaps TAG0-TAG2 around them; prints Gbit/s and bytes in, Gbit/s and
# bytes out, the four bytes-per-call figures (bytes_per), and the CPU
# ticks both daemons used
streams() {
	local c0 c1 i bi o bo
	c0=$(cpu)
	snap "${1}0"
	read -r i bi < <(iperf net -c $HIP -p 5201)
	snap "${1}1"
	read -r o bo < <(iperf encl -c $NIP -p 5202)
	snap "${1}2"
	c1=$(cpu)
	echo "$i $bi $o $bo $(bytes_per "${1}0" "${1}1" "${1}1" "${1}2") $((c1 - c0))"
}
read -r r_in b_in r_out b_out tun_out_link tun_out_inj tun_in_link tun_in_inj ticks < <(streams s)
read -r r_in4 _ < <(iperf net -c $HIP -p 5201 -P 4)
read -r r_out4 _ < <(iperf encl -c $NIP -p 5202 -P 4)
d_ping=$(ping_median net $HIP)
r_ping=$(ping_median encl $NIP)
d_rr=$(rr_median net $HIP 2224)
r_rr=$(rr_median net $HIP 7000)
d_udp=$(udp_pps net -c $HIP -p 22)
r_udp=$(udp_pps encl -c $NIP -p 5202)
snap h0
read -r d_http d_http_fail d_http_conns < <(http_new host 8081)
read -r d_ka d_ka_fail d_ka_conns < <(http_keepalive host 8081)
snap h1
check_eq "the direct nginx was reached without remora (remora-host queued no packet meanwhile)" 0 \
	"$(delta h0 h1 h_q2l_packets)"
read -r r_http r_http_fail r_http_conns < <(http_new encl 8080)
read -r r_ka r_ka_fail r_ka_conns < <(http_keepalive encl 8080)
# done with nginx: stopped here, with its worker (the teardown's SIGKILL
# would catch the master waiting for it)
for n in nginx-direct nginx-encl; do
	kill "$(e2e_pid $n)"
	wait "$(e2e_pid $n)" 2>/dev/null
done
# the 1-stream tests with the host sending the enclave's packets segment by
# segment through its raw socket
E2E_INJECT=raw host_restart default
check_eq "remora-host now injects through its raw socket (--inject raw)" raw \
	"$(e2e_stat remora-host injection)"
read -r r_in_raw _ r_out_raw _ raw_out_link raw_out_inj raw_in_link raw_in_inj _ < <(streams r)
# the same inbound stream with the host taking packets one by one
host_restart raw --no-gso
read -r r_in_nogso _ < <(iperf net -c $HIP -p 5201)
# tun capture: the enclave's network set up for it (no rules; its default
# routes go into remora-enclave's tun), remora-host as by default
host_restart nogso
E2E_CAPTURE=tun
in_encl "$E2E_ROOT/scripts/remora-enclave-net" up --address "$HIP" --mtu "$E2E_ENCLAVE_MTU" \
	--capture tun >/dev/null
enclave_restart nfqueue
check_eq "remora-enclave now captures with its tun (--capture tun)" tun \
	"$(e2e_stat remora-enclave capture)"
read -r t_in bt_in t_out bt_out cap_out_link _ _ cap_in_inj ticks_t < <(streams c)
t_rr=$(rr_median net $HIP 7000)
t_udp=$(udp_pps encl -c $NIP -p 5202)
hz=$(getconf CLK_TCK)
cpu_s=$(awk -v t="$ticks" -v hz="$hz" 'BEGIN {printf "%.2f", t / hz}')
gb=$(awk -v b=$((b_in + b_out)) 'BEGIN {printf "%.3f", b / 1e9}')
cpu_t=$(awk -v t="$ticks_t" -v hz="$hz" 'BEGIN {printf "%.2f", t / hz}')
gb_t=$(awk -v b=$((bt_in + bt_out)) 'BEGIN {printf "%.3f", b / 1e9}')

added() { awk -v a="$1" -v b="$2" 'BEGIN {printf "+%.0f", a - b}'; }
{
	echo "| measure | direct veth | socat chain | remora | remora / direct | remora / chain |"
	echo "|---|---|---|---|---|---|"
	row() { echo "| $1 | $2 | $3 | $4 | $(ratio "$4" "$2") | $(ratio "$4" "$3") |"; }
	row "TCP, 1 stream, internet -> enclave (Gbit/s)" "$d_in" "$c_in" "$r_in"
	row "TCP, 1 stream, internet -> enclave, remora-host --no-gso (Gbit/s)" "$d_in" "$c_in" "$r_in_nogso"
	row "TCP, 1 stream, internet -> enclave, remora-host --inject raw (Gbit/s)" "$d_in" "$c_in" "$r_in_raw"
	row "TCP, 1 stream, enclave -> internet (Gbit/s)" "$d_out" "$c_out" "$r_out"
	row "TCP, 1 stream, enclave -> internet, remora-host --inject raw (Gbit/s)" "$d_out" "$c_out" "$r_out_raw"
	row "TCP, 4 streams, internet -> enclave (Gbit/s)" "$d_in4" "$c_in4" "$r_in4"
	row "TCP, 4 streams, enclave -> internet (Gbit/s)" "$d_out4" "$c_out4" "$r_out4"
	echo "| ping RTT, median (us) | $d_ping | | $r_ping | $(added "$r_ping" "$d_ping") us | |"
	echo "| TCP request/response, median (us) | $d_rr | | $r_rr | $(added "$r_rr" "$d_rr") us | |"
	echo "| UDP 64-byte datagrams, enclave -> internet (packets/s) | $d_udp | | $r_udp | $(ratio "$r_udp" "$d_udp") | |"
	echo "| HTTP GET of 10 KB, 200 clients, a new connection per request (requests/s) | $d_http | | $r_http | $(ratio "$r_http" "$d_http") | |"
	echo "| HTTP GET of 10 KB, 200 clients, keep-alive (requests/s) | $d_ka | | $r_ka | $(ratio "$r_ka" "$d_ka") | |"
	echo "| HTTP requests failed, new connections / keep-alive | $d_http_fail / $d_ka_fail | | $r_http_fail / $r_ka_fail | | |"
	echo "| TCP connections the server accepted per HTTP request, new connections / keep-alive | $d_http_conns / $d_ka_conns | | $r_http_conns / $r_ka_conns | | |"
	echo "| CPU of both daemons per GB moved (s), 1-stream tests | | | $(awk -v c="$cpu_s" -v g="$gb" 'BEGIN {if (g > 0) printf "%.2f", c / g; else print "-"}') | | |"
	echo "| cores per 10 Gbit/s, both daemons | | | $(awk -v c="$cpu_s" -v g="$gb" 'BEGIN {if (g > 0) printf "%.2f", c / g * 1.25; else print "-"}') | | |"
	# remora-enclave capturing with its tun (the stock enclave kernel)
	row "TCP, 1 stream, internet -> enclave, remora-enclave --capture tun (Gbit/s)" "$d_in" "$c_in" "$t_in"
	row "TCP, 1 stream, enclave -> internet, remora-enclave --capture tun (Gbit/s)" "$d_out" "$c_out" "$t_out"
	echo "| TCP request/response, median, --capture tun (us) | $d_rr | | $t_rr | $(added "$t_rr" "$d_rr") us | |"
	echo "| UDP 64-byte datagrams, enclave -> internet, --capture tun (packets/s) | $d_udp | | $t_udp | $(ratio "$t_udp" "$d_udp") | |"
	echo "| CPU of both daemons per GB moved (s), 1-stream tests, --capture tun | | | $(awk -v c="$cpu_t" -v g="$gb_t" 'BEGIN {if (g > 0) printf "%.2f", c / g; else print "-"}') | | |"
	# bytes each system call moved, 1-stream tests: remora-host injecting
	# through its tun, then --inject raw (the ratio: to raw)
	per_row() {
		echo "| $1, 1 stream (bytes) | | | $2 | $(ratio "$2" "$3") of --inject raw | |"
		echo "| $1, 1 stream, remora-host --inject raw (bytes) | | | $3 | | |"
	}
	per_row "mean per link write, enclave -> internet (remora-enclave)" "$tun_out_link" "$raw_out_link"
	per_row "mean per injection call, enclave -> internet (remora-host)" "$tun_out_inj" "$raw_out_inj"
	per_row "mean per link write, internet -> enclave (remora-host)" "$tun_in_link" "$raw_in_link"
	per_row "mean per injection call, internet -> enclave (remora-enclave)" "$tun_in_inj" "$raw_in_inj"
	echo "| mean per link write, enclave -> internet (remora-enclave), --capture tun (bytes) | | | $cap_out_link | | |"
	echo "| mean per injection call, internet -> enclave (remora-enclave writing its tun), --capture tun (bytes) | | | $cap_in_inj | | |"
} >"$OUT/results.md"
{
	echo "# label direct chain remora (Gbit/s)"
	echo "\"1 stream in\" $d_in $c_in $r_in"
	echo "\"1 stream out\" $d_out $c_out $r_out"
	echo "\"4 streams in\" $d_in4 $c_in4 $r_in4"
	echo "\"4 streams out\" $d_out4 $c_out4 $r_out4"
} >"$OUT/results.dat"
{
	echo
	echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), kernel $(uname -r), internet MTU $E2E_MTU, enclave MTU $E2E_ENCLAVE_MTU, ${SECS}s per stream test, remora-host injecting through $inj unless said, remora-enclave capturing with NFQUEUE unless said; HTTP: nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), 1 worker process, $HTTP_REQS requests on new connections (ab), ${HTTP_SECS}s of keep-alive (wrk)."
} >>"$OUT/results.md"
cat "$OUT/results.md"
# every figure must be there and positive: the benchmark works (its values
# are not judged)
for v in "$d_in" "$d_out" "$c_in" "$c_out" "$r_in" "$r_out" "$r_in_nogso" "$r_in_raw" "$r_out_raw" \
	"$d_in4" "$c_in4" "$r_in4" "$d_out4" "$c_out4" "$r_out4" "$d_ping" "$r_ping" "$d_rr" "$r_rr" \
	"$d_udp" "$r_udp" "$d_http" "$r_http" "$d_ka" "$r_ka" \
	"$tun_out_link" "$tun_out_inj" "$tun_in_link" "$tun_in_inj" \
	"$raw_out_link" "$raw_out_inj" "$raw_in_link" "$raw_in_inj" \
	"$t_in" "$t_out" "$t_rr" "$t_udp" "$cap_out_link" "$cap_in_inj"; do
	check "a figure was measured ($v)" awk -v v="$v" 'BEGIN {exit !(v + 0 > 0)}'
done
# and every HTTP request answered: a connection remora loses is no noise
check_eq "HTTP, direct, new connections: no request failed" 0 "$d_http_fail"
check_eq "HTTP, through remora, new connections: no request failed" 0 "$r_http_fail"
check_eq "HTTP, direct, keep-alive: no request failed" 0 "$d_ka_fail"
check_eq "HTTP, through remora, keep-alive: no request failed" 0 "$r_ka_fail"
# fairness between two enclaves: the pair's daemons stopped (the enclave's
# first), one remora-host serving two enclaves started in their place
for d in remora-enclave remora-host; do
	kill "$(e2e_pid $d)"
	wait "$(e2e_pid $d)" 2>/dev/null
done
. "$B/fairness.sh"
# what the daemons and the servers complained of meanwhile (in a clean
# run, nothing but the link going down for the two restarts and the stop
# before the fairness test): shown, not judged
for f in "$E2E_TMP"/remora-*.log "$E2E_TMP"/nginx-*/error.log; do
	pat=': (warn|error): |\[(warn|error|crit|alert|emerg)\]'
	e2e_log "${f#"$E2E_TMP"/}: $(grep -Ec "$pat" "$f") warnings and errors"
	grep -E "$pat" "$f" | head -3 | sed "s/^/[$E2E_NAME]   /"
done
if command -v gnuplot >/dev/null; then
	gnuplot <<GP 2>/dev/null && e2e_log "plot: $OUT/throughput.png"
set terminal pngcairo size 900,500 noenhanced font ",10"
set output "$OUT/throughput.png"
set title "TCP throughput through remora, against a direct veth and an L4 proxy chain"
set ylabel "Gbit/s"
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.8 border -1
set key top right
set yrange [0:*]
plot "$OUT/results.dat" using 2:xtic(1) title "direct veth", "" using 3 title "socat chain", "" using 4 title "remora"
GP
fi
e2e_done
