// SPDX-License-Identifier: Apache-2.0
/* remora-enclave - wiring: queue, link with reconnection, injection
 *
 *   enclave apps --> NFQUEUE or tun --> link --> remora-host
 *   remora-host --> link --> checks (hostile input) --> raw socket or tun
 *   --> apps
 *
 * Everything that arrives on the link is treated as hostile: it is parsed
 * with bounds checks and must be addressed to the enclave from a source
 * that can exist on the internet before it is injected.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <net/if.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <netinet/icmp6.h>
#include <netinet/ip_icmp.h>

#include <linux/netfilter/nfnetlink_queue.h>

#include "crash.h"
#include "enclave.h"
#include "outbound.h"
#include "reconnect.h"
#include "remora/datapath.h"
#include "remora/fit.h"
#include "remora/isolation.h"
#include "remora/log.h"
#include "remora/notify.h"
#include "remora/peerstats.h"
#include "remora/pkt.h"
#include "remora/pmtu.h"
#include "remora/prefault.h"
#include "remora/refuse.h"
#include "remora/stats.h"
#include "remora/status.h"
#include "remora/trace.h"

/* Hold a packet for injection, in the batch of its version; a full batch
 * is sent at once. Into the tun, each is written at once, whole, its
 * checksum taken as it is (as lo takes what the raw socket sends) */
static void enclave_inject(struct enclave *e, const uint8_t *pkt, size_t len,
			   const struct pkt_info *pi)
{
	static const struct virtio_net_hdr valid = {
		.flags = VIRTIO_NET_HDR_F_DATA_VALID};

	if (e->capture == CAPTURE_TUN) {
		tun_inject(&e->tun, &valid, pkt, len);
		return;
	}
	if (pi->version == 6 ? raw_batch_add6(&e->raw6, pkt, len, pi->dst6)
			     : raw_batch_add(&e->raw, pkt, len, pi->dst))
		raw_batch_flush(pi->version == 6 ? &e->raw6 : &e->raw, NULL, 0);
}

/* Send both injection batches; the pieces they pointed at are free again */
static void enclave_inject_flush(struct enclave *e)
{
	raw_batch_flush(&e->raw, NULL, 0);
	raw_batch_flush(&e->raw6, NULL, 0);
	e->seg_used = 0;
}

/* Has the host checked the packet as remora-enclave must? Return: PKT_OK
 * or why not */
static enum pkt_verdict enclave_from_host_check(const struct enclave *e,
						const struct pkt_info *pi)
{
	enum pkt_verdict v = pkt_check_inbound(pi, &e->own);

	return v == PKT_OK ? policy_check_in(&e->cfg.policy, pi) : v;
}

/* A packet from the host, hostile until checked: parsed, checked, made to
 * fit lo (or the tun), injected. @off is not read: remora-enclave announces no
 * capability, so its link refuses OFFLOAD frames and @off is NULL. */
static void enclave_from_host(void *ctx, uint8_t *pkt, size_t len,
			      const struct frame_offload *off)
{
	struct enclave *e = ctx;
	struct pieces pieces;
	struct fit_plan plan;
	struct pkt_info pi;
	enum pkt_verdict v;
	int i;

	(void)off;
	v = pkt_parse(pkt, len, &pi);
	if (v == PKT_OK)
		v = enclave_from_host_check(e, &pi);
	if (v != PKT_OK) {
		refuse_count(v, &pi);
		return;
	}
	trace_pkt("link -> injection", &pi);
	egress_inbound(&e->egress, pkt, &pi, ev_now(e->loop));
	if (pkt_icmp_error(&pi) &&
	    (pi.version == 4 ? pi.icmp_code == ICMP_FRAG_NEEDED
			     : pi.icmp_type == ICMP6_PACKET_TOO_BIG))
		/* a path's MTU shrank, and with it some connection's
		 * segment size */
		mss_forget(&e->mss);
	plan = fit_decide(&e->fit_in, &pi, 0);
	if (plan.how != FIT_WHOLE &&
	    ENCLAVE_SEG_BUF - e->seg_used < PIECES_BUF_MAX)
		enclave_inject_flush(e); /* room for the pieces */
	pieces_init(&pieces, e->seg + e->seg_used,
		    ENCLAVE_SEG_BUF - e->seg_used);
	switch (fit_apply(&e->fit_in, &plan, pkt, &pi, 0, &pieces, &v)) {
	case FIT_SEGMENT:
		stat_inc(STAT_L2I_SEGMENTED);
		break;
	case FIT_FRAGMENT:
		stat_inc(STAT_L2I_FRAGMENTED);
		break;
	case FIT_REFUSE:
		refuse_count(v, &pi);
		return;
	default:
		/* whole: too large for lo with DF, the kernel refuses it and
		 * it is counted as an injection drop */
		enclave_inject(e, pkt, len, &pi);
		return;
	}
	for (i = 0; i < pieces.n; i++)
		enclave_inject(e, pieces.p[i], pieces.len[i], &pi);
	e->seg_used += pieces.used;
}

