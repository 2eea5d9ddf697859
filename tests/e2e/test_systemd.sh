#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The systemd unit, checked, and its commands run with the unit's user and
# capabilities (without systemd: test_systemd_unit.sh starts the unit under
# a real systemd, with the rest of its sandbox).
#
#  - systemd-analyze verify finds nothing to say about the unit, installed
#    in a scratch root beside the files it names; systemd-analyze security
#    rates its sandbox; the filter lets capset through;
#  - the unit's own ExecStartPre/ExecStart/ExecStopPost lines, with the
#    shipped host.conf (only the addresses changed for the test topology):
#    the rules with full privileges, the daemon under setpriv as an
#    unprivileged user with only CAP_NET_ADMIN and CAP_NET_RAW and no new
#    privileges, and a notification socket standing in for systemd; none
#    of the unit's other sandboxing (its system-call filter, file-system
#    protections...) applies here;
#  - once set up, the daemon keeps CAP_NET_ADMIN alone;
#  - readiness (READY=1) comes once the queue is bound and the listener up,
#    STATUS follows the enclave, the watchdog is fed, STOPPING=1 on stop;
#  - traffic flows; the daemon has no other capability; --stats works for
#    root and is refused to another user;
#  - a deliberate stop removes the rules, a failure leaves them (fail closed).
. "$(dirname "$0")/lib.sh"
e2e_require curl setpriv python3 systemd-analyze

UNIT=$E2E_ROOT/systemd/remora-host.service
CONF=$E2E_ROOT/systemd/host.conf
NOBODY=65534

e2e_topology
SA=$E2E_TMP/root

# --- static checks ----------------------------------------------------------
mkdir -p "$SA/usr/sbin" "$SA/etc/remora" "$SA/etc/systemd/system" "$SA/bin" "$SA/lib/systemd"
cp "$E2E_BUILD/remora-host" "$E2E_ROOT/scripts/remora-host-rules" "$SA/usr/sbin/"
cp /bin/sh "$SA/bin/"
cp "$CONF" "$SA/etc/remora/host.conf"
cp "$UNIT" "$SA/etc/systemd/system/"
cp -r /lib/systemd/system "$SA/lib/systemd/"
out=$(systemd-analyze verify --man=no --root="$SA" /etc/systemd/system/remora-host.service 2>&1)
rc=$?
# systemd's own system-call groups name calls this libseccomp may not know
out=$(grep -v "Failed to parse system call, ignoring" <<<"$out")
[ -z "$out" ] || echo "$out"
check_eq "systemd-analyze verify: exit status" 0 "$rc"
check_eq "systemd-analyze verify: no warning about the unit" "" "$out"
sec=$(systemd-analyze security --offline=yes --root="$SA" /etc/systemd/system/remora-host.service 2>&1 |
	sed -n 's/.*Overall exposure level for remora-host.service: \([0-9.]*\).*/\1/p')
e2e_log "systemd-analyze security: exposure $sec (0 = most sandboxed, 10 = none)"
check "systemd-analyze security: exposure level at most 3.0 (got '$sec')" \
	awk -v s="$sec" 'BEGIN { exit !(s != "" && s <= 3.0) }'
for key in "Type=notify" "WatchdogSec=" "DynamicUser=yes" "NoNewPrivileges=yes" \
	"ProtectSystem=strict" "ProtectHome=yes" "PrivateTmp=yes" "MemoryMax=" \
	"CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW" "SystemCallFilter=@system-service" \
	"SystemCallFilter=capset seccomp" \
	"RestrictAddressFamilies=AF_NETLINK AF_INET AF_INET6 AF_VSOCK AF_UNIX" \
	"After=network-online.target" "Restart=on-failure"; do
	check "unit sets $key" grep -q "^$key" "$UNIT"
done
# the daemon gives up CAP_NET_RAW with capset, which ~@privileged denies: an
# allow line after the deny list lets it through again
deny=$(grep -n '^SystemCallFilter=~' "$UNIT" | tail -n 1 | cut -d: -f1)
allow=$(grep -nE '^SystemCallFilter=([^~].* )?capset( |$)' "$UNIT" | tail -n 1 | cut -d: -f1)
deny=${deny:-0}
allow=${allow:-0}
check "unit allows capset after its deny list (line $allow > line $deny)" \
	test "$((deny > 0 && allow > deny))" = 1

# --- the shipped settings file documents every flag ------------------------
undocumented=
for flag in $( ("$E2E_BUILD/remora-host" --help; "$E2E_ROOT/scripts/remora-host-rules" --help) |
	grep -oE '^ +(-[a-zA-Z], )?--[a-z-]+' | sed 's/.*--//' | sort -u); do
	case "$flag" in help | version | config | stats) continue ;; esac
	grep -Eq "^#?$flag = " "$CONF" || undocumented="$undocumented $flag"
