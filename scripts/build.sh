#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Configure and build remora: build/ (release with debug info) and, with
# --asan, build-asan/ (AddressSanitizer + UndefinedBehaviorSanitizer).
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
# /usr: the prefix of the packages (cpack) and of the paths in the unit
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
cmake --build build -j "$jobs"
if [ "${1:-}" = --asan ]; then
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DREMORA_SANITIZE=ON >/dev/null
	cmake --build build-asan -j "$jobs"
fi
