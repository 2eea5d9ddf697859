// SPDX-License-Identifier: Apache-2.0
/* remora-enclave - wiring: queue, link with reconnection, injection
 *
 *   enclave apps --> NFQUEUE --> link --> remora-host
 *   remora-host --> link --> checks (hostile input) --> raw socket --> apps
 *
 * Everything that arrives on the link is treated as hostile: it is parsed
 * with bounds checks and must be addressed to the enclave from a source
 * that can exist on the internet before it is injected.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <net/if.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/netfilter/nfnetlink_queue.h>

#include "enclave.h"
#include "remora/prefault.h"
#include "remora/fwd.h"
#include "remora/gso.h"
#include "remora/isolation.h"
#include "remora/log.h"
#include "remora/notify.h"
#include "remora/pkt.h"
#include "remora/pmtu.h"
#include "remora/stats.h"

static void enclave_schedule_connect(struct enclave *e);

/* How a packet too large for lo is cut: TCP into segments, the rest into
 * fragments (same signature: gso_tcp_segment(), pmtu_fragment()) */
typedef int (*enclave_cut_fn)(const uint8_t *pkt, size_t len, size_t mtu,
			      uint8_t *out, size_t cap, uint8_t **segs,
			      size_t *lens, int max);

/* Identification of the next IPv6 packet remora-enclave fragments */
static uint32_t enclave_ident6;

/* pmtu_fragment6() as an enclave_cut_fn */
static int enclave_fragment6_cut(const uint8_t *pkt, size_t len, size_t mtu,
				 uint8_t *out, size_t cap, uint8_t **segs,
				 size_t *lens, int max)
{
	return pmtu_fragment6(pkt, len, mtu, enclave_ident6++, out, cap, segs,
			      lens, max);
}

/* A packet larger than lo's MTU: a TCP one the host took whole from its
 * queue (up to 64 KiB, as the kernel aggregated it) is cut to the MTU, as
 * the host's own GSO would have; a datagram the host's conntrack
 * reassembled is fragmented again, as a router would, and lo's input
 * reassembles it. The pieces are injected. */
/* Hold a checked packet for injection, in the batch of its version */
static void enclave_inject(struct enclave *e, const uint8_t *pkt, size_t len,
			   const struct pkt_info *pi)
{
	if (pi->version == 6)
		raw_batch_add6(&e->raw6, pkt, len, pi->dst6);
	else
		raw_batch_add(&e->raw, pkt, len, pi->dst);
}

static void enclave_inject_cut(struct enclave *e, const uint8_t *pkt,
			       size_t len, const struct pkt_info *pi,
			       enclave_cut_fn cut, enum stat_id counter)
{
	struct raw_batch *b = pi->version == 6 ? &e->raw6 : &e->raw;
	uint8_t *segs[GSO_MAX_SEGS];
	size_t lens[GSO_MAX_SEGS];
	int n, i;

	n = cut(pkt, len, e->mtu, e->seg + e->seg_used,
		ENCLAVE_SEG_BUF - e->seg_used, segs, lens, GSO_MAX_SEGS);
	if (n < 0 || b->n + (unsigned)n > RAW_BATCH) {
		/* no room left in this batch: send both, start afresh */
		raw_batch_flush(&e->raw);
		raw_batch_flush(&e->raw6);
		e->seg_used = 0;
		n = cut(pkt, len, e->mtu, e->seg, ENCLAVE_SEG_BUF, segs, lens,
			GSO_MAX_SEGS);
	}
	if (n < 0 || (unsigned)n > RAW_BATCH) {
		/* cannot be cut (headers fill the MTU, or DF): the kernel
		 * refuses it and it is counted as an injection drop */
		enclave_inject(e, pkt, len, pi);
		return;
	}
	for (i = 0; i < n; i++) {
		enclave_inject(e, segs[i], lens[i], pi);
		e->seg_used += lens[i];
	}
	stat_inc(counter);
}

