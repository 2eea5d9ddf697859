/* SPDX-License-Identifier: Apache-2.0 */
/* remora - the forwarding steps both daemons share */
#ifndef REMORA_FWD_H
#define REMORA_FWD_H

#include <stddef.h>
#include <stdint.h>

#include "remora/link.h"
#include "remora/nfqueue.h"
#include "remora/pkt.h"

/**
 * typedef fwd_check_fn - may this packet from the queue be sent?
 * @ctx:	the daemon
 * @pkt:	packet
 * @len:	its length
 *
 * Return: PKT_OK to send it, another verdict to drop it
 */
typedef enum pkt_verdict (*fwd_check_fn)(void *ctx, const uint8_t *pkt,
					 size_t len);

/**
 * typedef fwd_cut_fn - cut a packet from the queue that may be too large
 * @ctx:	the daemon
 * @l:		link to send the pieces on, with fwd_send()
 * @pkt:	packet, already allowed by the check: an aggregate
 *		(NFQA_SKB_GSO in @skbinfo), or an IPv6 packet larger than
 *		IPv6's minimum MTU (which the kernel would fragment after the
 *		queue's hook if larger than its path's MTU)
 * @len:	its length
 * @skbinfo:	NFQA_SKB_* flags
 *
 * Return: FWD_CUT_SENT (cut and sent, or dropped and counted),
 *	   FWD_CUT_WHOLE (small enough: send it as it is) or FWD_CUT_KERNEL
 *	   (requeue it for the kernel to cut)
 */
typedef int (*fwd_cut_fn)(void *ctx, struct link *l, uint8_t *pkt, size_t len,
			  uint32_t skbinfo);

enum {
	FWD_CUT_SENT = 0,
	FWD_CUT_WHOLE,
	FWD_CUT_KERNEL,
};

void fwd_queue_drain(struct nfqueue *q, struct link *l, fwd_check_fn check,
		     fwd_cut_fn cut, void *ctx);
void fwd_send(struct link *l, const uint8_t *pkt, size_t len);
void fwd_count_refusal(enum pkt_verdict v, const uint8_t *pkt, size_t len);
void fwd_trace(const char *what, const uint8_t *pkt, size_t len);

#endif /* REMORA_FWD_H */
