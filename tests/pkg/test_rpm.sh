#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The RPMs, for Amazon Linux parents (and any rpm distribution): built by
# the same CPack configuration as the Debian packages, from a build for
# /usr. Checks that each holds exactly the files of its .deb; its metadata
# (name, version, licence, summary, the libraries and programs it
# requires); host.conf as a %config(noreplace) file; the scriptlets doing
# what the Debian maintainer scripts do (run here under a systemctl that
# records its arguments, in a mount namespace where /run/systemd/system
# exists); and installs, upgrades and removes both with `rpm --root` in a
# throw-away root (its own database; the scriptlets, already checked, are
# not run there: the root has no shell). Skipped (77) without rpmbuild,
# rpm or dpkg-deb; the install part without root.
NAME=test_rpm
PKG_TMP_NAME=remora-rpm
. "$(dirname "$0")/lib.sh"

for c in rpmbuild rpm dpkg-deb cpack; do
	command -v "$c" >/dev/null || { log "SKIP: needs $c (apt-get install rpm; scripts/install-deps.sh does)"; exit 77; }
done
pkg_start
version=$(cache CMAKE_PROJECT_VERSION)
rarch=$(uname -m)
darch=$(dpkg --print-architecture)
files=()
for n in remora-host remora-enclave; do
	files+=("$n-$version-1.$rarch.rpm" "${n}_${version}_$darch.deb")
done
pkg_current "${files[@]}"
for n in host enclave; do
	eval "R_$n=$PKGS/remora-$n-$version-1.$rarch.rpm"
	eval "D_$n=$PKGS/remora-${n}_${version}_$darch.deb"
done
# shellcheck disable=SC2154 # set by the eval above
check "remora-host's RPM ($(basename "$R_host"))" test -f "$R_host"
# shellcheck disable=SC2154
check "remora-enclave's RPM ($(basename "$R_enclave"))" test -f "$R_enclave"
[ -f "$R_host" ] && [ -f "$R_enclave" ] || done_

# --- the files: exactly those of the .deb --------------------------------------
q() { rpm -qp --nosignature "$@" 2>/dev/null; }
for n in host enclave; do
	r=R_$n d=D_$n
	rfiles=$(q --qf '[%{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME} %{FILENAMES}\n]' "${!r}" |
		grep -v '^d' | awk '{print $3}' | sort)
	dfiles=$(dpkg-deb -c "${!d}" | awk '$1 !~ /^d/ {print $6}' | sed 's|^\./|/|' | sort)
	check_eq "remora-$n: the RPM holds the .deb's files, no more, no fewer" "$dfiles" "$rfiles"
	check_eq "remora-$n: every file is root's" "" \
		"$(q --qf '[%{FILEUSERNAME}:%{FILEGROUPNAME} %{FILENAMES}\n]' "${!r}" | grep -v '^root:root ')"
	modes=$(q --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "${!r}" | grep -v '^d')
	check_eq "remora-$n: programs 0755, other files 0644" "" \
		"$(grep -Ev '^(-rwxr-xr-x (/usr/sbin/|.*app/run.sh|.*kernel/build-kernel.sh)|-rw-r--r-- )' <<<"$modes")"
	check_eq "remora-$n: owns no directory the system owns" "" \
		"$(q --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "${!r}" | awk '/^d/ {print $2}' |
			grep -Ex '/(etc|usr|usr/sbin|usr/lib|usr/lib/systemd(/system)?|usr/share|usr/share/(doc|man|man/man8))')"
done

# --- metadata ------------------------------------------------------------------
for n in host enclave; do
	r=R_$n
	check_eq "remora-$n: Name" "remora-$n" "$(q --qf '%{NAME}' "${!r}")"
	check_eq "remora-$n: Version (the project's)" "$version" "$(q --qf '%{VERSION}' "${!r}")"
	check_eq "remora-$n: License" Apache-2.0 "$(q --qf '%{LICENSE}' "${!r}")"
	check_eq "remora-$n: Arch" "$rarch" "$(q --qf '%{ARCH}' "${!r}")"
	check_match "remora-$n: Summary" "^remora $n daemon: .{10,}" "$(q --qf '%{SUMMARY}' "${!r}")"
	check_match "remora-$n: a description" "remora-$n runs" "$(q --qf '%{DESCRIPTION}' "${!r}")"
	check_eq "remora-$n: not relocatable (the unit and the scripts name /usr)" "(none)" \
		"$(q --qf '%{PREFIXES}' "${!r}")"
	req=$(q --requires "${!r}")
	for lib in 'libnetfilter_queue\.so\.1' 'libmnl\.so\.0' 'libev\.so\.4' 'libseccomp\.so\.2' 'libc\.so\.6'; do
		check_match "remora-$n requires $lib (found by rpmbuild)" "^$lib\(" "$req"
	done
	check_match "remora-$n requires /usr/sbin/iptables (legacy or nft)" '^/usr/sbin/iptables$' "$req"
done
check_match "remora-enclave requires /usr/sbin/ip (remora-enclave-net)" '^/usr/sbin/ip$' "$(q --requires "$R_enclave")"
check_eq "host.conf is %config(noreplace): upgrades keep the operator's settings" \
	"/etc/remora/host.conf cn" \
	"$(q --qf '[%{FILENAMES} %{FILEFLAGS:fflags}\n]' "$R_host" | awk '$2 != "" && $2 != "d" {print}' | grep host.conf)"
