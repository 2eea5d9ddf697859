// SPDX-License-Identifier: Apache-2.0
/* remora - control socket (--stats) and metrics endpoint (Prometheus)
 *
 * Control socket: a unix stream socket, mode 0600 and owned by the daemon's
 * user, so only root (or that user) can read it. A client connects and
 * reads the text report until the daemon closes; it sends nothing. This is
 * what `remora-host --stats` does.
 *
 * Metrics: a TCP listener on an address the operator chooses (a local one),
 * answering `GET /metrics` with the same report in Prometheus format,
 * HTTP/1.0, one request per connection.
 *
 * Neither may disturb the packet path: every socket is non-blocking, at most
 * CTL_MAX_CLIENTS are served at once from buffers allocated at start-up,
 * each within CTL_TIMEOUT, and a client that is slow or talks too much is
 * dropped. Metrics clients, which anyone who reaches the address can open,
 * are bounded further: the report is built at most once per
 * CTL_HTTP_RENDER (scrapes in between get the same copy), at most
 * CTL_HTTP_RATE requests are answered a second (the rest get 503), at most
 * CTL_HTTP_ACCEPTS connections are taken a second (the rest wait in the
 * kernel), each has CTL_HTTP_TIMEOUT for its request and answer together,
 * and one that has sent no whole request yet gives up its slot to a newer
 * client: idle connections cannot lock scrapers out.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "remora/prefault.h"
#include "remora/ctl.h"
#include "remora/log.h"
#include "remora/stats.h"
#include "remora/transport.h"

static void ctl_client_done(struct ctl_client *cl)
{
	struct ctl *c = cl->ctl;

	ev_io_stop(c->loop, &cl->io);
	ev_timer_stop(c->loop, &cl->timer);
	close(cl->fd);
	cl->fd = -1;
	cl->reading = 0;
	/* a metrics connection waiting for a slot may have it now */
	if (c->hpaused_slots) {
		c->hpaused_slots = 0;
		ev_timer_stop(c->loop, &c->hresume);
		ev_io_start(c->loop, &c->hio);
	}
}

static void ctl_timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
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

static void ctl_send(struct ctl_client *cl, size_t start, size_t len)
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

/* Text of an HTTP status line */
static const char *ctl_http_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 400:
		return "Bad Request";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 503:
		return "Service Unavailable";
	default:
		return "Request Header Fields Too Large";
	}
}

/* Start a new second of metrics work once the last one is over */
static void ctl_http_window(struct ctl *c, ev_tstamp now)
{
	if (now - c->win_start >= 1.0 || now < c->win_start) {
		c->win_start = now;
		c->win_answered = 0;
		c->win_accepted = 0;
	}
}

/* The Prometheus report into @body: built afresh at most once per
 * CTL_HTTP_RENDER (it reads every counter and the kernel's queue
 * statistics), copied from the last one otherwise */
static size_t ctl_http_report(struct ctl *c, char *body, ev_tstamp now)
{
	struct report r;

	if (!c->cache) { /* no storage for a copy: build it each time */
		report_init(&r, body, REPORT_MAX, REPORT_PROMETHEUS, c->daemon);
		c->report(c->ctx, &r);
		stat_inc(STAT_METRICS_RENDERED);
		return r.len;
	}
	if (!c->cached || now - c->cache_time >= CTL_HTTP_RENDER ||
	    now < c->cache_time) {
		report_init(&r, c->cache, REPORT_MAX, REPORT_PROMETHEUS,
			    c->daemon);
		c->report(c->ctx, &r);
		c->cache_len = r.len;
		c->cache_time = now;
		c->cached = 1;
		stat_inc(STAT_METRICS_RENDERED);
	}
	memcpy(body, c->cache, c->cache_len);
	return c->cache_len;
}

