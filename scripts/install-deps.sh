#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Install what remora needs to build, test and run its demo (Debian 12).
set -eu
PKGS="build-essential cmake pkg-config
libnetfilter-queue-dev libmnl-dev libnfnetlink-dev libev-dev libseccomp-dev libcmocka-dev
iptables iproute2 procps util-linux kmod ethtool
curl socat dnsmasq-base bind9-dnsutils iputils-ping python3 tcpdump
iperf3 gnuplot-nox nginx wrk apache2-utils
clang-format cppcheck clang libclang-rt-14-dev
systemd help2man dpkg-dev man-db
mmdebstrap systemd-container"
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: run as root (or with sudo) to install: $(echo $PKGS)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $PKGS
