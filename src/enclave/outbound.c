// SPDX-License-Identifier: Apache-2.0
/* remora-enclave - the enclave's outbound path
 *
 *   enclave apps --> NFQUEUE or tun --> parse --> egress policy --> cut
 *   to fit --> link --> remora-host
 *
 * Each of the enclave's packets is parsed once, held to the image's
 * policy (egress.c: address and name rules), cut as the enclave's kernel
 * would have (fit.c), and framed onto the link.
 */

#include <errno.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <stdio.h>
#include <sys/socket.h>

#include "enclave.h"
#include "outbound.h"
#include "remora/log.h"
#include "remora/pmtu.h"
#include "remora/stats.h"
#include "remora/trace.h"

/* Held to the image's policy: refused (counted, and traced with its
 * reason), or not. Return: non-zero if refused */
static int outbound_refused(struct enclave *e, const uint8_t *data,
			    enum pkt_verdict v, const struct pkt_info *pi)
{
	char what[160];
	enum egress_why why;
	int rule;

	why = egress_check(&e->egress, data, v, pi, ev_now(e->loop), &rule);
	if (why == EGRESS_PASS)
		return 0;
	stat_inc(STAT_Q2L_DROP_POLICY);
	if (log_level >= LOG_LVL_TRACE) {
		if (rule >= 0)
			snprintf(what, sizeof(what),
				 "dropped, refused by policy: %s (rule %d)",
				 egress_why_text(why), rule + 1);
		else
			snprintf(what, sizeof(what),
				 "dropped, refused by policy: %s",
				 egress_why_text(why));
		trace_pkt_line(what, pi);
	}
	return 1;
}

/* fit's source of segment sizes: the connection's MSS, from the kernel */
static size_t outbound_seg_size(void *ctx, const struct pkt_info *pi)
{
	struct enclave *e = ctx;

	if (pi->version == 6)
		return mss_segment_size(&e->mss, AF_INET6, pi->src6, pi->dst6,
					pi->sport, pi->dport, pi->thlen,
					ev_now(e->loop));
	return mss_segment_size(&e->mss, AF_INET, &pi->src, &pi->dst, pi->sport,
				pi->dport, pi->thlen, ev_now(e->loop));
}

/* fit's source of segment sizes in tun capture: the kernel's own, read
 * with the packet */
static size_t outbound_tun_seg_size(void *ctx, const struct pkt_info *pi)
{
	const struct enclave *e = ctx;

	(void)pi;
	return e->tun_gso;
}

/* fit's source of path MTUs: what the enclave's kernel holds for an IPv6
 * destination */
static size_t outbound_path_mtu6(void *ctx, const struct pkt_info *pi)
{
	struct enclave *e = ctx;

	return pmtu_route_mtu(e->mtu6_fd, AF_INET6, pi->dst6);
}

/* fit's flags for what the queue says of a packet */
static unsigned outbound_fit_flags(uint32_t skbinfo)
{
	return ((skbinfo & NFQA_SKB_GSO) ? FIT_AGGREGATE : 0) |
	       ((skbinfo & NFQA_SKB_CSUMNOTREADY) ? FIT_CSUM_PART : 0);
}

/* A packet the host takes whole (FIT_OFFLOAD): a super-packet with its
 * connection's segment size, or one packet whose checksum the host's
 * kernel completes */
static void outbound_offload(struct enclave *e, const uint8_t *pkt, size_t len,
			     const struct pkt_info *pi,
			     const struct fit_plan *plan, unsigned flags)
{
	struct frame_offload off = {
		.gso_type = plan->size ? FRAME_GSO_TCP : FRAME_GSO_NONE,
		.flags = flags & FIT_CSUM_PART ? FRAME_OFFLOAD_CSUM_PARTIAL : 0,
		.gso_size = (uint16_t)plan->size,
	};

	if (link_send_offload(&e->link, &off, pkt, len))
		return;
	if (plan->size)
		stat_inc(STAT_Q2L_OFFLOADED);
	trace_pkt(plan->size ? "queue -> link, whole super-packet"
			     : "queue -> link, checksum left to the host",
		  pi);
}

/* One of the enclave's packets from its queue or its tun (@flags: what
 * the kernel said of it): parsed once, held to the image's policy, cut as
 * the enclave's kernel would have (at its connection's segment size, or
 * in fragments of its path MTU), framed. A packet remora cannot read goes
 * whole (the host refuses what it must), unless a policy is in force:
 * what it cannot read, it cannot allow.
 * Return: what became of it (FIT_KERNEL: requeue it) */