check_eq "remora-enclave has no config files and no scriptlets" "" \
	"$(q --configfiles "$R_enclave"; q --scripts "$R_enclave")"
check_eq "remora-host's scriptlets: %post, %preun, %postun, nothing else" \
	"postinstall preuninstall postuninstall" \
	"$(q --scripts "$R_host" | sed -n 's/^\([a-z]*\) scriptlet.*/\1/p' | tr '\n' ' ' | sed 's/ $//')"

# --- the scriptlets: what the Debian maintainer scripts do ----------------------
# each runs with $1 as rpm gives it, /run/systemd/system present (a tmpfs
# /run in a mount namespace of its own), systemctl recording its arguments
mkdir -p "$TMP/fakebin"
printf '#!/bin/sh\necho "$*" >>%s/calls\n' "$TMP" >"$TMP/fakebin/systemctl"
chmod +x "$TMP/fakebin/systemctl"
for s in POSTIN PREUN POSTUN; do
	q --qf "%{$s}" "$R_host" >"$TMP/$s.sh"
	check "remora-host %${s,,}: valid sh" sh -n "$TMP/$s.sh"
done
# run SCRIPTLET ARG: the systemctl calls it makes, one line
run() {
	: >"$TMP/calls"
	if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
		unshare -m sh -c "mount -t tmpfs none /run && mkdir -p /run/systemd/system &&
			PATH='$TMP/fakebin:$PATH' sh '$TMP/$1.sh' $2" >/dev/null 2>&1
	fi
	tr '\n' ';' <"$TMP/calls"
}
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
	check_eq "%post on install: systemctl daemon-reload, nothing enabled or started" "daemon-reload;" "$(run POSTIN 1)"
	check_eq "%post on upgrade: daemon-reload, the running daemon not restarted" "daemon-reload;" "$(run POSTIN 2)"
	check_eq "%preun on upgrade: nothing (the service keeps running)" "" "$(run PREUN 1)"
	check_eq "%preun on removal: the service stopped (its rules come down)" "stop remora-host.service;" "$(run PREUN 0)"
	check_eq "%postun on upgrade: nothing" "" "$(run POSTUN 1)"
	check_eq "%postun on removal: daemon-reload" "daemon-reload;" "$(run POSTUN 0)"
else
	log "scriptlet runs skipped: need root and unshare"
fi
# without systemd running (a container, an image build): nothing at all
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
	: >"$TMP/calls"
	for s in POSTIN:1 PREUN:0 POSTUN:0; do
		unshare -m sh -c "mount -t tmpfs none /run &&
			PATH='$TMP/fakebin:$PATH' sh '$TMP/${s%%:*}.sh' ${s#*:}" >/dev/null 2>&1
	done
	check_eq "without systemd running (no /run/systemd/system), the scriptlets call nothing" "" "$(cat "$TMP/calls")"
fi

# --- rpm --root: install, upgrade, remove, in a throw-away root -----------------
if [ "$(id -u)" = 0 ]; then
	R=$TMP/rpmroot
	mkdir -p "$R"
	rpmr() { rpm --root "$R" --dbpath /var/lib/rpm --nosignature --nodeps --noscripts "$@" >>"$TMP/rpm.out" 2>&1; }
	rpm --root "$R" --dbpath /var/lib/rpm --initdb >>"$TMP/rpm.out" 2>&1
	rpmr -i "$R_host" "$R_enclave"
	check_eq "rpm -i into the throw-away root" 0 "$?"
	check_eq "both are installed there" "remora-enclave remora-host" \
		"$(rpm --root "$R" --dbpath /var/lib/rpm -qa --qf '%{NAME}\n' 2>/dev/null | sort | tr '\n' ' ' | sed 's/ $//')"
	check "its remora-host runs: --version" "$R/usr/sbin/remora-host" --version
	check "its remora-enclave runs: --version" "$R/usr/sbin/remora-enclave" --version
	check "the unit is in place" test -f "$R/usr/lib/systemd/system/remora-host.service"
	check "rpm --verify: every file as packaged" rpm --root "$R" --dbpath /var/lib/rpm -V --nodeps remora-host remora-enclave
	echo "# the operator's" >>"$R/etc/remora/host.conf"
	rpmr -U --replacepkgs "$R_host"
	check_eq "upgrade (-U): 0" 0 "$?"
	check "upgrade keeps the operator's host.conf" grep -q "^# the operator's" "$R/etc/remora/host.conf"
	rpmr -e remora-host remora-enclave
	check_eq "rpm -e of both: 0" 0 "$?"
	check_eq "nothing left installed" "" "$(rpm --root "$R" --dbpath /var/lib/rpm -qa 2>/dev/null)"
	check_eq "no program left" "" "$(ls "$R/usr/sbin" 2>/dev/null)"
	check "the edited host.conf is kept as host.conf.rpmsave" grep -q "^# the operator's" "$R/etc/remora/host.conf.rpmsave"
	check "the machine's own rpm database was not used" test ! -e /var/lib/rpm/remora-host
	[ "$FAILS" = 0 ] || tail -20 "$TMP/rpm.out"
else
	log "rpm --root install skipped: needs root"
fi
done_
