// SPDX-License-Identifier: Apache-2.0
/* remora - remora-enclave's counters, reported over the link
 *
 * An enclave in production has no console: its drops, policy refusals and
 * view of the link are seen from the host or not at all. remora-enclave
 * sends its counters in a STATS frame (docs/protocol.md) every
 * PEERSTATS_PERIOD seconds and when remora-host asks (an empty STATS
 * frame); remora-host keeps the last report of each enclave and shows it
 * as "reported_NAME" values, with the report's age.
 *
 * What the enclave says is its word only: the report is decoded whole or
 * not at all (frame_decode_stats()), bounded, and only ever displayed;
 * no decision of remora-host reads it.
 */

#include <stdio.h>
#include <string.h>

#include "remora/peerstats.h"
#include "remora/report.h"
#include "remora/stats.h"

/**
 * peerstats_encode() - a STATS payload of a daemon's counters
 * @buf:	where it goes
 * @cap:	room there (FRAME_STATS_MAX_PAYLOAD holds any)
 * @st:		the counters
 * @uptime:	seconds the daemon has run, reported as "uptime_seconds"
 *
 * Return: its length
 */
size_t peerstats_encode(uint8_t *buf, size_t cap, const struct stats *st,
			double uptime)
{
	size_t len;
	int i;

	len = frame_encode_stats_entry(buf, cap, "uptime_seconds",
				       uptime > 0 ? (uint64_t)uptime : 0);
	for (i = 0; i < STAT_COUNT && i + 1 < FRAME_STATS_MAX; i++)
		len += frame_encode_stats_entry(buf + len, cap - len,
						stats_name(i), st->c[i]);
	return len;
}

/**
 * peerstats_take() - keep a report from the peer, if it is well formed
 * @ps:		the peer's last report
 * @p:		a STATS payload
 * @len:	its length
 * @now:	event-loop time
 *
 * Counted: link_peer_reports, or link_peer_reports_refused (an empty one,
 * a request, is not the enclave's to send). A refused report leaves the
 * last good one in place.
 *
 * Return: 0 if taken, -1 if refused
 */
int peerstats_take(struct peerstats *ps, const uint8_t *p, size_t len,
		   ev_tstamp now)
{
	static struct frame_stats scratch;

	if (!len || frame_decode_stats(p, len, &scratch)) {
		stat_inc(STAT_LINK_PEER_REPORTS_REFUSED);
		return -1;
	}
	memcpy(&ps->fs, &scratch, sizeof(scratch));
	ps->at = now;
	ps->have = 1;
	stat_inc(STAT_LINK_PEER_REPORTS);
	return 0;
}

/* Has peer @k's report an entry @name? Return: its index, or -1 */
static int peerstats_find(const struct peerstats *ps, const char *name)
{
	unsigned i;

	for (i = 0; i < ps->fs.n; i++)
		if (!strcmp(ps->fs.name[i], name))
			return (int)i;
	return -1;
}

/* Was @name among the entries of a report before peer @k's entry @i? */
static int peerstats_seen(const struct peerstats *const *ps, int k, unsigned i)
{
	const char *name = ps[k]->fs.name[i];
	unsigned j;
	int m;

	for (m = 0; m <= k; m++) {
		if (!ps[m]->have)
			continue;
		for (j = 0; j < (m == k ? i : ps[m]->fs.n); j++)
			if (!strcmp(ps[m]->fs.name[j], name))
				return 1;
	}
	return 0;
}

/**
 * peerstats_report() - the peers' last reports, as "reported_NAME"
 *			counters, each labelled with its peer
 * @r:		report
 * @names:	the peers' names (labels), or NULL entries for none
 * @ps:		their last reports
 * @n:		how many
 * @now:	event-loop time
 *
 * Each name's values of every peer are written together (Prometheus
 * wants a metric's samples under one HELP): peers of other versions may
 * report other names.
 */
void peerstats_report(struct report *r, const char *const *names,
		      const struct peerstats *const *ps, int n, ev_tstamp now)
{
	char metric[FRAME_STATS_NAME_MAX + 16];
	unsigned i;
	int k, m, idx, first;

	for (k = 0, first = 1; k < n; k++) {
		if (!ps[k]->have)
			continue;
		report_label(r, names[k], !first);
		first = 0;
		report_gauge(r, "reported_age_seconds",
			     "seconds since remora-enclave last reported its "
			     "counters",
			     (double)(long long)(now - ps[k]->at));
	}
	for (k = 0; k < n; k++) {
		for (i = 0; ps[k]->have && i < ps[k]->fs.n; i++) {
			if (peerstats_seen(ps, k, i))
				continue;
			snprintf(metric, sizeof(metric), "reported_%s",
				 ps[k]->fs.name[i]);
			for (m = k, first = 1; m < n; m++) {
				idx = ps[m]->have ? peerstats_find(
							    ps[m],
							    ps[k]->fs.name[i])
						  : -1;
				if (idx < 0)
					continue;
				report_label(r, names[m], !first);
				first = 0;
				report_counter(r, metric,
					       "as remora-enclave reported it "
					       "(its word, shown only)",
					       ps[m]->fs.value[idx]);
			}
		}
	}
	report_label(r, NULL, 0);
}
