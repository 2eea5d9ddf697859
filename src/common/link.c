// SPDX-License-Identifier: Apache-2.0
/* remora - the link between the daemons
 *
 * One stream socket carries frames (see frame.h and docs/protocol.md). Both
 * ends send HELLO as soon as they are connected and accept nothing but a
 * HELLO first; packets flow once both HELLOs are in. Each read takes as
 * many frames as fit in the receive buffer and hands their packets to the
 * daemon in one batch; sends are appended to a bounded queue that the
 * daemon flushes once per batch, so many frames share one write.
 *
 * A framing error cannot be resynchronised on a stream: the link is closed
 * and the peer reconnects. Everything that closes a link says why, once.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "remora/link.h"
#include "remora/log.h"
#include "remora/prefault.h"
#include "remora/stats.h"

#define LINK_NO_BYE 0xffffffffU

static void link_read_cb(struct ev_loop *loop, ev_io *w, int revents);
static void link_write_cb(struct ev_loop *loop, ev_io *w, int revents);
static void link_timer_cb(struct ev_loop *loop, ev_timer *w, int revents);

/**
 * link_init() - prepare a link end; buffers are allocated here, once
 * @l:	link
 * @loop:	event loop
 * @role:	our enum frame_role
 * @ka_interval: seconds between keepalives on an idle link
 * @peer_timeout: seconds of silence before the peer is given up
 * @ops:	callbacks
 * @ctx:	callbacks' argument
 *
 * Return: 0, or -ENOMEM
 */
int link_init(struct link *l, struct ev_loop *loop, uint16_t role,
	      double ka_interval, double peer_timeout,
	      const struct link_ops *ops, void *ctx)
{
	memset(l, 0, sizeof(*l));
	l->loop = loop;
	l->fd = -1;
	l->role = role;
	l->ka_interval = ka_interval;
	l->peer_timeout = peer_timeout;
	l->ops = ops;
	l->ctx = ctx;
	l->read_max = LINK_RX_BUF;
	l->rx = malloc(LINK_RX_BUF);
	l->tx = malloc(LINK_TX_BUF);
	if (!l->rx || !l->tx) {
		link_free(l);
		return -ENOMEM;
	}
	prefault(l->rx, LINK_RX_BUF);
	prefault(l->tx, LINK_TX_BUF);
	ev_init(&l->rio, link_read_cb);
	ev_init(&l->wio, link_write_cb);
	ev_init(&l->timer, link_timer_cb);
	l->rio.data = l->wio.data = l->timer.data = l;
	return 0;
}

/**
 * link_free() - release a link's buffers; the link must be down
 * @l:	link
 */
void link_free(struct link *l)
{
	free(l->rx);
	free(l->tx);
	l->rx = l->tx = NULL;
}

/* Append raw bytes (one whole frame) to the send queue */
static int link_queue(struct link *l, const uint8_t *hdr, size_t hlen,
		      const uint8_t *body, size_t blen)
{
	size_t need = hlen + blen;

	if (l->tx_tail + need > LINK_TX_BUF && l->tx_head < l->tx_tail) {
		/* full: write what the socket takes now before dropping */
		link_flush(l);
		if (l->fd < 0)
			return -ENOTCONN;
	}
	if (l->tx_tail + need > LINK_TX_BUF && l->tx_frame) {
		/* only under backpressure: move the unsent frames down */
		memmove(l->tx, l->tx + l->tx_frame, l->tx_tail - l->tx_frame);
		l->tx_head -= l->tx_frame;
		l->tx_tail -= l->tx_frame;
		l->tx_frame = 0;
	}
	if (l->tx_tail + need > LINK_TX_BUF)
		return -ENOBUFS;
	memcpy(l->tx + l->tx_tail, hdr, hlen);
	if (blen)
		memcpy(l->tx + l->tx_tail + hlen, body, blen);
	l->tx_tail += need;
	return 0;
}

/* Account for the frames that the last writes completed */
static void link_tx_advance(struct link *l)
{
	struct frame_hdr h;

	while (frame_decode_hdr(l->tx + l->tx_frame, l->tx_head - l->tx_frame,
				&h) == 0) {
		size_t end = l->tx_frame + FRAME_HDR_LEN + h.len;

		if (end > l->tx_head)
			break;
		if (h.type == FRAME_PACKET) {
			stat_inc(STAT_Q2L_SENT_PACKETS);
			stat_add(STAT_Q2L_SENT_BYTES, h.len);
		} else if (h.type == FRAME_OFFLOAD) {
			/* packet bytes: the offload header is framing */
			stat_inc(STAT_Q2L_SENT_PACKETS);
			stat_add(STAT_Q2L_SENT_BYTES,
				 h.len - FRAME_OFFLOAD_LEN);
		}
		l->tx_frame = end;
	}
}