done
check_eq "host.conf shows every flag of remora-host and remora-host-rules" "" "$undocumented"

# --- the unit's commands, with the shipped settings -----------------------
# RuntimeDirectory: a directory the daemon's user owns
RUN=$E2E_TMP/run
mkdir -p "$RUN"
chown "$NOBODY:$NOBODY" "$RUN"
chmod 755 "$E2E_TMP"
# The shipped host.conf, with the test topology's address, NIC, link and
# control socket, and the user remora-enclave runs as below (on a unix link
# only root and that user may connect); every other line as shipped.
sed -e "s|^address = .*|address = $E2E_HOST_IP|" -e "s|^nic = .*|nic = eth0|" \
	-e "s|^listen = .*|listen = unix:$RUN/link.sock|" \
	-e "s|^#control = .*|control = $RUN/host.ctl|" \
	-e "s|^#enclave-uid = .*|enclave-uid = $NOBODY|" "$CONF" >"$E2E_TMP/host.conf"
check "the test settings differ from the shipped ones only in address, nic, listen, control, enclave-uid" \
	test "$(diff "$CONF" "$E2E_TMP/host.conf" | grep -c '^>')" = 5

# unit_cmd KEY: the unit's command line for KEY, with installed paths mapped
# to this tree and the settings file to the test's
unit_cmd() {
	sed -n "s/^$1=//p" "$UNIT" | sed -e 's/^+//' \
		-e "s|/usr/sbin/remora-host-rules|$E2E_ROOT/scripts/remora-host-rules|g" \
		-e "s|/usr/sbin/remora-host |$E2E_BUILD/remora-host |g" \
		-e "s|/etc/remora/host.conf|$E2E_TMP/host.conf|g"
}
pre=$(unit_cmd ExecStartPre)
start=$(unit_cmd ExecStart)
post=$(unit_cmd ExecStopPost)
check "ExecStartPre loads the rules from the settings file" grep -q "remora-host-rules up --config" <<<"$pre"
check "ExecStart runs remora-host with the settings file" grep -q "remora-host --config" <<<"$start"

in_host "$E2E_ROOT/scripts/remora-host-rules" down
eval "in_host $pre" >"$E2E_TMP/pre.log" 2>&1
check_eq "ExecStartPre (rules up) succeeds" 0 $?
check "the rules took the ports from the settings file" \
	grep -q "enclave ports 80,443,1024-61439, host ports 22, queue 0" "$E2E_TMP/pre.log"
check "the rules queue to the enclave" sh -c "ip netns exec $E2E_NS_HOST iptables -t mangle -S REMORA-PRE | grep -q NFQUEUE"

e2e_bg notify host python3 "$E2E_ROOT/tests/e2e/notify_listen.py" "$E2E_TMP/notify.sock" "$E2E_TMP/notify.log"
for _ in $(seq 50); do [ -S "$E2E_TMP/notify.sock" ] && break; sleep 0.1; done
# as the unit: DynamicUser (an unprivileged uid), AmbientCapabilities and
# CapabilityBoundingSet of the two capabilities, NoNewPrivileges
eval "e2e_bg remora-host host env NOTIFY_SOCKET=$E2E_TMP/notify.sock WATCHDOG_USEC=1000000 \
	setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups \
	--inh-caps=-all,+net_admin,+net_raw --ambient-caps=-all,+net_admin,+net_raw \
	--bounding-set=-all,+net_admin,+net_raw --no-new-privs $start"
e2e_wait_log "$E2E_TMP/notify.log" "READY=1" 10
check "READY=1 sent to the service manager" grep -q "READY=1" "$E2E_TMP/notify.log"
check "READY comes after the queue is bound and the listener is up" \
	grep -q "listening on unix:$RUN/link.sock" "$E2E_TMP/remora-host.log"
check "the queue is bound when READY is sent" \
	sh -c "ip netns exec $E2E_NS_HOST cat /proc/net/netfilter/nfnetlink_queue | awk '\$1 == 0' | grep -q ."
check "READY carries a STATUS line" grep -q "READY=1|STATUS=listening on unix:" "$E2E_TMP/notify.log"
check "READY names the main PID" grep -q "MAINPID=$(e2e_pid remora-host)" "$E2E_TMP/notify.log"

