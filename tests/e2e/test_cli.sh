#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The command line: useful --help and --version, bad flags refused with a
# clear message and exit status 2, a missing privilege or a busy queue
# reported clearly with exit status 1.
. "$(dirname "$0")/lib.sh"
B=$E2E_BUILD
[ -x "$B/remora-host" ] && [ -x "$B/remora-enclave" ] || e2e_skip "daemons not built in $B"

# expect STATUS PATTERN DESCRIPTION CMD...: exit status and a line of output
expect() {
	local want=$1 pat=$2 desc=$3 out rc
	shift 3
	out=$(timeout 10 "$@" 2>&1 </dev/null)
	rc=$?
	if [ "$rc" = "$want" ] && grep -q -- "$pat" <<<"$out"; then
		ok "$desc"
	else
		not_ok "$desc (status $rc, output: $(head -n 2 <<<"$out" | tr '\n' ' '))"
	fi
}

for d in remora-host remora-enclave; do
	expect 0 "Usage: $d --address IPV4" "$d --help prints usage" "$B/$d" --help
	expect 0 "--log-level LEVEL" "$d --help documents every flag" "$B/$d" -h
	expect 0 "^$d 0\.[0-9.]* (link protocol 1)" "$d --version" "$B/$d" --version
	expect 2 "unknown option '--bogus'" "$d rejects an unknown flag" "$B/$d" --bogus
	expect 2 "unknown option '-Z'" "$d rejects an unknown short flag" "$B/$d" -Z
	expect 2 "option '--queue' needs a value" "$d: flag without its value" "$B/$d" --address 198.18.0.1 --queue
	expect 2 "--address is required" "$d requires --address" "$B/$d"
	expect 2 "--address: '1.2.3' is not an IPv4 address" "$d rejects a bad address" "$B/$d" -a 1.2.3
	expect 2 "--address: 127.0.0.1 cannot be the shared address" "$d rejects a loopback address" "$B/$d" -a 127.0.0.1 -l unix:/x
	expect 2 "--address: 224.0.0.1 cannot be the shared address" "$d rejects a multicast address" "$B/$d" -a 224.0.0.1 -l unix:/x
	expect 2 "--queue: '70000' is not a number from 0 to 65535" "$d rejects a queue out of range" "$B/$d" -a 198.18.0.1 -q 70000
	expect 2 "--log-level: 'loud' is not one of" "$d rejects a bad log level" "$B/$d" -a 198.18.0.1 -v loud
	expect 2 "--peer-timeout (1 s) must be longer than --keepalive (2 s)" "$d checks timeouts" "$B/$d" -a 198.18.0.1 -l unix:/x -k 2 -t 1
	expect 2 "unexpected argument 'extra'" "$d rejects stray arguments" "$B/$d" -a 198.18.0.1 extra
	expect 2 "Try '$d --help'" "$d points at --help" "$B/$d" --bogus
