#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The link: a peer of another protocol version or the wrong role is refused
# with a clear line on both sides; a silent peer is given up after the
# timeout and the link re-made; a restart of remora-host is survived by a
# TCP connection passing through. remora-enclave's counters are shown by
# remora-host (STATS frames); a malformed report is refused and counted.
. "$(dirname "$0")/lib.sh"
e2e_require python3 socat
fake="python3 $E2E_ROOT/tests/e2e/fakepeer.py"
E2E_HOST_ARGS="--keepalive 0.2 --peer-timeout 1"
E2E_ENCLAVE_ARGS="--keepalive 0.2 --peer-timeout 1 --reconnect-max 0.5"
e2e_topology

# 1. a version-2 "enclave" connects to remora-host
e2e_start_host
e2e_wait_log "$E2E_TMP/remora-host.log" "listening on" 10 || exit 1
got=$(timeout 20 $fake connect "$E2E_TMP/link.sock" 2 2 | grep '^bye')
check "remora-host answers a version-2 peer with BYE code 1 (got: $got)" \
	grep -q '^bye 1 ' <<<"$got"
check "remora-host logs the version mismatch" \
	grep -q "refusing peer: peer speaks link protocol version 2 (fakepeer), this build speaks version 1" "$E2E_TMP/remora-host.log"
got=$(timeout 20 $fake connect "$E2E_TMP/link.sock" 1 1 | grep '^bye')
check "remora-host refuses a peer claiming the host role (got: $got)" grep -q '^bye 2 ' <<<"$got"
got=$(timeout 20 $fake connect "$E2E_TMP/link.sock" 1 2 3 | grep '^bye')
check "remora-host names the header's version when only the header differs (got: $got)" \
	grep -q '^bye 1 peer speaks link protocol version 3 ' <<<"$got"
check_eq "remora-host counted 3 refused peers" 3 "$(e2e_stat remora-host link_refused)"
kill "$(e2e_pid remora-host)"; wait "$(e2e_pid remora-host)" 2>/dev/null

# 2. remora-enclave connects to a version-2 "host"
e2e_bg fakehost host $fake listen "$E2E_TMP/link.sock" 2 1
e2e_wait_log "$E2E_TMP/fakehost.log" listening 10 || exit 1
e2e_start_enclave
wait "$(e2e_pid fakehost)"
check "remora-enclave answers a version-2 host with BYE code 1" grep -q '^bye 1 ' "$E2E_TMP/fakehost.log"
check "remora-enclave logs the version mismatch" \
	e2e_wait_log "$E2E_TMP/remora-enclave.log" "refusing peer: peer speaks link protocol version 2" 5

# 3. the real pair; a TCP connection through it survives a host restart
e2e_start_host
e2e_wait_log "$E2E_TMP/remora-enclave.log" "link up" 10 || { e2e_log "link did not come up"; exit 1; }
e2e_bg echo encl socat -T 60 TCP-LISTEN:7100,bind=$E2E_HOST_IP,reuseaddr EXEC:cat
e2e_wait_listen in_encl tcp 7100 || exit 1
mkfifo "$E2E_TMP/in"
e2e_bg client net sh -c "exec socat -T 60 - TCP:$E2E_HOST_IP:7100 <'$E2E_TMP/in'"
exec 9>"$E2E_TMP/in"
echo before-restart >&9
e2e_wait_log "$E2E_TMP/client.log" before-restart 10
check "echo through the link before the restart" grep -q before-restart "$E2E_TMP/client.log"

# a connection that fails its handshake leaves the working link alone
downs=$(grep -c "link down" "$E2E_TMP/remora-host.log")
got=$(timeout 20 $fake connect "$E2E_TMP/link.sock" 2 2 | grep '^bye')
check "a version-2 peer is refused while the link is up (got: $got)" grep -q '^bye 1 ' <<<"$got"
echo after-refused-peer >&9
check "the working link still carries the connection" \
	e2e_wait_log "$E2E_TMP/client.log" after-refused-peer 10
check_eq "the working link never went down" "$downs" "$(grep -c "link down" "$E2E_TMP/remora-host.log")"

# a newer connection that completes its handshake replaces the link; the
# real enclave reconnects and takes the link back from the impostor
got=$(timeout 20 $fake connect "$E2E_TMP/link.sock" 1 2 | grep '^bye')
check "a newer valid connection took the link, then lost it to the enclave (got: $got)" \
	grep -q '^bye 4 replaced by a newer connection' <<<"$got"
check "remora-enclave was told it was replaced" \
	grep -q "peer closed the link (code 4: replaced by a newer connection)" "$E2E_TMP/remora-enclave.log"
