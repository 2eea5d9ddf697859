#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# OFFLOAD frames across builds and against a hostile peer (docs/protocol.md,
# sections 2.3.1 and 2.7).
#
# 1. A fake remora-host and the real remora-enclave. The fake host is the
#    TCP peer of the enclave's connection itself (fakepeer.py --tcp-peer):
#    it answers the SYN with a SYN-ACK advertising MSS 1000 and no other
#    option (no timestamps: the segment size is then exactly 1000) and
#    acknowledges what arrives, so the enclave's kernel sends 64 KB as it
#    would to a real server, in super-packets as its window grows. The fake
#    host only records the frames. Announcing OFFLOAD, it must get the
#    super-packets whole (gso TCP, gso_size 1000, checksum partial: the
#    folded pseudo-header sum); not announcing it (as an older remora-host),
#    only PACKET frames, segments of at most 1000 bytes, every checksum
#    complete.
# 2. A fake remora-enclave and the real remora-host in tun mode: PACKET
#    frames of an enclave that knows nothing of OFFLOAD still work; a valid
#    TCP super-packet with its checksum partial leaves the host as three
#    1000-byte segments with correct checksums (the host's eth0 has its
#    offloads off, so the kernel cuts and checksums before the capture on
#    the other side); offload headers that do not suit their packet are
#    each refused and counted, the link staying up. And an OFFLOAD frame to
#    a remora-host that did not announce OFFLOAD (--inject raw) closes the
#    link with BYE code 3.
# The test chooses remora-host's mode itself: E2E_INJECT does not apply.
. "$(dirname "$0")/lib.sh"
e2e_require python3 tcpdump ethtool
[ -c /dev/net/tun ] || e2e_skip "needs /dev/net/tun (remora-host's tun injection)"
fake="python3 $E2E_ROOT/tests/e2e/fakepeer.py"
E2E_ENCLAVE_ARGS="--keepalive 0.2 --peer-timeout 2 --reconnect-max 0.2"
e2e_topology

# --- 1. fake host, real remora-enclave ---------------------------------------

# upload NAME CAPS: the fake host (announcing CAPS) takes the enclave's
# link; an application in the enclave sends 64 KB to 198.18.0.2:7000; the
# frames are described in $E2E_TMP/fakehost-NAME.log
upload() {
	local name=$1 caps=$2 pid
	e2e_bg "fakehost-$name" host $fake listen "$E2E_TMP/link.sock" 1 1 --caps "$caps" \
		--describe --tcp-peer 1000 --keepalive 0.2 --seconds 20
	e2e_wait_log "$E2E_TMP/fakehost-$name.log" listening 10 || { e2e_log "the fake host did not start"; exit 1; }
	[ -n "$(e2e_pid remora-enclave)" ] && mv "$E2E_TMP/remora-enclave.log" "$E2E_TMP/remora-enclave.before-$name.log"
	e2e_start_enclave
	e2e_wait_log "$E2E_TMP/remora-enclave.log" "link up" 10 || { e2e_log "the link did not come up"; exit 1; }
	check "$name: the enclave's application sends 64 KB through the fake host" \
		in_encl timeout 10 python3 -c "
import socket, time
s = socket.create_connection(('$E2E_NET_IP', 7000), timeout=5)
s.sendall(bytes(range(256)) * 256)
time.sleep(0.5)
s.close()
"
	# all of it is sent once the FIN is
	check "$name: the fake host saw the connection to its end (FIN)" \
		e2e_wait_log "$E2E_TMP/fakehost-$name.log" ">$E2E_NET_IP:7000 flags=F" 10
	UP_STATS=$(e2e_stats remora-enclave)
	pid=$(e2e_pid remora-enclave)
	kill -TERM "$pid"
	wait "$pid" 2>/dev/null
	pid=$(e2e_pid "fakehost-$name")
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}
v() { awk -v k="$2" '$1 == k {print $2}' <<<"$1"; }
# frames LOG: "KIND GSO FLAGS SIZE LEN CSUM" of each frame carrying the
# enclave's TCP to port 7000 (KIND packet or offload; GSO, FLAGS and SIZE
# "-" for a packet)
frames() {
	awk '$1 == "packet" && $2 == "tcp" && $3 ~ />198\.18\.0\.2:7000$/ {
		print "packet - - -", substr($7, 5), substr($8, 6) }
	$1 == "offload" && $5 == "tcp" && $6 ~ />198\.18\.0\.2:7000$/ {
		print "offload", substr($2, 5), substr($3, 7), substr($4, 6), substr($10, 5), substr($11, 6) }' "$1"
}

