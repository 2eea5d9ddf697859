// SPDX-License-Identifier: Apache-2.0
/* remora-enclave - command line */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enclave.h"
#include "remora/config.h"
#include "remora/ctl.h"
#include "remora/log.h"
#include "remora/opts.h"
#include "remora/query.h"

enum {
	ENCLAVE_OPT_ALLOW_IN = OPTS_FIRST_PRIVATE,
	ENCLAVE_OPT_ALLOW_OUT,
	ENCLAVE_OPT_DENY_OUT,
	ENCLAVE_OPT_SETUP_NET,
	ENCLAVE_OPT_MTU,
	ENCLAVE_OPT_LO_MTU,
	ENCLAVE_OPT_PORTS,
	ENCLAVE_OPT_RULES,
	ENCLAVE_OPT_APP_WAIT,
	ENCLAVE_OPT_NO_GSO,
	ENCLAVE_OPT_FALLBACK_QUEUE,
	ENCLAVE_OPT_RULES6,
	ENCLAVE_OPT_CAPTURE,
	ENCLAVE_OPT_TUN,
	ENCLAVE_OPT_ALLOW_OUT_NAME,
	ENCLAVE_OPT_RESOLVER,
	ENCLAVE_OPT_NAME_TTL_MIN,
	ENCLAVE_OPT_NAME_TTL_MAX,
	ENCLAVE_OPT_NAME_TIMEOUT,
	ENCLAVE_OPT_NAME_TABLE,
};

/* --allow-out/--deny-out: one rule more, or exit 2 */
static void enclave_rule_arg(struct policy *p, const char *flag, const char *s,
			     int allow)
{
	int rc = policy_add_out(p, s, allow);

	if (rc == -2)
		opts_usage_error("%s: more than %d rules", flag,
				 POLICY_MAX_RULES);
	if (rc)
		opts_usage_error(
			"%s: '%s' is not NET[/LEN][:PORTS] or [NET6[/LEN]][:PORTS] (e.g. 10.0.0.0/8, 0.0.0.0/0:53, 198.51.100.7:443 or [2001:db8::/32]:443; no host bits past LEN)",
			flag, s);
}

/* --allow-out-name: one rule more, or exit 2 */
static void enclave_name_arg(struct names_config *c, const char *s)
{
	int rc = names_add_rule(c, s);

	if (rc == -2)
		opts_usage_error("--allow-out-name: more than %d rules",
				 NAMES_MAX_RULES);
	if (rc)
		opts_usage_error(
			"--allow-out-name: '%s' is not NAME[:PORTS] or *.NAME[:PORTS] (e.g. kms.us-east-1.amazonaws.com:443 or *.example.com:443; labels of letters, digits, '-' and '_')",
			s);
}

/* One of the name policy's flags (@c, with @arg) into @n.
 * Return: 1 if @c was one of them, 0 if not (exit 2 on a bad value) */
static int enclave_names_opt(struct names_config *n, int c, const char *arg)
{
	switch (c) {
	case ENCLAVE_OPT_ALLOW_OUT_NAME:
		enclave_name_arg(n, arg);
		return 1;
	case ENCLAVE_OPT_RESOLVER:
		if (names_set_resolver(n, arg))
			opts_usage_error(
				"--resolver: '%s' is not IPV4 or IPV4,IPV6 (e.g. 169.254.169.253 or 169.254.169.253,fd00:ec2::253)",
				arg);
		return 1;
	case ENCLAVE_OPT_NAME_TTL_MIN:
		n->ttl_min = opts_u32("--name-ttl-min", arg, 1, 86400);
		return 1;
	case ENCLAVE_OPT_NAME_TTL_MAX:
		n->ttl_max = opts_u32("--name-ttl-max", arg, 1, 86400);
		return 1;
	case ENCLAVE_OPT_NAME_TIMEOUT:
		n->timeout = opts_u32("--name-timeout", arg, 1, 60);
		return 1;
	case ENCLAVE_OPT_NAME_TABLE:
		n->table = opts_u32("--name-table", arg, NAMES_ADDRS_MIN,
				    NAMES_ADDRS_MAX);
		return 1;
	default:
		return 0;
	}
}