static void enclave_link_packet(void *ctx, const uint8_t *pkt, size_t len)
{
	struct enclave *e = ctx;
	struct pkt_info pi;
	enum pkt_verdict v;

	v = pkt_parse(pkt, len, &pi);
	if (v == PKT_OK && pi.version == 6)
		v = e->cfg.c.have_addr6
			    ? pkt_check_inbound6(&pi, e->cfg.c.addr6)
			    : PKT_DST;
	else if (v == PKT_OK)
		v = pkt_check_inbound(&pi, e->cfg.c.addr);
	if (v == PKT_OK)
		v = policy_check_in(&e->cfg.policy, &pi);
	if (v != PKT_OK) {
		fwd_count_refusal(v, pkt, len);
		return;
	}
	fwd_trace("link -> injection", pkt, len);
	if ((pi.proto == IPPROTO_ICMP && pi.icmp_type == 3 &&
	     pi.icmp_code == 4) ||
	    (pi.proto == IPPROTO_ICMPV6 && pi.icmp_type == 2))
		/* fragmentation needed: a path's MTU shrank, and with it
		 * some connection's segment size */
		mss_forget(&e->mss);
	if (len > e->mtu && pi.proto == IPPROTO_TCP)
		enclave_inject_cut(e, pkt, len, &pi, gso_tcp_segment,
				   STAT_L2I_SEGMENTED);
	else if (len > e->mtu && pi.version == 4 && !pi.df)
		enclave_inject_cut(e, pkt, len, &pi, pmtu_fragment,
				   STAT_L2I_FRAGMENTED);
	else if (len > e->mtu && pi.version == 6)
		enclave_inject_cut(e, pkt, len, &pi, enclave_fragment6_cut,
				   STAT_L2I_FRAGMENTED);
	else
		enclave_inject(e, pkt, len, &pi);
}

static void enclave_link_batch_end(void *ctx)
{
	struct enclave *e = ctx;

	raw_batch_flush(&e->raw);
	raw_batch_flush(&e->raw6);
	e->seg_used = 0;
}

static void enclave_app_start(struct enclave *e, int have_link)
{
	struct app *a = &e->app;

	if (!a->argv || a->started || a->pid <= 0)
		return;
	ev_timer_stop(e->loop, &e->app_timer);
	if (have_link)
		info("network ready: starting %s (pid %ld)", a->argv[0],
		     (long)a->pid);
	else
		warn("no link to remora-host after %g s: starting %s (pid %ld) "
		     "anyway; its packets are dropped until the link is up",
		     e->cfg.app_wait, a->argv[0], (long)a->pid);
	if (app_start(a))
		err("the application's process is gone before it started");
}

static void enclave_link_state(void *ctx, int up)
{
	struct enclave *e = ctx;

	if (up) {
		e->backoff = ENCLAVE_RECONNECT_MIN;
		e->failures = 0;
		enclave_app_start(e, 1);
		return;
	}
	enclave_schedule_connect(e);
}

static const struct link_ops enclave_link_ops = {
	.packet = enclave_link_packet,
	.batch_end = enclave_link_batch_end,
	.state = enclave_link_state,
};

/* A connection attempt failed: say so without flooding, and retry later */
static void enclave_connect_failed(struct enclave *e, int err)
{
	stat_inc(STAT_LINK_CONNECT_FAILED);
	e->failures++;
	if (e->failures == 1 || e->failures % 20 == 0)
		warn("cannot connect to remora-host at %s: %s%s (attempt %u; "
		     "retrying every %g s at most)",
		     e->cfg.link.text, strerror(-err),
		     e->cfg.link.kind == TRANSPORT_VSOCK && err == -ENODEV
			     ? ": no vsock transport here (not in an enclave? "
			       "use unix: or tcp: elsewhere)"
			     : "",
		     e->failures, e->cfg.reconnect_max);
	else
		debug("connect to %s failed: %s", e->cfg.link.text,
		      strerror(-err));
	enclave_schedule_connect(e);
}

