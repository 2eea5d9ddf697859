#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Soak: mixed TCP, UDP and ICMP through the pair for SOAK_SECONDS (default
# 30; a few minutes by hand: SOAK_SECONDS=300), with remora-host restarted
# (SIGTERM) a third of the way in and remora-enclave killed (SIGKILL) and
# restarted at two thirds. Every TCP download completes whole; RSS and open
# file descriptors of each daemon are the same at the end as after warm-up.
. "$(dirname "$0")/lib.sh"
e2e_require curl socat ping python3
SECS=${SOAK_SECONDS:-30}
E2E_ENCLAVE_ARGS="--reconnect-max 0.5"
e2e_topology
e2e_daemons

head -c 1M /dev/urandom >"$E2E_TMP/blob"
size=$(stat -c %s "$E2E_TMP/blob")
e2e_http_file get 8080 "$E2E_TMP/blob"
cp "$E2E_TMP/get.sh" "$E2E_TMP/serve.sh"
e2e_bg serve encl socat -T 30 TCP-LISTEN:8443,bind=$E2E_HOST_IP,reuseaddr,fork EXEC:"$E2E_TMP/serve.sh"
e2e_bg echo-net net socat UDP4-RECVFROM:7000,bind=$E2E_NET_IP,fork EXEC:cat
e2e_bg echo-encl encl socat UDP4-RECVFROM:7001,bind=$E2E_HOST_IP,fork EXEC:cat
e2e_wait_listen in_net tcp 8080 && e2e_wait_listen in_encl tcp 8443 || exit 1

fds() { ls /proc/"$(e2e_pid "$1")"/fd | wc -l; }
rss() { awk '/^VmRSS:/ {print $2}' /proc/"$(e2e_pid "$1")"/status; }

# TCP: downloads both ways, back to back, until the end; each must be
# whole. One that cannot connect (curl exit 7) is counted apart: in tun
# capture, while remora-enclave is down, the enclave has no route and a
# new connection fails at once ("network unreachable") where in nfqueue
# capture its SYN is dropped and sent again
tcp_loop() { # WHERE URL OUT
	local end=$(($(date +%s) + SECS)) n=0 bad=0 noconn=0 got rc
	while [ "$(date +%s)" -lt "$end" ]; do
		got=$("in_$1" curl -s --max-time 30 -o - "$2" | wc -c; exit "${PIPESTATUS[0]}")
		rc=$?
		if [ "$rc" = 7 ]; then
			noconn=$((noconn + 1))
			sleep 0.1
			continue
		fi
		n=$((n + 1))
		[ "$got" = "$size" ] || bad=$((bad + 1))
	done
	echo "$n $bad $noconn" >"$3"
}
tcp_loop encl "http://$E2E_NET_IP:8080/" "$E2E_TMP/tcp-in.res" &
tin=$!
tcp_loop net "http://$E2E_HOST_IP:8443/" "$E2E_TMP/tcp-out.res" &
tout=$!
e2e_bg udp-out encl python3 "$E2E_ROOT/tests/e2e/udp_echo_load.py" $E2E_NET_IP 7000 "$SECS" 200
e2e_bg udp-in net python3 "$E2E_ROOT/tests/e2e/udp_echo_load.py" $E2E_HOST_IP 7001 "$SECS" 200
e2e_bg ping-out encl ping -n -q -i 0.05 -w "$SECS" $E2E_NET_IP
e2e_bg ping-in net ping -n -q -i 0.05 -w "$SECS" $E2E_HOST_IP

sleep 2
declare -A rss0 fd0
for d in remora-host remora-enclave; do rss0[$d]=$(rss $d); fd0[$d]=$(fds $d); done
sleep $((SECS / 3 - 2))