static enum fit_how outbound_one(struct enclave *e, uint8_t *data, size_t len,
				 unsigned flags)
{
	struct pieces pieces;
	struct fit_plan plan;
	struct pkt_info pi;
	enum pkt_verdict v;
	enum fit_how how;
	int i;

	v = pkt_parse(data, len, &pi);
	if (v == PKT_FRAGMENT) /* cut by this kernel to a learnt path MTU */
		v = pkt_parse_fragment(data, len, &pi);
	if (egress_active(&e->egress) && outbound_refused(e, data, v, &pi))
		return FIT_DROP;
	if (v == PKT_OK) {
		plan = fit_decide(&e->fit_out, &pi, flags);
	} else {
		pi.len = (uint32_t)len;
		plan = (struct fit_plan){.how = FIT_WHOLE};
	}
	pieces_init(&pieces, e->cut, PIECES_BUF_MAX);
	how = fit_apply(&e->fit_out, &plan, data, &pi, flags, &pieces, &v);
	switch (how) {
	case FIT_WHOLE:
		if (!link_send_packet(&e->link, data, len))
			trace_pkt("queue -> link", &pi);
		return how;
	case FIT_OFFLOAD:
		outbound_offload(e, data, len, &pi, &plan, flags);
		return how;
	case FIT_SEGMENT:
		stat_inc(STAT_Q2L_SEGMENTED);
		break;
	case FIT_FRAGMENT:
		stat_inc(STAT_Q2L_FRAGMENTED);
		break;
	case FIT_KERNEL:
		if (e->capture == CAPTURE_TUN) {
			stat_inc(STAT_Q2L_DROP_UNCUT);
			trace_pkt(
				"dropped, a super-packet that cannot be cut here",
				&pi);
			return FIT_DROP;
		}
		stat_inc(STAT_Q2L_PASSED_ON);
		trace_pkt("requeued for the kernel to cut", &pi);
		return how;
	default:
		/* its checksum could not be completed: not a whole packet */
		stat_inc(STAT_Q2L_DROP_MALFORMED);
		return how;
	}
	for (i = 0; i < pieces.n; i++)
		link_send_packet(&e->link, pieces.p[i], pieces.len[i]);
	trace_pkt("queue -> link, cut", &pi);
	return how;
}

/* A drain of one of the enclave's queues onto the link, one write */
void outbound_queue_ready(struct ev_loop *loop, ev_io *w, int revents)
{
	struct enclave *e = w->data;
	struct nfqueue *q = w == &e->nfq_io ? &e->nfq : &e->nfq_cut;
	struct nfqueue_pkt *qp;

	(void)loop;
	(void)revents;
	while ((qp = nfqueue_next(q)))
		if (outbound_one(e, qp->data, qp->len,
				 outbound_fit_flags(qp->skbinfo)) == FIT_KERNEL)
			nfqueue_pass_on(q, qp);
	nfqueue_commit(q);
	link_flush(&e->link);
}

/* A drain of the tun onto the link: at most ENCLAVE_TUN_BATCH packets,
 * each with what its virtio_net_hdr says, one write */
void outbound_tun_ready(struct ev_loop *loop, ev_io *w, int revents)
{
	struct enclave *e = w->data;
	struct virtio_net_hdr vh;
	unsigned flags;
	ssize_t n;
	int i;

	(void)loop;
	(void)revents;
	for (i = 0; i < ENCLAVE_TUN_BATCH; i++) {
		n = tun_read(&e->tun, &vh, e->tun_buf, TUN_MTU);
		if (n <= 0) {
			if (n < 0)
				stat_inc(STAT_Q2L_DROP_MALFORMED);
			if (n !=
			    -EINVAL) /* none waiting, or the device failed */
				break;
			continue;
		}
		stat_inc(STAT_Q2L_PACKETS);
		stat_add(STAT_Q2L_BYTES, (uint64_t)n);
		flags = capture_tun_flags(&vh, (size_t)n, &e->tun_gso);
		outbound_one(e, e->tun_buf, (size_t)n, flags);
	}
	link_flush(&e->link);
}

/**
 * outbound_fit() - how the enclave's packets are cut: at their
 *		    connection's segment size (from the kernel's sockets, or
 *		    the tun's header), and IPv6 at its path MTU
 * @e:	remora-enclave, its capture open
 */
void outbound_fit(struct enclave *e)
{
	e->fit_out = (struct fit_env){
		.flags = FIT_SOURCE,
		.seg_size = e->capture == CAPTURE_TUN ? outbound_tun_seg_size
			    : e->gso		      ? outbound_seg_size
						      : NULL,
		.path_mtu = e->cfg.c.have_addr6 ? outbound_path_mtu6 : NULL,
		.ctx = e};
}