static void enclave_conn_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct enclave *e = w->data;
	int fd = e->conn_fd, rc;

	(void)revents;
	ev_io_stop(loop, w);
	e->conn_fd = -1;
	rc = transport_connect_result(fd);
	if (rc) {
		close(fd);
		enclave_connect_failed(e, rc);
		return;
	}
	info("connected to remora-host at %s%s", e->cfg.link.text,
	     e->failures ? " (after retries)" : "");
	link_attach(&e->link, fd);
}

static void enclave_retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct enclave *e = w->data;
	int fd;

	(void)revents;
	fd = transport_connect(&e->cfg.link);
	if (fd < 0) {
		enclave_connect_failed(e, fd);
		return;
	}
	/* complete (or fail) once writable: connect never blocks the loop */
	e->conn_fd = fd;
	ev_io_set(&e->conn_io, fd, EV_WRITE);
	ev_io_start(loop, &e->conn_io);
}

/* Next attempt after the current backoff, which doubles up to the cap */
static void enclave_schedule_connect(struct enclave *e)
{
	ev_timer_stop(e->loop, &e->retry);
	ev_timer_set(&e->retry, e->backoff, 0);
	ev_timer_start(e->loop, &e->retry);
	e->backoff *= 2;
	if (e->backoff > e->cfg.reconnect_max)
		e->backoff = e->cfg.reconnect_max;
}

/* The enclave's outbound policy; a packet it cannot read is refused. A
 * fragment after the first has no ports: only rules for every port of its
 * destination let it pass */
static enum pkt_verdict enclave_out_check(void *ctx, const uint8_t *pkt,
					  size_t len)
{
	struct enclave *e = ctx;
	struct pkt_info pi;
	enum pkt_verdict v;

	v = pkt_parse(pkt, len, &pi);
	if (v == PKT_FRAGMENT) /* cut by this kernel to a learnt path MTU */
		v = pkt_parse_fragment(pkt, len, &pi);
	if (v != PKT_OK)
		return PKT_POLICY;
	return policy_check_out(&e->cfg.policy, &pi);
}

/* A TCP super-packet from the enclave's own stack: cut it at the size its
 * connection's TCP chose, as the kernel would have, and frame the
 * segments; anything else aggregated goes back for the kernel to cut */
/* An IPv6 packet larger than its path's MTU as the enclave's kernel knows
 * it: the kernel would fragment it after the queue's hook, where remora
 * took it; remora-enclave does it in its stead (a socket that forbids
 * fragmentation never sends one: the kernel refuses it at send time) */
static int enclave_fragment6(struct enclave *e, struct link *l, uint8_t *pkt,
			     size_t len, uint32_t skbinfo,
			     const struct pkt_info *pi)
{
	uint8_t *frags[PMTU_MAX_FRAGS];
	size_t lens[PMTU_MAX_FRAGS],
		mtu = pmtu_route_mtu(e->mtu6_fd, AF_INET6, pi->dst6);
	int n, i;

	if (!mtu || len <= mtu)
		return FWD_CUT_WHOLE;
	if ((skbinfo & NFQA_SKB_CSUMNOTREADY) && gso_fill_l4_csum(pkt, len))
		return FWD_CUT_WHOLE; /* counted as malformed there */
	n = pmtu_fragment6(pkt, len, mtu, enclave_ident6++, e->cut,
			   ENCLAVE_CUT_BUF, frags, lens, PMTU_MAX_FRAGS);
	if (n < 0)
		return FWD_CUT_WHOLE; /* the host answers: packet too big */
	for (i = 0; i < n; i++)
		fwd_send(l, frags[i], lens[i]);
	stat_inc(STAT_Q2L_FRAGMENTED);
	return FWD_CUT_SENT;
}

