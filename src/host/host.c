// SPDX-License-Identifier: Apache-2.0
/* remora-host - wiring: listener, queue, link, injection
 *
 *   NFQUEUE (packets for the enclave) --> link --> remora-enclave
 *   remora-enclave --> link --> checks --> tun (super-packets, forwarded
 *                                      |    whole) --> NIC
 *                                      \-> raw socket (marked; single
 *                                           packets, everything without
 *                                           the tun)
 */

#include <arpa/inet.h>
#include <errno.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netfilter/nfnetlink_queue.h>

#include "host.h"
#include "remora/csum.h"
#include "remora/datapath.h"
#include "remora/fit.h"
#include "remora/gso.h"
#include "remora/isolation.h"
#include "remora/log.h"
#include "remora/metrics.h"
#include "remora/notify.h"
#include "remora/pkt.h"
#include "remora/pmtu.h"
#include "remora/prefault.h"
#include "remora/refuse.h"
#include "remora/stats.h"
#include "remora/status.h"
#include "remora/trace.h"
#include "remora/tun.h"

/* fit's source of path MTUs: the route's, as the kernel holds it for the
 * packet's destination from its enclave's address (with the injection's
 * mark) */
static size_t host_path_mtu(void *ctx, const struct pkt_info *pi)
{
	struct host *h = ctx;

	if (pi->version == 6)
		return pmtu_route_mtu(h->cur->mtu6_fd, AF_INET6, pi->dst6);
	return pmtu_route_mtu(h->cur->mtu_fd, AF_INET, &pi->dst);
}

/* fit's source of path MTUs for the tun: the route's, remembered a while,
 * since every packet is checked */
static size_t host_path_mtu_cached(void *ctx, const struct pkt_info *pi)
{
	struct host *h = ctx;

	if (pi->version == 6)
		return pmtu_cache_mtu(&h->mtus, AF_INET6, pi->dst6,
				      ev_now(h->loop));
	return pmtu_cache_mtu(&h->mtus, AF_INET, &pi->dst, ev_now(h->loop));
}

/* fit's source of segment sizes: the offload header's, for the
 * super-packet at hand */
static size_t host_seg_size(void *ctx, const struct pkt_info *pi)
{
	(void)pi;
	return ((struct host *)ctx)->seg;
}

/* Parse and check one of an enclave's packets. Return: PKT_OK, or why it
 * may not go */
static enum pkt_verdict host_from_enclave_check(const struct host_enclave *e,
						const uint8_t *pkt, size_t len,
						struct pkt_info *pi)
{
	enum pkt_verdict v = pkt_parse(pkt, len, pi);

	/* the enclave's kernel fragments what exceeds a path MTU it has
	 * learnt; this kernel's conntrack reassembles them before the rules */
	if (v == PKT_FRAGMENT)
		v = pkt_parse_fragment(pkt, len, pi);
	if (v != PKT_OK)
		return v;
	return pkt_check_outbound(pi, &e->own, &e->cfg->ports,
				  e->cfg->out_flags);
}

/* Tell the enclave its packet was too big: the answer fit_apply() wrote */
static void host_answer(struct host *h, const struct pieces *answer,
			const struct pkt_info *pi)
{
	if (!link_send_packet(link_handover_active(&h->cur->links),
			      answer->p[0], answer->len[0])) {
		stat_inc(STAT_L2I_FRAG_NEEDED);
		trace_pkt("too big: answered with the MTU", pi);
	}
}

/* A packet from the enclave the kernel refused as larger than its route:
 * what a router does (fit.c). IPv4 without DF is fragmented; with DF, or
 * IPv6, the enclave is told the MTU (an ICMP "fragmentation needed" from
 * 192.0.0.8, RFC 7600: the address of a node that has none of its own to
 * send from, since the shared address would be the enclave's own; ICMPv6
 * "packet too big" from the packet's destination). It was checked when it
 * arrived; it is parsed again here, on this rare path only. */
static void host_too_big(struct host *h, const struct raw_too_big *big)
{
	static struct log_ratelimit rl;
	struct pieces pieces;
	enum pkt_verdict why;
	struct fit_plan plan;
	struct pkt_info pi;
	unsigned long sup;
	int i;

	if (pkt_parse(big->pkt, big->len, &pi) == PKT_FRAGMENT)
		pkt_parse_fragment(big->pkt, big->len, &pi);
	plan = fit_decide(&h->fit, &pi, FIT_REFUSED);
	pieces_init(&pieces, h->frag_buf, PIECES_BUF_MAX);
	switch (fit_apply(&h->fit, &plan, (uint8_t *)(uintptr_t)big->pkt, &pi,
			  FIT_REFUSED, &pieces, &why)) {
	case FIT_FRAGMENT:
		for (i = 0; i < pieces.n; i++)
			if (raw_batch_add(&h->frag_raw, pieces.p[i],
					  pieces.len[i], pi.dst))
				raw_batch_flush(&h->frag_raw, NULL, 0);
		raw_batch_flush(&h->frag_raw, NULL, 0);
		stat_inc(STAT_L2I_FRAGMENTED);
		return;
	case FIT_ANSWER:
		host_answer(h, &pieces, &pi);
		return;
	default:
		stat_inc(STAT_L2I_DROP_INJECT);
		if (log_ratelimit_ok(&rl, &sup))
			warn("injection of a %zu-byte packet failed: larger than the path's MTU (%zu) and neither fragmented nor answered (%lu more not shown)",
			     big->len, plan.size, sup);
	}
}

