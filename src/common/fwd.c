// SPDX-License-Identifier: Apache-2.0
/* remora - forwarding steps shared by remora-host and remora-enclave */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/netfilter/nfnetlink_queue.h>

#include "remora/fwd.h"
#include "remora/gso.h"
#include "remora/log.h"
#include "remora/nfqueue.h"
#include "remora/stats.h"

#define FWD_IPV6_MIN_MTU 1280

/**
 * fwd_trace() - one trace line describing a packet; nothing below trace
 * @what:	what happens to it, e.g. "queue -> link"
 * @pkt:	packet
 * @len:	its length
 *
 * "proto src:port > dst:port len N", or why it could not be read. For
 * debugging only: a line per packet.
 */
void fwd_trace(const char *what, const uint8_t *pkt, size_t len)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	static const char *const names[] = {
		[1] = "icmp", [6] = "tcp", [17] = "udp", [58] = "icmp6"};
	struct pkt_info pi;
	enum pkt_verdict v;

	if (log_level < LOG_LVL_TRACE)
		return;
	v = pkt_parse(pkt, len, &pi);
	if (v != PKT_OK) {
		trace("%s: %zu bytes, %s", what, len, pkt_verdict_str(v));
		return;
	}
	if (pi.version == 6) {
		inet_ntop(AF_INET6, pi.src6, src, sizeof(src));
		inet_ntop(AF_INET6, pi.dst6, dst, sizeof(dst));
	} else {
		inet_ntop(AF_INET, &pi.src, src, sizeof(src));
		inet_ntop(AF_INET, &pi.dst, dst, sizeof(dst));
	}
	if (pi.proto == 1 || pi.proto == 58)
		trace("%s: %s %s > %s type %u code %u len %u", what,
		      names[pi.proto], src, dst, pi.icmp_type, pi.icmp_code,
		      pi.len);
	else
		trace("%s: %s %s:%u > %s:%u len %u", what,
		      pi.proto < sizeof(names) / sizeof(names[0]) &&
				      names[pi.proto]
			      ? names[pi.proto]
			      : "proto",
		      src, pi.sport, dst, pi.dport, pi.len);
}

/**
 * fwd_send() - frame a packet for the peer, or count why it is dropped
 * @l:		link
 * @pkt:	packet
 * @len:	its length
 *
 * It is copied into the link's send queue, so nothing waits on the link.
 */
void fwd_send(struct link *l, const uint8_t *pkt, size_t len)
{
	switch (link_send_packet(l, pkt, len)) {
	case 0:
		fwd_trace("queue -> link", pkt, len);
		return;
	case -ENOTCONN:
		stat_inc(STAT_Q2L_DROP_LINK_DOWN);
		fwd_trace("dropped, link down", pkt, len);
		return;
	case -ENOBUFS:
		stat_inc(STAT_Q2L_DROP_LINK_FULL);
		fwd_trace("dropped, link send buffer full", pkt, len);
		return;
	default:
		stat_inc(STAT_Q2L_DROP_MALFORMED);
		fwd_trace("dropped, cannot be framed", pkt, len);
		return;
	}
}

/**
 * struct fwd_drain - one drain of the queue
 * @l:		link to the peer
 * @check:	refuses packets the daemon must not send, or NULL
 * @cut:	cuts aggregated packets, or NULL to send them whole
 * @ctx:	@check's and @cut's argument
 */
struct fwd_drain {
	struct link *l;
	fwd_check_fn check;
	fwd_cut_fn cut;
	void *ctx;
};

/* A packet taken from NFQUEUE: checked, cut if it must be, framed for the
 * peer. Its verdict is DROP unless it goes back to the kernel to be cut. */
static int fwd_queue_to_link(void *ctx, uint8_t *pkt, size_t len,
			     uint32_t skbinfo)
{
	struct fwd_drain *d = ctx;

	if (d->check && d->check(d->ctx, pkt, len) != PKT_OK) {
		stat_inc(STAT_Q2L_DROP_POLICY);
		fwd_trace("dropped, refused by policy", pkt, len);
		return 0;
	}
	if (d->cut && ((skbinfo & NFQA_SKB_GSO) ||
		       (len > FWD_IPV6_MIN_MTU && (pkt[0] >> 4) == 6))) {
		switch (d->cut(d->ctx, d->l, pkt, len, skbinfo)) {
		case FWD_CUT_SENT:
			return 0;
		case FWD_CUT_KERNEL:
			stat_inc(STAT_Q2L_PASSED_ON);
			fwd_trace("requeued for the kernel to cut", pkt, len);
			return NFQUEUE_PASS_ON;
		default:
			break;
		}
	}
	/* an aggregated packet's checksum may still be the kernel's to do:
	 * it leaves here, so it is ours */
	if ((skbinfo & NFQA_SKB_CSUMNOTREADY) && gso_fill_l4_csum(pkt, len)) {
		stat_inc(STAT_Q2L_DROP_MALFORMED);
		return 0;
	}
	fwd_send(d->l, pkt, len);
	return 0;
}

