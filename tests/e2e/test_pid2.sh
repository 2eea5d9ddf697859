#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# remora-enclave as PID 2 of an enclave image: under a minimal init, in
# fresh PID and network namespaces (lo down, no address, no rules), it
# brings the network up itself (--setup-net), starts the application once
# the link is up, and the application serves traffic both ways through
# remora-host. SIGTERM reaches the application and remora-enclave exits
# with its status; a failing or missing application, a bad flag and a crash
# of remora-enclave itself are each reported as an operator needs.
. "$(dirname "$0")/lib.sh"
e2e_require unshare python3 curl sha256sum
E2E_ENCLAVE_SETUP=0
E2E_IPV6=1 # dual-stack: --setup-net brings IPv6 up too
e2e_topology
e2e_start_host
e2e_wait_log "$E2E_TMP/remora-host.log" "listening on" 10 || exit 1

APPDIR=$E2E_TMP/app
mkdir -p "$APPDIR"
head -c 3000000 /dev/urandom >"$APPDIR/blob"
head -c 500000 /dev/urandom >"$E2E_TMP/outbound.bin"
e2e_http_file outbound 8080 "$E2E_TMP/outbound.bin"
e2e_wait_listen in_net tcp 8080 || exit 1

# boot NAME [remora-enclave flags] -- APP...: PID 1 = mini_init, PID 2 =
# remora-enclave; the init records the exit status in $E2E_TMP/NAME/status.
# RUNAS: a command remora-enclave is started through (it execs, so PID 2)
boot() {
	local name=$1
	shift
	mkdir -p "$E2E_TMP/$name"
	# shellcheck disable=SC2086 # RUNAS is a command and its arguments
	e2e_bg "$name" encl unshare --pid --fork --mount-proc env INIT_DIR="$E2E_TMP/$name" \
		sh "$E2E_ROOT/tests/e2e/mini_init.sh" ${RUNAS:-} "$E2E_BUILD/remora-enclave" --setup-net \
		--address "$E2E_HOST_IP" --link "unix:$E2E_TMP/link.sock" \
		--control "$E2E_TMP/$name/ctl" --rules "$E2E_ROOT/scripts/enclave.rules" \
		--capture "$E2E_CAPTURE" "$@"
}
# status NAME: wait for the init to record the exit status
status() {
	e2e_wait_log "$E2E_TMP/$1/status" . 20 && cat "$E2E_TMP/$1/status"
}
# encl_pid: the remora-enclave of the booted enclave, as this namespace sees it
encl_pid() {
	local p
	for p in $(pgrep -x remora-enclave); do
		grep -q "^NSpid:.*[[:space:]]2$" /proc/"$p"/status 2>/dev/null && { echo "$p"; return; }
	done
}

boot main --mtu 9001 --ports 32768-60999 --address6 "$E2E_HOST_IP6" \
	--rules6 "$E2E_ROOT/scripts/enclave6.rules" -- python3 "$E2E_ROOT/tests/e2e/pid2_app.py" \
	"$APPDIR" "http://$E2E_NET_IP:8080/" 8443
