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

enum {
	ENCLAVE_OPT_ALLOW_IN = OPTS_FIRST_PRIVATE,
	ENCLAVE_OPT_ALLOW_OUT,
	ENCLAVE_OPT_DENY_OUT,
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
		opts_usage_error("%s: '%s' is not NET[/LEN][:PORTS] (e.g. "
				 "10.0.0.0/8, 0.0.0.0/0:53 or "
				 "198.51.100.7:443; no host bits past LEN)",
				 flag, s);
}

static const char enclave_usage[] =
	"Usage: remora-enclave --address IPV4 [OPTIONS]\n"
	"\n"
	"Give this enclave a real IP interface: packets the enclave sends are\n"
	"taken from NFQUEUE and sent to remora-host over the link; packets\n"
	"from the host are checked and injected into the enclave's stack.\n"
	"Runs in the foreground (PID 2 in the enclave image); load the\n"
	"enclave rules and address (remora-enclave-net up) first.\n"
	"\n"
	"Options:\n"
	"  -a, --address IPV4        the enclave's address: the instance's,\n"
	"                            shared (required)\n"
	"  -l, --link ADDR           where remora-host listens: "
	"vsock:CID:PORT,\n"
	"                            unix:PATH or tcp:HOST:PORT\n"
	"                            (default " ENCLAVE_DEFAULT_LINK ")\n"
	"  -q, --queue N             NFQUEUE number of outbound packets\n"
	"                            (default 0; as --queue-num in the rules)\n"
	"      --queue-maxlen N      packets the kernel may hold (default "
	"4096)\n"
	"  -k, --keepalive SECS      keepalive interval (default 1)\n"
	"  -t, --peer-timeout SECS   give up a silent host after (default 5)\n"
	"  -r, --reconnect-max SECS  longest wait between reconnection "
	"attempts\n"
	"                            (default 5; the wait doubles from 0.1)\n"
	"  -v, --log-level LEVEL     error, warn, info, debug or trace\n"
	"                            (default info)\n"
	"\n"
	"Policy (the image's owner decides, whatever the host does):\n"
	"      --allow-in PORTS      TCP/UDP ports open to new inbound flows, "
	"e.g.\n"
	"                            443,8000-8100; replies to the enclave's "
	"own\n"
	"                            flows (its ephemeral ports) always pass "
	"(default:\n"
	"                            every port the host sends)\n"
	"      --allow-out NET[/LEN][:PORTS]\n"
	"                            destinations the enclave may send to; "
	"once one\n"
	"                            is given, all others are refused "
	"(repeatable)\n"
	"      --deny-out NET[/LEN][:PORTS]\n"
	"                            destinations refused (repeatable); the "
	"first\n"
	"                            --allow-out/--deny-out that matches "
	"decides\n"
	"\n"
	"      --control PATH        control socket, read by --stats; root "
	"only\n"
	"                            (default " CTL_RUN_DIR "/enclave.sock; "
	"'none': no socket)\n"
	"      --config FILE         read settings from FILE first: one "
	"'key = value'\n"
	"                            per line, key = a long option's name; "
	"the\n"
	"                            command line wins\n"
	"      --stats               print the counters and state of the "
	"running\n"
	"                            remora-enclave (through --control) and "
	"exit\n"
	"  -h, --help                show this help\n"
	"  -V, --version             show the version\n"
	"\n"
	"Signals: SIGTERM/SIGINT stop cleanly; SIGUSR1 logs every counter.\n"
	"Exit status: 0 stopped cleanly, 1 start-up failed, 2 bad usage.\n";

static const struct option enclave_options[] = {
	OPTS_COMMON_LONG,
	{"link", required_argument, NULL, 'l'},
	{"reconnect-max", required_argument, NULL, 'r'},
	{"allow-in", required_argument, NULL, ENCLAVE_OPT_ALLOW_IN},
	{"allow-out", required_argument, NULL, ENCLAVE_OPT_ALLOW_OUT},
	{"deny-out", required_argument, NULL, ENCLAVE_OPT_DENY_OUT},
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

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":" OPTS_COMMON_SHORT "l:r:",
				enclave_options, NULL)) != -1) {
		if (opts_common_parse(&cfg->c, c, optarg, enclave_usage))
			continue;
		switch (c) {
		case 'l':
			link = optarg;
			break;
		case ENCLAVE_OPT_ALLOW_IN:
			if (policy_set_in(&cfg->policy, optarg))
				opts_usage_error(
					"--allow-in: '%s' is not a "
					"port list (e.g. 443,8000-8100)",
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
			cfg->reconnect_max =
				opts_seconds("--reconnect-max", optarg,
					     ENCLAVE_RECONNECT_MIN, 3600);
			break;
		default:
			opts_getopt_error(c, argv);
		}
	}
	opts_common_check(&cfg->c, argc, argv);
	if (cfg->c.stats)
		return;
	opts_link("--link", link, &cfg->link);
	if (cfg->link.kind == TRANSPORT_VSOCK &&
	    cfg->link.cid == TRANSPORT_CID_ANY)
		opts_usage_error("--link: a vsock CID to connect to is needed "
				 "(3 is the parent instance)");
	log_init("remora-enclave", cfg->c.level);
}

int main(int argc, char **argv)
{
	static struct enclave e;

	opts_init("remora-enclave");
	log_init("remora-enclave", LOG_LVL_INFO);
	enclave_config_parse(&e.cfg, argc, argv);
	if (e.cfg.c.stats)
		return ctl_query(e.cfg.c.control, "remora-enclave", stdout);
	return enclave_run(&e);
}