/* Inject a batch; what its route refused as too big is cut or answered */
static void host_inject(struct host *h, struct raw_batch *b)
{
	struct raw_too_big big[RAW_BATCH];
	unsigned n, i;

	n = raw_batch_flush(b, big, RAW_BATCH);
	for (i = 0; i < n; i++)
		host_too_big(h, &big[i]);
}

/* The host is not a hop: forwarding from the tun takes one off the TTL
 * (hop limit), so the packet gets one more first and leaves with the TTL
 * the enclave sent it with, as from the raw socket. At 255 it cannot:
 * such a packet leaves with 254. */
static void host_not_a_hop(uint8_t *pkt, const struct pkt_info *pi)
{
	if (pi->version == 6) {
		if (pkt[7] < 255)
			pkt[7]++;
		return;
	}
	if (pkt[8] == 255)
		return;
	pkt[8]++;
	csum_ip4_header(pkt, pi->hlen);
}

/* Write one checked packet into the tun, whole: its segments checked
 * against its path's MTU (fit.c), its offload state in its
 * virtio_net_hdr, for the kernel or the NIC to finish */
static void host_to_tun(struct host *h, uint8_t *pkt, const struct pkt_info *pi,
			const struct frame_offload *off)
{
	static struct log_ratelimit rl;
	struct virtio_net_hdr vh;
	struct pieces pieces;
	enum pkt_verdict why;
	struct fit_plan plan;
	unsigned long sup;
	unsigned gso = VIRTIO_NET_HDR_GSO_NONE;

	h->seg = off && off->gso_type == FRAME_GSO_TCP ? off->gso_size : 0;
	plan = fit_decide(&h->fit_tun, pi, h->seg ? FIT_AGGREGATE : 0);
	if (plan.how == FIT_ANSWER) {
		pieces_init(&pieces, h->frag_buf, PIECES_BUF_MAX);
		if (fit_apply(&h->fit_tun, &plan, pkt, pi, 0, &pieces, &why) ==
		    FIT_ANSWER) {
			host_answer(h, &pieces, pi);
			return;
		}
	}
	if (plan.how != FIT_OFFLOAD) {
		/* as the raw socket would have failed: counted, said */
		stat_inc(STAT_L2I_DROP_INJECT);
		if (log_ratelimit_ok(&rl, &sup))
			warn("injection of a %u-byte packet failed: %s (%lu more failures not shown)",
			     pi->len,
			     plan.how == FIT_DROP
				     ? "no route to its destination"
				     : "too big for its path",
			     sup);
		return;
	}
	if (h->seg)
		gso = pi->version == 6 ? VIRTIO_NET_HDR_GSO_TCPV6
				       : VIRTIO_NET_HDR_GSO_TCPV4;
	host_not_a_hop(pkt, pi);
	tun_vnet_hdr(&vh, pkt, pi, gso, (uint16_t)h->seg,
		     off && (off->flags & FRAME_OFFLOAD_CSUM_PARTIAL));
	tun_inject(&h->tun, &vh, pkt, pi->len);
}

/* A packet with its checksum still to compute, or a super-packet the
 * raw socket must send (IPv6 where the tun forwards IPv4 only): completed
 * here, or cut at its segment size, as remora-enclave would have */
static void host_offload_raw(struct host *h, uint8_t *pkt,
			     const struct pkt_info *pi,
			     const struct frame_offload *off)
{
	unsigned flags =
		off->flags & FRAME_OFFLOAD_CSUM_PARTIAL ? FIT_CSUM_PART : 0;
	struct raw_batch *b = pi->version == 6 ? &h->raw6 : &h->raw;
	struct pieces pieces;
	enum pkt_verdict why;
	struct fit_plan plan;
	int i;

	h->seg = off->gso_type == FRAME_GSO_TCP ? off->gso_size : 0;
	if (h->seg)
		flags |= FIT_AGGREGATE;
	plan = fit_decide(&h->fit, pi, flags);
	pieces_init(&pieces, h->cut_buf, PIECES_BUF_MAX);
	switch (fit_apply(&h->fit, &plan, pkt, pi, flags, &pieces, &why)) {
	case FIT_WHOLE:
		if (pi->version == 6 ? raw_batch_add6(b, pkt, pi->len, pi->dst6)
				     : raw_batch_add(b, pkt, pi->len, pi->dst))
			host_inject(h, b);
		return;
	case FIT_SEGMENT:
		/* the pieces live in cut_buf until sent: send them now */
		host_inject(h, b);
		for (i = 0; i < pieces.n; i++)
			if (pi->version == 6
				    ? raw_batch_add6(b, pieces.p[i],
						     pieces.len[i], pi->dst6)
				    : raw_batch_add(b, pieces.p[i],
						    pieces.len[i], pi->dst))
				host_inject(h, b);
		host_inject(h, b);
		stat_inc(STAT_L2I_SEGMENTED);
		return;
	case FIT_REFUSE:
		refuse_count(why, pi);
		return;
	default:
		stat_inc(STAT_L2I_DROP_INJECT);
	}
}

