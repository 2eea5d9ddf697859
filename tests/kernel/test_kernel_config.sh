#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The enclave kernel fragment (scripts/enclave/kernel/remora.config)
# merged by build-kernel.sh --config-only into a minimal base (the
# kernel's tinyconfig: no networking at all) of Debian's kernel source
# (linux-source): every option of the fragment comes out =y after
# `make olddefconfig`, the ones NFQUEUE capture needs named here one by
# one; and a fragment asking for an option the kernel does not have makes
# the script fail, naming it. No kernel is built.
#
# Needs the linux-source package, make, gcc, flex and bison (skipped, 77,
# saying which is missing). Only the files Kconfig reads are unpacked, in a
# temporary directory removed on every exit path; bounded to 240 s.
set -u
name=test_kernel_config
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
script=$root/scripts/enclave/kernel/build-kernel.sh
fragment=$root/scripts/enclave/kernel/remora.config
fails=0 passes=0
log() { echo "[$name] $*"; }
skip() { log "SKIP: $*"; exit 77; }
ok() { passes=$((passes + 1)); log "ok - $*"; }
not_ok() { fails=$((fails + 1)); log "FAIL - $*"; }

for c in make gcc flex bison tar xz timeout; do
	command -v "$c" >/dev/null || skip "needs '$c' (scripts/install-deps.sh installs it)"
done
tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -1)
[ -n "$tarball" ] || skip "needs Debian's kernel source (apt-get install linux-source; scripts/install-deps.sh does)"
tmp=$(mktemp -d /tmp/remora-kernel.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)

# what Kconfig and the top Makefile read: every Kconfig and Makefile, the
# scripts, the architecture's directory and the headers the host programs
# of scripts/kconfig include
top=$(basename "$tarball" .tar.xz)
log "unpacking the Kconfig files of $(basename "$tarball")"
timeout 180 tar -xJf "$tarball" -C "$tmp" --wildcards --wildcards-match-slash \
	"$top/Makefile" "$top/Kconfig" "$top/*Kconfig*" "$top/*Makefile*" "$top/*.mk" \
	"$top/scripts/*" "$top/arch/x86/*" "$top/include/*" "$top/tools/include/*" \
	"$top/init/*" "$top/usr/*" "$top/kernel/configs/*" ||
	{ log "cannot unpack $tarball"; exit 1; }
src=$tmp/$top
arch=x86
[ "$(uname -m)" = aarch64 ] && arch=arm64

make -s -C "$src" O="$tmp/base" ARCH="$arch" tinyconfig >"$tmp/tiny.log" 2>&1 ||
	{ tail -20 "$tmp/tiny.log"; log "make tinyconfig failed"; exit 1; }
if grep -q '^CONFIG_NET=y' "$tmp/base/.config"; then
	not_ok "the base is minimal (no networking)"
else
	ok "the base is minimal: tinyconfig, no networking"
fi

out=$("$script" --source "$src" --base "$tmp/base/.config" --out "$tmp/out" --config-only 2>&1)
rc=$?
echo "$out"
if [ "$rc" = 0 ]; then ok "build-kernel.sh --config-only merges the fragment (exit 0)"; else not_ok "build-kernel.sh --config-only exits $rc"; fi
for opt in CONFIG_NETFILTER_NETLINK_QUEUE CONFIG_NETFILTER_XT_TARGET_NFQUEUE \
	CONFIG_NETFILTER_XT_MATCH_ADDRTYPE CONFIG_IP_NF_IPTABLES CONFIG_IP_NF_FILTER \
	CONFIG_IP6_NF_IPTABLES CONFIG_IP6_NF_FILTER CONFIG_NF_TABLES CONFIG_NFT_COMPAT \
	CONFIG_NFT_QUEUE CONFIG_INET_DIAG CONFIG_INET_TCP_DIAG CONFIG_TUN \
	CONFIG_SECCOMP_FILTER CONFIG_VSOCKETS CONFIG_IPV6; do
	if grep -qx "$opt=y" "$tmp/out/.config" 2>/dev/null; then
		ok "$opt=y"
	else
		not_ok "$opt is $(grep -E "^(# )?$opt[= ]" "$tmp/out/.config" 2>/dev/null || echo absent)"
	fi
done
# every =y line of the fragment, whatever it holds
all=1
while IFS= read -r line; do
	case "$line" in CONFIG_*=y) ;; *) continue ;; esac
	grep -qx "$line" "$tmp/out/.config" 2>/dev/null || { all=0; log "  not =y: $line"; }
done <"$fragment"
if [ "$all" = 1 ]; then ok "every option of remora.config is =y"; else not_ok "some options of remora.config are not =y"; fi

# the check fails, and names the option, when one cannot be had
{ cat "$fragment"; echo "CONFIG_REMORA_NO_SUCH_OPTION=y"; } >"$tmp/bad.config"
out=$("$script" --source "$src" --base "$tmp/base/.config" --out "$tmp/out-bad" \
	--fragment "$tmp/bad.config" --config-only 2>&1)
rc=$?
if [ "$rc" = 1 ] && grep -q "CONFIG_REMORA_NO_SUCH_OPTION" <<<"$out"; then
	ok "an option that cannot be had fails the merge (exit 1), named"
else
	not_ok "an impossible option: exit $rc, output: $out"
fi
# bad usage
"$script" --source "$tmp/nowhere" --base "$tmp/base/.config" --config-only >/dev/null 2>&1
rc=$?
if [ "$rc" = 2 ]; then ok "a source that is not a kernel tree: exit 2"; else not_ok "a source that is not a kernel tree: exit $rc"; fi

log "$passes passed, $fails failed in $(($(date +%s) - start)) s"
[ "$fails" = 0 ]
