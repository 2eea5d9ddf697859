// SPDX-License-Identifier: Apache-2.0
/* remora - signals and reports common to both daemons */

#include <errno.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "remora/daemon.h"
#include "remora/frame.h"
#include "remora/link.h"
#include "remora/log.h"
#include "remora/nfqueue.h"
#include "remora/opts.h"
#include "remora/raw.h"
#include "remora/report.h"
#include "remora/stats.h"

/**
 * daemon_report_fill() - what both daemons report: identity, uptime, link,
 *			  every counter and the kernel's counters of the queue
 * @r:		report
 * @prog:	"remora-host" or "remora-enclave"
 * @started:	event-loop time the daemon started
 * @now:	event-loop time now
 * @l:		the link packets go to
 * @queue:	queue number
 */
void daemon_report_fill(struct report *r, const char *prog, ev_tstamp started,
			ev_tstamp now, const struct link *l, uint16_t queue)
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
	if (nfqueue_kernel_stats(queue, &total, &qdrop, &udrop))
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
 * daemon_report_log() - log the report, one "stat name value" line each
 * @report:	writes the daemon's report
 * @ctx:	its argument
 */
void daemon_report_log(ctl_report_fn report, void *ctx)
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

static void daemon_stop_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct daemon_signals *ds = w->data;
	const char *name = w->signum == SIGTERM ? "SIGTERM" : "SIGINT";

	(void)revents;
	if (ds->forward && ds->forward(ds->ctx, w->signum)) {
		info("received %s, passed on to the application", name);
		return;
	}
	info("received %s, stopping", name);
	ev_break(loop, EVBREAK_ALL);
}

static void daemon_usr1_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct daemon_signals *ds = w->data;

	(void)loop;
	(void)revents;
	daemon_report_log(ds->report, ds->ctx);
}

/**
 * daemon_signals_start() - stop on SIGTERM/SIGINT, report on SIGUSR1
 * @loop:	event loop
 * @ds:	watcher storage, lives as long as the loop
 * @report:	writes the daemon's report
 * @ctx:	its argument
 *
 * SIGPIPE is ignored: a peer that goes away is seen as a write error.
 */
