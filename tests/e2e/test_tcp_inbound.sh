#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Inbound TCP: a client on the internet reaches a server listening in the
# enclave on the host's (shared) address; a 100 MB upload arrives intact.
. "$(dirname "$0")/lib.sh"
e2e_require socat sha256sum
e2e_topology
e2e_daemons

e2e_bg hello encl socat -T 30 TCP-LISTEN:8443,bind=$E2E_HOST_IP,reuseaddr,fork SYSTEM:'echo hello-from-enclave'
e2e_wait_listen in_encl tcp 8443 || { e2e_log "enclave server did not start"; exit 1; }
got=$(in_net timeout 20 socat -T 10 - TCP:$E2E_HOST_IP:8443 </dev/null)
check_eq "client on the internet reached the enclave's server on port 8443" "hello-from-enclave" "$got"

# port 80 is the enclave's by default too
e2e_bg web encl socat -T 30 TCP-LISTEN:80,bind=$E2E_HOST_IP,reuseaddr,fork SYSTEM:'echo enclave-web'
e2e_wait_listen in_encl tcp 80 || { e2e_log "enclave web server did not start"; exit 1; }
got=$(in_net timeout 20 socat -T 10 - TCP:$E2E_HOST_IP:80 </dev/null)
check_eq "client reached the enclave on port 80" "enclave-web" "$got"

size_mb=${E2E_BIG_MB:-100}
head -c "$((size_mb << 20))" /dev/urandom >"$E2E_TMP/big.bin"
want=$(sha256sum <"$E2E_TMP/big.bin" | cut -d' ' -f1)
e2e_bg sink encl socat -T 60 -u TCP-LISTEN:9000,bind=$E2E_HOST_IP,reuseaddr SYSTEM:"sha256sum >$E2E_TMP/upload.sum"
e2e_wait_listen in_encl tcp 9000 || { e2e_log "enclave sink did not start"; exit 1; }
start=$(date +%s.%N)
in_net timeout 120 socat -T 60 -u FILE:"$E2E_TMP/big.bin" TCP:$E2E_HOST_IP:9000
wait "$(e2e_pid sink)"
end=$(date +%s.%N)
got=$(cut -d' ' -f1 "$E2E_TMP/upload.sum" 2>/dev/null)
check_eq "${size_mb} MB uploaded to the enclave with the right sha256" "$want" "$got"
e2e_log "$(awk -v s="$start" -v e="$end" -v m="$size_mb" 'BEGIN {printf "%d MB in %.2f s: %.0f Mbit/s", m, e - s, m * 8 * 1.048576 / (e - s)}')"
check "remora-host queued the inbound bytes" test "$(e2e_stat remora-host q2l_sent_bytes)" -gt $((size_mb * 1000000))
check "remora-enclave injected them" test "$(e2e_stat remora-enclave l2i_injected_bytes)" -gt $((size_mb * 1000000))
e2e_check_counters
e2e_stop_daemons
e2e_done
