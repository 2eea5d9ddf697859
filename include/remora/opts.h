/* SPDX-License-Identifier: Apache-2.0 */
/* remora - command-line helpers: bad flags say what is wrong, exit 2 */
#ifndef REMORA_OPTS_H
#define REMORA_OPTS_H

#include <getopt.h>
#include <stdint.h>

#include "remora/log.h"
#include <stdnoreturn.h>

#define OPTS_EXIT_USAGE 2

/**
 * struct opts_common - what both daemons are told the same way
 * @addr:	the shared address, network byte order
 * @have_addr:	--address was given
 * @addr6:	the shared IPv6 address, if @have_addr6
 * @have_addr6:	--address6 was given: IPv6 is carried too
 * @queue:	NFQUEUE number
 * @queue_maxlen: packets the kernel may hold in the queue
 * @ka_interval: keepalive interval, seconds
 * @peer_timeout: seconds of silence before the peer is given up
 * @level:	log level
 * @control:	control socket path, "" for none
 * @have_control: --control was given
 * @stats:	--stats: print a running daemon's report and exit
 */
struct opts_common {
	uint32_t addr;
	int have_addr;
	uint8_t addr6[16];
	int have_addr6;
	uint16_t queue;
	uint32_t queue_maxlen;
	double ka_interval;
	double peer_timeout;
	enum log_level level;
	char control[108];
	int have_control;
	int stats;
};

#define OPTS_COMMON_SHORT "a:q:k:t:v:hV"
enum {
	OPTS_QUEUE_MAXLEN = 256,
	OPTS_CONFIG,
	OPTS_CONTROL,
	OPTS_STATS,
	OPTS_ADDRESS6,
	OPTS_FIRST_PRIVATE /* first value free for a daemon's own options */
};
/* getopt_long() entries of the common options, one a line */
/* clang-format off */
#define OPTS_COMMON_LONG                                                \
	{"address", required_argument, NULL, 'a'},                      \
	{"queue", required_argument, NULL, 'q'},                        \
	{"queue-maxlen", required_argument, NULL, OPTS_QUEUE_MAXLEN},   \
	{"keepalive", required_argument, NULL, 'k'},                    \
	{"peer-timeout", required_argument, NULL, 't'},                 \
	{"log-level", required_argument, NULL, 'v'},                    \
	{"config", required_argument, NULL, OPTS_CONFIG},               \
	{"control", required_argument, NULL, OPTS_CONTROL},             \
	{"stats", no_argument, NULL, OPTS_STATS},                       \
	{"address6", required_argument, NULL, OPTS_ADDRESS6},           \
	{"help", no_argument, NULL, 'h'},                               \
	{"version", no_argument, NULL, 'V'}
/* clang-format on */

void opts_common_init(struct opts_common *o, const char *prog);
int opts_common_parse(struct opts_common *o, int c, const char *arg,
		      const char *usage);
void opts_common_check(const struct opts_common *o, int argc, char **argv);
int opts_next(int argc, char **argv, const char *shortopts,
	      const struct option *longopts, struct opts_common *o,
	      const char *usage);
struct transport_addr;
void opts_link(const char *flag, const char *s, struct transport_addr *a);

void opts_init(const char *prog);
noreturn void opts_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
noreturn void opts_getopt_error(int c, char **argv);
uint32_t opts_u32(const char *flag, const char *s, uint32_t min, uint32_t max);
double opts_seconds(const char *flag, const char *s, double min, double max);
uint32_t opts_ipv4(const char *flag, const char *s);
void opts_ipv6(const char *flag, const char *s, uint8_t *out);
struct pkt_own;
void opts_own(const struct opts_common *o, struct pkt_own *own);

const char *opts_ifname(const char *flag, const char *s);

#endif /* REMORA_OPTS_H */