/* An enclave's packet for another enclave's address (@to): handed to it
 * with --enclave-to-enclave, if it is TCP or UDP to a port of its own
 * (a new flow, or a reply to one of its flows: its ephemeral ports lie
 * among them), and whole: a fragment's others could not be checked, and
 * no fragment is needed between enclaves (the link takes 64 KiB packets);
 * else refused and counted. The other enclave's link takes
 * it whole, as packets from the queue go; a checksum left to compute is
 * completed first. Return: non-zero if it was such a packet. */
static int host_enclave_to_enclave(struct host *h, uint8_t *pkt,
				   const struct pkt_info *pi,
				   const struct frame_offload *off)
{
	static struct log_ratelimit rl;
	struct host_enclave *to;
	struct stats *prev;
	unsigned long sup;
	int i;

	if (h->cfg.es.n < 2)
		return 0;
	i = host_enclaves_by_addr(&h->cfg.es, pi->version, pkt_dst(pi));
	if (i < 0)
		return 0;
	to = &h->enc[i];
	if (!h->cfg.between ||
	    (pi->proto != IPPROTO_TCP && pi->proto != IPPROTO_UDP) ||
	    pi->frag != PKT_FRAG_NONE ||
	    !portset_has(&to->cfg->ports, pi->dport) ||
	    (off && (off->flags & FRAME_OFFLOAD_CSUM_PARTIAL) &&
	     gso_fill_l4_csum(pkt, pi->len))) {
		stat_inc(STAT_L2I_DROP_ENCLAVE);
		trace_pkt("refused: to another enclave", pi);
		if (log_ratelimit_ok(&rl, &sup))
			warn("refused a packet of enclave %s to enclave %s (%s)%s (%lu more not shown)",
			     h->cur->cfg->name, to->cfg->name,
			     h->cfg.between
				     ? "not TCP or UDP to one of its ports"
				     : "enclaves may not reach each other",
			     h->cfg.between
				     ? ""
				     : "; --enclave-to-enclave allows it",
			     sup);
		return 1;
	}
	stat_inc(STAT_L2I_TO_ENCLAVE);
	trace_pkt("link -> another enclave's link", pi);
	prev = stats_charge(to->st);
	link_send_packet(link_handover_active(&to->links), pkt, pi->len);
	stats_charge(prev);
	return 1;
}

/* A packet from an enclave: parsed, checked, sent as the host's own:
 * through the tun, whole, or the raw socket */
static void host_from_enclave(void *ctx, uint8_t *pkt, size_t len,
			      const struct frame_offload *off)
{
	struct host_enclave *e = ctx;
	struct host *h = e->h;
	struct raw_batch *b;
	struct pkt_info pi;
	enum pkt_verdict v;

	h->cur = e;
	v = host_from_enclave_check(e, pkt, len, &pi);
	if (v == PKT_OK && off)
		v = gso_offload_check(pkt, &pi, off);
	if (v != PKT_OK) {
		refuse_count(v, &pi);
		return;
	}
	if (host_enclave_to_enclave(h, pkt, &pi, off))
		return;
	trace_pkt("link -> injection", &pi);
	/* super-packets go whole through the tun; single packets in batches
	 * through the raw socket, 64 a call where the tun takes one. What
	 * the raw socket holds goes first: both inject before they return,
	 * so the enclave's order is kept. */
	if (h->tun.fd >= 0 && (pi.version == 4 || h->tun.v6) && off &&
	    off->gso_type == FRAME_GSO_TCP) {
		host_inject(h, pi.version == 6 ? &h->raw6 : &h->raw);
		host_to_tun(h, pkt, &pi, off);
		return;
	}
	if (off && (off->gso_type != FRAME_GSO_NONE ||
		    (off->flags & FRAME_OFFLOAD_CSUM_PARTIAL))) {
		host_offload_raw(h, pkt, &pi, off);
		return;
	}
	b = pi.version == 6 ? &h->raw6 : &h->raw;
	if (pi.version == 6 ? raw_batch_add6(b, pkt, len, pi.dst6)
			    : raw_batch_add(b, pkt, len, pi.dst))
		host_inject(h, b);
}

/* The end of a read from an enclave's link: inject, and write the answers
 * (and what went to other enclaves) */