e2e_wait_log "$E2E_TMP/main.log" "network ready: starting" 15
check "remora-enclave runs as PID 2 under the init" grep -q "remora-enclave .* pid 2$" "$E2E_TMP/main.log"
check "lo is up" sh -c "ip netns exec $E2E_NS_ENCL ip link show lo | grep -q 'UP'"
check "lo has its MTU (65536: the host's super-packets go in whole)" sh -c "ip netns exec $E2E_NS_ENCL ip link show lo | grep -q 'mtu 65536'"
check "lo has the shared address" sh -c "ip netns exec $E2E_NS_ENCL ip -4 addr show dev lo | grep -q 'inet $E2E_HOST_IP/32'"
check_eq "the ephemeral port range" "32768	60999" "$(in_encl cat /proc/sys/net/ipv4/ip_local_port_range)"
check "lo has the shared IPv6 address" sh -c "ip netns exec $E2E_NS_ENCL ip -6 addr show dev lo | grep -q 'inet6 $E2E_HOST_IP6/128'"
if e2e_capture_tun; then
	# no rule: the default routes go into remora-enclave's tun, at the
	# enclave's MTU
	check "it brought the network up for tun capture" grep -q "network up: $E2E_HOST_IP and $E2E_HOST_IP6 on lo (mtu 65536), ephemeral ports 32768-60999; the default routes go into the tun (mtu 9001), no rules" "$E2E_TMP/main.log"
	check "it said which capture, and why" grep -q "capture: tun remora0 (--capture tun)" "$E2E_TMP/main.log"
	check "the tun has the enclave's MTU (9001)" sh -c "ip netns exec $E2E_NS_ENCL ip link show remora0 | grep -q 'mtu 9001'"
	check "the default route goes into the tun with the shared source" \
		sh -c "ip netns exec $E2E_NS_ENCL ip route show default | grep -q 'default dev remora0 .*src $E2E_HOST_IP'"
	check "the IPv6 default route goes into the tun with the shared source" \
		sh -c "ip netns exec $E2E_NS_ENCL ip -6 route show default | grep -q 'default dev remora0 .*src $E2E_HOST_IP6'"
	check_eq "no rule in the enclave" 0 "$(in_encl iptables -S | grep -c REMORA)"
	check_eq "the tun has no address of its own (no IPv6 link-local either)" "" \
		"$(in_encl ip -o addr show dev remora0)"
else
	check "it brought the network up" grep -q "network up: $E2E_HOST_IP on lo (mtu 65536), default route with that source and mtu 9001" "$E2E_TMP/main.log"
	check "the default route has the enclave's (9001)" sh -c "ip netns exec $E2E_NS_ENCL ip route show default | grep -q 'mtu 9001'"
	check "the default route leaves by lo with the shared source" \
		sh -c "ip netns exec $E2E_NS_ENCL ip route show default | grep -q 'default dev lo .*src $E2E_HOST_IP'"
	check_eq "the rules send outbound packets to the queue" 1 \
		"$(in_encl iptables -S REMORA-OUT | grep -c -- '-j NFQUEUE --queue-num 0')"
	check "the IPv6 default route leaves by lo with the shared source" \
		sh -c "ip netns exec $E2E_NS_ENCL ip -6 route show default | grep -q 'default dev lo .*src $E2E_HOST_IP6'"
	check_eq "the IPv6 rules send outbound packets to the queue" 1 \
		"$(in_encl ip6tables -S REMORA-OUT | grep -c -- '-j NFQUEUE --queue-num 0')"
	check "it said IPv6 is up" grep -q "IPv6 up: $E2E_HOST_IP6 on lo" "$E2E_TMP/main.log"
fi
check "the application started only once the link was up" \
	sh -c "grep -n 'link up' '$E2E_TMP/main.log' | head -1 | cut -d: -f1 | { read l; s=\$(grep -n 'network ready: starting' '$E2E_TMP/main.log' | cut -d: -f1); [ \"\$l\" -lt \"\$s\" ]; }"

e2e_wait_listen in_encl tcp 8443 || e2e_log "the application did not listen"
got=$(in_net curl -s --max-time 20 "http://$E2E_HOST_IP:8443/blob" | sha256sum | cut -d' ' -f1)
check_eq "inbound: a client on the internet downloads 3 MB from the application" \
	"$(sha256sum <"$APPDIR/blob" | cut -d' ' -f1)" "$got"
e2e_bg web6 net socat -T 20 "TCP6-LISTEN:8081,bind=[$E2E_NET_IP6],reuseaddr,fork" SYSTEM:"echo over-ipv6"
e2e_wait_listen in_net tcp 8081 || e2e_log "the IPv6 server did not start"
check_eq "the enclave set up as PID 2 reaches the internet over IPv6" over-ipv6 \
	"$(in_encl socat -T 5 - "TCP6:[$E2E_NET_IP6]:8081" </dev/null)"
