#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Fail closed: while remora-host is down (stopped, or killed), packets for
# the enclave's ports never reach the host's own sockets; while
# remora-enclave is down, nothing the enclave sends leaves by another path
# (in nfqueue capture the rules stay and drop; in tun capture the device and
# its routes are gone).
. "$(dirname "$0")/lib.sh"
e2e_require socat python3 tcpdump
e2e_topology
e2e_daemons

# the host's own listeners on an enclave port, TCP and UDP, on every address
e2e_bg host-tcp host socat -T 60 TCP-LISTEN:8080,reuseaddr,fork SYSTEM:"echo HOST-TCP"
e2e_bg host-udp host python3 "$E2E_ROOT/tests/e2e/udp_sink.py" 5353 "$E2E_TMP/host-udp.txt"
e2e_wait_listen in_host tcp 8080 && e2e_wait_log "$E2E_TMP/host-udp.txt" ready 10 || exit 1

probe() { # the internet knocks on the enclave's ports 8080/tcp and 5353/udp
	in_net timeout 3 socat -T 2 - TCP:$E2E_HOST_IP:8080,connect-timeout=2 </dev/null 2>/dev/null
	echo "KNOCK-$1" | in_net socat -u - UDP4:$E2E_HOST_IP:5353
}

got=$(probe running)
check_eq "remora-host running: port 8080 is the enclave's (nobody listens there: refused)" "" "$got"
for how in TERM KILL; do
	pid=$(e2e_pid remora-host)
	ups=$(grep -c "link up" "$E2E_TMP/remora-enclave.log")
	kill -$how "$pid"
	wait "$pid" 2>/dev/null
	got=$(probe "$how")
	sleep 0.3
	check_eq "remora-host stopped by SIG$how: the host's TCP listener on 8080 is not reached" "" "$got"
	check_eq "remora-host stopped by SIG$how: the host's UDP listener on 5353 gets nothing" 0 \
		"$(grep -c "KNOCK-$how" "$E2E_TMP/host-udp.txt")"
	mv "$E2E_TMP/remora-host.log" "$E2E_TMP/remora-host.$how.log"
	e2e_start_host
	e2e_wait_more "$E2E_TMP/remora-enclave.log" "link up" "$ups" 15
done
# the host's own ports stay its own all along
e2e_bg host-ssh host socat -T 30 TCP-LISTEN:22,bind=$E2E_HOST_IP,reuseaddr,fork SYSTEM:"echo SSH"
e2e_wait_listen in_host tcp 22
check_eq "the host's port 22 answers from the host" SSH "$(in_net timeout 3 socat -T 2 - TCP:$E2E_HOST_IP:22 </dev/null)"

# the enclave's daemon down: nothing leaves the enclave
e2e_bg sink net python3 "$E2E_ROOT/tests/e2e/udp_sink.py" 9999 "$E2E_TMP/net-udp.txt"
e2e_wait_log "$E2E_TMP/net-udp.txt" ready 10 || exit 1
e2e_bg capture net tcpdump -n -i eth0 -l -U "host $E2E_HOST_IP and not arp"
sleep 1
echo "ENCLAVE-UP" | in_encl socat -u - UDP4:$E2E_NET_IP:9999
check "with remora-enclave running, the enclave's datagram arrives" \
	e2e_wait_log "$E2E_TMP/net-udp.txt" ENCLAVE-UP 5
for how in TERM KILL; do
	pid=$(e2e_pid remora-enclave)
	kill -$how "$pid"
	wait "$pid" 2>/dev/null
	if e2e_capture_tun; then
		# the device went with its descriptor, its routes with it
		check "remora-enclave stopped by SIG$how: its tun is gone" \
			bash -c "! ip netns exec $E2E_NS_ENCL ip link show remora0 >/dev/null 2>&1"
		check "remora-enclave stopped by SIG$how: the enclave has no route to the internet" \
			bash -c "! ip netns exec $E2E_NS_ENCL ip route get $E2E_NET_IP >/dev/null 2>&1"
	fi
	echo "LEAK-$how" | in_encl socat -u - UDP4:$E2E_NET_IP:9999
	in_encl timeout 3 socat -T 2 - TCP:$E2E_NET_IP:9999,connect-timeout=2 </dev/null >/dev/null 2>&1
	in_encl ping -n -c 2 -i 0.2 -W 1 $E2E_NET_IP >/dev/null 2>&1
	sleep 0.5
	check_eq "remora-enclave stopped by SIG$how: nothing from the enclave reaches the internet" 0 \
		"$(grep -c "LEAK-$how" "$E2E_TMP/net-udp.txt")"
	# LEAK-... is 10 bytes of UDP; ENCLAVE-UP, sent while running, is 11
	check_eq "remora-enclave stopped by SIG$how: the capture on the internet side saw no UDP, TCP or ping from the enclave" 0 \
		"$(grep -cE "> $E2E_NET_IP.9999: (UDP, length 10|Flags)|ICMP echo request" "$E2E_TMP/capture.log")"
	mv "$E2E_TMP/remora-enclave.log" "$E2E_TMP/remora-enclave.$how.log"
	e2e_start_enclave
	e2e_wait_log "$E2E_TMP/remora-enclave.log" "link up" 15
done
echo "ENCLAVE-BACK" | in_encl socat -u - UDP4:$E2E_NET_IP:9999
check "remora-enclave back: the enclave's datagram arrives again" \
	e2e_wait_log "$E2E_TMP/net-udp.txt" ENCLAVE-BACK 5
e2e_done
