#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Path MTU: the host's link to the internet has an MTU of 1400, the
# enclave's lo 9001. remora-host does what a router does with a packet too
# large for that link: without DF it fragments it, with DF it answers with
# ICMP "fragmentation needed" (mtu 1400), which the enclave's kernel acts
# on (a capture in the enclave shows it); the enclave's own fragments are
# carried; datagrams the host's conntrack reassembled are fragmented again
# by remora-enclave when larger than lo. And bulk TCP both ways is whole.
. "$(dirname "$0")/lib.sh"
e2e_require curl socat tcpdump python3 sha256sum ping
E2E_MTU=1400
E2E_ENCLAVE_MTU=9001
# lo as large: what the host's conntrack reassembled beyond it is
# fragmented again by remora-enclave
E2E_ENCLAVE_LO_MTU=9001
e2e_topology
e2e_daemons
SIZE_MB=${PMTU_SIZE_MB:-100}
PY=$E2E_ROOT/tests/e2e

e2e_bg cap encl tcpdump -n -i any -s 256 -U -w "$E2E_TMP/encl.pcap" "icmp[0] == 3 and icmp[1] == 4"
e2e_wait_log "$E2E_TMP/cap.log" "listening on" 10 || { e2e_log "tcpdump did not start"; exit 1; }
e2e_bg sink-net net python3 "$PY/udp_sink.py" 7401 "$E2E_TMP/net.txt"
e2e_bg sink-encl encl python3 "$PY/udp_sink.py" 7402 "$E2E_TMP/encl.txt"
e2e_wait_log "$E2E_TMP/net.txt" ready 10 && e2e_wait_log "$E2E_TMP/encl.txt" ready 10 ||
	{ e2e_log "the UDP sinks did not start"; exit 1; }
# got FILE TAG SIZE: datagrams tagged TAG received whole (SIZE bytes)
got() { grep -c " $2-[0-9]* x* $3\$" "$1"; }

# 1. without DF: remora-host fragments (the enclave knows no smaller MTU),
# or, from its tun, the kernel that forwards it
in_encl python3 "$PY/udp_big_send.py" "$E2E_NET_IP" 7401 4000 dont 1 nodf >/dev/null
e2e_wait_log "$E2E_TMP/net.txt" " nodf-0 " 5
check_eq "a 4000-byte datagram without DF crosses to the internet whole" 1 "$(got "$E2E_TMP/net.txt" nodf 4000)"
if e2e_tun; then
	frags=$(in_host nstat -az IpFragCreates | awk '/IpFragCreates/ {print $2}')
	check "the host's kernel fragmented it, forwarding it from the tun (IpFragCreates $frags)" \
		test "${frags:-0}" -ge 2
else
	check "remora-host fragmented it (l2i_fragmented $(e2e_stat remora-host l2i_fragmented))" \
		test "$(e2e_stat remora-host l2i_fragmented)" -ge 1
fi

# 2. with DF (IP_PMTUDISC_DO): the first is answered with "fragmentation
# needed", after which the application gets EMSGSIZE and the MTU
out=$(in_encl python3 "$PY/udp_big_send.py" "$E2E_NET_IP" 7401 4000 do 2 df)
check "with DF, the application then gets EMSGSIZE with the path's MTU: $(echo $out)" \
	grep -q "EMSGSIZE mtu=1400" <<<"$out"
check "remora-host answered with fragmentation needed (l2i_frag_needed $(e2e_stat remora-host l2i_frag_needed))" \
	test "$(e2e_stat remora-host l2i_frag_needed)" -ge 1
check_eq "no datagram with DF reached the internet" 0 "$(got "$E2E_TMP/net.txt" df 4000)"

# 3. Linux's default (DF while it fits): the enclave's kernel now
# fragments to 1400 itself, and the fragments cross
in_encl python3 "$PY/udp_big_send.py" "$E2E_NET_IP" 7401 4000 want 2 want >/dev/null
e2e_wait_log "$E2E_TMP/net.txt" " want-1 " 5
check_eq "the enclave's own fragments cross and are reassembled on the internet" 2 "$(got "$E2E_TMP/net.txt" want 4000)"

# 4. ping with a 3000-byte payload
check "a ping with a 3000-byte payload from the enclave is answered" \
	in_encl ping -n -c 3 -i 0.3 -W 2 -s 3000 "$E2E_NET_IP"
out=$(in_encl ping -n -c 1 -W 1 -M do -s 3000 "$E2E_NET_IP" 2>&1)
check "ping -M do -s 3000 is refused locally with the learnt MTU" grep -qE "mtu ?= ?1400" <<<"$out"

# 5. the ICMP the enclave received
sleep 0.3
kill -INT "$(e2e_pid cap)"
wait "$(e2e_pid cap)" 2>/dev/null
icmp=$(tcpdump -n -r "$E2E_TMP/encl.pcap" 2>/dev/null)
e2e_log "captured in the enclave: $(head -1 <<<"$icmp")"
check "the enclave received ICMP fragmentation needed (mtu 1400) from 192.0.0.8" \
	grep -qE "192\.0\.0\.8 > $E2E_HOST_IP: ICMP .*need to frag \(mtu 1400\)" <<<"$icmp"

