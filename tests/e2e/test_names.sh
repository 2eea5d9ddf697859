#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Egress by name (--allow-out-name, --resolver): the enclave goes out to
# the destinations its rules name, at the addresses that the one resolver
# it may use (dnsmasq on the internet here) gives for them, for their TTL
# clamped to --name-ttl-min/max. Queries leave only for the resolver, only
# plain, only for allowed names; an answer teaches only if it comes from
# the resolver for a query still waiting (same port, id, name, type); a
# flow opened while its address was admitted outlives the address; the
# tables stay bounded however many names are resolved. Every refusal is
# counted by reason (remora-enclave --stats).
. "$(dirname "$0")/lib.sh"
e2e_require curl socat dnsmasq python3 unshare mount ethtool
"$E2E_BUILD/remora-enclave" --help 2>&1 | grep -q -- --allow-out-name || {
	echo "[$E2E_NAME] FAIL - remora-enclave has no --allow-out-name (egress by name not built)"
	exit 1
}
E2E_IPV6=1
PY=$E2E_ROOT/tests/e2e
R4=$E2E_NET_IP R6=$E2E_NET_IP6 # the resolver: dnsmasq
NET2=198.18.0.3                # another machine: a DNS server not allowed, a forger
ALLOWED=198.18.0.10 ALLOWED6=2001:db8:1::10 WILD=198.18.0.11 ECHO=198.18.0.13
OTHER=198.18.0.20 TARGET=198.18.0.21 FORGED=198.18.0.30
# the enclave's fixed ports for the forged answers (the host gives the
# enclave 1024-61439; its own ephemeral ports start at 32768)
QA=20053 QB=20054 QC=20055 QD=20056
e2e_topology
for a in $NET2 $ALLOWED $WILD $ECHO $OTHER $TARGET $FORGED; do
	in_net ip addr add "$a/24" dev eth0
done
in_net ip -6 addr add "$ALLOWED6/64" dev eth0 nodad

e2e_bg dnsmasq net dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
	--bind-interfaces --listen-address="$R4,$R6" --port=53 --user=root \
	--pid-file="$E2E_TMP/dnsmasq.pid" --log-facility=- --local-ttl=30 \
	--host-record="allowed.test,$ALLOWED,$ALLOWED6" --host-record="a.wild.test,$WILD" \
	--host-record="echo.wild.test,$ECHO" --host-record="other.test,$OTHER" \
	--host-record="target.other.test,$TARGET" --host-record="forged.wild.test,$FORGED" \
	--cname=alias.wild.test,target.other.test --synth-domain=many.test,198.18.64.0/18 \
	$(for i in $(seq 100); do printf -- '--host-record=big.wild.test,198.18.2.%s ' "$i"; done)
e2e_wait_listen in_net udp 53 && e2e_wait_listen in_net tcp 53 || { e2e_log "dnsmasq did not start"; exit 1; }

# the web servers: one for the allowed names, one for the others, each
# page saying whose it is; a TCP echo server for the long-lived flow
for w in allowed:$ALLOWED wild:$WILD other:$OTHER target:$TARGET forged:$FORGED; do
	echo "page of ${w%%:*}" >"$E2E_TMP/${w%%:*}.html"
	e2e_http_script "web-${w%%:*}" "$E2E_TMP/${w%%:*}.html"
	e2e_bg "web-${w%%:*}" net socat -T 10 "TCP-LISTEN:80,bind=${w#*:},reuseaddr,fork" EXEC:"$E2E_TMP/web-${w%%:*}.sh"
done
echo "page of allowed over IPv6" >"$E2E_TMP/allowed6.html"
e2e_http_script web-allowed6 "$E2E_TMP/allowed6.html"
e2e_bg web-allowed6 net socat -T 10 "TCP6-LISTEN:80,bind=[$ALLOWED6],reuseaddr,fork" EXEC:"$E2E_TMP/web-allowed6.sh"
e2e_bg echo-server net python3 "$E2E_ROOT/bench/echo_server.py" "$ECHO" 80
for _ in $(seq 100); do
	[ "$(in_net ss -H -ltn 'sport = :80' | wc -l)" -ge 7 ] && break
	sleep 0.1