/* The name policy's settings hold together, or exit 2 */
static void enclave_names_check(const struct names_config *c)
{
	if (c->nrules && !c->resolver)
		opts_usage_error(
			"--allow-out-name needs --resolver: the DNS server the enclave may use");
	if (!c->nrules && c->resolver)
		opts_usage_error(
			"--resolver is used only with --allow-out-name rules");
	if (c->ttl_min > c->ttl_max)
		opts_usage_error(
			"--name-ttl-min (%u s) is above --name-ttl-max (%u s)",
			c->ttl_min, c->ttl_max);
}

static const char enclave_usage[] =
	"Usage: remora-enclave --address IPV4 [OPTIONS] [-- COMMAND [ARGS...]]\n"
	"\n"
	"Give this enclave a real IP interface: packets the enclave sends are\n"
	"taken from NFQUEUE (or a tun device) and sent to remora-host over the\n"
	"link; packets from the host are checked and injected into the\n"
	"enclave's stack.\n"
	"Runs in the foreground, as PID 2 of the enclave image: with\n"
	"--setup-net it brings the enclave's network up itself (otherwise\n"
	"run remora-enclave-net up first), and given a COMMAND it starts it\n"
	"once the network is ready, passes SIGTERM/SIGINT on to it, and exits\n"
	"with its status when it exits.\n"
	"\n"
	"Options:\n"
	"  -a, --address IPV4        the enclave's address: the instance's,\n"
	"                            shared (required)\n"
	"      --address6 IPV6       the enclave's IPv6 address, the instance's,\n"
	"                            shared: IPv6 is carried too\n"
	"  -l, --link ADDR           where remora-host listens: vsock:CID:PORT,\n"
	"                            unix:PATH or tcp:HOST:PORT\n"
	"                            (default " ENCLAVE_DEFAULT_LINK ")\n"
	"      --capture MODE        where outbound packets are taken from:\n"
	"                            nfqueue (the rules send them to --queue),\n"
	"                            tun (the default routes go into a tun device\n"
	"                            remora-enclave opens: kernels without\n"
	"                            NFQUEUE, as AWS's enclave kernel) or auto:\n"
	"                            nfqueue where the kernel has it (default)\n"
	"      --tun NAME            the tun device of --capture tun (default\n"
	"                            " TUN_DEFAULT_NAME ")\n"
	"  -q, --queue N             NFQUEUE number of outbound packets\n"
	"                            (default 0; as --queue-num in the rules)\n"
	"      --queue-maxlen N      packets the kernel may hold (default 4096)\n"
	"      --fallback-queue N    second NFQUEUE, bound without GSO: super-packets\n"
	"                            remora-enclave cannot cut itself (UDP GSO) are\n"
	"                            requeued to it for the kernel to cut (default\n"
	"                            --queue + 1; no rule needs to name it)\n"
	"      --no-gso              take outbound packets one by one, as the kernel\n"
	"                            cuts them, instead of taking TCP super-packets\n"
	"                            whole and cutting them at their MSS (no\n"
	"                            --fallback-queue then)\n"
	"  -k, --keepalive SECS      keepalive interval (default 1)\n"
	"  -t, --peer-timeout SECS   give up a silent host after (default 5)\n"
	"  -r, --reconnect-max SECS  longest wait between reconnection attempts\n"
	"                            (default 5; the wait doubles from 0.1)\n"
	"  -v, --log-level LEVEL     error, warn, info, debug or trace\n"
	"                            (default info)\n"
	"\n"
	"The enclave's network (PID 2):\n"
	"      --setup-net           before forwarding: lo up with --lo-mtu, the\n"
	"                            --address on lo, the --ports range; with\n"
	"                            nfqueue, a default route out of lo with that\n"
	"                            source and --mtu, and the --rules loaded with\n"
	"                            iptables-restore (with tun, the default\n"
	"                            routes go into the tun, always, and no rule\n"
	"                            is needed)\n"
	"      --mtu BYTES           the largest packet the enclave sends: the MTU\n"
	"                            of its default route, or of the tun (default\n"
	"                            9001, as EC2's NICs; 1280 to 65536)\n"
	"      --lo-mtu BYTES        MTU of lo: the largest packet injected (into\n"
	"                            lo, or the tun) (default 65536: the host's\n"
	"                            super-packets go in whole; 1280 to 65536)\n"
	"      --ports LO-HI         the enclave's ephemeral port range, inside\n"
	"                            the ports the host gives it (default\n"
	"                            32768-60999)\n"
	"      --rules FILE          rules file for --setup-net (default\n"
	"                            " REMORA_DATADIR "/remora/enclave.rules)\n"
	"      --rules6 FILE         IPv6 rules file for --setup-net with\n"
	"                            --address6 (default\n"
	"                            " REMORA_DATADIR
	"/remora/enclave6.rules)\n"
	"      --app-wait SECS       with a COMMAND: wait this long for the link\n"
	"                            to remora-host before starting it anyway\n"
	"                            (default 10; 0: start it at once)\n"
	"\n"
	"Policy (the image's owner decides, whatever the host does):\n"
	"      --allow-in PORTS      TCP/UDP ports open to new inbound flows, e.g.\n"
	"                            443,8000-8100; replies to the enclave's own\n"
	"                            flows (its ephemeral ports) always pass (default:\n"
	"                            every port the host sends)\n"
	"      --allow-out NET[/LEN][:PORTS]\n"
	"                            destinations the enclave may send to; once one\n"
	"                            is given, all others are refused (repeatable);\n"
	"                            IPv6: [NET6[/LEN]][:PORTS]; a rule covers its\n"
	"                            own IP version\n"
	"      --deny-out NET[/LEN][:PORTS]\n"
	"                            destinations refused (repeatable); the first\n"
	"                            --allow-out/--deny-out that matches decides\n"
	"      --allow-out-name NAME[:PORTS]\n"
	"                            a destination by DNS name, or *.NAME for the\n"
	"                            names below it (repeatable); its addresses are\n"
	"                            learnt from the resolver's answers; once one is\n"
	"                            given, DNS may only go to --resolver, only for\n"
	"                            allowed names, and destinations no rule allows\n"
	"                            are refused\n"
	"      --resolver IPV4[,IPV6]\n"
	"                            the only DNS server the enclave may use\n"
	"                            (needed with --allow-out-name)\n"
	"      --name-ttl-min SECS   an admitted address lives at least this long\n"
	"                            (default 30)\n"
	"      --name-ttl-max SECS   and at most this long, whatever its TTL\n"
	"                            (default 3600); flows opened meanwhile go on\n"
	"      --name-timeout SECS   how long a query waits for its answer\n"
	"                            (default 5)\n"
	"      --name-table N        admitted addresses kept, at most, rounded up\n"
	"                            to a power of two (default 4096; flows: 4\n"
	"                            times as many)\n"
	"\n"
	"      --control PATH        control socket, read by --stats; root only\n"
	"                            (default " CTL_RUN_DIR
	"/enclave.sock; 'none': no socket)\n"
	"      --config FILE         read settings from FILE first: one 'key = value'\n"
	"                            per line, key = a long option's name; the\n"
	"                            command line wins\n"
	"      --stats               print the counters and state of the running\n"
	"                            remora-enclave (through --control) and exit\n"
	"  -h, --help                show this help\n"
	"  -V, --version             show the version\n"
	"\n"
	"Signals: SIGTERM/SIGINT stop cleanly (with a COMMAND: passed on to it);\n"
	"SIGUSR1 logs every counter.\n"
	"Exit status: 0 stopped cleanly, 1 start-up failed (or --stats could\n"
	"not reach the daemon), 2 bad usage, 159 a system call its seccomp\n"
	"filter refuses (the line before names it); with a COMMAND, its exit\n"
	"status (128 + N if killed by signal N; 127 if it cannot be "
	"started).\n";