done
# the settings file (--config) and the reporting flags
tmp=$(mktemp -d /tmp/remora-cli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
printf '# settings\naddress = 198.18.0.1\n\nbogus-key = 1\n' >"$tmp/bad.conf"
printf 'address = 198.18.0.1\nqueue = 70000\n' >"$tmp/range.conf"
printf 'address = 198.18.0.1\nnic = eth0\nephemeral = keep\nlisten = udp:1:2\n' >"$tmp/host.conf"
printf 'address = 198.18.0.1\nlink = udp:1:2\n' >"$tmp/override.conf"
for d in remora-host remora-enclave; do
	expect 0 "--config FILE" "$d --help documents --config" "$B/$d" --help
	expect 0 "--stats" "$d --help documents --stats" "$B/$d" --help
	expect 0 "--control PATH" "$d --help documents --control" "$B/$d" --help
	expect 2 "--config: cannot read /nonexistent.conf: No such file or directory" \
		"$d: a settings file that cannot be read" "$B/$d" --config /nonexistent.conf
	expect 2 "--config: $tmp/bad.conf: line 4: unknown setting 'bogus-key'" \
		"$d: an unknown setting names its line" "$B/$d" --config "$tmp/bad.conf"
	expect 2 "--queue: '70000' is not a number" \
		"$d: a bad value in the settings file is refused as on the command line" "$B/$d" --config "$tmp/range.conf"
	expect 2 "--control: 'rel/x' is not an absolute path" "$d rejects a relative control path" \
		"$B/$d" -a 198.18.0.1 --control rel/x
	expect 1 "cannot reach the daemon at $tmp/none.sock" "$d --stats without a daemon exits 1" \
		"$B/$d" --stats --control "$tmp/none.sock"
	expect 2 "--stats needs a control socket" "$d --stats with --control none" \
		"$B/$d" --stats --control none
done
# the command line wins over the file: its --link replaces the file's
expect 2 "a vsock CID to connect to is needed" "a flag on the command line wins over the settings file" \
	"$B/remora-enclave" --config "$tmp/override.conf" --link vsock:any:5000
expect 2 "--listen: 'udp:1:2' is not a link address" \
	"remora-host skips the rules script's keys (nic, ephemeral) and reads the rest" \
	"$B/remora-host" --config "$tmp/host.conf"
expect 2 "--allow-out: '10.0.0.1/8' is not NET\[/LEN\]\[:PORTS\]" "remora-enclave refuses a rule with host bits set" \
	"$B/remora-enclave" -a 198.18.0.1 --allow-out 10.0.0.1/8
expect 2 "--deny-out: 'example.com' is not NET" "remora-enclave refuses a rule by name" \
	"$B/remora-enclave" -a 198.18.0.1 --deny-out example.com
expect 2 "--allow-out: '0.0.0.0/0:' is not NET" "remora-enclave refuses a rule with an empty port list" \
	"$B/remora-enclave" -a 198.18.0.1 --allow-out 0.0.0.0/0:
expect 2 "--allow-in: '80,x' is not a port list" "remora-enclave refuses a bad inbound allowlist" \
	"$B/remora-enclave" -a 198.18.0.1 --allow-in 80,x
expect 0 "--allow-out NET" "remora-enclave --help documents the policy" "$B/remora-enclave" --help
# egress by name: each setting refused with what is wrong
expect 2 "--allow-out-name needs --resolver" "remora-enclave refuses name rules without a resolver" \
	"$B/remora-enclave" -a 198.18.0.1 --allow-out-name example.com:443
expect 2 "--resolver is used only with --allow-out-name" "remora-enclave refuses a resolver without name rules" \
	"$B/remora-enclave" -a 198.18.0.1 --resolver 198.18.0.53
expect 2 "--allow-out-name: 'a..example.com' is not NAME\[:PORTS\]" "remora-enclave refuses a name with an empty label" \
	"$B/remora-enclave" -a 198.18.0.1 --resolver 198.18.0.53 --allow-out-name a..example.com
expect 2 "--allow-out-name: '\*' is not NAME" "remora-enclave refuses a bare wildcard" \
	"$B/remora-enclave" -a 198.18.0.1 --resolver 198.18.0.53 --allow-out-name '*'
expect 2 "--allow-out-name: 'example.com:' is not NAME" "remora-enclave refuses a name rule with an empty port list" \
	"$B/remora-enclave" -a 198.18.0.1 --resolver 198.18.0.53 --allow-out-name example.com:
expect 2 "--resolver: '198.18.0.53,nope' is not IPV4 or IPV4,IPV6" "remora-enclave refuses a bad resolver" \
	"$B/remora-enclave" -a 198.18.0.1 --resolver 198.18.0.53,nope --allow-out-name example.com
expect 2 "--name-ttl-min (60 s) is above --name-ttl-max (30 s)" "remora-enclave refuses a TTL range upside down" \
	"$B/remora-enclave" -a 198.18.0.1 --resolver 198.18.0.53 --allow-out-name example.com --name-ttl-min 60 --name-ttl-max 30
expect 2 "--name-table" "remora-enclave refuses a name table below its minimum" \
	"$B/remora-enclave" -a 198.18.0.1 --resolver 198.18.0.53 --allow-out-name example.com --name-table 8
expect 2 "--name-timeout" "remora-enclave refuses a query timeout of 0" \
	"$B/remora-enclave" -a 198.18.0.1 --resolver 198.18.0.53 --allow-out-name example.com --name-timeout 0
expect 0 "--allow-out-name NAME" "remora-enclave --help documents the name rules" "$B/remora-enclave" --help
printf 'address = 198.18.0.1\nresolver = 198.18.0.53\nallow-out-name = *.example.com:443\nallow-out-name = a..example.com\n' >"$tmp/names.conf"
expect 2 "--allow-out-name: 'a..example.com' is not NAME" "remora-enclave reads name rules from its settings file, each checked" \
	"$B/remora-enclave" --config "$tmp/names.conf"

expect 2 "--ports: '10-9' is not a port range LO-HI" "remora-enclave refuses a bad --ports range" \
	"$B/remora-enclave" -a 198.18.0.1 --ports 10-9
expect 2 "--mtu: '70000' is not a number from 1280 to 65536" "remora-enclave refuses an MTU out of range" \
	"$B/remora-enclave" -a 198.18.0.1 --mtu 70000
expect 2 "'--' must be followed by the command to start" "remora-enclave: '--' without a command" \
	"$B/remora-enclave" -a 198.18.0.1 --
expect 2 "unexpected argument 'app'" "remora-enclave: a command without '--' is refused" \
	"$B/remora-enclave" -a 198.18.0.1 app
expect 0 "--setup-net" "remora-enclave --help documents --setup-net" "$B/remora-enclave" --help
expect 2 "--metrics: 'localhost:9810' is not IPV4:PORT" "remora-host rejects a metrics address by name" \
	"$B/remora-host" -a 198.18.0.1 --metrics localhost:9810
expect 2 "--metrics: '127.0.0.1' is not IPV4:PORT" "remora-host rejects a metrics address without port" \
	"$B/remora-host" -a 198.18.0.1 --metrics 127.0.0.1
expect 2 "--listen: 'udp:1:2' is not a link address" "remora-host rejects a bad link address" "$B/remora-host" -a 198.18.0.1 -l udp:1:2
# --inject and --tun: a value the parser accepts goes on to the next
# check (here the bad --listen after it)
expect 0 "--inject HOW" "remora-host --help documents --inject" "$B/remora-host" --help
expect 0 "--tun NAME" "remora-host --help documents --tun" "$B/remora-host" --help
for how in auto tun raw; do
	expect 2 "--listen: 'udp:1:2' is not a link address" "remora-host accepts --inject $how" \
		"$B/remora-host" -a 198.18.0.1 --inject "$how" -l udp:1:2
done
for how in bogus TUN '' 'raw '; do
	expect 2 "--inject: '$how' is not auto, tun or raw" "remora-host rejects --inject '$how'" \
		"$B/remora-host" -a 198.18.0.1 --inject "$how" -l udp:1:2
done
for name in remora1 r abcdefghijklmno tun-0.x_y; do
	expect 2 "--listen: 'udp:1:2' is not a link address" "remora-host accepts --tun $name" \
		"$B/remora-host" -a 198.18.0.1 --tun "$name" -l udp:1:2
done
for name in '' abcdefghijklmnop a/b a:b 'a b' . ..; do
	expect 2 "--tun: '$name' is not an interface name (1 to 15 characters, no spaces, '/' or ':')" \
		"remora-host rejects --tun '$name'" "$B/remora-host" -a 198.18.0.1 --tun "$name" -l udp:1:2
done
printf 'address = 198.18.0.1\ninject = raw\ntun = a/b\n' >"$tmp/tun.conf"
expect 2 "--tun: 'a/b' is not an interface name" "remora-host rejects a bad tun name in the settings file" \
	"$B/remora-host" --config "$tmp/tun.conf"
expect 2 "--enclave-cid is required with a vsock listen address" "remora-host requires the enclave CID on vsock" "$B/remora-host" -a 198.18.0.1
expect 2 "--enclave-ports: '80,x' is not a port list" "remora-host rejects a bad port list" "$B/remora-host" -a 198.18.0.1 -l unix:/x -p 80,x
expect 2 "no port is left to the enclave" "remora-host refuses an empty enclave port set" "$B/remora-host" -a 198.18.0.1 -l unix:/x -p 22 -P 22

# several enclaves: what tells them apart must differ; each names its own
H="$B/remora-host"
expect 2 "enclave a has no address" "remora-host: a named enclave needs its own address" \
	"$H" --enclave a -l unix:/x
expect 2 "--enclave: 'a b' is not an enclave name" "remora-host rejects a bad enclave name" \
	"$H" --enclave "a b" -a 198.18.0.11
expect 2 "--enclave: 'a' is defined twice" "remora-host rejects an enclave defined twice" \
	"$H" --enclave a -a 198.18.0.11 -l unix:/x --enclave a -a 198.18.0.12 -l unix:/y
expect 2 "--enclave e: at most 4 enclaves" "remora-host serves at most 4 enclaves" \
	"$H" --enclave a --enclave b --enclave c --enclave d --enclave e
expect 2 "--address, --address6 and --enclave-cid are each enclave's own" \
	"remora-host refuses an address outside the sections once enclaves are named" \
	"$H" -a 198.18.0.1 --enclave a -a 198.18.0.11 -l unix:/x
expect 2 "--address: 127.0.0.1 cannot be enclave a's address" "remora-host rejects a loopback enclave address" \
	"$H" --enclave a -a 127.0.0.1 -l unix:/x
expect 2 "enclave b: --enclave-cid is required with a vsock listen address" \
	"remora-host requires each enclave's CID on vsock" \
	"$H" --enclave a -a 198.18.0.11 -c 16 --enclave b -a 198.18.0.12
expect 2 "enclaves a and b have the same address 198.18.0.11" "remora-host refuses two enclaves of one address" \
	"$H" --enclave a -a 198.18.0.11 -l unix:/x --enclave b -a 198.18.0.11 -l unix:/y
expect 2 "enclaves a and b have the same queue 3" "remora-host refuses two enclaves of one queue" \
	"$H" --enclave a -a 198.18.0.11 -l unix:/x -q 3 --enclave b -a 198.18.0.12 -l unix:/y -q 3
expect 2 "enclaves a and b both listen on unix:/x: on a unix: or tcp: link only the listener tells enclaves apart" \
	"remora-host refuses two enclaves on one unix listener" \
	"$H" -l unix:/x --enclave a -a 198.18.0.11 --enclave b -a 198.18.0.12
expect 2 "enclaves a and b both connect from vsock CID 16" "remora-host refuses two enclaves of one CID" \
	"$H" --enclave a -a 198.18.0.11 -c 16 --enclave b -a 198.18.0.12 -c 16
expect 2 "--enclave-to-enclave: there is one enclave" "remora-host refuses --enclave-to-enclave with one enclave" \
	"$H" -a 198.18.0.1 -l unix:/x --enclave-to-enclave
printf 'listen = unix:/x\n[enclave a]\naddress = 198.18.0.11\n[bogus]\n' >"$tmp/sections.conf"
expect 2 "line 4: unknown section '\[bogus\]'" "remora-host names the line of an unknown section" \
	"$H" --config "$tmp/sections.conf"
printf 'address = 198.18.0.1\n[enclave a]\n' >"$tmp/sections.conf"
expect 2 "line 2: unknown section '\[enclave a\]' (only \[enclave NAME\], in remora-host's settings)" \
	"remora-enclave refuses enclave sections in its settings" "$B/remora-enclave" --config "$tmp/sections.conf"
# the rules script reads the same sections
R=$E2E_ROOT/scripts/remora-host-rules
printf 'nic = eth0\nqueue = 4\n[enclave a]\naddress = 198.18.0.11\n[enclave b]\naddress = 198.18.0.12\nenclave-ports = 8000\n' >"$tmp/sections.conf"
out=$("$R" print --config "$tmp/sections.conf" 2>&1)
check "rules: each enclave's new flows go to its queue, matched by its address" \
	grep -q -- "-A REMORA-PRE -d 198.18.0.12 -p tcp --dport 8000 -m conntrack ! --ctstate ESTABLISHED,RELATED -j NFQUEUE --queue-num 5" <<<"$out"
check "rules: ...and the replies to its flows" \
	grep -q -- "-A REMORA-PRE -d 198.18.0.11 -m connmark --mark 0x52 -j NFQUEUE --queue-num 4" <<<"$out"
check_eq "rules: no rule of an enclave without its address" 0 \
	"$(grep -- '-A REMORA-PRE -p \|-A REMORA-PRE -m connmark' <<<"$out" | grep -vc -- '-d ')"
expect 2 "enclaves a and c have the same address 198.18.0.11" "rules: two enclaves of one address are refused" \
	"$R" print --config "$tmp/sections.conf" --enclave c --address 198.18.0.11
expect 2 "enclave c has no address" "rules: an enclave without an address is refused" \
	"$R" print --config "$tmp/sections.conf" --enclave c
expect 2 "line 8: unknown section '\[host x\]'" "rules: an unknown section is refused with its line" \
	sh -c "printf '[host x]\n' >>'$tmp/sections.conf'; '$R' print --config '$tmp/sections.conf'"
expect 2 "--ephemeral 61440-65535 overlaps --enclave-ports (1-65535 of enclave a)" \
	"rules: the host's ephemeral range may overlap no enclave's ports" \
	"$R" print --nic eth0 --enclave a --address 198.18.0.11 --enclave-ports 1-65535
expect 2 "--link: 'vsock:x:1' is not a link address" "remora-enclave rejects a bad link address" "$B/remora-enclave" -a 198.18.0.1 -l vsock:x:1
expect 2 "a vsock CID to connect to is needed" "remora-enclave refuses vsock:any" "$B/remora-enclave" -a 198.18.0.1 -l vsock:any:5000
expect 2 "--capture: 'queue' is not auto, nfqueue or tun" "remora-enclave rejects a bad --capture" "$B/remora-enclave" -a 198.18.0.1 --capture queue
expect 2 "--tun: 'a/b' is not an interface name" "remora-enclave rejects a bad --tun" "$B/remora-enclave" -a 198.18.0.1 --tun a/b

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && command -v unshare >/dev/null; then
	# fresh network namespaces, so nothing outside is touched
	# remora-host opens its raw socket first; remora-enclave binds its
	# queue first (auto: the kernel's answer decides the capture)
	for d in remora-host:CAP_NET_RAW remora-enclave:CAP_NET_ADMIN; do
		expect 1 "needs ${d#*:}" "${d%%:*} without privileges says what it needs" \
			unshare -n setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
			"$B/${d%%:*}" -a 198.18.0.1 -l unix:/tmp/remora-cli-$$.sock --control none
	done
	expect 1 "cannot open the tun device remora0: .* (needs CAP_NET_ADMIN and /dev/net/tun: run as root)" \
		"remora-enclave --capture tun without privileges says what it needs" \
		unshare -n setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$B/remora-enclave" -a 198.18.0.1 -l unix:/tmp/remora-cli-$$.sock --control none --capture tun
	# (-k 10: once, in a sanitizer build, LeakSanitizer's check at exit
	# never ended; a daemon that does not stop is killed, not waited for)
	out=$(unshare -n sh -c "ip link set lo up; timeout -k 10 -s INT 2 $B/remora-host -a 198.18.0.1 -l unix:/tmp/remora-cli-$$.sock --control none" 2>&1)
	check "remora-host warns when --address is not one of the host's" \
		grep -q "198.18.0.1 is not an address of this host" <<<"$out"
	out=$(unshare -n sh -c "ip link set lo up; timeout -k 10 -s INT 2 $B/remora-host -a 198.18.0.1 -l vsock:any:5000 -c 16 --control none" 2>&1)
	check "remora-host listens on a vsock address" grep -q "listening on vsock:any:5000" <<<"$out"
	out=$(unshare -n sh -c "ip link set lo up; timeout -k 10 -s INT 2 $B/remora-enclave -a 198.18.0.1 -l vsock:3:5000 --control none" 2>&1)
	if grep -q "No such device" <<<"$out"; then
		check "remora-enclave explains a missing vsock transport" \
			grep -q "no vsock transport here" <<<"$out"
	fi
	# inside the test's own directory, which the EXIT trap removes (a
	# second mktemp into $tmp left the first behind on every run)
	q=$tmp/queue
	mkdir "$q"
	unshare -n sh -c "
		'$B/remora-enclave' -a 198.18.0.1 -l unix:$q/none.sock -q 7 --control none >$q/first.log 2>&1 &
		first=\$!
		for i in \$(seq 50); do grep -q connecting $q/first.log && break; sleep 0.1; done
		timeout 10 '$B/remora-enclave' -a 198.18.0.1 -l unix:$q/none.sock -q 7 --control none >$q/second.log 2>&1
		echo \$? >$q/second.rc
		kill \$first; wait \$first"
	check_eq "a second daemon on the same queue exits with status 1" 1 "$(cat "$q/second.rc")"
	check "... and says the queue is held by another process" \
		grep -q "cannot bind NFQUEUE 7: .*another process already holds this queue number" "$q/second.log"
else
	e2e_log "privilege checks skipped: need root, setpriv and unshare"
fi
e2e_done