done
[ "$(in_net ss -H -ltn 'sport = :80' | wc -l)" -ge 7 ] || { e2e_log "the web servers did not start"; exit 1; }

# start_enclave FLAGS...: remora-enclave with FLAGS, up to its link (the
# flags are an array: '*.wild.test' must reach it unexpanded, which
# E2E_ENCLAVE_ARGS, split unquoted, does not promise)
start_enclave() {
	e2e_start_enclave "$@"
	e2e_wait_log "$E2E_TMP/remora-enclave.log" "link up" 10 || { e2e_log "remora-enclave's link did not come up"; exit 1; }
	e2e_check_seccomp remora-enclave
}
e2e_start_host
e2e_wait_log "$E2E_TMP/remora-host.log" "listening on" 10 || { e2e_log "remora-host did not start"; exit 1; }
start_enclave --resolver "$R4,$R6" --allow-out-name allowed.test:80 --allow-out-name '*.wild.test:80' \
	--name-ttl-min 1 --name-ttl-max 3 --name-timeout 2
e2e_wait_log "$E2E_TMP/remora-host.log" "link up" 10 || { e2e_log "remora-host's link did not come up"; exit 1; }
e2e_check_seccomp remora-host

# the enclave's programs resolve through their own /etc/resolv.conf, bind-
# mounted in a mount namespace of their own (/etc is not touched)
RC4=$E2E_TMP/resolv.conf RC6=$E2E_TMP/resolv6.conf
printf 'nameserver %s\noptions timeout:1 attempts:2\n' "$R4" >"$RC4"
printf 'nameserver %s\noptions timeout:1 attempts:2\n' "$R6" >"$RC6"
# encl_rc CONF CMD...: CMD in the enclave, CONF its /etc/resolv.conf
encl_rc() {
	local conf=$1
	shift
	in_encl unshare -m sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' "$conf" "$@"
}
get4() { encl_rc "$RC4" curl -4 -sS --noproxy '*' --max-time 6 --connect-timeout 2 "$@" 2>/dev/null; }
dns() { in_encl python3 "$PY/dns_tool.py" "$@"; }
forge() { in_net python3 "$PY/dns_tool.py" forge "$@" >/dev/null; }

st() { e2e_stats remora-enclave; }
v() { awk -v k="$2" '$1 == k {print $2}' <<<"$1"; }
# line REPORT KEY: a line's whole value (names_admitted has several words)
line() { awk -v k="$2" '$1 == k {$1 = ""; sub(/^ /, ""); print}' <<<"$1"; }
# d BEFORE AFTER COUNTER: how much COUNTER moved ('?' if a report lacks it)
d() {
	local a b
	a=$(v "$1" "$3") b=$(v "$2" "$3")
	if [ -n "$a" ] && [ -n "$b" ]; then echo $((b - a)); else echo '?'; fi
}
gt0() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -gt 0 ]; }
# waiting_query N LOG PORT ID WAIT: from the enclave's PORT, a query for
# forged.wild.test with ID, its reply awaited WAIT s (dns_tool.py
# wait-query, logged in LOG.log); checks that it waits, and leaves the
# report in $snap
waiting_query() {
	e2e_bg "$2" encl python3 "$PY/dns_tool.py" wait-query "$R4" forged.wild.test "$3" "$4" "$5"
	e2e_wait_log "$E2E_TMP/$2.log" sent 5
	sleep 0.3
	snap=$(st)
	check "$1 the query for forged.wild.test left and waits (name_queries_waiting $(v "$snap" name_queries_waiting))" \
		gt0 "$(v "$snap" name_queries_waiting)"
}
# taught_nothing N BEFORE AFTER: between the reports, no answer was read
# and nothing learnt, and $FORGED stays refused
taught_nothing() {
	check_eq "$1 it taught nothing (name_answers, name_addresses_learnt unchanged)" "0 0" \
		"$(d "$2" "$3" name_answers) $(d "$2" "$3" name_addresses_learnt)"
	check_eq "$1 $FORGED:80 stays refused by IP" timeout "$(dns connect $FORGED 80 2)"
}
# moved N BEFORE AFTER COUNTER...: a check each that COUNTER moved
moved() {
	local n=$1 a=$2 b=$3 c
	shift 3
	for c in "$@"; do
		check "$n $c moved (+$(d "$a" "$b" "$c"))" gt0 "$(d "$a" "$b" "$c")"
	done
}

