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

/**
 * status_fill() - what both daemons report: identity, uptime, link,
 *			  every counter and the kernel's counters of the queue
 * @r:		report
 * @prog:	"remora-host" or "remora-enclave"
 * @started:	event-loop time the daemon started
 * @now:	event-loop time now
 * @l:		the link packets go to
 * @queue:	queue number, -1 for none (remora-enclave's tun capture)
 */
void status_fill(struct report *r, const char *prog, ev_tstamp started,
		 ev_tstamp now, const struct link *l, int queue)
{
	static const char *const states[] = {"down", "handshake", "up"};
	uint64_t total, qdrop, udrop, ups;
	char line[128];
	int i;

	snprintf(line, sizeof(line), "%s %s (link protocol %u), pid %ld", prog,
		 REMORA_VERSION, REMORA_PROTO_VERSION, (long)getpid());
	report_comment(r, line);
	report_text(r, "version", "remora version", REMORA_VERSION);
	report_gauge(r, "uptime_seconds", "seconds since the daemon started",
		     (double)(long long)(now - started));
	report_text(r, "link_state", "link to the peer: down, handshake or up",
		    states[l->state]);
	report_text(r, "link_peer", "the peer's software, from its hello",
		    l->state == LINK_UP ? l->peer.software : "");
	report_gauge(r, "link_peer_protocol",
		     "the peer's link protocol version (0: no peer)",
		     l->state == LINK_UP ? l->peer.version : 0);
	report_gauge(r, "link_up_seconds", "seconds the link has been up",
		     l->state == LINK_UP
			     ? (double)(long long)(now - l->up_since)
			     : 0);
	ups = stats.c[STAT_LINK_UP];
	report_counter(r, "link_reconnects",
		       "links established after the first", ups ? ups - 1 : 0);
	for (i = 0; i < STAT_COUNT; i++)
		report_counter(r, stats_name(i), stats_desc(i), stats.c[i]);
	if (queue < 0 ||
	    nfqueue_kernel_stats((uint16_t)queue, &total, &qdrop, &udrop))
		return;
	report_gauge(r, "kernel_queue_waiting",
		     "packets in the kernel's queue, waiting for remora",
		     (double)total);
	report_counter(
		r, "kernel_queue_dropped",
		"packets the kernel dropped: queue full (--queue-maxlen)",
		qdrop);
	report_counter(r, "kernel_user_dropped",
		       "packets the kernel dropped: remora's socket full",
		       udrop);
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
