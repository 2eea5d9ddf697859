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
systemd help2man dpkg-dev man-db rpm
mmdebstrap systemd-container
linux-source flex bison bc xz-utils"
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: run as root (or with sudo) to install: $(echo $PKGS)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# nginx is for the benchmark, which runs its own in namespaces: a service
# the package starts on this machine's port 80 is not wanted
had_nginx=0
dpkg -s nginx >/dev/null 2>&1 && had_nginx=1
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $PKGS
if [ "$had_nginx" = 0 ] && [ -d /run/systemd/system ]; then
	systemctl disable --now nginx.service >/dev/null 2>&1 || true
fi
