#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The metrics endpoint under abuse: it is served from the forwarding loop,
# and anyone who reaches its address can connect.
#  - a slowloris (50 connections that send nothing, re-opened as soon as
#    they are closed) does not keep a scraper out: each scrape is answered
#    within 3 s;
#  - a client that sends its request a byte at a time is cut after 2 s;
#  - a flood of fast requests: the report is built at most once a second,
#    past 20 requests a second the answer is 503 (counted), remora-host's
#    CPU stays bounded, and traffic through the link keeps flowing.
. "$(dirname "$0")/lib.sh"
e2e_require curl python3 ping
e2e_topology
E2E_HOST_ARGS="--metrics 127.0.0.1:9810"
e2e_daemons

flood="python3 $E2E_ROOT/tests/e2e/metrics_flood.py"
M=http://127.0.0.1:9810/metrics
v() { awk -v k="$2" '$1 == k {print $2}' <<<"$1"; }
delta() { echo $(($(v "$2" "$3") - $(v "$1" "$3"))); }
# cpu_ticks PID: user + system time of a process, in clock ticks
cpu_ticks() { awk '{print $14 + $15}' /proc/"$1"/stat; }
hz=$(getconf CLK_TCK)
pid=$(e2e_pid remora-host)

check_eq "a scrape is answered" 200 "$(in_host curl -s -o /dev/null -w '%{http_code}' --max-time 3 $M)"

# --- a slowloris ------------------------------------------------------------
s0=$(e2e_stats remora-host)
e2e_bg idle host $flood idle 127.0.0.1 9810 50 8
sleep 1
ok=0 slow=
for i in 1 2 3 4 5; do
	out=$(in_host curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 3 $M)
	e2e_log "scrape $i during the slowloris: $out"
	[ "${out%% *}" = 200 ] && ok=$((ok + 1))
	slow="$slow ${out#* }"
	sleep 0.5
done
check_eq "5 scrapes during a slowloris of 50 connections: each answered within 3 s (times:$slow)" 5 "$ok"
check_eq "--stats answers during the slowloris" up "$(e2e_stat remora-host link_state)"
wait "$(e2e_pid idle)"
e2e_log "slowloris: $(cat "$E2E_TMP/idle.log")"
s1=$(e2e_stats remora-host)
check "the idle connections were cut, and counted (metrics_cut $(delta "$s0" "$s1" metrics_cut))" \
	test "$(delta "$s0" "$s1" metrics_cut)" -ge 50

# --- a client that sends its request a byte at a time ---------------------------
out=$(in_host $flood trickle 127.0.0.1 9810)
e2e_log "$out"
check "a request sent a byte every 0.5 s is cut at the 2 s deadline ($out)" \
	awk -v t="${out##* }" 'BEGIN { exit !(t >= 1.5 && t <= 2.8) }'

# --- a flood of fast requests -------------------------------------------------
sleep 1
s2=$(e2e_stats remora-host)
c0=$(cpu_ticks "$pid")
t0=$(date +%s.%N)
e2e_bg fast host $flood fast 127.0.0.1 9810 3 5
# traffic through the link meanwhile
lost=$(in_encl ping -n -q -c 20 -i 0.2 -W 2 "$E2E_NET_IP" | sed -n 's/.* \([0-9]*\)% packet loss.*/\1/p')
wait "$(e2e_pid fast)"
t1=$(date +%s.%N)
c1=$(cpu_ticks "$pid")
s3=$(e2e_stats remora-host)
res=$(cat "$E2E_TMP/fast.log")
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
cpu=$(awk -v c=$((c1 - c0)) -v hz="$hz" -v s="$secs" 'BEGIN { printf "%d", 100 * c / hz / s }')
rendered=$(delta "$s2" "$s3" metrics_rendered)
refused=$(delta "$s2" "$s3" metrics_refused)
e2e_log "fast flood for $secs s: $res; remora-host CPU $cpu%; reports built $rendered; refused $refused; ping loss $lost%"
requests=$(awk '{print $3}' <<<"$res")
check "the flood made many more requests than are answered ($requests)" test "${requests:-0}" -ge 250
check "the report was built at most once a second ($rendered in $secs s)" \
	awk -v n="$rendered" -v s="$secs" 'BEGIN { exit !(n >= 1 && n <= s + 2) }'
answered=$(awk '{print $5}' <<<"$res")
check "at most 20 requests a second were answered with the report ($answered in $secs s)" \
	awk -v n="$answered" -v s="$secs" 'BEGIN { exit !(n >= 1 && n <= 20 * (s + 2)) }'
check "the rest were refused with 503 and counted (metrics_refused $refused)" \
	test "$refused" -ge "$(awk '{print $7}' <<<"$res")" -a "$refused" -gt 0
check "remora-host's CPU stayed bounded during the flood ($cpu% <= 25%)" test "$cpu" -le 25
check_eq "traffic through the link kept flowing: no ping lost" 0 "$lost"
check_eq "a scrape is answered after the flood" 200 "$(in_host curl -s -o /dev/null -w '%{http_code}' --max-time 3 $M)"
e2e_done