static void enclave_from_host_end(void *ctx)
{
	enclave_inject_flush(ctx);
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
		warn("no link to remora-host after %g s: starting %s (pid %ld) anyway; its packets are dropped until the link is up",
		     e->cfg.app_wait, a->argv[0], (long)a->pid);
	if (app_start(a))
		err("the application's process is gone before it started");
}

static void enclave_link_state(void *ctx, int up)
{
	struct enclave *e = ctx;

	/* a host that injects super-packets whole takes them uncut, their
	 * checksums left for its kernel to complete */
	if (up && link_peer_offload(&e->link))
		e->fit_out.flags |= FIT_PEER_CUTS;
	else
		e->fit_out.flags &= ~(unsigned)FIT_PEER_CUTS;
	if (up) {
		reconnect_up(&e->reconnect);
		enclave_app_start(e, 1);
		return;
	}
	reconnect_start(&e->reconnect);
}

/* This daemon's counters to the host, which shows them (the enclave has
 * no console): every PEERSTATS_PERIOD seconds, and when it asks, at most
 * twice a second (the host's asking is not to cost the enclave more) */
static void enclave_send_stats(struct enclave *e)
{
	static uint8_t buf[FRAME_STATS_MAX_PAYLOAD];
	ev_tstamp now = ev_now(e->loop);
	size_t len;

	if (!link_peer_stats(&e->link) || now - e->stats_sent < 0.5)
		return;
	e->stats_sent = now;
	len = peerstats_encode(buf, sizeof(buf), &stats, now - e->started);
	if (!link_send_stats(&e->link, buf, len))
		link_flush(&e->link);
}

/* A STATS frame from the host: whatever it holds, a request */
static void enclave_stats_asked(void *ctx, const uint8_t *p, size_t len)
{
	(void)p;
	(void)len;
	enclave_send_stats(ctx);
}

static void enclave_stats_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	enclave_send_stats(w->data);
}

static const struct link_ops enclave_link_ops = {
	.packet = enclave_from_host,
	.batch_end = enclave_from_host_end,
	.state = enclave_link_state,
	.stats = enclave_stats_asked,
};

/* With --no-gso, or a kernel that cannot tell a connection's MSS, the
 * kernel cuts every super-packet before queueing it. Otherwise TCP ones
 * come whole, and a second queue without NFQA_CFG_F_GSO takes back those
 * remora-enclave cannot cut. Start-up only.
 * Return: binding the queue's result, 0 or -errno (nothing is left open
 * on failure) */
