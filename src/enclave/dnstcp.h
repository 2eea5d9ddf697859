/* SPDX-License-Identifier: Apache-2.0 */
/* remora-enclave - the enclave's TCP connections to the resolver's DNS
 *		    port: each byte the resolver reads must be in a message
 *		    remora-enclave has read */
#ifndef REMORA_DNSTCP_H
#define REMORA_DNSTCP_H

#include <stdint.h>

#include "remora/view.h"

#define DNSTCP_CONNS	  64   /* connections followed at once */
#define DNSTCP_EDGES	  32   /* segment edges kept a connection */
#define DNSTCP_IDLE	  300  /* seconds a connection may idle */
#define DNSTCP_ANSWER_MAX 4096 /* bytes of answers reassembled a connection */

/**
 * enum dnstcp_verdict - what becomes of one segment
 * @DNSTCP_PASS:	no data (SYN, ACK, FIN, RST)
 * @DNSTCP_DATA:	data that continues the stream, or resends it at the
 *			edges it was sent with: its messages are to be
 *			checked (each whole, dns_tcp_next())
 * @DNSTCP_REFUSE:	anything else: urgent data, data on a SYN, data of a
 *			connection whose start was not seen, data that
 *			would land elsewhere than where the stream's
 *			messages begin and end
 */
enum dnstcp_verdict {
	DNSTCP_PASS = 0,
	DNSTCP_DATA,
	DNSTCP_REFUSE,
};

/**
 * enum dnstcp_in - the resolver's side of a connection
 * @DNSTCP_IN_NONE:	its SYN-ACK not seen: each segment is read alone
 * @DNSTCP_IN_FOLLOW:	reassembled, in order, from its SYN-ACK
 * @DNSTCP_IN_LOST:	a gap, or an answer longer than DNSTCP_ANSWER_MAX:
 *			nothing more is read of it
 */
enum dnstcp_in {
	DNSTCP_IN_NONE = 0,
	DNSTCP_IN_FOLLOW,
	DNSTCP_IN_LOST,
};

/**
 * struct dnstcp_conn - one connection: where its stream stands
 * @seen:	last segment, event-loop time (0: a free slot)
 * @version:	4 or 6
 * @port:	the enclave's port
 * @next:	the sequence number after the last byte let out
 * @edge:	where segments let out began and ended, the last
 *		DNSTCP_EDGES of them (a ring, filled with the first at the
 *		SYN; @next is the newest): the only places a resend may
 *		start or end
 * @nedge:	the ring's cursor: edges ever added
 * @in:		how its answers are read (enum dnstcp_in)
 * @in_next:	the sequence number after the last byte of answers taken
 * @in_len:	bytes of @in_buf held: the start of a message not yet whole
 * @in_buf:	answers reassembled across segments
 */
struct dnstcp_conn {
	double seen;
	uint8_t version;
	uint16_t port;
	uint32_t next;
	uint32_t edge[DNSTCP_EDGES];
	unsigned nedge;
	enum dnstcp_in in;
	uint32_t in_next;
	uint16_t in_len;
	uint8_t in_buf[DNSTCP_ANSWER_MAX];
};

/**
 * struct dnstcp - the connections followed
 * @conn:	DNSTCP_CONNS of them
 * @evicted:	connections forgotten to make room (their data is refused
 *		from then on)
 * @lost:	answer streams given up: a gap in them, or an answer longer
 *		than DNSTCP_ANSWER_MAX
 */
struct dnstcp {
	struct dnstcp_conn conn[DNSTCP_CONNS];
	uint64_t evicted;
	uint64_t lost;
};

/* Called with each whole message of an answer stream */
typedef void (*dnstcp_answer_fn)(void *ctx, struct view msg);

enum dnstcp_verdict dnstcp_segment(struct dnstcp *t, uint8_t version,
				   uint16_t port, const uint8_t *th,
				   struct view payload, double now);
void dnstcp_commit(struct dnstcp *t, uint8_t version, uint16_t port,
		   const uint8_t *th, struct view payload);
int dnstcp_answers(struct dnstcp *t, uint8_t version, uint16_t port,
		   const uint8_t *th, struct view payload, dnstcp_answer_fn fn,
		   void *ctx);

#endif /* REMORA_DNSTCP_H */
