#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The rule scripts: remora's rules live in remora's own chains, loading them
# twice leaves one copy, and removing them leaves everything else as it was.
# The jumps to remora's chains come first, so a rule of the host's own that
# accepts everything early does not skip remora's guards: with one, and the
# daemons running, the enclave still cannot reach the host's other
# addresses, and its flows still work both ways.
. "$(dirname "$0")/lib.sh"
e2e_require socat
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
filter_before=$(in_host iptables-save -t filter | grep -v '^#' | sed 's/\[[0-9:]*\]//')
encl_before=$(in_encl iptables-save -t filter | grep -v '^#' | sed 's/\[[0-9:]*\]//')

in_host "$R/remora-host-rules" up --nic eth0 --host-ports 22,9100 --queue 3 --ephemeral keep >/dev/null
in_host "$R/remora-host-rules" up --nic eth0 --host-ports 22,9100 --queue 3 --ephemeral keep >/dev/null
check_eq "host: one jump to REMORA-PRE after loading twice" 1 \
	"$(in_host iptables -t mangle -S PREROUTING | grep -c -- '-j REMORA-PRE')"
check_eq "host: one jump to REMORA-OUT after loading twice" 1 \
	"$(in_host iptables -t mangle -S OUTPUT | grep -c -- '-j REMORA-OUT')"
# (the first line of -S is the chain's policy)
check_eq "host: the jump to REMORA-PRE is PREROUTING's first rule, ahead of the host's own" \
	"-A PREROUTING -i eth0 -j REMORA-PRE" "$(in_host iptables -t mangle -S PREROUTING | sed -n 2p)"
check_eq "host: the jump to REMORA-OUT is OUTPUT's first rule, ahead of the host's own" \
	"-A OUTPUT -j REMORA-OUT" "$(in_host iptables -t mangle -S OUTPUT | sed -n 2p)"
check_eq "host: one jump to REMORA-TUN, second in PREROUTING, ahead of the host's own" \
	"-A PREROUTING -i remora0 -j REMORA-TUN" \
	"$(in_host iptables -t mangle -S PREROUTING | sed -n 3p; in_host iptables -t mangle -S PREROUTING | grep -c -- '-j REMORA-TUN' | grep -v '^1$')"
check_eq "host: one jump to REMORA-FWD, FORWARD's first rule" "-A FORWARD -i remora0 -j REMORA-FWD" \
	"$(in_host iptables -t filter -S FORWARD | sed -n 2p; in_host iptables -t filter -S FORWARD | grep -c -- '-j REMORA-FWD' | grep -v '^1$')"
check "host: what the tun forwards is accepted (a FORWARD policy of DROP does not stop it)" \
	in_host iptables -t filter -C REMORA-FWD -j ACCEPT
check "host: the tun's packets to the host's own addresses go back to the queue, to be counted" \
	in_host iptables -t mangle -C REMORA-TUN -m addrtype --dst-type LOCAL -j NFQUEUE --queue-num 3
check "host: the tun's packets may not join the host's own flows" \
	in_host iptables -t mangle -C REMORA-TUN -m conntrack --ctstate ESTABLISHED,RELATED -m connmark ! --mark 0x52 -j NFQUEUE --queue-num 3
check "host: the tun's flows are marked, so their replies are queued" \
	in_host iptables -t mangle -C REMORA-TUN -j CONNMARK --set-xmark 0x52/0xffffffff
check "host: the tun's own address (192.0.0.8) is not reachable from the NIC" \
	in_host iptables -t mangle -C REMORA-PRE -d 192.0.0.8/32 -j DROP
check "host: the host's own rules are still there, after remora's" \
	in_host iptables -t mangle -C PREROUTING -p tcp --dport 5 -j ACCEPT
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
for bad in "--mark 0x5g" "--ephemeral bogus" "--enclave-ports 1024-65535 --ephemeral 61440-65535" "--queue 70000" "--tun a/b" "--tun eth0"; do
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
check_eq "host: ... still the first rule" "-A PREROUTING -i eth1 -j REMORA-PRE" \
	"$(in_host iptables -t mangle -S PREROUTING | sed -n 2p)"
check "host: no --queue-bypass anywhere (fail closed)" \
	bash -c "! ip netns exec $E2E_NS_HOST iptables-save | grep -q queue-bypass"
in_host "$R/remora-host-rules" down
check_eq "host: down leaves the mangle table as it was" "$host_before" \
	"$(in_host iptables-save -t mangle | grep -v '^#' | sed 's/\[[0-9:]*\]//')"
check_eq "host: down leaves the filter table as it was" "$filter_before" \
	"$(in_host iptables-save -t filter | grep -v '^#' | sed 's/\[[0-9:]*\]//')"

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
check_eq "enclave: lo MTU, the host's super-packets go in whole" 65536 "$(in_encl cat /sys/class/net/lo/mtu)"
check "enclave: the default route carries the enclave's MTU" \
	bash -c "ip netns exec $E2E_NS_ENCL ip route show default | grep -q 'mtu 1500'"
check_eq "enclave: ephemeral ports" "32768	60999" "$(in_encl sysctl -n net.ipv4.ip_local_port_range)"
in_encl "$R/remora-enclave-net" down
check_eq "enclave: down leaves the filter table as it was" "$encl_before" \
	"$(in_encl iptables-save -t filter | grep -v '^#' | sed 's/\[[0-9:]*\]//')"