static const struct option enclave_options[] = {
	OPTS_COMMON_LONG,
	{"link", required_argument, NULL, 'l'},
	{"reconnect-max", required_argument, NULL, 'r'},
	{"allow-in", required_argument, NULL, ENCLAVE_OPT_ALLOW_IN},
	{"allow-out", required_argument, NULL, ENCLAVE_OPT_ALLOW_OUT},
	{"deny-out", required_argument, NULL, ENCLAVE_OPT_DENY_OUT},
	{"setup-net", no_argument, NULL, ENCLAVE_OPT_SETUP_NET},
	{"mtu", required_argument, NULL, ENCLAVE_OPT_MTU},
	{"lo-mtu", required_argument, NULL, ENCLAVE_OPT_LO_MTU},
	{"ports", required_argument, NULL, ENCLAVE_OPT_PORTS},
	{"rules", required_argument, NULL, ENCLAVE_OPT_RULES},
	{"app-wait", required_argument, NULL, ENCLAVE_OPT_APP_WAIT},
	{"no-gso", no_argument, NULL, ENCLAVE_OPT_NO_GSO},
	{"fallback-queue", required_argument, NULL, ENCLAVE_OPT_FALLBACK_QUEUE},
	{"rules6", required_argument, NULL, ENCLAVE_OPT_RULES6},
	{"capture", required_argument, NULL, ENCLAVE_OPT_CAPTURE},
	{"tun", required_argument, NULL, ENCLAVE_OPT_TUN},
	{"allow-out-name", required_argument, NULL, ENCLAVE_OPT_ALLOW_OUT_NAME},
	{"resolver", required_argument, NULL, ENCLAVE_OPT_RESOLVER},
	{"name-ttl-min", required_argument, NULL, ENCLAVE_OPT_NAME_TTL_MIN},
	{"name-ttl-max", required_argument, NULL, ENCLAVE_OPT_NAME_TTL_MAX},
	{"name-timeout", required_argument, NULL, ENCLAVE_OPT_NAME_TIMEOUT},
	{"name-table", required_argument, NULL, ENCLAVE_OPT_NAME_TABLE},
	{NULL, 0, NULL, 0},
};