upload offload 1
f=$(frames "$E2E_TMP/fakehost-offload.log")
check "OFFLOAD announced: remora-enclave's own HELLO announces no OFFLOAD, only STATS (caps 2)" \
	grep -q '^hello caps 2$' "$E2E_TMP/fakehost-offload.log"
gso=$(awk '$1 == "offload" && $2 == 1' <<<"$f")
check "OFFLOAD announced: the enclave's TCP crossed in OFFLOAD frames of gso type TCP ($(wc -l <<<"$gso" | tr -d ' ') of them)" \
	test -n "$gso"
check_eq "OFFLOAD announced: each with gso_size 1000, the MSS the peer advertised" 1000 \
	"$(awk '{print $4}' <<<"$gso" | sort -u | paste -sd,)"
check "OFFLOAD announced: at least one is a super-packet, over 1000 bytes (largest $(awk '{print $5}' <<<"$gso" | sort -n | tail -n 1))" \
	test "$(awk '{print $5}' <<<"$gso" | sort -n | tail -n 1)" -gt 1000
check_eq "OFFLOAD announced: a checksum marked partial holds the pseudo-header's sum, any other verifies" "" \
	"$(awk '$1 == "offload" && !(($3 == 1 && $6 == "partial") || ($3 == 0 && $6 == "ok"))' <<<"$f")"
check "OFFLOAD announced: some checksums were left partial" grep -q ' 1 [0-9]* [0-9]* partial$' <<<"$f"
check_eq "OFFLOAD announced: no TCP packet over 1000 bytes crossed in a PACKET frame" "" \
	"$(awk '$1 == "packet" && $5 > 1000' <<<"$f")"
check "OFFLOAD announced: all 65536 bytes crossed" \
	test "$(awk '{n += $5} END {print n + 0}' <<<"$f")" -ge 65536
check "OFFLOAD announced: remora-enclave counts super-packets sent whole (q2l_offloaded $(v "$UP_STATS" q2l_offloaded))" \
	test "$(v "$UP_STATS" q2l_offloaded)" -gt 0
check_eq "OFFLOAD announced: and cut none" 0 "$(v "$UP_STATS" q2l_segmented)"

upload packet 0
f=$(frames "$E2E_TMP/fakehost-packet.log")
check_eq "OFFLOAD not announced (an older host): no OFFLOAD frame" 0 \
	"$(grep -c '^offload' "$E2E_TMP/fakehost-packet.log")"
check_eq "OFFLOAD not announced: the largest TCP segment is the MSS, 1000 bytes" 1000 \
	"$(awk '{print $5}' <<<"$f" | sort -n | tail -n 1)"
check_eq "OFFLOAD not announced: every checksum is complete and verifies" "ok" \
	"$(awk '{print $6}' <<<"$f" | sort -u | paste -sd,)"
check "OFFLOAD not announced: all 65536 bytes crossed" \
	test "$(awk '{n += $5} END {print n + 0}' <<<"$f")" -ge 65536
check "OFFLOAD not announced: remora-enclave cut the super-packets itself (q2l_segmented $(v "$UP_STATS" q2l_segmented))" \
	test "$(v "$UP_STATS" q2l_segmented)" -gt 0
check_eq "OFFLOAD not announced: and sent none whole" 0 "$(v "$UP_STATS" q2l_offloaded)"

# --- 2. fake enclave, real remora-host ---------------------------------------
# the kernel cuts and checksums what leaves eth0 (a veth would pass a
# super-packet and a partial checksum on as they are)
in_host ethtool -K eth0 tx off tso off >/dev/null 2>&1
check_eq "the host's eth0 computes checksums and cuts in software" "off off" \
	"$(in_host ethtool -k eth0 | awk '/^tx-checksumming:|^tcp-segmentation-offload:/ {print $2}' | paste -sd' ')"