/**
 * ctl_http_respond() - the whole HTTP response to a request head
 * @c:		control state: report function, its argument, daemon name,
 *		the last report and this second's count of answers
 * @req:	request head, NUL-terminated (at least the request line)
 * @out:	CTL_OUT_MAX bytes; the body goes at CTL_HEAD_MAX, the head
 *		just before it
 * @start:	set to the offset in @out where the response starts
 * @now:	event-loop time
 *
 * GET or HEAD of /metrics gives the Prometheus report, built at most once
 * per CTL_HTTP_RENDER; other paths 404, other methods 405, a request line
 * that is not HTTP 400. A @req of "" means the head was too long (431).
 * Past CTL_HTTP_RATE requests in a second, whatever they are: 503, counted
 * in metrics_refused.
 *
 * Return: length of the response from @start
 */
size_t ctl_http_respond(struct ctl *c, const char *req, char *out,
			size_t *start, ev_tstamp now)
{
	const char *type = "text/plain; charset=utf-8", *path, *sp, *ver;
	char *body = out + CTL_HEAD_MAX, head[CTL_HEAD_MAX];
	size_t body_len, path_len;
	int status, is_head = 0, hlen;

	ctl_http_window(c, now);
	status = 400;
	if (c->win_answered >= CTL_HTTP_RATE) {
		status = 503;
		stat_inc(STAT_METRICS_REFUSED);
	} else if (!*req) {
		status = 431;
	} else if (!strncmp(req, "GET ", 4) || !strncmp(req, "HEAD ", 5)) {
		is_head = req[0] == 'H';
		path = req + (is_head ? 5 : 4);
		sp = strchr(path, ' ');
		ver = sp ? sp + 1 : NULL;
		if (ver && !strncmp(ver, "HTTP/1.", 7) && *path == '/') {
			path_len = (size_t)(sp - path);
			if ((path_len == 8 ||
			     (path_len > 8 && path[8] == '?')) &&
			    !strncmp(path, "/metrics", 8))
				status = 200;
			else
				status = 404;
		}
	} else if (strchr(req, ' ')) {
		status = 405;
	}
	if (status != 503)
		c->win_answered++;

	if (status == 200) {
		body_len = ctl_http_report(c, body, now);
		type = "text/plain; version=0.0.4; charset=utf-8";
	} else {
		body_len = (size_t)snprintf(
			body, REPORT_MAX, "%d %s%s\n", status,
			ctl_http_reason(status),
			status == 404	? ": the metrics are at /metrics"
			: status == 503 ? ": too many requests this second"
					: "");
	}
	hlen = snprintf(head, sizeof(head),
			"HTTP/1.0 %d %s\r\nContent-Type: %s\r\n"
			"Content-Length: %zu\r\n%s%sConnection: close\r\n\r\n",
			status, ctl_http_reason(status), type, body_len,
			status == 405 ? "Allow: GET, HEAD\r\n" : "",
			status == 503 ? "Retry-After: 1\r\n" : "");
	if (hlen < 0 || (size_t)hlen >= sizeof(head))
		hlen = 0;
	memcpy(body - hlen, head, (size_t)hlen);
	*start = CTL_HEAD_MAX - (size_t)hlen;
	return (size_t)hlen + (is_head ? 0 : body_len);
}

/* Read an HTTP request head; answer once it is whole */
static void ctl_http_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl_client *cl = w->data;
	size_t start, len;
	ssize_t n;
	char *eol;

	(void)loop;
	(void)revents;
	n = recv(cl->fd, cl->req + cl->req_len,
		 sizeof(cl->req) - 1 - cl->req_len, MSG_DONTWAIT);
	if (n < 0 &&
	    (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) {
		ctl_client_done(cl);
		return;
	}
	cl->req_len += (size_t)n;
	cl->req[cl->req_len] = '\0';
	if (!strstr(cl->req, "\r\n\r\n") && !strstr(cl->req, "\n\n")) {
		if (cl->req_len < sizeof(cl->req) - 1)
			return;
		cl->req[0] = '\0'; /* too long: 431 */
	}
	eol = strpbrk(cl->req, "\r\n");
	if (eol)
		*eol = '\0';
	len = ctl_http_respond(cl->ctl, cl->req, cl->out, &start,
			       ev_now(cl->ctl->loop));
	/* the rest of the request is not read: stop reading, just answer */
	shutdown(cl->fd, SHUT_RD);
	ctl_send(cl, start, len);
}

