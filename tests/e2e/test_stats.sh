#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Knowing what remora does, while it runs: --stats through the control
# socket, the Prometheus endpoint, SIGUSR1. Counters move as traffic and
# drops happen, by the right reason; the state lines follow the link.
. "$(dirname "$0")/lib.sh"
e2e_require curl socat ping
e2e_topology
E2E_HOST_ARGS="--metrics 127.0.0.1:9810"
e2e_daemons

v() { awk -v k="$2" '$1 == k {print $2}' <<<"$1"; }
# delta BEFORE AFTER NAME
delta() { echo $(($(v "$2" "$3") - $(v "$1" "$3"))); }
ge() { [ "$1" -ge "$2" ]; }

# --- state ---------------------------------------------------------------------
h0=$(e2e_stats remora-host)
e0=$(e2e_stats remora-enclave)
for d in host enclave; do
	s=$h0
	[ $d = enclave ] && s=$e0
	check_eq "$d: link_state is up" up "$(v "$s" link_state)"
	check_eq "$d: the peer's software is named" remora "$(v "$s" link_peer)"
	check_eq "$d: the peer speaks link protocol 1" 1 "$(v "$s" link_peer_protocol)"
	check_eq "$d: version as --version says" \
		"$("$E2E_BUILD/remora-$d" --version | awk '{print $2}')" "$(v "$s" version)"
	check "$d: uptime_seconds is a number" grep -Eq '^uptime_seconds [0-9]+$' <<<"$s"
	check_eq "$d: no reconnection yet" 0 "$(v "$s" link_reconnects)"
	# every counter the daemon keeps is shown
	missing=0
	for name in $(grep -oE '^	X\([A-Z0-9_]+, "[a-z0-9_]+"' "$E2E_ROOT/include/remora/stats.h" | cut -d'"' -f2); do
		grep -q "^$name [0-9]" <<<"$s" || { e2e_log "$d: $name missing"; missing=$((missing + 1)); }
	done
	check_eq "$d: every counter of stats.h is in --stats" 0 "$missing"
	keys="kernel_queue_waiting kernel_queue_dropped kernel_user_dropped"
	# remora-enclave in tun capture has no queue: its device's drops
	[ $d = enclave ] && e2e_capture_tun && keys=kernel_tun_dropped
	for k in $keys; do
		check "$d: the kernel's $k is shown" grep -Eq "^$k [0-9]+$" <<<"$s"
	done
done
check_eq "enclave: the capture mode is shown" "$E2E_CAPTURE" "$(v "$e0" capture)"
if e2e_capture_tun; then
	check "enclave in tun capture: no queue counters (there is no queue)" \
		bash -c "! grep -q '^kernel_queue_' <<<'$e0'"
fi
check "host: the listen address is shown" grep -q "^link_listen unix:$E2E_TMP/link.sock$" <<<"$h0"
check "enclave: the host's address is shown" grep -q "^link_address unix:$E2E_TMP/link.sock$" <<<"$e0"

# started as root with every capability, remora-host keeps CAP_NET_ADMIN alone
pid=$(e2e_pid remora-host)
for set in CapEff CapPrm CapBnd; do
	check_eq "host run as root: once set up, $set holds CAP_NET_ADMIN only" \
		0000000000001000 "$(awk -v s="$set:" '$1 == s {print $2}' /proc/"$pid"/status)"
done
check_eq "host: no new privileges" 1 "$(awk '/^NoNewPrivs:/ {print $2}' /proc/"$pid"/status)"