/* Count the packets still queued when the link goes down */
static void link_tx_discard(struct link *l)
{
	struct frame_hdr h;
	size_t off = l->tx_frame;

	while (frame_decode_hdr(l->tx + off, l->tx_tail - off, &h) == 0) {
		if (h.type == FRAME_PACKET || h.type == FRAME_OFFLOAD)
			stat_inc(STAT_Q2L_DROP_LINK_DOWN);
		off += FRAME_HDR_LEN + h.len;
	}
	l->tx_head = l->tx_frame = l->tx_tail = 0;
}

/**
 * link_close() - close the connection, telling the peer why if we can
 * @l:	link
 * @bye_code:	enum frame_bye_code sent in a BYE, or LINK_NO_BYE
 * @why:	reason, logged and sent
 */
void link_close(struct link *l, uint32_t bye_code, const char *why)
{
	uint8_t bye[FRAME_HDR_LEN + FRAME_BYE_FIXED_LEN + FRAME_BYE_TEXT_MAX];
	int was_up = l->state == LINK_UP;
	size_t n;

	if (l->fd < 0)
		return;
	if (bye_code != LINK_NO_BYE) {
		n = frame_encode_bye(bye, sizeof(bye), bye_code, why);
		/* best effort, and only on a frame boundary */
		if (n && !link_queue(l, bye, n, NULL, 0))
			link_flush(l);
		if (l->fd < 0)
			return; /* the flush failed and closed it already */
	}
	ev_io_stop(l->loop, &l->rio);
	ev_io_stop(l->loop, &l->wio);
	ev_timer_stop(l->loop, &l->timer);
	close(l->fd);
	l->fd = -1;
	l->state = LINK_DOWN;
	l->rx_len = 0;
	link_tx_discard(l);
	stat_inc(STAT_LINK_DOWN);
	if (was_up)
		warn("link down: %s", why);
	else
		warn("link closed before the handshake completed: %s", why);
	if (l->ops->state)
		l->ops->state(l->ctx, 0);
}

/**
 * link_attach() - take a connected socket and start the handshake
 * @l:	link, down
 * @fd:	connected non-blocking stream socket, owned by the link from now
 */
void link_attach(struct link *l, int fd)
{
	uint8_t hello[FRAME_HDR_LEN + FRAME_HELLO_FIXED_LEN +
		      FRAME_HELLO_SOFTWARE_MAX];
	size_t n;

	l->fd = fd;
	l->state = LINK_HANDSHAKE;
	l->rx_len = 0;
	l->tx_head = l->tx_frame = l->tx_tail = 0;
	l->last_rx = l->last_tx = ev_now(l->loop);
	memset(&l->peer, 0, sizeof(l->peer));
	ev_io_set(&l->rio, fd, EV_READ);
	ev_io_set(&l->wio, fd, EV_WRITE);
	ev_io_start(l->loop, &l->rio);
	ev_timer_set(&l->timer, l->ka_interval / 2, l->ka_interval / 2);
	ev_timer_start(l->loop, &l->timer);
	n = frame_encode_hello(hello, sizeof(hello), l->role, l->caps,
			       FRAME_MAX_PAYLOAD, "remora " REMORA_VERSION);
	link_queue(l, hello, n, NULL, 0);
	link_flush(l);
}

/**
 * link_set_read_max() - the most one read from the socket takes
 * @l:		link
 * @bytes:	1 to LINK_RX_BUF
 *
 * A link that shares its loop with others (remora-host's, one per
 * enclave) takes LINK_READ_SHARED a turn, so that one that floods delays
 * the others by one such read, not a whole buffer's worth.
 */
void link_set_read_max(struct link *l, size_t bytes)
{
	l->read_max = bytes < 1 ? 1 : bytes > LINK_RX_BUF ? LINK_RX_BUF : bytes;
}

