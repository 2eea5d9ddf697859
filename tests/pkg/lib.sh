#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# What the package tests share: checks and their counts, a temporary
# directory removed on every exit path, and the build the packages come
# from (REMORA_BUILD when it is configured for /usr with CPack, else one
# configured for /usr here). Source it with NAME set; it needs PKG_TMP_NAME
# (the temporary directory's prefix).
# shellcheck disable=SC2317 # the predicates are called through check
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${REMORA_BUILD:-$ROOT/build}
FAILS=0
PASSES=0
log() { echo "[$NAME] $*"; }
ok() { log "ok - $*"; PASSES=$((PASSES + 1)); }
not_ok() { log "FAIL - $*"; FAILS=$((FAILS + 1)); }
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
check_eq() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (expected '$2', got '$3')"; fi; }
quiet() { "$@" >/dev/null 2>&1; }
# glob_match STRING PATTERN
# shellcheck disable=SC2053 # $2 is a pattern
glob_match() { [[ $1 == $2 ]]; }
# check_match DESCRIPTION ERE TEXT
check_match() { if grep -Eq -- "$2" <<<"$3"; then ok "$1"; else not_ok "$1 ('$3' does not match '$2')"; fi; }
done_() { log "$PASSES passed, $FAILS failed"; [ "$FAILS" = 0 ]; exit; }
cache() { sed -n "s/^$1:[A-Z]*=//p" "$BUILD/CMakeCache.txt" 2>/dev/null; }

# pkg_start: the temporary directory ($TMP), and $BUILD configured for
# /usr (built here if REMORA_BUILD is not one); ends the test if it cannot
pkg_start() {
	TMP=$(mktemp -d "/tmp/$PKG_TMP_NAME.XXXXXX")
	trap 'rm -rf "$TMP"' EXIT
	[ "$(cache CMAKE_INSTALL_PREFIX)" = /usr ] && [ -f "$BUILD/CPackConfig.cmake" ] && return
	log "$BUILD is not configured for /usr (or has no CPack configuration): building one in $TMP/build"
	BUILD=$TMP/build
	if ! { cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DCMAKE_INSTALL_PREFIX=/usr -DREMORA_TESTS=OFF &&
		cmake --build "$BUILD" -j "$(nproc 2>/dev/null || echo 2)"; } >"$TMP/build.log" 2>&1; then
		tail -30 "$TMP/build.log"
		not_ok "a build configured for /usr"
		done_
	fi
}

# pkg_current FILE...: $PKGS, where FILE... (names in it) are: scripts/test.sh's
# $BUILD/packages when each is there and newer than the build, else a cpack
# run into $TMP/out (which must succeed and warn about nothing)
pkg_current() {
	local f dep current=1
	PKGS=$BUILD/packages
	for f in "$@"; do
		[ -f "$PKGS/$f" ] || current=0
		for dep in "$BUILD/remora-host" "$BUILD/remora-enclave" "$BUILD/CPackConfig.cmake" "$BUILD"/*.8; do
			[ ! -e "$dep" ] || [ "$PKGS/$f" -nt "$dep" ] || current=0
		done
	done
	if [ "$current" = 1 ]; then
		log "packages: $PKGS (built by scripts/test.sh)"
		return
	fi
	PKGS=$TMP/out
	log "packages: none current in $BUILD/packages, cpack into $PKGS"
	cpack --config "$BUILD/CPackConfig.cmake" -B "$PKGS" >"$TMP/cpack.log" 2>&1
	rc=$?
	check_eq "cpack builds the packages" 0 "$rc"
	[ "$rc" = 0 ] || cat "$TMP/cpack.log"
	check_eq "cpack warns about nothing" "" "$(grep -i 'warn' "$TMP/cpack.log")"
}
