// SPDX-License-Identifier: Apache-2.0
/* remora - what both daemons report of themselves: identity, uptime, the
 * link, every counter, the kernel's counters of the queue; for --stats,
 * the metrics endpoint and SIGUSR1 */

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "remora/frame.h"
#include "remora/link.h"
#include "remora/log.h"
#include "remora/nfqueue.h"
#include "remora/report.h"
#include "remora/stats.h"
#include "remora/status.h"

/* Metric @m of a unit's link: its state, its peer, how long it has been
 * up, how often it came up again */
static void status_link(struct report *r, int m, const struct status_unit *u,
			ev_tstamp now)
{
	static const char *const states[] = {"down", "handshake", "up"};
	const struct link *l = u->link;
	int up = l->state == LINK_UP;
	uint64_t ups = u->st->c[STAT_LINK_UP];

	switch (m) {
	case 0:
		report_text(r, "link_state",
			    "link to the peer: down, handshake or up",
			    states[l->state]);
		break;
	case 1:
		report_text(r, "link_peer",
			    "the peer's software, from its hello",
			    up ? l->peer.software : "");
		break;
	case 2:
		report_gauge(r, "link_peer_protocol",
			     "the peer's link protocol version (0: no peer)",
			     up ? l->peer.version : 0);
		break;
	case 3:
		report_gauge(r, "link_up_seconds",
			     "seconds the link has been up",
			     up ? (double)(long long)(now - l->up_since) : 0);
		break;
	default:
		report_counter(r, "link_reconnects",
			       "links established after the first",
			       ups ? ups - 1 : 0);
	}
}

/* Each unit's link, metric by metric (a metric's samples together) */
static void status_links(struct report *r, ev_tstamp now,
			 const struct status_unit *u, int n)
{
	int m, i;

	for (m = 0; m < 5; m++) {
		for (i = 0; i < n; i++) {
			report_label(r, u[i].name, i > 0);
			status_link(r, m, &u[i], now);
		}
	}
}

/* The kernel's counters of each unit's queue, metric by metric */
static void status_queues(struct report *r, const struct status_unit *u, int n)
{
	static const struct {
		const char *name, *help;
		int counter;
	} metrics[] = {
		{"kernel_queue_waiting",
		 "packets in the kernel's queue, waiting for remora", 0},
		{"kernel_queue_dropped",
		 "packets the kernel dropped: queue full (--queue-maxlen)", 1},
		{"kernel_user_dropped",
		 "packets the kernel dropped: remora's socket full", 1},
	};
	uint64_t v[8][3];
	const char *name[8];
	int i, m, k = 0;

	for (i = 0; i < n && k < 8; i++)
		if (u[i].queue >= 0 &&
		    !nfqueue_kernel_stats((uint16_t)u[i].queue, &v[k][0],
					  &v[k][1], &v[k][2]))
			name[k++] = u[i].name;
	for (m = 0; m < 3; m++) {
		for (i = 0; i < k; i++) {
			report_label(r, name[i], i > 0);
			if (metrics[m].counter)
				report_counter(r, metrics[m].name,
					       metrics[m].help, v[i][m]);
			else
				report_gauge(r, metrics[m].name,
					     metrics[m].help, (double)v[i][m]);
		}
	}
}

/**
 * status_fill() - what both daemons report: identity, uptime, and per
 *		   peer its link, its counters and the kernel's counters of
 *		   its queue
 * @r:		report
 * @prog:	"remora-host" or "remora-enclave"
 * @started:	event-loop time the daemon started
 * @now:	event-loop time now
 * @u:		the peers (units), 1 to 8
 * @n:		how many
 * @own:	counters charged to no peer, reported without a label
 *		before theirs; NULL: none (one unlabelled unit)
 */
void status_fill(struct report *r, const char *prog, ev_tstamp started,
		 ev_tstamp now, const struct status_unit *u, int n,
		 const struct stats *own)
{
	char line[128];
	int i, id;

	snprintf(line, sizeof(line), "%s %s (link protocol %u), pid %ld", prog,
		 REMORA_VERSION, REMORA_PROTO_VERSION, (long)getpid());
	report_comment(r, line);
	report_text(r, "version", "remora version", REMORA_VERSION);
	report_gauge(r, "uptime_seconds", "seconds since the daemon started",
		     (double)(long long)(now - started));
	status_links(r, now, u, n);
	for (id = 0; id < STAT_COUNT; id++) {
		if (own) {
			report_label(r, NULL, 0);
			report_counter(r, stats_name(id), stats_desc(id),
				       own->c[id]);
		}
		for (i = 0; i < n; i++) {
			report_label(r, u[i].name, own || i > 0);
			report_counter(r, stats_name(id), stats_desc(id),
				       u[i].st->c[id]);
		}
	}
	status_queues(r, u, n);
	report_label(r, NULL, 0);
}

/**
 * status_log() - log the report, one "stat name value" line each
 * @report:	writes the daemon's report
 * @ctx:	its argument
 */
void status_log(ctl_report_fn report, void *ctx)
{
	static char buf[REPORT_MAX];
	char *line, *next;
	struct report r;

	report_init(&r, buf, sizeof(buf), REPORT_TEXT, "");
	report(ctx, &r);
	for (line = buf; *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (*line != '#')
			info("stat %s", line);
	}
}
