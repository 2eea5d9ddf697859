#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# build-kernel.sh - an enclave kernel with what NFQUEUE capture needs
#
#   build-kernel.sh --source DIR --base CONFIG [--out DIR] [--config-only]
#                   [--fragment FILE] [--jobs N]
#
# Merges remora.config (beside this script) into a base configuration,
# normally AWS's published one for the enclave kernel
# (aws-nitro-enclaves-sdk-bootstrap, kernel/microvm-kernel-config-x86_64,
# which you download with the kernel source of its version), runs
# `make olddefconfig`, and checks that every option of the fragment came
# out =y: one that did not lacks a dependency the base turned off, and is
# named. Then it builds the kernel image and writes, into --out, what
# nitro-cli build-enclave takes from NITRO_CLI_BLOBS: bzImage and
# bzImage.config on x86_64 (Image and Image.config on aarch64).
#
# With --config-only it stops after the check (no kernel is built): what
# tests/kernel/test_kernel_config.sh runs. The source tree is only read;
# everything is built in --out (make O=).
#
# Exit status: 0 done, 1 an option did not come out =y or the build
# failed, 2 bad usage.
set -euo pipefail

prog=build-kernel.sh
here=$(cd "$(dirname "$0")" && pwd)
src= base= out= config_only=0 fragment=$here/remora.config
jobs=$(nproc 2>/dev/null || echo 2)

usage() {
	sed -n '3,6p' "$0" | sed 's/^# \{0,1\}//'
}
fail() { echo "$prog: $*" >&2; exit "${2:-1}"; }

while [ $# -gt 0 ]; do
	case "$1" in
	--source) src=${2:?}; shift 2 ;;
	--base) base=${2:?}; shift 2 ;;
	--out) out=${2:?}; shift 2 ;;
	--fragment) fragment=${2:?}; shift 2 ;;
	--jobs) jobs=${2:?}; shift 2 ;;
	--config-only) config_only=1; shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; fail "unknown option '$1'" 2 ;;
	esac
done
[ -n "$src" ] && [ -n "$base" ] || { usage >&2; fail "--source and --base are required" 2; }
[ -f "$src/Makefile" ] && [ -f "$src/scripts/kconfig/merge_config.sh" ] ||
	fail "$src is not a kernel source tree (no Makefile, scripts/kconfig/merge_config.sh)" 2
[ -f "$base" ] || fail "base configuration $base not found" 2
[ -f "$fragment" ] || fail "fragment $fragment not found" 2
case "$jobs" in ''|*[!0-9]*) fail "--jobs: '$jobs' is not a number" 2 ;; esac
out=${out:-$PWD/remora-kernel}
mkdir -p "$out"
out=$(cd "$out" && pwd)

case "$(uname -m)" in
x86_64) arch=x86 image=bzImage path=arch/x86/boot/bzImage ;;
aarch64) arch=arm64 image=Image path=arch/arm64/boot/Image ;;
*) fail "$(uname -m): the enclave kernels are x86_64 or aarch64" 2 ;;
esac

# the base, then the fragment on top (merge_config.sh -m: merge only, its
# own olddefconfig is ours below, in the build directory)
cp "$base" "$out/.config"
(cd "$out" && KCONFIG_CONFIG=.config "$src/scripts/kconfig/merge_config.sh" -m -O "$out" \
	"$out/.config" "$fragment" >"$out/merge.log" 2>&1) ||
	fail "merging $fragment failed (see $out/merge.log)"
make -s -C "$src" O="$out" ARCH="$arch" olddefconfig >"$out/olddefconfig.log" 2>&1 ||
	fail "make olddefconfig failed (see $out/olddefconfig.log)"

# every option of the fragment must be =y now
missing=()
while IFS= read -r line; do
	case "$line" in CONFIG_*=y) ;; *) continue ;; esac
	opt=${line%%=*}
	grep -qx "$opt=y" "$out/.config" || missing+=("$opt")
done <"$fragment"
if [ ${#missing[@]} -gt 0 ]; then
	echo "$prog: not =y after make olddefconfig (a dependency is off in the base, or this kernel has no such option):" >&2
	for opt in "${missing[@]}"; do
		echo "  $opt: $(grep -E "^(# )?$opt[= ]" "$out/.config" || echo 'absent')" >&2
	done
	exit 1
fi
n=$(grep -c '^CONFIG_.*=y' "$fragment")
echo "$prog: $out/.config has all $n options of $(basename "$fragment") =y"
[ "$config_only" = 0 ] || exit 0

make -C "$src" O="$out" ARCH="$arch" -j "$jobs" "$image" >"$out/build.log" 2>&1 ||
	fail "the kernel build failed (see $out/build.log)"
cp "$out/$path" "$out/$image"
cp "$out/.config" "$out/$image.config"
echo "$prog: $out/$image and $out/$image.config: put them in the directory NITRO_CLI_BLOBS names (with the blobs nitro-cli ships: init, nsm.ko, cmdline), then nitro-cli build-enclave"
