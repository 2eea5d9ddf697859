#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A hostile host: a fake remora-host sends remora-enclave truncated,
# oversized and malformed frames, bad versions, a half frame then silence,
# packets with spoofed or wrong addresses, bad checksums, fragments, ICMP
# errors about flows that never left the enclave, super-packets it must
# not cut (a wrong TCP checksum, SYN, RST, URG), and a flood. remora-enclave must keep running, deliver none of it (a listener
# and a capture in the enclave see only the good packets), say why in its
# counters, and keep its memory flat.
. "$(dirname "$0")/lib.sh"
e2e_require python3 tcpdump
E2E_ENCLAVE_ARGS="--keepalive 0.2 --peer-timeout 1 --reconnect-max 0.2"
# lo at the enclave's MTU: super-packets from the host are cut to it, so
# the cut's own checks are played against
E2E_ENCLAVE_LO_MTU=1500
e2e_topology
host="python3 $E2E_ROOT/tests/e2e/hostile_host.py"

e2e_bg sink encl python3 "$E2E_ROOT/tests/e2e/udp_sink.py" 5353 "$E2E_TMP/sink.txt"
e2e_wait_log "$E2E_TMP/sink.txt" ready 10 || exit 1
# every interface: lo, and remora0 in tun capture (made later, still seen)
e2e_bg capture encl tcpdump -n -i any -A -l -U udp port 5353
sleep 1

v() { awk -v k="$2" '$1 == k {print $2}' <<<"$1"; }
delta() { echo $(($(v "$2" "$3") - $(v "$1" "$3"))); }
stats() { e2e_stats remora-enclave; }
rss() { awk '/^VmRSS:/ {print $2}' /proc/"$(e2e_pid remora-enclave)"/status; }
alive() { kill -0 "$(e2e_pid remora-enclave)" 2>/dev/null; }

# play SCENARIO [ARG]: one connection of the hostile host, to its end, then
# wait until remora-enclave has given the link up (it says "link down" or
# "link closed", and counts it), so the next scenario's connection is new
play() {
	local downs
	downs=$(grep -c "link down\|link closed" "$E2E_TMP/remora-enclave.log")
	e2e_bg "host-$1" host $host "$E2E_TMP/link.sock" "$@"
	e2e_wait_log "$E2E_TMP/host-$1.log" "^done $1" 30 || e2e_log "scenario $1 did not finish"
	check "scenario $1: remora-enclave gave the link up after it" \
		e2e_wait_more "$E2E_TMP/remora-enclave.log" "link down\|link closed" "$downs" 10
}

e2e_start_enclave
# its control socket is open once it says where it connects
e2e_wait_log "$E2E_TMP/remora-enclave.log" "connecting to" 10
e2e_check_seccomp remora-enclave
good0=$(grep -c GOOD "$E2E_TMP/sink.txt")
s0=$(stats)
play good 5
s1=$(stats)
check "control: 5 good packets from the host reach the enclave's listener" \
	e2e_wait_more "$E2E_TMP/sink.txt" "198.18.0.2:5000 GOOD" $((good0 + 4)) 5
check_eq "control: and are counted as injected" 5 "$(delta "$s0" "$s1" l2i_injected_packets)"

play packets
s2=$(stats)
check "remora-enclave survives every bad packet" alive
check_eq "19 bad packets received" 19 "$(delta "$s1" "$s2" l2i_packets)"
check_eq "none injected" 0 "$(delta "$s1" "$s2" l2i_injected_packets)"
check_eq "spoofed sources (loopback, own, multicast, broadcast, unspecified) in l2i_drop_src" 5 "$(delta "$s1" "$s2" l2i_drop_src)"
check_eq "wrong destinations in l2i_drop_dst" 2 "$(delta "$s1" "$s2" l2i_drop_dst)"
check_eq "the bad header checksum in l2i_drop_checksum" 1 "$(delta "$s1" "$s2" l2i_drop_checksum)"
check_eq "the two fragments in l2i_drop_fragment" 2 "$(delta "$s1" "$s2" l2i_drop_fragment)"
check_eq "GRE and an ICMP redirect in l2i_drop_proto" 2 "$(delta "$s1" "$s2" l2i_drop_proto)"
check_eq "bad lengths, header lengths, version 6 and truncated headers in l2i_drop_malformed" 7 "$(delta "$s1" "$s2" l2i_drop_malformed)"

