#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The enclave's own policy, enforced by remora-enclave whatever the host
# sends or allows: an inbound port allowlist, and outbound allow/deny rules
# by network and port, first match wins. Every refusal is counted.
. "$(dirname "$0")/lib.sh"
e2e_require curl socat ping
NET2=198.18.0.3 # a second machine on the internet
E2E_ENCLAVE_ARGS="--allow-in 8443 --deny-out $NET2 --allow-out 198.18.0.0/24:8080"
e2e_topology
in_net ip addr add "$NET2/24" dev eth0
e2e_daemons

v() { awk -v k="$2" '$1 == k {print $2}' <<<"$1"; }
check "the policy is logged at start" \
	grep -q "policy: new inbound flows to 8443; 2 outbound rules, destinations no rule allows are refused" \
	"$E2E_TMP/remora-enclave.log"
s0=$(e2e_stats remora-enclave)
check_eq "--stats shows the inbound allowlist" 8443 "$(v "$s0" policy_inbound_ports)"
check_eq "--stats shows the outbound rules" 2 "$(v "$s0" policy_outbound_rules)"

# inbound
for port in 8443 9443; do
	e2e_bg "srv$port" encl socat -T 30 TCP-LISTEN:$port,bind=$E2E_HOST_IP,reuseaddr,fork SYSTEM:"echo enclave-$port"
	e2e_wait_listen in_encl tcp $port || exit 1
done
check_eq "a client reaches the enclave's allowed port 8443 (and its replies go out)" enclave-8443 \
	"$(in_net timeout 5 socat -T 3 - TCP:$E2E_HOST_IP:8443,connect-timeout=3 </dev/null)"
check_eq "port 9443, listening but not allowed, is not reached" "" \
	"$(in_net timeout 5 socat -T 2 - TCP:$E2E_HOST_IP:9443,connect-timeout=2 </dev/null 2>/dev/null)"
s1=$(e2e_stats remora-enclave)
check "the refused inbound SYNs are counted in l2i_drop_policy" \
	test $(($(v "$s1" l2i_drop_policy) - $(v "$s0" l2i_drop_policy))) -ge 1

# outbound
for ip in $E2E_NET_IP $NET2; do
	for port in 8080 8081; do
		e2e_bg "web-$ip-$port" net socat -T 30 TCP-LISTEN:$port,bind=$ip,reuseaddr,fork SYSTEM:"echo web-$ip-$port"
	done
done
e2e_wait_listen in_net tcp 8081 || exit 1
sleep 0.3
get() { in_encl timeout 5 socat -T 2 - "TCP:$1:$2,connect-timeout=2" </dev/null 2>/dev/null; }
check_eq "allowed: $E2E_NET_IP:8080" "web-$E2E_NET_IP-8080" "$(get $E2E_NET_IP 8080)"
check_eq "no rule allows $E2E_NET_IP:8081: refused" "" "$(get $E2E_NET_IP 8081)"
check_eq "$NET2 is denied before the allow rule is reached: refused" "" "$(get $NET2 8080)"
out=$(in_encl ping -n -c 2 -i 0.2 -W 1 $E2E_NET_IP 2>&1)
check "ping is refused: the only allow rule names ports" grep -q " 0 received" <<<"$out"
s2=$(e2e_stats remora-enclave)
n=$(($(v "$s2" q2l_drop_policy) - $(v "$s1" q2l_drop_policy)))
check "the refused outbound packets are counted in q2l_drop_policy ($n)" test "$n" -ge 4
check_eq "remora-host never saw them" "$(v "$(e2e_stats remora-host)" l2i_packets)" "$(v "$s2" q2l_sent_packets)"
e2e_done
