#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# UDP both ways: a DNS query from the enclave to a resolver on the internet
# (dnsmasq), and a UDP service in the enclave reached from the internet.
. "$(dirname "$0")/lib.sh"
e2e_require dnsmasq dig socat
e2e_topology
e2e_daemons

e2e_bg dnsmasq net dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts \
	--listen-address=$E2E_NET_IP --bind-interfaces --port=53 \
	--address=/remora.test/192.0.2.80 --pid-file="$E2E_TMP/dnsmasq.pid" --user=root
e2e_wait_listen in_net udp 53 || { e2e_log "dnsmasq did not start"; exit 1; }
got=$(in_encl timeout 20 dig +short +tries=2 +time=3 @$E2E_NET_IP remora.test A)
check_eq "DNS query from the enclave answered by the resolver on the internet" "192.0.2.80" "$got"

e2e_bg udpecho encl socat -T 30 UDP4-RECVFROM:5353,bind=$E2E_HOST_IP,fork SYSTEM:'read l; echo "enclave got $l"'
e2e_wait_listen in_encl udp 5353 || { e2e_log "enclave UDP service did not start"; exit 1; }
got=$(echo ping-udp | in_net timeout 10 socat -T 3 - UDP4:$E2E_HOST_IP:5353)
check_eq "UDP service in the enclave answered a client on the internet" "enclave got ping-udp" "$got"
e2e_done
