// SPDX-License-Identifier: Apache-2.0
/* remora - command-line value parsing shared by both daemons */

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "remora/opts.h"

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
	unsigned long long v;
	char *end;

	errno = 0;
	if (*s == '-' || *s == '\0')
		opts_usage_error("%s: '%s' is not a number from %u to %u", flag,
				 s, min, max);
	v = strtoull(s, &end, 0);
	if (errno || *end || v < min || v > max)
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
		opts_usage_error("%s: '%s' is not a duration from %g to %g "
				 "seconds",
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
