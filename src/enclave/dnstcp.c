// SPDX-License-Identifier: Apache-2.0
/* remora-enclave - the enclave's TCP connections to the resolver's DNS port
 *
 * Over TCP (RFC 7766) the resolver reads a byte stream: 2-byte lengths,
 * then messages. remora-enclave sees segments, and checks the messages in
 * each; for the stream the resolver reassembles to be made only of those,
 * every segment must begin and end where the stream's messages do. A
 * sender with a raw socket could otherwise overlap a segment already sent
 * with other bytes, and the resolver's stack would keep part of each; and
 * urgent data (MSG_OOB, no privilege needed) takes a byte out of the
 * stream the resolver reads. So, per connection:
 *
 *  - urgent data, and data on a SYN, are refused; so is data of a
 *    connection whose SYN was not seen (before a restart of remora-enclave,
 *    or forgotten to make room);
 *  - new data must start at the stream's frontier (@next), and be whole
 *    messages;
 *  - a resend (below the frontier) must start at an edge of a segment let
 *    out before, end at one (or past the frontier), and have a message
 *    boundary at every edge it covers: whatever mix of old and new bytes
 *    the resolver's stack keeps, it splits at edges, so it reads whole
 *    messages, each checked.
 *
 * The kernel's own segments, its retransmissions and the collapsed ones
 * among them, all pass.
 *
 * The resolver's answers come the other way, through the host, hostile:
 * an answer longer than a segment is reassembled, in order, from the
 * SYN-ACK on, in a buffer of DNSTCP_ANSWER_MAX bytes a connection; bytes
 * already taken are not taken again (the enclave's stack keeps the first
 * copy too); a gap (a segment lost, to come again after later ones) or a
 * longer answer gives the stream up, counted. A connection's edges are kept in a ring of
 * DNSTCP_EDGES: a resend from older than that is refused. The table holds
 * DNSTCP_CONNS connections; a full one forgets the least recently seen,
 * counted.
 */

#include <string.h>

#include "dnstcp.h"
#include "remora/bytes.h"
#include "remora/dns.h"

#define TCP_SYN 0x02
#define TCP_ACK 0x10
#define TCP_RST 0x04
#define TCP_URG 0x20

/* Sequence numbers compared modulo 2^32 */
static int seq_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

/* The connection of (@version, @port); with @make, a slot for it if there
 * is none (the least recently seen if the table is full) */
static struct dnstcp_conn *dnstcp_find(struct dnstcp *t, uint8_t version,
				       uint16_t port, int make)
{
	struct dnstcp_conn *c, *slot = NULL;
	int i;

	for (i = 0; i < DNSTCP_CONNS; i++) {
		c = &t->conn[i];
		if (c->seen && c->version == version && c->port == port)
			return c;
		if (!slot || (slot->seen && (!c->seen || c->seen < slot->seen)))
			slot = c;
	}
	if (!make)
		return NULL;
	if (slot->seen)
		t->evicted++;
	memset(slot, 0, sizeof(*slot));
	slot->version = version;
	slot->port = port;
	return slot;
}

/* Is @s one of @c's edges still in its ring? */
static int dnstcp_edge(const struct dnstcp_conn *c, uint32_t s)
{
	unsigned i;

	for (i = 0; i < DNSTCP_EDGES; i++)
		if (c->edge[i] == s)
			return 1;
	return 0;
}

static void dnstcp_add_edge(struct dnstcp_conn *c, uint32_t s)
{
	c->edge[c->nedge++ % DNSTCP_EDGES] = s;
}

/* Does a message of @pl (whole messages from its start) begin at @at? */
static int dnstcp_boundary(struct view pl, size_t at)
{
	struct view msg;
	size_t off = 0;

	if (!at)
		return 1;
	while (dns_tcp_next(pl, &off, &msg) > 0)
		if (off == at)
			return 1;
	return 0;
}

/* Are the messages of @pl whole? */
static int dnstcp_whole(struct view pl)
{
	struct view msg;
	size_t off = 0;
	int more;

	while ((more = dns_tcp_next(pl, &off, &msg)) > 0)
		;
	return !more;
}

/**
 * dnstcp_segment() - may this segment to the resolver's DNS port go?
 * @t:		connections
 * @version:	4 or 6
 * @port:	the enclave's port
 * @th:		its TCP header (20 bytes at least, checked by the parse)
 * @payload:	its data
 * @now:	event-loop time
 *
 * Nothing is recorded of data until dnstcp_commit(), once its messages
 * have been checked too.
 *
 * Return: enum dnstcp_verdict
 */
enum dnstcp_verdict dnstcp_segment(struct dnstcp *t, uint8_t version,
				   uint16_t port, const uint8_t *th,
				   struct view payload, double now)
{
	uint32_t seq = get_be32(th + 4), end;
	uint8_t flags = th[13];
	struct dnstcp_conn *c;
	unsigned i;

