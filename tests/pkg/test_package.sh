#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The Debian packages and the install rules. Takes the packages scripts/test.sh
# built in $REMORA_BUILD/packages when they are newer than the build, else
# builds them with cpack into a temporary directory (from $REMORA_BUILD, or
# from a build of its own configured for /usr when $REMORA_BUILD is not).
# Checks each package's files, control fields, conffiles and maintainer
# scripts; unpacks them and runs both daemons and renders both man pages from
# the unpacked tree; verifies the installed systemd unit and the example
# enclave image; installs, upgrades, removes and purges them with dpkg in a
# throw-away root (as root only; the machine's own dpkg database is never
# used); and checks what `cmake --install` installs, relocated too.
# Skipped (exit 77) only without dpkg-deb.
NAME=test_package
PKG_TMP_NAME=remora-pkg
. "$(dirname "$0")/lib.sh"

command -v dpkg-deb >/dev/null || { log "SKIP: needs dpkg-deb"; exit 77; }
pkg_start
version=$(cache CMAKE_PROJECT_VERSION)
arch=$(dpkg --print-architecture)
check_match "the project has a version ($version)" '^[0-9]+\.[0-9]+\.[0-9]+' "$version"
man_pages=1
if ! grep -q '^HELP2MAN:FILEPATH=/' "$BUILD/CMakeCache.txt"; then
	not_ok "help2man was not found when $BUILD was configured: the packages have no man pages (apt-get install help2man)"
	man_pages=0
fi

# --- the packages: test.sh's when current, else built here ------------------
pkg_current "remora-host_${version}_$arch.deb" "remora-enclave_${version}_$arch.deb"
HOST=$PKGS/remora-host_${version}_$arch.deb
ENCL=$PKGS/remora-enclave_${version}_$arch.deb
check "$(basename "$HOST") exists" test -f "$HOST"
check "$(basename "$ENCL") exists" test -f "$ENCL"
check_eq "no other package" 2 "$(find "$PKGS" -maxdepth 1 -name '*.deb' | wc -l)"
if [ ! -f "$HOST" ] || [ ! -f "$ENCL" ]; then done_; fi

