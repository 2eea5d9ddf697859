// SPDX-License-Identifier: Apache-2.0
/* remora-enclave - command line */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enclave.h"
#include "remora/log.h"
#include "remora/opts.h"

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
	"  -h, --help                show this help\n"
	"  -V, --version             show the version\n"
	"\n"
	"Signals: SIGTERM/SIGINT stop cleanly; SIGUSR1 logs every counter.\n"
	"Exit status: 0 stopped cleanly, 1 start-up failed, 2 bad usage.\n";

enum { OPT_QUEUE_MAXLEN = 256 };

static const struct option enclave_options[] = {
	{"address", required_argument, NULL, 'a'},
	{"link", required_argument, NULL, 'l'},
	{"queue", required_argument, NULL, 'q'},
	{"queue-maxlen", required_argument, NULL, OPT_QUEUE_MAXLEN},
	{"keepalive", required_argument, NULL, 'k'},
	{"peer-timeout", required_argument, NULL, 't'},
	{"reconnect-max", required_argument, NULL, 'r'},
	{"log-level", required_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
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
	enum log_level lvl = LOG_LVL_INFO;
	int have_addr = 0, c;

	memset(cfg, 0, sizeof(*cfg));
	cfg->queue_maxlen = NFQUEUE_DEFAULT_MAXLEN;
	cfg->ka_interval = 1;
	cfg->peer_timeout = 5;
	cfg->reconnect_max = 5;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":a:l:q:k:t:r:v:hV",
				enclave_options, NULL)) != -1) {
		switch (c) {
		case 'a':
			cfg->addr = opts_ipv4("--address", optarg);
			have_addr = 1;
			break;
		case 'l':
			link = optarg;
			break;
		case 'q':
			cfg->queue =
				(uint16_t)opts_u32("--queue", optarg, 0, 65535);
			break;
		case OPT_QUEUE_MAXLEN:
			cfg->queue_maxlen =
				opts_u32("--queue-maxlen", optarg, 1, 1 << 20);
			break;
		case 'k':
			cfg->ka_interval =
				opts_seconds("--keepalive", optarg, 0.05, 3600);
			break;
		case 't':
			cfg->peer_timeout = opts_seconds("--peer-timeout",
							 optarg, 0.1, 86400);
			break;
		case 'r':
			cfg->reconnect_max =
				opts_seconds("--reconnect-max", optarg,
					     ENCLAVE_RECONNECT_MIN, 3600);
			break;
		case 'v':
			if (log_parse_level(optarg, &lvl))
				opts_usage_error("--log-level: '%s' is not one "
						 "of error, warn, info, debug, "
						 "trace",
						 optarg);
			break;
		case 'h':
			fputs(enclave_usage, stdout);
			exit(EXIT_SUCCESS);
		case 'V':
			printf("remora-enclave %s (link protocol %u)\n",
			       REMORA_VERSION, REMORA_PROTO_VERSION);
			exit(EXIT_SUCCESS);
		default:
			opts_getopt_error(c, argv);
		}
	}
	if (optind < argc)
		opts_usage_error("unexpected argument '%s'", argv[optind]);
	if (!have_addr)
		opts_usage_error("--address is required: the instance's IPv4 "
				 "address, which the enclave shares");
	if (transport_parse(link, &cfg->link))
		opts_usage_error("--link: '%s' is not a link address "
				 "(vsock:CID:PORT, unix:PATH or tcp:HOST:PORT)",
				 link);
	if (cfg->link.kind == TRANSPORT_VSOCK &&
	    cfg->link.cid == TRANSPORT_CID_ANY)
		opts_usage_error("--link: a vsock CID to connect to is needed "
				 "(3 is the parent instance)");
	if (cfg->peer_timeout <= cfg->ka_interval)
		opts_usage_error("--peer-timeout (%g s) must be longer than "
				 "--keepalive (%g s)",
				 cfg->peer_timeout, cfg->ka_interval);
	log_init("remora-enclave", lvl);
}

int main(int argc, char **argv)
{
	static struct enclave e;

	opts_init("remora-enclave");
	log_init("remora-enclave", LOG_LVL_INFO);
	enclave_config_parse(&e.cfg, argc, argv);
	return enclave_run(&e);
}
