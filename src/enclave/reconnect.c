// SPDX-License-Identifier: Apache-2.0
/* remora-enclave - connecting to remora-host, again and again
 *
 * remora-enclave connects; remora-host listens. When the link goes down
 * (remora-host restarts, the host is slow to start, a network namespace
 * in tests is not there yet) the enclave tries again after a backoff
 * that starts at RECONNECT_MIN and doubles up to --reconnect-max, forever:
 * the enclave has no network without it. A connection completes in the
 * background (connect never blocks the loop) and is handed to the link,
 * whose handshake decides whether it is up. Failures are counted, said
 * once and then every 20th time.
 */

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "reconnect.h"
#include "remora/log.h"
#include "remora/stats.h"

/* What to add to a failed connection's message */
static const char *reconnect_hint(const struct reconnect *r, int err)
{
	if (r->addr->kind == TRANSPORT_VSOCK && err == -ENODEV)
		return ": no vsock transport here (not in an enclave? use unix: or tcp: elsewhere)";
	if (r->addr->kind != TRANSPORT_UNIX && err == -EACCES)
		return ": the link's source port must be below 1024 (remora-host refuses any other), and binding it needs CAP_NET_BIND_SERVICE: run remora-enclave as root or give it that capability";
	if (r->addr->kind != TRANSPORT_UNIX && err == -EADDRINUSE)
		return ": every source port from 512 to 1023 is taken";
	return "";
}

/* The next attempt after the current backoff, which doubles up to the
 * cap */
static void reconnect_later(struct reconnect *r)
{
	ev_timer_stop(r->loop, &r->retry);
	ev_timer_set(&r->retry, r->backoff, 0);
	ev_timer_start(r->loop, &r->retry);
	r->backoff *= 2;
	if (r->backoff > r->max)
		r->backoff = r->max;
}

/* An attempt failed: say so without flooding, and try again later */
static void reconnect_failed(struct reconnect *r, int err)
{
	stat_inc(STAT_LINK_CONNECT_FAILED);
	r->failures++;
	if (r->failures == 1 || r->failures % 20 == 0)
		warn("cannot connect to remora-host at %s: %s%s (attempt %u; retrying every %g s at most)",
		     r->addr->text, strerror(-err), reconnect_hint(r, err),
		     r->failures, r->max);
	else
		debug("connect to %s failed: %s", r->addr->text,
		      strerror(-err));
	reconnect_later(r);
}

/* The connection in progress completed, or failed */
static void reconnect_done_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct reconnect *r = w->data;
	int fd = r->fd, rc;

	(void)revents;
	ev_io_stop(loop, w);
	r->fd = -1;
	rc = transport_connect_result(fd);
	if (rc) {
		close(fd);
		reconnect_failed(r, rc);
		return;
	}
	info("connected to remora-host at %s%s", r->addr->text,
	     r->failures ? " (after retries)" : "");
	link_attach(r->link, fd);
}

/* Start an attempt: it completes, or fails, once the socket is writable */
static void reconnect_try_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct reconnect *r = w->data;
	int fd;

	(void)revents;
	fd = transport_connect(r->addr);
	if (fd < 0) {
		reconnect_failed(r, fd);
		return;
	}
	r->fd = fd;
	ev_io_set(&r->io, fd, EV_WRITE);
	ev_io_start(loop, &r->io);
}

/**
 * reconnect_init() - prepare, with no attempt yet
 * @r:		state
 * @loop:	event loop
 * @addr:	where remora-host listens; lives as long as @r
 * @max:	cap of the backoff, seconds
 * @link:	the link each connection is handed to
 */
void reconnect_init(struct reconnect *r, struct ev_loop *loop,
		    const struct transport_addr *addr, double max,
		    struct link *link)
{
	memset(r, 0, sizeof(*r));
	r->loop = loop;
	r->addr = addr;
	r->max = max;
	r->link = link;
	r->fd = -1;
	ev_init(&r->io, reconnect_done_cb);
	r->io.data = r;
	ev_init(&r->retry, reconnect_try_cb);
	r->retry.data = r;
}

/**
 * reconnect_start() - the first attempt at once, or the next after the
 *		       backoff once a link went down
 * @r:	state
 */
void reconnect_start(struct reconnect *r)
{
	reconnect_later(r);
	if (r->backoff < RECONNECT_MIN)
		r->backoff = RECONNECT_MIN;
}

/**
 * reconnect_up() - the link is up: the next loss is retried quickly
 * @r:	state
 */
void reconnect_up(struct reconnect *r)
{
	r->backoff = RECONNECT_MIN;
	r->failures = 0;
}

/**
 * reconnect_stop() - no more attempts; one in progress is given up
 * @r:	state
 */
void reconnect_stop(struct reconnect *r)
{
	ev_timer_stop(r->loop, &r->retry);
	ev_io_stop(r->loop, &r->io);
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}