void daemon_signals_start(struct ev_loop *loop, struct daemon_signals *ds,
			  ctl_report_fn report, void *ctx)
{
	signal(SIGPIPE, SIG_IGN);
	ds->report = report;
	ds->ctx = ctx;
	ev_signal_init(&ds->term, daemon_stop_cb, SIGTERM);
	ev_signal_init(&ds->intr, daemon_stop_cb, SIGINT);
	ds->term.data = ds;
	ds->intr.data = ds;
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
 * @raw6:	IPv6 injection batch, initialised on its socket with
 *		--address6, on none (fd -1) without
 * @mark:	SO_MARK of injected packets, 0 for none
 * @q:		queue to bind
 * @c:		common options: queue number and length
 * @gso:	take aggregated packets whole from the queue
 */
void daemon_open_datapath(struct raw_batch *raw, struct raw_batch *raw6,
			  uint32_t mark, struct nfqueue *q,
			  const struct opts_common *c, int gso)
{
	int fd, rc;

	fd = raw_open(AF_INET, mark);
	if (fd < 0)
		die("cannot open the raw injection socket: %s (needs %s: run "
		    "as root)",
		    strerror(-fd),
		    mark ? "CAP_NET_RAW and CAP_NET_ADMIN" : "CAP_NET_RAW");
	raw_batch_init(raw, fd, AF_INET);
	raw_batch_init(raw6, -1, AF_INET6);
	if (c->have_addr6) {
		fd = raw_open(AF_INET6, mark);
		if (fd < 0)
			die("cannot open the IPv6 raw injection socket: %s%s",
			    strerror(-fd),
			    fd == -EAFNOSUPPORT
				    ? " (IPv6 is off in this kernel: drop "
				      "--address6, or enable it)"
				    : "");
		raw_batch_init(raw6, fd, AF_INET6);
	}

	rc = nfqueue_open(q, c->queue, c->queue_maxlen, gso);
	if (rc)
		die("cannot bind NFQUEUE %u: %s: %s", c->queue, strerror(-rc),
		    nfqueue_hint(rc));
}

/**
 * daemon_open_control() - open the control socket (and metrics listener)
 * @ctl:	control state, initialised
 * @c:		common options: --control
 * @prog:	"remora-host" or "remora-enclave"
 *
 * A control socket the operator named must open, or the daemon exits 1.
 * The default one is a convenience: if another daemon holds it (a second
 * instance in another network namespace), say so and go on without it.
 */
void daemon_open_control(struct ctl *ctl, const struct opts_common *c,
			 const char *prog)
{
	int rc;

	if (!c->control[0])
		return;
	if (!c->have_control)
		mkdir(CTL_RUN_DIR,
		      0755); /* EEXIST is fine; bind says the rest */
	rc = ctl_open_control(ctl, c->control);
	if (!rc)
		return;
	if (c->have_control)
		die("cannot open the control socket %s: %s", c->control,
		    rc == -EADDRINUSE ? "another daemon is answering on it"
				      : strerror(-rc));
	warn("no control socket: %s: %s; %s --stats will not reach this "
	     "daemon (use --control PATH)",
	     c->control,
	     rc == -EADDRINUSE ? "another daemon is answering on it"
			       : strerror(-rc),
	     prog);
}

/* Names of the capabilities a daemon may keep, for its log */
static const struct {
	int cap;
	const char *name;
} daemon_cap_names[] = {
	{CAP_NET_ADMIN, "CAP_NET_ADMIN"},
	{CAP_NET_BIND_SERVICE, "CAP_NET_BIND_SERVICE"},
	{CAP_NET_RAW, "CAP_NET_RAW"},
};

/**
 * daemon_drop_capabilities() - keep only the capabilities still needed
 * @keep:	DAEMON_CAP() of each capability to keep
 *
 * Everything else privileged is done at start-up: the raw socket is open
 * with its mark, the listener and control socket are bound. What is left
 * is talking to NFQUEUE: the kernel checks CAP_NET_ADMIN on every netlink
 * message to it (verdicts), against the sender as it is then; and, for
 * remora-enclave on vsock or tcp, binding each new link's source port
 * below 1024 (CAP_NET_BIND_SERVICE), remora-host's proof that a privileged
 * process connects. Those in @keep that the daemon holds stay; every other
 * capability goes, from the effective, permitted, inheritable, ambient and
 * bounding sets; no exec can gain privileges. A flaw in the packet path
 * then gives an attacker no CAP_NET_RAW, CAP_SYS_ADMIN, CAP_DAC_OVERRIDE...
 *
 * Return: 0, or a negative errno (the daemon goes on, with a warning)
 */
int daemon_drop_capabilities(uint64_t keep)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2];
	char kept[128] = "";
	size_t i;
	int cap, rc = 0;

	/* capset cannot add to the permitted set: keep only what we have */
	memset(data, 0, sizeof(data));
	if (!syscall(SYS_capget, &hdr, data))
		keep &= data[0].permitted | (uint64_t)data[1].permitted << 32;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		rc = -errno;
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	/* the bounding set needs CAP_SETPCAP, which may already be gone */
	for (cap = 0; cap <= 63; cap++) {
		if (keep & DAEMON_CAP(cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno == EINVAL)
			break;
	}
	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = (uint32_t)keep;
	data[1].effective = data[1].permitted = (uint32_t)(keep >> 32);
	if (syscall(SYS_capset, &hdr, data))
		rc = -errno;
	for (i = 0; i < sizeof(daemon_cap_names) / sizeof(daemon_cap_names[0]);
	     i++)
		if (keep & DAEMON_CAP(daemon_cap_names[i].cap))
			snprintf(kept + strlen(kept),
				 sizeof(kept) - strlen(kept), "%s%s",
				 *kept ? " " : "", daemon_cap_names[i].name);
	if (rc)
		warn("cannot drop capabilities: %s; running with them",
		     strerror(-rc));
	else
		debug("capabilities dropped: only %s left",
		      *kept ? kept : "none");
	return rc;
}