s0=$(st)
check_eq "0. --stats shows the 2 name rules (policy_name_rules)" 2 "$(v "$s0" policy_name_rules)"

# 1. allowed names, exact and wildcard
check_eq "1. curl by an allowed exact name (allowed.test) fetches its page" "page of allowed" "$(get4 http://allowed.test/)"
check_eq "1. curl by a name a wildcard allows (a.wild.test) fetches its page" "page of wild" "$(get4 http://a.wild.test/)"
s1=$(st)
moved 1. "$s0" "$s1" name_queries_sent name_answers name_addresses_learnt
adm=$(line "$s1" names_admitted)
check "1. names_admitted shows allowed.test ($adm)" grep -qE '(^| )allowed\.test=[1-9]' <<<"$adm"
check "1. names_admitted shows a.wild.test" grep -qE '(^| )a\.wild\.test=[1-9]' <<<"$adm"

# 2. a CNAME: alias.wild.test -> target.other.test (a name no rule allows)
check_eq "2. before: target.other.test's address ($TARGET) is refused by IP" "" "$(get4 "http://$TARGET/")"
check_eq "2. curl by alias.wild.test (CNAME to target.other.test) fetches target's page" "page of target" \
	"$(get4 http://alias.wild.test/)"
adm=$(line "$(st)" names_admitted)
check "2. target's address is admitted for alias.wild.test ($adm)" grep -qE '(^| )alias\.wild\.test=[1-9]' <<<"$adm"
check_eq "2. a query for target.other.test itself is refused" timeout "$(dns query "$R4" target.other.test --timeout 1)"

# 3. IPv6: AAAA asked over IPv6 (the resolver's IPv6 address)
s2=$(st)
check_eq "3. curl -6 by allowed.test (AAAA, resolver over IPv6) fetches its IPv6 page" "page of allowed over IPv6" \
	"$(encl_rc "$RC6" curl -6 -sS --noproxy '*' --max-time 6 --connect-timeout 2 http://allowed.test/ 2>/dev/null)"
s3=$(st)
moved 3. "$s2" "$s3" name_queries_sent name_answers name_addresses_learnt

# 4. a name no rule allows, and its address by IP
# (glibc gives up after 2 tries of 1 s: a longer --connect-timeout, which
# counts the name's resolution too)
get4 --connect-timeout 5 -o /dev/null http://other.test/
rc=$?
check_eq "4. other.test (no rule): curl cannot resolve it (exit 6)" 6 "$rc"
s4=$(st)
moved 4. "$s3" "$s4" policy_refused_dns_name
out=$(get4 "http://$OTHER/")
rc=$?
check_eq "4. other.test's address by IP ($OTHER:80) is refused: the connection times out (curl exit 28, no page)" \
	"28:" "$rc:$out"
s5=$(st)
moved 4. "$s4" "$s5" policy_refused_unlisted

# 5. DNS to another server than the resolver
: >"$E2E_TMP/dns2.got"
e2e_bg dns2-udp net socat -u UDP4-RECV:53,bind=$NET2 OPEN:"$E2E_TMP/dns2.got",append
e2e_bg dns2-tcp net socat -u TCP-LISTEN:53,bind=$NET2,reuseaddr,fork OPEN:"$E2E_TMP/dns2.got",append
for _ in $(seq 50); do
	[ "$(in_net ss -H -lntu "src $NET2:53" | wc -l)" -ge 2 ] && break
	sleep 0.1