static void host_from_enclave_end(void *ctx)
{
	struct host_enclave *e = ctx;
	struct host *h = e->h;
	struct stats *prev;
	int i;

	h->cur = e;
	host_inject(h, &h->raw);
	host_inject(h, &h->raw6);
	for (i = 0; i < h->cfg.es.n; i++) {
		prev = stats_charge(h->enc[i].st);
		link_flush(link_handover_active(&h->enc[i].links));
		stats_charge(prev);
	}
}

/* One of an enclave's packets that the rules stopped on its way out of
 * the tun (to an address of this host, joining a flow of the host's own:
 * REMORA-TUN): queued rather than dropped there so that it is counted
 * (against the enclave whose source it bears: the tun's packets passed
 * its checks), as the raw socket's refused injections are. Dropped. */
static void host_tun_refused(struct host *h, const struct nfqueue_pkt *qp)
{
	static struct log_ratelimit rl;
	struct pkt_info pi;
	struct stats *prev = NULL;
	unsigned long sup;
	int i = -1;

	if (pkt_parse(qp->data, qp->len, &pi) == PKT_OK)
		i = host_enclaves_by_addr(&h->cfg.es, pi.version, pkt_src(&pi));
	if (i >= 0)
		prev = stats_charge(h->enc[i].st);
	stat_inc(STAT_L2I_DROP_INJECT);
	if (i >= 0)
		stats_charge(prev);
	if (log_level >= LOG_LVL_TRACE)
		trace_pkt("refused by the rules on its way out", &pi);
	if (log_ratelimit_ok(&rl, &sup))
		warn("injection of a %zu-byte packet refused by the rules (REMORA-TUN: it was addressed to this host, or joined a flow of its own) (%lu more failures not shown)",
		     qp->len, sup);
}

/* Packets for an enclave, from its queue to its link: they go whole, as
 * the kernel aggregated them (fit.c: the enclave cuts what its lo does not
 * take), with the checksum the kernel may have left to compute (the
 * enclave checks them; they are not parsed here but to be traced) */
static void host_to_enclave(struct ev_loop *loop, ev_io *w, int revents)
{
	struct host_enclave *e = w->data;
	struct host *h = e->h;
	struct link *l = link_handover_active(&e->links);
	struct stats *prev = stats_charge(e->st);
	struct nfqueue_pkt *qp;
	struct pkt_info pi;

	(void)loop;
	(void)revents;
	while ((qp = nfqueue_next(&e->nfq))) {
		if (h->tun.fd >= 0 && qp->indev == (uint32_t)h->tun.ifindex) {
			host_tun_refused(h, qp);
			continue;
		}
		if ((qp->skbinfo & NFQA_SKB_CSUMNOTREADY) &&
		    gso_fill_l4_csum(qp->data, qp->len)) {
			stat_inc(STAT_Q2L_DROP_MALFORMED);
			continue;
		}
		if (link_send_packet(l, qp->data, qp->len) ||
		    log_level < LOG_LVL_TRACE)
			continue;
		pkt_parse(qp->data, qp->len, &pi);
		trace_pkt("queue -> link", &pi);
	}
	nfqueue_commit(&e->nfq);
	link_flush(l);
	stats_charge(prev);
}

/* "the enclave" or "enclave NAME", for messages */
static const char *host_enclave_what(const struct host_enclave *e, char *buf,
				     size_t len)
{
	if (!e->cfg->name[0])
		return "the enclave";
	snprintf(buf, len, "enclave %s", e->cfg->name);
	return buf;
}

/* Ask an enclave for its counters (an empty STATS frame), at most once a
 * second: on link up, and when a report of the host's is made */
static void host_ask_stats(struct host_enclave *e)
{
	struct link *l = link_handover_active(&e->links);
	ev_tstamp now = ev_now(e->h->loop);

	if (!link_peer_stats(l) || now - e->reported.asked < 1.0)
		return;
	e->reported.asked = now;
	if (!link_send_stats(l, NULL, 0))
		link_flush(l);
}

/* An enclave's report of its counters: kept to be shown, if well formed */
static void host_enclave_stats(void *ctx, const uint8_t *p, size_t len)
{
	struct host_enclave *e = ctx;
	static struct log_ratelimit rl;
	char what[HOST_NAME_LEN + 16];
	unsigned long sup;

	if (peerstats_take(&e->reported, p, len, ev_now(e->h->loop)) &&
	    log_ratelimit_ok(&rl, &sup))
		warn("refused a malformed report of its counters from %s (%lu more not shown)",
		     host_enclave_what(e, what, sizeof(what)), sup);
}

/* An enclave's link came up (a new connection took over, or the first
 * one), or went down with no other up: say so to the service manager */
