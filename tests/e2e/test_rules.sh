#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The rule scripts: remora's rules live in remora's own chains, loading them
# twice leaves one copy, and removing them leaves everything else as it was.
. "$(dirname "$0")/lib.sh"
e2e_require
E2E_TMP=$(mktemp -d /tmp/remora-e2e.XXXXXX)
trap e2e_teardown EXIT
ip netns add "$E2E_NS_HOST"
ip netns add "$E2E_NS_ENCL"
R=$E2E_ROOT/scripts
# the NIC the rules name must exist (a veth stands for it)
in_host ip link add eth0 type veth peer name eth0p

# someone else's rules, which must survive
in_host iptables -t mangle -A PREROUTING -p tcp --dport 5 -j ACCEPT
in_host iptables -t mangle -A OUTPUT -p tcp --dport 6 -j ACCEPT
in_encl iptables -A OUTPUT -p tcp --dport 7 -j ACCEPT
host_before=$(in_host iptables-save -t mangle | grep -v '^#' | sed 's/\[[0-9:]*\]//')
encl_before=$(in_encl iptables-save -t filter | grep -v '^#' | sed 's/\[[0-9:]*\]//')

in_host "$R/remora-host-rules" up --nic eth0 --host-ports 22,9100 --queue 3 --ephemeral keep >/dev/null
in_host "$R/remora-host-rules" up --nic eth0 --host-ports 22,9100 --queue 3 --ephemeral keep >/dev/null
check_eq "host: one jump to REMORA-PRE after loading twice" 1 \
	"$(in_host iptables -t mangle -S PREROUTING | grep -c -- '-j REMORA-PRE')"
check_eq "host: one jump to REMORA-OUT after loading twice" 1 \
	"$(in_host iptables -t mangle -S OUTPUT | grep -c -- '-j REMORA-OUT')"
check "host: replies of marked flows are queued to queue 3" \
	in_host iptables -t mangle -C REMORA-PRE -m connmark --mark 0x52 -j NFQUEUE --queue-num 3
check "host: injected packets to the host's own addresses are dropped" \
	in_host iptables -t mangle -C REMORA-OUT -m mark --mark 0x52 -m addrtype --dst-type LOCAL -j DROP
check "host: port 9100 stays the host's" \
	in_host iptables -t mangle -C REMORA-PRE -p tcp --dport 9100 -j RETURN
check "host: new flows to enclave ports are queued" \
	in_host iptables -t mangle -C REMORA-PRE -p udp --dport 1024:61439 -m conntrack ! --ctstate ESTABLISHED,RELATED -j NFQUEUE --queue-num 3
check "host: injected packets may not join the host's own flows" \
	in_host iptables -t mangle -C REMORA-OUT -m mark --mark 0x52 -m conntrack --ctstate ESTABLISHED,RELATED -m connmark ! --mark 0x52 -j DROP
loaded=$(in_host iptables-save -t mangle | grep -v '^#' | sed 's/\[[0-9:]*\]//')
for bad in "--mark 0x5g" "--ephemeral bogus" "--enclave-ports 1024-65535 --ephemeral 61440-65535" "--queue 70000"; do
	# shellcheck disable=SC2086
	in_host "$R/remora-host-rules" up --nic eth0 $bad >/dev/null 2>&1
	rc=$?
	check_eq "host: 'up $bad' is refused with status 2" 2 "$rc"
	check_eq "host: ... and the loaded rules are untouched" "$loaded" \
		"$(in_host iptables-save -t mangle | grep -v '^#' | sed 's/\[[0-9:]*\]//')"
done
out=$(in_host "$R/remora-host-rules" up --nic eth1 --ephemeral keep 2>&1); rc=$?
check_eq "host: a NIC that does not exist is refused with status 2" 2 "$rc"
check "host: ... saying so" grep -q "no interface 'eth1' here" <<<"$out"
in_host ip link add eth1 type veth peer name eth1p
in_host "$R/remora-host-rules" up --nic eth1 --ephemeral keep >/dev/null
check_eq "host: reloading for another NIC leaves one jump, for the new NIC" "-A PREROUTING -i eth1 -j REMORA-PRE" \
	"$(in_host iptables -t mangle -S PREROUTING | grep -- '-j REMORA-PRE')"
check "host: no --queue-bypass anywhere (fail closed)" \
	bash -c "! ip netns exec $E2E_NS_HOST iptables-save | grep -q queue-bypass"
in_host "$R/remora-host-rules" down
check_eq "host: down leaves the mangle table as it was" "$host_before" \
	"$(in_host iptables-save -t mangle | grep -v '^#' | sed 's/\[[0-9:]*\]//')"

in_encl "$R/remora-enclave-net" up --address 198.18.0.1 --mtu 1500 --queue 4 >/dev/null
in_encl "$R/remora-enclave-net" up --address 198.18.0.1 --mtu 1500 --queue 4 >/dev/null
check_eq "enclave: one jump to REMORA-OUT after loading twice" 1 \
	"$(in_encl iptables -S OUTPUT | grep -c -- '-j REMORA-OUT')"
check "enclave: outbound packets go to queue 4" \
	in_encl iptables -C REMORA-OUT -j NFQUEUE --queue-num 4
check_eq "enclave: address on lo" "198.18.0.1/32" \
	"$(in_encl ip -o -4 addr show dev lo | awk '$4 != "127.0.0.1/8" {print $4}')"
check "enclave: default route out of lo with the shared source" \
	bash -c "ip netns exec $E2E_NS_ENCL ip route show default | grep -q 'dev lo .*src 198.18.0.1'"
check_eq "enclave: lo MTU" 1500 "$(in_encl cat /sys/class/net/lo/mtu)"
check_eq "enclave: ephemeral ports" "32768	60999" "$(in_encl sysctl -n net.ipv4.ip_local_port_range)"
in_encl "$R/remora-enclave-net" down
check_eq "enclave: down leaves the filter table as it was" "$encl_before" \
	"$(in_encl iptables-save -t filter | grep -v '^#' | sed 's/\[[0-9:]*\]//')"

out=$("$R/remora-host-rules" up 2>&1); rc=$?
check "host rules: missing --nic is refused with status 2" test "$rc" = 2 -a -n "$(grep -- '--nic is required' <<<"$out")"
out=$("$R/remora-host-rules" print --nic eth0 --enclave-ports 80,x 2>&1); rc=$?
check "host rules: a bad port list is refused with status 2" test "$rc" = 2 -a -n "$(grep 'is not a port list' <<<"$out")"
out=$("$R/remora-enclave-net" up 2>&1); rc=$?
check "enclave net: missing --address is refused with status 2" test "$rc" = 2 -a -n "$(grep -- '--address is required' <<<"$out")"
e2e_done
