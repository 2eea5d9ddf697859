// SPDX-License-Identifier: Apache-2.0
/* remora-host - command line */

#include <getopt.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "remora/config.h"
#include "remora/ctl.h"
#include "remora/log.h"
#include "remora/opts.h"
#include "remora/pkt.h"
#include "remora/query.h"

static const char host_usage[] =
	"Usage: remora-host --address IPV4 [OPTIONS]\n"
	"\n"
	"Give a Nitro Enclave the instance's network: packets from the enclave\n"
	"arrive on the link and are sent as the host's own; packets for the\n"
	"enclave's ports (and replies to its flows) are taken from NFQUEUE and\n"
	"sent over the link. Load the host rules (remora-host-rules up) first.\n"
	"\n"
	"Options:\n"
	"  -a, --address IPV4        the instance address the enclave shares\n"
	"                            (required)\n"
	"      --address6 IPV6       the instance's IPv6 address the enclave shares:\n"
	"                            IPv6 is carried too (the rules script then\n"
	"                            loads ip6tables rules as well)\n"
	"  -l, --listen ADDR         link address to listen on: vsock:CID:PORT,\n"
	"                            unix:PATH or tcp:HOST:PORT\n"
	"                            (default " HOST_DEFAULT_LISTEN ")\n"
	"  -c, --enclave-cid CID     the only vsock CID allowed to connect\n"
	"                            (required with a vsock address)\n"
	"      --enclave-uid UID     on a unix: link, the user allowed to connect\n"
	"                            besides root (remora-enclave's, if it runs\n"
	"                            unprivileged); on vsock: and tcp: the peer\n"
	"                            must connect from a port below 1024\n"
	"  -q, --queue N             NFQUEUE number of packets for the enclave\n"
	"                            (default 0; as --queue-num in the rules)\n"
	"      --queue-maxlen N      packets the kernel may hold (default 4096)\n"
	"  -p, --enclave-ports LIST  ports the enclave owns, e.g. 80,443,1024-61439\n"
	"                            (default " HOST_DEFAULT_ENCLAVE_PORTS ")\n"
	"  -P, --host-ports LIST     ports that stay the host's even inside the\n"
	"                            enclave's (default " HOST_DEFAULT_HOST_PORTS
	")\n"
	"  -m, --mark MARK           SO_MARK of injected packets (default 0x52;\n"
	"                            must match the rules)\n"
	"  -k, --keepalive SECS      keepalive interval (default 1)\n"
	"  -t, --peer-timeout SECS   give up a silent enclave after (default 5)\n"
	"  -v, --log-level LEVEL     error, warn, info, debug or trace\n"
	"                            (default info)\n"
	"      --control PATH        control socket, read by --stats; root only\n"
	"                            (default " CTL_RUN_DIR
	"/host.sock; 'none': no socket)\n"
	"      --metrics IPV4:PORT   serve the counters to Prometheus at\n"
	"                            http://IPV4:PORT/metrics (default: off; use a\n"
	"                            local address, e.g. 127.0.0.1:9810)\n"
	"      --allow-metadata      let the enclave reach the instance metadata\n"
	"                            service and the credential endpoints\n"
	"                            (169.254.169.254, 169.254.170.2, 169.254.170.23,\n"
	"                            fd00:ec2::254, fd00:ec2::23): it then gets the\n"
	"                            instance role's credentials (default: refused)\n"
	"      --inject HOW          how the enclave's packets are sent: tun (its\n"
	"                            super-packets whole, through a tun device with\n"
	"                            offloads: the NIC or the kernel cuts them;\n"
	"                            single packets in batches through a raw\n"
	"                            socket), raw (everything through the raw\n"
	"                            socket, one segment at a time), or auto: tun\n"
	"                            where this host allows it, else raw, saying\n"
	"                            why (default auto)\n"
	"      --tun NAME            the tun device's name (default " TUN_DEFAULT_NAME
	")\n"
	"      --no-gso              take packets for the enclave one by one, not as\n"
	"                            the kernel aggregated them (GSO/GRO): slower;\n"
	"                            for comparison and troubleshooting\n"
	"      --config FILE         read settings from FILE first: one 'key = value'\n"
	"                            per line, key = a long option's name; the\n"
	"                            rules script's nic and ephemeral are ignored;\n"
	"                            the command line wins\n"
	"      --stats               print the counters and state of the running\n"
	"                            remora-host (through --control) and exit\n"
	"\n"
	"Several enclaves (up to 4), each with its own address:\n"
	"      --enclave NAME        the settings after it are enclave NAME's own\n"
	"                            (in the --config file: an [enclave NAME]\n"
	"                            section): --address (required), --address6,\n"
	"                            --enclave-cid, --enclave-uid, --listen,\n"
	"                            --queue, --enclave-ports, --host-ports,\n"
	"                            --allow-metadata. Given before the first\n"
	"                            enclave, the last six are every enclave's\n"
	"                            default; each enclave's queue is --queue plus\n"
	"                            its place, unless it names one. On a vsock\n"
	"                            listener an enclave is told by its CID; a\n"
	"                            unix: or tcp: listener serves one enclave\n"
	"      --enclave-to-enclave  hand an enclave's TCP and UDP packets for\n"
	"                            another enclave's address and ports to that\n"
	"                            enclave (default: refused and counted,\n"
	"                            l2i_drop_enclave)\n"
	"\n"
	"  -h, --help                show this help\n"
	"  -V, --version             show the version\n"
	"\n"
	"Signals: SIGTERM/SIGINT stop cleanly; SIGUSR1 logs every counter.\n"
	"Exit status: 0 stopped cleanly, 1 start-up failed (or --stats could not\n"
	"reach the daemon), 2 bad usage, 159 a system call its seccomp filter\n"
	"refuses (the line before names it).\n";

