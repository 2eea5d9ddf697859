/* SPDX-License-Identifier: Apache-2.0 */
/* remora - command-line helpers: bad flags say what is wrong, exit 2 */
#ifndef REMORA_OPTS_H
#define REMORA_OPTS_H

#include <stdint.h>
#include <stdnoreturn.h>

#define OPTS_EXIT_USAGE 2

void opts_init(const char *prog);
noreturn void opts_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
noreturn void opts_getopt_error(int c, char **argv);
uint32_t opts_u32(const char *flag, const char *s, uint32_t min, uint32_t max);
double opts_seconds(const char *flag, const char *s, double min, double max);
uint32_t opts_ipv4(const char *flag, const char *s);

#endif /* REMORA_OPTS_H */
