// SPDX-License-Identifier: Apache-2.0
/* remora - the control socket (--stats), and the client slots it shares
 * with the metrics endpoint (metrics.c)
 *
 * A unix stream socket, mode 0600 and owned by the daemon's user, so only
 * root (or that user) can read it. A client connects and reads the text
 * report until the daemon closes; it sends nothing. This is what
 * `remora-host --stats` does (query.c).
 *
 * Neither it nor the metrics endpoint may disturb the packet path: every
 * socket is non-blocking, at most CTL_MAX_CLIENTS are served at once from
 * buffers allocated at start-up, each within its deadline, and a client
 * that is slow or talks too much is dropped.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "remora/ctl.h"
#include "remora/log.h"
#include "remora/metrics.h"
#include "remora/opts.h"
#include "remora/prefault.h"
#include "remora/stats.h"

/**
 * ctl_client_done() - close a client and free its slot
 * @cl:	client
 */
void ctl_client_done(struct ctl_client *cl)
{
	struct ctl *c = cl->ctl;

	ev_io_stop(c->loop, &cl->io);
	ev_timer_stop(c->loop, &cl->timer);
	close(cl->fd);
	cl->fd = -1;
	cl->reading = 0;
	/* a metrics connection waiting for a slot may have it now */
	metrics_slot_freed(c);
}

/**
 * ctl_client_timeout_cb() - a client's deadline passed: it is closed
 * @loop:	event loop
 * @w:		the client's timer
 * @revents:	unused
 */
void ctl_client_timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct ctl_client *cl = w->data;

	(void)loop;
	(void)revents;
	if (cl->http)
		stat_inc(STAT_METRICS_CUT);
	debug("%s client gave no request or read no reply in %g s: closed",
	      cl->http ? "metrics" : "control",
	      cl->http ? CTL_HTTP_TIMEOUT : CTL_TIMEOUT);
	ctl_client_done(cl);
}

/* Write what the socket takes; done when all is written or it failed */
static void ctl_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl_client *cl = w->data;
	ssize_t n;

	(void)loop;
	(void)revents;
	while (cl->out_off < cl->out_len) {
		n = send(cl->fd, cl->out + cl->out_off,
			 cl->out_len - cl->out_off,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return; /* the watcher calls again when writable */
		if (n <= 0) {
			ctl_client_done(cl);
			return;
		}
		cl->out_off += (size_t)n;
	}
	ctl_client_done(cl);
}

/**
 * ctl_client_send() - answer a client, then close it
 * @cl:		client
 * @start:	offset of the answer in @cl->out
 * @len:	its length
 *
 * What the socket does not take now is written when it is writable.
 */
void ctl_client_send(struct ctl_client *cl, size_t start, size_t len)
{
	struct ctl *c = cl->ctl;

	cl->reading = 0;
	cl->out_off = start;
	cl->out_len = start + len;
	ev_io_stop(c->loop, &cl->io);
	ev_io_init(&cl->io, ctl_write_cb, cl->fd, EV_WRITE);
	cl->io.data = cl;
	ev_io_start(c->loop, &cl->io);
	ctl_write_cb(c->loop, &cl->io, EV_WRITE);
}

/**
 * ctl_client_slot() - a free client slot
 * @c:	control state
 *
 * Return: the slot, or NULL if every one is busy
 */
struct ctl_client *ctl_client_slot(struct ctl *c)
{
	int i;

	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		if (c->clients[i].fd < 0)
			return &c->clients[i];
	return NULL;
}

/**
 * ctl_client_count() - clients being served, of one kind
 * @c:		control state
 * @http:	1 for metrics clients, 0 for control socket clients
 *
 * Return: their number
 */
int ctl_client_count(const struct ctl *c, int http)
{
	int i, n = 0;

	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		n += c->clients[i].fd >= 0 && c->clients[i].http == http;
	return n;
}

/* May this peer of the control socket read it? Root or our own user. */
static int ctl_peer_ok(int fd, uid_t *uid)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len))
		return 0;
	*uid = cr.uid;
	return cr.uid == 0 || cr.uid == geteuid();
}

/* New control socket clients: root or our own user, while a slot is free */
static void ctl_unix_accept(struct ctl *c)
{
	static struct log_ratelimit rl;
	struct ctl_client *cl;
	unsigned long supp;
	struct report r;
	uid_t uid = 0;
	int fd;

	for (;;) {
		fd = accept4(c->ufd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		cl = ctl_client_slot(c);
		if (!cl || !ctl_peer_ok(fd, &uid)) {
			if (log_ratelimit_ok(&rl, &supp)) {
				if (cl)
					warn("control connection refused: uid %u is neither root nor ours (%lu more refused since)",
					     (unsigned)uid, supp);
				else
					warn("control connection refused: %d clients already (%lu more refused since)",
					     ctl_client_count(c, 0), supp);
			}
			close(fd);
			continue;
		}
		cl->fd = fd;
		cl->http = 0;
		cl->reading = 0;
		cl->since = ev_now(c->loop);
		cl->req_len = 0;
		ev_timer_init(&cl->timer, ctl_client_timeout_cb, CTL_TIMEOUT,
			      0);
		cl->timer.data = cl;
		ev_timer_start(c->loop, &cl->timer);
		report_init(&r, cl->out, CTL_OUT_MAX, REPORT_TEXT, c->daemon);
		c->report(c->ctx, &r);
		ev_init(&cl->io, ctl_write_cb);
		ctl_client_send(cl, 0, r.len);
	}
}

static void ctl_unix_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	ctl_unix_accept(w->data);
}

