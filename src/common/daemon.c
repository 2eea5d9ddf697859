// SPDX-License-Identifier: Apache-2.0
/* remora - signals and reports common to both daemons */

#include <signal.h>

#include "remora/daemon.h"
#include "remora/fwd.h"
#include "remora/log.h"
#include "remora/stats.h"

/**
 * daemon_report() - log every counter, ours and the kernel's for the queue
 * @queue:	queue number
 */
void daemon_report(uint16_t queue)
{
	stats_log();
	fwd_log_kernel_queue(queue);
}

static void daemon_stop_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)revents;
	info("received %s, stopping",
	     w->signum == SIGTERM ? "SIGTERM" : "SIGINT");
	ev_break(loop, EVBREAK_ALL);
}

static void daemon_usr1_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct daemon_signals *ds = w->data;

	(void)loop;
	(void)revents;
	daemon_report(ds->queue);
}

/**
 * daemon_signals_start() - stop on SIGTERM/SIGINT, report on SIGUSR1
 * @loop:	event loop
 * @ds:	watcher storage, lives as long as the loop
 * @queue:	queue number for reports
 *
 * SIGPIPE is ignored: a peer that goes away is seen as a write error.
 */
void daemon_signals_start(struct ev_loop *loop, struct daemon_signals *ds,
			  uint16_t queue)
{
	signal(SIGPIPE, SIG_IGN);
	ds->queue = queue;
	ev_signal_init(&ds->term, daemon_stop_cb, SIGTERM);
	ev_signal_init(&ds->intr, daemon_stop_cb, SIGINT);
	ev_signal_init(&ds->usr1, daemon_usr1_cb, SIGUSR1);
	ds->usr1.data = ds;
	ev_signal_start(loop, &ds->term);
	ev_signal_start(loop, &ds->intr);
	ev_signal_start(loop, &ds->usr1);
}