E2E_INJECT=tun
e2e_start_host --keepalive 0.5 --peer-timeout 3
e2e_wait_log "$E2E_TMP/remora-host.log" "injecting through remora0" 10 || { e2e_log "remora-host did not start in tun mode"; exit 1; }
e2e_wait_log "$E2E_TMP/remora-host.log" "listening on" 10 || exit 1
e2e_bg capture net tcpdump -n -S -vv -i eth0 -l -U "src host $E2E_HOST_IP"
e2e_wait_log "$E2E_TMP/capture.log" "listening on" 10 || { e2e_log "tcpdump did not start"; exit 1; }
e2e_bg syn-listener net socat -T 10 TCP-LISTEN:7401,bind=$E2E_NET_IP,reuseaddr SYSTEM:"echo hi"
e2e_wait_listen in_net tcp 7401 || exit 1
sleep 0.5

# fake_enclave SCENARIO: one connection of a fake remora-enclave sending
# SCENARIO (fakepeer.py --send), for 2 s, described in fake-SCENARIO.log
fake_enclave() {
	timeout 20 $fake connect "$E2E_TMP/link.sock" 1 2 --send "$1" --describe \
		--keepalive 0.5 --seconds 2 >"$E2E_TMP/fake-$1.log" 2>&1
}
# seen PATTERN: capture lines (both lines of each packet joined) matching
seen() { sleep 0.3; awk '/^[0-9]/ {if (p) print p; p = $0; next} {p = p " " $0} END {if (p) print p}' "$E2E_TMP/capture.log" | grep -E -- "$1"; }

s0=$(e2e_stats remora-host)
fake_enclave old
s1=$(e2e_stats remora-host)
check "remora-host in tun mode announces OFFLOAD in its HELLO, and STATS (caps 3)" grep -q '^hello caps 3$' "$E2E_TMP/fake-old.log"
check_eq "an enclave without OFFLOAD (PACKET frames only) keeps its link" "timeout" "$(tail -n 1 "$E2E_TMP/fake-old.log")"
check "its UDP datagram reaches the internet, checksum correct, TTL as sent (64)" \
	seen "ttl 64,.*$E2E_HOST_IP\.40000 > $E2E_NET_IP\.7400: \[udp sum ok\] UDP, length 7"
check "its TCP SYN reaches the internet" seen "$E2E_HOST_IP\.40001 > $E2E_NET_IP\.7401: Flags \[S\], cksum 0x[0-9a-f]* \(correct\)"
check "and the internet's SYN-ACK comes back to it" \
	grep -q "^packet tcp $E2E_NET_IP:7401>$E2E_HOST_IP:40001 flags=SA .*csum=ok" "$E2E_TMP/fake-old.log"
check_eq "remora-host injected both" 2 $(($(v "$s1" l2i_injected_packets) - $(v "$s0" l2i_injected_packets)))

fake_enclave super
s2=$(e2e_stats remora-host)
check_eq "OFFLOAD frames from the enclave: the link stays up" "timeout" "$(tail -n 1 "$E2E_TMP/fake-super.log")"
segs=$(seen "$E2E_HOST_IP\.40002 > $E2E_NET_IP\.7402:")
e2e_log "the super-packet on the internet's side:"
sed 's/^/    /' <<<"$segs"
check_eq "a TCP super-packet (gso TCP 1000, checksum partial) leaves as 3 segments of 1000 bytes" \
	"1000:2000 2000:3000 3000:4000" \
	"$(grep -o 'seq [0-9]*:[0-9]*, ack 1, win 65535, length 1000' <<<"$segs" | awk '{print $2}' | tr -d , | paste -sd' ')"
check_eq "each with its TCP checksum completed (correct)" 3 "$(grep -c 'cksum 0x[0-9a-f]* (correct)' <<<"$segs")"
check_eq "PSH on the last segment only" "[.] [.] [P.]" "$(grep -o 'Flags \[[^]]*\]' <<<"$segs" | awk '{print $2}' | paste -sd' ')"
check "a UDP datagram with its checksum partial leaves with it completed" \
	seen "$E2E_HOST_IP\.40003 > $E2E_NET_IP\.7403: \[udp sum ok\] UDP, length 11"