play statsflood
s4=$(stats)
n=$(awk '/^stats answers/ {print $3}' "$E2E_TMP/host-statsflood.log")
secs=$(awk '/^stats answers/ {print $5}' "$E2E_TMP/host-statsflood.log")
check "remora-enclave survives 400 STATS frames in 2 s (requests, garbage)" alive
check "...and answers at most twice a second with its counters ($n answers in $secs s)" \
	awk -v n="${n:-0}" -v s="${secs:-0}" 'BEGIN {exit !(n >= 1 && n <= 2 * s + 1)}' 
check_eq "...with its link kept: no protocol error" 0 "$(delta "$s2" "$s4" link_protocol_errors)"

play frames
s3=$(stats)
check "remora-enclave survives bad frames" alive
check_eq "a zero-length packet frame: l2i_drop_malformed" 1 "$(delta "$s2" "$s3" l2i_drop_malformed)"
check_eq "a frame of unknown type is skipped and counted" 1 "$(delta "$s2" "$s3" link_unknown_frames)"
check_eq "a version change mid-link is a protocol error" 1 "$(delta "$s2" "$s3" link_protocol_errors)"

# ICMP errors about flows that never left the enclave are refused: an
# application's UDP socket connected over loopback, or to the enclave's
# own address, hears of none; an error about the enclave's real flow to
# the internet still reaches its socket
e2e_bg victim encl python3 "$E2E_ROOT/tests/e2e/udp_victim.py" 8 \
	lo:127.0.0.1:40000:127.0.0.1:5353 self:$E2E_HOST_IP:40002:$E2E_HOST_IP:5353 \
	net:$E2E_HOST_IP:40001:$E2E_NET_IP:5353
e2e_wait_log "$E2E_TMP/victim.log" ready 10
before=$(stats)
play quotes
after=$(stats)
check "remora-enclave survives forged ICMP errors" alive
check_eq "7 ICMP errors received" 7 "$(delta "$before" "$after" l2i_packets)"
check_eq "only the one about the enclave's real flow was injected" 1 "$(delta "$before" "$after" l2i_injected_packets)"
check_eq "errors quoting a loopback flow: l2i_drop_quote_src" 2 "$(delta "$before" "$after" l2i_drop_quote_src)"
check_eq "errors quoting the enclave talking to itself: l2i_drop_quote_dst" 2 "$(delta "$before" "$after" l2i_drop_quote_dst)"
check_eq "errors quoting a later fragment or nothing: l2i_drop_quote" 2 "$(delta "$before" "$after" l2i_drop_quote)"
check "remora-enclave logged a refusal" grep -q "refused a packet from the peer: quote" "$E2E_TMP/remora-enclave.log"
e2e_wait_log "$E2E_TMP/victim.log" "^done" 15
check "the error about the enclave's real flow reached its socket (ECONNREFUSED)" grep -q "^net refused" "$E2E_TMP/victim.log"
check_eq "the socket connected over loopback heard no error" 0 "$(grep -c "^lo " "$E2E_TMP/victim.log")"
check_eq "the socket connected to the enclave's own address heard no error" 0 "$(grep -c "^self " "$E2E_TMP/victim.log")"

# TCP super-packets larger than lo: cut only with a checksum that verifies,
# never with SYN, RST or URG
before=$(stats)
play supers
after=$(stats)
check "remora-enclave survives bad super-packets" alive
check_eq "5 super-packets received" 5 "$(delta "$before" "$after" l2i_packets)"
check_eq "the one with a wrong TCP checksum: l2i_drop_l4_checksum" 1 "$(delta "$before" "$after" l2i_drop_l4_checksum)"
check_eq "SYN|RST, SYN and URG ones: l2i_drop_tcp_flags" 3 "$(delta "$before" "$after" l2i_drop_tcp_flags)"
check_eq "only the good one was cut (l2i_segmented)" 1 "$(delta "$before" "$after" l2i_segmented)"
check_eq "its 14 segments were injected, nothing else" 14 "$(delta "$before" "$after" l2i_injected_packets)"