static void host_link_state(void *ctx, int up)
{
	struct host_enclave *e = ctx;
	struct host *h = e->h;
	char status[256], buf[HOST_NAME_LEN + 16];
	const char *what = host_enclave_what(e, buf, sizeof(buf));
	int i, n = 0;

	if (up) {
		e->reported.asked = -1;
		host_ask_stats(e);
	}
	for (i = 0; i < h->cfg.es.n; i++)
		n += link_is_up(link_handover_active(&h->enc[i].links));
	if (up && h->cfg.es.n == 1) {
		snprintf(status, sizeof(status),
			 "STATUS=enclave connected (%s) on %s",
			 link_handover_active(&e->links)->peer.software,
			 e->cfg->listen.text);
		notify_send(status);
		return;
	}
	if (up) {
		snprintf(status, sizeof(status),
			 "STATUS=%d of %d enclaves connected; %s last (%s)", n,
			 h->cfg.es.n, what,
			 link_handover_active(&e->links)->peer.software);
		notify_send(status);
		return;
	}
	if (h->stopping)
		return;
	info("waiting for %s to connect again; packets for it are dropped and counted meanwhile",
	     what);
	if (h->cfg.es.n == 1)
		snprintf(
			status, sizeof(status),
			"STATUS=enclave disconnected: waiting for it to connect again");
	else
		snprintf(
			status, sizeof(status),
			"STATUS=%d of %d enclaves connected; %s disconnected: waiting for it to connect again",
			n, h->cfg.es.n, what);
	notify_send(status);
}

static const struct link_ops host_link_ops = {
	.packet = host_from_enclave,
	.batch_end = host_from_enclave_end,
	.state = host_link_state,
	.stats = host_enclave_stats,
};

/* A peer that may not use the link: counted (against its enclave, if it
 * named one), said (at most once a second: anyone in an enclave can
 * repeat it), closed */
static void host_refuse_peer(struct host_listener *hl, int fd,
			     const struct transport_peer *peer,
			     const struct host_enclave *e,
			     enum transport_peer_verdict v)
{
	static struct log_ratelimit rl;
	const char *listen = hl->addr->text;
	unsigned long sup;

	stat_inc(STAT_LINK_REFUSED);
	if (v != TRANSPORT_PEER_BAD_CID)
		stat_inc(STAT_LINK_REFUSED_UNPRIVILEGED);
	close(fd);
	if (!log_ratelimit_ok(&rl, &sup))
		return;
	switch (v) {
	case TRANSPORT_PEER_BAD_CID:
		if (hl->h->cfg.es.n == 1)
			warn("refused a connection from vsock CID %u: only the enclave's CID %u may connect (%lu more refused since)",
			     peer->cid, hl->h->cfg.es.e[0].cid, sup);
		else
			warn("refused a connection on %s from vsock CID %u: no enclave has that CID (%lu more refused since)",
			     listen, peer->cid, sup);
		break;
	case TRANSPORT_PEER_UNPRIV_PORT:
		warn("refused a connection on %s from source port %u: the link's peer must connect from a port below 1024, which only a privileged process (remora-enclave) can bind (%lu more refused since)",
		     listen, peer->port, sup);
		break;
	default:
		if (e->cfg->uid != TRANSPORT_UID_NONE)
			warn("refused a connection on %s from uid %d: only root and --enclave-uid %u may connect (%lu more refused since)",
			     listen, (int)peer->uid, e->cfg->uid, sup);
		else
			warn("refused a connection on %s from uid %d: only root may connect, or the user --enclave-uid names (%lu more refused since)",
			     listen, (int)peer->uid, sup);
		break;
	}
}

/* A connection on a listener: to its enclave (by its CID on vsock), or
 * refused */
static void host_accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct host_listener *hl = w->data;
	struct host *h = hl->h;
	struct transport_peer peer;
	enum transport_peer_verdict v;
	struct host_enclave *e = NULL;
	struct stats *prev;
	char what[HOST_NAME_LEN + 16];
	int fd, i;

	(void)loop;
	(void)revents;
	fd = transport_accept(hl->fd, hl->addr, &peer);
	if (fd < 0) {
		if (fd != -EAGAIN && fd != -EINTR)
			warn("accept on %s failed: %s", hl->addr->text,
			     strerror(-fd));
		return;
	}
	i = host_enclaves_by_cid(&h->cfg.es, hl->addr->text, peer.cid);
	v = TRANSPORT_PEER_BAD_CID;
	if (i >= 0) {
		e = &h->enc[i];
		v = transport_peer_check(hl->addr, &peer, e->cfg->cid,
					 e->cfg->uid);
	}
	prev = stats_charge(e ? e->st : NULL);
	if (v != TRANSPORT_PEER_OK) {
		host_refuse_peer(hl, fd, &peer, e, v);
	} else {
		/* the enclave restarted, or reconnects: its new connection
		 * takes over once its handshake succeeds */
		info("%s connected on %s",
		     e->cfg->name[0] ? host_enclave_what(e, what, sizeof(what))
				     : "enclave",
		     hl->addr->text);
		link_handover_attach(&e->links, fd);
	}
	stats_charge(prev);
}

/* Warn when an enclave's address is not one of this host's: packets for
 * it would never arrive, and replies would leave with a foreign source */
static void host_check_address(const struct host_enclave *e)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_addr.s_addr = e->cfg->addr};
	char what[HOST_NAME_LEN + 16];
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 &&
	    errno == EADDRNOTAVAIL)
		warn("%s is not an address of this host: %s must have one of the instance's addresses (--address: its primary, or a secondary private address)",
		     inet_ntoa(sin.sin_addr),
		     host_enclave_what(e, what, sizeof(what)));
	close(fd);
}

