#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Fuzz what remora-enclave reads from the host, for a bounded time.
#
#   scripts/fuzz.sh [SECONDS]     (default: $FUZZ_SECONDS or 60 per target)
#
# Builds the libFuzzer targets with clang, ASan and UBSan in build-fuzz/,
# runs each from its seed corpus (tests/fuzz/corpus/TARGET) in a scratch
# copy, and prints the executions per target. A finding fails the run and
# leaves its input in build-fuzz/findings/: add it to
# tests/fuzz/regressions/TARGET/ with the fix, and fuzz_replay_TARGET keeps
# it fixed in every build.
set -u
cd "$(dirname "$0")/.."
secs=${1:-${FUZZ_SECONDS:-60}}
command -v clang >/dev/null || { echo "fuzz: clang not installed, skipped"; exit 0; }

CC=clang cmake -S . -B build-fuzz -DREMORA_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || exit 1
cmake --build build-fuzz -j2 --target fuzz_link fuzz_pkt fuzz_dns >/dev/null || exit 1
mkdir -p build-fuzz/findings
status=0
for t in link pkt dns; do
	work=$(mktemp -d /tmp/remora-fuzz.XXXXXX)
	cp tests/fuzz/corpus/$t/* "$work/"
	log=build-fuzz/fuzz_$t.log
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		build-fuzz/tests/fuzz/fuzz_$t -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len=70000 -print_final_stats=1 -artifact_prefix=build-fuzz/findings/$t- \
		"$work" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
	corpus=$(ls "$work" | wc -l)
	rm -rf "$work"
	if [ "$rc" = 0 ]; then
		echo "fuzz_$t: ${execs:-?} executions in ${secs}s, $cov, corpus $corpus inputs: no finding"
	else
		echo "fuzz_$t: FINDING (exit $rc) after ${execs:-?} executions; input in build-fuzz/findings/"
		grep -m5 -E 'ERROR|SUMMARY|abort|deadly' "$log"
		status=1
	fi
done
exit $status