done
check_eq "5. a UDP query to another server ($NET2:53) is refused" timeout "$(dns query $NET2 allowed.test --timeout 1)"
check_eq "5. a TCP query to another server ($NET2:53) is refused" timeout "$(dns query $NET2 allowed.test --tcp --timeout 1)"
check_eq "5. a UDP query to another IPv6 server ([$ALLOWED6]:53) is refused" timeout "$(dns query $ALLOWED6 allowed.test --timeout 1)"
check_eq "5. nothing reached $NET2:53" 0 "$(stat -c %s "$E2E_TMP/dns2.got")"
s6=$(st)
n=$(d "$s5" "$s6" policy_refused_dns_server)
check "5. policy_refused_dns_server moved by 3 or more (+$n)" test "${n/\?/0}" -ge 3

# 6. queries carrying more than their question
check_eq "6. a query with an additional TXT record is refused" timeout "$(dns query "$R4" allowed.test --extra txt --timeout 1)"
check_eq "6. a query with two questions is refused" timeout "$(dns query "$R4" allowed.test --extra two --timeout 1)"
check_eq "6. a query whose EDNS OPT holds an NSID option is refused" timeout "$(dns query "$R4" allowed.test --extra nsid --timeout 1)"
s7=$(st)
n=$(d "$s6" "$s7" policy_refused_dns_form)
check "6. policy_refused_dns_form moved by 3 or more (+$n)" test "${n/\?/0}" -ge 3
check_eq "6. a query whose EDNS OPT holds only an 8-byte client cookie passes, answered" "$ALLOWED" \
	"$(dns query "$R4" allowed.test --extra cookie)"

# 7. DNS over TCP
s7=$(st)
check_eq "7. a TCP query for allowed.test to the resolver is answered" "$ALLOWED" "$(dns query "$R4" allowed.test --tcp)"
s8=$(st)
moved 7. "$s7" "$s8" name_answers name_addresses_learnt
check_eq "7. a TCP query for other.test to the resolver is refused" timeout "$(dns query "$R4" other.test --tcp --timeout 2)"
s9=$(st)
moved 7. "$s8" "$s9" policy_refused_dns_name
check_eq "7. three TCP queries one after the other on one connection are each answered" \
	"$ALLOWED $ALLOWED $ALLOWED" "$(dns query "$R4" allowed.test --tcp --count 3)"
# urgent data takes its byte out of the stream the resolver reads: a
# query so sent would shift the resolver's framing onto bytes no check read
check_eq "7. a TCP query sent as urgent data (MSG_OOB) is refused" timeout \
	"$(dns query "$R4" allowed.test --tcp --oob --timeout 2)"
s9b=$(st)
moved 7. "$s9" "$s9b" policy_refused_dns_form
# an answer longer than a segment (100 A records, 1,630 bytes: two
# segments at this MTU) is reassembled before it is read; the resolver's
# side cuts its segments itself for this (no TSO or GSO on its link, no
# GRO on the host's), so that they reach the enclave apart
in_net ethtool -K eth0 tso off gso off >/dev/null
in_host ethtool -K eth0 gro off >/dev/null
out=$(dns query "$R4" big.wild.test --tcp)
in_net ethtool -K eth0 tso on gso on >/dev/null
in_host ethtool -K eth0 gro on >/dev/null
check_eq "7. a TCP answer of 100 addresses arrives whole" 100 "$(wc -w <<<"$out")"
s9c=$(st)
check_eq "7. it was read, once, and whole (name_answers +1, name_answers_malformed +0, name_tcp_answers_lost +0)" \
	"1 0 0" "$(d "$s9b" "$s9c" name_answers) $(d "$s9b" "$s9c" name_answers_malformed) $(d "$s9b" "$s9c" name_tcp_answers_lost)"
