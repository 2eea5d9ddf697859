/* SPDX-License-Identifier: Apache-2.0 */
/* remora-enclave - the enclave's TCP connections to the resolver's DNS
 *		    port: each byte the resolver reads must be in a message
 *		    remora-enclave has read */
#ifndef REMORA_DNSTCP_H
#define REMORA_DNSTCP_H

#include <stdint.h>

#include "remora/view.h"

#define DNSTCP_CONNS 64	 /* connections followed at once */
#define DNSTCP_EDGES 32	 /* segment edges kept a connection */
#define DNSTCP_IDLE  300 /* seconds a connection may idle */

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
 */
struct dnstcp_conn {
	double seen;
	uint8_t version;
	uint16_t port;
	uint32_t next;
	uint32_t edge[DNSTCP_EDGES];
	unsigned nedge;
};

/**
 * struct dnstcp - the connections followed
 * @conn:	DNSTCP_CONNS of them
 * @evicted:	connections forgotten to make room (their data is refused
 *		from then on)
 */
struct dnstcp {
	struct dnstcp_conn conn[DNSTCP_CONNS];
	uint64_t evicted;
};

enum dnstcp_verdict dnstcp_segment(struct dnstcp *t, uint8_t version,
				   uint16_t port, const uint8_t *th,
				   struct view payload, double now);
void dnstcp_commit(struct dnstcp *t, uint8_t version, uint16_t port,
		   const uint8_t *th, struct view payload);

#endif /* REMORA_DNSTCP_H */