/**
 * link_set_caps() - the capability bits our HELLO announces
 * @l:	link
 * @caps:	FRAME_CAP_* bits
 *
 * They go in the next HELLO, so set them before link_attach(): a peer
 * learns them once per connection.
 */
void link_set_caps(struct link *l, uint32_t caps)
{
	l->caps = caps;
}

/* Queue one packet in a PACKET frame (@o NULL) or an OFFLOAD frame with
 * the offload header @o: what both senders share, counting included */
static int link_send(struct link *l, const struct frame_offload *o,
		     const uint8_t *pkt, size_t len)
{
	uint8_t hdr[FRAME_HDR_LEN + FRAME_OFFLOAD_LEN];
	struct frame_offload check;
	size_t hlen = FRAME_HDR_LEN;
	int rc;

	if (l->state != LINK_UP) {
		stat_inc(STAT_Q2L_DROP_LINK_DOWN);
		return -ENOTCONN;
	}
	if (o && !link_peer_offload(l))
		return -EOPNOTSUPP; /* the caller's mistake, not a drop */
	if (len > FRAME_MAX_PAYLOAD) {
		stat_inc(STAT_Q2L_DROP_MALFORMED);
		return -EMSGSIZE;
	}
	if (o) {
		/* what the peer would drop is never framed */
		frame_encode_offload(hdr + FRAME_HDR_LEN, o);
		if (frame_decode_offload(hdr + FRAME_HDR_LEN, FRAME_OFFLOAD_LEN,
					 &check)) {
			stat_inc(STAT_Q2L_DROP_MALFORMED);
			return -EINVAL;
		}
		hlen += FRAME_OFFLOAD_LEN;
	}
	frame_encode_hdr(hdr, o ? FRAME_OFFLOAD : FRAME_PACKET,
			 (uint32_t)(hlen - FRAME_HDR_LEN + len));
	rc = link_queue(l, hdr, hlen, pkt, len);
	if (rc)
		stat_inc(rc == -ENOBUFS ? STAT_Q2L_DROP_LINK_FULL
					: STAT_Q2L_DROP_LINK_DOWN);
	return rc;
}

/**
 * link_send_packet() - queue one packet for the peer
 * @l:	link
 * @pkt:	IP packet
 * @len:	its length, at most FRAME_MAX_PAYLOAD
 *
 * Nothing is written until link_flush(), so a batch shares one write. A
 * packet that cannot be queued is counted by why (q2l_drop_link_down,
 * q2l_drop_link_full, q2l_drop_malformed), as one that is written is
 * (q2l_sent_packets): the caller only learns the outcome.
 *
 * Return: 0 if queued, -ENOTCONN if the link is not up, -ENOBUFS if the
 *	   send queue is full, -EMSGSIZE if @len is too large
 */
int link_send_packet(struct link *l, const uint8_t *pkt, size_t len)
{
	return link_send(l, NULL, pkt, len);
}

/**
 * link_send_offload() - queue one packet with its offload state
 * @l:	link
 * @o:	its segmentation and checksum state
 * @pkt:	IP packet
 * @len:	its length, at most FRAME_MAX_PAYLOAD
 *
 * As link_send_packet(), in an OFFLOAD frame. Only a peer that announced
 * FRAME_CAP_OFFLOAD (link_peer_offload()) takes one; the caller asks
 * first and sends a PACKET otherwise, so a refusal here is a bug of the
 * caller, not a drop, and is not counted. A header the peer would refuse
 * (frame_decode_offload()) is not framed: it is counted in
 * q2l_drop_malformed, as a packet too large is.
 *
 * Return: 0 if queued, -ENOTCONN if the link is not up, -EOPNOTSUPP if the
 *	   peer did not announce FRAME_CAP_OFFLOAD, -EINVAL if @o is not a
 *	   valid offload header, -ENOBUFS if the send queue is full,
 *	   -EMSGSIZE if @len is too large
 */
int link_send_offload(struct link *l, const struct frame_offload *o,
		      const uint8_t *pkt, size_t len)
{
	return link_send(l, o, pkt, len);
}

/**
 * link_send_stats() - queue a STATS frame
 * @l:	link
 * @p:	its payload: entries (frame_encode_stats_entry()), or none for a
 *	request
 * @len:	its length, at most FRAME_STATS_MAX_PAYLOAD
 *
 * Return: 0 if queued; -ENOTCONN if the link is not up, -EOPNOTSUPP if
 *	   the ends did not both announce FRAME_CAP_STATS, -EMSGSIZE if @len
 *	   is too large, -ENOBUFS if the send queue is full (nothing is
 *	   counted: these are reports, not packets)
 */