/* The report for --stats, the metrics endpoint and SIGUSR1: with named
 * enclaves, each one's values labelled with its name */
static void host_report(void *ctx, struct report *r)
{
	struct host *h = ctx;
	const struct peerstats *ps[HOST_ENCLAVES_MAX];
	const char *names[HOST_ENCLAVES_MAX];
	struct status_unit u[HOST_ENCLAVES_MAX];
	int i, n = h->cfg.es.n, named = h->cfg.es.named;

	for (i = 0; i < n; i++) {
		u[i] = (struct status_unit){
			.name = named ? h->enc[i].cfg->name : NULL,
			.link = link_handover_active(&h->enc[i].links),
			.st = h->enc[i].st,
			.queue = h->enc[i].cfg->queue};
		names[i] = u[i].name;
		ps[i] = &h->enc[i].reported;
		/* the next report shows what it answers */
		host_ask_stats(&h->enc[i]);
	}
	status_fill(r, "remora-host", h->started, ev_now(h->loop), u, n,
		    named ? &stats : NULL);
	for (i = 0; i < n; i++) {
		report_label(r, u[i].name, i > 0);
		report_text(r, "link_listen",
			    "where remora-host listens for the enclave",
			    h->enc[i].cfg->listen.text);
	}
	for (i = 0; named && i < n; i++) {
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &h->enc[i].cfg->addr, a, sizeof(a));
		report_label(r, u[i].name, i > 0);
		report_text(r, "enclave_address", "the enclave's IPv4 address",
			    a);
	}
	peerstats_report(r, names, ps, n, ev_now(h->loop));
	report_text(r, "injection",
		    "how the enclave's packets are sent: the tun device's "
		    "name, or raw",
		    h->tun.fd >= 0 ? h->tun.name : "raw");
}

/* Path MTU lookups from an enclave's address, as its packets go: routing
 * rules that choose by source (one table per interface, as EC2's network
 * scripts make) then choose as for them. An address that is not this
 * host's leaves the socket unbound (host_check_address() warns). */
static void host_bind_shared(int fd, int family, const void *addr)
{
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6};
	struct sockaddr_in sin = {.sin_family = AF_INET};

	if (fd < 0)
		return;
	if (family == AF_INET6) {
		memcpy(&sin6.sin6_addr, addr, 16);
		(void)bind(fd, (struct sockaddr *)&sin6, sizeof(sin6));
		return;
	}
	memcpy(&sin.sin_addr, addr, 4);
	(void)bind(fd, (struct sockaddr *)&sin, sizeof(sin));
}

/* Why the tun cannot be used, for a person */
static const char *host_tun_why(int rc)
{
	switch (rc) {
	case TUN_RP_STRICT:
		return "net.ipv4.conf.all.rp_filter is 1 (strict): the kernel would drop every packet of the enclave's arriving on the tun, since their source is this host's own address; set it to 2 (loose) or 0";
	case -ENOENT:
	case -ENODEV:
		return "there is no /dev/net/tun (load the tun module; under systemd, the unit must allow the device)";
	case -EPERM:
		return "creating a tun device needs CAP_NET_ADMIN";
	case -EACCES:
		return "/dev/net/tun may not be opened by this user (distributions make it mode 0666; under systemd, the unit must allow the device)";
	case -EBUSY:
	case -EINVAL:
		return "another device has that name (--tun NAME)";
	case -EOPNOTSUPP:
		return "this kernel's tun takes no TCP segmentation offload";
	default:
		return strerror(-rc);
	}
}

/* The tun device, if --inject allows it and the host can: the enclave's
 * super-packets are then written whole, and the peer is told it may send
 * them (FRAME_CAP_OFFLOAD). Start-up only. */