pid=$(e2e_pid remora-host)
check_eq "remora-host runs as the unprivileged user" "$NOBODY" "$(awk '/^Uid:/ {print $3}' /proc/"$pid"/status)"
# started with CAP_NET_ADMIN and CAP_NET_RAW; once set up, only
# CAP_NET_ADMIN (verdicts to NFQUEUE) is left
for set in CapEff CapPrm; do
	check_eq "once set up, $set holds CAP_NET_ADMIN only" \
		0000000000001000 "$(awk -v s="$set:" '$1 == s {print $2}' /proc/"$pid"/status)"
done
# without CAP_SETPCAP the bounding set stays as the unit made it; with no
# new privileges and CAP_NET_RAW gone from the permitted set, it cannot
# come back
check_eq "the bounding set is the unit's two" \
	0000000000003000 "$(awk '/^CapBnd:/ {print $2}' /proc/"$pid"/status)"
check_eq "no ambient capability is left" 0000000000000000 "$(awk '/^CapAmb:/ {print $2}' /proc/"$pid"/status)"
check_eq "no new privileges" 1 "$(awk '/^NoNewPrivs:/ {print $2}' /proc/"$pid"/status)"
e2e_check_seccomp remora-host

# the enclave daemon as another unprivileged user: once set up it keeps
# no capability that would let it open the host daemon's 0600 socket
e2e_bg remora-enclave encl setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups \
	--inh-caps=-all,+net_admin,+net_raw --ambient-caps=-all,+net_admin,+net_raw \
	"$E2E_BUILD/remora-enclave" --address "$E2E_HOST_IP" --link "unix:$RUN/link.sock" \
	--control "$RUN/enclave.ctl"
e2e_wait_log "$E2E_TMP/remora-host.log" "link up" 10
e2e_wait_log "$E2E_TMP/notify.log" "STATUS=enclave connected" 5
e2e_check_seccomp remora-enclave
check "STATUS says the enclave connected" grep -q "STATUS=enclave connected (remora " "$E2E_TMP/notify.log"

# traffic through the daemon running as the unit runs it
head -c 2000000 /dev/urandom >"$E2E_TMP/blob"
e2e_http_file blob 8080 "$E2E_TMP/blob"
e2e_wait_listen in_net tcp 8080
got=$(in_encl curl -s --max-time 20 "http://$E2E_NET_IP:8080/" | sha256sum | cut -d' ' -f1)
check_eq "the enclave downloads 2 MB through the unit-run remora-host" \
	"$(sha256sum <"$E2E_TMP/blob" | cut -d' ' -f1)" "$got"

sleep 1.2
wd=$(grep -c "WATCHDOG=1" "$E2E_TMP/notify.log")
check "the watchdog is fed every WATCHDOG_USEC/2 (got $wd pings)" test "$wd" -ge 2

stats=$(in_host "$E2E_BUILD/remora-host" --stats --config "$E2E_TMP/host.conf")
check_eq "root reads --stats with the same settings file (link_state)" up \
	"$(awk '$1 == "link_state" {print $2}' <<<"$stats")"
check "--stats shows the 2 MB forwarded" awk '$1 == "q2l_bytes" && $2 > 2000000 {f=1} END {exit !f}' <<<"$stats"
check_eq "the control socket is mode 0600" 600 "$(stat -c %a "$RUN/host.ctl")"
out=$(setpriv --reuid=1000 --regid=1000 --clear-groups "$E2E_BUILD/remora-host" --stats --control "$RUN/host.ctl" 2>&1)
rc=$?
check_eq "another user is refused --stats (exit 1)" 1 "$rc"
check "the refusal says it needs root" grep -q "reading the counters needs root" <<<"$out"
rss=$(awk '/^VmRSS:/ {print $2}' /proc/"$pid"/status)
e2e_log "remora-host RSS after 2 MB: $rss kB (unit MemoryMax=64M)"
check "RSS under the unit's MemoryMax (${rss} kB < 65536 kB)" test "$rss" -lt 65536

# --- stop: as systemctl stop does ----------------------------------------------
kill -TERM "$pid"
wait "$pid"
rc=$?
check_eq "remora-host exits 0 on SIGTERM" 0 "$rc"
e2e_wait_log "$E2E_TMP/notify.log" "STOPPING=1" 3
check "STOPPING=1 sent" grep -q "STOPPING=1" "$E2E_TMP/notify.log"

eval "in_host env SERVICE_RESULT=exit-code $post"
check "after a failure, ExecStopPost leaves the rules (fail closed)" \
	sh -c "ip netns exec $E2E_NS_HOST iptables -t mangle -S | grep -q REMORA-PRE"
eval "in_host env SERVICE_RESULT=success $post"
check "after a deliberate stop, ExecStopPost removes the rules" \
	sh -c "! ip netns exec $E2E_NS_HOST iptables -t mangle -S | grep -q REMORA"

e2e_done
