#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The Debian packages and the install rules: builds both packages from the
# build tree (cpack), checks their file lists, control fields and
# conffiles, runs the binaries and renders the man pages from the unpacked
# packages, verifies the installed systemd unit, checks that the example
# enclave image matches the enclave package, and that `cmake --install`
# installs the same files.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${REMORA_BUILD:-$ROOT/build}
NAME=test_package
FAILS=0
PASSES=0
ok() { echo "[$NAME] ok - $*"; PASSES=$((PASSES + 1)); }
not_ok() { echo "[$NAME] FAIL - $*"; FAILS=$((FAILS + 1)); }
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
check_eq() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (expected '$2', got '$3')"; fi; }
skip() { echo "[$NAME] SKIP: $*"; exit 77; }

command -v dpkg-deb >/dev/null || skip "needs dpkg-deb"
command -v cpack >/dev/null || skip "needs cpack"
[ -f "$BUILD/CPackConfig.cmake" ] || skip "no CPack configuration in $BUILD"
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$BUILD/CMakeCache.txt")
[ "$prefix" = /usr ] || skip "$BUILD is configured for $prefix; packages are built with CMAKE_INSTALL_PREFIX=/usr"
grep -q "HELP2MAN:FILEPATH=/" "$BUILD/CMakeCache.txt" || skip "help2man was not found when $BUILD was configured"

