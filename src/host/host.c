// SPDX-License-Identifier: Apache-2.0
/* remora-host - wiring: listener, queue, link, injection
 *
 *   NFQUEUE (packets for the enclave) --> link --> remora-enclave
 *   remora-enclave --> link --> checks --> raw socket (marked) --> NIC
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "host.h"
#include "remora/fwd.h"
#include "remora/isolation.h"
#include "remora/log.h"
#include "remora/notify.h"
#include "remora/pkt.h"
#include "remora/pmtu.h"
#include "remora/prefault.h"
#include "remora/stats.h"

/* A packet from the enclave: send it as the host's own, if it may go */
static void host_link_packet(void *ctx, const uint8_t *pkt, size_t len)
{
	struct host *h = ctx;
	struct pkt_info pi;
	enum pkt_verdict v;

	v = pkt_parse(pkt, len, &pi);
	/* the enclave's kernel fragments what exceeds a path MTU it has
	 * learnt; this kernel's conntrack reassembles them before the rules */
	if (v == PKT_FRAGMENT)
		v = pkt_parse_fragment(pkt, len, &pi);
	if (v == PKT_OK && pi.version == 6)
		v = h->cfg.c.have_addr6
			    ? pkt_check_outbound6(&pi, h->cfg.c.addr6,
						  &h->cfg.ports)
			    : PKT_SRC;
	else if (v == PKT_OK)
		v = pkt_check_outbound(&pi, h->cfg.c.addr, &h->cfg.ports);
	if (v != PKT_OK) {
		fwd_count_refusal(v, pkt, len);
		return;
	}
	fwd_trace("link -> injection", pkt, len);
	if (pi.version == 6)
		raw_batch_add6(&h->raw6, pkt, len, pi.dst6);
	else
		raw_batch_add(&h->raw, pkt, len, pi.dst);
}

static void host_link_batch_end(void *ctx)
{
	struct host *h = ctx;

	raw_batch_flush(&h->raw);
	raw_batch_flush(&h->raw6);
	link_flush(&h->links[h->active]); /* "fragmentation needed" sent */
}

/* An IPv6 packet from the enclave larger than its path's MTU: IPv6 is not
 * fragmented on the way; the enclave is told the MTU with ICMPv6 "packet
 * too big" (pmtu_too_big6() says from which address) */
static void host_too_big6(void *ctx, const uint8_t *pkt, size_t len)
{
	struct host *h = ctx;
	uint8_t icmp[PMTU_ICMP6_MAX];
	static struct log_ratelimit rl;
	unsigned long sup;
	size_t mtu, n;

	mtu = pmtu_route_mtu(h->mtu6_fd, AF_INET6, pkt + 24);
	if (mtu && mtu < len) {
		n = pmtu_too_big6(pkt, len, mtu, icmp, sizeof(icmp));
		if (n && !link_send_packet(&h->links[h->active], icmp, n)) {
			stat_inc(STAT_L2I_FRAG_NEEDED);
			fwd_trace("too big: packet too big -> link", icmp, n);
			return;
		}
	}
	stat_inc(STAT_L2I_DROP_INJECT);
	if (log_ratelimit_ok(&rl, &sup))
		warn("injection of a %zu-byte IPv6 packet failed: larger than "
		     "the path's MTU (%zu) and not answered (%lu more not "
		     "shown)",
		     len, mtu, sup);
}

/* A packet from the enclave larger than its path's MTU: do what a router
 * does. Without DF it is fragmented; with DF the enclave is told the MTU
 * by an ICMP "fragmentation needed" from 192.0.0.8 (RFC 7600: the address
 * of a node that has none of its own to send from; the shared address
 * would be the enclave's own, which it refuses as a source). */
static void host_too_big(void *ctx, const uint8_t *pkt, size_t len)
{
	struct host *h = ctx;
	uint8_t *frags[PMTU_MAX_FRAGS], icmp[PMTU_ICMP_MAX];
	size_t lens[PMTU_MAX_FRAGS], mtu, n;
	static struct log_ratelimit rl;
	unsigned long sup;
	uint32_t dst;
	int count, i;

	memcpy(&dst, pkt + 16, 4); /* an IPv4 packet pkt_parse() checked */
	mtu = pmtu_route_mtu(h->mtu_fd, AF_INET, &dst);

	if (mtu && mtu < len && !(pkt[6] & 0x40)) {
		count = pmtu_fragment(pkt, len, mtu, h->frag_buf, HOST_FRAG_BUF,
				      frags, lens, PMTU_MAX_FRAGS);
		if (count > 0) {
			for (i = 0; i < count; i++)
				raw_batch_add(&h->frag_raw, frags[i], lens[i],
					      dst);
			raw_batch_flush(&h->frag_raw);
			stat_inc(STAT_L2I_FRAGMENTED);
			return;
		}
	} else if (mtu && mtu < len) {
		n = pmtu_frag_needed(pkt, len, mtu, htonl(PMTU_ICMP_SRC), icmp,
				     sizeof(icmp));
		if (n && !link_send_packet(&h->links[h->active], icmp, n)) {
			stat_inc(STAT_L2I_FRAG_NEEDED);
			fwd_trace("too big: fragmentation needed -> link", icmp,
				  n);
			return;
		}
	}
	stat_inc(STAT_L2I_DROP_INJECT);
	if (log_ratelimit_ok(&rl, &sup))
		warn("injection of a %zu-byte packet failed: larger than the "
		     "path's MTU (%zu) and neither fragmented nor answered "
		     "(%lu more not shown)",
		     len, mtu, sup);
}