check "7. its first 32 addresses are admitted ($(line "$s9c" names_admitted))" \
	grep -qE '(^| )big\.wild\.test=32( |$)' <<<"$(line "$s9c" names_admitted)"

# 8. TTL expiry: an established flow outlives its address, new ones do not
e2e_bg echo-client encl python3 "$PY/dns_tool.py" echo-client "$R4" echo.wild.test 80 0.5 8
e2e_wait_log "$E2E_TMP/echo-client.log" "connected $ECHO" 5
sa=$(st)
check "8. echo.wild.test resolved, its flow to $ECHO:80 opened (names_admitted: $(line "$sa" names_admitted))" \
	grep -qE '(^| )echo\.wild\.test=[1-9]' <<<"$(line "$sa" names_admitted)"
sleep 4
sb=$(st)
check "8. after its TTL (--name-ttl-max 3) echo.wild.test is no longer admitted ($(line "$sb" names_admitted))" \
	test -z "$(grep -E '(^| )echo\.wild\.test=' <<<"$(line "$sb" names_admitted)")"
check "8. name_addresses_live dropped ($(v "$sa" name_addresses_live) -> $(v "$sb" name_addresses_live))" \
	test "$(v "$sb" name_addresses_live)" -lt "$(v "$sa" name_addresses_live)"
check_eq "8. a new connection to $ECHO:80 by IP is refused (times out in 2 s)" timeout "$(dns connect $ECHO 80 2)"
sc=$(st)
moved 8. "$sb" "$sc" policy_refused_unlisted
e2e_wait_log "$E2E_TMP/echo-client.log" echoed 10
echoed=$(grep echoed "$E2E_TMP/echo-client.log")
read -r _ got _ sent <<<"$echoed"
check "8. the flow opened while it was admitted got every echo to its end ($echoed)" \
	test "${got:-0}" = "${sent:-x}" -a "${sent:-0}" -ge 12
sd=$(st)
moved 8. "$sb" "$sd" name_flow_passed

# 9. answers that must teach nothing: forged.wild.test is allowed, its
# address ($FORGED, where a server listens) reached only if admitted.
# The resolver's real answers to the enclave's ports $QA-$QC are dropped
# (in the internet namespace); the forger's packets are marked to pass.
in_net iptables -A OUTPUT -p udp -s "$R4" --sport 53 --dport $QA:$QC -m mark ! --mark 0x77 -j DROP
# (a) an answer from another address than the resolver's: not read as an
# answer at all (only the resolver's port 53 is), so it is not counted
# either; what shows it taught nothing: no answer read, nothing learnt, and
# the query it imitates still waits
waiting_query 9a. query-a $QA 0x1234 6
s10=$snap
forge $NET2 "$E2E_HOST_IP" $QA 0x1234 forged.wild.test $FORGED
check "9a. the answer forged from $NET2:53 (right port, id and name) reached the enclave's socket" \
	e2e_wait_log "$E2E_TMP/query-a.log" "got $NET2:53 id=4660 $FORGED" 3
s11=$(st)
check "9a. it did not take the query's place: it still waits" gt0 "$(v "$s11" name_queries_waiting)"
taught_nothing 9a. "$s10" "$s11"
# (b) from the resolver's address, to a port no query came from
e2e_bg listen-b encl python3 "$PY/dns_tool.py" listen $QB 5
e2e_wait_log "$E2E_TMP/listen-b.log" ready 5
s12=$(st)
forge "$R4" "$E2E_HOST_IP" $QB 0x4321 forged.wild.test $FORGED
check "9b. an answer from the resolver's address to a port that sent no query reached the enclave" \
	e2e_wait_log "$E2E_TMP/listen-b.log" "got $R4:53 id=17185 $FORGED" 3
