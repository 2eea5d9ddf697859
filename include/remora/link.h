/* SPDX-License-Identifier: Apache-2.0 */
/* remora - the link: frames over one stream, handshake, keepalive, buffers */
#ifndef REMORA_LINK_H
#define REMORA_LINK_H

#include <stddef.h>
#include <stdint.h>

#include <ev.h>

#include "remora/frame.h"

struct stats;

#define LINK_RX_BUF (512 << 10) /* bytes: many frames per read */
#define LINK_TX_BUF (4 << 20)	/* bytes: bound of the send queue */
/* bytes one read takes where several links share a loop (remora-host
 * serving several enclaves): one largest frame's worth, so that a link
 * that floods holds the others up by that much a turn */
#define LINK_READ_SHARED (64 << 10)

/**
 * enum link_state - where a link is
 * @LINK_DOWN:		no connection
 * @LINK_HANDSHAKE:	connected, our HELLO sent, waiting for the peer's
 * @LINK_UP:		HELLOs exchanged, packets flow
 */
enum link_state {
	LINK_DOWN = 0,
	LINK_HANDSHAKE,
	LINK_UP,
};

struct link;

/**
 * struct link_ops - what a daemon does with link events
 * @packet:	a packet from the peer, in the link's receive buffer: the
 *		daemon's to read and change until @batch_end returns; @off is
 *		NULL for a PACKET frame, the decoded offload header for an
 *		OFFLOAD frame (then @pkt and @len are the packet after it)
 * @batch_end:	all frames of one read were delivered
 * @state:	the link went up (1) or down (0)
 * @stats:	a STATS frame's payload (empty: a request), when both ends
 *		announced FRAME_CAP_STATS; NULL: skipped as an unknown type
 */
struct link_ops {
	void (*packet)(void *ctx, uint8_t *pkt, size_t len,
		       const struct frame_offload *off);
	void (*batch_end)(void *ctx);
	void (*state)(void *ctx, int up);
	void (*stats)(void *ctx, const uint8_t *p, size_t len);
};

/**
 * struct link - one link end
 * @loop:	event loop
 * @fd:		connected socket, -1 when down
 * @state:	enum link_state
 * @role:	our enum frame_role
 * @caps:	FRAME_CAP_* bits we announce in our HELLO
 * @rio:	read watcher
 * @wio:	write watcher, active only while the send queue is not empty
 * @timer:	keepalive and peer-timeout timer
 * @ka_interval: seconds between keepalives when idle
 * @peer_timeout: seconds of silence after which the peer is given up
 * @last_rx:	event-loop time of the last bytes read
 * @last_tx:	event-loop time of the last bytes written
 * @rx:		receive buffer, LINK_RX_BUF bytes
 * @rx_len:	bytes held in @rx from its start
 * @tx:		send queue, LINK_TX_BUF bytes
 * @tx_head:	first byte not yet written
 * @tx_frame:	start of the first frame not yet written whole
 * @tx_tail:	end of the queued bytes
 * @peer:	the peer's HELLO, once received
 * @up_since:	event-loop time the link last came up
 * @ops:	callbacks
 * @ctx:	callbacks' argument
 * @stats:	the counters its events are charged to (NULL: the daemon's)
 * @read_max:	bytes one read takes at most (LINK_RX_BUF unless set)
 */
struct link {
	struct ev_loop *loop;
	int fd;
	enum link_state state;
	uint16_t role;
	uint32_t caps;
	ev_io rio;
	ev_io wio;
	ev_timer timer;
	double ka_interval;
	double peer_timeout;
	ev_tstamp last_rx;
	ev_tstamp last_tx;
	uint8_t *rx;
	size_t rx_len;
	uint8_t *tx;
	size_t tx_head;
	size_t tx_frame;
	size_t tx_tail;
	struct frame_hello peer;
	ev_tstamp up_since;
	const struct link_ops *ops;
	void *ctx;
	struct stats *stats;
	size_t read_max;
};

int link_init(struct link *l, struct ev_loop *loop, uint16_t role,
	      double ka_interval, double peer_timeout,
	      const struct link_ops *ops, void *ctx);
void link_attach(struct link *l, int fd);
void link_close(struct link *l, uint32_t bye_code, const char *why);
void link_set_caps(struct link *l, uint32_t caps);
void link_set_read_max(struct link *l, size_t bytes);
int link_send_packet(struct link *l, const uint8_t *pkt, size_t len);
int link_send_offload(struct link *l, const struct frame_offload *o,
		      const uint8_t *pkt, size_t len);
int link_send_stats(struct link *l, const uint8_t *p, size_t len);
void link_flush(struct link *l);
size_t link_feed(struct link *l, const uint8_t *data, size_t len);
void link_free(struct link *l);

/**
 * struct link_handover - a link, and the newer connection that takes it
 *			  over once its handshake succeeds
 * @links:	the active link, and a newer connection while its handshake
 *		runs
 * @active:	index in @links of the active one
 * @ops:	the daemon's callbacks
 * @ctx:	their argument
 */
struct link_handover {
	struct link links[2];
	int active;
	const struct link_ops *ops;
	void *ctx;
};

int link_handover_init(struct link_handover *ho, struct ev_loop *loop,
		       uint16_t role, double ka_interval, double peer_timeout,
		       const struct link_ops *ops, void *ctx);
void link_handover_set_caps(struct link_handover *ho, uint32_t caps);
void link_handover_set_stats(struct link_handover *ho, struct stats *s);
void link_handover_set_read_max(struct link_handover *ho, size_t bytes);
void link_handover_attach(struct link_handover *ho, int fd);
void link_handover_close(struct link_handover *ho, uint32_t bye_code,
			 const char *why);
void link_handover_free(struct link_handover *ho);

/**
 * link_handover_active() - the link packets go to
 * @ho:	handover
 *
 * Return: the active link (up, or the one that will be)
 */
static inline struct link *link_handover_active(struct link_handover *ho)
{
	return &ho->links[ho->active];
}

/**
 * link_is_up() - can packets be sent?
 * @l:	link
 *
 * Return: non-zero once HELLOs have been exchanged
 */
static inline int link_is_up(const struct link *l)
{
	return l->state == LINK_UP;
}

/**
 * link_peer_stats() - may STATS frames be sent?
 * @l:	link
 *
 * Return: non-zero if the link is up and both ends announced
 *	   FRAME_CAP_STATS
 */
static inline int link_peer_stats(const struct link *l)
{
	return l->state == LINK_UP && (l->caps & FRAME_CAP_STATS) &&
	       (l->peer.caps & FRAME_CAP_STATS);
}

/**
 * link_peer_offload() - may OFFLOAD frames be sent?
 * @l:	link
 *
 * Return: non-zero if the link is up and the peer announced
 *	   FRAME_CAP_OFFLOAD in its HELLO; else packets go as PACKET frames
 */
static inline int link_peer_offload(const struct link *l)
{
	return l->state == LINK_UP && (l->peer.caps & FRAME_CAP_OFFLOAD);
}

#endif /* REMORA_LINK_H */