int link_send_stats(struct link *l, const uint8_t *p, size_t len)
{
	uint8_t hdr[FRAME_HDR_LEN];

	if (l->state != LINK_UP)
		return -ENOTCONN;
	if (!link_peer_stats(l))
		return -EOPNOTSUPP;
	if (len > FRAME_STATS_MAX_PAYLOAD)
		return -EMSGSIZE;
	frame_encode_hdr(hdr, FRAME_STATS, (uint32_t)len);
	return link_queue(l, hdr, sizeof(hdr), p, len);
}

/**
 * link_flush() - write as much of the send queue as the socket takes
 * @l:	link
 *
 * What the socket does not take now is written when it becomes writable;
 * nothing here blocks.
 */
void link_flush(struct link *l)
{
	ssize_t n;

	if (l->fd < 0)
		return;
	while (l->tx_head < l->tx_tail) {
		n = send(l->fd, l->tx + l->tx_head, l->tx_tail - l->tx_head,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			char why[96];

			snprintf(why, sizeof(why), "write: %s",
				 strerror(errno));
			/* frames written whole before the error were sent */
			link_tx_advance(l);
			link_close(l, LINK_NO_BYE, why);
			return;
		}
		l->tx_head += (size_t)n;
		l->last_tx = ev_now(l->loop);
		stat_add(STAT_LINK_TX_BYTES, (uint64_t)n);
		stat_inc(STAT_LINK_WRITES);
	}
	link_tx_advance(l);
	if (l->tx_head == l->tx_tail) {
		l->tx_head = l->tx_frame = l->tx_tail = 0;
		ev_io_stop(l->loop, &l->wio);
	} else {
		ev_io_start(l->loop, &l->wio);
	}
}

/* Protocol violation by the peer: count, say what, close */
static void link_protocol_error(struct link *l, const char *what)
{
	stat_inc(STAT_LINK_PROTOCOL_ERRORS);
	err("link protocol error from peer: %s", what);
	link_close(l, FRAME_BYE_PROTOCOL, what);
}

static void link_on_hello(struct link *l, const struct frame_hdr *h,
			  const uint8_t *p)
{
	struct frame_hello hello;
	char why[160];

	if (l->state != LINK_HANDSHAKE) {
		link_protocol_error(l, "second hello on an established link");
		return;
	}
	/* The HELLO layout is the same in every version, so the version a
	 * peer speaks can always be read and reported. */
	if (frame_decode_hello(p, h->len, &hello)) {
		link_protocol_error(l, "hello too short");
		return;
	}
	if (hello.version != REMORA_PROTO_VERSION ||
	    h->version != REMORA_PROTO_VERSION) {
		/* name the version that differs, header or HELLO body */
		unsigned peer_version = h->version != REMORA_PROTO_VERSION
						? h->version
						: hello.version;

		snprintf(
			why, sizeof(why),
			"peer speaks link protocol version %u (%s), this build speaks version %u",
			peer_version, hello.software, REMORA_PROTO_VERSION);
		err("refusing peer: %s", why);
		stat_inc(STAT_LINK_REFUSED);
		link_close(l, FRAME_BYE_VERSION, why);
		return;
	}
	if (hello.role == l->role || (hello.role != FRAME_ROLE_HOST &&
				      hello.role != FRAME_ROLE_ENCLAVE)) {
		snprintf(why, sizeof(why), "peer has role %s, expected %s",
			 frame_role_str(hello.role),
			 frame_role_str(l->role == FRAME_ROLE_HOST
						? FRAME_ROLE_ENCLAVE
						: FRAME_ROLE_HOST));
		err("refusing peer: %s", why);
		stat_inc(STAT_LINK_REFUSED);
		link_close(l, FRAME_BYE_ROLE, why);
		return;
	}
	l->peer = hello;
	l->state = LINK_UP;
	l->up_since = ev_now(l->loop);
	stat_inc(STAT_LINK_UP);
	info("link up: peer is %s (%s), protocol version %u",
	     frame_role_str(hello.role), hello.software, hello.version);
	if (l->ops->state)
		l->ops->state(l->ctx, 1);
}