static void host_open_tun(struct host *h)
{
	const char *why6 = NULL;
	int rc, i;

	h->tun.fd = -1;
	h->mtus.fd = h->mtus.fd6 = -1;
	if (h->cfg.inject == HOST_INJECT_RAW)
		return;
	rc = tun_open(&h->tun, h->cfg.tun_name);
	if (!rc) {
		rc = tun_setup(&h->tun, h->cfg.c.have_addr6, &why6);
		if (rc)
			tun_close(&h->tun);
	}
	if (rc && h->cfg.inject == HOST_INJECT_TUN)
		die("--inject tun: cannot use the tun device %s: %s",
		    h->cfg.tun_name, host_tun_why(rc));
	if (rc) {
		warn("cannot use the tun device %s: %s; the enclave's packets are sent with the raw socket, one segment at a time (slower)",
		     h->cfg.tun_name, host_tun_why(rc));
		return;
	}
	/* the tun's packets carry no mark: their routes are looked up
	 * without one, from the shared address */
	h->mtus.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (h->mtus.fd < 0)
		die("cannot open the socket that looks up routes for the tun: %s",
		    strerror(errno));
	host_bind_shared(h->mtus.fd, AF_INET, &h->cfg.es.e[0].addr);
	h->mtus.fd6 = -1;
	for (i = 0; h->tun.v6 && h->mtus.fd6 < 0 && i < h->cfg.es.n; i++) {
		if (!h->cfg.es.e[i].have_addr6)
			continue;
		h->mtus.fd6 = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		host_bind_shared(h->mtus.fd6, AF_INET6, h->cfg.es.e[i].addr6);
	}
	if (h->tun.v6 && h->mtus.fd6 < 0) {
		h->tun.v6 = 0;
		why6 = "no socket to look its routes up";
	}
	if (h->cfg.c.have_addr6 && !h->tun.v6)
		warn("IPv6 from the enclave goes through the raw socket, not %s: %s",
		     h->tun.name, why6);
	h->fit_tun = (struct fit_env){.flags = FIT_PEER | FIT_FORWARD,
				      .path_mtu = host_path_mtu_cached,
				      .seg_size = host_seg_size,
				      .ctx = h};
	for (i = 0; i < h->cfg.es.n; i++)
		link_handover_set_caps(&h->enc[i].links,
				       FRAME_CAP_OFFLOAD | FRAME_CAP_STATS);
	info("injecting through %s: super-packets whole, forwarded with their offloads (forwarding, accept_local on %s only)%s",
	     h->tun.name, h->tun.name, h->tun.v6 ? "; IPv6 too" : "");
}

/* A marked UDP socket from an address, for path MTU lookups, or -1 */
static int host_mtu_socket(const struct host *h, int family, const void *addr)
{
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_MARK, &h->cfg.mark,
				  sizeof(h->cfg.mark)))
		warn("cannot mark a path MTU socket: %s", strerror(errno));
	host_bind_shared(fd, family, addr);
	return fd;
}

/* One enclave's state, queue and link; start-up only */
static void host_enclave_open(struct host *h, int i)
{
	struct host_enclave *e = &h->enc[i];
	const struct host_enclave_config *ec = &h->cfg.es.e[i];
	int rc;

	e->h = h;
	e->cfg = ec;
	e->st = h->cfg.es.named ? &e->own_st : &stats;
	e->own = (struct pkt_own){.addr = ec->addr, .have6 = ec->have_addr6};
	memcpy(e->own.addr6, ec->addr6, sizeof(e->own.addr6));
	host_check_address(e);
	rc = nfqueue_open(&e->nfq, ec->queue, h->cfg.c.queue_maxlen,
			  !h->cfg.no_gso);
	if (rc)
		die("cannot bind NFQUEUE %u: %s: %s", ec->queue, strerror(-rc),
		    nfqueue_hint(rc));
	e->mtu_fd = host_mtu_socket(h, AF_INET, &ec->addr);
	e->mtu6_fd =
		ec->have_addr6 ? host_mtu_socket(h, AF_INET6, ec->addr6) : -1;
	if (link_handover_init(&e->links, h->loop, FRAME_ROLE_HOST,
			       h->cfg.c.ka_interval, h->cfg.c.peer_timeout,
			       &host_link_ops, e))
		die("out of memory for link buffers");
	link_handover_set_stats(&e->links, e->st);
	/* several links share the loop: each reads a bounded share a turn */
	if (h->cfg.es.n > 1)
		link_handover_set_read_max(&e->links, LINK_READ_SHARED);
	link_handover_set_caps(&e->links, FRAME_CAP_STATS);
	e->reported.asked = -1;
	ev_io_init(&e->nfq_io, host_to_enclave, nfqueue_fd(&e->nfq), EV_READ);
	e->nfq_io.data = e;
}

/* The listeners: one per distinct link address of the enclaves */
static void host_listen(struct host *h)
{
	struct host_listener *hl;
	int i, j;

	for (i = 0; i < h->cfg.es.n; i++) {
		const struct transport_addr *a = &h->cfg.es.e[i].listen;

		for (j = 0; j < h->nlis; j++)
			if (!strcmp(h->lis[j].addr->text, a->text))
				break;
		if (j < h->nlis)
			continue;
		hl = &h->lis[h->nlis++];
		hl->h = h;
		hl->addr = a;
		hl->fd = transport_listen(a);
		if (hl->fd < 0)
			die("cannot listen on %s: %s%s", a->text,
			    strerror(-hl->fd),
			    hl->fd == -EAFNOSUPPORT || hl->fd == -ENODEV
				    ? " (no vsock in this kernel: load vhost_vsock on a Nitro host, or use unix: or tcp:)"
				    : "");
		ev_io_init(&hl->io, host_accept_cb, hl->fd, EV_READ);
		hl->io.data = hl;
		ev_io_start(h->loop, &hl->io);
	}
}