e2e_wait_log "$APPDIR/fetched" . 10 || true
check_eq "outbound: the application fetched 500 kB from the internet" \
	"$(sha256sum <"$E2E_TMP/outbound.bin" | cut -d' ' -f1)" "$(sha256sum <"$APPDIR/fetched" 2>/dev/null | cut -d' ' -f1)"
check "the application is remora-enclave's child" \
	sh -c "read -r pid ppid <'$APPDIR/app-pid'; [ \"\$ppid\" = 2 ]"
pid=$(encl_pid)
check "remora-enclave keeps only CAP_NET_ADMIN" \
	test "$(awk '/^CapEff:/ {print $2}' /proc/"$pid"/status)" = 0000000000001000
read -r nspid _ <"$APPDIR/app-pid"
app=
for p in $(pgrep -x python3); do
	grep -q "^NSpid:.*[[:space:]]$nspid$" /proc/"$p"/status 2>/dev/null && app=$p
done
check "the application's process is found" test -n "$app"
check_eq "the application inherits no socket of remora-enclave (only its own listener)" 1 \
	"$(find /proc/"$app"/fd -lname 'socket:*' | wc -l)"
check "the application keeps the image's privileges" \
	test "$(awk '/^CapEff:/ {print $2}' /proc/"$app"/status)" != 0000000000001000
e2e_check_seccomp remora-enclave "$pid" "$E2E_TMP/main.log"
check_eq "the application is not confined by remora-enclave's filter (forked before it)" 0 \
	"$(awk '/^Seccomp:/ {print $2}' /proc/"$app"/status)"
st=$("$E2E_BUILD/remora-enclave" --stats --control "$E2E_TMP/main/ctl" | awk '$1 == "link_state" {print $2}')
check_eq "--stats answers from the enclave" up "$st"

kill -TERM "$pid"
check_eq "SIGTERM: remora-enclave exits with the application's status" 42 "$(status main)"
check "SIGTERM reached the application" test -f "$APPDIR/got-sigterm"
check "remora-enclave said it passed the signal on" grep -q "received SIGTERM, passed on to the application" "$E2E_TMP/main.log"
check "and why it stopped" grep -q "the application exited with status 42: stopping" "$E2E_TMP/main.log"

# a second boot replaces the rules rather than adding to them; in tun
# capture it removes those an nfqueue set-up left (they would queue every
# packet to a queue nobody reads)
e2e_capture_tun && in_encl "$E2E_ROOT/scripts/remora-enclave-net" up --address "$E2E_HOST_IP" \
	--capture nfqueue --rules "$E2E_ROOT/scripts/enclave.rules" >/dev/null
boot again --app-wait 0 -- sh -c 'exit 3'
check_eq "an application that exits 3 makes remora-enclave exit 3" 3 "$(status again)"
if e2e_capture_tun; then
	check_eq "set up in tun capture over nfqueue's rules: they are gone" 0 "$(in_encl iptables -S | grep -c REMORA)"
else
	check_eq "set up twice, the rules are there once" 1 "$(in_encl iptables -S OUTPUT | grep -c -- '-j REMORA-OUT')"
	check_eq "and REMORA-OUT holds its two rules, not four" 2 "$(in_encl iptables -S REMORA-OUT | grep -c -- '^-A')"
fi

boot missing --app-wait 0 -- /nonexistent/app
check_eq "a missing application: exit status 127" 127 "$(status missing)"
check "and a clear message" grep -q "cannot start /nonexistent/app: No such file or directory" "$E2E_TMP/missing.log"

boot badflag --mtu 100 -- sh -c 'exit 0'
check_eq "a bad flag: exit status 2" 2 "$(status badflag)"
check "and says what is wrong" grep -q -- "--mtu: '100' is not a number from 1280 to 65536" "$E2E_TMP/badflag.log"

boot norules --rules /nonexistent.rules --app-wait 0 -- sh -c 'exit 0'
if e2e_capture_tun; then
	check_eq "tun capture reads no rules file: a missing one does not matter (the app's status, 0)" 0 "$(status norules)"
else
	check_eq "a missing rules file: exit status 1" 1 "$(status norules)"
	check "and says which file" grep -q "cannot read the rules file /nonexistent.rules" "$E2E_TMP/norules.log"