static int enclave_cut(void *ctx, struct link *l, uint8_t *pkt, size_t len,
		       uint32_t skbinfo)
{
	struct enclave *e = ctx;
	uint8_t *segs[GSO_MAX_SEGS];
	size_t lens[GSO_MAX_SEGS], ihl, thlen, seg;
	struct pkt_info pi;
	int n, i;

	/* a TCP segment already fits the path MTU its kernel knows (TCP
	 * sizes its segments by it): no route lookup on that path */
	if (!(skbinfo & NFQA_SKB_GSO))
		return pkt_parse(pkt, len, &pi) == PKT_OK && pi.version == 6 &&
				       pi.proto != IPPROTO_TCP
			       ? enclave_fragment6(e, l, pkt, len, skbinfo, &pi)
			       : FWD_CUT_WHOLE;
	/* UDP GSO: its size is the application's; IPv6 with extension
	 * headers: not what TCP's GSO builds */
	if (pkt_parse(pkt, len, &pi) != PKT_OK || pi.proto != IPPROTO_TCP ||
	    (pi.version == 6 && pi.hlen != 40))
		return FWD_CUT_KERNEL;
	ihl = pi.hlen;
	thlen = (size_t)(pkt[ihl + 12] >> 4) * 4; /* parse checked it */
	if (pi.version == 6)
		seg = mss_segment_size(&e->mss, AF_INET6, pi.src6, pi.dst6,
				       pi.sport, pi.dport, thlen,
				       ev_now(e->loop));
	else
		seg = mss_segment_size(&e->mss, AF_INET, &pi.src, &pi.dst,
				       pi.sport, pi.dport, thlen,
				       ev_now(e->loop));
	if (!seg)
		return FWD_CUT_KERNEL;
	if (len - ihl - thlen <= seg)
		return FWD_CUT_WHOLE;
	n = gso_tcp_segment(pkt, len, ihl + thlen + seg, e->cut,
			    ENCLAVE_CUT_BUF, segs, lens, GSO_MAX_SEGS);
	if (n < 0)
		return FWD_CUT_KERNEL; /* more than GSO_MAX_SEGS pieces */
	for (i = 0; i < n; i++)
		fwd_send(l, segs[i], lens[i]);
	stat_inc(STAT_Q2L_SEGMENTED);
	return FWD_CUT_SENT;
}

static void enclave_nfq_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct enclave *e = w->data;
	fwd_check_fn check = e->cfg.policy.nrules || e->cfg.policy.have_in
				     ? enclave_out_check
				     : NULL;

	(void)loop;
	(void)revents;
	fwd_queue_drain(w == &e->nfq_io ? &e->nfq : &e->nfq_cut, &e->link,
			check,
			e->gso || e->cfg.c.have_addr6 ? enclave_cut : NULL, e);
}

/* With --no-gso, or a kernel that cannot tell a connection's MSS, the
 * kernel cuts every super-packet before queueing it. Otherwise TCP ones
 * come whole, and a second queue without NFQA_CFG_F_GSO takes back those
 * remora-enclave cannot cut. Start-up only. */
static void enclave_open_queues(struct enclave *e)
{
	int fallback = e->cfg.fallback_queue, rc;

	e->gso = !e->cfg.no_gso;
	if (e->gso && fallback < 0 && e->cfg.c.queue == 65535) {
		warn("--queue 65535 leaves no --fallback-queue: outbound "
		     "packets are taken one by one");
		e->gso = 0;
	}
	if (e->gso) {
		rc = mss_open(&e->mss);
		if (rc) {
			warn("cannot learn TCP connections' segment size from "
			     "the kernel (sock_diag: %s; needs "
			     "CONFIG_INET_DIAG and CONFIG_INET_TCP_DIAG): "
			     "outbound packets are taken one by one",
			     strerror(-rc));
			e->gso = 0;
		}
	} else {
		e->mss.fd = -1;
	}
	daemon_open_datapath(&e->raw, &e->raw6, 0, &e->nfq, &e->cfg.c, e->gso);
	if (!e->gso)
		return;
	if (fallback < 0)
		fallback = e->cfg.c.queue + 1;
	rc = nfqueue_open(&e->nfq_cut, (uint16_t)fallback,
			  e->cfg.c.queue_maxlen, 0);
	if (rc)
		die("cannot bind NFQUEUE %d (--fallback-queue, for the "
		    "super-packets the kernel cuts): %s: %s; or --no-gso",
		    fallback, strerror(-rc), nfqueue_hint(rc));
	e->nfq.pass_on = fallback;
	ev_io_init(&e->nfq_cut_io, enclave_nfq_cb, nfqueue_fd(&e->nfq_cut),
		   EV_READ);
	e->nfq_cut_io.data = e;
	ev_io_start(e->loop, &e->nfq_cut_io);
}