echo after-replacement >&9
check "the TCP connection survives the replacement" \
	e2e_wait_log "$E2E_TMP/client.log" after-replacement 15

kill -9 "$(e2e_pid remora-host)"
wait "$(e2e_pid remora-host)" 2>/dev/null
check "remora-enclave sees the host go" e2e_wait_log "$E2E_TMP/remora-enclave.log" "link down" 10
mv "$E2E_TMP/remora-host.log" "$E2E_TMP/remora-host.1.log"
e2e_start_host
check "remora-enclave reconnects to the restarted host" \
	e2e_wait_log "$E2E_TMP/remora-host.log" "link up" 15
echo after-restart >&9
check "the same TCP connection carries data after the host restart" \
	e2e_wait_log "$E2E_TMP/client.log" after-restart 15

# 4. a host that stops answering is given up after the peer timeout
ups=$(grep -c "link up" "$E2E_TMP/remora-enclave.log")
kill -STOP "$(e2e_pid remora-host)"
check "remora-enclave gives up a silent host" \
	e2e_wait_log "$E2E_TMP/remora-enclave.log" "peer silent for" 10
kill -CONT "$(e2e_pid remora-host)"
check "the link is re-made after the host wakes up" \
	e2e_wait_more "$E2E_TMP/remora-enclave.log" "link up" "$ups" 10
echo after-stall >&9
check "the TCP connection still works after the stall" \
	e2e_wait_log "$E2E_TMP/client.log" after-stall 15

# 5. the same connection survives a restart of remora-enclave
downs=$(grep -c "link down" "$E2E_TMP/remora-host.log")
kill -9 "$(e2e_pid remora-enclave)"
wait "$(e2e_pid remora-enclave)" 2>/dev/null
check "remora-host sees the enclave go" e2e_wait_more "$E2E_TMP/remora-host.log" "link down" "$downs" 10
mv "$E2E_TMP/remora-enclave.log" "$E2E_TMP/remora-enclave.1.log"
e2e_start_enclave
check "the restarted remora-enclave links up" e2e_wait_log "$E2E_TMP/remora-enclave.log" "link up" 10
echo after-enclave-restart >&9
check "the TCP connection still works after the enclave restart" \
	e2e_wait_log "$E2E_TMP/client.log" after-enclave-restart 15
exec 9>&-

# 6. the enclave's counters, as remora-host shows them
sleep 1.5
hs=$(e2e_stats remora-host)
es=$(e2e_stats remora-enclave)
v() { awk -v k="$2" '$1 == k {print $2}' <<<"$1"; }
check "remora-host took reports of its counters from remora-enclave (link_peer_reports $(v "$hs" link_peer_reports))" \
	test "$(v "$hs" link_peer_reports)" -ge 1
check "...and shows them: reported_link_rx_bytes $(v "$hs" reported_link_rx_bytes), the enclave's own now $(v "$es" link_rx_bytes)" \
	test "$(v "$hs" reported_link_rx_bytes)" -gt 0 -a "$(v "$hs" reported_link_rx_bytes)" -le "$(v "$es" link_rx_bytes)"
for k in uptime_seconds q2l_drop_policy l2i_drop_dst link_timeouts; do
	check "...among them reported_$k" grep -q "^reported_$k [0-9]" <<<"$hs"
done
check "...with their age (reported_age_seconds $(v "$hs" reported_age_seconds) <= 6)" \
	test "$(v "$hs" reported_age_seconds)" -le 6
kill -TERM "$(e2e_pid remora-enclave)"
wait "$(e2e_pid remora-enclave)" 2>/dev/null
r0=$(e2e_stat remora-host link_peer_reports) f0=$(e2e_stat remora-host link_peer_reports_refused)
timeout 20 $fake connect "$E2E_TMP/link.sock" 1 2 --caps 2 --send stats --seconds 1.5 >"$E2E_TMP/fake-stats.log" 2>&1
check "remora-host asks an enclave that announced STATS for its counters (an empty STATS frame)" \
	grep -qx stats "$E2E_TMP/fake-stats.log"
hs=$(e2e_stats remora-host)
check_eq "a well-formed report is taken (link_peer_reports +1)" 1 $(($(v "$hs" link_peer_reports) - r0))
check_eq "three malformed ones are refused, counted (link_peer_reports_refused +3)" 3 $(($(v "$hs" link_peer_reports_refused) - f0))
check_eq "...and the last good report stays: reported_q2l_sent_packets" 77 "$(v "$hs" reported_q2l_sent_packets)"
check_eq "...with the names it had: reported_fake_only" 5 "$(v "$hs" reported_fake_only)"
check "remora-host says it refused them" grep -q "refused a malformed report of its counters from the enclave" "$E2E_TMP/remora-host.log"
e2e_done
