#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The example enclave image (scripts/enclave/) fits this build of
# remora-enclave, without root or docker: every COPY source of the
# Dockerfile exists (or, for the package, is what the build names it), the
# entry point passes the application after '--', and every setting of
# enclave.conf, commented examples included, is a flag that
# 'remora-enclave --help' lists and that remora-enclave accepts.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${REMORA_BUILD:-$ROOT/build}
IMG=$ROOT/scripts/enclave
ENCL=$BUILD/remora-enclave
fails=0 passes=0

check() {
	local what=$1
	shift
	if "$@" >/dev/null 2>&1; then
		echo "[pid2_image] ok - $what"
		passes=$((passes + 1))
	else
		echo "[pid2_image] FAIL - $what"
		fails=$((fails + 1))
	fi
}

[ -x "$ENCL" ] || { echo "[pid2_image] SKIP: remora-enclave not built in $BUILD (set REMORA_BUILD)"; exit 77; }
help=$("$ENCL" --help)
tmp=$(mktemp -d /tmp/remora-image.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# COPY sources, relative to the build context (this folder)
srcs=$(awk '$1 == "COPY" { for (i = 2; i < NF; i++) print $i }' "$IMG/Dockerfile")
check "the Dockerfile copies something" test -n "$srcs"
pkg=$(sed -n 's/^set(CPACK_DEBIAN_ENCLAVE_PACKAGE_NAME "\(.*\)")$/\1/p' "$BUILD/CPackConfig.cmake" 2>/dev/null)
for src in $srcs; do
	case "$src" in
	*.deb)
		# the package is built (cpack), then copied into the context
		check "COPY $src: the package this build makes (${pkg:-?}_VERSION_ARCH.deb)" \
			sh -c "case '${pkg:-none}_0_amd64.deb' in $src) exit 0;; esac; exit 1"
		;;
	*) check "COPY $src exists in scripts/enclave" test -e "$IMG/$src" ;;
	esac
done
check "the entry point is remora-enclave, the application after '--'" \
	grep -q '^ENTRYPOINT \["[^"]*/remora-enclave",.*"--"\]$' "$IMG/Dockerfile"
cmd=$(sed -n 's/^CMD \["\([^"]*\)".*/\1/p' "$IMG/Dockerfile")
case "$cmd" in
/app/*) check "CMD $cmd is in app/ and executable" test -x "$IMG/app/${cmd#/app/}" ;;
*) check "CMD is the application in /app (got '$cmd')" false ;;
esac
check "the Dockerfile installs the runtime (remora-enclave's package, or its libraries and iptables)" \
	sh -c "grep -q 'apt-get install' '$IMG/Dockerfile' && grep -Eq 'remora-enclave_.*\.deb|iptables' '$IMG/Dockerfile'"

# every key of enclave.conf, set or shown commented out, is a flag of --help
keys=$(sed -n 's/^#\{0,1\}\([a-z][a-z-]*\)\( = .*\)\{0,1\}$/\1/p' "$IMG/enclave.conf")
for k in address link setup-net; do
	check "enclave.conf sets $k" grep -Eq "^$k( = .+)?$" "$IMG/enclave.conf"
done
for k in $keys; do
	check "enclave.conf: '$k' is listed by remora-enclave --help" grep -q -- "--$k\b" <<<"$help"
done
# and the file as shipped, with its commented examples turned on, parses
sed 's/^#\([a-z][a-z-]* = \)/\1/' "$IMG/enclave.conf" >"$tmp/all.conf"
"$ENCL" --config "$tmp/all.conf" --stats --control "$tmp/none.sock" >/dev/null 2>"$tmp/err"
check_rc=$?
check "remora-enclave accepts enclave.conf, examples included (exit 1: no daemon; not 2: $(head -1 "$tmp/err"))" \
	test "$check_rc" = 1
"$ENCL" --config "$IMG/enclave.conf" --stats --control "$tmp/none.sock" >/dev/null 2>&1
check_rc=$?
check "remora-enclave accepts enclave.conf as shipped" test "$check_rc" = 1

echo "[pid2_image] $passes passed, $fails failed"
[ "$fails" = 0 ]