static void link_on_bye(struct link *l, const struct frame_hdr *h,
			const uint8_t *p)
{
	struct frame_bye bye;
	char why[FRAME_BYE_TEXT_MAX + 48];

	if (frame_decode_bye(p, h->len, &bye)) {
		link_protocol_error(l, "bye too short");
		return;
	}
	if (bye.code == FRAME_BYE_VERSION || bye.code == FRAME_BYE_ROLE) {
		err("peer refused us: %s", bye.text);
		stat_inc(STAT_LINK_REFUSED);
	}
	snprintf(why, sizeof(why), "peer closed the link (code %u: %s)",
		 bye.code, bye.text);
	link_close(l, LINK_NO_BYE, why);
}

/* An OFFLOAD frame, after the handshake. Return: packets handed on */
static int link_on_offload(struct link *l, const struct frame_hdr *h,
			   uint8_t *p)
{
	struct frame_offload off;

	/* we did not say we take them: a peer that sends one anyway does
	 * not follow the protocol, and nothing it sends can be trusted */
	if (!(l->caps & FRAME_CAP_OFFLOAD)) {
		link_protocol_error(l, "offload frame without the capability");
		return 0;
	}
	stat_inc(STAT_L2I_PACKETS);
	if (frame_decode_offload(p, h->len, &off)) {
		/* the framing holds: only this packet is lost */
		stat_inc(STAT_L2I_DROP_OFFLOAD);
		trace("dropping a packet with a malformed offload header");
		return 0;
	}
	stat_add(STAT_L2I_BYTES, h->len - FRAME_OFFLOAD_LEN);
	l->ops->packet(l->ctx, p + FRAME_OFFLOAD_LEN,
		       h->len - FRAME_OFFLOAD_LEN, &off);
	return 1;
}

/* Handle one whole frame. Return: number of packets handed on (0 or 1) */
static int link_dispatch(struct link *l, const struct frame_hdr *h, uint8_t *p)
{
	if (h->type == FRAME_HELLO) {
		link_on_hello(l, h, p);
		return 0;
	}
	if (l->state != LINK_UP) {
		link_protocol_error(l, "first frame is not a hello");
		return 0;
	}
	if (h->version != REMORA_PROTO_VERSION) {
		link_protocol_error(l, "frame version changed mid-link");
		return 0;
	}
	switch (h->type) {
	case FRAME_PACKET:
		stat_inc(STAT_L2I_PACKETS);
		stat_add(STAT_L2I_BYTES, h->len);
		l->ops->packet(l->ctx, p, h->len, NULL);
		return 1;
	case FRAME_OFFLOAD:
		return link_on_offload(l, h, p);
	case FRAME_KEEPALIVE:
		return 0;
	case FRAME_BYE:
		link_on_bye(l, h, p);
		return 0;
	case FRAME_STATS:
		if (link_peer_stats(l) && l->ops->stats &&
		    h->len <= FRAME_STATS_MAX_PAYLOAD) {
			l->ops->stats(l->ctx, p, h->len);
			return 0;
		}
		/* not agreed on, or larger than any: as an unknown type */
		/* fall through */
	default:
		/* skipped, so later versions may add types a peer ignores */
		stat_inc(STAT_LINK_UNKNOWN_FRAMES);
		trace("skipping frame of unknown type %u", h->type);
		return 0;
	}
}

/* Handle every whole frame in the receive buffer; keep a partial one */
static void link_rx_frames(struct link *l)
{
	struct frame_hdr h;
	size_t off = 0;
	int delivered = 0, rc;

	while (l->fd >= 0) {
		rc = frame_decode_hdr(l->rx + off, l->rx_len - off, &h);
		if (rc == FRAME_NEED_MORE)
			break;
		if (rc == -EPROTO) {
			link_protocol_error(l, "bad frame magic");
			break;
		}
		if (rc == -EMSGSIZE) {
			link_protocol_error(l, "frame length over the limit");
			break;
		}
		if (h.len > l->rx_len - off - FRAME_HDR_LEN)
			break; /* rest of the frame not read yet */
		delivered += link_dispatch(l, &h, l->rx + off + FRAME_HDR_LEN);
		off += FRAME_HDR_LEN + h.len;
	}
	/* packets point into l->rx, which is intact until we move it below */
	if (delivered && l->ops->batch_end)
		l->ops->batch_end(l->ctx);
	if (l->fd < 0)
		return;
	if (off) {
		memmove(l->rx, l->rx + off, l->rx_len - off);
		l->rx_len -= off;
	}
}