# tun capture: over the nfqueue set-up, as a restart in the other mode does
in_encl "$R/remora-enclave-net" up --address 198.18.0.1 --mtu 1500 --queue 4 >/dev/null
out=$(in_encl "$R/remora-enclave-net" up --address 198.18.0.1 --mtu 1500 --capture tun)
check_eq "enclave, --capture tun: no jump to REMORA-OUT (no rules: the nfqueue set-up's are gone)" 0 \
	"$(in_encl iptables -S OUTPUT | grep -c -- '-j REMORA-OUT')"
check_eq "enclave, --capture tun: the filter table as it was" "$encl_before" \
	"$(in_encl iptables-save -t filter | grep -v '^#' | sed 's/\[[0-9:]*\]//')"
check_eq "enclave, --capture tun: no default route (remora-enclave puts its tun's)" "" \
	"$(in_encl ip route show default)"
check_eq "enclave, --capture tun: address on lo" "198.18.0.1/32" \
	"$(in_encl ip -o -4 addr show dev lo | awk '$4 != "127.0.0.1/8" {print $4}')"
check_eq "enclave, --capture tun: ephemeral ports" "32768	60999" "$(in_encl sysctl -n net.ipv4.ip_local_port_range)"
check "enclave, --capture tun: says the routes are remora-enclave's" grep -q "capture tun puts the default routes into its tun" <<<"$out"
out=$(in_encl "$R/remora-enclave-net" up --address 198.18.0.1 --capture bogus 2>&1); rc=$?
check "enclave net: a bad --capture is refused with status 2" test "$rc" = 2 -a -n "$(grep -- "--capture: 'bogus'" <<<"$out")"
in_encl "$R/remora-enclave-net" down

out=$("$R/remora-host-rules" up 2>&1); rc=$?
check "host rules: missing --nic is refused with status 2" test "$rc" = 2 -a -n "$(grep -- '--nic is required' <<<"$out")"
out=$("$R/remora-host-rules" print --nic eth0 --enclave-ports 80,x 2>&1); rc=$?
check "host rules: a bad port list is refused with status 2" test "$rc" = 2 -a -n "$(grep 'is not a port list' <<<"$out")"
out=$("$R/remora-enclave-net" up 2>&1); rc=$?
check "enclave net: missing --address is refused with status 2" test "$rc" = 2 -a -n "$(grep -- '--address is required' <<<"$out")"

# --- the guards with a host rule that accepts everything first -------------
ip netns del "$E2E_NS_HOST"
ip netns del "$E2E_NS_ENCL"
rm -rf "$E2E_TMP"
e2e_topology
# an operator's catch-all ACCEPT ahead of everything in both chains, then
# the rules reloaded (as the service's start does)
in_host iptables -t mangle -I PREROUTING 1 -j ACCEPT
in_host iptables -t mangle -I OUTPUT 1 -j ACCEPT
in_host "$R/remora-host-rules" up --nic eth0 >/dev/null
check_eq "reloaded: the jump to REMORA-PRE is first again, ahead of the ACCEPT" \
	"-A PREROUTING -i eth0 -j REMORA-PRE" "$(in_host iptables -t mangle -S PREROUTING | sed -n 2p)"
check_eq "reloaded: the jump to REMORA-OUT is first again" \
	"-A OUTPUT -j REMORA-OUT" "$(in_host iptables -t mangle -S OUTPUT | sed -n 2p)"
check_eq "reloaded: one jump each" 2 \
	"$(in_host iptables -t mangle -S | grep -c -- '-j REMORA-\(PRE\|OUT\)$')"
e2e_daemons
# the enclave's own flows: out and back (replies are queued by REMORA-PRE)
e2e_bg web net socat -T 20 TCP-LISTEN:8080,bind=$E2E_NET_IP,reuseaddr,fork SYSTEM:"echo from-the-internet"
e2e_wait_listen in_net tcp 8080 || exit 1
check_eq "the enclave's outbound connection gets its reply" from-the-internet \
	"$(in_encl timeout 10 socat -T 5 - TCP:$E2E_NET_IP:8080 </dev/null 2>/dev/null)"
# and in: a new flow to an enclave port
e2e_bg svc encl socat -T 20 TCP-LISTEN:8081,bind=$E2E_HOST_IP,reuseaddr,fork SYSTEM:"echo from-the-enclave"
e2e_wait_listen in_encl tcp 8081 || exit 1
check_eq "a connection from the internet to an enclave port reaches the enclave" from-the-enclave \
	"$(in_net timeout 10 socat -T 5 - TCP:$E2E_HOST_IP:8081 </dev/null 2>/dev/null)"
# the guard of REMORA-OUT: the host's other local addresses stay out of
# reach
e2e_check_host_other
in_host "$R/remora-host-rules" down
check_eq "down: the operator's ACCEPTs stay, alone" \
	"-P PREROUTING ACCEPT|-A PREROUTING -j ACCEPT|-P OUTPUT ACCEPT|-A OUTPUT -j ACCEPT" \
	"$( (in_host iptables -t mangle -S PREROUTING; in_host iptables -t mangle -S OUTPUT) | paste -sd'|')"
e2e_done
