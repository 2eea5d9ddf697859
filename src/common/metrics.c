// SPDX-License-Identifier: Apache-2.0
/* remora - the metrics endpoint: the daemon's report to Prometheus
 *
 * A TCP listener on an address the operator chooses (a local one),
 * answering `GET /metrics` with the daemon's report in Prometheus format,
 * HTTP/1.0, one request per connection, in the client slots of the
 * control socket (ctl.c).
 *
 * Anyone who reaches the address can open a connection, and it shares the
 * forwarding loop, so its work is bounded: the report is built at most
 * once per CTL_HTTP_RENDER (scrapes in between get the same copy), at
 * most CTL_HTTP_RATE requests are answered a second (the rest get 503),
 * at most CTL_HTTP_ACCEPTS connections are taken a second (the rest wait
 * in the kernel), each has CTL_HTTP_TIMEOUT for its request and answer
 * together, and one that has sent no whole request yet gives up its slot
 * to a newer client: idle connections cannot lock scrapers out.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "remora/ctl.h"
#include "remora/log.h"
#include "remora/metrics.h"
#include "remora/stats.h"
#include "remora/transport.h"

/* Text of an HTTP status line */
static const char *metrics_reason(int status)
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
static void metrics_window(struct ctl *c, ev_tstamp now)
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
static size_t metrics_report(struct ctl *c, char *body, ev_tstamp now)
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
 * metrics_respond() - the whole HTTP response to a request head
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
size_t metrics_respond(struct ctl *c, const char *req, char *out, size_t *start,
		       ev_tstamp now)
{
	const char *type = "text/plain; charset=utf-8", *path, *sp, *ver;
	char *body = out + CTL_HEAD_MAX, head[CTL_HEAD_MAX];
	size_t body_len, path_len;
	int status, is_head = 0, hlen;

	metrics_window(c, now);
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
		body_len = metrics_report(c, body, now);
		type = "text/plain; version=0.0.4; charset=utf-8";
	} else {
		body_len = (size_t)snprintf(
			body, REPORT_MAX, "%d %s%s\n", status,
			metrics_reason(status),
			status == 404	? ": the metrics are at /metrics"
			: status == 503 ? ": too many requests this second"
					: "");
	}
	hlen = snprintf(head, sizeof(head),
			"HTTP/1.0 %d %s\r\nContent-Type: %s\r\n"
			"Content-Length: %zu\r\n%s%sConnection: close\r\n\r\n",
			status, metrics_reason(status), type, body_len,
			status == 405 ? "Allow: GET, HEAD\r\n" : "",
			status == 503 ? "Retry-After: 1\r\n" : "");
	if (hlen < 0 || (size_t)hlen >= sizeof(head))
		hlen = 0;
	memcpy(body - hlen, head, (size_t)hlen);
	*start = CTL_HEAD_MAX - (size_t)hlen;
	return (size_t)hlen + (is_head ? 0 : body_len);
}

/* Read an HTTP request head; answer once it is whole */
static void metrics_read_cb(struct ev_loop *loop, ev_io *w, int revents)
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
	len = metrics_respond(cl->ctl, cl->req, cl->out, &start,
			      ev_now(cl->ctl->loop));
	/* the rest of the request is not read: stop reading, just answer */
	shutdown(cl->fd, SHUT_RD);
	ctl_client_send(cl, start, len);
}

static void metrics_resume_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct ctl *c = w->data;

	(void)revents;
	c->hpaused_slots = 0;
	ev_io_start(loop, &c->hio);
}

/* Take no metrics connection for @delay seconds: they wait in the
 * kernel's backlog (or their SYN is retried), costing this loop nothing */
static void metrics_pause(struct ctl *c, ev_tstamp delay, int for_slots)
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
static struct ctl_client *metrics_slot(struct ctl *c, ev_tstamp now,
				       struct ctl_client **idle,
				       ev_tstamp *next)
{
	struct ctl_client *cl, *old = NULL;
	int i;

	*idle = NULL;
	*next = CTL_HTTP_GRACE;
	if (ctl_client_count(c, 1) < CTL_MAX_HTTP)
		return ctl_client_slot(c);
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
static void metrics_accept(struct ctl *c)
{
	struct ctl_client *cl, *idle;
	ev_tstamp now = ev_now(c->loop), next;
	static struct log_ratelimit rl;
	unsigned long supp;
	int fd;

	for (;;) {
		metrics_window(c, now);
		if (c->win_accepted >= CTL_HTTP_ACCEPTS) {
			metrics_pause(c, c->win_start + 1.0 - now, 0);
			if (log_ratelimit_ok(&rl, &supp))
				warn("metrics: %d connections in a second: no more are taken until the next (%lu pauses more since)",
				     CTL_HTTP_ACCEPTS, supp);
			return;
		}
		cl = metrics_slot(c, now, &idle, &next);
		if (!cl && !idle) {
			/* the connection waits in the kernel until a slot
			 * frees or an idle client's grace is over */
			metrics_pause(c, next, 1);
			return;
		}
		fd = accept4(c->hfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		c->win_accepted++;
		if (!cl) {
			debug("metrics client idle for %.1f s: its slot goes to a new one",
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
		ev_timer_init(&cl->timer, ctl_client_timeout_cb,
			      CTL_HTTP_TIMEOUT, 0);
		cl->timer.data = cl;
		ev_timer_start(c->loop, &cl->timer);
		ev_io_init(&cl->io, metrics_read_cb, fd, EV_READ);
		cl->io.data = cl;
		ev_io_start(c->loop, &cl->io);
		/* the request is often there already: answer at once */
		metrics_read_cb(c->loop, &cl->io, EV_READ);
	}
}

static void metrics_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	metrics_accept(w->data);
}

/**
 * metrics_open() - listen for Prometheus scrapes
 * @c:		control state
 * @hostport:	"IPV4:PORT", numeric
 *
 * Return: 0, -EINVAL for a bad address, or a negative errno
 */
int metrics_open(struct ctl *c, const char *hostport)
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
	ev_io_init(&c->hio, metrics_cb, fd, EV_READ);
	c->hio.data = c;
	ev_io_start(c->loop, &c->hio);
	return 0;
}

/**
 * metrics_init() - prepare the endpoint, not listening yet
 * @c:	control state
 */
void metrics_init(struct ctl *c)
{
	ev_init(&c->hresume, metrics_resume_cb);
	c->hresume.data = c;
}

/**
 * metrics_slot_freed() - a client slot is free: take waiting connections
 * @c:	control state
 */
void metrics_slot_freed(struct ctl *c)
{
	if (!c->hpaused_slots)
		return;
	c->hpaused_slots = 0;
	ev_timer_stop(c->loop, &c->hresume);
	ev_io_start(c->loop, &c->hio);
}

/**
 * metrics_close() - stop listening for scrapes
 * @c:	control state
 */
void metrics_close(struct ctl *c)
{
	if (c->hfd < 0)
		return;
	ev_io_stop(c->loop, &c->hio);
	ev_timer_stop(c->loop, &c->hresume);
	close(c->hfd);
	c->hfd = -1;
}
