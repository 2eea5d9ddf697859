#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# remora keeps no connection state, so a restart of either daemon must not
# break the TCP connections passing through it: a 200 MB transfer in each
# direction survives a SIGKILL and restart of remora-host, then of
# remora-enclave, with the right checksum; an idle connection opened before
# the restarts carries data after them.
. "$(dirname "$0")/lib.sh"
e2e_require curl socat sha256sum
SIZE_MB=${RESTART_SIZE_MB:-200}
RATE=${RESTART_RATE:-40M} # bytes/s: the transfer lasts a few seconds
E2E_ENCLAVE_ARGS="--reconnect-max 0.5"
e2e_topology
e2e_daemons

head -c "${SIZE_MB}M" /dev/urandom >"$E2E_TMP/blob"
want=$(sha256sum <"$E2E_TMP/blob" | cut -d' ' -f1)
# the internet serves it on 8080 (downloads by the enclave: data inbound)
e2e_http_file inbound 8080 "$E2E_TMP/blob"
# the enclave serves it on 8443 (downloads from the internet: data outbound)
cp "$E2E_TMP/inbound.sh" "$E2E_TMP/outbound.sh"
e2e_bg outbound encl socat -T 60 TCP-LISTEN:8443,bind=$E2E_HOST_IP,reuseaddr,fork EXEC:"$E2E_TMP/outbound.sh"
e2e_wait_listen in_net tcp 8080 && e2e_wait_listen in_encl tcp 8443 || exit 1

# an idle connection, enclave to internet, kept open across every restart
e2e_bg idle-server net socat -T 120 TCP-LISTEN:7200,bind=$E2E_NET_IP,reuseaddr EXEC:cat
e2e_wait_listen in_net tcp 7200 || exit 1
mkfifo "$E2E_TMP/idle.in"
e2e_bg idle-client encl sh -c "exec socat -T 120 - TCP:$E2E_NET_IP:7200 <'$E2E_TMP/idle.in'"
exec 9>"$E2E_TMP/idle.in"
echo idle-before >&9
check "the idle connection echoes before any restart" e2e_wait_log "$E2E_TMP/idle-client.log" idle-before 10

# restart DAEMON: SIGKILL, half a second of nothing, start again, wait for
# the link
restart() {
	local d=$1 pid
	pid=$(e2e_pid "$d")
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	mv "$E2E_TMP/$d.log" "$E2E_TMP/$d.$(date +%s%N).log"
	sleep 0.5
	if [ "$d" = remora-host ]; then e2e_start_host; else e2e_start_enclave; fi
	e2e_wait_log "$E2E_TMP/$d.log" "link up" 15 || e2e_log "$d: link did not come back"
	e2e_check_seccomp "$d"
}

# transfer WHERE URL DAEMON COUNTER NAME: a rate-limited download by WHERE
# of URL, with DAEMON killed and restarted a second and a half in; COUNTER
# is DAEMON's count of the data bytes it moved in the transfer's direction
transfer() {
	local where=$1 url=$2 d=$3 counter=$4 name=$5 rc got t0 t1 moved
	t0=$(date +%s.%N)
	"in_$where" curl -s --max-time 120 --limit-rate "$RATE" -o "$E2E_TMP/got" "$url" &
	local cpid=$!
	sleep 1.5
	check "$name: the transfer is under way when $d is killed" kill -0 "$cpid"
	restart "$d"
	wait "$cpid"
	rc=$?
	t1=$(date +%s.%N)
	got=$(sha256sum <"$E2E_TMP/got" | cut -d' ' -f1)
	check_eq "$name: curl completes across a SIGKILL and restart of $d" 0 "$rc"
	check_eq "$name: $SIZE_MB MB with the right sha256" "$want" "$got"
	# at RATE, the restarted daemon moves about 100 MB of the 200; the
	# bound is on data bytes, not packets, because aggregation makes the
	# packet count (and the ACKs the other way) depend on timing
	moved=$(e2e_stat "$d" "$counter")
	check "$name: the restarted $d carried the rest ($counter ${moved:-?} over 20 MB)" \
		test "${moved:-0}" -gt $((20 * 1024 * 1024))
	e2e_log "$name: $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}') s"
	rm -f "$E2E_TMP/got"
}

transfer encl "http://$E2E_NET_IP:8080/" remora-host q2l_sent_bytes "inbound (internet -> enclave), host killed"
transfer net "http://$E2E_HOST_IP:8443/" remora-host l2i_injected_bytes "outbound (enclave -> internet), host killed"
transfer encl "http://$E2E_NET_IP:8080/" remora-enclave l2i_injected_bytes "inbound (internet -> enclave), enclave daemon killed"
transfer net "http://$E2E_HOST_IP:8443/" remora-enclave q2l_sent_bytes "outbound (enclave -> internet), enclave daemon killed"

echo idle-after >&9
check "the idle connection carries data after four restarts" e2e_wait_log "$E2E_TMP/idle-client.log" idle-after 15
exec 9>&-
e2e_done