/* Say what was set up, to the log */
static void host_say_started(const struct host *h)
{
	char ports[256];
	char addr[INET_ADDRSTRLEN];
	int i;

	for (i = 0; i < h->cfg.es.n; i++) {
		const struct host_enclave_config *ec = &h->cfg.es.e[i];

		if (portset_format(&ec->ports, ports, sizeof(ports)))
			strcpy(ports, "(long list)");
		inet_ntop(AF_INET, &ec->addr, addr, sizeof(addr));
		if (!h->cfg.es.named)
			info("remora-host %s: listening on %s, queue %u, shared address %s, enclave source ports %s",
			     REMORA_VERSION, ec->listen.text, ec->queue, addr,
			     ports);
		else
			info("enclave %s: address %s, listening on %s (CID %d), queue %u, ports %s",
			     ec->name, addr, ec->listen.text,
			     ec->cid == HOST_NO_CID ? -1 : (int)ec->cid,
			     ec->queue, ports);
	}
	if (h->cfg.es.named)
		info("remora-host %s: listening for %d enclaves; enclave to enclave %s",
		     REMORA_VERSION, h->cfg.es.n,
		     h->cfg.between ? "allowed (TCP and UDP to its ports)"
				    : "refused");
	if (h->cfg.metrics)
		info("metrics on http://%s/metrics", h->cfg.metrics);
}

/**
 * host_run() - set up, run the event loop until SIGTERM/SIGINT, tear down
 * @h:	daemon state with its configuration filled
 *
 * Return: exit status
 */
int host_run(struct host *h)
{
	char status[256];
	int rc, i;

	h->loop = ev_default_loop(EVFLAG_AUTO);
	if (!h->loop)
		die("cannot start the event loop");
	h->started = ev_now(h->loop);
	if (ctl_init(&h->ctl, h->loop, "host", host_report, h))
		die("out of memory for the control socket");

	datapath_open_raw(&h->raw, &h->raw6, h->cfg.mark, &h->cfg.c);
	for (i = 0; i < h->cfg.es.n; i++)
		host_enclave_open(h, i);
	h->cur = &h->enc[0];
	h->fit = (struct fit_env){.flags = FIT_PEER,
				  .path_mtu = host_path_mtu,
				  .seg_size = host_seg_size,
				  .ctx = h};
	raw_batch_init(&h->frag_raw, h->raw.fd, AF_INET);
	h->frag_buf = malloc(PIECES_BUF_MAX);
	h->cut_buf = malloc(PIECES_BUF_MAX);
	if (!h->frag_buf || !h->cut_buf)
		die("out of memory for fragment buffers");
	prefault(h->frag_buf, PIECES_BUF_MAX);
	prefault(h->cut_buf, PIECES_BUF_MAX);
	host_open_tun(h);
	host_listen(h);
	for (i = 0; i < h->cfg.es.n; i++)
		ev_io_start(h->loop, &h->enc[i].nfq_io);
	signals_start(h->loop, &h->sigs, host_report, h);
	ctl_open_configured(&h->ctl, &h->cfg.c, "remora-host");
	if (h->cfg.metrics) {
		rc = metrics_open(&h->ctl, h->cfg.metrics);
		if (rc)
			die("cannot serve metrics on %s: %s", h->cfg.metrics,
			    strerror(-rc));
	}

	host_say_started(h);
	if (h->cfg.es.n == 1)
		snprintf(status, sizeof(status),
			 "listening on %s, queue %u; enclave not connected yet",
			 h->cfg.es.e[0].listen.text, h->cfg.es.e[0].queue);
	else
		snprintf(status, sizeof(status),
			 "listening for %d enclaves; none connected yet",
			 h->cfg.es.n);
	/* ready means set up: only CAP_NET_ADMIN left, and confined */
	caps_drop(CAPS_BIT(CAP_NET_ADMIN));
	isolation_host();
	notify_ready(h->loop, status);

	ev_run(h->loop, 0);

	notify_stopping();
	h->stopping = 1;
	for (i = 0; i < h->cfg.es.n; i++) {
		struct stats *prev = stats_charge(h->enc[i].st);

		link_handover_close(&h->enc[i].links, FRAME_BYE_SHUTDOWN,
				    "remora-host is stopping");
		stats_charge(prev);
	}
	status_log(host_report, h);
	ctl_close(&h->ctl);
	for (i = 0; i < h->nlis; i++) {
		close(h->lis[i].fd);
		transport_unlink(h->lis[i].addr);
	}
	for (i = 0; i < h->cfg.es.n; i++) {
		struct host_enclave *e = &h->enc[i];

		nfqueue_close(&e->nfq);
		if (e->mtu_fd >= 0)
			close(e->mtu_fd);
		if (e->mtu6_fd >= 0)
			close(e->mtu6_fd);
		link_handover_free(&e->links);
	}
	close(h->raw.fd);
	if (h->raw6.fd >= 0)
		close(h->raw6.fd);
	tun_close(&h->tun);
	if (h->mtus.fd >= 0)
		close(h->mtus.fd);
	if (h->mtus.fd6 >= 0)
		close(h->mtus.fd6);
	free(h->frag_buf);
	free(h->cut_buf);
	info("stopped");
	return 0;
}