/**
 * fwd_queue_drain() - move what the queue holds onto the link, then write
 * @q:		queue, readable
 * @l:		link to the peer
 * @check:	refuses packets that must not be sent (counted in
 *		q2l_drop_policy), or NULL to send all
 * @cut:	cuts aggregated packets before they are framed, or NULL to
 *		frame them whole
 * @ctx:	@check's and @cut's argument
 *
 * One drain, one batch verdict, one flush: the frames of every packet read
 * here leave in as few writes as the socket allows.
 */
void fwd_queue_drain(struct nfqueue *q, struct link *l, fwd_check_fn check,
		     fwd_cut_fn cut, void *ctx)
{
	struct fwd_drain d = {.l = l, .check = check, .cut = cut, .ctx = ctx};
	static struct log_ratelimit rl;
	unsigned long sup;
	int n;

	n = nfqueue_drain(q, fwd_queue_to_link, &d);
	if (n < 0 && log_ratelimit_ok(&rl, &sup))
		warn("queue %u: read failed: %s (%lu more not shown)", q->num,
		     strerror(-n), sup);
	link_flush(l);
}

/**
 * fwd_count_refusal() - count a packet from the peer that a check refused
 * @v:	the check's verdict, not PKT_OK
 * @pkt:	the packet, for the trace line
 * @len:	its length
 */
void fwd_count_refusal(enum pkt_verdict v, const uint8_t *pkt, size_t len)
{
	char what[64];

	static const enum stat_id ids[] = {
		[PKT_MALFORMED] = STAT_L2I_DROP_MALFORMED,
		[PKT_CHECKSUM] = STAT_L2I_DROP_CHECKSUM,
		[PKT_FRAGMENT] = STAT_L2I_DROP_FRAGMENT,
		[PKT_PROTO] = STAT_L2I_DROP_PROTO,
		[PKT_SRC] = STAT_L2I_DROP_SRC,
		[PKT_DST] = STAT_L2I_DROP_DST,
		[PKT_PORT] = STAT_L2I_DROP_PORT,
		[PKT_POLICY] = STAT_L2I_DROP_POLICY,
		[PKT_QUOTE] = STAT_L2I_DROP_QUOTE,
		[PKT_QUOTE_SRC] = STAT_L2I_DROP_QUOTE_SRC,
		[PKT_QUOTE_DST] = STAT_L2I_DROP_QUOTE_DST,
		[PKT_QUOTE_PORT] = STAT_L2I_DROP_QUOTE_PORT,
		[PKT_L4_CHECKSUM] = STAT_L2I_DROP_L4_CHECKSUM,
		[PKT_TCP_FLAGS] = STAT_L2I_DROP_TCP_FLAGS,
	};
	static struct log_ratelimit rl;
	unsigned long sup;

	if (v > PKT_OK && (size_t)v < sizeof(ids) / sizeof(ids[0]))
		stat_inc(ids[v]);
	else
		stat_inc(STAT_L2I_DROP_MALFORMED);
	/* what only a peer forging packets sends: said, not just counted */
	if (v >= PKT_QUOTE && v <= PKT_TCP_FLAGS && log_ratelimit_ok(&rl, &sup))
		warn("refused a packet from the peer: %s (%s; %lu more not "
		     "shown)",
		     pkt_verdict_str(v),
		     v <= PKT_QUOTE_PORT
			     ? "an ICMP error about a flow that is "
			       "not the enclave's"
			     : "a super-packet that must not be cut",
		     sup);
	if (log_level >= LOG_LVL_TRACE) {
		snprintf(what, sizeof(what), "refused from peer (%s)",
			 pkt_verdict_str(v));
		fwd_trace(what, pkt, len);
	}
}
