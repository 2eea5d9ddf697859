#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Path MTU over IPv6: the host's link to the internet has IPv6's minimum
# MTU, 1280, the enclave's lo 9001. IPv6 is never fragmented on the way:
# remora-host answers a packet too large for its link with ICMPv6 "packet
# too big" (mtu 1280), which the enclave's kernel acts on (a capture in the
# enclave shows it): a socket that forbids fragmentation gets EMSGSIZE, the
# others fragment at the source, and those fragments cross. Datagrams from
# the internet, fragmented there, arrive whole; bulk TCP both ways is whole.
. "$(dirname "$0")/lib.sh"
e2e_require curl socat tcpdump python3 sha256sum ping
E2E_IPV6=1
E2E_MTU=1280
E2E_ENCLAVE_MTU=9001
# lo as large: what the host's conntrack reassembled beyond it is
# fragmented again by remora-enclave
E2E_ENCLAVE_LO_MTU=9001
e2e_topology
e2e_daemons
SIZE_MB=${PMTU_SIZE_MB:-100}
PY=$E2E_ROOT/tests/e2e
N6=$E2E_NET_IP6 H6=$E2E_HOST_IP6

e2e_bg cap encl tcpdump -n -i any -s 256 -U -w "$E2E_TMP/encl.pcap" "icmp6 and ip6[40] == 2"
e2e_wait_log "$E2E_TMP/cap.log" "listening on" 10 || { e2e_log "tcpdump did not start"; exit 1; }
e2e_bg sink-net net python3 "$PY/udp_sink.py" 7501 "$E2E_TMP/net.txt" 6
e2e_bg sink-encl encl python3 "$PY/udp_sink.py" 7502 "$E2E_TMP/encl.txt" 6
e2e_wait_log "$E2E_TMP/net.txt" ready 10 && e2e_wait_log "$E2E_TMP/encl.txt" ready 10 ||
	{ e2e_log "the UDP sinks did not start"; exit 1; }
got() { grep -c " $2-[0-9]* x* $3\$" "$1"; }

# 1. a socket that forbids fragmentation: the first datagram is answered
# with "packet too big", the next one fails with EMSGSIZE and the MTU
out=$(in_encl python3 "$PY/udp_big_send.py" "$N6" 7501 4000 do 2 do)
check "with IPV6_PMTUDISC_DO, the application then gets EMSGSIZE with the path's MTU: $(echo $out)" \
	grep -q "EMSGSIZE mtu=1280" <<<"$out"
check "remora-host answered with packet too big (l2i_frag_needed $(e2e_stat remora-host l2i_frag_needed))" \
	test "$(e2e_stat remora-host l2i_frag_needed)" -ge 1
check_eq "no datagram larger than the path reached the internet" 0 "$(got "$E2E_TMP/net.txt" do 4000)"

# 2. Linux's default: the enclave's kernel now fragments at the source,
# and the fragments cross (reassembled on the host for its rules, cut again
# on the way out, reassembled by the receiver)
in_encl python3 "$PY/udp_big_send.py" "$N6" 7501 4000 want 2 want >/dev/null
e2e_wait_log "$E2E_TMP/net.txt" " want-1 " 5
check_eq "the enclave's own IPv6 fragments cross and are reassembled on the internet" 2 "$(got "$E2E_TMP/net.txt" want 4000)"
if e2e_capture_tun; then
	# the tun is past the kernel's own fragmentation: nothing to do
	check_eq "tun capture: the enclave's kernel fragmented them itself, before its tun (q2l_fragmented)" \
		0 "$(e2e_stat remora-enclave q2l_fragmented)"
else
	check "remora-enclave fragmented them in its kernel's stead (q2l_fragmented $(e2e_stat remora-enclave q2l_fragmented))" \
		test "$(e2e_stat remora-enclave q2l_fragmented)" -ge 2
fi

# 3. ping6 with a 3000-byte payload
check "a ping6 with a 3000-byte payload from the enclave is answered" \
	in_encl ping -6 -n -c 3 -i 0.3 -W 2 -s 3000 "$N6"