# --- file lists -----------------------------------------------------------------
files() { dpkg-deb -c "$1" | awk '$1 !~ /^d/ {print $6}' | sed 's|^\./|/|' | sort; }
docs() {
	local f
	for f in "$ROOT"/LICENSE "$ROOT"/README.md "$ROOT"/docs/*.md "$ROOT"/docs/*.png; do
		[ -e "$f" ] && echo "/usr/share/doc/$1/$(basename "$f")"
	done
}
manpage() { [ "$man_pages" = 0 ] || echo "/usr/share/man/man8/$1.8"; }
example=/usr/share/doc/remora-enclave/example-image
want_host=$( (
	printf '%s\n' /etc/remora/host.conf /usr/lib/systemd/system/remora-host.service \
		/usr/sbin/remora-host /usr/sbin/remora-host-rules
	manpage remora-host
	docs remora-host
) | sort)
want_encl=$( (
	printf '%s\n' /usr/sbin/remora-enclave /usr/sbin/remora-enclave-net /usr/share/remora/enclave.rules \
		/usr/share/remora/enclave6.rules
	manpage remora-enclave
	docs remora-enclave
	(cd "$ROOT/scripts/enclave" && find Dockerfile README.md enclave.conf resolv.conf app -type f) | sed "s|^|$example/|"
	printf '%s\n' /usr/share/doc/remora-enclave/kernel/remora.config \
		/usr/share/doc/remora-enclave/kernel/build-kernel.sh
) | sort)
got_host=$(files "$HOST")
got_encl=$(files "$ENCL")
check_eq "remora-host's files" "$want_host" "$got_host"
check_eq "remora-enclave's files" "$want_encl" "$got_encl"
lacks() { ! grep -Eq -- "$1" <<<"$2"; }
check "remora-host does not hold remora-enclave's programs or rules" \
	lacks 'remora-enclave(-net|\.8)?$|enclave\.rules$' "$got_host"
check "remora-enclave does not hold remora-host's programs, unit or settings" \
	lacks 'remora-host(-rules|\.service|\.8)?$|host\.conf$' "$got_encl"
check_eq "the two packages share no file" "" "$(comm -12 <(echo "$got_host") <(echo "$got_encl"))"
modes=$( (dpkg-deb -c "$HOST" && dpkg-deb -c "$ENCL") | grep '^-')
check_eq "programs are root:root 0755" "" \
	"$(grep -E '/sbin/|app/run.sh|kernel/build-kernel.sh' <<<"$modes" | grep -v '^-rwxr-xr-x root/root ')"
check_eq "other files are root:root 0644" "" \
	"$(grep -Ev '/sbin/|app/run.sh|kernel/build-kernel.sh' <<<"$modes" | grep -v '^-rw-r--r-- root/root ')"

# --- control fields ---------------------------------------------------------------
field() { dpkg-deb -f "$1" "$2"; }
# every line of a long description starts with one space, not two (verbatim)
description_ok() { [ -n "$1" ] && ! grep -q '^  ' <<<"$1" && ! grep -qv '^ ' <<<"$1"; }
for p in "$HOST" "$ENCL"; do
	n=$(basename "$p" | cut -d_ -f1)
	check_eq "$n: Package" "$n" "$(field "$p" Package)"
	check_eq "$n: Version (the project's)" "$version" "$(field "$p" Version)"
	check_eq "$n: Architecture" "$arch" "$(field "$p" Architecture)"
	check_eq "$n: Section" net "$(field "$p" Section)"
	check_match "$n: Maintainer" '^remora developers' "$(field "$p" Maintainer)"
	deps=$(field "$p" Depends | tr ',' '\n' | sed 's/^ *//')
	for dep in libnetfilter-queue1 'libmnl[01]' libev4 libseccomp2 libc6 iptables; do
		check_match "$n depends on $dep" "^$dep( |$)" "$deps"
	done
	control=$(dpkg-deb -I "$p" control)
	check_match "$n: a one-line summary" '^Description: remora [a-z]+ daemon: .{10,}' \
		"$(grep '^Description:' <<<"$control")"
	desc=$(awk '/^Description:/ {d = 1; next} d && /^ / {print; next} {d = 0}' <<<"$control")
	check "$n: a long description, no verbatim lines" description_ok "$desc"
done
check_match "remora-enclave depends on iproute2 (remora-enclave-net)" '(^|, )iproute2( |,|$)' "$(field "$ENCL" Depends)"

# --- conffiles and maintainer scripts ---------------------------------------------
dpkg-deb -e "$HOST" "$TMP/host-ctl"
dpkg-deb -e "$ENCL" "$TMP/encl-ctl"
check_eq "host.conf is a conffile: upgrades keep the operator's settings" \
	/etc/remora/host.conf "$(cat "$TMP/host-ctl/conffiles" 2>/dev/null)"
check_eq "remora-host's control files" "conffiles control md5sums postinst postrm prerm" \
	"$(cd "$TMP/host-ctl" && echo *)"
check_eq "remora-enclave has no conffiles and no maintainer scripts" "control md5sums" \
	"$(cd "$TMP/encl-ctl" && echo *)"
for s in postinst prerm postrm; do
	f=$TMP/host-ctl/$s
	check "remora-host $s: valid sh" sh -n "$f"
	# only 'systemctl daemon-reload' and 'systemctl stop remora-host.service'
	calls=$(grep -o 'systemctl [a-z-]*[^|;&]*' "$f" | sed 's/ *$//' | grep -Ev '^systemctl (daemon-reload|stop remora-host.service)( \|\| true)?$')
	check_eq "remora-host $s never enables, starts or restarts the service" "" "$calls"
	check "remora-host $s does nothing to systemd in a dpkg --root install" grep -q 'DPKG_ROOT' "$f"
done

# --- unpacked: the programs, the man pages, the unit ----------------------------
dpkg-deb -x "$HOST" "$TMP/root"
dpkg-deb -x "$ENCL" "$TMP/root"
for d in remora-host remora-enclave; do
	out=$("$TMP/root/usr/sbin/$d" --version 2>&1)
	check_match "$d --version from the package: $out" "^$d $version( |$)" "$out"
done
check "remora-enclave looks for its rules where the package puts them" \
	grep -q "/usr/share/remora/enclave.rules" <<<"$("$TMP/root/usr/sbin/remora-enclave" --help)"
for s in remora-host-rules remora-enclave-net; do
	check "$s from the package: --help" quiet "$TMP/root/usr/sbin/$s" --help
done
for m in remora-host remora-enclave; do
	page=$TMP/root/usr/share/man/man8/$m.8
	[ -f "$page" ] || continue
	if command -v groff >/dev/null; then
		check_eq "man $m: groff -man -ww without warnings" "" "$(groff -man -ww -z "$page" 2>&1)"
	fi
	if command -v man >/dev/null; then
		check_eq "man $m: man --warnings without warnings" "" \
			"$(MANWIDTH=80 command man --warnings -l "$page" 2>&1 >/dev/null)"
		text=$(MANWIDTH=200 command man -l "$page" 2>/dev/null)
	else
		text=$(groff -man -Tutf8 "$page" 2>/dev/null)
	fi
	missing=
	for flag in $("$TMP/root/usr/sbin/$m" --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z-]+' | sed 's/.*--//'); do
		grep -q -- "--$flag" <<<"$text" || missing="$missing $flag"
	done
	check_eq "man $m documents every flag of --help" "" "$missing"
	for sec in NAME SYNOPSIS DESCRIPTION OPTIONS FILES EXAMPLES "SEE ALSO"; do
		check "man $m: section $sec" grep -q "^$sec\$" <<<"$text"
	done
	check_match "man $m: footer names the version" "remora $version" "$(tail -1 <<<"$text")"
done
unit=$TMP/root/usr/lib/systemd/system/remora-host.service
check "the installed unit runs the installed daemon with the settings file" \
	grep -q "^ExecStart=/usr/sbin/remora-host --config /etc/remora/host.conf$" "$unit"
docfile=$(grep -o 'file://[^ ]*' "$unit" | sed 's|^file://||')
check "the installed unit's Documentation= file is in the package ($docfile)" \
	test -n "$docfile" -a -f "$TMP/root$docfile"
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
"$TMP/root/usr/sbin/remora-host" --config "$TMP/root/etc/remora/host.conf" --stats \
	--control "$TMP/none.sock" >/dev/null 2>&1
check_eq "the packaged host.conf is valid for remora-host (exit 1: no daemon, not 2: bad settings)" 1 $?

# --- the example enclave image, as packaged ---------------------------------------
ex=$TMP/root$example
for src in $(awk '$1 == "COPY" {print $2}' "$ex/Dockerfile"); do
	case "$src" in
	remora-enclave_*.deb) check "Dockerfile: COPY $src matches the package's name" \
		glob_match "$(basename "$ENCL")" "$src" ;;
	*) check "Dockerfile: COPY $src is in the packaged example" test -e "$ex/$src" ;;
	esac
