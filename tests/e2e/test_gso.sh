#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Outbound super-packets: remora-enclave takes the enclave's TCP
# super-packets whole, with their connection's segment size; remora-host
# writes them whole into its tun and the NIC cuts them (or, with
# E2E_INJECT=raw, remora-enclave cuts them itself), so what leaves the host
# is what the enclave's kernel would have sent: a server on the internet
# that advertises an MSS of 1000 gets segments of exactly that size (less
# timestamps), never larger, and every byte. UDP
# sent with GSO goes back to the kernel through the fallback queue and
# arrives as its datagrams. --no-gso takes packets one by one, as cut by
# the kernel, and binds no fallback queue.
. "$(dirname "$0")/lib.sh"
e2e_require socat tcpdump python3 sha256sum
{ e2e_tun || e2e_capture_tun; } && e2e_require ethtool
E2E_ENCLAVE_MTU=9001
e2e_topology
# a veth passes super-packets on uncut, where a NIC sends segments: with
# its segmentation offload off, the kernel cuts them, before the capture
# (the cut a NIC would make in hardware)
e2e_tun && in_host ethtool -K eth0 tso off >/dev/null
e2e_daemons
SIZE_MB=${GSO_SIZE_MB:-20}
ADV_MSS=1000

head -c "${SIZE_MB}M" /dev/urandom >"$E2E_TMP/blob"
want=$(sha256sum <"$E2E_TMP/blob" | cut -d' ' -f1)
# the segment size the enclave's TCP uses against an MSS of 1000
if [ "$(in_encl sysctl -n net.ipv4.tcp_timestamps)" = 0 ]; then
	seg=$ADV_MSS
else
	seg=$((ADV_MSS - 12))
fi

# queues: the numbers bound in the enclave's namespace
queues() { in_encl awk '{print $1}' /proc/net/netfilter/nfnetlink_queue | sort -n | tr '\n' ' '; }

# upload NAME PORT: the enclave sends the blob to a server on the internet
# that advertises MSS 1000, while the host's NIC is captured; checks the
# bytes and the segment sizes on the wire
upload() {
	local name=$1 port=$2 cap got n top full
	e2e_bg "sink-$name" net socat -u TCP-LISTEN:$port,bind=$E2E_NET_IP,reuseaddr,mss=$ADV_MSS CREATE:"$E2E_TMP/got-$name"
	e2e_wait_listen in_net tcp "$port" || { e2e_log "the sink did not start"; exit 1; }
	e2e_bg "cap-$name" host tcpdump -n -i eth0 -s 128 -U -w "$E2E_TMP/$name.pcap" "tcp and dst port $port"
	e2e_wait_log "$E2E_TMP/cap-$name.log" "listening on" 10 || { e2e_log "tcpdump did not start"; exit 1; }
	check "$name: the enclave sends $SIZE_MB MB to the internet" \
		in_encl timeout 60 socat -u OPEN:"$E2E_TMP/blob" TCP:$E2E_NET_IP:$port
	for _ in $(seq 100); do kill -0 "$(e2e_pid "sink-$name")" 2>/dev/null || break; sleep 0.1; done
	sleep 0.3
	cap=$(e2e_pid "cap-$name")
	kill -INT "$cap"
	wait "$cap" 2>/dev/null
	got=$(sha256sum <"$E2E_TMP/got-$name" | cut -d' ' -f1)
	check_eq "$name: every byte arrives (sha256)" "$want" "$got"
	read -r n top full < <(python3 "$E2E_ROOT/tests/e2e/pcap_tcp_sizes.py" "$E2E_TMP/$name.pcap")
	e2e_log "$name: $n data segments on the host's NIC, largest $top bytes, $full of that size"
	UPLOAD_SEGS=${n:-0}
	check "$name: thousands of data segments captured ($n)" test "${n:-0}" -gt $((SIZE_MB * 500))
	check_eq "$name: the largest segment is the connection's size, $seg bytes" "$seg" "$top"
	check "$name: nearly all segments are full ($full of $n)" test "$((${full:-0} * 10))" -ge "$((${n:-0} * 9))"
}

if e2e_capture_tun; then
	check_eq "tun capture: the enclave binds no queue" "" "$(queues 2>/dev/null)"
	check "tun capture: its tun takes TCP segmentation offload" \
		sh -c "ip netns exec $E2E_NS_ENCL ethtool -k remora0 | grep -q '^tcp-segmentation-offload: on'"