static struct ctl_client *ctl_slot(struct ctl *c)
{
	int i;

	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		if (c->clients[i].fd < 0)
			return &c->clients[i];
	return NULL;
}

/* Clients being served, of one kind (HTTP or control) */
static int ctl_count(const struct ctl *c, int http)
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

static void ctl_http_resume_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct ctl *c = w->data;

	(void)revents;
	c->hpaused_slots = 0;
	ev_io_start(loop, &c->hio);
}

/* Take no metrics connection for @delay seconds: they wait in the
 * kernel's backlog (or their SYN is retried), costing this loop nothing */
static void ctl_http_pause(struct ctl *c, ev_tstamp delay, int for_slots)
{
	ev_io_stop(c->loop, &c->hio);
	ev_timer_stop(c->loop, &c->hresume);
	ev_timer_set(&c->hresume, delay > 0.001 ? delay : 0.001, 0);
	ev_timer_start(c->loop, &c->hresume);
	c->hpaused_slots = for_slots;
}

/* A slot for a new metrics client: a free one while fewer than
 * CTL_MAX_HTTP are served (NULL, with *@idle NULL, if none); else NULL,
 * with *@idle the oldest client that has not sent a whole request in
 * CTL_HTTP_GRACE (an idle connection must not keep a scraper out), or
 * NULL if every one is answering or just came. *@next is set to when one
 * will have had its grace. */
static struct ctl_client *ctl_http_slot(struct ctl *c, ev_tstamp now,
					struct ctl_client **idle,
					ev_tstamp *next)
{
	struct ctl_client *cl, *old = NULL;
	int i;

	*idle = NULL;
	*next = CTL_HTTP_GRACE;
	if (ctl_count(c, 1) < CTL_MAX_HTTP)
		return ctl_slot(c);
	for (i = 0; i < CTL_MAX_CLIENTS; i++) {
		cl = &c->clients[i];
		if (cl->fd >= 0 && cl->http && cl->reading &&
		    (!old || cl->since < old->since))
			old = cl;
	}
	if (old && now - old->since >= CTL_HTTP_GRACE)
		*idle = old;
	else if (old)
		*next = old->since + CTL_HTTP_GRACE - now;
	return NULL;
}

/* New metrics clients, within this second's budget and while a slot is
 * free, or held by a client that has sent nothing in its grace */
static void ctl_http_accept(struct ctl *c)
{
	struct ctl_client *cl, *idle;
	ev_tstamp now = ev_now(c->loop), next;
	static struct log_ratelimit rl;
	unsigned long supp;
	int fd;

	for (;;) {
		ctl_http_window(c, now);
		if (c->win_accepted >= CTL_HTTP_ACCEPTS) {
			ctl_http_pause(c, c->win_start + 1.0 - now, 0);
			if (log_ratelimit_ok(&rl, &supp))
				warn("metrics: %d connections in a second: "
				     "no more are taken until the next (%lu "
				     "pauses more since)",
				     CTL_HTTP_ACCEPTS, supp);
			return;
		}
		cl = ctl_http_slot(c, now, &idle, &next);
		if (!cl && !idle) {
			/* the connection waits in the kernel until a slot
			 * frees or an idle client's grace is over */
			ctl_http_pause(c, next, 1);
			return;
		}
		fd = accept4(c->hfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		c->win_accepted++;
		if (!cl) {
			debug("metrics client idle for %.1f s: its slot goes "
			      "to a new one",
			      now - idle->since);
			stat_inc(STAT_METRICS_CUT);
			ctl_client_done(idle);
			cl = idle;
		}
		cl->fd = fd;
		cl->http = 1;
		cl->reading = 1;
		cl->since = now;
		cl->req_len = 0;
		ev_timer_init(&cl->timer, ctl_timeout_cb, CTL_HTTP_TIMEOUT, 0);
		cl->timer.data = cl;
		ev_timer_start(c->loop, &cl->timer);
		ev_io_init(&cl->io, ctl_http_read_cb, fd, EV_READ);
		cl->io.data = cl;
		ev_io_start(c->loop, &cl->io);
		/* the request is often there already: answer at once */
		ctl_http_read_cb(c->loop, &cl->io, EV_READ);
	}
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
		cl = ctl_slot(c);
		if (!cl || !ctl_peer_ok(fd, &uid)) {
			if (log_ratelimit_ok(&rl, &supp)) {
				if (cl)
					warn("control connection refused: uid "
					     "%u is neither root nor ours "
					     "(%lu more refused since)",
					     (unsigned)uid, supp);
				else
					warn("control connection refused: %d "
					     "clients already (%lu more "
					     "refused since)",
					     ctl_count(c, 0), supp);
			}
			close(fd);
			continue;
		}
		cl->fd = fd;
		cl->http = 0;
		cl->reading = 0;
		cl->since = ev_now(c->loop);
		cl->req_len = 0;
		ev_timer_init(&cl->timer, ctl_timeout_cb, CTL_TIMEOUT, 0);
		cl->timer.data = cl;
		ev_timer_start(c->loop, &cl->timer);
		report_init(&r, cl->out, CTL_OUT_MAX, REPORT_TEXT, c->daemon);
		c->report(c->ctx, &r);
		ev_init(&cl->io, ctl_write_cb);
		ctl_send(cl, 0, r.len);
	}
}

