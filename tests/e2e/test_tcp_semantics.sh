#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# TCP semantics end to end: half-close and reset behave through remora as
# on a direct path (measured here too, between the host and the internet).
. "$(dirname "$0")/lib.sh"
e2e_require python3
e2e_topology
e2e_daemons
probe="python3 $E2E_ROOT/tests/e2e/probe.py"

# run_pair NAME SERVER-NS SERVER-ADDR CLIENT-NS PORT MODE
run_pair() {
	local name=$1 sns=$2 saddr=$3 cns=$4 port=$5 mode=$6
	e2e_bg "$name" "$sns" timeout 40 $probe "$mode-server" "$saddr" "$port"
	e2e_wait_log "$E2E_TMP/$name.log" listening 10 || { echo "no-server"; return; }
	ip netns exec "$(e2e_ns "$cns")" timeout 30 $probe "$mode-client" "$saddr" "$port"
}

for mode in halfclose reset; do
	direct=$(run_pair "direct-$mode" net $E2E_NET_IP host 7001 $mode)
	outbound=$(run_pair "out-$mode" net $E2E_NET_IP encl 7002 $mode)
	inbound=$(run_pair "in-$mode" encl $E2E_HOST_IP net 7003 $mode)
	case $mode in
	halfclose) want="got 100000 bytes after EOF" ;;
	reset) want=reset ;;
	esac
	check_eq "$mode on the direct path" "$want" "$direct"
	check_eq "$mode, enclave as client: as direct" "$direct" "$outbound"
	check_eq "$mode, enclave as server: as direct" "$direct" "$inbound"
done
e2e_done