static const struct option host_options[] = {
	OPTS_COMMON_LONG,
	{"listen", required_argument, NULL, 'l'},
	{"enclave-cid", required_argument, NULL, 'c'},
	{"enclave-uid", required_argument, NULL, HOST_OPT_ENCLAVE_UID},
	{"enclave-ports", required_argument, NULL, 'p'},
	{"host-ports", required_argument, NULL, 'P'},
	{"mark", required_argument, NULL, 'm'},
	{"metrics", required_argument, NULL, HOST_OPT_METRICS},
	{"no-gso", no_argument, NULL, HOST_OPT_NO_GSO},
	{"allow-metadata", no_argument, NULL, HOST_OPT_ALLOW_METADATA},
	{"inject", required_argument, NULL, HOST_OPT_INJECT},
	{"tun", required_argument, NULL, HOST_OPT_TUN},
	{"enclave", required_argument, NULL, HOST_OPT_ENCLAVE},
	{"enclave-to-enclave", no_argument, NULL, HOST_OPT_BETWEEN},
	{NULL, 0, NULL, 0},
};

/* Settings of the host file that belong to remora-host-rules alone */
static const char *const host_rules_only[] = {"nic", "ephemeral", NULL};

/* --metrics takes a numeric IPv4 address and port, or exit 2 */
static void host_metrics_arg(const char *s)
{
	struct transport_addr a;
	char spec[TRANSPORT_ADDR_MAX];

	if ((size_t)snprintf(spec, sizeof(spec), "tcp:%s", s) >= sizeof(spec) ||
	    transport_parse(spec, &a) || a.ss.ss_family != AF_INET)
		opts_usage_error(
			"--metrics: '%s' is not IPV4:PORT (e.g. 127.0.0.1:9810)",
			s);
}

/* --inject auto|tun|raw, or exit 2 */
static enum host_inject host_inject_arg(const char *s)
{
	if (!strcmp(s, "auto"))
		return HOST_INJECT_AUTO;
	if (!strcmp(s, "tun"))
		return HOST_INJECT_TUN;
	if (!strcmp(s, "raw"))
		return HOST_INJECT_RAW;
	opts_usage_error("--inject: '%s' is not auto, tun or raw", s);
}

/* The enclaves filled and checked; the common options given what their
 * checks and the shared code read of them */
static void host_config_finish(struct host_config *cfg, int argc, char **argv)
{
	struct host_enclaves *es = &cfg->es;
	int i;

	if (es->defaults.set & HOST_SET_QUEUE)
		cfg->c.queue = es->defaults.queue;
	if (es->named && !cfg->c.stats) {
		/* each enclave's address is checked as its own */
		host_enclaves_finish(es, cfg->c.queue);
		cfg->c.addr = es->e[0].addr;
		cfg->c.have_addr = 1;
	} else if (es->defaults.set & HOST_SET_ADDR) {
		cfg->c.addr = es->defaults.addr;
		cfg->c.have_addr = 1;
	}
	opts_common_check(&cfg->c, argc, argv);
	log_init("remora-host", cfg->c.level);
	if (cfg->c.stats)
		return;
	if (!es->named)
		host_enclaves_finish(es, cfg->c.queue);
	cfg->c.queue = es->e[0].queue;
	for (i = 0; i < es->n; i++)
		cfg->c.have_addr6 |= es->e[i].have_addr6;
	if (cfg->between && es->n < 2)
		opts_usage_error(
			"--enclave-to-enclave: there is one enclave: name several ([enclave NAME] sections)");
}

/**
 * host_config_parse() - fill @cfg from the command line, or exit 2
 * @cfg:	configuration
 * @argc:	argument count
 * @argv:	arguments
 */
void host_config_parse(struct host_config *cfg, int argc, char **argv)
{
	int c;

	memset(cfg, 0, sizeof(*cfg));
	opts_common_init(&cfg->c, "remora-host");
	config_expand(&argc, &argv, host_options, host_rules_only);
	host_enclaves_init(&cfg->es, HOST_DEFAULT_LISTEN, cfg->c.queue);
	cfg->mark = HOST_DEFAULT_MARK;
	cfg->tun_name = TUN_DEFAULT_NAME;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":" OPTS_COMMON_SHORT "l:c:p:P:m:",
				host_options, NULL)) != -1) {
		/* an enclave's settings first: --address and --queue are
		 * among them */
		if (host_enclaves_opt(&cfg->es, c, optarg) ||
		    opts_common_parse(&cfg->c, c, optarg, host_usage))
			continue;
		switch (c) {
		case 'm':
			cfg->mark = opts_u32("--mark", optarg, 1, 0xffffffffU);
			break;
		case HOST_OPT_NO_GSO:
			cfg->no_gso = 1;
			break;
		case HOST_OPT_INJECT:
			cfg->inject = host_inject_arg(optarg);
			break;
		case HOST_OPT_TUN:
			cfg->tun_name = opts_ifname("--tun", optarg);
			break;
		case HOST_OPT_BETWEEN:
			cfg->between = 1;
			break;
		case HOST_OPT_METRICS:
			host_metrics_arg(optarg);
			cfg->metrics = optarg;
			break;
		default:
			opts_getopt_error(c, argv);
		}
	}
	host_config_finish(cfg, argc, argv);
}

int main(int argc, char **argv)
{
	static struct host h;

	opts_init("remora-host");
	log_init("remora-host", LOG_LVL_INFO);
	host_config_parse(&h.cfg, argc, argv);
	if (h.cfg.c.stats)
		return query_report(h.cfg.c.control, "remora-host", stdout);
	return host_run(&h);
}
