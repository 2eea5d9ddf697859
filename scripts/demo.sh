#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# remora demo: install the dependencies, build, then give an "enclave" (a
# network namespace with only lo) a real IP interface through both daemons,
# and show real traffic both ways. Run as root. Everything happens inside
# namespaces made for the demo (198.18.0.0/15 addresses) and is removed at
# the end; nothing on this machine's own network changes.
#
#   scripts/demo.sh [--no-install]
#
# With REMORA_BUILD set, the daemons already built there are used as they
# are (the test suite runs the demo that way). Exit status 0 when every
# step did what it shows.
set -u
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
	echo "demo: run as root (network namespaces, iptables, NFQUEUE): sudo $0" >&2
	# under the test suite (REMORA_BUILD set) that is a skip, not a failure
	[ -n "${REMORA_BUILD:-}" ] && exit 77
	exit 1
fi
if [ "${1:-}" != --no-install ]; then
	scripts/install-deps.sh || exit 1
fi
if [ -z "${REMORA_BUILD:-}" ]; then
	scripts/build.sh || exit 1
fi

. tests/e2e/lib.sh
E2E_NAME=demo
e2e_require curl socat dig ping dnsmasq
E2E_IPV6=1 # dual-stack: the enclave shares the host's IPv4 and IPv6 addresses
e2e_topology
if [ -t 1 ]; then
	say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
else
	say() { printf '\n== %s\n' "$*"; }
fi

say "topology"
cat <<TXT
  internet ns  eth0 $E2E_NET_IP/24 $E2E_NET_IP6/64      servers, resolver, clients
      | veth
  host ns      eth0 $E2E_HOST_IP/24 $E2E_HOST_IP6/64      remora-host + its rules (the instance)
      | unix socket $E2E_TMP/link.sock (vsock on Nitro)
  enclave ns   lo only, $E2E_HOST_IP/32 $E2E_HOST_IP6/128  remora-enclave + its rules, apps
TXT
in_encl ip -brief addr show
in_encl ip route show
in_encl ip -6 route show

say "starting remora-host and remora-enclave"
e2e_daemons
grep -h "link up" "$E2E_TMP"/remora-*.log

say "outbound: curl in the enclave fetches a page from the internet"
e2e_bg web net socat -T 30 TCP-LISTEN:80,bind=$E2E_NET_IP,reuseaddr,fork \
	SYSTEM:"echo HTTP/1.0 200 OK; echo; echo hello from the internet - seen by the enclave"
e2e_wait_listen in_net tcp 80
page=$(in_encl curl -sS --max-time 10 "http://$E2E_NET_IP/")
echo "$page"
check_eq "the enclave fetched the page" "hello from the internet - seen by the enclave" "$page"

say "outbound: 50 MB download into the enclave, checked"
head -c $((50 << 20)) /dev/urandom >"$E2E_TMP/big.bin"
e2e_http_file big 8080 "$E2E_TMP/big.bin"
in_encl curl -sS --max-time 60 -o "$E2E_TMP/got.bin" -w '%{size_download} bytes at %{speed_download} bytes/s\n' "http://$E2E_NET_IP:8080/"
check "the 50 MB arrived identical" cmp -s "$E2E_TMP/big.bin" "$E2E_TMP/got.bin"

say "inbound: a client on the internet reaches a server in the enclave on the host's address"
e2e_bg encl-web encl socat -T 30 TCP-LISTEN:443,bind=$E2E_HOST_IP,reuseaddr,fork \
	SYSTEM:"echo hello from inside the enclave on port 443"
e2e_wait_listen in_encl tcp 443
got=$(in_net socat -T 5 - TCP:$E2E_HOST_IP:443 </dev/null)
echo "$got"
check_eq "the client reached the enclave" "hello from inside the enclave on port 443" "$got"

say "UDP: a DNS query from the enclave to a resolver on the internet"
e2e_bg dnsmasq net dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts \
	--listen-address=$E2E_NET_IP --bind-interfaces --address=/demo.remora.test/192.0.2.10 --user=root
e2e_wait_listen in_net udp 53
got=$(in_encl dig +short +time=3 @$E2E_NET_IP demo.remora.test A)
echo "demo.remora.test -> $got"
check_eq "the resolver answered the enclave" 192.0.2.10 "$got"

say "ICMP: ping from the enclave"
out=$(in_encl ping -n -c 3 -i 0.2 -W 2 $E2E_NET_IP)
tail -n 2 <<<"$out"
check "the enclave's pings were answered" grep -q " 3 received" <<<"$out"

say "IPv6: curl over IPv6 in the enclave, and a client reaching the enclave over IPv6"
e2e_bg web6 net socat -T 30 "TCP6-LISTEN:80,bind=[$E2E_NET_IP6],reuseaddr,fork" \
	SYSTEM:"echo HTTP/1.0 200 OK; echo; echo hello over IPv6 - seen by the enclave"
e2e_bg encl-web6 encl socat -T 30 "TCP6-LISTEN:443,bind=[$E2E_HOST_IP6],reuseaddr,fork" \
	SYSTEM:"echo hello from inside the enclave over IPv6"
e2e_wait_listen in_net tcp 80 && e2e_wait_listen in_encl tcp 443
page=$(in_encl curl -6 -sS --max-time 10 "http://[$E2E_NET_IP6]/")
echo "$page"
check_eq "the enclave fetched the page over IPv6" "hello over IPv6 - seen by the enclave" "$page"
got=$(in_net socat -T 5 - "TCP6:[$E2E_HOST_IP6]:443" </dev/null)
echo "$got"
check_eq "the enclave answered over IPv6" "hello from inside the enclave over IPv6" "$got"
out=$(in_encl ping -6 -n -c 3 -i 0.2 -W 2 "$E2E_NET_IP6")
tail -n 2 <<<"$out"
check "the enclave's IPv6 pings were answered" grep -q " 3 received" <<<"$out"

say "the host keeps its own: port 22 answers from the host, not the enclave"
e2e_bg host-ssh host socat -T 30 TCP-LISTEN:22,bind=$E2E_HOST_IP,reuseaddr,fork SYSTEM:"echo SSH-2.0-host"
e2e_bg encl-22 encl socat -T 30 TCP-LISTEN:22,bind=$E2E_HOST_IP,reuseaddr,fork SYSTEM:"echo enclave"
e2e_wait_listen in_host tcp 22 && e2e_wait_listen in_encl tcp 22
got=$(in_net socat -T 5 - TCP:$E2E_HOST_IP:22 </dev/null)
echo "$got"
check_eq "port 22 answered from the host" SSH-2.0-host "$got"

say "counters and state, non-zero lines of remora-enclave --stats and remora-host --stats"
for d in remora-enclave remora-host; do
	echo "$d:"
	e2e_stats "$d" | awk '$2 != 0' | sort | sed 's/^/  /'
done

say "done: stopping the daemons and removing the namespaces"
e2e_done
