// SPDX-License-Identifier: Apache-2.0
/* remora - command-line value parsing shared by both daemons */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <net/if.h>
#include <string.h>

#include "remora/ctl.h"
#include "remora/frame.h"
#include "remora/nfqueue.h"
#include "remora/opts.h"
#include "remora/pkt.h"
#include "remora/transport.h"

static const char *opts_prog = "remora";

/**
 * opts_init() - set the program name used in messages
 * @prog:	e.g. "remora-host"
 */
void opts_init(const char *prog)
{
	opts_prog = prog;
}

/**
 * opts_usage_error() - say what is wrong with the command line, exit 2
 * @fmt:	printf format
 */
void opts_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", opts_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", opts_prog);
	exit(OPTS_EXIT_USAGE);
}

/**
 * opts_getopt_error() - report what getopt_long() refused, exit 2
 * @c:	getopt_long()'s return, ':' (value missing) or '?' (unknown);
 *	the option string must start with ':'
 * @argv:	arguments
 */
void opts_getopt_error(int c, char **argv)
{
	const char *arg = argv[optind - 1];

	if (c == ':') {
		if (optopt && arg[1] != '-')
			opts_usage_error("option '-%c' needs a value", optopt);
		opts_usage_error("option '%s' needs a value", arg);
	}
	if (optopt)
		opts_usage_error("unknown option '-%c'", optopt);
	opts_usage_error("unknown option '%s'", arg);
}

/**
 * opts_u32() - parse a whole number in [@min, @max] or exit 2
 * @flag:	the option, for the message
 * @s:	text given
 * @min:	smallest value accepted
 * @max:	largest value accepted
 *
 * Accepts decimal, or hexadecimal with 0x.
 *
 * Return: the value
 */
uint32_t opts_u32(const char *flag, const char *s, uint32_t min, uint32_t max)
{
	const char *digits = s;
	unsigned long long v = 0;
	char *end = NULL;
	int base = 10;

	/* decimal, or hexadecimal with 0x; never octal: "010" is ten */
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		digits = s + 2;
		base = 16;
	}
	/* strtoull() would take leading blanks and signs: refuse them */
	errno = 0;
	if (isxdigit((unsigned char)*digits))
		v = strtoull(digits, &end, base);
	if (!end || end == digits || *end || errno || v < min || v > max)
		opts_usage_error("%s: '%s' is not a number from %u to %u", flag,
				 s, min, max);
	return (uint32_t)v;
}

/**
 * opts_seconds() - parse a duration in seconds (fractions allowed) or exit 2
 * @flag:	the option, for the message
 * @s:	text given
 * @min:	shortest accepted
 * @max:	longest accepted
 *
 * Return: seconds
 */
double opts_seconds(const char *flag, const char *s, double min, double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= min && v <= max))
		opts_usage_error(
			"%s: '%s' is not a duration from %g to %g seconds",
			flag, s, min, max);
	return v;
}

/**
 * opts_ipv4() - parse a dotted-quad IPv4 address or exit 2
 * @flag:	the option, for the message
 * @s:	text given
 *
 * Return: address in network byte order
 */
uint32_t opts_ipv4(const char *flag, const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		opts_usage_error("%s: '%s' is not an IPv4 address", flag, s);
	return a.s_addr;
}

/**
 * opts_ipv6() - parse an IPv6 address that can be shared, or exit 2
 * @flag:	the option, for the message
 * @s:	text given
 * @out:	16 bytes
 *
 * A unicast address that can be used on the internet: not ::, ::1, an
 * IPv4-mapped one, link-local or multicast.
 */
void opts_ipv6(const char *flag, const char *s, uint8_t *out)
{
	if (inet_pton(AF_INET6, s, out) != 1)
		opts_usage_error("%s: '%s' is not an IPv6 address", flag, s);
	if (pkt_addr6_martian(out))
		opts_usage_error(
			"%s: '%s' cannot be an instance's address (unspecified, loopback, IPv4-mapped, link-local or multicast)",
			flag, s);
}

/**
 * opts_common_init() - defaults of the common options
 * @o:	options
 * @prog:	"remora-host" or "remora-enclave": names the control socket
 */
void opts_common_init(struct opts_common *o, const char *prog)
{
	*o = (struct opts_common){.queue_maxlen = NFQUEUE_DEFAULT_MAXLEN,
				  .ka_interval = 1,
				  .peer_timeout = 5,
				  .level = LOG_LVL_INFO};
	snprintf(o->control, sizeof(o->control), "%s/%s.sock", CTL_RUN_DIR,
		 strncmp(prog, "remora-", 7) ? prog : prog + 7);
}

/**
 * opts_common_parse() - take one option if it is a common one
 * @o:	options
 * @c:	getopt_long()'s return
 * @arg:	its value
 * @usage:	text printed for --help
 *
 * --help and --version print and exit 0; a bad value exits 2.
 *
 * Return: 1 if @c was a common option, 0 otherwise
 */
