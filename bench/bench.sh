#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# remora's benchmark: throughput, latency, small-packet rate and CPU cost
# through the pair, against baselines measured in the same run on the same
# machine: a direct veth path, and an L4 proxy chain like per-port vsock
# proxies (socat: TCP -> unix socket -> TCP).
#
#   bench/bench.sh [--smoke] [--out DIR]
#
# Prints a table with every figure and its ratios to direct and to the
# chain; writes it to DIR/results.md (default build/bench), the raw numbers
# to DIR/results.dat, and a plot to DIR/throughput.png (gnuplot). --smoke
# runs each measure for a moment: it checks the benchmark works, its
# numbers mean nothing. Needs root (namespaces); touches nothing outside
# them. No figure is asserted: the machine is shared and noisy.
. "$(dirname "$0")/../tests/e2e/lib.sh"
E2E_NAME=bench
SECS=5 PINGS=300 RRS=2000 UDP_SECS=3
OUT=$E2E_ROOT/build/bench
while [ $# -gt 0 ]; do
	case "$1" in
	--smoke) SECS=1 PINGS=20 RRS=100 UDP_SECS=1; shift ;;
	--out) OUT=${2:?}; shift 2 ;;
	*) echo "usage: bench/bench.sh [--smoke] [--out DIR]" >&2; exit 2 ;;
	esac
done
e2e_require iperf3 python3 socat ping
mkdir -p "$OUT"

# the host keeps 22 (direct iperf3), 2222 (chain entry), 2224 (direct echo)
E2E_HOST_RULES_ARGS="--host-ports 22,2222,2224"
E2E_HOST_ARGS="--host-ports 22,2222,2224"
# as deployed: the internet at 1500, the enclave's lo at remora-enclave's
# default 9001 (EC2's NIC MTU)
E2E_ENCLAVE_MTU=${E2E_ENCLAVE_MTU:-9001}
e2e_topology
e2e_daemons
B=$E2E_ROOT/bench
HIP=$E2E_HOST_IP NIP=$E2E_NET_IP

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
for w in "in_host tcp 22" "in_encl tcp 5201" "in_net tcp 5202" "in_encl tcp 5301" "in_host tcp 2222" \
	"in_net tcp 5302" "in_encl tcp 2223" "in_host tcp 2224" "in_encl tcp 7000"; do
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

e2e_log "measuring: ${SECS}s per stream test, $PINGS pings, $RRS requests, ${UDP_SECS}s of UDP"
read -r d_in _ < <(iperf net -c $HIP -p 22)
read -r d_out _ < <(iperf net -c $HIP -p 22 -R)
read -r d_in4 _ < <(iperf net -c $HIP -p 22 -P 4)
read -r d_out4 _ < <(iperf net -c $HIP -p 22 -P 4 -R)
read -r c_in _ < <(iperf net -c $HIP -p 2222)
read -r c_out _ < <(iperf encl -c 127.0.0.1 -p 2223)
read -r c_in4 _ < <(iperf net -c $HIP -p 2222 -P 4)
read -r c_out4 _ < <(iperf encl -c 127.0.0.1 -p 2223 -P 4)
t0=$(cpu)
read -r r_in b_in < <(iperf net -c $HIP -p 5201)
read -r r_out b_out < <(iperf encl -c $NIP -p 5202)
t1=$(cpu)
read -r r_in4 _ < <(iperf net -c $HIP -p 5201 -P 4)
read -r r_out4 _ < <(iperf encl -c $NIP -p 5202 -P 4)
# the same inbound stream with the host taking packets one by one
pid=$(e2e_pid remora-host)
ups=$(grep -c "link up" "$E2E_TMP/remora-enclave.log")
kill "$pid"
wait "$pid" 2>/dev/null
mv "$E2E_TMP/remora-host.log" "$E2E_TMP/remora-host.gso.log"
e2e_start_host --no-gso
e2e_wait_more "$E2E_TMP/remora-enclave.log" "link up" "$ups" 15
read -r r_in_nogso _ < <(iperf net -c $HIP -p 5201)
d_ping=$(ping_median net $HIP)
r_ping=$(ping_median encl $NIP)
d_rr=$(rr_median net $HIP 2224)
r_rr=$(rr_median net $HIP 7000)
d_udp=$(udp_pps net -c $HIP -p 22)
r_udp=$(udp_pps encl -c $NIP -p 5202)
hz=$(getconf CLK_TCK)
cpu_s=$(awk -v t=$((t1 - t0)) -v hz="$hz" 'BEGIN {printf "%.2f", t / hz}')
gb=$(awk -v b=$((b_in + b_out)) 'BEGIN {printf "%.3f", b / 1e9}')

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2fx", a / b; else print "-"}'; }
added() { awk -v a="$1" -v b="$2" 'BEGIN {printf "+%.0f", a - b}'; }
{
	echo "| measure | direct veth | socat chain | remora | remora / direct | remora / chain |"
	echo "|---|---|---|---|---|---|"
	row() { echo "| $1 | $2 | $3 | $4 | $(ratio "$4" "$2") | $(ratio "$4" "$3") |"; }
	row "TCP, 1 stream, internet -> enclave (Gbit/s)" "$d_in" "$c_in" "$r_in"
	row "TCP, 1 stream, internet -> enclave, remora-host --no-gso (Gbit/s)" "$d_in" "$c_in" "$r_in_nogso"
	row "TCP, 1 stream, enclave -> internet (Gbit/s)" "$d_out" "$c_out" "$r_out"
	row "TCP, 4 streams, internet -> enclave (Gbit/s)" "$d_in4" "$c_in4" "$r_in4"
	row "TCP, 4 streams, enclave -> internet (Gbit/s)" "$d_out4" "$c_out4" "$r_out4"
	echo "| ping RTT, median (us) | $d_ping | | $r_ping | $(added "$r_ping" "$d_ping") us | |"
	echo "| TCP request/response, median (us) | $d_rr | | $r_rr | $(added "$r_rr" "$d_rr") us | |"
	echo "| UDP 64-byte datagrams, enclave -> internet (packets/s) | $d_udp | | $r_udp | $(ratio "$r_udp" "$d_udp") | |"
	echo "| CPU of both daemons per GB moved (s), 1-stream tests | | | $(awk -v c="$cpu_s" -v g="$gb" 'BEGIN {if (g > 0) printf "%.2f", c / g; else print "-"}') | | |"
	echo "| cores per 10 Gbit/s, both daemons | | | $(awk -v c="$cpu_s" -v g="$gb" 'BEGIN {if (g > 0) printf "%.2f", c / g * 1.25; else print "-"}') | | |"
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
	echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), kernel $(uname -r), internet MTU $E2E_MTU, enclave MTU $E2E_ENCLAVE_MTU, ${SECS}s per stream test."
} >>"$OUT/results.md"
cat "$OUT/results.md"
# every figure must be there and positive: the benchmark works (its values
# are not judged)
for v in "$d_in" "$d_out" "$c_in" "$c_out" "$r_in" "$r_out" "$r_in_nogso" "$d_in4" "$c_in4" "$r_in4" \
	"$d_out4" "$c_out4" "$r_out4" "$d_ping" "$r_ping" "$d_rr" "$r_rr" "$d_udp" "$r_udp"; do
	check "a figure was measured ($v)" awk -v v="$v" 'BEGIN {exit !(v + 0 > 0)}'
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