# 5b. an ICMP "fragmentation needed" from beyond the host (a router on the
# internet, mtu 1300) about an enclave's flow reaches the enclave, whose
# kernel lowers its path MTU
e2e_bg probe encl python3 "$PY/udp_mtu_probe.py" "$E2E_NET_IP" 7401 3
e2e_wait_log "$E2E_TMP/probe.log" sport 5
sport=$(awk '/^sport/ {print $2}' "$E2E_TMP/probe.log")
sleep 0.3
in_net python3 "$PY/icmp_error.py" "$E2E_NET_IP" "$E2E_HOST_IP" "$E2E_HOST_IP" "$sport" "$E2E_NET_IP" 7401 udp 4 1300
e2e_wait_log "$E2E_TMP/probe.log" "^mtu" 6
check_eq "an ICMP fragmentation needed from the internet lowers the enclave's path MTU" \
	"mtu 1300" "$(grep '^mtu' "$E2E_TMP/probe.log")"

# 6. inbound datagrams: 4000 bytes (fragmented by the internet's kernel,
# reassembled by the host's conntrack) and 20000 bytes (larger than lo:
# fragmented again by remora-enclave)
in_net python3 "$PY/udp_big_send.py" "$E2E_HOST_IP" 7402 4000 want 1 in4k >/dev/null
in_net python3 "$PY/udp_big_send.py" "$E2E_HOST_IP" 7402 20000 want 1 in20k >/dev/null
e2e_wait_log "$E2E_TMP/encl.txt" " in20k-0 " 5
check_eq "a 4000-byte datagram from the internet reaches the enclave whole" 1 "$(got "$E2E_TMP/encl.txt" in4k 4000)"
check_eq "a 20000-byte datagram from the internet reaches the enclave whole" 1 "$(got "$E2E_TMP/encl.txt" in20k 20000)"
check "remora-enclave fragmented the one larger than lo (l2i_fragmented $(e2e_stat remora-enclave l2i_fragmented))" \
	test "$(e2e_stat remora-enclave l2i_fragmented)" -ge 1

# 7. bulk TCP both ways across the 1400 link
head -c "${SIZE_MB}M" /dev/urandom >"$E2E_TMP/blob"
want=$(sha256sum <"$E2E_TMP/blob" | cut -d' ' -f1)
e2e_http_file inbound 8080 "$E2E_TMP/blob"
cp "$E2E_TMP/inbound.sh" "$E2E_TMP/outbound.sh"
e2e_bg outbound encl socat -T 60 TCP-LISTEN:8443,bind=$E2E_HOST_IP,reuseaddr,fork EXEC:"$E2E_TMP/outbound.sh"
e2e_wait_listen in_net tcp 8080 && e2e_wait_listen in_encl tcp 8443 || exit 1
got_in=$(in_encl curl -s --max-time 120 "http://$E2E_NET_IP:8080/" | sha256sum | cut -d' ' -f1)
check_eq "$SIZE_MB MB from the internet to the enclave, whole (sha256)" "$want" "$got_in"
got_out=$(in_net curl -s --max-time 120 "http://$E2E_HOST_IP:8443/" | sha256sum | cut -d' ' -f1)
check_eq "$SIZE_MB MB from the enclave to the internet, whole (sha256)" "$want" "$got_out"
check_eq "nothing was refused at injection on the host" 0 "$(e2e_stat remora-host l2i_drop_inject)"
check_eq "nothing was refused at injection in the enclave" 0 "$(e2e_stat remora-enclave l2i_drop_inject)"

# 8. segments larger than the host's link: a server on the internet whose
# own link takes 9000 bytes advertises an MSS of 8960, so the enclave's TCP
# (route MTU 9001) sends segments the host's 1400 cannot carry. Through the
# tun remora-host sees it from the super-packets' segment size, with the
# raw socket from the route's refusal; either way the enclave is told 1400
# ("fragmentation needed"), lowers its path MTU and the upload completes
# (another address of the internet's: the enclave learnt 1300 for the
# first above)
BIG=198.18.0.3
in_net ip link set eth0 mtu 9000
in_net ip addr add $BIG/24 dev eth0
e2e_bg big-sink net socat -u TCP-LISTEN:8090,bind=$BIG,reuseaddr CREATE:"$E2E_TMP/big-sink"
e2e_wait_listen in_net tcp 8090 || exit 1
fn0=$(e2e_stat remora-host l2i_frag_needed)
check "the enclave uploads $SIZE_MB MB to a server advertising MSS 8960" \
	in_encl timeout 120 socat -u OPEN:"$E2E_TMP/blob" TCP:$BIG:8090
for _ in $(seq 50); do kill -0 "$(e2e_pid big-sink)" 2>/dev/null || break; sleep 0.1; done
check_eq "every byte arrives (sha256)" "$want" "$(sha256sum <"$E2E_TMP/big-sink" | cut -d' ' -f1)"
check "remora-host told the enclave the link's MTU (l2i_frag_needed $fn0 -> $(e2e_stat remora-host l2i_frag_needed))" \
	test "$(e2e_stat remora-host l2i_frag_needed)" -gt "$fn0"
check "the enclave's kernel holds the path MTU 1400 for the server" \
	bash -c "ip netns exec $E2E_NS_ENCL ip route get $BIG | grep -q 'mtu 1400'"
e2e_done