/* Account for @n bytes just placed at the end of the receive buffer */
static void link_rx_added(struct link *l, size_t n)
{
	l->rx_len += n;
	l->last_rx = ev_now(l->loop);
	stat_add(STAT_LINK_RX_BYTES, (uint64_t)n);
	link_rx_frames(l);
}

/**
 * link_feed() - take bytes from the peer as if read from the socket
 * @l:		an attached link
 * @data:	bytes
 * @len:	how many
 *
 * For tests and fuzzing: the same path as a read, without the socket.
 *
 * Return: bytes taken (less than @len if the receive buffer is full or the
 *	   link closed)
 */
size_t link_feed(struct link *l, const uint8_t *data, size_t len)
{
	size_t room;

	if (l->fd < 0)
		return 0;
	room = LINK_RX_BUF - l->rx_len;
	if (len > room)
		len = room;
	memcpy(l->rx + l->rx_len, data, len);
	link_rx_added(l, len);
	return len;
}

static void link_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct link *l = w->data;
	struct stats *prev = stats_charge(l->stats);
	ssize_t n;

	(void)loop;
	(void)revents;
	n = recv(l->fd, l->rx + l->rx_len,
		 LINK_RX_BUF - l->rx_len < l->read_max ? LINK_RX_BUF - l->rx_len
						       : l->read_max,
		 MSG_DONTWAIT);
	if (n == 0) {
		link_close(l, LINK_NO_BYE, "peer closed the connection");
	} else if (n < 0) {
		char why[96];

		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			snprintf(why, sizeof(why), "read: %s", strerror(errno));
			link_close(l, LINK_NO_BYE, why);
		}
	} else {
		link_rx_added(l, (size_t)n);
	}
	stats_charge(prev);
}

static void link_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct link *l = w->data;
	struct stats *prev = stats_charge(l->stats);

	(void)loop;
	(void)revents;
	link_flush(l);
	stats_charge(prev);
}

/* Keepalive and peer timeout, at each tick of the link's timer */
static void link_timer_check(struct link *l, ev_tstamp now)
{
	uint8_t ka[FRAME_HDR_LEN];
	char why[96];

	if (now - l->last_rx > l->peer_timeout) {
		snprintf(why, sizeof(why), "peer silent for %.1f s%s",
			 now - l->last_rx,
			 l->state == LINK_UP ? "" : " (no hello)");
		stat_inc(STAT_LINK_TIMEOUTS);
		link_close(l, FRAME_BYE_TIMEOUT, why);
		return;
	}
	if (now - l->last_tx >= l->ka_interval / 2 &&
	    l->tx_head == l->tx_tail) {
		frame_encode_hdr(ka, FRAME_KEEPALIVE, 0);
		if (!link_queue(l, ka, sizeof(ka), NULL, 0))
			link_flush(l);
	}
}

static void link_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct link *l = w->data;
	struct stats *prev = stats_charge(l->stats);

	(void)revents;
	link_timer_check(l, ev_now(loop));
	stats_charge(prev);
}

/* The handover's own link callbacks: packets and batch ends go to the
 * daemon as they come; a state change first settles which link is the
 * active one */
static struct link_handover *link_handover_of(void *ctx)
{
	return ctx;
}

static void link_handover_packet(void *ctx, uint8_t *pkt, size_t len,
				 const struct frame_offload *off)
{
	struct link_handover *ho = link_handover_of(ctx);

	ho->ops->packet(ho->ctx, pkt, len, off);
}

static void link_handover_batch_end(void *ctx)
{
	struct link_handover *ho = link_handover_of(ctx);

	if (ho->ops->batch_end)
		ho->ops->batch_end(ho->ctx);
}

/* At most one link is up, and it is the active one. A newer connection
 * takes over only once it is up, so one that fails its handshake never
 * disturbs a working link. The daemon hears of "up" each time a link
 * comes up, and of "down" only once neither is. */
static void link_handover_state(void *ctx, int up)
{
	struct link_handover *ho = link_handover_of(ctx);
	struct link *cur = &ho->links[ho->active];
	struct link *next = &ho->links[!ho->active];

	if (up && next->state == LINK_UP) {
		if (cur->fd >= 0) {
			info("the new connection replaces the current link");
			link_close(cur, FRAME_BYE_REPLACED,
				   "replaced by a newer connection");
		}
		ho->active = !ho->active;
	}
	if (!up && (cur->state == LINK_UP || next->state == LINK_UP))
		return;
	if (ho->ops->state)
		ho->ops->state(ho->ctx, up);
}

