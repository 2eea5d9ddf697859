#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Outbound TCP: curl in the enclave fetches from an HTTP server on the
# internet, through both daemons; a 100 MB body arrives intact.
. "$(dirname "$0")/lib.sh"
e2e_require curl socat sha256sum
e2e_topology
e2e_daemons

size_mb=${E2E_BIG_MB:-100}
head -c "$((size_mb << 20))" /dev/urandom >"$E2E_TMP/big.bin"
want=$(sha256sum <"$E2E_TMP/big.bin" | cut -d' ' -f1)
e2e_http_file http 80 "$E2E_TMP/big.bin" || { e2e_log "HTTP server did not start"; exit 1; }

start=$(date +%s.%N)
got=$(in_encl timeout 120 curl -sS --fail "http://$E2E_NET_IP/big.bin" | sha256sum | cut -d' ' -f1)
end=$(date +%s.%N)
check_eq "enclave fetched ${size_mb} MB over HTTP with the right sha256" "$want" "$got"
e2e_log "$(awk -v s="$start" -v e="$end" -v m="$size_mb" 'BEGIN {printf "%d MB in %.2f s: %.0f Mbit/s", m, e - s, m * 8 * 1.048576 / (e - s)}')"

sent=$(e2e_stat remora-enclave q2l_sent_packets)
injected=$(e2e_stat remora-host l2i_injected_packets)
check "remora-enclave counted the packets it sent (${sent:-0})" test "${sent:-0}" -gt $((size_mb * 5))
check "remora-host counted the packets it injected (${injected:-0})" test "${injected:-0}" -gt $((size_mb * 5))
e2e_check_counters
e2e_stop_daemons
e2e_done