/* MTU of lo, the enclave's only interface: the largest packet injected */
static size_t enclave_lo_mtu(void)
{
	struct ifreq ifr;
	int fd, mtu = 65535;

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && !ioctl(fd, SIOCGIFMTU, &ifr))
		mtu = ifr.ifr_mtu;
	if (fd >= 0)
		close(fd);
	return mtu > 65535 ? 65535 : (size_t)mtu;
}

/* The report for --stats and SIGUSR1 */
static void enclave_report(void *ctx, struct report *r)
{
	struct enclave *e = ctx;

	daemon_report_fill(r, "remora-enclave", e->started, ev_now(e->loop),
			   &e->link, e->cfg.c.queue);
	report_text(r, "link_address", "where remora-host is reached",
		    e->cfg.link.text);
	report_gauge(r, "policy_outbound_rules",
		     "--allow-out and --deny-out rules in force",
		     e->cfg.policy.nrules);
	report_text(r, "policy_inbound_ports",
		    "--allow-in: ports open to new inbound flows (-: all)",
		    e->policy_in_text);
	report_gauge(r, "link_connect_failures_in_a_row",
		     "failed connection attempts since the last success",
		     e->failures);
}

static void enclave_app_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	enclave_app_start(w->data, 0);
}

/* The application exited: remora-enclave stops, with its status */
static void enclave_app_exited(struct ev_loop *loop, ev_child *w, int revents)
{
	struct enclave *e = w->data;
	int st = w->rstatus;

	(void)revents;
	ev_child_stop(loop, w);
	e->app.pid = -1;
	e->app.status = app_exit_status(st);
	if (WIFSIGNALED(st))
		info("the application was killed by signal %d: stopping, exit "
		     "status %d",
		     WTERMSIG(st), e->app.status);
	else
		info("the application exited with status %d: stopping",
		     e->app.status);
	ev_break(loop, EVBREAK_ALL);
}

/* SIGTERM/SIGINT go to the application while it runs */
static int enclave_forward_signal(void *ctx, int signum)
{
	struct enclave *e = ctx;

	return app_signal(&e->app, signum);
}

/**
 * enclave_run() - set up, run the event loop until SIGTERM/SIGINT
 * @e:	daemon state with its configuration filled
 *
 * Return: exit status
 */