fi

# no CAP_NET_ADMIN (a plain user): named, exit 1, nothing started
RUNAS="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all" \
	boot noadmin -- sh -c 'exit 0'
check_eq "without CAP_NET_ADMIN: exit status 1" 1 "$(status noadmin)"
check "and says which step and why" \
	grep -q "cannot bring lo up with its MTU: Operation not permitted (needs CAP_NET_ADMIN" "$E2E_TMP/noadmin.log"

# no remora-host at the end of the link: the application starts after
# --app-wait anyway, with a warning; SIGINT is passed on as SIGTERM is
boot nolink --link "unix:$E2E_TMP/nobody.sock" --app-wait 1 -- python3 -c \
	'import signal, sys, time; signal.signal(signal.SIGINT, lambda *a: sys.exit(7)); open(sys.argv[1], "w").close(); time.sleep(30)' \
	"$E2E_TMP/nolink/app-up"
e2e_wait_log "$E2E_TMP/nolink.log" "starting" 10
check "no link after --app-wait: the application starts anyway, with a warning" \
	grep -q "warn: no link to remora-host after 1 s: starting python3" "$E2E_TMP/nolink.log"
for _ in $(seq 50); do [ -e "$E2E_TMP/nolink/app-up" ] && break; sleep 0.1; done
kill -INT "$(encl_pid)"
check_eq "SIGINT reaches the application, whose status (7) remora-enclave exits with" 7 "$(status nolink)"

# the example image's own settings and application (scripts/enclave/),
# with only the address of the link and of the rules changed for the test
sed -e "s|^link = .*|link = unix:$E2E_TMP/link.sock|" \
	-e "s|^rules = .*|rules = $E2E_ROOT/scripts/enclave.rules|" \
	-e "s|^address = .*|address = $E2E_HOST_IP|" \
	"$E2E_ROOT/scripts/enclave/enclave.conf" >"$E2E_TMP/enclave.conf"
check_eq "the example settings differ only in link, rules and address" 3 \
	"$(diff "$E2E_ROOT/scripts/enclave/enclave.conf" "$E2E_TMP/enclave.conf" | grep -c '^>')"
mkdir -p "$E2E_TMP/image"
e2e_bg image encl unshare --pid --fork --mount-proc env INIT_DIR="$E2E_TMP/image" \
	sh -c "exec sh '$E2E_ROOT/tests/e2e/mini_init.sh' \
	'$E2E_BUILD/remora-enclave' --config '$E2E_TMP/enclave.conf' --control '$E2E_TMP/image/ctl' \
	--capture '$E2E_CAPTURE' -- env APP_PORT=8443 '$E2E_ROOT/scripts/enclave/app/run.sh'"
e2e_wait_log "$E2E_TMP/image.log" "network ready: starting" 15
e2e_wait_listen in_encl tcp 8443
check "the example image's app (app/run.sh) answers through remora" \
	sh -c "ip netns exec $E2E_NS_NET curl -s --max-time 10 http://$E2E_HOST_IP:8443/ | grep -q 'Hello from inside a Nitro Enclave'"
kill -TERM "$(encl_pid)"
check_eq "the example image stops on SIGTERM with the app's status (143)" 143 "$(status image)"

boot crash -- sleep 30
e2e_wait_log "$E2E_TMP/crash.log" "network ready: starting" 15
kill -SEGV "$(encl_pid)"
# 139: killed by SIGSEGV; 134 in sanitizer builds, whose handler reports
# the fault and aborts
st=$(status crash)
check "remora-enclave killed by SIGSEGV: the init sees it die of the signal ($st)" \
	sh -c "[ '$st' = 139 ] || [ '$st' = 134 ]"
check "the crash is logged loudly" grep -q "remora-enclave: FATAL: crashed with signal 11 (pid 2); the enclave has no network" "$E2E_TMP/crash.log"
sleep 0.5
check "the application does not outlive remora-enclave" sh -c "! pgrep -f '^sleep 30$' >/dev/null"
e2e_done
