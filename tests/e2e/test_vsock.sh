#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The vsock link, through a TEST DOUBLE: this machine has no vsock
# transport, so both daemons run with LD_PRELOAD=libremora_vsockshim.so
# (tests/vsock/vsockshim.c), whose AF_VSOCK sockets are unix sockets
# underneath, each process with a CID of the test's choosing. remora's own
# vsock code runs as in production: remora-host listens on vsock:any:5000
# with --enclave-cid 16, remora-enclave connects to vsock:3:5000 from a
# privileged port, and the host takes the CID and port from struct
# sockaddr_vm.
#  - the enclave of CID 16 gets the link; TCP both ways, whole (sha256),
#    and ping cross it;
#  - an enclave of CID 17 is refused, said and counted (link_refused), and
#    never gets the link, while CID 16's is up;
#  - a process of CID 16 connecting from an unprivileged port (socat, an
#    ephemeral port as the kernel gives) is refused as such
#    (link_refused_unprivileged);
#  - after both, the enclave of CID 16 still has its link, and the host
#    says which peer it is.
# What the double does not prove (the kernel's vsock transport, the
# reserved-port rule): tests/vsock/vsockshim.c and docs/architecture.md.
. "$(dirname "$0")/lib.sh"
e2e_require curl socat sha256sum ping
SHIM=$E2E_BUILD/tests/libremora_vsockshim.so
[ -f "$SHIM" ] || e2e_skip "the vsock test double is not built ($SHIM)"
e2e_topology
VS=$E2E_TMP/vsock
mkdir -p "$VS"
# the daemons of a sanitizer build take the double first in their library
# list, which ASan checks by default
vsenv() { # CID
	echo env LD_PRELOAD="$SHIM" REMORA_VSOCK_SHIM_DIR="$VS" REMORA_VSOCK_SHIM_CID="$1" \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
}
v() { awk -v k="$2" '$1 == k {print $2}' <<<"$1"; }

# shellcheck disable=SC2046 # vsenv prints words
e2e_bg remora-host host $(vsenv 3) "$E2E_BUILD/remora-host" --address "$E2E_HOST_IP" \
	--listen vsock:any:5000 --enclave-cid 16 --control "$E2E_TMP/remora-host.ctl" --inject "$E2E_INJECT"
e2e_wait_log "$E2E_TMP/remora-host.log" "listening on vsock:any:5000" 10 || { e2e_log "remora-host did not listen"; exit 1; }
check "remora-host listens on vsock:any:5000 (the double's name for it exists)" test -S "$VS/l5000"
start_enclave() { # NAME CID ARGS...
	local name=$1 cid=$2
	shift 2
	# shellcheck disable=SC2046
	e2e_bg "$name" encl $(vsenv "$cid") "$E2E_BUILD/remora-enclave" --address "$E2E_HOST_IP" \
		--link vsock:3:5000 --control "$E2E_TMP/$name.ctl" \
		--mtu "${E2E_ENCLAVE_MTU:-$E2E_MTU}" --reconnect-max 0.5 "$@"
}
start_enclave remora-enclave 16 --capture "$E2E_CAPTURE"
e2e_wait_log "$E2E_TMP/remora-enclave.log" "link up" 10 &&
	e2e_wait_log "$E2E_TMP/remora-host.log" "link up" 10 || { e2e_log "the link did not come up"; exit 1; }
e2e_check_seccomp remora-host
e2e_check_seccomp remora-enclave
check "remora-enclave connected from a privileged port: the double named its socket c16p1023" test -S "$VS/c16p1023"

# traffic both ways
head -c 2000000 /dev/urandom >"$E2E_TMP/blob"
want=$(sha256sum <"$E2E_TMP/blob" | cut -d' ' -f1)
e2e_http_file out 8080 "$E2E_TMP/blob"
check_eq "the enclave (CID 16) fetches 2 MB from the internet, whole" "$want" \
	"$(in_encl curl -s --max-time 20 "http://$E2E_NET_IP:8080/" | sha256sum | cut -d' ' -f1)"
e2e_http_script in "$E2E_TMP/blob"
e2e_bg svc encl socat -T 20 TCP-LISTEN:8443,bind=$E2E_HOST_IP,reuseaddr,fork EXEC:"$E2E_TMP/in.sh"
e2e_wait_listen in_encl tcp 8443 || exit 1
check_eq "the internet fetches 2 MB from the enclave, whole" "$want" \
	"$(in_net curl -s --max-time 20 "http://$E2E_HOST_IP:8443/" | sha256sum | cut -d' ' -f1)"
check "the enclave pings the internet" in_encl ping -n -c 2 -W 2 "$E2E_NET_IP"

# an enclave of another CID
h0=$(e2e_stats remora-host)
# (queues of its own, which no rule names: it only has to connect)
start_enclave other 17 --capture nfqueue --queue 7 --fallback-queue 8
e2e_wait_log "$E2E_TMP/remora-host.log" "refused a connection from vsock CID 17: only the enclave's CID 16 may connect" 10
check "CID 17 is refused, and the host says which CID may connect" \
	grep -q "refused a connection from vsock CID 17: only the enclave's CID 16 may connect" "$E2E_TMP/remora-host.log"
sleep 1
h1=$(e2e_stats remora-host)
check "CID 17's attempts are counted (link_refused +$(($(v "$h1" link_refused) - $(v "$h0" link_refused))))" \
	test "$(v "$h1" link_refused)" -gt "$(v "$h0" link_refused)"
check_eq "... none as unprivileged (CID 17 connects from a privileged port)" \
	"$(v "$h0" link_refused_unprivileged)" "$(v "$h1" link_refused_unprivileged)"
check_eq "CID 17 never gets the link" 0 "$(grep -c "link up" "$E2E_TMP/other.log")"
kill "$(e2e_pid other)"
wait "$(e2e_pid other)" 2>/dev/null

# a process of CID 16 that is not remora-enclave: an unprivileged port
# (after the host's refusal line's rate limit, one a second, has passed)
sleep 1.1
h0=$(e2e_stats remora-host)
# shellcheck disable=SC2046
in_encl $(vsenv 16) timeout 5 socat -u /dev/null VSOCK-CONNECT:3:5000 >/dev/null 2>&1
sleep 0.5
h1=$(e2e_stats remora-host)
check_eq "an unprivileged port of CID 16 is refused and counted (link_refused_unprivileged +1)" \
	1 "$(($(v "$h1" link_refused_unprivileged) - $(v "$h0" link_refused_unprivileged)))"
check "... and said" grep -q "refused a connection on vsock:any:5000 from source port [0-9]*: the link's peer must connect from a port below 1024" \
	"$E2E_TMP/remora-host.log"

# the real enclave's link held all along
h1=$(e2e_stats remora-host)
check_eq "remora-host's link is still up" up "$(v "$h1" link_state)"
check_eq "with remora-enclave (CID 16) as its peer" remora "$(v "$h1" link_peer)"
check_eq "remora-enclave kept its one link (no reconnection)" 1 "$(grep -c "link up" "$E2E_TMP/remora-enclave.log")"
check_eq "the internet still fetches from the enclave" "$want" \
	"$(in_net curl -s --max-time 20 "http://$E2E_HOST_IP:8443/" | sha256sum | cut -d' ' -f1)"
e2e_stop_daemons
check "the enclave's socket name went with its link (the port is free again)" test ! -e "$VS/c16p1023"
e2e_done
