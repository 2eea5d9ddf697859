// SPDX-License-Identifier: Apache-2.0
/* remora - forwarding steps shared by remora-host and remora-enclave */

#include <errno.h>
#include <string.h>

#include "remora/fwd.h"
#include "remora/log.h"
#include "remora/nfqueue.h"
#include "remora/stats.h"

/* Frame a packet taken from NFQUEUE for the peer: it is copied into the
 * link's send queue, or dropped and counted. The queue's verdict is DROP
 * either way, so nothing waits on the link. */
static void fwd_queue_to_link(void *ctx, const uint8_t *pkt, size_t len)
{
	struct link *l = ctx;

	switch (link_send_packet(l, pkt, len)) {
	case 0:
		return;
	case -ENOTCONN:
		stat_inc(STAT_Q2L_DROP_LINK_DOWN);
		return;
	case -ENOBUFS:
		stat_inc(STAT_Q2L_DROP_LINK_FULL);
		return;
	default:
		stat_inc(STAT_Q2L_DROP_MALFORMED);
		return;
	}
}

/**
 * fwd_queue_drain() - move what the queue holds onto the link, then write
 * @q:	queue, readable
 * @l:	link to the peer
 *
 * One drain, one batch verdict, one flush: the frames of every packet read
 * here leave in as few writes as the socket allows.
 */
void fwd_queue_drain(struct nfqueue *q, struct link *l)
{
	static struct log_ratelimit rl;
	unsigned long sup;
	int n;

	n = nfqueue_drain(q, fwd_queue_to_link, l);
	if (n < 0 && log_ratelimit_ok(&rl, &sup))
		warn("queue %u: read failed: %s (%lu more not shown)", q->num,
		     strerror(-n), sup);
	link_flush(l);
}

/**
 * fwd_count_refusal() - count a packet from the peer that a check refused
 * @v:	the check's verdict, not PKT_OK
 */
void fwd_count_refusal(enum pkt_verdict v)
{
	static const enum stat_id ids[] = {
		[PKT_MALFORMED] = STAT_L2I_DROP_MALFORMED,
		[PKT_CHECKSUM] = STAT_L2I_DROP_CHECKSUM,
		[PKT_FRAGMENT] = STAT_L2I_DROP_FRAGMENT,
		[PKT_PROTO] = STAT_L2I_DROP_PROTO,
		[PKT_SRC] = STAT_L2I_DROP_SRC,
		[PKT_DST] = STAT_L2I_DROP_DST,
		[PKT_PORT] = STAT_L2I_DROP_PORT,
	};

	if (v > PKT_OK && (size_t)v < sizeof(ids) / sizeof(ids[0]))
		stat_inc(ids[v]);
	else
		stat_inc(STAT_L2I_DROP_MALFORMED);
	trace("refused packet from peer: %s", pkt_verdict_str(v));
}