else
	check_eq "the enclave binds its queue and the fallback queue" "0 1 " "$(queues)"
fi
upload gso 7301
if e2e_tun; then
	check "remora-enclave sent super-packets whole (q2l_offloaded $(e2e_stat remora-enclave q2l_offloaded))" \
		test "$(e2e_stat remora-enclave q2l_offloaded)" -gt 0
	check_eq "and cut none itself" 0 "$(e2e_stat remora-enclave q2l_segmented)"
	check "remora-host wrote fewer packets into its tun than segments left its NIC ($(e2e_stat remora-host l2i_injected_packets) < $UPLOAD_SEGS)" \
		test "$(e2e_stat remora-host l2i_injected_packets)" -lt "$UPLOAD_SEGS"
else
	check "remora-enclave cut super-packets itself (q2l_segmented $(e2e_stat remora-enclave q2l_segmented))" \
		test "$(e2e_stat remora-enclave q2l_segmented)" -gt 0
	check "the enclave took fewer queue messages than segments were sent" \
		test "$(e2e_stat remora-enclave q2l_packets)" -lt "$(e2e_stat remora-enclave q2l_sent_packets)"
fi
check_eq "no TCP super-packet went back to the kernel" 0 "$(e2e_stat remora-enclave q2l_passed_on)"
check_eq "the host injected every segment (l2i_drop_inject)" 0 "$(e2e_stat remora-host l2i_drop_inject)"

# UDP with GSO: one packet of 10 datagrams, handed to the fallback queue
passed=$(e2e_stat remora-enclave q2l_passed_on)
e2e_bg udp-sink net python3 "$E2E_ROOT/tests/e2e/udp_sink.py" 7302 "$E2E_TMP/udp-sink.out"
e2e_wait_log "$E2E_TMP/udp-sink.out" ready 10 || { e2e_log "the UDP sink did not start"; exit 1; }
check "the enclave sends 10 datagrams of 1000 bytes with one UDP GSO send" \
	in_encl python3 "$E2E_ROOT/tests/e2e/udp_gso_send.py" "$E2E_NET_IP" 7302 10 1000
for _ in $(seq 50); do [ "$(grep -c "^$E2E_HOST_IP:" "$E2E_TMP/udp-sink.out")" -ge 10 ] && break; sleep 0.1; done
letters=$(grep "^$E2E_HOST_IP:" "$E2E_TMP/udp-sink.out" | awk '{print substr($2, 1, 1)}' | sort | tr -d '\n')
check_eq "the internet receives the 10 datagrams, each once" ABCDEFGHIJ "$letters"
if e2e_capture_tun; then
	# no UDP segmentation offered to the tun: the kernel cuts first
	check_eq "tun capture: the kernel cut the UDP super-packet before the tun (none passed on)" \
		"$passed" "$(e2e_stat remora-enclave q2l_passed_on)"
	check_eq "tun capture: nothing dropped uncut" 0 "$(e2e_stat remora-enclave q2l_drop_uncut)"
else
	check_eq "remora-enclave passed the UDP super-packet on to the kernel" $((passed + 1)) "$(e2e_stat remora-enclave q2l_passed_on)"
fi

# --no-gso: one by one, no fallback queue
pid=$(e2e_pid remora-enclave)
kill -TERM "$pid"
wait "$pid" 2>/dev/null
mv "$E2E_TMP/remora-enclave.log" "$E2E_TMP/remora-enclave.gso.log"
E2E_ENCLAVE_ARGS="--no-gso"
e2e_start_enclave
e2e_wait_log "$E2E_TMP/remora-enclave.log" "link up" 15 || { e2e_log "the link did not come back"; exit 1; }
if e2e_capture_tun; then
	check "--no-gso in tun capture: the tun takes no segmentation offload" \
		sh -c "ip netns exec $E2E_NS_ENCL ethtool -k remora0 | grep -q '^tcp-segmentation-offload: off'"
else
	check_eq "--no-gso binds the queue only" "0 " "$(queues)"
fi
upload nogso 7303
check_eq "--no-gso: nothing is cut by remora-enclave" 0 "$(e2e_stat remora-enclave q2l_segmented)"

"$E2E_BUILD/remora-enclave" --address "$E2E_HOST_IP" --fallback-queue 0 2>"$E2E_TMP/fq.err"
check_eq "--fallback-queue equal to --queue is bad usage (exit 2)" 2 "$?"
check "and says why" grep -q -- "--fallback-queue: 0 is --queue's number" "$E2E_TMP/fq.err"
e2e_done