# --- traffic moves the forwarding counters ---------------------------------------
in_encl ping -n -q -c 20 -i 0.02 -s 100 -W 2 "$E2E_NET_IP" >/dev/null
h1=$(e2e_stats remora-host)
e1=$(e2e_stats remora-enclave)
# 20 echo requests of 128 bytes out, 20 replies back
check "enclave: q2l_packets +20 or more ($(delta "$e0" "$e1" q2l_packets))" ge "$(delta "$e0" "$e1" q2l_packets)" 20
check "enclave: q2l_bytes +2560 or more ($(delta "$e0" "$e1" q2l_bytes))" ge "$(delta "$e0" "$e1" q2l_bytes)" 2560
check "enclave: q2l_sent_packets +20 or more" ge "$(delta "$e0" "$e1" q2l_sent_packets)" 20
check "host: l2i_injected_packets +20 or more" ge "$(delta "$h0" "$h1" l2i_injected_packets)" 20
check "host: l2i_injected_bytes +2560 or more" ge "$(delta "$h0" "$h1" l2i_injected_bytes)" 2560
check "host: q2l_packets +20 or more (the replies)" ge "$(delta "$h0" "$h1" q2l_packets)" 20
check "enclave: l2i_injected_packets +20 or more (the replies)" ge "$(delta "$e0" "$e1" l2i_injected_packets)" 20
check "link_tx_bytes grew on both sides" sh -c "[ $(delta "$h0" "$h1" link_tx_bytes) -gt 0 ] && [ $(delta "$e0" "$e1" link_tx_bytes) -gt 0 ]"

# --- a policy drop is counted by its reason ---------------------------------------
# the enclave sends from the host's port 22: remora-host refuses it
echo x | in_encl socat -u - UDP4:$E2E_NET_IP:9,sourceport=22
sleep 0.3
h2=$(e2e_stats remora-host)
check_eq "host: one packet from a host port is counted in l2i_drop_port" 1 "$(delta "$h1" "$h2" l2i_drop_port)"
check_eq "host: and not injected" "$(v "$h1" l2i_injected_packets)" "$(v "$h2" l2i_injected_packets)"

