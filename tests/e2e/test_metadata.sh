#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The instance's credentials stay the host's: remora-host refuses the
# enclave's packets to the instance metadata service and to the ECS and EKS
# credential endpoints (169.254.169.254, 169.254.170.2, 169.254.170.23),
# counted in l2i_drop_dst, and lets other link-local services (the VPC
# resolver 169.254.169.253) through; with --allow-metadata (an operator who
# wants the enclave to act with the instance's role) it lets them through
# too. The test's host namespace has no route to 169.254.0.0/16: what
# remora-host lets through goes nowhere and is counted in l2i_drop_inject.
. "$(dirname "$0")/lib.sh"
e2e_require socat
e2e_topology
e2e_daemons

SVC="169.254.169.254 169.254.170.2 169.254.170.23"
# send ADDR...: one UDP datagram from the enclave to port 80 of each
send() {
	local a
	for a in "$@"; do
		echo x | in_encl socat -u - UDP4-SENDTO:$a:80
	done
	sleep 0.5
}
stat() { e2e_stat remora-host "$1"; }

d0=$(stat l2i_drop_dst) i0=$(stat l2i_drop_inject)
send $SVC
d1=$(stat l2i_drop_dst) i1=$(stat l2i_drop_inject)
check_eq "metadata and credential endpoints refused by default (l2i_drop_dst)" 3 $((d1 - d0))
check_eq "none of them was sent" 0 $((i1 - i0))
send 169.254.169.253
check_eq "the VPC resolver's address is not refused" "$d1" "$(stat l2i_drop_dst)"
check_eq "it was sent (and found no route here)" 1 $(($(stat l2i_drop_inject) - i1))

# the same with --allow-metadata
pid=$(e2e_pid remora-host)
kill -TERM "$pid"
wait "$pid"
n=$(grep -c "link up" "$E2E_TMP/remora-enclave.log")
e2e_start_host --allow-metadata
e2e_wait_more "$E2E_TMP/remora-enclave.log" "link up" "$n" 10 || { e2e_log "no link"; exit 1; }
d0=$(stat l2i_drop_dst) i0=$(stat l2i_drop_inject)
send $SVC
check_eq "with --allow-metadata none is refused" 0 $(($(stat l2i_drop_dst) - d0))
check_eq "with --allow-metadata all three are sent" 3 $(($(stat l2i_drop_inject) - i0))
e2e_done
