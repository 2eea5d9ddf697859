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

void fwd_queue_drain(struct nfqueue *q, struct link *l, fwd_check_fn check,
		     void *ctx);
void fwd_count_refusal(enum pkt_verdict v, const uint8_t *pkt, size_t len);
void fwd_trace(const char *what, const uint8_t *pkt, size_t len);

#endif /* REMORA_FWD_H */