TMP=$(mktemp -d /tmp/remora-pkg.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
version=$("$BUILD/remora-host" --version | awk '{print $2}')

cpack --config "$BUILD/CPackConfig.cmake" -B "$TMP/out" >"$TMP/cpack.log" 2>&1
check_eq "cpack builds the packages" 0 $?
HOST=$TMP/out/remora-host_${version}_amd64.deb
ENCL=$TMP/out/remora-enclave_${version}_amd64.deb
[ "$(dpkg --print-architecture)" = amd64 ] || {
	HOST=$(ls "$TMP"/out/remora-host_*.deb)
	ENCL=$(ls "$TMP"/out/remora-enclave_*.deb)
}
check "remora-host_${version}_*.deb is built" test -f "$HOST"
check "remora-enclave_${version}_*.deb is built" test -f "$ENCL"

files() { dpkg-deb -c "$1" | awk '{print $6}' | grep -v '/$' | sed 's|^\./|/|' | sort; }
docs() { for f in LICENSE README.md "$ROOT"/docs/*.md; do echo "/usr/share/doc/$1/$(basename "$f")"; done; }
want_host=$( (printf '%s\n' /etc/remora/host.conf /usr/lib/systemd/system/remora-host.service \
	/usr/sbin/remora-host /usr/sbin/remora-host-rules /usr/share/man/man8/remora-host.8
	docs remora-host) | sort)
want_encl=$( (printf '%s\n' /usr/sbin/remora-enclave /usr/sbin/remora-enclave-net \
	/usr/share/remora/enclave.rules /usr/share/man/man8/remora-enclave.8 \
	/usr/share/doc/remora-enclave/example-image/Dockerfile \
	/usr/share/doc/remora-enclave/example-image/README.md \
	/usr/share/doc/remora-enclave/example-image/enclave.conf
	docs remora-enclave) | sort)
check_eq "remora-host's files" "$want_host" "$(files "$HOST")"
check_eq "remora-enclave's files" "$want_encl" "$(files "$ENCL")"

field() { dpkg-deb -f "$1" "$2"; }
check_eq "remora-host: Package" remora-host "$(field "$HOST" Package)"
check_eq "remora-enclave: Package" remora-enclave "$(field "$ENCL" Package)"
check_eq "remora-host: Version" "$version" "$(field "$HOST" Version)"
check_eq "remora-enclave: Version" "$version" "$(field "$ENCL" Version)"
for p in "$HOST" "$ENCL"; do
	n=$(field "$p" Package)
	for dep in libnetfilter-queue1 libmnl0 libev4 libc6 iptables; do
		check "$n depends on $dep" grep -q "\b$dep\b" <<<"$(field "$p" Depends)"
	done
	check_eq "$n: Section" net "$(field "$p" Section)"
	check "$n has a description" test -n "$(field "$p" Description)"
done
check "remora-enclave depends on iproute2 (remora-enclave-net)" grep -q iproute2 <<<"$(field "$ENCL" Depends)"
dpkg-deb -e "$HOST" "$TMP/host-ctl"
check_eq "host.conf is a conffile: upgrades keep the operator's settings" /etc/remora/host.conf "$(cat "$TMP/host-ctl/conffiles")"
check "the postinst only reloads systemd, never starts the service" \
	sh -c "! grep -Eq 'start|enable' '$TMP/host-ctl/postinst' && grep -q daemon-reload '$TMP/host-ctl/postinst'"

# unpacked, as installed
dpkg-deb -x "$HOST" "$TMP/root"
dpkg-deb -x "$ENCL" "$TMP/root"
check_eq "remora-host --version from the package" "remora-host $version (link protocol 1)" \
	"$("$TMP/root/usr/sbin/remora-host" --version)"
check_eq "remora-enclave --version from the package" "remora-enclave $version (link protocol 1)" \
	"$("$TMP/root/usr/sbin/remora-enclave" --version)"
check "remora-enclave looks for its rules where the package puts them" \
	grep -q "/usr/share/remora/enclave.rules" <<<"$("$TMP/root/usr/sbin/remora-enclave" --help)"
for m in remora-host remora-enclave; do
	page=$TMP/root/usr/share/man/man8/$m.8
	if command -v man >/dev/null; then
		warn=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
		check_eq "man $m renders without warnings" "" "$warn"
	fi
	text=$(MANWIDTH=200 man -l "$page" 2>/dev/null || groff -man -Tutf8 "$page")
	missing=
	for flag in $("$TMP/root/usr/sbin/$m" --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z-]+' | sed 's/.*--//'); do
		grep -q -- "--$flag" <<<"$text" || missing="$missing $flag"
	done
	check_eq "man $m documents every flag of --help" "" "$missing"
	check "man $m has its FILES and SEE ALSO" sh -c "grep -q '^FILES' <<'E'
$text
E
"
done
unit=$TMP/root/usr/lib/systemd/system/remora-host.service
check "the installed unit runs the installed daemon with the settings file" \
	grep -q "^ExecStart=/usr/sbin/remora-host --config /etc/remora/host.conf$" "$unit"
if command -v systemd-analyze >/dev/null; then
	mkdir -p "$TMP/root/lib/systemd" "$TMP/root/bin"
	cp -r /lib/systemd/system "$TMP/root/lib/systemd/"
	cp /bin/sh "$TMP/root/bin/"
	out=$(systemd-analyze verify --man=no --root="$TMP/root" /usr/lib/systemd/system/remora-host.service 2>&1)
	rc=$?
	out=$(grep -v "Failed to parse system call, ignoring" <<<"$out")
	check_eq "systemd-analyze verify of the installed unit: status" 0 "$rc"
	check_eq "systemd-analyze verify of the installed unit: no warning" "" "$out"
fi

# the example enclave image matches the package
df=$ROOT/scripts/enclave/Dockerfile
for src in $(awk '$1 == "COPY" {print $2}' "$df"); do
	case "$src" in
	remora-enclave_*.deb) check "Dockerfile: COPY $src matches the package's name" \
		sh -c "case '$(basename "$ENCL")' in $src) exit 0;; esac; exit 1" ;;
	*) check "Dockerfile: COPY $src exists" test -e "$ROOT/scripts/enclave/$src" ;;
	esac
done
entry=$(sed -n 's/^ENTRYPOINT \["\([^"]*\)".*/\1/p' "$df")
check "Dockerfile: the entry point $entry is in the package" test -x "$TMP/root$entry"
rules=$(sed -n 's/^rules = //p' "$ROOT/scripts/enclave/enclave.conf")
check "enclave.conf: the rules file $rules is in the package" test -f "$TMP/root$rules"
"$TMP/root/usr/sbin/remora-enclave" --config "$ROOT/scripts/enclave/enclave.conf" --stats \
	--control "$TMP/none.sock" >/dev/null 2>"$TMP/conf.err"
check_eq "enclave.conf is valid for remora-enclave (exit 1: no daemon, not 2: bad settings)" 1 $?
"$TMP/root/usr/sbin/remora-host" --config "$TMP/root/etc/remora/host.conf" --stats \
	--control "$TMP/none.sock" >/dev/null 2>&1
check_eq "the packaged host.conf is valid for remora-host" 1 $?

# cmake --install puts the same files in place
DESTDIR=$TMP/staged cmake --install "$BUILD" >/dev/null 2>&1
check_eq "cmake --install: exit status" 0 $?
staged=$(cd "$TMP/staged" && find . -type f | sed 's|^\./|/|' | sort)
check_eq "cmake --install installs the files of both packages" \
	"$(printf '%s\n%s\n' "$want_host" "$want_encl" | sort)" "$staged"

echo "[$NAME] $PASSES passed, $FAILS failed"
[ "$FAILS" = 0 ]