static int enclave_open_queues(struct enclave *e)
{
	int fallback = e->cfg.fallback_queue, rc;

	e->gso = !e->cfg.no_gso;
	if (e->gso && fallback < 0 && e->cfg.c.queue == 65535) {
		warn("--queue 65535 leaves no --fallback-queue: outbound packets are taken one by one");
		e->gso = 0;
	}
	if (e->gso) {
		rc = mss_open(&e->mss);
		if (rc) {
			warn("cannot learn TCP connections' segment size from the kernel (sock_diag: %s; needs CONFIG_INET_DIAG and CONFIG_INET_TCP_DIAG): outbound packets are taken one by one",
			     strerror(-rc));
			e->gso = 0;
		}
	}
	rc = nfqueue_open(&e->nfq, e->cfg.c.queue, e->cfg.c.queue_maxlen,
			  e->gso);
	if (rc) {
		mss_close(&e->mss);
		e->gso = 0;
		return rc;
	}
	if (!e->gso)
		return 0;
	if (fallback < 0)
		fallback = e->cfg.c.queue + 1;
	rc = nfqueue_open(&e->nfq_cut, (uint16_t)fallback,
			  e->cfg.c.queue_maxlen, 0);
	if (rc)
		die("cannot bind NFQUEUE %d (--fallback-queue, for the super-packets the kernel cuts): %s: %s; or --no-gso",
		    fallback, strerror(-rc), nfqueue_hint(rc));
	e->nfq.pass_on = fallback;
	ev_io_init(&e->nfq_cut_io, outbound_queue_ready,
		   nfqueue_fd(&e->nfq_cut), EV_READ);
	e->nfq_cut_io.data = e;
	ev_io_start(e->loop, &e->nfq_cut_io);
	return 0;
}

/* The tun the enclave's default routes go into, and the routes; its
 * packets come with their segment size, so nothing is asked of sock_diag.
 * Start-up only. */
static void enclave_open_tun(struct enclave *e)
{
	int rc = capture_tun_open(&e->tun, e->cfg.tun_name, e->cfg.net.mtu,
				  e->cfg.no_gso);

	if (rc)
		die("--capture tun: cannot open the tun device %s: %s%s",
		    e->cfg.tun_name, strerror(-rc),
		    rc == -ENOENT ? " (no /dev/net/tun: CONFIG_TUN)"
		    : rc == -EBUSY
			    ? " (another device has that name: --tun NAME)"
		    : rc == -EPERM || rc == -EACCES
			    ? " (needs CAP_NET_ADMIN and /dev/net/tun: run as root)"
			    : "");
	netsetup_default_routes(&e->cfg.net, e->tun.ifindex, e->tun.name, 0);
	e->tun_drops_fd = tun_drops_open(&e->tun);
	e->tun_buf = malloc(TUN_MTU);
	if (!e->tun_buf)
		die("out of memory for the tun's buffer");
	prefault(e->tun_buf, TUN_MTU);
	ev_io_init(&e->tun_io, outbound_tun_ready, e->tun.fd, EV_READ);
	e->tun_io.data = e;
	ev_io_start(e->loop, &e->tun_io);
}

/* Where the enclave's packets are taken from (--capture; in auto, the
 * queue where the kernel has one), with one line saying which and why;
 * injection goes with it: the raw socket into lo, or the tun. With
 * --setup-net, the network is brought up for that mode. Start-up only. */
