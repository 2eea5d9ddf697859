#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# remora's whole test suite: build (plain and ASan+UBSan; three more build
# types and compilers, built only), the Debian packages, format and static
# checks, unit, end-to-end and package tests (ctest) on both builds, then a
# bounded fuzzing run of what remora-enclave reads from the host.
# End-to-end tests need root; without it they report themselves skipped.
set -u
cd "$(dirname "$0")/.."
status=0
step() { printf '\n=== %s\n' "$*"; }

# The tests' namespaces are named rmr<PID of the test>-...; one whose test
# is no longer running was left by a run that was killed (its teardown never
# ran): removed here, said, and not counted against this run. Those of a
# test still running (another run) are left alone.
rmr_netns() { ip netns list 2>/dev/null | sed -n 's/^\(rmr[0-9]*-[a-z]*\).*/\1/p'; }
# rmr_owner_alive NS: is the test that made NS still running?
rmr_owner_alive() {
	local pid=${1#rmr}
	pid=${pid%%-*}
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}
for ns in $(rmr_netns); do
	rmr_owner_alive "$ns" && continue
	echo "test.sh: removing $ns, left by an earlier run that was killed"
	ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns del "$ns" 2>/dev/null
done
before=$(rmr_netns)
# the tests' temporary directories (/tmp/remora-*), to find what a run
# leaves behind; one some process still has open belongs to a run that is
# still going (another one), not to this one
tmp_dirs() { find /tmp -maxdepth 1 -name 'remora-*' -type d 2>/dev/null | sort; }
tmp_in_use() { ls -l /proc/[0-9]*/cwd /proc/[0-9]*/fd 2>/dev/null | grep -q -- "-> $1/"; }
tmp_before=$(tmp_dirs)

step "build: build/ and build-asan/"
scripts/build.sh --asan || exit 1

# Build only, no tests run: gcc's warnings depend on the optimisation
# level (-O3 in Release, -Os in MinSizeRel find what -O2 and -O0 do not),
# and clang builds everything only here (the fuzzing build takes two
# targets). Each takes seconds.
step "build types: gcc Release, gcc MinSizeRel, clang Release (build only)"
for combo in gcc:Release gcc:MinSizeRel clang:Release; do
	cc=${combo%%:*}
	type=${combo#*:}
	dir=build-$cc-${type,,}
	if ! command -v "$cc" >/dev/null; then
		echo "$dir: $cc not installed, skipped"
		continue
	fi
	mkdir -p "$dir"
	log=$dir/build.log
	if CC=$cc cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="$type" >"$log" 2>&1 &&
		cmake --build "$dir" -j "$(nproc 2>/dev/null || echo 2)" >>"$log" 2>&1; then
		echo "$dir: built"
	else
		grep -E 'error|warning' "$log" | head -20
		echo "$dir: FAILED to build (log: $log)"
		status=1
	fi
done

# before the tests: tests/pkg/test_package.sh checks these very packages
step "packages: cpack into build/packages/ (.deb, and .rpm where rpmbuild is)"
rm -f build/packages/*.deb build/packages/*.rpm
if cpack --config build/CPackConfig.cmake -B build/packages >build/cpack.log 2>&1; then
	ls build/packages/*.deb build/packages/*.rpm 2>/dev/null
else
	cat build/cpack.log
	status=1
fi

step "format: clang-format --dry-run (.clang-format)"
if command -v clang-format >/dev/null; then
	mapfile -t sources < <(find src include tests -name '*.[ch]' | sort)
	if clang-format --dry-run --Werror "${sources[@]}" 2>&1 | head -20 | grep .; then
		echo "format: files differ from .clang-format (run clang-format -i)"
		status=1
	else
		echo "format: clean"
	fi
else
	echo "format: clang-format not installed, skipped"
fi

step "static analysis: cppcheck"
if command -v cppcheck >/dev/null; then
	# variableScope: declarations stay at the top of blocks, kernel style
	if cppcheck --quiet --enable=warning,style,performance,portability --std=c11 \
		--inline-suppr --error-exitcode=1 -I include -DREMORA_VERSION='"t"' \
		--suppress=missingIncludeSystem --suppress=variableScope src/; then
		echo "cppcheck: clean"
	else
		status=1
	fi
else
	echo "cppcheck: not installed, skipped"
fi

step "tests on the ASan+UBSan build"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ctest --test-dir build-asan --output-on-failure || status=1

step "tests on the release build"
ctest --test-dir build --output-on-failure || status=1

step "fuzzing: ${FUZZ_SECONDS:-60} s per target (scripts/fuzz.sh)"
scripts/fuzz.sh || status=1

# leave nothing behind, even after a failure
# every test of this run has ended: a namespace whose test still runs is
# another run's
left=$(for ns in $(comm -13 <(echo "$before" | sort) <(rmr_netns | sort)); do
	rmr_owner_alive "$ns" || echo "$ns"
done)
if [ -n "$left" ]; then
	echo "test.sh: $(echo "$left" | wc -l) test namespaces were left behind:" $left
	status=1
fi
left=$(for d in $(comm -13 <(echo "$tmp_before") <(tmp_dirs)); do
	tmp_in_use "$d" || echo "$d"
done)
if [ -n "$left" ]; then
	echo "test.sh: $(echo "$left" | wc -l) temporary directories were left behind:" $left
	status=1
fi
exit $status