static void link_handover_stats(void *ctx, const uint8_t *p, size_t len)
{
	struct link_handover *ho = link_handover_of(ctx);

	if (ho->ops->stats)
		ho->ops->stats(ho->ctx, p, len);
}

static const struct link_ops link_handover_ops = {
	.packet = link_handover_packet,
	.batch_end = link_handover_batch_end,
	.state = link_handover_state,
	.stats = link_handover_stats,
};

/**
 * link_handover_init() - a link, and room for the connection that will
 *			  take it over
 * @ho:		handover
 * @loop:	event loop
 * @role:	our enum frame_role
 * @ka_interval: seconds between keepalives
 * @peer_timeout: seconds of silence before a peer is given up
 * @ops:	the daemon's callbacks: packets of either link, and the state
 *		of the link as a whole
 * @ctx:	their argument
 *
 * A peer that restarts connects again while its old connection may still
 * look alive; the new one goes in the second slot and replaces the active
 * link once its handshake succeeds (link_handover_attach()).
 *
 * Return: 0, or -ENOMEM
 */
int link_handover_init(struct link_handover *ho, struct ev_loop *loop,
		       uint16_t role, double ka_interval, double peer_timeout,
		       const struct link_ops *ops, void *ctx)
{
	int i;

	memset(ho, 0, sizeof(*ho));
	ho->ops = ops;
	ho->ctx = ctx;
	for (i = 0; i < 2; i++)
		if (link_init(&ho->links[i], loop, role, ka_interval,
			      peer_timeout, &link_handover_ops, ho))
			return -ENOMEM;
	return 0;
}

/**
 * link_handover_set_caps() - the capability bits both links announce
 * @ho:		handover
 * @caps:	FRAME_CAP_* bits
 *
 * Either link may become the active one, so both say the same.
 */
void link_handover_set_caps(struct link_handover *ho, uint32_t caps)
{
	link_set_caps(&ho->links[0], caps);
	link_set_caps(&ho->links[1], caps);
}

/**
 * link_handover_set_stats() - charge both links' events to a set of
 *			       counters (one enclave's, on the host)
 * @ho:	handover
 * @s:	the set
 */
void link_handover_set_stats(struct link_handover *ho, struct stats *s)
{
	ho->links[0].stats = s;
	ho->links[1].stats = s;
}

/**
 * link_handover_set_read_max() - the most one read of either link takes
 * @ho:		handover
 * @bytes:	as link_set_read_max()
 */
void link_handover_set_read_max(struct link_handover *ho, size_t bytes)
{
	link_set_read_max(&ho->links[0], bytes);
	link_set_read_max(&ho->links[1], bytes);
}

/**
 * link_handover_attach() - a new connection from the peer
 * @ho:		handover
 * @fd:		connected socket, owned by the handover from now
 *
 * It goes in the free slot (a stale handshake there is given up) and
 * becomes active once up; with no link up, it is made active at once.
 */
void link_handover_attach(struct link_handover *ho, int fd)
{
	struct link *slot = &ho->links[!ho->active];

	if (ho->links[ho->active].state != LINK_UP) {
		if (slot->fd >= 0)
			link_close(slot, FRAME_BYE_REPLACED,
				   "replaced by a newer connection");
		slot = &ho->links[ho->active];
	}
	if (slot->fd >= 0)
		link_close(slot, FRAME_BYE_REPLACED,
			   "replaced by a newer connection");
	link_attach(slot, fd);
}

/**
 * link_handover_close() - close both links
 * @ho:		handover
 * @bye_code:	sent in a BYE to each
 * @why:	reason, logged and sent
 */
void link_handover_close(struct link_handover *ho, uint32_t bye_code,
			 const char *why)
{
	link_close(&ho->links[0], bye_code, why);
	link_close(&ho->links[1], bye_code, why);
}

/**
 * link_handover_free() - release both links' buffers
 * @ho:		handover, closed
 */
void link_handover_free(struct link_handover *ho)
{
	link_free(&ho->links[0]);
	link_free(&ho->links[1]);
}