# --- metrics endpoint ---------------------------------------------------------------
m=$(in_host curl -s --max-time 5 http://127.0.0.1:9810/metrics)
s=$(e2e_stats remora-host)
check "metrics: HELP and TYPE for q2l_packets" grep -q '^# TYPE remora_q2l_packets_total counter$' <<<"$m"
check_eq "metrics: q2l_packets as --stats says" "$(v "$s" q2l_packets)" \
	"$(sed -n 's/^remora_q2l_packets_total{daemon="host"} //p' <<<"$m")"
check_eq "metrics: l2i_drop_port as --stats says" "$(v "$s" l2i_drop_port)" \
	"$(sed -n 's/^remora_l2i_drop_port_total{daemon="host"} //p' <<<"$m")"
check "metrics: link state" grep -q '^remora_link_state_info{daemon="host",value="up"} 1$' <<<"$m"
check_eq "metrics: another path is 404" 404 "$(in_host curl -s -o /dev/null -w '%{http_code}' --max-time 5 http://127.0.0.1:9810/)"
check_eq "metrics: POST is 405" 405 "$(in_host curl -s -o /dev/null -w '%{http_code}' --max-time 5 -d x http://127.0.0.1:9810/metrics)"
check_eq "metrics: a 3 KB request head is 431" 431 \
	"$(in_host curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "X-Big: $(head -c 3000 /dev/zero | tr '\0' a)" http://127.0.0.1:9810/metrics)"
check_eq "metrics: only on the configured address" 000 \
	"$(in_host curl -s -o /dev/null -w '%{http_code}' --max-time 2 http://$E2E_HOST_IP:9810/metrics)"

# six idle clients hold every metrics slot: a scraper is still answered
# (the longest idle one gives its slot up), and the operator's --stats
# still gets through
cut0=$(e2e_stat remora-host metrics_cut)
for i in 1 2 3 4 5 6; do
	e2e_bg idle$i host sh -c "sleep 8 | socat -T 10 - TCP:127.0.0.1:9810"
done
sleep 0.5
code=$(in_host curl -s -o /dev/null -w '%{http_code}' --max-time 2 http://127.0.0.1:9810/metrics)
check_eq "metrics: a scraper is answered while six idle clients hold every slot" 200 "$code"
check_eq "--stats still answers while metrics clients are at their limit" up "$(v "$(e2e_stats remora-host)" link_state)"
sleep 2 # idle clients are cut 2 s after they connected
check_eq "metrics: the idle clients were cut, one for the scraper, five at the 2 s deadline (metrics_cut)" \
	6 $(($(e2e_stat remora-host metrics_cut) - cut0))
code=$(in_host curl -s -o /dev/null -w '%{http_code}' --max-time 2 http://127.0.0.1:9810/metrics)
check_eq "metrics: served once the idle clients are gone" 200 "$code"

# --- SIGUSR1 logs the same report ------------------------------------------------------
logged=$(e2e_stats_logged remora-enclave | awk '{print $1}' | sort)
shown=$(e2e_stats remora-enclave | awk '{print $1}' | sort)
check_eq "SIGUSR1 logs every line --stats shows" "$shown" "$logged"

# --- link down, drops and reconnection ----------------------------------------------------
pid=$(e2e_pid remora-enclave)
kill -TERM "$pid"
wait "$pid"
check "host: says it waits for the enclave, naming it as such" \
	e2e_wait_log "$E2E_TMP/remora-host.log" "info: waiting for the enclave to connect again; packets for it are dropped" 5
h3=$(e2e_stats remora-host)
check_eq "host: link_state down once the enclave stopped" down "$(v "$h3" link_state)"
check_eq "host: link_peer cleared" - "$(v "$h3" link_peer)"
echo x | in_net socat -u - UDP4:$E2E_HOST_IP:5353
echo y | in_net socat -u - UDP4:$E2E_HOST_IP:5354
sleep 0.3
h4=$(e2e_stats remora-host)
check_eq "host: packets for the enclave while it is away are counted in q2l_drop_link_down" \
	2 "$(delta "$h3" "$h4" q2l_drop_link_down)"
n=$(grep -c "link up" "$E2E_TMP/remora-host.log")
e2e_start_enclave
e2e_wait_more "$E2E_TMP/remora-host.log" "link up" "$n" 10
h5=$(e2e_stats remora-host)
check_eq "host: link_reconnects 1 after the enclave came back" 1 "$(v "$h5" link_reconnects)"
check_eq "host: link_state up again" up "$(v "$h5" link_state)"

# --- the control socket ------------------------------------------------------------------------
check_eq "control socket mode 0600" 600 "$(stat -c %a "$E2E_TMP/remora-host.ctl")"
out=$(in_host "$E2E_BUILD/remora-host" --address "$E2E_HOST_IP" --listen "unix:$E2E_TMP/other.sock" \
	--control "$E2E_TMP/remora-host.ctl" --queue 9 2>&1)
check_eq "a second daemon on the same control socket exits 1" 1 $?
check "and says another daemon answers on it" grep -q "another daemon is answering on it" <<<"$out"
check_eq "the first daemon still answers" up "$(v "$(e2e_stats remora-host)" link_state)"
out=$("$E2E_BUILD/remora-host" --stats --control "$E2E_TMP/nothing.ctl" 2>&1)
check_eq "--stats without a daemon exits 1" 1 $?
check "and says why" grep -q "cannot reach the daemon at $E2E_TMP/nothing.ctl: No such file or directory" <<<"$out"
# a daemon killed outright leaves its socket file: the next one replaces it
pid=$(e2e_pid remora-host)
kill -KILL "$pid"
wait "$pid" 2>/dev/null
check "a killed daemon leaves its control socket file" test -S "$E2E_TMP/remora-host.ctl"
e2e_start_host
e2e_wait_more "$E2E_TMP/remora-host.log" "listening on" 0 10
for _ in $(seq 50); do
	[ "$(v "$(e2e_stats remora-host 2>/dev/null)" link_state)" = up ] && break
	sleep 0.2
done
check_eq "the restarted daemon took the stale socket over, and the enclave is back" up \
	"$(v "$(e2e_stats remora-host)" link_state)"

e2e_done
