/* SPDX-License-Identifier: Apache-2.0 */
/* remora - the control socket (--stats) and the client slots it shares with
 * the metrics endpoint (metrics.h) */
#ifndef REMORA_CTL_H
#define REMORA_CTL_H

#include <stddef.h>
#include <stdio.h>

#include <ev.h>

#include "remora/report.h"

#define CTL_MAX_CLIENTS 8    /* served at once; more are turned away */
#define CTL_MAX_HTTP	6    /* of them metrics clients, at most */
#define CTL_REQ_MAX	2048 /* bytes of an HTTP request head */
#define CTL_HEAD_MAX	256  /* bytes of an HTTP response head */
#define CTL_OUT_MAX	(CTL_HEAD_MAX + REPORT_MAX)
#define CTL_TIMEOUT	5.0	      /* seconds a control client may take */
#define CTL_RUN_DIR	"/run/remora" /* where the default sockets live */
/* The metrics endpoint shares the forwarding loop: its work is bounded */
#define CTL_HTTP_TIMEOUT 2.0 /* s: a metrics client's request and answer */
#define CTL_HTTP_RENDER	 1.0 /* s: the report is built at most this often */
#define CTL_HTTP_RATE	 20  /* metrics requests answered a second; 503 past */
#define CTL_HTTP_ACCEPTS 100 /* connections taken a second; the rest wait */
#define CTL_HTTP_GRACE	 0.1 /* s: a client may send its request in peace */
#define CTL_HTTP_BACKLOG 64  /* connections the kernel holds for a slot */

struct ctl;

/**
 * typedef ctl_report_fn - write the daemon's report
 * @ctx:	the daemon
 * @r:		report to fill
 */
typedef void (*ctl_report_fn)(void *ctx, struct report *r);

/**
 * struct ctl_client - one connection being served
 * @ctl:	owner
 * @fd:		socket, -1 when the slot is free
 * @http:	an HTTP (metrics) client, else a control socket client
 * @io:		read or write watcher
 * @timer:	the client's deadline
 * @since:	event-loop time it was accepted
 * @reading:	an HTTP client whose request is not whole yet: the one
 *		whose slot a newer client may take once it is older than
 *		CTL_HTTP_GRACE
 * @req_len:	bytes of request read into @req
 * @req:	HTTP request head
 * @out:	response, CTL_OUT_MAX bytes
 * @out_len:	bytes of response
 * @out_off:	bytes already written
 */
struct ctl_client {
	struct ctl *ctl;
	int fd;
	int http;
	ev_io io;
	ev_timer timer;
	ev_tstamp since;
	int reading;
	size_t req_len;
	char req[CTL_REQ_MAX];
	char *out;
	size_t out_len;
	size_t out_off;
};

/**
 * struct ctl - the daemon's control socket and metrics listener
 * @loop:	event loop
 * @ufd:	control socket (unix), -1 if none
 * @hfd:	metrics listener (tcp), -1 if none
 * @uio:	watcher on @ufd
 * @hio:	watcher on @hfd
 * @path:	control socket path, removed on close
 * @daemon:	"host" or "enclave"
 * @report:	writes the report
 * @ctx:	its argument
 * @hresume:	timer that starts accepting metrics clients again
 * @hpaused_slots: metrics clients are not accepted until a slot frees
 * @win_start:	event-loop time the current second of metrics work began
 * @win_answered: metrics requests answered in it
 * @win_accepted: metrics connections accepted in it
 * @cache:	the last Prometheus report built, REPORT_MAX bytes
 * @cache_len:	its length
 * @cache_time:	event-loop time it was built
 * @cached:	@cache holds a report
 * @clients:	connections being served
 * @outbuf:	response storage of every client, then @cache
 */
struct ctl {
	struct ev_loop *loop;
	int ufd;
	int hfd;
	ev_io uio;
	ev_io hio;
	char path[108];
	const char *daemon;
	ctl_report_fn report;
	void *ctx;
	ev_timer hresume;
	int hpaused_slots;
	ev_tstamp win_start;
	unsigned win_answered;
	unsigned win_accepted;
	char *cache;
	size_t cache_len;
	ev_tstamp cache_time;
	int cached;
	struct ctl_client clients[CTL_MAX_CLIENTS];
	char *outbuf;
};

int ctl_init(struct ctl *c, struct ev_loop *loop, const char *daemon,
	     ctl_report_fn report, void *ctx);
int ctl_open_control(struct ctl *c, const char *path);
void ctl_close(struct ctl *c);
struct opts_common;
void ctl_open_configured(struct ctl *c, const struct opts_common *o,
			 const char *prog);
struct ctl_client *ctl_client_slot(struct ctl *c);
int ctl_client_count(const struct ctl *c, int http);
void ctl_client_send(struct ctl_client *cl, size_t start, size_t len);
void ctl_client_done(struct ctl_client *cl);
void ctl_client_timeout_cb(struct ev_loop *loop, ev_timer *w, int revents);

#endif /* REMORA_CTL_H */
