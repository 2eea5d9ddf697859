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

enum {
	HOST_OPT_METRICS = OPTS_FIRST_PRIVATE,
	HOST_OPT_NO_GSO,
	HOST_OPT_ALLOW_METADATA,
	HOST_OPT_ENCLAVE_UID,
	HOST_OPT_INJECT,
	HOST_OPT_TUN,
};

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
	{NULL, 0, NULL, 0},
};

/* Settings of the host file that belong to remora-host-rules alone */
static const char *const host_rules_only[] = {"nic", "ephemeral", NULL};

/* Parse a port list flag or exit 2 */
static void host_ports_arg(const char *flag, const char *s, struct portset *ps)
{
	if (portset_parse(ps, s))
		opts_usage_error(
			"%s: '%s' is not a port list (e.g. 80,443,1024-61439)",
			flag, s);
}

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

/**
 * host_config_parse() - fill @cfg from the command line, or exit 2
 * @cfg:	configuration
 * @argc:	argument count
 * @argv:	arguments
 */
void host_config_parse(struct host_config *cfg, int argc, char **argv)
{
	const char *listen = HOST_DEFAULT_LISTEN;
	struct portset host_ports;
	int c;

	memset(cfg, 0, sizeof(*cfg));
	opts_common_init(&cfg->c, "remora-host");
	config_expand(&argc, &argv, host_options, host_rules_only);
	cfg->enclave_cid = HOST_NO_CID;
	cfg->enclave_uid = TRANSPORT_UID_NONE;
	cfg->mark = HOST_DEFAULT_MARK;
	cfg->tun_name = TUN_DEFAULT_NAME;
	portset_parse(&cfg->ports, HOST_DEFAULT_ENCLAVE_PORTS);
	portset_parse(&host_ports, HOST_DEFAULT_HOST_PORTS);

	while ((c = opts_next(argc, argv, ":" OPTS_COMMON_SHORT "l:c:p:P:m:",
			      host_options, &cfg->c, host_usage)) != -1) {
		switch (c) {
		case 'l':
			listen = optarg;
			break;
		case 'c':
			cfg->enclave_cid = opts_u32("--enclave-cid", optarg, 3,
						    0xfffffffeU);
			break;
		case 'p':
			host_ports_arg("--enclave-ports", optarg, &cfg->ports);
			break;
		case 'P':
			host_ports_arg("--host-ports", optarg, &host_ports);
			break;
		case 'm':
			cfg->mark = opts_u32("--mark", optarg, 1, 0xffffffffU);
			break;
		case HOST_OPT_ENCLAVE_UID:
			cfg->enclave_uid = opts_u32("--enclave-uid", optarg, 0,
						    TRANSPORT_UID_NONE - 1);
			break;
		case HOST_OPT_NO_GSO:
			cfg->no_gso = 1;
			break;
		case HOST_OPT_ALLOW_METADATA:
			cfg->out_flags |= PKT_OUT_ALLOW_METADATA;
			break;
		case HOST_OPT_INJECT:
			cfg->inject = host_inject_arg(optarg);
			break;
		case HOST_OPT_TUN:
			cfg->tun_name = opts_ifname("--tun", optarg);
			break;
		case HOST_OPT_METRICS:
			host_metrics_arg(optarg);
			cfg->metrics = optarg;
			break;
		default:
			opts_getopt_error(c, argv);
		}
	}
	opts_common_check(&cfg->c, argc, argv);
	log_init("remora-host", cfg->c.level);
	if (cfg->c.stats)
		return;
	opts_link("--listen", listen, &cfg->listen);
	if (cfg->listen.kind == TRANSPORT_VSOCK &&
	    cfg->enclave_cid == HOST_NO_CID)
		opts_usage_error(
			"--enclave-cid is required with a vsock listen address: only that enclave may connect");
	portset_subtract(&cfg->ports, &host_ports);
	if (!portset_count(&cfg->ports))
		opts_usage_error(
			"--enclave-ports: no port is left to the enclave once --host-ports are taken out");
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