static void enclave_open_capture(struct enclave *e)
{
	const char *why;
	int rc = 0;

	e->tun.fd = e->tun_drops_fd = -1;
	e->raw.fd = e->raw6.fd = -1;
	e->mss.fd = -1; /* no sock_diag unless the queue takes aggregates */
	if (e->cfg.setup_net)
		netsetup_base(&e->cfg.net);
	if (e->cfg.capture != CAPTURE_TUN)
		rc = enclave_open_queues(e);
	e->capture = capture_choose(e->cfg.capture, rc, &why);
	if (e->capture == CAPTURE_AUTO)
		die("cannot bind NFQUEUE %u: %s: %s%s", e->cfg.c.queue,
		    strerror(-rc), nfqueue_hint(rc),
		    nfqueue_missing(rc) ? "; or --capture tun" : "");
	if (e->capture == CAPTURE_NFQUEUE) {
		info("capture: nfqueue, queue %u (%s)", e->cfg.c.queue, why);
		if (e->cfg.setup_net)
			netsetup_capture(&e->cfg.net, 0);
		datapath_open_raw(&e->raw, &e->raw6, 0, &e->cfg.c);
		return;
	}
	if (e->cfg.capture == CAPTURE_AUTO)
		info("capture: tun %s (%s: binding NFQUEUE %u said %s)",
		     e->cfg.tun_name, why, e->cfg.c.queue, strerror(-rc));
	else
		info("capture: tun %s (%s)", e->cfg.tun_name, why);
	if (e->cfg.setup_net)
		netsetup_capture(&e->cfg.net, 1);
	enclave_open_tun(e);
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
	const struct status_unit u = {
		.link = &e->link,
		.st = &stats,
		.queue = e->capture == CAPTURE_NFQUEUE ? e->cfg.c.queue : -1};
	uint64_t drops;

	status_fill(r, "remora-enclave", e->started, ev_now(e->loop), &u, 1,
		    NULL);
	report_text(r, "capture",
		    "where outbound packets are taken from: nfqueue or tun",
		    capture_name(e->capture));
	if (e->capture == CAPTURE_TUN && !tun_drops(e->tun_drops_fd, &drops))
		report_counter(
			r, "kernel_tun_dropped",
			"packets the kernel dropped: the tun's queue full",
			drops);
	report_text(r, "link_address", "where remora-host is reached",
		    e->cfg.link.text);
	report_gauge(r, "policy_outbound_rules",
		     "--allow-out and --deny-out rules in force",
		     e->cfg.policy.nrules);
	report_text(r, "policy_inbound_ports",
		    "--allow-in: ports open to new inbound flows (-: all)",
		    e->policy_in_text);
	egress_report(&e->egress, r, ev_now(e->loop));
	report_gauge(r, "link_connect_failures_in_a_row",
		     "failed connection attempts since the last success",
		     e->reconnect.failures);
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
		info("the application was killed by signal %d: stopping, exit status %d",
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
/* The name policy in force, said at start-up */
static void enclave_names_info(const struct enclave *e)
{
	const struct names_config *n = &e->cfg.names;
	char r4[INET_ADDRSTRLEN], r6[INET6_ADDRSTRLEN] = "";

	inet_ntop(AF_INET, &n->resolver, r4, sizeof(r4));
	if (n->have_resolver6)
		inet_ntop(AF_INET6, n->resolver6, r6, sizeof(r6));
	info("policy: %d name rule%s, resolver %s%s%s; addresses live %u to %u s, at most %u",
	     n->nrules, n->nrules == 1 ? "" : "s", r4, *r6 ? " and " : "", r6,
	     n->ttl_min, n->ttl_max, e->egress.names.addr_buckets * NAMES_WAYS);
}

int enclave_run(struct enclave *e)
{
	crash_handlers();
	info("remora-enclave %s pid %ld", REMORA_VERSION, (long)getpid());
	e->loop = ev_default_loop(EVFLAG_AUTO);
	if (!e->loop)
		die("cannot start the event loop");
	e->started = ev_now(e->loop);
	opts_own(&e->cfg.c, &e->own);
	if (ctl_init(&e->ctl, e->loop, "enclave", enclave_report, e))
		die("out of memory for the control socket");

	if (egress_init(&e->egress, &e->cfg.policy, &e->cfg.names))
		die("out of memory for the name tables (--name-table %u)",
		    e->cfg.names.table);
	enclave_open_capture(e);
	e->cut = malloc(PIECES_BUF_MAX);
	if (!e->cut)
		die("out of memory for segment buffers");
	prefault(e->cut, PIECES_BUF_MAX);
	e->mtu6_fd = -1;
	if (e->cfg.c.have_addr6)
		e->mtu6_fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	/* the host's packets go in at lo's MTU (65535 by default: whole),
	 * whether into lo or into the tun; the enclave's own are
	 * cut at their connection's segment size, and IPv6 at its path MTU */
	e->fit_in =
		(struct fit_env){.flags = FIT_PEER, .mtu = enclave_lo_mtu()};
	outbound_fit(e);
	e->fit_in.ident6 = e->fit_out.ident6 =
		(uint32_t)getpid() * 2654435761u ^ (uint32_t)(ev_time() * 1e6);
	e->seg = malloc(ENCLAVE_SEG_BUF);
	if (!e->seg)
		die("out of memory for segment buffers");
	prefault(e->seg, ENCLAVE_SEG_BUF);

	if (link_init(&e->link, e->loop, FRAME_ROLE_ENCLAVE,
		      e->cfg.c.ka_interval, e->cfg.c.peer_timeout,
		      &enclave_link_ops, e))
		die("out of memory for link buffers");
	link_set_caps(&e->link, FRAME_CAP_STATS);
	ev_timer_init(&e->stats_timer, enclave_stats_tick, PEERSTATS_PERIOD,
		      PEERSTATS_PERIOD);
	e->stats_timer.data = e;
	e->stats_sent = -1;
	ev_timer_start(e->loop, &e->stats_timer);

	if (e->capture == CAPTURE_NFQUEUE) {
		ev_io_init(&e->nfq_io, outbound_queue_ready,
			   nfqueue_fd(&e->nfq), EV_READ);
		e->nfq_io.data = e;
		ev_io_start(e->loop, &e->nfq_io);
	}
	reconnect_init(&e->reconnect, e->loop, &e->cfg.link,
		       e->cfg.reconnect_max, &e->link);
	signals_start(e->loop, &e->sigs, enclave_report, e);
	e->sigs.forward = enclave_forward_signal;
	ctl_open_configured(&e->ctl, &e->cfg.c, "remora-enclave");
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
	/* on vsock and tcp, each connection binds a port below 1024:
	 * remora-host's proof that remora-enclave, not any process of the
	 * enclave, is its peer */
	caps_drop(CAPS_BIT(CAP_NET_ADMIN) |
		  (e->cfg.link.kind != TRANSPORT_UNIX
			   ? CAPS_BIT(CAP_NET_BIND_SERVICE)
			   : 0));
	isolation_enclave(&e->cfg.link, e->app.pid, e->capture == CAPTURE_TUN);

	if (e->capture == CAPTURE_TUN)
		info("remora-enclave %s: address %s, capture tun %s, connecting to %s",
		     REMORA_VERSION,
		     inet_ntoa((struct in_addr){.s_addr = e->cfg.c.addr}),
		     e->tun.name, e->cfg.link.text);
	else
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
	if (e->cfg.names.nrules)
		enclave_names_info(e);
	notify_ready(e->loop, "forwarding; connecting to remora-host");
	reconnect_start(&e->reconnect); /* the first attempt at once */
	if (e->app.argv && e->cfg.app_wait <= 0)
		enclave_app_start(e, 0);
	else if (e->app.argv)
		ev_timer_start(e->loop, &e->app_timer);

	ev_run(e->loop, 0);

	link_close(&e->link, FRAME_BYE_SHUTDOWN, "remora-enclave is stopping");
	reconnect_stop(&e->reconnect);
	ev_timer_stop(e->loop, &e->app_timer);
	ev_timer_stop(e->loop, &e->stats_timer);
	status_log(enclave_report, e);
	ctl_close(&e->ctl);
	if (e->capture == CAPTURE_NFQUEUE)
		datapath_close(&e->raw, &e->raw6, &e->nfq);
	tun_close(&e->tun);
	if (e->tun_drops_fd >= 0)
		close(e->tun_drops_fd);
	free(e->tun_buf);
	if (e->gso)
		nfqueue_close(&e->nfq_cut);
	mss_close(&e->mss);
	if (e->mtu6_fd >= 0)
		close(e->mtu6_fd);
	free(e->cut);
	link_free(&e->link);
	free(e->seg);
	egress_free(&e->egress);
	info("stopped");
	return e->app.argv ? e->app.status : 0;
}