# a third in: remora-host stops cleanly and starts again
ups=$(grep -c "link up" "$E2E_TMP/remora-enclave.log")
pid=$(e2e_pid remora-host)
kill -TERM "$pid"
wait "$pid"
check_eq "remora-host stops with status 0 under load" 0 $?
mv "$E2E_TMP/remora-host.log" "$E2E_TMP/remora-host.1.log"
e2e_start_host
e2e_wait_more "$E2E_TMP/remora-enclave.log" "link up" "$ups" 15
sleep 2
rss0[remora-host]=$(rss remora-host)
fd0[remora-host]=$(fds remora-host)
sleep $((SECS / 3 - 2))

# two thirds in: remora-enclave is killed and started again
pid=$(e2e_pid remora-enclave)
kill -KILL "$pid"
wait "$pid" 2>/dev/null
mv "$E2E_TMP/remora-enclave.log" "$E2E_TMP/remora-enclave.1.log"
e2e_start_enclave
e2e_wait_log "$E2E_TMP/remora-enclave.log" "link up" 15
sleep 2
rss0[remora-enclave]=$(rss remora-enclave)
fd0[remora-enclave]=$(fds remora-enclave)

wait "$tin" "$tout"
for p in udp-out udp-in ping-out ping-in; do wait "$(e2e_pid $p)" 2>/dev/null; done
sleep 1
for d in remora-host remora-enclave; do
	r1=$(rss $d)
	f1=$(fds $d)
	e2e_log "$d: RSS ${rss0[$d]} kB after warm-up, $r1 kB at the end; open fds ${fd0[$d]} -> $f1"
	# buffers are allocated at start and their pages touched as traffic
	# needs them; beyond that nothing may grow
	check "$d: RSS flat over the soak (${rss0[$d]} -> $r1 kB, growth under 1 MB)" test $((r1 - rss0[$d])) -lt 1024
	check "$d: RSS within the unit's MemoryMax ($r1 kB < 64 MB; its buffers are all touched at start)" test "$r1" -lt 65536
	check_eq "$d: no file descriptor leak" "${fd0[$d]}" "$f1"
done
read -r n bad noconn <"$E2E_TMP/tcp-in.res"
e2e_log "TCP downloads into the enclave: $n, incomplete $bad, $noconn could not connect"
check "TCP into the enclave: downloads ran ($n)" test "$n" -gt 3
check_eq "TCP into the enclave: every download whole, across both restarts" 0 "$bad"
if e2e_capture_tun; then
	# the enclave's own connections, opened while it had no route: a
	# handful at most (the restart takes well under a second)
	check "TCP into the enclave, tun capture: few connections failed for want of a route ($noconn of $((n + noconn)))" \
		test "$((noconn * 20))" -le "$((n + noconn))"
else
	check_eq "TCP into the enclave: every connection was made (a SYN lost in a restart is sent again)" 0 "$noconn"
fi
read -r n bad noconn <"$E2E_TMP/tcp-out.res"
e2e_log "TCP downloads from the enclave: $n, incomplete $bad, $noconn could not connect"
check "TCP from the enclave: downloads ran ($n)" test "$n" -gt 3
check_eq "TCP from the enclave: every download whole, across both restarts" 0 "$bad"
check_eq "TCP from the enclave: every connection was made (the internet's SYNs are sent again)" 0 "$noconn"
for p in udp-out udp-in; do
	read -r _ sent _ recv <"$E2E_TMP/$p.log"
	e2e_log "$p: $sent datagrams, $recv echoed"
	check "$p: at least 80% of $sent datagrams echoed ($recv), restarts included" test $((recv * 5)) -ge $((sent * 4))
done
for p in ping-out ping-in; do
	line=$(grep "packets transmitted" "$E2E_TMP/$p.log")
	e2e_log "$p: $line"
	tx=$(awk '{print $1}' <<<"$line")
	rx=$(awk '{print $4}' <<<"$line")
	check "$p: at least 80% of pings answered ($rx of $tx)" test $((rx * 5)) -ge $((tx * 4))
done
e2e_done
