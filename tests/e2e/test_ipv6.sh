#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# IPv6: the enclave shares the host's IPv6 address as it shares the IPv4
# one (dual-stack topology, 2001:db8:1::/64 between host and internet).
# curl over IPv6 from the enclave, a 50 MB download from a server in the
# enclave (aggregated by the host, cut by remora-enclave) and the same
# upload, UDP both ways, ping6 from the enclave; the host's own IPv6 (its
# ping answer, neighbour discovery) stays the host's.
. "$(dirname "$0")/lib.sh"
e2e_require curl socat sha256sum ping python3
E2E_IPV6=1
E2E_ENCLAVE_MTU=9001
e2e_topology
e2e_daemons
SIZE_MB=${IPV6_SIZE_MB:-50}
PY=$E2E_ROOT/tests/e2e
N6=$E2E_NET_IP6 H6=$E2E_HOST_IP6

check "remora-host loaded its IPv6 chains" in_host ip6tables -t mangle -S REMORA-PRE
check "the enclave has its IPv6 address on lo" sh -c "ip netns exec $E2E_NS_ENCL ip -6 addr show dev lo | grep -q '$H6/128'"

head -c "${SIZE_MB}M" /dev/urandom >"$E2E_TMP/blob"
want=$(sha256sum <"$E2E_TMP/blob" | cut -d' ' -f1)
e2e_http_script http "$E2E_TMP/blob"
e2e_bg web-net net socat -T 60 "TCP6-LISTEN:8080,bind=[$N6],reuseaddr,fork" EXEC:"$E2E_TMP/http.sh"
e2e_bg web-encl encl socat -T 60 "TCP6-LISTEN:8443,bind=[$H6],reuseaddr,fork" EXEC:"$E2E_TMP/http.sh"
e2e_wait_listen in_net tcp 8080 && e2e_wait_listen in_encl tcp 8443 || { e2e_log "the servers did not start"; exit 1; }

got=$(in_encl curl -6 -s --max-time 60 "http://[$N6]:8080/" | sha256sum | cut -d' ' -f1)
check_eq "curl over IPv6 from the enclave: $SIZE_MB MB from the internet, whole" "$want" "$got"
got=$(in_net curl -6 -s --max-time 60 "http://[$H6]:8443/" | sha256sum | cut -d' ' -f1)
check_eq "a client on the internet downloads $SIZE_MB MB from the enclave over IPv6, whole" "$want" "$got"
check_eq "the host's IPv6 super-packets went into lo whole: remora-enclave cut none" \
	0 "$(e2e_stat remora-enclave l2i_segmented)"
if e2e_tun; then
	check "the enclave sent its own IPv6 TCP super-packets whole, for the host's tun (q2l_offloaded $(e2e_stat remora-enclave q2l_offloaded))" \
		test "$(e2e_stat remora-enclave q2l_offloaded)" -gt 0
	check "remora-host forwards IPv6 from its tun (the log says so)" \
		grep -q "injecting through remora0: .*IPv6 too" "$E2E_TMP/remora-host.log"
else
	check "the enclave cut its own IPv6 TCP super-packets at their MSS (q2l_segmented $(e2e_stat remora-enclave q2l_segmented))" \
		test "$(e2e_stat remora-enclave q2l_segmented)" -gt 0
fi
check_eq "none went back to the kernel to be cut" 0 "$(e2e_stat remora-enclave q2l_passed_on)"

# UDP both ways
e2e_bg sink-net net python3 "$PY/udp_sink.py" 7601 "$E2E_TMP/net.txt" 6
e2e_bg sink-encl encl python3 "$PY/udp_sink.py" 7602 "$E2E_TMP/encl.txt" 6
e2e_wait_log "$E2E_TMP/net.txt" ready 10 && e2e_wait_log "$E2E_TMP/encl.txt" ready 10 ||
	{ e2e_log "the UDP sinks did not start"; exit 1; }
echo out6 | in_encl socat -u - "UDP6:[$N6]:7601"
echo in6 | in_net socat -u - "UDP6:[$H6]:7602"
e2e_wait_log "$E2E_TMP/net.txt" out6 5
e2e_wait_log "$E2E_TMP/encl.txt" in6 5
check "UDP over IPv6 from the enclave arrives, from the shared address" grep -q "^$H6:[0-9]* out6" "$E2E_TMP/net.txt"
check "UDP over IPv6 to the enclave arrives" grep -q "^$N6:[0-9]* in6" "$E2E_TMP/encl.txt"

# ping6 from the enclave; a ping to the shared address is the host's to answer
out=$(in_encl ping -6 -n -c 3 -i 0.2 -W 2 "$N6")
check_eq "ping6 from the enclave: 3 echo replies" 3 "$(sed -n 's/.* \([0-9]*\) received.*/\1/p' <<<"$out")"
inj=$(e2e_stat remora-host l2i_injected_packets)
check "ping6 of the shared address from the internet is answered (by the host)" \
	in_net ping -6 -n -c 2 -i 0.2 -W 2 "$H6"
check_eq "and nothing of it crossed to the enclave" "$inj" "$(e2e_stat remora-host l2i_injected_packets)"
check "the host's neighbour discovery works (the internet knows its MAC)" \
	sh -c "ip netns exec $E2E_NS_NET ip -6 neigh show $H6 | grep -qE 'REACHABLE|STALE|DELAY'"
check_eq "nothing was refused as malformed on either side" "0 0" \
	"$(e2e_stat remora-host l2i_drop_malformed) $(e2e_stat remora-enclave l2i_drop_malformed)"
e2e_done
