#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The host keeps its own: while remora runs, its SSH port and the ports the
# operator lists answer from the host, not the enclave (which listens on
# them too), and the host's own outbound connections still work. The
# enclave can reach neither the host's ports nor its other addresses, nor
# attach itself to the host's sessions with forged ICMP errors (quoting
# them whole, or as a later fragment that conntrack cannot relate).
. "$(dirname "$0")/lib.sh"
e2e_require socat curl python3 tcpdump
E2E_HOST_RULES_ARGS="--host-ports 22,9100-9102"
E2E_HOST_ARGS="--host-ports 22,9100-9102"
e2e_topology
e2e_daemons

for port in 22 9100; do
	e2e_bg "host-$port" host socat -T 30 TCP-LISTEN:$port,bind=$E2E_HOST_IP,reuseaddr,fork SYSTEM:"echo host-$port"
	e2e_bg "encl-$port" encl socat -T 30 TCP-LISTEN:$port,bind=$E2E_HOST_IP,reuseaddr,fork SYSTEM:"echo enclave-$port"
	e2e_wait_listen in_host tcp $port && e2e_wait_listen in_encl tcp $port ||
		{ e2e_log "servers on port $port did not start"; exit 1; }
	got=$(in_net timeout 20 socat -T 10 - TCP:$E2E_HOST_IP:$port </dev/null)
	check_eq "port $port answers from the host, not the enclave" "host-$port" "$got"
done

# the enclave owns 8080: same setup, the enclave answers
e2e_bg host-8080 host socat -T 30 TCP-LISTEN:8080,bind=$E2E_HOST_IP,reuseaddr,fork SYSTEM:"echo host-8080"
e2e_bg encl-8080 encl socat -T 30 TCP-LISTEN:8080,bind=$E2E_HOST_IP,reuseaddr,fork SYSTEM:"echo enclave-8080"
e2e_wait_listen in_host tcp 8080 && e2e_wait_listen in_encl tcp 8080 || exit 1
got=$(in_net timeout 20 socat -T 10 - TCP:$E2E_HOST_IP:8080 </dev/null)
check_eq "port 8080 (the enclave's) answers from the enclave" "enclave-8080" "$got"

# the host's own outbound connection, from its own ephemeral range
echo host-fetch-ok >"$E2E_TMP/fetch.txt"
e2e_http_file web 80 "$E2E_TMP/fetch.txt" || exit 1
got=$(in_host timeout 20 curl -sS --max-time 10 "http://$E2E_NET_IP/")
check_eq "the host's own outbound HTTP request works" "host-fetch-ok" "$got"
# even from a source port inside the enclave's (a masqueraded container, a
# program binding its port): replies of the host's established flows stay
# the host's
got=$(in_host timeout 20 curl -sS --max-time 10 --local-port 40000 "http://$E2E_NET_IP/")
check_eq "the host's own request from port 40000 (an enclave port) works" "host-fetch-ok" "$got"
got=$(in_host timeout 20 ping -n -c 2 -i 0.2 -W 3 $E2E_NET_IP | sed -n 's/.* \([0-9]*\) received.*/\1/p')
check_eq "the host's own ping works" "2" "$got"

# the enclave may not impersonate the host's ports: a packet with source
# port 9101 (a host port) from the enclave is refused by remora-host
before=$(e2e_stat remora-host l2i_drop_port)
in_encl timeout 3 socat -T 2 - TCP:$E2E_NET_IP:80,sourceport=9101 </dev/null >/dev/null 2>&1
after=$(e2e_stat remora-host l2i_drop_port)
check "remora-host refused an enclave packet from the host's port 9101 (l2i_drop_port $before -> $after)" \
	test "${after:-0}" -gt "${before:-0}"
# nor reach the host's own services on its other addresses: a datagram
# from the enclave to a UDP service on another host address never arrives
e2e_check_host_other
# nor attach itself to a flow of the host's own (port 9102 is a host port):
# an ICMP error quoting the host's session would make conntrack mark that
# session as the enclave's, and its next packets would be taken from the host
e2e_bg ssh-sink host socat -u TCP-LISTEN:9102,bind=$E2E_HOST_IP,reuseaddr OPEN:"$E2E_TMP/ssh.got",creat,append
e2e_wait_listen in_host tcp 9102 || exit 1
mkfifo "$E2E_TMP/ssh.in"
e2e_bg ssh-client net sh -c "exec socat -u - TCP:$E2E_HOST_IP:9102,sourceport=40000 <'$E2E_TMP/ssh.in'"
exec 8>"$E2E_TMP/ssh.in"
echo before-icmp >&8
e2e_wait_log "$E2E_TMP/ssh.got" before-icmp 10
check "the host's session on port 9102 carries data" grep -q before-icmp "$E2E_TMP/ssh.got"
ICMPERR="python3 $E2E_ROOT/tests/e2e/icmp_error.py"
before=$(e2e_stat remora-host l2i_drop_quote_port)
in_encl $ICMPERR $E2E_HOST_IP $E2E_NET_IP $E2E_NET_IP 40000 $E2E_HOST_IP 9102
sleep 0.5
echo after-icmp >&8
check "after the enclave's forged ICMP error, the host's session still reaches the host" \
	e2e_wait_log "$E2E_TMP/ssh.got" after-icmp 10
