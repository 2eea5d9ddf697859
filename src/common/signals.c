// SPDX-License-Identifier: Apache-2.0
/* remora - the signals a daemon handles: SIGTERM and SIGINT stop it (or go
 * to its application first), SIGUSR1 logs its report, SIGPIPE is ignored */

#include <signal.h>

#include "remora/log.h"
#include "remora/signals.h"
#include "remora/status.h"

static void signals_stop_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct signals *ds = w->data;
	const char *name = w->signum == SIGTERM ? "SIGTERM" : "SIGINT";

	(void)revents;
	if (ds->forward && ds->forward(ds->ctx, w->signum)) {
		info("received %s, passed on to the application", name);
		return;
	}
	info("received %s, stopping", name);
	ev_break(loop, EVBREAK_ALL);
}

static void signals_usr1_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct signals *ds = w->data;

	(void)loop;
	(void)revents;
	status_log(ds->report, ds->ctx);
}

/**
 * signals_start() - stop on SIGTERM/SIGINT, report on SIGUSR1
 * @loop:	event loop
 * @ds:	watcher storage, lives as long as the loop
 * @report:	writes the daemon's report
 * @ctx:	its argument
 *
 * SIGPIPE is ignored: a peer that goes away is seen as a write error.
 */
void signals_start(struct ev_loop *loop, struct signals *ds,
		   ctl_report_fn report, void *ctx)
{
	signal(SIGPIPE, SIG_IGN);
	ds->report = report;
	ds->ctx = ctx;
	ev_signal_init(&ds->term, signals_stop_cb, SIGTERM);
	ev_signal_init(&ds->intr, signals_stop_cb, SIGINT);
	ds->term.data = ds;
	ds->intr.data = ds;
	ev_signal_init(&ds->usr1, signals_usr1_cb, SIGUSR1);
	ds->usr1.data = ds;
	ev_signal_start(loop, &ds->term);
	ev_signal_start(loop, &ds->intr);
	ev_signal_start(loop, &ds->usr1);
}
