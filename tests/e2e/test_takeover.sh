#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Taking the link from inside the enclave. The link carries the enclave's
# traffic both ways, past remora-enclave's policy and the image's rules, so
# remora-host lets only a privileged peer hold it:
#  1. unix link: a process of another user (1000) that can still open the
#     0600 socket (CAP_DAC_OVERRIDE) sends a valid HELLO. It is refused
#     before any frame, counted and logged; the working link never goes
#     down and traffic flows before and after. A flood of such connections
#     is counted whole and logged in a bounded number of lines.
#  2. tcp link: a peer connecting from an unprivileged source port, as a
#     user or as root, is refused; remora-enclave connects from a port below
#     1024 and links up, keeping CAP_NET_BIND_SERVICE for its reconnections;
#     without that capability it says what it needs.
. "$(dirname "$0")/lib.sh"
e2e_require python3 setpriv ss ping
fake="python3 $E2E_ROOT/tests/e2e/fakepeer.py"
E2E_HOST_ARGS="--keepalive 0.2 --peer-timeout 1"
E2E_ENCLAVE_ARGS="--keepalive 0.2 --peer-timeout 1 --reconnect-max 0.5"
e2e_topology
e2e_daemons

HLOG=$E2E_TMP/remora-host.log
ELOG=$E2E_TMP/remora-enclave.log
v() { awk -v k="$2" '$1 == k {print $2}' <<<"$1"; }
ping_ok() { in_encl ping -n -q -c 3 -i 0.2 -W 2 "$E2E_NET_IP" >/dev/null; }
# as_user CMD...: run CMD in the enclave as uid 1000, able to open any file
# (the link's socket is root's, mode 0600, in a 0700 directory)
as_user() {
	in_encl setpriv --reuid=1000 --regid=1000 --clear-groups \
		--inh-caps=-all,+dac_override --ambient-caps=-all,+dac_override "$@"
}

# --- 1. unix: an unprivileged process of the enclave -------------------------
check "traffic flows through the link before" ping_ok
downs=$(grep -c "link down" "$HLOG")
got=$(as_user timeout 20 $fake connect "$E2E_TMP/link.sock" 1 2)
check_eq "a valid HELLO from uid 1000 gets no frame back: closed at once" eof "$(head -n 1 <<<"$got")"
h=$(e2e_stats remora-host)
check_eq "it is counted in link_refused_unprivileged" 1 "$(v "$h" link_refused_unprivileged)"
check_eq "and in link_refused" 1 "$(v "$h" link_refused)"
check "remora-host says why" \
	grep -q "refused a connection on unix:$E2E_TMP/link.sock from uid 1000: only root may connect" "$HLOG"
check_eq "the working link never went down" "$downs" "$(grep -c "link down" "$HLOG")"
check "remora-enclave was never replaced" bash -c "! grep -q replaced '$ELOG'"
check_eq "the link is up" up "$(v "$h" link_state)"
check "traffic flows through the link after" ping_ok

# a flood: every connection counted, the log bounded to a line a second
t0=$(date +%s.%N)
as_user python3 - "$E2E_TMP/link.sock" <<'PY'
import socket, sys
for _ in range(300):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    s.close()
PY
for _ in $(seq 50); do
	[ "$(e2e_stat remora-host link_refused_unprivileged)" -ge 301 ] && break
	sleep 0.1
done
t1=$(date +%s.%N)
check_eq "300 more refused: counted" 301 "$(e2e_stat remora-host link_refused_unprivileged)"
lines=$(grep -c "refused a connection" "$HLOG")
bound=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", b - a + 3 }')
e2e_log "301 refusals in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s: $lines log lines"
check "the refusals are logged at most once a second ($lines lines <= $bound)" test "$lines" -le "$bound"
# one more, a second later: its line tells how many were not shown
sleep 1.1
as_user timeout 20 $fake connect "$E2E_TMP/link.sock" 1 2 >/dev/null
e2e_wait_more "$HLOG" "refused a connection" "$lines" 5
shown=$(grep -c "refused a connection" "$HLOG")
untold=$(grep -o "(\([0-9]*\) more refused since)" "$HLOG" | tr -dc '0-9\n' | awk '{s += $1} END {print s + 0}')
check_eq "lines plus the refusals they say were not shown add up to all 302" 302 "$((shown + untold))"
check_eq "the link is still up after the flood" up "$(e2e_stat remora-host link_state)"
check_eq "and never went down" "$downs" "$(grep -c "link down" "$HLOG")"
check "traffic flows after the flood" ping_ok