s13=$(st)
moved 9b. "$s12" "$s13" name_answers_ignored
taught_nothing 9b. "$s12" "$s13"
# (c) the right answer (resolver, port, id, name), after --name-timeout
waiting_query 9c. query-c $QC 0x5555 8
s14=$snap
sleep 2.7 # --name-timeout 2, and 1 s more
forge "$R4" "$E2E_HOST_IP" $QC 0x5555 forged.wild.test $FORGED
check "9c. its answer, 3 s late, reached the enclave" e2e_wait_log "$E2E_TMP/query-c.log" "got $R4:53 id=21845 $FORGED" 3
s15=$(st)
moved 9c. "$s14" "$s15" name_queries_expired name_answers_ignored
check_eq "9c. no query waits any more" 0 "$(v "$s15" name_queries_waiting)"
taught_nothing 9c. "$s14" "$s15"
# (d) the control: the resolver's real answer does admit it
check_eq "9d. control: the resolver's own answer for forged.wild.test (not dropped) arrives" "$FORGED" \
	"$(dns query "$R4" forged.wild.test --sport $QD)"
check_eq "9d. control: and then $FORGED:80 is reached" connected "$(dns connect $FORGED 80 2)"
in_net iptables -D OUTPUT -p udp -s "$R4" --sport 53 --dport $QA:$QC -m mark ! --mark 0x77 -j DROP

# 11. every refusal counted by its reason
s16=$(st)
sum=0
for r in unreadable deny_rule unlisted dns_server dns_name dns_form; do
	check "11. --stats has policy_refused_$r ($(v "$s16" policy_refused_$r))" test -n "$(v "$s16" policy_refused_$r)"
	n=$(d "$s0" "$s16" policy_refused_$r)
	[ "$n" = '?' ] || sum=$((sum + n))
done
check_eq "11. q2l_drop_policy moved by the sum of the policy_refused_* ($sum)" "$sum" \
	"$(d "$s0" "$s16" q2l_drop_policy)"

# 10. memory stays bounded: a 64-address table, 2000 names
pid=$(e2e_pid remora-enclave)
kill -TERM "$pid"
wait "$pid"
check_eq "10. remora-enclave exits 0 on SIGTERM (to restart with --name-table 64)" 0 "$?"
mv "$E2E_TMP/remora-enclave.log" "$E2E_TMP/remora-enclave.1.log"
start_enclave --resolver "$R4,$R6" --allow-out-name '*.many.test' --name-table 64 \
	--name-ttl-min 30 --name-ttl-max 30
pid=$(e2e_pid remora-enclave)
t0=$(st)
out=$(dns many "$R4" 0 100 5)
check_eq "10. the first 100 names of many.test answered ($out)" "answered 100 of 100" "${out% in *}"
rss1=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
out=$(dns many "$R4" 100 1900 15)
rss2=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
t1=$(st)
check_eq "10. 1900 names more answered, 2000 in all ($out)" "answered 1900 of 1900" "${out% in *}"
n=$(d "$t0" "$t1" name_addresses_learnt)
check "10. name_addresses_learnt moved by 2000 or more (+$n)" test "${n/\?/0}" -ge 2000
check "10. name_addresses_live stays within the table ($(v "$t1" name_addresses_live) <= 64)" \
	test "$(v "$t1" name_addresses_live)" -le 64
check "10. name_addresses_evicted > 0 ($(v "$t1" name_addresses_evicted))" gt0 "$(v "$t1" name_addresses_evicted)"
check "10. remora-enclave's RSS grew by less than 2 MB from 100 names to 2000 (${rss1:-?} -> ${rss2:-?} kB)" \
	test $((${rss2:-99999} - ${rss1:-0})) -lt 2048
adm=$(line "$t1" names_admitted)
check "10. names_admitted stays bounded: whole name=N entries, then +K more (${#adm} bytes: ${adm:0:52}...${adm: -24})" \
	grep -qE '^([a-z0-9._-]+=[0-9]+ )*\+[0-9]+ more$' <<<"$adm"
e2e_stop_daemons
e2e_log "took $SECONDS s"
e2e_done