done
entry=$(sed -n 's/^ENTRYPOINT \["\([^"]*\)".*/\1/p' "$ex/Dockerfile")
check "Dockerfile: the entry point $entry is in the package" test -x "$TMP/root$entry"
rules=$(sed -n 's/^rules = //p' "$ex/enclave.conf")
check "enclave.conf: the rules file $rules is in the package" test -f "$TMP/root$rules"
"$TMP/root/usr/sbin/remora-enclave" --config "$ex/enclave.conf" --stats \
	--control "$TMP/none.sock" >/dev/null 2>&1
check_eq "enclave.conf is valid for remora-enclave (exit 1: no daemon, not 2: bad settings)" 1 $?

# --- dpkg in a throw-away root: install, upgrade, remove, purge -------------------
# --root gives dpkg its own database in $R/var/lib/dpkg; the maintainer
# scripts run outside a chroot with DPKG_ROOT set, and a systemctl that only
# records its arguments comes first in PATH. The machine's dependencies are
# not in that database: --force-depends, and nothing else forced.
if [ "$(id -u)" = 0 ]; then
	R=$TMP/dpkgroot
	mkdir -p "$R/var/lib/dpkg/updates" "$R/var/lib/dpkg/info" "$TMP/fakebin"
	: >"$R/var/lib/dpkg/status"
	printf '#!/bin/sh\necho "$*" >>%s/systemctl.calls\n' "$TMP" >"$TMP/fakebin/systemctl"
	chmod +x "$TMP/fakebin/systemctl"
	db_before=$(md5sum /var/lib/dpkg/status 2>/dev/null)
	fails_before=$FAILS
	dpkg_r() {
		PATH="$TMP/fakebin:$PATH" dpkg --root="$R" --log="$TMP/dpkg.log" --force-depends \
			--force-script-chrootless --path-include='*' "$@" </dev/null >>"$TMP/dpkg.out" 2>&1
	}
	status() { dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | tr -d ' '; }
	dpkg_r -i "$HOST" "$ENCL"
	check_eq "dpkg -i of both packages: status" 0 $?
	check_eq "dpkg: remora-host installed" ii "$(status remora-host)"
	check_eq "dpkg: remora-enclave installed" ii "$(status remora-enclave)"
	check_eq "dpkg -L remora-host lists the package's files" "$want_host" \
		"$(dpkg-query --admindir="$R/var/lib/dpkg" -L remora-host | while read -r f; do [ -d "$R$f" ] || echo "$f"; done | sort)"
	check_eq "dpkg registers host.conf as a conffile" /etc/remora/host.conf \
		"$(dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Conffiles}' remora-host | awk 'NF {print $1}')"
	check "the installed files are in place" test -x "$R/usr/sbin/remora-host" -a -x "$R/usr/sbin/remora-enclave"
	# an upgrade: the same package repacked as version VERSION+1
	dpkg-deb -R "$HOST" "$TMP/next"
	sed -i "s/^Version: .*/Version: $version+1/" "$TMP/next/DEBIAN/control"
	dpkg-deb --root-owner-group -b "$TMP/next" "$TMP/remora-host-next.deb" >/dev/null
	echo "# the operator's edit" >>"$R/etc/remora/host.conf"
	dpkg_r -i "$TMP/remora-host-next.deb"
	check_eq "dpkg: upgrading remora-host to $version+1: status" 0 $?
	check_eq "dpkg: remora-host $version+1 installed" "ii $version+1" \
		"$(dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${db:Status-Abbrev} ${Version}' remora-host | tr -s ' ')"
	check "the operator's edit of host.conf survives the upgrade" grep -q "the operator's edit" "$R/etc/remora/host.conf"
	dpkg_r -r remora-host remora-enclave
	check_eq "dpkg -r of both: status" 0 $?
	check_eq "removed remora-host keeps its configuration" rc "$(status remora-host)"
	check_eq "removed remora-enclave is gone (it has no configuration)" "" "$(status remora-enclave)"
	check "remove: host.conf stays, the programs go" \
		test -f "$R/etc/remora/host.conf" -a ! -e "$R/usr/sbin/remora-host" -a ! -e "$R/usr/sbin/remora-enclave"
	dpkg_r --purge remora-host
	check_eq "dpkg --purge remora-host: status" 0 $?
	check_eq "purged remora-host is gone" "" "$(status remora-host)"
	check_eq "purge: nothing of remora is left in the root" "" \
		"$(cd "$R" && find . -path ./var -prune -o ! -type d -print)"
	check_eq "dpkg (install, upgrade, remove, purge) complains of nothing but the dependencies outside its root" "" \
		"$(grep -E '^dpkg: (error|warning)' "$TMP/dpkg.out" | grep -v 'dependency problems')"
	check_eq "the maintainer scripts called no systemctl under dpkg --root" "" \
		"$(cat "$TMP/systemctl.calls" 2>/dev/null)"
	check_eq "the machine's own dpkg database is untouched" "$db_before" "$(md5sum /var/lib/dpkg/status 2>/dev/null)"
	[ "$FAILS" = "$fails_before" ] || sed 's/^/  dpkg: /' "$TMP/dpkg.out"
