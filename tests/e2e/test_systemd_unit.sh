#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The systemd unit under a real systemd: a Debian container booted with
# systemd-nspawn in a network namespace of its own, remora-host's package
# installed with dpkg, the service started with systemctl. Whatever the
# unit's sandbox does to the daemon (its system-call filter above all) is
# what this test sees; test_systemd.sh runs the unit's commands under
# setpriv, without that filter.
#
#  - the service is active (running) with the daemon's STATUS line once
#    started; the rules are in the container's mangle table;
#  - the running daemon has CAP_NET_ADMIN alone (effective, permitted), no
#    inheritable or ambient capability, the unit's bounding set, no new
#    privileges; the journal has its start and no "cannot drop
#    capabilities"; it runs under the unit's seccomp filters, more than
#    the container's own;
#  - an enclave connecting (a fake peer, root) shows in STATUS, and its
#    leaving too;
#  - `systemctl stop` removes the rules; after a SIGKILL systemd restarts
#    the daemon (capabilities dropped again), and between the failure and
#    the restart the rules stay (fail closed), as they do when the service
#    is stopped in that moment.
#
# Needs root, mmdebstrap, systemd-nspawn (systemd-container) and the Debian
# mirror (a minimal Debian with systemd, about 20 s); skipped (77), saying
# why, without one of them. About 40 s in all.
# The container's root is a temporary directory in /tmp; the container is
# killed and the directory removed on every exit path. Nothing is done in
# the machine's own network namespace but the standard checks of
# e2e_require.
. "$(dirname "$0")/lib.sh"
e2e_require nsenter dpkg-deb cpack python3 timeout findmnt
for c in mmdebstrap systemd-nspawn; do
	command -v "$c" >/dev/null ||
		e2e_skip "needs '$c' (apt-get install mmdebstrap systemd-container; scripts/install-deps.sh does)"
done

# --- the package: scripts/test.sh's when current, else cpack here -----------
cache() { sed -n "s/^$1:[A-Z]*=//p" "$E2E_BUILD/CMakeCache.txt" 2>/dev/null; }
if [ "$(cache CMAKE_INSTALL_PREFIX)" != /usr ] || [ ! -f "$E2E_BUILD/CPackConfig.cmake" ]; then
	e2e_skip "the package comes from a build configured for /usr with CPack (scripts/build.sh's build/); $E2E_BUILD is not one"
fi

UT=$(mktemp -d /tmp/remora-unit.XXXXXX)
chmod 755 "$UT" # apt in mmdebstrap downloads as _apt
ROOTFS=$UT/root
MMDEB=
NSPAWN=
INIT=
CT_OK=0
CT_PIDNS=
NSPAWN_CGROUPS=
UNIT=remora-host.service
LINK=/run/remora/link.sock
SRC_UNIT=$E2E_ROOT/systemd/remora-host.service

# ct_down: the container, its processes and cgroups gone, never waiting
# unbounded: systemd-nspawn asks the container's systemd to power off; if
# it has not within 15 s, its init (and so its whole PID namespace) is
# killed
ct_down() {
	local i cg h d
	[ -n "$NSPAWN" ] || return 0
	CT_OK=0
	if [ -n "$INIT" ]; then
		kill -TERM "$NSPAWN" 2>/dev/null
		for ((i = 0; i < 150; i++)); do
			[ "$(readlink "/proc/$INIT/ns/pid" 2>/dev/null)" = "$CT_PIDNS" ] || break
			sleep 0.1
		done
		if [ "$(readlink "/proc/$INIT/ns/pid" 2>/dev/null)" = "$CT_PIDNS" ]; then
			e2e_log "the container did not power off within 15 s: killing its init"
			kill -KILL "$INIT"
		fi
	fi
	for ((i = 0; i < 100; i++)); do
		case "$(ps -o stat= -p "$NSPAWN" 2>/dev/null)" in "" | Z*) break ;; esac
		sleep 0.1
	done
	kill -KILL "$NSPAWN" 2>/dev/null
	wait "$NSPAWN" 2>/dev/null
	NSPAWN=
	# systemd-nspawn leaves its supervisor and payload cgroups (and the
	# container's systemd its slices) under the cgroup it ran in: empty
	# now, rmdir removes only those
	for cg in $NSPAWN_CGROUPS; do
		for h in /sys/fs/cgroup /sys/fs/cgroup/unified /sys/fs/cgroup/systemd; do
			[ -d "$h$cg" ] || continue
			for d in payload supervisor; do
				[ -d "$h$cg/$d" ] && find "$h$cg/$d" -depth -type d -exec rmdir {} + 2>/dev/null
			done
		done
	done
}