/* A link came up or went down: at most one link is up, and it is the
 * active one. A newer connection takes over only once it is up, so a
 * connection that fails its handshake never disturbs a working link. */
static void host_link_state(void *ctx, int up)
{
	struct host *h = ctx;
	struct link *cur = &h->links[h->active];
	struct link *other = &h->links[!h->active];
	char status[256];

	if (up) {
		snprintf(status, sizeof(status),
			 "STATUS=enclave connected (%s) on %s",
			 (other->state == LINK_UP ? other : cur)->peer.software,
			 h->cfg.listen.text);
		notify_send(status);
	}
	if (up && other->state == LINK_UP) {
		/* the newer connection is up: it replaces the current one */
		if (cur->fd >= 0) {
			info("the new connection from the enclave replaces the "
			     "current link");
			link_close(cur, FRAME_BYE_REPLACED,
				   "replaced by a newer connection");
		}
		h->active = !h->active;
		return;
	}
	if (!up && !h->stopping && cur->state != LINK_UP &&
	    other->state != LINK_UP) {
		info("waiting for the enclave to connect again; packets for "
		     "it are dropped and counted meanwhile");
		notify_send("STATUS=enclave disconnected: waiting for it to "
			    "connect again");
	}
}

static const struct link_ops host_link_ops = {
	.packet = host_link_packet,
	.batch_end = host_link_batch_end,
	.state = host_link_state,
};

static void host_nfq_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct host *h = w->data;

	(void)loop;
	(void)revents;
	fwd_queue_drain(&h->nfq, &h->links[h->active], NULL, NULL, NULL);
}

static void host_accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct host *h = w->data;
	struct link *slot;
	uint32_t cid = 0;
	int fd;

	(void)loop;
	(void)revents;
	fd = transport_accept(h->lfd, &h->cfg.listen, &cid);
	if (fd < 0) {
		if (fd != -EAGAIN && fd != -EINTR)
			warn("accept on %s failed: %s", h->cfg.listen.text,
			     strerror(-fd));
		return;
	}
	if (!transport_peer_allowed(&h->cfg.listen, cid, h->cfg.enclave_cid)) {
		warn("refused a connection from vsock CID %u: only the "
		     "enclave's CID %u may connect",
		     cid, h->cfg.enclave_cid);
		stat_inc(STAT_LINK_REFUSED);
		close(fd);
		return;
	}
	/* the enclave restarted, or reconnects: its new connection goes in
	 * the free slot (a stale handshake there is given up) and becomes
	 * active once up; with no link up, the free slot is made active */
	slot = &h->links[!h->active];
	if (h->links[h->active].state != LINK_UP) {
		slot = &h->links[h->active];
		if (h->links[!h->active].fd >= 0)
			link_close(&h->links[!h->active], FRAME_BYE_REPLACED,
				   "replaced by a newer connection");
	}
	if (slot->fd >= 0)
		link_close(slot, FRAME_BYE_REPLACED,
			   "replaced by a newer connection");
	info("enclave connected on %s", h->cfg.listen.text);
	link_attach(slot, fd);
}

/* Warn when the shared address is not one of this host's: packets for the
 * enclave would never arrive, and replies would leave with a foreign source */
static void host_check_address(uint32_t addr)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_addr.s_addr = addr};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 &&
	    errno == EADDRNOTAVAIL)
		warn("%s is not an address of this host: the enclave must "
		     "share the instance's primary address (--address)",
		     inet_ntoa(sin.sin_addr));
	close(fd);
}

/* The report for --stats, the metrics endpoint and SIGUSR1 */
static void host_report(void *ctx, struct report *r)
{
	struct host *h = ctx;

	daemon_report_fill(r, "remora-host", h->started, ev_now(h->loop),
			   &h->links[h->active], h->cfg.c.queue);
	report_text(r, "link_listen",
		    "where remora-host listens for the enclave",
		    h->cfg.listen.text);
}

/**
 * host_run() - set up, run the event loop until SIGTERM/SIGINT, tear down
 * @h:	daemon state with its configuration filled
 *
 * Return: exit status
 */