# 4. the ICMPv6 the enclave received
sleep 0.3
kill -INT "$(e2e_pid cap)"
wait "$(e2e_pid cap)" 2>/dev/null
icmp=$(tcpdump -n -r "$E2E_TMP/encl.pcap" 2>/dev/null)
e2e_log "captured in the enclave: $(head -1 <<<"$icmp")"
check "the enclave received ICMPv6 packet too big (mtu 1280)" \
	grep -qE "> $H6: ICMP6, packet too big, mtu 1280" <<<"$icmp"

# 4b. a packet too big from beyond the host (a router on the internet)
# about an enclave's flow to a destination the enclave has learnt nothing
# about yet (a second address on the internet's side) reaches it
N6B=2001:db8:1::3
in_net ip -6 addr add "$N6B/64" dev eth0 nodad
e2e_bg probe encl python3 "$PY/udp_mtu_probe.py" "$N6B" 7503 3
e2e_wait_log "$E2E_TMP/probe.log" sport 5
sport=$(awk '/^sport/ {print $2}' "$E2E_TMP/probe.log")
sleep 0.3
in_net python3 "$PY/icmp6_too_big.py" "$H6" "$H6" "$sport" "$N6B" 7503 1280
e2e_wait_log "$E2E_TMP/probe.log" "^mtu" 6
check_eq "an ICMPv6 packet too big from the internet reaches the enclave, which lowers its path MTU" \
	"mtu 1280" "$(grep '^mtu' "$E2E_TMP/probe.log")"

# 5. datagrams from the internet (fragmented there, reassembled by the
# host's conntrack) reach the enclave whole
in_net python3 "$PY/udp_big_send.py" "$H6" 7502 4000 want 1 in4k >/dev/null
in_net python3 "$PY/udp_big_send.py" "$H6" 7502 20000 want 1 in20k >/dev/null
e2e_wait_log "$E2E_TMP/encl.txt" " in20k-0 " 5
check_eq "a 4000-byte IPv6 datagram from the internet reaches the enclave whole" 1 "$(got "$E2E_TMP/encl.txt" in4k 4000)"
check_eq "a 20000-byte one, larger than lo, too (remora-enclave fragments it again)" 1 "$(got "$E2E_TMP/encl.txt" in20k 20000)"
check "remora-enclave fragmented it (l2i_fragmented $(e2e_stat remora-enclave l2i_fragmented))" \
	test "$(e2e_stat remora-enclave l2i_fragmented)" -ge 1

# 6. bulk TCP both ways across the 1280 link
head -c "${SIZE_MB}M" /dev/urandom >"$E2E_TMP/blob"
want=$(sha256sum <"$E2E_TMP/blob" | cut -d' ' -f1)
e2e_http_script http "$E2E_TMP/blob"
e2e_bg web-net net socat -T 60 "TCP6-LISTEN:8080,bind=[$N6],reuseaddr,fork" EXEC:"$E2E_TMP/http.sh"
e2e_bg web-encl encl socat -T 60 "TCP6-LISTEN:8443,bind=[$H6],reuseaddr,fork" EXEC:"$E2E_TMP/http.sh"
e2e_wait_listen in_net tcp 8080 && e2e_wait_listen in_encl tcp 8443 || exit 1
got_in=$(in_encl curl -6 -s --max-time 120 "http://[$N6]:8080/" | sha256sum | cut -d' ' -f1)
check_eq "$SIZE_MB MB over IPv6 from the internet to the enclave, whole (sha256)" "$want" "$got_in"
got_out=$(in_net curl -6 -s --max-time 120 "http://[$H6]:8443/" | sha256sum | cut -d' ' -f1)
check_eq "$SIZE_MB MB over IPv6 from the enclave to the internet, whole (sha256)" "$want" "$got_out"
check_eq "nothing was refused at injection on the host" 0 "$(e2e_stat remora-host l2i_drop_inject)"
check_eq "nothing was refused at injection in the enclave" 0 "$(e2e_stat remora-enclave l2i_drop_inject)"
e2e_done
