// SPDX-License-Identifier: Apache-2.0
/* remora - counters, printed on SIGUSR1 and at exit */

#include "remora/log.h"
#include "remora/stats.h"

struct stats stats;

#define STATS_NAME(id, name, desc) name,
#define STATS_DESC(id, name, desc) desc,
static const char *const stats_names[] = {STATS_COUNTERS(STATS_NAME)};
static const char *const stats_descs[] = {STATS_COUNTERS(STATS_DESC)};
#undef STATS_NAME
#undef STATS_DESC

/**
 * stats_name() - machine-readable name of a counter
 * @id:	counter
 *
 * Return: static string
 */
const char *stats_name(enum stat_id id)
{
	return stats_names[id];
}

/**
 * stats_desc() - one-line description of a counter
 * @id:	counter
 *
 * Return: static string
 */
const char *stats_desc(enum stat_id id)
{
	return stats_descs[id];
}

/**
 * stats_print() - write every counter as "name value" lines
 * @f:	output stream
 */
void stats_print(FILE *f)
{
	int i;

	for (i = 0; i < STAT_COUNT; i++)
		fprintf(f, "%s %llu\n", stats_names[i],
			(unsigned long long)stats.c[i]);
}

/**
 * stats_log() - log every counter at info level, one line each
 */
void stats_log(void)
{
	int i;

	for (i = 0; i < STAT_COUNT; i++)
		info("stat %s %llu", stats_names[i],
		     (unsigned long long)stats.c[i]);
}