static void ctl_unix_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	ctl_unix_accept(w->data);
}

static void ctl_http_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	ctl_http_accept(w->data);
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
	ev_init(&c->hresume, ctl_http_resume_cb);
	c->hresume.data = c;
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
 * ctl_open_metrics() - listen for Prometheus scrapes
 * @c:		control state
 * @hostport:	"IPV4:PORT", numeric
 *
 * Return: 0, -EINVAL for a bad address, or a negative errno
 */
int ctl_open_metrics(struct ctl *c, const char *hostport)
{
	struct transport_addr a;
	char spec[TRANSPORT_ADDR_MAX];
	int fd;

	if ((size_t)snprintf(spec, sizeof(spec), "tcp:%s", hostport) >=
		    sizeof(spec) ||
	    transport_parse(spec, &a))
		return -EINVAL;
	fd = transport_listen(&a);
	if (fd < 0)
		return fd;
	/* room for clients waiting while every slot is busy */
	listen(fd, CTL_HTTP_BACKLOG);
	c->hfd = fd;
	ev_io_init(&c->hio, ctl_http_cb, fd, EV_READ);
	c->hio.data = c;
	ev_io_start(c->loop, &c->hio);
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
	if (c->hfd >= 0) {
		ev_io_stop(c->loop, &c->hio);
		ev_timer_stop(c->loop, &c->hresume);
		close(c->hfd);
		c->hfd = -1;
	}
	free(c->outbuf);
	c->outbuf = NULL;
	c->cache = NULL;
}

/**
 * ctl_query() - read a running daemon's report from its control socket
 * @path:	control socket path
 * @prog:	our name, for messages
 * @out:	where the report goes
 *
 * Return: exit status: 0 on success, 1 if the daemon cannot be reached
 */
int ctl_query(const char *path, const char *prog, FILE *out)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct timeval tv = {.tv_sec = (time_t)CTL_TIMEOUT};
	char buf[4096];
	ssize_t n;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "%s: --control: path too long: %s\n", prog,
			path);
		return 1;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		fprintf(stderr, "%s: cannot reach the daemon at %s: %s (%s)\n",
			prog, path, strerror(errno),
			errno == EACCES || errno == EPERM
				? "reading the counters needs root"
				: "is it running, with the same --control?");
		if (fd >= 0)
			close(fd);
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "%s: reading %s: %s\n", prog, path,
				strerror(errno));
			close(fd);
			return 1;
		}
		fwrite(buf, 1, (size_t)n, out);
	}
	close(fd);
	return fflush(out) ? 1 : 0;
}