for sc in oversize maxlen badmagic noHello; do
	before=$(stats)
	play $sc
	after=$(stats)
	check "remora-enclave survives $sc" alive
	check_eq "$sc: the link is closed as a protocol error" 1 "$(delta "$before" "$after" link_protocol_errors)"
	check_eq "$sc: nothing injected" 0 "$(delta "$before" "$after" l2i_injected_packets)"
done
before=$(stats)
play truncated
play badversion
after=$(stats)
check "remora-enclave survives a truncated header and a bad version" alive
check_eq "a bad version is refused" 1 "$(delta "$before" "$after" link_refused)"
before=$(stats)
play halfframe 3
after=$(stats)
check "remora-enclave survives a half frame then silence" alive
check_eq "the silent host is given up after --peer-timeout" 1 "$(delta "$before" "$after" link_timeouts)"

# flood: memory must stay flat once the buffers are in use (the first
# floods fill them, the last must not grow anything)
play flood 200000
r0=$(rss)
play flood 200000
r1=$(rss)
s4=$(stats)
play flood 200000
r2=$(rss)
s5=$(stats)
check "remora-enclave survives a flood of 200000 bad frames" alive
check_eq "every flood frame was read" 200010 "$(delta "$s4" "$s5" l2i_packets)"
check_eq "only the 10 good ones among them were injected" 10 "$(delta "$s4" "$s5" l2i_injected_packets)"
e2e_log "RSS after 200000-frame floods: $r0, $r1, $r2 kB"
check "memory flat under the flood (RSS $r1 -> $r2 kB, growth under 256 kB)" test $((r2 - r1)) -lt 256

# a host that stops reading: the enclave's send queue fills, then drops
# new packets and counts them (tail drop), and memory stays bounded
before=$(stats)
e2e_bg host-noread host $host "$E2E_TMP/link.sock" noread 4
e2e_wait_more "$E2E_TMP/remora-enclave.log" "link up" "$(grep -c "link up" "$E2E_TMP/remora-enclave.log")" 10
in_encl python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(20000):
    s.sendto(b'x' * 1400, ('$E2E_NET_IP', 9))
"
r3=$(rss)
e2e_wait_log "$E2E_TMP/host-noread.log" "^done noread" 15
after=$(stats)
check "remora-enclave survives a host that stops reading" alive
full=$(delta "$before" "$after" q2l_drop_link_full)
# in tun capture the kernel drops first, at the tun's queue, and says so
kdrop=0
e2e_capture_tun && kdrop=$(delta "$before" "$after" kernel_tun_dropped)
queued=$(delta "$before" "$after" q2l_packets)
sent=$(delta "$before" "$after" q2l_sent_packets)
down=$(delta "$before" "$after" q2l_drop_link_down)
e2e_log "host not reading: $queued packets queued, $sent framed, $full dropped link full, $down dropped link down, $kdrop dropped by the kernel at the tun; RSS $r3 kB"
check "packets beyond the send queue are dropped and counted in q2l_drop_link_full (+ kernel_tun_dropped in tun capture: $full + $kdrop)" \
	test "$((full + kdrop))" -gt 10000
check_eq "every packet is framed or counted as dropped" "$queued" "$((sent + full + down))"
check "memory bounded while the host does not read (RSS $r3 kB < 64 MB, the unit's MemoryMax)" test "$r3" -lt 65536

sleep 0.5
evil=$(grep -c EVIL "$E2E_TMP/sink.txt")
check_eq "the enclave's listener received no EVIL datagram" 0 "$evil"
check "the listener got the good ones (5 + 10 + 10)" \
	test "$(grep -c GOOD "$E2E_TMP/sink.txt")" -ge $((good0 + 25))
kill "$(e2e_pid capture)"
sleep 0.3
check_eq "the capture on the enclave's interfaces shows no EVIL packet" 0 "$(grep -c EVIL "$E2E_TMP/capture.log")"
check "the capture saw the good ones" grep -q GOOD "$E2E_TMP/capture.log"
check "remora-enclave is still running at the end" alive
e2e_done
