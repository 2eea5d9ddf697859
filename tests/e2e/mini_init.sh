#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A minimal init for the PID 2 test, as an enclave image's init behaves:
# PID 1 starts the entry point (remora-enclave, which so becomes PID 2),
# passes SIGTERM on, waits for it and records its exit status in
# $INIT_DIR/status.
#
#   INIT_DIR=DIR mini_init.sh COMMAND [ARGS...]
"$@" &
child=$!
trap 'kill -TERM $child' TERM
while :; do
	wait "$child"
	rc=$?
	# a trapped signal interrupts wait with 128+N: wait again while the
	# child lives
	kill -0 "$child" 2>/dev/null || break
done
echo "$rc" >"$INIT_DIR/status"
exit "$rc"