else
	log "not root: dpkg --root install, upgrade and removal not tried"
fi

# --- cmake --install --------------------------------------------------------------
staged() { (cd "$1" && find . ! -type d | sed 's|^\./|/|' | sort); }
DESTDIR=$TMP/staged cmake --install "$BUILD" >/dev/null 2>&1
check_eq "cmake --install: status" 0 $?
check_eq "cmake --install installs the files of both packages" \
	"$(printf '%s\n%s\n' "$want_host" "$want_encl" | sort)" "$(staged "$TMP/staged")"
for c in host enclave; do
	DESTDIR=$TMP/comp-$c cmake --install "$BUILD" --component "$c" >/dev/null 2>&1
	want=$want_host
	[ "$c" = enclave ] && want=$want_encl
	check_eq "cmake --install --component $c installs remora-$c's files" "$want" "$(staged "$TMP/comp-$c")"
done
# another prefix at install time: everything moves but the absolute /etc
DESTDIR=$TMP/reloc cmake --install "$BUILD" --prefix /opt/remora >/dev/null 2>&1
check_eq "cmake --install --prefix /opt/remora: status" 0 $?
check_eq "cmake --install --prefix /opt/remora: the same files under /opt/remora, host.conf in /etc" \
	"$(printf '%s\n%s\n' "$want_host" "$want_encl" | sed 's|^/usr/|/opt/remora/|' | sort)" \
	"$(staged "$TMP/reloc")"

done_