# --- 2. tcp: an unprivileged source port ------------------------------------
for d in remora-enclave remora-host; do
	kill -TERM "$(e2e_pid $d)"
	wait "$(e2e_pid $d)" 2>/dev/null
	mv "$E2E_TMP/$d.log" "$E2E_TMP/$d.unix.log"
done
PORT=7300
LINK=tcp:127.0.0.1:$PORT
e2e_start_host --listen "$LINK"
e2e_wait_log "$HLOG" "listening on $LINK" 10 || exit 1
got=$(in_host setpriv --reuid=1000 --regid=1000 --clear-groups timeout 20 $fake connect "$LINK" 1 2)
check_eq "tcp: a peer of uid 1000 (unprivileged source port) is closed at once" eof "$(head -n 1 <<<"$got")"
got=$(in_host timeout 20 $fake connect "$LINK" 1 2)
check_eq "tcp: so is root's, connecting from an unprivileged port" eof "$(head -n 1 <<<"$got")"
check "tcp: remora-host names the source port" \
	grep -Eq "refused a connection on $LINK from source port (10[2-9][4-9]|1[1-9][0-9]{2}|[2-9][0-9]{3}|[1-9][0-9]{4})\b" "$HLOG"
check_eq "tcp: both counted as unprivileged" 2 "$(e2e_stat remora-host link_refused_unprivileged)"

# remora-enclave, from the host's namespace (the only one that reaches the
# listener), on queues the host's rules do not use
e2e_bg remora-enclave host "$E2E_BUILD/remora-enclave" --address "$E2E_HOST_IP" \
	--link "$LINK" --control "$E2E_TMP/remora-enclave.ctl" --queue 7 --no-gso $E2E_ENCLAVE_ARGS
check "tcp: remora-enclave links up" e2e_wait_log "$HLOG" "link up" 10
e2e_wait_log "$ELOG" "link up" 5
sport=$(in_host ss -Htn state established "( dport = :$PORT )" | awk '{n = split($3, a, ":"); print a[n]}')
e2e_log "remora-enclave's source port: $sport"
check "tcp: remora-enclave connects from a port below 1024 (ss: $sport)" \
	test -n "$sport" -a "${sport:-65535}" -lt 1024 -a "${sport:-0}" -ge 512
pid=$(e2e_pid remora-enclave)
check_eq "tcp: once set up, remora-enclave keeps CAP_NET_ADMIN and CAP_NET_BIND_SERVICE" \
	0000000000001400 "$(awk '/^CapEff:/ {print $2}' /proc/"$pid"/status)"
downs=$(grep -c "link down" "$HLOG")
got=$(in_host setpriv --reuid=1000 --regid=1000 --clear-groups timeout 20 $fake connect "$LINK" 1 2)
check_eq "tcp: with the link up, an unprivileged peer is still refused" eof "$(head -n 1 <<<"$got")"
check_eq "tcp: counted" 3 "$(e2e_stat remora-host link_refused_unprivileged)"
check_eq "tcp: the link never went down" "$downs" "$(grep -c "link down" "$HLOG")"
check_eq "tcp: the link is up" up "$(e2e_stat remora-host link_state)"
# the link is re-made from a privileged port after it drops: remora-enclave
# kept the capability it needs for that
kill -STOP "$(e2e_pid remora-host)"
e2e_wait_log "$ELOG" "peer silent for" 10
kill -CONT "$(e2e_pid remora-host)"
check "tcp: remora-enclave reconnects after the link dropped" \
	e2e_wait_more "$ELOG" "link up" 1 10
sport=$(in_host ss -Htn state established "( dport = :$PORT )" | awk '{n = split($3, a, ":"); print a[n]}' | head -n 1)
check "tcp: again from a port below 1024 (ss: $sport)" test -n "$sport" -a "${sport:-65535}" -lt 1024

# a remora-enclave without CAP_NET_BIND_SERVICE says what it lacks
e2e_bg noprivenclave host timeout 5 setpriv --reuid=1000 --regid=1000 --clear-groups \
	--inh-caps=-all,+net_admin,+net_raw --ambient-caps=-all,+net_admin,+net_raw \
	"$E2E_BUILD/remora-enclave" --address "$E2E_HOST_IP" --link "$LINK" --control none \
	--queue 9 --no-gso
check "tcp: without CAP_NET_BIND_SERVICE, remora-enclave says it needs it" \
	e2e_wait_log "$E2E_TMP/noprivenclave.log" "cannot connect to remora-host at $LINK: Permission denied: .*needs CAP_NET_BIND_SERVICE" 5
check_eq "tcp: the working link is untouched" up "$(e2e_stat remora-host link_state)"
e2e_done