cleanup() {
	local rc=$? m i
	trap - EXIT INT TERM
	if [ -n "$MMDEB" ]; then
		# interrupted while building the root: mmdebstrap unmounts what
		# it mounted there when told to stop
		kill -TERM "$MMDEB" 2>/dev/null
		for ((i = 0; i < 100; i++)); do
			kill -0 "$MMDEB" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$MMDEB" 2>/dev/null
		wait "$MMDEB" 2>/dev/null
	fi
	[ "$rc" = 0 ] || [ "$CT_OK" != 1 ] || journal >"$UT/journal.log" 2>&1
	ct_down
	# nspawn mounts in a namespace of its own; nothing of it should be
	# here, but never remove files through a mount
	for m in $(findmnt -rn -o TARGET | grep "^$UT/" | sort -r); do
		umount -l "$m"
	done
	if [ "$rc" != 0 ] && [ "$rc" != "$E2E_SKIP" ]; then
		for f in "$UT"/*.log; do
			[ -f "$f" ] || continue
			echo "----- $(basename "$f") (last 30 lines) -----"
			tail -n 30 "$f"
		done
	fi
	rm -rf --one-file-system "$UT"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# in_ct [-t SECS] CMD...: run CMD in the container (all its namespaces), at
# most SECS (default 30) seconds; refused unless the container is ours
in_ct() {
	local t=30
	if [ "$1" = -t ]; then
		t=$2
		shift 2
	fi
	[ "$CT_OK" = 1 ] || {
		echo "in_ct: no container" >&2
		return 125
	}
	timeout "$t" nsenter -t "$INIT" -a "$@"
}
# prop NAME: the service's property NAME
prop() { in_ct systemctl show -p "$1" --value "$UNIT"; }
# status_of PID FIELD: FIELD of /proc/PID/status in the container
status_of() { in_ct cat "/proc/$1/status" | awk -v f="$2:" '$1 == f {print $2}'; }
# wait_prop NAME VALUE SECS: wait until property NAME is VALUE
wait_prop() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		[ "$(prop "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
# wait_status PATTERN SECS: wait until StatusText matches PATTERN
wait_status() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		prop StatusText | grep -q -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
rules_loaded() { in_ct iptables -t mangle -S | grep -q -- "-A PREROUTING -i rmr-nic -j REMORA-PRE"; }
rules_queue() { in_ct iptables -t mangle -S REMORA-PRE | grep -q NFQUEUE; }
no_rules() { ! in_ct iptables -t mangle -S | grep -q REMORA; }
journal() { in_ct journalctl -q -o cat --no-pager -u "$UNIT"; }
# bail: the summary, and out (failed)
bail() {
	e2e_done
	exit 1
}

version=$(cache CMAKE_PROJECT_VERSION)
DEB=$E2E_BUILD/packages/remora-host_${version}_$(dpkg --print-architecture).deb
current=1
for dep in "$E2E_BUILD/remora-host" "$E2E_BUILD/CPackConfig.cmake" "$E2E_BUILD/remora-host.service" \
	"$E2E_ROOT/scripts/remora-host-rules" "$E2E_ROOT/systemd/host.conf"; do
	[ -f "$DEB" ] && [ "$DEB" -nt "$dep" ] || current=0
done
if [ "$current" = 1 ]; then
	e2e_log "package: $DEB"
else
	e2e_log "no current package in $E2E_BUILD/packages: cpack into $UT/packages"
	cpack --config "$E2E_BUILD/CPackConfig.cmake" -B "$UT/packages" >"$UT/cpack.log" 2>&1
	DEB=$UT/packages/$(basename "$DEB")
fi
check "remora-host's package ($(basename "$DEB"))" test -f "$DEB"
[ -f "$DEB" ] || bail

# --- the container's root: Debian with systemd and remora-host's libraries --
# the machine's Debian release (the package was built against it), else 12
# shellcheck disable=SC1091
suite=$(. /etc/os-release 2>/dev/null && [ "${ID:-}" = debian ] && echo "${VERSION_CODENAME:-}")
suite=${suite:-bookworm}
e2e_log "a Debian $suite root with systemd in $ROOTFS (mmdebstrap, about 20 s)"
# (in the background: a signal to the test is acted on at once)
timeout 100 mmdebstrap --variant=minbase \
	--include=systemd,systemd-sysv,dbus,iptables,iproute2,procps,libev4,libmnl0,libnetfilter-queue1,libnfnetlink0 \
	"$suite" "$ROOTFS" </dev/null >"$UT/mmdebstrap.log" 2>&1 &
MMDEB=$!
wait "$MMDEB"
rc=$?
MMDEB=
if [ "$rc" != 0 ]; then
	why=$(grep -m1 "Failed to fetch" "$UT/mmdebstrap.log" ||
		grep -m1 -E "Temporary failure resolving|Could not resolve|Could not connect|Connection timed out|Connection refused|Network is unreachable|No route to host" "$UT/mmdebstrap.log")
	[ "$rc" = 124 ] && why="mmdebstrap took more than 100 s"
	[ -z "$why" ] || e2e_skip "the Debian mirror cannot be reached, or too slowly: $why"
	check_eq "mmdebstrap builds the container's root" 0 "$rc"
	bail
fi

# --- boot it: its own network, PID, mount... namespaces; console detached ---
systemd-nspawn -D "$ROOTFS" --boot --private-network --console=passive --register=no --keep-unit \
	</dev/null >"$UT/nspawn.log" 2>&1 &
NSPAWN=$!
# its init: a child in another PID and network namespace than ours
for ((i = 0; i < 100; i++)); do
	for p in $(pgrep -P "$NSPAWN"); do
		if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = systemd ] &&
			[ "$(readlink "/proc/$p/ns/pid")" != "$(readlink /proc/self/ns/pid)" ] &&
			[ "$(readlink "/proc/$p/ns/net")" != "$(readlink /proc/self/ns/net)" ]; then
			INIT=$p
		fi
	done
	[ -n "$INIT" ] && break
	sleep 0.1
done
check "systemd-nspawn starts the container's systemd in namespaces of its own (init $INIT)" test -n "$INIT"
[ -n "$INIT" ] || bail
CT_PIDNS=$(readlink "/proc/$INIT/ns/pid")
NSPAWN_CGROUPS=$(cut -d: -f3 "/proc/$NSPAWN/cgroup" | sed 's|/supervisor$||' | sort -u)
CT_OK=1
# (systemctl answers once the container's systemd listens: retry until
# then, 60 s in all)
deadline=$((SECONDS + 60))
while [ "$SECONDS" -lt "$deadline" ]; do
	state=$(in_ct -t $((deadline - SECONDS + 1)) systemctl is-system-running --wait 2>/dev/null)
	case "$state" in running | degraded) break ;; esac
	sleep 0.5
done
check "the container's systemd has booted (is-system-running: '$state')" \
	grep -Eqx "running|degraded" <<<"$state"
[ "$state" != degraded ] || e2e_log "failed units in the container: $(in_ct systemctl --failed --plain --no-legend | tr '\n' ' ')"

# --- install the package; a veth inside the container stands for the NIC ---
cp "$DEB" "$ROOTFS/root/"
in_ct dpkg -i "/root/$(basename "$DEB")" >"$UT/dpkg.log" 2>&1
check_eq "dpkg -i installs $(basename "$DEB") in the container" 0 $?
check_eq "systemd knows the unit" loaded "$(prop LoadState)"
check "the installed unit is this tree's systemd/remora-host.service (else rebuild: cmake --build $E2E_BUILD)" \
	sh -c "sed 's|/usr/share/doc/remora/|/usr/share/doc/remora-host/|g' '$SRC_UNIT' | cmp -s - '$ROOTFS/usr/lib/systemd/system/$UNIT'"

# /dev/net/tun as distributions make it (udev: mode 0666; the daemon runs
# as a user of its own), whatever this machine's mode, which nspawn copies
in_ct chmod 0666 /dev/net/tun
in_ct ip link add rmr-nic type veth peer name rmr-peer &&
	in_ct ip address add "$E2E_HOST_IP/24" dev rmr-nic &&
	in_ct ip link set rmr-nic up && in_ct ip link set rmr-peer up
check_eq "a veth in the container's network namespace for the NIC" 0 $?
in_ct sed -i -e "s|^address = .*|address = $E2E_HOST_IP|" -e "s|^nic = .*|nic = rmr-nic|" \
	-e "s|^listen = .*|listen = unix:$LINK|" /etc/remora/host.conf
check_eq "the settings differ from the shipped ones only in address, nic and listen" 3 \
	"$(diff "$E2E_ROOT/systemd/host.conf" "$ROOTFS/etc/remora/host.conf" | grep -c '^>')"

# --- start ------------------------------------------------------------------
in_ct systemctl start "$UNIT"
check_eq "systemctl start succeeds" 0 $?
check_eq "the service is active" active "$(prop ActiveState)"
check_eq "the service is running" running "$(prop SubState)"
check_eq "STATUS: listening, no enclave yet" \
	"listening on unix:$LINK, queue 0; enclave not connected yet" "$(prop StatusText)"
check "the rules are in the container's mangle table" rules_loaded
check "the rules queue to the enclave" rules_queue

# check_daemon WHEN: the running daemon as the unit made it
check_daemon() {
	local pid set i
	pid=$(prop MainPID)
	check "$1: a main PID ($pid)" test "${pid:-0}" -gt 0
	# it gives them up right after READY=1, on which systemctl start
	# returns: 3 s at most
	for ((i = 0; i < 30; i++)); do
		[ "$(status_of "$pid" CapPrm)" = 0000000000001000 ] && break
		sleep 0.1
	done
	check "$1: runs as the unit's dynamic user, not root" test "$(status_of "$pid" Uid)" -gt 0
	for set in CapEff CapPrm; do
		check_eq "$1: $set holds CAP_NET_ADMIN only" 0000000000001000 "$(status_of "$pid" "$set")"
	done
	check_eq "$1: no inheritable capability" 0000000000000000 "$(status_of "$pid" CapInh)"
	check_eq "$1: no ambient capability" 0000000000000000 "$(status_of "$pid" CapAmb)"
	check_eq "$1: the bounding set is the unit's two" 0000000000003000 "$(status_of "$pid" CapBnd)"
	check_eq "$1: no new privileges" 1 "$(status_of "$pid" NoNewPrivs)"
	check_eq "$1: seccomp filter mode" 2 "$(status_of "$pid" Seccomp)"
	check "$1: the unit's seccomp filters on top of the container's ($(status_of "$pid" Seccomp_filters) > $(status_of 1 Seccomp_filters))" \
		test "$(status_of "$pid" Seccomp_filters)" -gt "$(status_of 1 Seccomp_filters)"
}
check_daemon "started"
started_logged() { journal | grep -q "^remora-host .*: listening on unix:$LINK"; }
for ((i = 0; i < 50; i++)); do started_logged && break; sleep 0.1; done
check "the journal has the daemon's start" started_logged
check_eq "the journal has no 'cannot drop capabilities'" "" "$(journal | grep 'cannot drop capabilities')"
# the unit lets it create its tun device and set it up (only /dev/net/tun
# of the host's devices, its settings through rtnetlink)
check "under the unit it injects through its tun device (journal: injecting through remora0)" \
	grep -q 'injecting through remora0' <<<"$(journal)"
check_eq "the journal has no 'cannot use the tun device'" "" "$(journal | grep 'cannot use the tun device')"

# --- an enclave: a root process (outside) through the container's /run ------
timeout 15 python3 "$E2E_ROOT/tests/e2e/fakepeer.py" connect "/proc/$INIT/root$LINK" 1 2 >"$UT/peer.log" 2>&1 &
peer=$!
wait_status "enclave connected" 5
check_eq "STATUS: the enclave connected" "enclave connected (fakepeer) on unix:$LINK" "$(prop StatusText)"
kill "$peer" 2>/dev/null
wait "$peer" 2>/dev/null
wait_status "enclave disconnected" 5
check "STATUS: the enclave left" grep -q "^enclave disconnected" <<<"$(prop StatusText)"

# --- a deliberate stop removes the rules --------------------------------------
in_ct systemctl stop "$UNIT"
check_eq "systemctl stop succeeds" 0 $?
check_eq "stopped: inactive" inactive "$(prop ActiveState)"
check_eq "stopped: result success" success "$(prop Result)"
check "stopped: the rules are gone" no_rules

# --- a failure: restarted after RestartSec, rules kept ----------------------
in_ct systemctl start "$UNIT"
old=$(prop MainPID)
in_ct systemctl kill -s KILL "$UNIT"
wait_prop NRestarts 1 10
check_eq "after a SIGKILL, systemd restarts the daemon" 1 "$(prop NRestarts)"
wait_prop SubState running 10
check "restarted: running, a new main PID" test "$(prop MainPID)" != "$old"
check "restarted: the rules are there" rules_loaded
check_daemon "restarted"

# the moment between the failure and the restart, made long by a drop-in
# (only RestartSec changes) so it can be looked at
in_ct sh -c "mkdir -p /run/systemd/system/$UNIT.d &&
	printf '[Service]\nRestartSec=60\n' >/run/systemd/system/$UNIT.d/restartsec.conf" &&
	in_ct systemctl daemon-reload
check_eq "a drop-in makes RestartSec 60 s" 1min "$(prop RestartUSec)"
in_ct systemctl kill -s KILL "$UNIT"
wait_prop SubState auto-restart 10
check_eq "after a SIGKILL: waiting to restart" auto-restart "$(prop SubState)"
check_eq "after a SIGKILL: result signal" signal "$(prop Result)"
check "after a SIGKILL: the rules stay (fail closed)" rules_loaded
in_ct systemctl stop "$UNIT"
check_eq "stopped before the restart: inactive" inactive "$(prop ActiveState)"
check "stopped before the restart: the rules stay (the failure's stop already ran)" rules_loaded

# --- down: nothing left ---------------------------------------------------------
ct_down
check "the container is gone" sh -c "! [ -e /proc/$INIT ] || [ \"\$(readlink /proc/$INIT/ns/pid)\" != '$CT_PIDNS' ]"
check "no mount left under $UT" sh -c "! findmnt -rn -o TARGET | grep -q '^$UT/'"
e2e_done