/**
 * ctl_init() - prepare, with no socket open yet
 * @c:		control state
 * @loop:	event loop
 * @daemon:	"host" or "enclave"
 * @report:	writes the daemon's report
 * @ctx:	its argument
 *
 * Return: 0, or -ENOMEM
 */
int ctl_init(struct ctl *c, struct ev_loop *loop, const char *daemon,
	     ctl_report_fn report, void *ctx)
{
	int i;

	memset(c, 0, sizeof(*c));
	c->loop = loop;
	c->ufd = -1;
	c->hfd = -1;
	c->daemon = daemon;
	c->report = report;
	c->ctx = ctx;
	c->outbuf = malloc((size_t)CTL_MAX_CLIENTS * CTL_OUT_MAX + REPORT_MAX);
	if (!c->outbuf)
		return -ENOMEM;
	prefault(c->outbuf, (size_t)CTL_MAX_CLIENTS * CTL_OUT_MAX + REPORT_MAX);
	c->cache = c->outbuf + (size_t)CTL_MAX_CLIENTS * CTL_OUT_MAX;
	metrics_init(c);
	for (i = 0; i < CTL_MAX_CLIENTS; i++) {
		c->clients[i].ctl = c;
		c->clients[i].fd = -1;
		c->clients[i].out = c->outbuf + (size_t)i * CTL_OUT_MAX;
	}
	return 0;
}

/* Is a daemon answering on this unix socket path? */
static int ctl_path_live(const struct sockaddr_un *sun)
{
	int fd, live;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	live = !connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	return live;
}

/**
 * ctl_open_control() - listen on the control socket
 * @c:		control state
 * @path:	socket path
 *
 * A socket file left by a daemon that died is replaced; one a running
 * daemon answers on is not. The socket is created mode 0600.
 *
 * Return: 0, or a negative errno (-EADDRINUSE: another daemon has it,
 *	   -ENAMETOOLONG: the path does not fit)
 */
int ctl_open_control(struct ctl *c, const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	mode_t old;
	int fd, rc, tries;

	if (strlen(path) >= sizeof(sun.sun_path) ||
	    strlen(path) >= sizeof(c->path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	for (tries = 0;; tries++) {
		old = umask(0077);
		rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
		umask(old);
		if (!rc || errno != EADDRINUSE || tries)
			break;
		if (ctl_path_live(&sun)) {
			errno = EADDRINUSE;
			break;
		}
		unlink(path); /* left by a daemon that is gone */
	}
	if (rc || listen(fd, CTL_MAX_CLIENTS) || chmod(path, 0600)) {
		rc = -errno;
		close(fd);
		return rc;
	}
	strcpy(c->path, path);
	c->ufd = fd;
	ev_io_init(&c->uio, ctl_unix_cb, fd, EV_READ);
	c->uio.data = c;
	ev_io_start(c->loop, &c->uio);
	return 0;
}

/**
 * ctl_close() - close every socket, remove the control socket file
 * @c:	control state
 */
void ctl_close(struct ctl *c)
{
	int i;

	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		if (c->outbuf && c->clients[i].fd >= 0)
			ctl_client_done(&c->clients[i]);
	if (c->ufd >= 0) {
		ev_io_stop(c->loop, &c->uio);
		close(c->ufd);
		unlink(c->path);
		c->ufd = -1;
	}
	metrics_close(c);
	free(c->outbuf);
	c->outbuf = NULL;
	c->cache = NULL;
}

/**
 * ctl_open_configured() - open the control socket the options name
 * @c:		control state, initialised
 * @o:		common options: --control
 * @prog:	"remora-host" or "remora-enclave"
 *
 * A control socket the operator named must open, or the daemon exits 1.
 * The default one is a convenience: if another daemon holds it (a second
 * instance in another network namespace), say so and go on without it.
 */
void ctl_open_configured(struct ctl *c, const struct opts_common *o,
			 const char *prog)
{
	const char *why;
	int rc;

	if (!o->control[0])
		return;
	if (!o->have_control)
		mkdir(CTL_RUN_DIR,
		      0755); /* EEXIST is fine; bind says the rest */
	rc = ctl_open_control(c, o->control);
	if (!rc)
		return;
	why = rc == -EADDRINUSE ? "another daemon is answering on it"
				: strerror(-rc);
	if (o->have_control)
		die("cannot open the control socket %s: %s", o->control, why);
	warn("no control socket: %s: %s; %s --stats will not reach this daemon (use --control PATH)",
	     o->control, why, prog);
}