/**
 * enclave_config_parse() - fill @cfg from the command line, or exit 2
 * @cfg:	configuration
 * @argc:	argument count
 * @argv:	arguments
 */
void enclave_config_parse(struct enclave_config *cfg, int argc, char **argv)
{
	const char *link = ENCLAVE_DEFAULT_LINK;
	int c;

	memset(cfg, 0, sizeof(*cfg));
	opts_common_init(&cfg->c, "remora-enclave");
	config_expand(&argc, &argv, enclave_options, NULL);
	cfg->reconnect_max = 5;
	policy_init(&cfg->policy);
	names_config_init(&cfg->names);
	cfg->net.mtu = NETSETUP_DEFAULT_MTU;
	cfg->net.lo_mtu = NETSETUP_DEFAULT_LO_MTU;
	cfg->net.ports_lo = NETSETUP_DEFAULT_PORTS_LO;
	cfg->net.ports_hi = NETSETUP_DEFAULT_PORTS_HI;
	cfg->net.rules = REMORA_DATADIR "/remora/enclave.rules";
	cfg->net.rules6 = REMORA_DATADIR "/remora/enclave6.rules";
	cfg->app_wait = 10;
	cfg->fallback_queue = -1;
	cfg->capture = CAPTURE_AUTO;
	cfg->tun_name = TUN_DEFAULT_NAME;

	/* '+': options end at the first non-option, so a COMMAND's own
	 * flags after "--" are never taken for ours */
	while ((c = opts_next(argc, argv, "+:" OPTS_COMMON_SHORT "l:r:",
			      enclave_options, &cfg->c, enclave_usage)) != -1) {
		switch (c) {
		case 'l':
			link = optarg;
			break;
		case ENCLAVE_OPT_SETUP_NET:
			cfg->setup_net = 1;
			break;
		case ENCLAVE_OPT_MTU:
		case ENCLAVE_OPT_LO_MTU:
			if (netsetup_parse_mtu(optarg,
					       c == ENCLAVE_OPT_MTU
						       ? &cfg->net.mtu
						       : &cfg->net.lo_mtu))
				opts_usage_error(
					"%s: '%s' is not a number from %u to %u",
					c == ENCLAVE_OPT_MTU ? "--mtu"
							     : "--lo-mtu",
					optarg, NETSETUP_MIN_MTU,
					NETSETUP_MAX_MTU);
			break;
		case ENCLAVE_OPT_PORTS:
			if (netsetup_parse_range(optarg, &cfg->net.ports_lo,
						 &cfg->net.ports_hi))
				opts_usage_error(
					"--ports: '%s' is not a port range LO-HI (e.g. 32768-60999)",
					optarg);
			break;
		case ENCLAVE_OPT_RULES:
			cfg->net.rules = optarg;
			break;
		case ENCLAVE_OPT_RULES6:
			cfg->net.rules6 = optarg;
			break;
		case ENCLAVE_OPT_APP_WAIT:
			cfg->app_wait =
				opts_seconds("--app-wait", optarg, 0, 3600);
			break;
		case ENCLAVE_OPT_CAPTURE:
			if (capture_parse(optarg, &cfg->capture))
				opts_usage_error(
					"--capture: '%s' is not auto, nfqueue or tun",
					optarg);
			break;
		case ENCLAVE_OPT_TUN:
			cfg->tun_name = opts_ifname("--tun", optarg);
			break;
		case ENCLAVE_OPT_NO_GSO:
			cfg->no_gso = 1;
			break;
		case ENCLAVE_OPT_FALLBACK_QUEUE:
			cfg->fallback_queue = (int)opts_u32("--fallback-queue",
							    optarg, 0, 65535);
			break;
		case ENCLAVE_OPT_ALLOW_IN:
			if (policy_set_in(&cfg->policy, optarg))
				opts_usage_error(
					"--allow-in: '%s' is not a port list (e.g. 443,8000-8100)",
					optarg);
			break;
		case ENCLAVE_OPT_ALLOW_OUT:
			enclave_rule_arg(&cfg->policy, "--allow-out", optarg,
					 1);
			break;
		case ENCLAVE_OPT_DENY_OUT:
			enclave_rule_arg(&cfg->policy, "--deny-out", optarg, 0);
			break;
		case 'r':
			cfg->reconnect_max = opts_seconds(
				"--reconnect-max", optarg, RECONNECT_MIN, 3600);
			break;
		default:
			if (!enclave_names_opt(&cfg->names, c, optarg))
				opts_getopt_error(c, argv);
		}
	}
	/* "--" then a COMMAND: the application */
	if (optind > 1 && optind <= argc && !strcmp(argv[optind - 1], "--") &&
	    !cfg->c.stats) {
		if (optind == argc)
			opts_usage_error(
				"'--' must be followed by the command to start");
		cfg->app_argv = &argv[optind];
		argc = optind;
	}
	opts_common_check(&cfg->c, argc, argv);
	if (cfg->c.stats)
		return;
	if (cfg->fallback_queue == cfg->c.queue)
		opts_usage_error(
			"--fallback-queue: %d is --queue's number; it must be another",
			cfg->fallback_queue);
	enclave_names_check(&cfg->names);
	cfg->net.addr = cfg->c.addr;
	cfg->net.have_addr6 = cfg->c.have_addr6;
	memcpy(cfg->net.addr6, cfg->c.addr6, 16);
	cfg->net.queue = cfg->c.queue;
	/* replies to the enclave's own flows come to its ephemeral ports */
	portset_clear(&cfg->policy.reply_ports);
	portset_add_range(&cfg->policy.reply_ports, cfg->net.ports_lo,
			  cfg->net.ports_hi);
	opts_link("--link", link, &cfg->link);
	if (cfg->link.kind == TRANSPORT_VSOCK &&
	    cfg->link.cid == TRANSPORT_CID_ANY)
		opts_usage_error(
			"--link: a vsock CID to connect to is needed (3 is the parent instance)");
	log_init("remora-enclave", cfg->c.level);
}

int main(int argc, char **argv)
{
	static struct enclave e;

	opts_init("remora-enclave");
	log_init("remora-enclave", LOG_LVL_INFO);
	enclave_config_parse(&e.cfg, argc, argv);
	if (e.cfg.c.stats)
		return query_report(e.cfg.c.control, "remora-enclave", stdout);
	return enclave_run(&e);
}