int enclave_run(struct enclave *e)
{
	app_crash_handlers();
	info("remora-enclave %s pid %ld", REMORA_VERSION, (long)getpid());
	e->loop = ev_default_loop(EVFLAG_AUTO);
	if (!e->loop)
		die("cannot start the event loop");
	e->conn_fd = -1;
	e->backoff = 0; /* first attempt at once */
	e->started = ev_now(e->loop);
	if (ctl_init(&e->ctl, e->loop, "enclave", enclave_report, e))
		die("out of memory for the control socket");

	if (e->cfg.setup_net)
		netsetup_run(&e->cfg.net);
	enclave_open_queues(e);
	e->cut = malloc(ENCLAVE_CUT_BUF);
	if (!e->cut)
		die("out of memory for segment buffers");
	prefault(e->cut, ENCLAVE_CUT_BUF);
	e->mtu6_fd = -1;
	if (e->cfg.c.have_addr6)
		e->mtu6_fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	enclave_ident6 =
		(uint32_t)getpid() * 2654435761u ^ (uint32_t)(ev_time() * 1e6);
	e->mtu = enclave_lo_mtu();
	e->seg = malloc(ENCLAVE_SEG_BUF);
	if (!e->seg)
		die("out of memory for segment buffers");
	prefault(e->seg, ENCLAVE_SEG_BUF);

	if (link_init(&e->link, e->loop, FRAME_ROLE_ENCLAVE,
		      e->cfg.c.ka_interval, e->cfg.c.peer_timeout,
		      &enclave_link_ops, e))
		die("out of memory for link buffers");

	ev_io_init(&e->nfq_io, enclave_nfq_cb, nfqueue_fd(&e->nfq), EV_READ);
	e->nfq_io.data = e;
	ev_io_start(e->loop, &e->nfq_io);
	ev_init(&e->conn_io, enclave_conn_cb);
	e->conn_io.data = e;
	ev_init(&e->retry, enclave_retry_cb);
	e->retry.data = e;
	daemon_signals_start(e->loop, &e->sigs, enclave_report, e);
	e->sigs.forward = enclave_forward_signal;
	daemon_open_control(&e->ctl, &e->cfg.c, "remora-enclave");
	e->app.argv = e->cfg.app_argv;
	e->app.go_fd = -1;
	if (e->app.argv) {
		/* forked now, with the image's privileges; it execs once
		 * the network is ready */
		int rc = app_fork(&e->app, e->loop, enclave_app_exited, e);

		if (rc)
			die("cannot start %s: %s", e->app.argv[0],
			    strerror(-rc));
		ev_timer_init(&e->app_timer, enclave_app_timer_cb,
			      e->cfg.app_wait, 0);
		e->app_timer.data = e;
	}
	daemon_drop_capabilities();
	isolation_enclave(&e->cfg.link, e->app.pid);

	info("remora-enclave %s: address %s, queue %u, connecting to %s",
	     REMORA_VERSION,
	     inet_ntoa((struct in_addr){.s_addr = e->cfg.c.addr}),
	     e->cfg.c.queue, e->cfg.link.text);
	if (e->cfg.policy.have_in &&
	    portset_format(&e->cfg.policy.in_ports, e->policy_in_text,
			   sizeof(e->policy_in_text)))
		strcpy(e->policy_in_text, "(long list)");
	if (e->cfg.policy.have_in || e->cfg.policy.nrules)
		info("policy: new inbound flows to %s; %d outbound rule%s%s",
		     e->cfg.policy.have_in ? e->policy_in_text : "any port",
		     e->cfg.policy.nrules, e->cfg.policy.nrules == 1 ? "" : "s",
		     e->cfg.policy.have_allow
			     ? ", destinations no rule allows are refused"
			     : "");
	notify_ready(e->loop, "forwarding; connecting to remora-host");
	enclave_schedule_connect(e);
	e->backoff = ENCLAVE_RECONNECT_MIN;
	if (e->app.argv && e->cfg.app_wait <= 0)
		enclave_app_start(e, 0);
	else if (e->app.argv)
		ev_timer_start(e->loop, &e->app_timer);

	ev_run(e->loop, 0);

	link_close(&e->link, FRAME_BYE_SHUTDOWN, "remora-enclave is stopping");
	ev_timer_stop(e->loop, &e->retry);
	ev_timer_stop(e->loop, &e->app_timer);
	if (e->conn_fd >= 0)
		close(e->conn_fd);
	daemon_report_log(enclave_report, e);
	ctl_close(&e->ctl);
	nfqueue_close(&e->nfq);
	if (e->gso)
		nfqueue_close(&e->nfq_cut);
	mss_close(&e->mss);
	if (e->mtu6_fd >= 0)
		close(e->mtu6_fd);
	free(e->cut);
	close(e->raw.fd);
	if (e->raw6.fd >= 0)
		close(e->raw6.fd);
	link_free(&e->link);
	free(e->seg);
	info("stopped");
	return e->app.argv ? e->app.status : 0;
}
