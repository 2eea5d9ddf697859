// SPDX-License-Identifier: Apache-2.0
/* remora - signals and reports common to both daemons */

#include <signal.h>
#include <string.h>

#include "remora/daemon.h"
#include "remora/fwd.h"
#include "remora/log.h"
#include "remora/nfqueue.h"
#include "remora/opts.h"
#include "remora/raw.h"
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

/**
 * daemon_open_datapath() - open the injection socket and bind the queue,
 *			    or die saying what is missing; start-up only
 * @raw:	injection batch, initialised on the new socket
 * @mark:	SO_MARK of injected packets, 0 for none
 * @q:		queue to bind
 * @c:		common options: queue number and length
 */
void daemon_open_datapath(struct raw_batch *raw, uint32_t mark,
			  struct nfqueue *q, const struct opts_common *c)
{
	int fd, rc;

	fd = raw_open(mark);
	if (fd < 0)
		die("cannot open the raw injection socket: %s (needs %s: run "
		    "as root)",
		    strerror(-fd),
		    mark ? "CAP_NET_RAW and CAP_NET_ADMIN" : "CAP_NET_RAW");
	raw_batch_init(raw, fd);

	rc = nfqueue_open(q, c->queue, c->queue_maxlen);
	if (rc)
		die("cannot bind NFQUEUE %u: %s: %s", c->queue, strerror(-rc),
		    nfqueue_hint(rc));
}