	if (flags & TCP_URG)
		return DNSTCP_REFUSE;
	if (flags & TCP_SYN) {
		if (payload.len)
			return DNSTCP_REFUSE;
		c = dnstcp_find(t, version, port, 1);
		c->seen = now;
		c->next = seq + 1;
		c->nedge = 0;
		for (i = 0; i < DNSTCP_EDGES; i++) /* the only edge, yet */
			c->edge[i] = c->next;
		return DNSTCP_PASS;
	}
	c = dnstcp_find(t, version, port, 0);
	if (!payload.len) {
		if (c && (flags & TCP_RST))
			c->seen = 0;
		else if (c)
			c->seen = now;
		return DNSTCP_PASS;
	}
	if (!c || !dnstcp_whole(payload))
		return DNSTCP_REFUSE;
	if (c->seen + DNSTCP_IDLE < now) {
		c->seen = 0;
		return DNSTCP_REFUSE;
	}
	c->seen = now;
	end = seq + (uint32_t)payload.len;
	if (seq == c->next)
		return DNSTCP_DATA;
	if (!seq_before(seq, c->next) || !dnstcp_edge(c, seq))
		return DNSTCP_REFUSE; /* past the frontier, or not at an edge */
	/* a resend: a message boundary at each edge it covers, and at the
	 * frontier if it goes past it; else it ends at an edge */
	for (i = 0; i < DNSTCP_EDGES; i++)
		if (seq_before(seq, c->edge[i]) &&
		    seq_before(c->edge[i], end) &&
		    !dnstcp_boundary(payload, c->edge[i] - seq))
			return DNSTCP_REFUSE;
	if (seq_before(end, c->next) && !dnstcp_edge(c, end))
		return DNSTCP_REFUSE;
	return DNSTCP_DATA;
}

/**
 * dnstcp_commit() - a segment dnstcp_segment() found to be DNSTCP_DATA,
 *		     its messages allowed, goes out: the stream moves on
 * @t:		connections
 * @version:	4 or 6
 * @port:	the enclave's port
 * @th:		its TCP header
 * @payload:	its data
 */
void dnstcp_commit(struct dnstcp *t, uint8_t version, uint16_t port,
		   const uint8_t *th, struct view payload)
{
	struct dnstcp_conn *c = dnstcp_find(t, version, port, 0);
	uint32_t end = get_be32(th + 4) + (uint32_t)payload.len;

	if (!c)
		return;
	if (seq_before(c->next, end)) {
		c->next = end;
		dnstcp_add_edge(c, end);
	}
}

/* Hand each whole message at the front of @c's buffer to @fn */
static void dnstcp_deliver(struct dnstcp_conn *c, dnstcp_answer_fn fn,
			   void *ctx)
{
	struct view msg;
	size_t off = 0;

	while (dns_tcp_next(view_of(c->in_buf, c->in_len), &off, &msg) > 0)
		fn(ctx, msg);
	/* what is left is the start of a message: its length, or more */
	if (off) {
		memmove(c->in_buf, c->in_buf + off, c->in_len - off);
		c->in_len = (uint16_t)(c->in_len - off);
	}
}

/**
 * dnstcp_answers() - read the answers of a segment from the resolver's
 *		      port 53 to the enclave's @port
 * @t:		connections
 * @version:	4 or 6
 * @port:	the enclave's port
 * @th:		its TCP header (20 bytes at least, checked by the parse)
 * @payload:	its data
 * @fn:		called with each whole message
 * @ctx:	for @fn
 *
 * Return: 1 if the connection is followed (its answers are read here, or
 * given up), 0 if not: the caller reads the segment alone
 */
int dnstcp_answers(struct dnstcp *t, uint8_t version, uint16_t port,
		   const uint8_t *th, struct view payload, dnstcp_answer_fn fn,
		   void *ctx)
{
	struct dnstcp_conn *c = dnstcp_find(t, version, port, 0);
	uint32_t seq = get_be32(th + 4), skip;

	if (!c)
		return 0;
	if ((th[13] & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK)) {
		c->in = DNSTCP_IN_FOLLOW;
		c->in_next = seq + 1;
		c->in_len = 0;
		return 1;
	}
	if (c->in == DNSTCP_IN_NONE)
		return 0;
	if (c->in == DNSTCP_IN_LOST || !payload.len)
		return 1;
	if (seq_before(c->in_next, seq)) {
		c->in = DNSTCP_IN_LOST; /* a gap: the enclave holds bytes
					 * after it that will not come again */
		t->lost++;
		return 1;
	}
	skip = c->in_next - seq; /* bytes taken already */
	if (skip >= payload.len)
		return 1;
	payload = view_from(payload, skip);
	if (payload.len > sizeof(c->in_buf) - c->in_len) {
		c->in = DNSTCP_IN_LOST;
		t->lost++;
		return 1;
	}
	memcpy(c->in_buf + c->in_len, payload.p, payload.len);
	c->in_len = (uint16_t)(c->in_len + payload.len);
	c->in_next += (uint32_t)payload.len;
	dnstcp_deliver(c, fn, ctx);
	return 1;
}
