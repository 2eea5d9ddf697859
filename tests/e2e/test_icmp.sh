#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ICMP and error paths: ping from the enclave; a TCP connection to a closed
# port gets its RST back, a UDP datagram to a closed port its ICMP port
# unreachable, in both directions.
. "$(dirname "$0")/lib.sh"
e2e_require ping python3
e2e_topology
e2e_daemons
probe="python3 $E2E_ROOT/tests/e2e/probe.py"

out=$(in_encl timeout 20 ping -n -c 3 -i 0.2 -W 3 $E2E_NET_IP)
check_eq "ping from the enclave: 3 echo replies" "3" "$(echo "$out" | sed -n 's/.* \([0-9]*\) received.*/\1/p')"
e2e_log "$(echo "$out" | tail -n 1)"

check_eq "enclave -> closed TCP port on the internet: RST arrives" refused \
	"$(in_encl timeout 20 $probe refused-tcp $E2E_NET_IP 81)"
check_eq "enclave -> closed UDP port on the internet: ICMP port unreachable arrives" refused \
	"$(in_encl timeout 20 $probe refused-udp $E2E_NET_IP 9999)"
check_eq "internet -> closed TCP port of the enclave: the enclave's RST arrives" refused \
	"$(in_net timeout 20 $probe refused-tcp $E2E_HOST_IP 8081)"
check_eq "internet -> closed UDP port of the enclave: the enclave's ICMP arrives" refused \
	"$(in_net timeout 20 $probe refused-udp $E2E_HOST_IP 8081)"
check "the host carried ICMP for the enclave" test "$(e2e_stat remora-host l2i_injected_packets)" -ge 5
e2e_done