int opts_common_parse(struct opts_common *o, int c, const char *arg,
		      const char *usage)
{
	switch (c) {
	case 'a':
		o->addr = opts_ipv4("--address", arg);
		o->have_addr = 1;
		return 1;
	case OPTS_ADDRESS6:
		opts_ipv6("--address6", arg, o->addr6);
		o->have_addr6 = 1;
		return 1;
	case 'q':
		o->queue = (uint16_t)opts_u32("--queue", arg, 0, 65535);
		return 1;
	case OPTS_QUEUE_MAXLEN:
		o->queue_maxlen = opts_u32("--queue-maxlen", arg, 1, 1 << 20);
		return 1;
	case 'k':
		o->ka_interval = opts_seconds("--keepalive", arg, 0.05, 3600);
		return 1;
	case 't':
		o->peer_timeout =
			opts_seconds("--peer-timeout", arg, 0.1, 86400);
		return 1;
	case 'v':
		if (log_parse_level(arg, &o->level))
			opts_usage_error(
				"--log-level: '%s' is not one of error, warn, info, debug, trace",
				arg);
		return 1;
	case OPTS_CONFIG:
		return 1; /* read before the command line: config_expand() */
	case OPTS_CONTROL:
		if (strlen(arg) >= sizeof(o->control))
			opts_usage_error(
				"--control: path longer than %zu bytes",
				sizeof(o->control) - 1);
		if (*arg && arg[0] != '/' && strcmp(arg, "none"))
			opts_usage_error(
				"--control: '%s' is not an absolute path (or 'none')",
				arg);
		strcpy(o->control, strcmp(arg, "none") ? arg : "");
		o->have_control = 1;
		return 1;
	case OPTS_STATS:
		o->stats = 1;
		return 1;
	case 'h':
		fputs(usage, stdout);
		exit(EXIT_SUCCESS);
	case 'V':
		printf("%s %s (link protocol %u)\n", opts_prog, REMORA_VERSION,
		       REMORA_PROTO_VERSION);
		exit(EXIT_SUCCESS);
	default:
		return 0;
	}
}

/**
 * opts_common_check() - what must hold once every option is read, or exit 2
 * @o:	options
 * @argc:	argument count
 * @argv:	arguments, of which getopt_long() has read up to optind
 */
void opts_common_check(const struct opts_common *o, int argc, char **argv)
{
	if (optind < argc)
		opts_usage_error("unexpected argument '%s'", argv[optind]);
	if (o->stats) {
		if (!o->control[0])
			opts_usage_error(
				"--stats needs a control socket (--control PATH)");
		return;
	}
	if (!o->have_addr)
		opts_usage_error(
			"--address is required: the instance's IPv4 address, which the enclave shares");
	if (pkt_addr_martian(o->addr))
		opts_usage_error(
			"--address: %s cannot be the shared address (loopback, unspecified, multicast or reserved)",
			inet_ntoa((struct in_addr){.s_addr = o->addr}));
	if (o->peer_timeout <= o->ka_interval)
		opts_usage_error(
			"--peer-timeout (%g s) must be longer than --keepalive (%g s)",
			o->peer_timeout, o->ka_interval);
}

/**
 * opts_link() - parse a link address or exit 2
 * @flag:	the option, for the message
 * @s:	text given
 * @a:	result
 */
void opts_link(const char *flag, const char *s, struct transport_addr *a)
{
	if (transport_parse(s, a))
		opts_usage_error(
			"%s: '%s' is not a link address (vsock:CID:PORT, unix:PATH or tcp:HOST:PORT)",
			flag, s);
}

/**
 * opts_own() - the shared addresses the options give, as the checks take
 *		them
 * @o:		parsed common options
 * @own:	filled: --address, and --address6 if given
 */
void opts_own(const struct opts_common *o, struct pkt_own *own)
{
	memset(own, 0, sizeof(*own));
	own->addr = o->addr;
	own->have6 = o->have_addr6;
	if (o->have_addr6)
		memcpy(own->addr6, o->addr6, sizeof(own->addr6));
}

/**
 * opts_next() - the next option on the command line that is the daemon's
 *		 own; the common ones are taken on the way
 * @argc:	argument count
 * @argv:	arguments
 * @shortopts:	getopt_long()'s, ':' first (a missing value is reported)
 * @longopts:	getopt_long()'s, OPTS_COMMON_LONG among them
 * @o:		the common options, filled as they come
 * @usage:	the daemon's help text, for --help
 *
 * Return: the option's getopt_long() code (optarg holds its value), or -1
 *	   at the end of the options
 */
int opts_next(int argc, char **argv, const char *shortopts,
	      const struct option *longopts, struct opts_common *o,
	      const char *usage)
{
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1)
		if (!opts_common_parse(o, c, optarg, usage))
			return c;
	return -1;
}

/**
 * opts_ifname() - an interface name, or exit 2 saying why not
 * @flag:	the option, for the message
 * @s:		its argument
 *
 * Return: @s
 */
const char *opts_ifname(const char *flag, const char *s)
{
	size_t i, n = strlen(s);

	for (i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] == '/' || s[i] == ':' || s[i] > '~')
			break;
	if (!n || n >= IFNAMSIZ || i < n || !strcmp(s, ".") || !strcmp(s, ".."))
		opts_usage_error(
			"%s: '%s' is not an interface name (1 to %d characters, no spaces, '/' or ':')",
			flag, s, IFNAMSIZ - 1);
	return s;
}