int host_run(struct host *h)
{
	char ports[256], status[256];
	int i, rc;

	h->loop = ev_default_loop(EVFLAG_AUTO);
	if (!h->loop)
		die("cannot start the event loop");
	h->started = ev_now(h->loop);
	if (ctl_init(&h->ctl, h->loop, "host", host_report, h))
		die("out of memory for the control socket");

	host_check_address(h->cfg.c.addr);
	daemon_open_datapath(&h->raw, &h->raw6, h->cfg.mark, &h->nfq, &h->cfg.c,
			     !h->cfg.no_gso);
	h->raw.too_big = host_too_big;
	h->raw.ctx = h;
	raw_batch_init(&h->frag_raw, h->raw.fd, AF_INET);
	h->frag_buf = malloc(HOST_FRAG_BUF);
	if (!h->frag_buf)
		die("out of memory for fragment buffers");
	prefault(h->frag_buf, HOST_FRAG_BUF);
	h->mtu_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (h->mtu_fd >= 0 && setsockopt(h->mtu_fd, SOL_SOCKET, SO_MARK,
					 &h->cfg.mark, sizeof(h->cfg.mark)))
		warn("cannot mark the path MTU socket: %s", strerror(errno));
	h->mtu6_fd = -1;
	if (h->raw6.fd >= 0) {
		h->raw6.too_big = host_too_big6;
		h->raw6.ctx = h;
		h->mtu6_fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (h->mtu6_fd >= 0 &&
		    setsockopt(h->mtu6_fd, SOL_SOCKET, SO_MARK, &h->cfg.mark,
			       sizeof(h->cfg.mark)))
			warn("cannot mark the IPv6 path MTU socket: %s",
			     strerror(errno));
	}

	for (i = 0; i < 2; i++)
		if (link_init(&h->links[i], h->loop, FRAME_ROLE_HOST,
			      h->cfg.c.ka_interval, h->cfg.c.peer_timeout,
			      &host_link_ops, h))
			die("out of memory for link buffers");

	h->lfd = transport_listen(&h->cfg.listen);
	if (h->lfd < 0)
		die("cannot listen on %s: %s%s", h->cfg.listen.text,
		    strerror(-h->lfd),
		    h->lfd == -EAFNOSUPPORT || h->lfd == -ENODEV
			    ? " (no vsock in this kernel: load vhost_vsock "
			      "on a Nitro host, or use unix: or tcp:)"
			    : "");

	ev_io_init(&h->accept_io, host_accept_cb, h->lfd, EV_READ);
	h->accept_io.data = h;
	ev_io_start(h->loop, &h->accept_io);
	ev_io_init(&h->nfq_io, host_nfq_cb, nfqueue_fd(&h->nfq), EV_READ);
	h->nfq_io.data = h;
	ev_io_start(h->loop, &h->nfq_io);
	daemon_signals_start(h->loop, &h->sigs, host_report, h);
	daemon_open_control(&h->ctl, &h->cfg.c, "remora-host");
	if (h->cfg.metrics) {
		rc = ctl_open_metrics(&h->ctl, h->cfg.metrics);
		if (rc)
			die("cannot serve metrics on %s: %s", h->cfg.metrics,
			    strerror(-rc));
	}

	if (portset_format(&h->cfg.ports, ports, sizeof(ports)))
		strcpy(ports, "(long list)");
	info("remora-host %s: listening on %s, queue %u, shared address "
	     "%s, enclave source ports %s",
	     REMORA_VERSION, h->cfg.listen.text, h->cfg.c.queue,
	     inet_ntoa((struct in_addr){.s_addr = h->cfg.c.addr}), ports);
	if (h->cfg.metrics)
		info("metrics on http://%s/metrics", h->cfg.metrics);
	snprintf(status, sizeof(status),
		 "listening on %s, queue %u; enclave not connected yet",
		 h->cfg.listen.text, h->cfg.c.queue);
	notify_ready(h->loop, status);
	daemon_drop_capabilities();
	isolation_host();

	ev_run(h->loop, 0);

	notify_stopping();
	h->stopping = 1;
	for (i = 0; i < 2; i++)
		link_close(&h->links[i], FRAME_BYE_SHUTDOWN,
			   "remora-host is stopping");
	daemon_report_log(host_report, h);
	ctl_close(&h->ctl);
	close(h->lfd);
	transport_unlink(&h->cfg.listen);
	nfqueue_close(&h->nfq);
	close(h->raw.fd);
	if (h->raw6.fd >= 0)
		close(h->raw6.fd);
	if (h->mtu_fd >= 0)
		close(h->mtu_fd);
	if (h->mtu6_fd >= 0)
		close(h->mtu6_fd);
	free(h->frag_buf);
	link_free(&h->links[0]);
	link_free(&h->links[1]);
	info("stopped");
	return 0;
}