check_eq "remora-host refused the error about the host's port 9102 (l2i_drop_quote_port)" \
	1 $(($(e2e_stat remora-host l2i_drop_quote_port) - before))
# the same session quoted as a later fragment, which conntrack cannot
# relate to it (INVALID, not RELATED): refused for what it quotes
before=$(e2e_stat remora-host l2i_drop_quote)
in_encl $ICMPERR --quote-frag 185 $E2E_HOST_IP $E2E_NET_IP $E2E_NET_IP 40000 $E2E_HOST_IP 9102
in_encl $ICMPERR --quote-frag 185 $E2E_HOST_IP $E2E_NET_IP $E2E_NET_IP 7000 $E2E_HOST_IP 40001
sleep 0.5
check_eq "remora-host refused both errors quoting a later fragment (l2i_drop_quote)" \
	2 $(($(e2e_stat remora-host l2i_drop_quote) - before))
check "remora-host said so in its log" grep -q "refused a packet from the peer: quote" "$E2E_TMP/remora-host.log"
echo after-fragment >&8
check "the host's session still reaches the host" e2e_wait_log "$E2E_TMP/ssh.got" after-fragment 10
exec 8>&-

# a session of the host's own from an enclave port (40001): an error
# quoting it passes remora-host's check (an enclave port, the shared
# address) and is stopped by the rules' guard, as RELATED to a connection
# that is not the enclave's
mkfifo "$E2E_TMP/srv.in"
e2e_bg srv net sh -c "exec socat -u - TCP-LISTEN:7000,bind=$E2E_NET_IP,reuseaddr <'$E2E_TMP/srv.in'"
exec 9>"$E2E_TMP/srv.in"
e2e_wait_listen in_net tcp 7000 || exit 1
e2e_bg own-client host socat -u TCP:$E2E_NET_IP:7000,sourceport=40001 OPEN:"$E2E_TMP/own.got",creat,append
echo before-own >&9
e2e_wait_log "$E2E_TMP/own.got" before-own 10
check "the host's own session from port 40001 carries data" grep -q before-own "$E2E_TMP/own.got"
before=$(e2e_stat remora-host l2i_drop_inject)
in_encl $ICMPERR $E2E_HOST_IP $E2E_NET_IP $E2E_NET_IP 7000 $E2E_HOST_IP 40001
sleep 0.5
check_eq "the rules refused the error about the host's session on an enclave port (l2i_drop_inject)" \
	1 $(($(e2e_stat remora-host l2i_drop_inject) - before))
echo after-own >&9
check "the host's session from port 40001 still gets its data" e2e_wait_log "$E2E_TMP/own.got" after-own 10
exec 9>&-

# the rules alone, as if remora-host had let an error quoting a later
# fragment through: sent marked from the host, it never leaves; the same
# error quoting a whole packet does (what it is about has no connection:
# INVALID too, which the rules let pass, as the enclave's answers to new
# inbound flows are)
e2e_bg cap net tcpdump -n -i eth0 -l -U icmp
sleep 1
in_host $ICMPERR --mark 0x52 --quote-frag 185 $E2E_HOST_IP $E2E_NET_IP $E2E_NET_IP 7000 $E2E_HOST_IP 40005 udp
in_host $ICMPERR --mark 0x52 $E2E_HOST_IP $E2E_NET_IP $E2E_NET_IP 7001 $E2E_HOST_IP 40006 udp
sleep 1
kill "$(e2e_pid cap)"
sleep 0.3
check_eq "a marked ICMP error quoting a later fragment does not leave the host" \
	0 "$(grep -c "40005" "$E2E_TMP/cap.log")"
check_eq "a marked ICMP error quoting a whole packet leaves the host" \
	1 "$(grep -c "40006" "$E2E_TMP/cap.log")"
e2e_done
