#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Logs: one line per event, never one per packet unless trace is asked for;
# at trace, a line per packet saying what happened to it.
. "$(dirname "$0")/lib.sh"
e2e_require ping socat
e2e_topology
e2e_daemons

lines() { wc -l <"$E2E_TMP/$1.log"; }
h=$(lines remora-host)
e=$(lines remora-enclave)
refused=$(e2e_stat remora-host l2i_drop_port)
out=$(in_encl ping -n -q -c 50 -i 0.01 -W 2 "$E2E_NET_IP")
rc=$?
echo x | in_encl socat -u - UDP4:$E2E_NET_IP:9,sourceport=22 # refused by the host
sleep 0.3
# the packets did cross: the quiet logs are not an idle path
check_eq "info level: the 50 pings were answered (ping's status)" 0 "$rc"
check_eq "info level: 50 echo replies came back" 50 "$(sed -n 's/.* \([0-9]*\) received.*/\1/p' <<<"$out")"
check_eq "info level: remora-host refused the datagram from port 22" \
	$((refused + 1)) "$(e2e_stat remora-host l2i_drop_port)"
check_eq "info level: 100 packets through remora-enclave log nothing" "$e" "$(lines remora-enclave)"
check_eq "info level: 100 packets and a refusal through remora-host log nothing" "$h" "$(lines remora-host)"

# trace: restart both with --log-level trace
e2e_stop_daemons >/dev/null
E2E_HOST_ARGS="--log-level trace" E2E_ENCLAVE_ARGS="--log-level trace" e2e_daemons
in_encl ping -n -q -c 3 -i 0.05 -W 2 "$E2E_NET_IP" >/dev/null
echo x | in_encl socat -u - UDP4:$E2E_NET_IP:9,sourceport=22
sleep 0.3
ip=$(sed 's/\./\\./g' <<<"$E2E_HOST_IP")
net=$(sed 's/\./\\./g' <<<"$E2E_NET_IP")
check_eq "trace: each echo request taken from the enclave's queue" 3 \
	"$(grep -c "trace: queue -> link: icmp $ip > $net type 8 code 0 len 84" "$E2E_TMP/remora-enclave.log")"
check_eq "trace: each echo request injected by the host" 3 \
	"$(grep -c "link -> injection: icmp $ip > $net type 8 code 0 len 84" "$E2E_TMP/remora-host.log")"
check_eq "trace: each echo reply injected into the enclave" 3 \
	"$(grep -c "link -> injection: icmp $net > $ip type 0 code 0 len 84" "$E2E_TMP/remora-enclave.log")"
check "trace: the refused packet and its reason" \
	grep -q "refused from peer (.*port.*): udp $ip:22 > $net:9 len 30" "$E2E_TMP/remora-host.log"
e2e_done