check_eq "remora-host wrote the super-packet in one call (2 calls for 2 packets)" 2 \
	$(($(v "$s2" l2i_inject_calls) - $(v "$s1" l2i_inject_calls)))
check_eq "and counted its 3000 bytes and the datagram's 19 (l2i_injected_bytes)" $((20 + 20 + 3000 + 20 + 8 + 11)) \
	$(($(v "$s2" l2i_injected_bytes) - $(v "$s1" l2i_injected_bytes)))

fake_enclave hostile
s3=$(e2e_stats remora-host)
d() { echo $(($(v "$s3" "$1") - $(v "$s2" "$1"))); }
check_eq "hostile offload headers: the link stays up" "timeout" "$(tail -n 1 "$E2E_TMP/fake-hostile.log")"
check "hostile offload headers: remora-host is still running" kill -0 "$(e2e_pid remora-host)"
check_eq "6 packets received" 6 "$(d l2i_packets)"
check_eq "a SYN with TCP segmentation: l2i_drop_tcp_flags" 1 "$(d l2i_drop_tcp_flags)"
check_eq "gso_size 10, gso type UDP, CSUM_PARTIAL on ICMP, a reserved flag: l2i_drop_offload" 4 "$(d l2i_drop_offload)"
check_eq "no protocol error" 0 "$(d link_protocol_errors)"
check_eq "only the PACKET frame after them was injected" 1 "$(d l2i_injected_packets)"
check "which reached the internet" seen "$E2E_HOST_IP\.40004 > $E2E_NET_IP\.7404: \[udp sum ok\] UDP, length 13"
check_eq "none of the refused ones reached the internet" "" "$(seen "$E2E_NET_IP\.7666:|ICMP echo request")"

# a super-packet to another address of the host's: it goes into the tun
# (single packets go through the raw socket, and REMORA-OUT), so REMORA-TUN
# must stop it, and send it back to the queue to be counted
in_host ip addr add 198.18.0.5/32 dev lo
e2e_bg host-svc host socat -u TCP-LISTEN:7002,bind=198.18.0.5,reuseaddr OPEN:"$E2E_TMP/host-svc.got",creat,append
e2e_wait_listen in_host tcp 7002 || exit 1
fake_enclave local
s4=$(e2e_stats remora-host)
check_eq "a super-packet to another address of the host: written into the tun" 1 \
	$(($(v "$s4" l2i_injected_packets) - $(v "$s3" l2i_injected_packets)))
check_eq "REMORA-TUN sent it back to the queue, and remora-host counted it (l2i_drop_inject)" 1 \
	$(($(v "$s4" l2i_drop_inject) - $(v "$s3" l2i_drop_inject)))
check "and says why" grep -q "refused by the rules (REMORA-TUN" "$E2E_TMP/remora-host.log"
check_eq "the host's service there received nothing" "" "$(cat "$E2E_TMP/host-svc.got" 2>/dev/null)"
check_eq "and the link stays up" "timeout" "$(tail -n 1 "$E2E_TMP/fake-local.log")"

# a host that did not announce OFFLOAD
pid=$(e2e_pid remora-host)
kill -TERM "$pid"
wait "$pid" 2>/dev/null
mv "$E2E_TMP/remora-host.log" "$E2E_TMP/remora-host.tun.log"
E2E_INJECT=raw
e2e_start_host
e2e_wait_log "$E2E_TMP/remora-host.log" "listening on" 10 || exit 1
check_eq "remora-host --inject raw reports injection raw" raw "$(e2e_stat remora-host injection)"
fake_enclave offload
check "remora-host --inject raw announces no OFFLOAD, only STATS (caps 2)" grep -q '^hello caps 2$' "$E2E_TMP/fake-offload.log"
check_eq "an OFFLOAD frame to it closes the link with BYE code 3" "bye 3 offload frame without the capability" \
	"$(grep '^bye' "$E2E_TMP/fake-offload.log")"
check "remora-host logs the protocol error" \
	grep -q "link protocol error from peer: offload frame without the capability" "$E2E_TMP/remora-host.log"
check_eq "and counts it" 1 "$(e2e_stat remora-host link_protocol_errors)"
check_eq "its packet was not injected" "" "$(seen "$E2E_NET_IP\.7405:")"
e2e_done
