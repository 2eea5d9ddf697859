// SPDX-License-Identifier: Apache-2.0
/* remora - the counters: every packet forwarded and every drop, by reason
 * (reported by status.c) */

#include "remora/stats.h"

struct stats stats;
struct stats *stats_charged = &stats;

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
 * stats_sum() - add a set of counters to a sum
 * @sum:	the sum
 * @s:		the set added
 */
void stats_sum(struct stats *sum, const struct stats *s)
{
	int i;

	for (i = 0; i < STAT_COUNT; i++)
		sum->c[i] += s->c[i];
}
