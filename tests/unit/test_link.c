// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of the framed link (link.c)
 *
 * Two link ends talk over a socketpair in one libev loop, or one link end
 * talks to a "raw peer": the other socket of the pair, driven by hand to
 * send what a broken or foreign peer would.
 */

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "remora/frame.h"
#include "remora/link.h"
#include "remora/log.h"
#include "remora/stats.h"

#define KA_LONG	     10.0 /* s: no keepalive or timeout during a test */
#define TIMEOUT_LONG 30.0
#define WAIT_MAX     2.0 /* s: bound of every wait for an event */
#define RAW_MAX	     (1 << 20)

/**
 * struct end - one link end and what its callbacks saw
 * @l:		the link
 * @ups:	state(1) calls
 * @downs:	state(0) calls
 * @batches:	batch_end calls
 * @packets:	packet calls
 * @bytes:	bytes of all packets
 * @last:	copy of the last packet
 * @last_len:	its length
 * @last_off:	the last packet's offload header, if it had one
 * @last_has_off: whether it had one (an OFFLOAD frame's packet)
 * @offloads:	packets that came in OFFLOAD frames
 * @seq_next:	next sequence number expected (sequenced packets)
 * @seq_bad:	sequenced packets with a wrong number or content
 * @in_batch:	packets delivered since the last batch_end
 * @max_batch:	most packets seen in one batch
 */
struct end {
	struct link l;
	int ups, downs, batches;
	size_t packets, bytes;
	uint8_t last[FRAME_MAX_PAYLOAD];
	size_t last_len;
	struct frame_offload last_off;
	int last_has_off;
	size_t offloads;
	uint32_t seq_next;
	size_t seq_bad;
	size_t in_batch, max_batch;
};

/**
 * struct fix - the fixture of a test
 * @loop:	event loop
 * @a:		a link end, FRAME_ROLE_HOST unless a test says otherwise
 * @b:		a second link end, or unused
 * @fd:		the socketpair: fd[0] for @a, fd[1] for @b or the raw peer;
 *		-1 once a link owns it (the link closes it)
 * @raw:	bytes the raw peer read back
 * @raw_len:	number of them
 * @raw_eof:	the raw peer saw the link end close
 * @mark:	a counter value a wait compares with
 * @a_caps:	capability bits @a announces (set before it is attached)
 * @b_caps:	capability bits @b announces
 */
struct fix {
	struct ev_loop *loop;
	struct end a, b;
	int fd[2];
	uint8_t raw[RAW_MAX];
	size_t raw_len;
	int raw_eof;
	uint64_t mark;
	uint32_t a_caps, b_caps;
};

/* ---- callbacks ---- */

static void on_packet(void *ctx, uint8_t *pkt, size_t len,
		      const struct frame_offload *off)
{
	struct end *e = ctx;

	e->packets++;
	e->bytes += len;
	e->in_batch++;
	memcpy(e->last, pkt, len);
	e->last_len = len;
	e->last_has_off = off != NULL;
	memset(&e->last_off, 0xaa, sizeof(e->last_off));
	if (off) {
		e->last_off = *off;
		e->offloads++;
	}
}

static void on_batch_end(void *ctx)
{
	struct end *e = ctx;

	e->batches++;
	if (e->in_batch > e->max_batch)
		e->max_batch = e->in_batch;
	e->in_batch = 0;
}

static void on_state(void *ctx, int up)
{
	struct end *e = ctx;

	if (up)
		e->ups++;
	else
		e->downs++;
}

static const struct link_ops ops = {
	.packet = on_packet,
	.batch_end = on_batch_end,
	.state = on_state,
};

/* Sequenced packets: 4-byte number, then bytes derived from it */
static void seq_fill(uint8_t *p, size_t len, uint32_t seq)
{
	size_t i;

	memcpy(p, &seq, sizeof(seq));
	for (i = sizeof(seq); i < len; i++)
		p[i] = (uint8_t)(seq * 31 + i);
}

static void on_seq_packet(void *ctx, uint8_t *pkt, size_t len,
			  const struct frame_offload *off)
{
	struct end *e = ctx;
	uint8_t want[FRAME_MAX_PAYLOAD];

	on_packet(ctx, pkt, len, off);
	seq_fill(want, len, e->seq_next);
	if (len < 4 || memcmp(pkt, want, len))
		e->seq_bad++;
	e->seq_next++;
}

static const struct link_ops seq_ops = {
	.packet = on_seq_packet,
	.batch_end = on_batch_end,
	.state = on_state,
};

/* ---- fixture ---- */

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	memset(&stats, 0, sizeof(stats));
	f->loop = ev_loop_new(EVFLAG_AUTO);
	if (!f->loop ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
		       f->fd) < 0) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static void end_done(struct end *e)
{
	if (!e->l.rx)
		return; /* never initialised */
	if (e->l.fd >= 0)
		link_close(&e->l, FRAME_BYE_SHUTDOWN, "test over");
	link_free(&e->l);
}

static int teardown(void **state)
{
	struct fix *f = *state;

	end_done(&f->a);
	end_done(&f->b);
	if (f->fd[0] >= 0)
		close(f->fd[0]);
	if (f->fd[1] >= 0)
		close(f->fd[1]);
	ev_loop_destroy(f->loop);
	free(f);
	return 0;
}

static void end_init(struct fix *f, struct end *e, uint16_t role, double ka,
		     double timeout, const struct link_ops *o)
{
	assert_int_equal(link_init(&e->l, f->loop, role, ka, timeout, o, e), 0);
	assert_int_equal(e->l.state, LINK_DOWN);
	assert_int_equal(e->l.fd, -1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/**
 * run_until() - run the loop until a condition holds, for WAIT_MAX at most
 * @f:		fixture
 * @cond:	condition
 *
 * Return: the condition's last value
 */
static int run_until(struct fix *f, int (*cond)(struct fix *f))
{
	double end = now_s() + WAIT_MAX;

	while (!cond(f) && now_s() < end)
		ev_run(f->loop, EVRUN_NOWAIT);
	return cond(f);
}

/* Run a few loop iterations: enough for everything already written */
static void run_a_little(struct fix *f)
{
	int i;

	for (i = 0; i < 20; i++)
		ev_run(f->loop, EVRUN_NOWAIT);
}

/* Give fd[i] to a link end, which owns it from now on */
static void attach(struct fix *f, struct end *e, int i)
{
	link_attach(&e->l, f->fd[i]);
	f->fd[i] = -1;
}

static int both_up(struct fix *f)
{
	return link_is_up(&f->a.l) && link_is_up(&f->b.l);
}

static int both_down(struct fix *f)
{
	return f->a.l.state == LINK_DOWN && f->b.l.state == LINK_DOWN;
}

static int a_down(struct fix *f)
{
	return f->a.l.state == LINK_DOWN;
}

static int a_up(struct fix *f)
{
	return link_is_up(&f->a.l);
}

/* Bring up a HOST end a and an ENCLAVE end b */
static void pair_up(struct fix *f, double ka, double timeout,
		    const struct link_ops *bops)
{
	end_init(f, &f->a, FRAME_ROLE_HOST, ka, timeout, &ops);
	end_init(f, &f->b, FRAME_ROLE_ENCLAVE, ka, timeout, bops);
	link_set_caps(&f->a.l, f->a_caps);
	link_set_caps(&f->b.l, f->b_caps);
	attach(f, &f->a, 0);
	attach(f, &f->b, 1);
	assert_int_equal(f->a.l.state, LINK_HANDSHAKE);
	assert_int_equal(f->b.l.state, LINK_HANDSHAKE);
	assert_true(run_until(f, both_up));
	assert_int_equal(f->a.ups, 1);
	assert_int_equal(f->b.ups, 1);
	assert_int_equal(stats.c[STAT_LINK_UP], 2);
}

/* ---- the raw peer ---- */

static void raw_write(struct fix *f, const void *buf, size_t len)
{
	assert_int_equal(send(f->fd[1], buf, len, MSG_NOSIGNAL), (ssize_t)len);
}

static void raw_frame(struct fix *f, uint8_t version, uint8_t type,
		      const void *payload, size_t len)
{
	uint8_t buf[FRAME_MAX_LEN];

	frame_encode_hdr(buf, type, (uint32_t)len);
	buf[2] = version;
	if (len)
		memcpy(buf + FRAME_HDR_LEN, payload, len);
	raw_write(f, buf, FRAME_HDR_LEN + len);
}

/* A HELLO with a chosen version (in header and payload), role and
 * capabilities */
static void raw_hello_caps(struct fix *f, uint8_t version, uint16_t role,
			   uint32_t caps)
{
	uint8_t buf[128];
	size_t n;

	n = frame_encode_hello(buf, sizeof(buf), role, caps, FRAME_MAX_PAYLOAD,
			       "rawpeer 9");
	assert_true(n > 0);
	buf[2] = version;
	buf[FRAME_HDR_LEN] = 0;
	buf[FRAME_HDR_LEN + 1] = version;
	raw_write(f, buf, n);
}

/* A HELLO with a chosen version and role, announcing nothing */
static void raw_hello(struct fix *f, uint8_t version, uint16_t role)
{
	raw_hello_caps(f, version, role, 0);
}

/* An OFFLOAD frame: the 4-byte header @oh as given (valid or not), then
 * @len bytes of packet */
static void raw_offload(struct fix *f, const uint8_t *oh, size_t ohlen,
			const void *pkt, size_t len)
{
	static uint8_t p[FRAME_OFFLOAD_MAX_PAYLOAD];

	memcpy(p, oh, ohlen);
	if (len)
		memcpy(p + ohlen, pkt, len);
	raw_frame(f, REMORA_PROTO_VERSION, FRAME_OFFLOAD, p, ohlen + len);
}

/* Read what the link end sent, without blocking */
static void raw_drain(struct fix *f)
{
	ssize_t n;

	while (f->raw_len < RAW_MAX) {
		n = recv(f->fd[1], f->raw + f->raw_len, RAW_MAX - f->raw_len,
			 MSG_DONTWAIT);
		if (n == 0)
			f->raw_eof = 1;
		if (n <= 0)
			break;
		f->raw_len += (size_t)n;
	}
}

/**
 * raw_find() - find the first frame of a type in what the raw peer read
 * @f:		fixture
 * @type:	frame type
 * @payload:	set to its payload, or to NULL if there is none
 *
 * Return: its payload length, or -1 if there is none
 */
static long raw_find(struct fix *f, uint8_t type, const uint8_t **payload)
{
	struct frame_hdr h;
	size_t off = 0;

	*payload = NULL;

	while (frame_decode_hdr(f->raw + off, f->raw_len - off, &h) == 0 &&
	       off + FRAME_HDR_LEN + h.len <= f->raw_len) {
		if (h.type == type) {
			*payload = f->raw + off + FRAME_HDR_LEN;
			return (long)h.len;
		}
		off += FRAME_HDR_LEN + h.len;
	}
	return -1;
}

/* Attach a to fd[0] and check its HELLO reaches the raw peer */
static void raw_start(struct fix *f, uint16_t role, double ka, double timeout)
{
	const uint8_t *p;
	struct frame_hello hello;
	long n;

	end_init(f, &f->a, role, ka, timeout, &ops);
	assert_int_equal(f->a.l.caps, 0); /* announces nothing unless told */
	link_set_caps(&f->a.l, f->a_caps);
	attach(f, &f->a, 0);
	assert_int_equal(f->a.l.state, LINK_HANDSHAKE);
	raw_drain(f);
	n = raw_find(f, FRAME_HELLO, &p);
	assert_true(n >= FRAME_HELLO_FIXED_LEN);
	assert_int_equal(frame_decode_hello(p, (size_t)n, &hello), 0);
	assert_int_equal(hello.version, REMORA_PROTO_VERSION);
	assert_int_equal(hello.role, role);
	assert_int_equal(hello.caps, f->a_caps);
	assert_int_equal(hello.max_payload, FRAME_MAX_PAYLOAD);
	assert_memory_equal(hello.software, "remora ", 7);
}

/* The raw peer completes the handshake with a good HELLO */
static void raw_up(struct fix *f)
{
	raw_start(f, FRAME_ROLE_HOST, KA_LONG, TIMEOUT_LONG);
	raw_hello(f, REMORA_PROTO_VERSION, FRAME_ROLE_ENCLAVE);
	assert_true(run_until(f, a_up));
	assert_int_equal(f->a.l.peer.role, FRAME_ROLE_ENCLAVE);
	assert_string_equal(f->a.l.peer.software, "rawpeer 9");
}

/* The link end closed; the raw peer reads everything and finds its BYE */
static uint32_t raw_bye_code(struct fix *f, struct frame_bye *bye)
{
	const uint8_t *p;
	long n;

	raw_drain(f);
	assert_true(f->raw_eof);
	n = raw_find(f, FRAME_BYE, &p);
	if (n < 0)
		fail_msg("no BYE among the %zu bytes the link sent",
			 f->raw_len);
	assert_int_equal(frame_decode_bye(p, (size_t)n, bye), 0);
	return bye->code;
}

/* ---- two link ends ---- */

static void handshake_and_packets(void **state)
{
	struct fix *f = *state;
	static uint8_t big[FRAME_MAX_PAYLOAD];
	uint8_t p1[100], p2[1500];
	size_t i;

	for (i = 0; i < sizeof(p1); i++)
		p1[i] = (uint8_t)i;
	for (i = 0; i < sizeof(p2); i++)
		p2[i] = (uint8_t)(255 - i);

	/* not up yet: refused and counted as a drop with the link down */
	end_init(f, &f->a, FRAME_ROLE_HOST, KA_LONG, TIMEOUT_LONG, &ops);
	assert_int_equal(link_send_packet(&f->a.l, p1, sizeof(p1)), -ENOTCONN);
	assert_int_equal(stats.c[STAT_Q2L_DROP_LINK_DOWN], 1);
	stats.c[STAT_Q2L_DROP_LINK_DOWN] = 0;
	end_done(&f->a);
	memset(&f->a, 0, sizeof(f->a));

	pair_up(f, KA_LONG, TIMEOUT_LONG, &ops);
	assert_int_equal(f->a.l.peer.role, FRAME_ROLE_ENCLAVE);
	assert_int_equal(f->b.l.peer.role, FRAME_ROLE_HOST);
	assert_int_equal(f->a.l.peer.version, REMORA_PROTO_VERSION);
	assert_int_equal(f->a.l.peer.max_payload, FRAME_MAX_PAYLOAD);
	assert_memory_equal(f->a.l.peer.software, "remora ", 7);

	/* a to b: two packets in one flush */
	assert_int_equal(link_send_packet(&f->a.l, p1, sizeof(p1)), 0);
	assert_int_equal(link_send_packet(&f->a.l, p2, sizeof(p2)), 0);
	assert_int_equal(stats.c[STAT_Q2L_SENT_PACKETS], 0); /* not written */
	link_flush(&f->a.l);
	assert_int_equal(stats.c[STAT_Q2L_SENT_PACKETS], 2);
	assert_int_equal(stats.c[STAT_Q2L_SENT_BYTES], 1600);
	run_a_little(f);
	assert_int_equal(f->b.packets, 2);
	assert_int_equal(f->b.bytes, 1600);
	assert_int_equal(f->b.last_len, sizeof(p2));
	assert_memory_equal(f->b.last, p2, sizeof(p2));
	assert_int_equal(f->b.batches, 1); /* one write, one read */
	assert_int_equal(f->b.max_batch, 2);
	assert_int_equal(stats.c[STAT_L2I_PACKETS], 2);
	assert_int_equal(stats.c[STAT_L2I_BYTES], 1600);
	assert_int_equal(f->a.packets, 0);

	/* b to a */
	assert_int_equal(link_send_packet(&f->b.l, p1, 60), 0);
	link_flush(&f->b.l);
	run_a_little(f);
	assert_int_equal(f->a.packets, 1);
	assert_int_equal(f->a.last_len, 60);
	assert_memory_equal(f->a.last, p1, 60);
	assert_int_equal(f->a.batches, 1);
	assert_int_equal(stats.c[STAT_Q2L_SENT_PACKETS], 3);
	assert_int_equal(stats.c[STAT_L2I_PACKETS], 3);
	assert_int_equal(stats.c[STAT_LINK_TX_BYTES],
			 stats.c[STAT_LINK_RX_BYTES]);

	/* a packet of the largest size, and an empty one */
	seq_fill(big, sizeof(big), 77);
	assert_int_equal(link_send_packet(&f->a.l, big, sizeof(big)), 0);
	assert_int_equal(link_send_packet(&f->a.l, big, 0), 0);
	assert_int_equal(link_send_packet(&f->a.l, big, FRAME_MAX_PAYLOAD + 1),
			 -EMSGSIZE);
	/* what cannot be framed is counted as such */
	assert_int_equal(stats.c[STAT_Q2L_DROP_MALFORMED], 1);
	link_flush(&f->a.l);
	run_a_little(f);
	assert_int_equal(f->b.packets, 4);
	assert_int_equal(f->b.bytes, 1600 + FRAME_MAX_PAYLOAD);
	assert_int_equal(f->b.last_len, 0);

	assert_int_equal(stats.c[STAT_LINK_PROTOCOL_ERRORS], 0);
	assert_int_equal(stats.c[STAT_LINK_DOWN], 0);
	assert_true(both_up(f));
}

static void same_role_refused(void **state)
{
	struct fix *f = *state;

	end_init(f, &f->a, FRAME_ROLE_HOST, KA_LONG, TIMEOUT_LONG, &ops);
	end_init(f, &f->b, FRAME_ROLE_HOST, KA_LONG, TIMEOUT_LONG, &ops);
	attach(f, &f->a, 0);
	attach(f, &f->b, 1);
	assert_true(run_until(f, both_down));
	assert_int_equal(f->a.l.fd, -1);
	assert_int_equal(f->b.l.fd, -1);
	assert_int_equal(stats.c[STAT_LINK_REFUSED], 2);
	assert_int_equal(stats.c[STAT_LINK_UP], 0);
	assert_int_equal(stats.c[STAT_LINK_DOWN], 2);
	assert_int_equal(f->a.ups + f->b.ups, 0);
	assert_int_equal(f->a.downs, 1);
	assert_int_equal(f->b.downs, 1);
}

static void same_role_enclave_refused_bye_role(void **state)
{
	struct fix *f = *state;
	struct frame_bye bye;

	raw_start(f, FRAME_ROLE_ENCLAVE, KA_LONG, TIMEOUT_LONG);
	raw_hello(f, REMORA_PROTO_VERSION, FRAME_ROLE_ENCLAVE);
	assert_true(run_until(f, a_down));
	assert_int_equal(stats.c[STAT_LINK_REFUSED], 1);
	assert_int_equal(raw_bye_code(f, &bye), FRAME_BYE_ROLE);
	assert_non_null(strstr(bye.text, "enclave"));
}

static void unknown_role_refused(void **state)
{
	struct fix *f = *state;
	struct frame_bye bye;

	raw_start(f, FRAME_ROLE_HOST, KA_LONG, TIMEOUT_LONG);
	raw_hello(f, REMORA_PROTO_VERSION, 7);
	assert_true(run_until(f, a_down));
	assert_int_equal(stats.c[STAT_LINK_REFUSED], 1);
	assert_int_equal(stats.c[STAT_LINK_UP], 0);
	assert_int_equal(raw_bye_code(f, &bye), FRAME_BYE_ROLE);
}

static void peer_bye_closes(void **state)
{
	struct fix *f = *state;

	pair_up(f, KA_LONG, TIMEOUT_LONG, &ops);
	link_close(&f->b.l, FRAME_BYE_SHUTDOWN, "stopping");
	assert_int_equal(f->b.l.state, LINK_DOWN);
	assert_int_equal(f->b.downs, 1);
	assert_int_equal(link_send_packet(&f->b.l, (const uint8_t *)"x", 1),
			 -ENOTCONN);
	assert_true(run_until(f, a_down));
	assert_int_equal(f->a.downs, 1);
	assert_int_equal(stats.c[STAT_LINK_DOWN], 2);
	assert_int_equal(stats.c[STAT_LINK_REFUSED], 0);
	assert_int_equal(stats.c[STAT_LINK_PROTOCOL_ERRORS], 0);
	assert_int_equal(link_send_packet(&f->a.l, (const uint8_t *)"x", 1),
			 -ENOTCONN);
	/* closing again is harmless */
	link_close(&f->a.l, FRAME_BYE_SHUTDOWN, "again");
	assert_int_equal(f->a.downs, 1);
}

/* Both ends keep the link alive with keepalives when no packets flow */
static void keepalive_keeps_link_up(void **state)
{
	struct fix *f = *state;
	uint64_t rx0;
	double end;

	pair_up(f, 0.05, 0.3, &ops);
	rx0 = stats.c[STAT_LINK_RX_BYTES];
	end = now_s() + 0.7;
	while (now_s() < end && both_up(f))
		ev_run(f->loop, EVRUN_ONCE);
	assert_true(both_up(f));
	assert_int_equal(stats.c[STAT_LINK_TIMEOUTS], 0);
	assert_int_equal(stats.c[STAT_LINK_DOWN], 0);
	/* keepalives crossed: 0.7 s at one per 25-50 ms, each way */
	assert_true(stats.c[STAT_LINK_RX_BYTES] - rx0 >= 8 * FRAME_HDR_LEN);
	assert_int_equal(f->a.packets + f->b.packets, 0);
}

/* Queue sequenced packets of @len bytes, flushing each, until one is
 * refused; Return: the refusal */
static int fill_queue(struct fix *f, uint8_t *pkt, size_t len, uint32_t *sent)
{
	int rc = 0;

	while (*sent < 1000) {
		seq_fill(pkt, len, *sent);
		rc = link_send_packet(&f->a.l, pkt, len);
		if (rc)
			break;
		(*sent)++;
		link_flush(&f->a.l);
	}
	return rc;
}

static int a_wrote_more(struct fix *f)
{
	return stats.c[STAT_Q2L_SENT_PACKETS] > f->mark;
}

/* Fill the send queue while the peer does not read: -ENOBUFS. Once the
 * peer reads some, written frames leave the front of the queue and the
 * queue takes packets again; everything arrives whole and in order. */
/* A link whose reads are bounded (remora-host with several enclaves)
 * takes that much a turn of the loop, and in the end every frame, in
 * order */
static void read_max_bounds_each_turn(void **state)
{
	struct fix *f = *state;
	uint8_t pkt[1000];
	int i;

	raw_up(f);
	link_set_read_max(&f->a.l, 4096);
	assert_int_equal(f->a.l.read_max, 4096);
	for (i = 0; i < 20; i++) {
		memset(pkt, i, sizeof(pkt));
		raw_frame(f, REMORA_PROTO_VERSION, FRAME_PACKET, pkt,
			  sizeof(pkt));
	}
	ev_run(f->loop, EVRUN_ONCE);
	/* 4096 bytes hold 4 frames of 1008 */
	assert_true(f->a.packets >= 1 && f->a.packets <= 4);
	run_a_little(f);
	assert_int_equal(f->a.packets, 20);
	assert_true(f->a.max_batch <= 4);
	assert_int_equal(f->a.last[0], 19);
	/* out of range is clamped */
	link_set_read_max(&f->a.l, 0);
	assert_int_equal(f->a.l.read_max, 1);
	link_set_read_max(&f->a.l, (size_t)LINK_RX_BUF * 2);
	assert_int_equal(f->a.l.read_max, LINK_RX_BUF);
}

static void send_queue_full(void **state)
{
	struct fix *f = *state;
	static uint8_t pkt[60000];
	const size_t frame = FRAME_HDR_LEN + sizeof(pkt);
	uint32_t sent = 0;
	size_t queued;

	pair_up(f, KA_LONG, TIMEOUT_LONG, &seq_ops);
	assert_int_equal(fill_queue(f, pkt, sizeof(pkt), &sent), -ENOBUFS);
	/* the packet that found the queue full is counted as dropped */
	assert_int_equal(stats.c[STAT_Q2L_DROP_LINK_FULL], 1);
	/* the socket took some whole frames, the queue holds the rest */
	assert_true(stats.c[STAT_Q2L_SENT_PACKETS] >= 1);
	assert_true(stats.c[STAT_Q2L_SENT_PACKETS] < sent);
	queued = (size_t)(sent - stats.c[STAT_Q2L_SENT_PACKETS]) * frame;
	assert_true(queued <= LINK_TX_BUF);
	assert_true(queued + frame > LINK_TX_BUF);

	/* the peer reads a little: frames are written from the queue's front */
	f->mark = stats.c[STAT_Q2L_SENT_PACKETS];
	assert_true(run_until(f, a_wrote_more));
	assert_true(f->a.l.tx_frame > 0);
	assert_true(f->b.packets > 0);
	assert_true(f->b.packets < sent);
	/* which makes room for more */
	seq_fill(pkt, sizeof(pkt), sent);
	assert_int_equal(link_send_packet(&f->a.l, pkt, sizeof(pkt)), 0);
	sent++;
	assert_int_equal(f->a.l.tx_frame, 0); /* unsent frames moved down */
	link_flush(&f->a.l);
	assert_int_equal(fill_queue(f, pkt, sizeof(pkt), &sent), -ENOBUFS);
	assert_true(link_is_up(&f->a.l));

	/* the peer reads everything */
	while (f->b.packets < sent) {
		size_t before = f->b.packets;
		double end = now_s() + WAIT_MAX;

		while (f->b.packets == before && now_s() < end)
			ev_run(f->loop, EVRUN_NOWAIT);
		if (f->b.packets == before)
			fail_msg("stalled at %zu of %u packets", before, sent);
	}
	assert_int_equal(f->b.packets, sent);
	assert_int_equal(f->b.seq_bad, 0);
	assert_int_equal(f->b.seq_next, sent);
	assert_int_equal(stats.c[STAT_Q2L_SENT_PACKETS], sent);
	assert_int_equal(stats.c[STAT_L2I_PACKETS], sent);
	assert_int_equal(f->a.l.tx_head, f->a.l.tx_tail);

	/* and the queue takes packets again */
	seq_fill(pkt, sizeof(pkt), sent);
	assert_int_equal(link_send_packet(&f->a.l, pkt, sizeof(pkt)), 0);
	link_flush(&f->a.l);
	run_a_little(f);
	assert_int_equal(f->b.packets, sent + 1);
	assert_int_equal(f->b.seq_bad, 0);
}

/* Packets queued when the link goes down without a BYE are counted */
static void queued_packets_dropped_on_close(void **state)
{
	struct fix *f = *state;
	uint8_t pkt[64] = {0};

	pair_up(f, KA_LONG, TIMEOUT_LONG, &ops);
	assert_int_equal(link_send_packet(&f->a.l, pkt, sizeof(pkt)), 0);
	assert_int_equal(link_send_packet(&f->a.l, pkt, sizeof(pkt)), 0);
	link_close(&f->a.l, 0xffffffffU, "no bye"); /* LINK_NO_BYE */
	assert_int_equal(stats.c[STAT_Q2L_DROP_LINK_DOWN], 2);
	assert_int_equal(stats.c[STAT_Q2L_SENT_PACKETS], 0);
	assert_true(run_until(f, both_down));
	assert_int_equal(f->b.packets, 0);
}

/* OFFLOAD frames go only to a peer that announced FRAME_CAP_OFFLOAD, are
 * counted as packets, and carry their header and packet whole */
static void offload_needs_the_peers_capability(void **state)
{
	struct fix *f = *state;
	static uint8_t big[FRAME_MAX_PAYLOAD];
	const struct frame_offload tso = {FRAME_GSO_TCP,
					  FRAME_OFFLOAD_CSUM_PARTIAL, 1448};
	const struct frame_offload uso = {FRAME_GSO_UDP, 0, 1472};
	const struct frame_offload bad[] = {
		{FRAME_GSO_NONE, 0, 1},
		{FRAME_GSO_TCP, 0, 0},
		{3, 0, 1448},
		{FRAME_GSO_TCP, 0x80, 1448},
	};
	uint8_t pkt[100];
	size_t i;

	memset(pkt, 0x5a, sizeof(pkt));
	/* not up: a drop with the link down, as for a PACKET */
	end_init(f, &f->a, FRAME_ROLE_HOST, KA_LONG, TIMEOUT_LONG, &ops);
	assert_false(link_peer_offload(&f->a.l));
	assert_int_equal(link_send_offload(&f->a.l, &tso, pkt, sizeof(pkt)),
			 -ENOTCONN);
	assert_int_equal(stats.c[STAT_Q2L_DROP_LINK_DOWN], 1);
	stats.c[STAT_Q2L_DROP_LINK_DOWN] = 0;
	end_done(&f->a);
	memset(&f->a, 0, sizeof(f->a));

	/* a takes OFFLOAD frames, b does not */
	f->a_caps = FRAME_CAP_OFFLOAD;
	pair_up(f, KA_LONG, TIMEOUT_LONG, &ops);
	assert_int_equal(f->b.l.peer.caps, FRAME_CAP_OFFLOAD);
	assert_int_equal(f->a.l.peer.caps, 0);
	assert_true(link_peer_offload(&f->b.l));
	assert_false(link_peer_offload(&f->a.l));

	/* so a sends b none, and the refusal is counted nowhere: the
	 * caller sends a PACKET instead */
	assert_int_equal(link_send_offload(&f->a.l, &tso, pkt, sizeof(pkt)),
			 -EOPNOTSUPP);
	link_flush(&f->a.l);
	run_a_little(f);
	assert_int_equal(f->b.packets, 0);
	assert_int_equal(stats.c[STAT_Q2L_DROP_LINK_DOWN], 0);
	assert_int_equal(stats.c[STAT_Q2L_DROP_LINK_FULL], 0);
	assert_int_equal(stats.c[STAT_Q2L_DROP_MALFORMED], 0);
	assert_int_equal(stats.c[STAT_Q2L_SENT_PACKETS], 0);

	/* b sends a a PACKET, then an OFFLOAD: packet bytes are counted,
	 * not the offload header */
	assert_int_equal(link_send_packet(&f->b.l, pkt, 60), 0);
	assert_int_equal(link_send_offload(&f->b.l, &tso, pkt, sizeof(pkt)), 0);
	link_flush(&f->b.l);
	assert_int_equal(stats.c[STAT_Q2L_SENT_PACKETS], 2);
	assert_int_equal(stats.c[STAT_Q2L_SENT_BYTES], 160);
	run_a_little(f);
	assert_int_equal(f->a.packets, 2);
	assert_int_equal(f->a.offloads, 1);
	assert_int_equal(f->a.batches, 1);
	assert_true(f->a.last_has_off);
	assert_int_equal(f->a.last_off.gso_type, FRAME_GSO_TCP);
	assert_int_equal(f->a.last_off.flags, FRAME_OFFLOAD_CSUM_PARTIAL);
	assert_int_equal(f->a.last_off.gso_size, 1448);
	assert_int_equal(f->a.last_len, sizeof(pkt));
	assert_memory_equal(f->a.last, pkt, sizeof(pkt));
	assert_int_equal(stats.c[STAT_L2I_PACKETS], 2);
	assert_int_equal(stats.c[STAT_L2I_BYTES], 160);
	assert_int_equal(stats.c[STAT_LINK_TX_BYTES],
			 stats.c[STAT_LINK_RX_BYTES]);

	/* the largest packet: an OFFLOAD payload of 65539 bytes */
	seq_fill(big, sizeof(big), 5);
	assert_int_equal(link_send_offload(&f->b.l, &uso, big, sizeof(big)), 0);
	assert_int_equal(
		link_send_offload(&f->b.l, &uso, big, FRAME_MAX_PAYLOAD + 1),
		-EMSGSIZE);
	assert_int_equal(stats.c[STAT_Q2L_DROP_MALFORMED], 1);
	/* a header the peer would drop is not framed, and counted so */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(
			link_send_offload(&f->b.l, &bad[i], pkt, sizeof(pkt)),
			-EINVAL);
	assert_int_equal(stats.c[STAT_Q2L_DROP_MALFORMED], 5);
	link_flush(&f->b.l);
	run_a_little(f);
	assert_int_equal(f->a.packets, 3);
	assert_int_equal(f->a.offloads, 2);
	assert_int_equal(f->a.last_len, sizeof(big));
	assert_memory_equal(f->a.last, big, sizeof(big));
	assert_int_equal(f->a.last_off.gso_type, FRAME_GSO_UDP);
	assert_int_equal(f->a.last_off.flags, 0);
	assert_int_equal(f->a.last_off.gso_size, 1472);
	assert_int_equal(stats.c[STAT_Q2L_SENT_BYTES], 160 + sizeof(big));

	/* OFFLOAD frames still queued when the link closes are drops */
	assert_int_equal(link_send_offload(&f->b.l, &tso, pkt, sizeof(pkt)), 0);
	assert_int_equal(link_send_packet(&f->b.l, pkt, sizeof(pkt)), 0);
	link_close(&f->b.l, 0xffffffffU, "no bye"); /* LINK_NO_BYE */
	assert_int_equal(stats.c[STAT_Q2L_DROP_LINK_DOWN], 2);
	assert_int_equal(stats.c[STAT_Q2L_SENT_PACKETS], 3);
	assert_int_equal(stats.c[STAT_LINK_PROTOCOL_ERRORS], 0);
	assert_int_equal(stats.c[STAT_L2I_DROP_OFFLOAD], 0);
}

/* The handover announces its capabilities on both links and hands the
 * daemon an OFFLOAD frame's header with its packet */
static int b_up(struct fix *f)
{
	return f->b.ups > 0;
}

static void handover_caps_and_offload(void **state)
{
	struct fix *f = *state;
	struct link_handover ho;
	const uint8_t oh[FRAME_OFFLOAD_LEN] = {FRAME_GSO_UDP, 0, 0x05, 0xc0};
	struct frame_hello hello;
	const uint8_t *p;
	long n;

	/* its callbacks report to b, which has no link of its own here */
	assert_int_equal(link_handover_init(&ho, f->loop, FRAME_ROLE_HOST,
					    KA_LONG, TIMEOUT_LONG, &ops, &f->b),
			 0);
	assert_int_equal(ho.links[0].caps, 0);
	link_handover_set_caps(&ho, FRAME_CAP_OFFLOAD);
	assert_int_equal(ho.links[0].caps, FRAME_CAP_OFFLOAD);
	assert_int_equal(ho.links[1].caps, FRAME_CAP_OFFLOAD);
	link_handover_attach(&ho, f->fd[0]);
	f->fd[0] = -1;
	raw_drain(f);
	n = raw_find(f, FRAME_HELLO, &p);
	assert_true(n >= FRAME_HELLO_FIXED_LEN);
	assert_int_equal(frame_decode_hello(p, (size_t)n, &hello), 0);
	assert_int_equal(hello.caps, FRAME_CAP_OFFLOAD);

	raw_hello(f, REMORA_PROTO_VERSION, FRAME_ROLE_ENCLAVE);
	assert_true(run_until(f, b_up));
	raw_offload(f, oh, sizeof(oh), "datagrams", 9);
	raw_frame(f, REMORA_PROTO_VERSION, FRAME_PACKET, "plain", 5);
	raw_offload(f, oh, sizeof(oh), "more", 4);
	run_a_little(f);
	assert_int_equal(f->b.packets, 3);
	assert_int_equal(f->b.offloads, 2);
	assert_true(f->b.last_has_off);
	assert_int_equal(f->b.last_off.gso_type, FRAME_GSO_UDP);
	assert_int_equal(f->b.last_off.gso_size, 1472);
	assert_int_equal(f->b.last_len, 4);
	assert_memory_equal(f->b.last, "more", 4);
	assert_true(link_is_up(link_handover_active(&ho)));
	link_handover_close(&ho, FRAME_BYE_SHUTDOWN, "test over");
	link_handover_free(&ho);
}

/* ---- a raw peer ---- */

static void bad_magic_protocol_error(void **state)
{
	struct fix *f = *state;
	struct frame_bye bye;

	raw_start(f, FRAME_ROLE_HOST, KA_LONG, TIMEOUT_LONG);
	raw_write(f, "GET / HTTP/1.0\r\n\r\n", 18);
	assert_true(run_until(f, a_down));
	assert_int_equal(stats.c[STAT_LINK_PROTOCOL_ERRORS], 1);
	assert_int_equal(stats.c[STAT_LINK_UP], 0);
	assert_int_equal(f->a.downs, 1);
	assert_int_equal(raw_bye_code(f, &bye), FRAME_BYE_PROTOCOL);
	assert_non_null(strstr(bye.text, "magic"));
}

static void bad_magic_after_handshake(void **state)
{
	struct fix *f = *state;
	uint8_t junk[FRAME_HDR_LEN] = {'R', 'X', 1, FRAME_PACKET, 0, 0, 0, 0};

	raw_up(f);
	raw_write(f, junk, sizeof(junk));
	assert_true(run_until(f, a_down));
	assert_int_equal(stats.c[STAT_LINK_PROTOCOL_ERRORS], 1);
	assert_int_equal(f->a.ups, 1);
	assert_int_equal(f->a.downs, 1);
}

/* The raw peer, once up, announces a frame of @type @len bytes long:
 * a protocol error, nothing delivered, its BYE (into @bye) says so */
static void raw_oversized(struct fix *f, uint8_t type, uint32_t len,
			  struct frame_bye *bye)
{
	uint8_t hdr[FRAME_HDR_LEN];

	raw_up(f);
	frame_encode_hdr(hdr, type, len);
	raw_write(f, hdr, sizeof(hdr));
	assert_true(run_until(f, a_down));
	assert_int_equal(stats.c[STAT_LINK_PROTOCOL_ERRORS], 1);
	assert_int_equal(f->a.packets, 0);
	assert_int_equal(raw_bye_code(f, bye), FRAME_BYE_PROTOCOL);
}

static void oversized_frame_protocol_error(void **state)
{
	struct frame_bye bye;

	raw_oversized(*state, FRAME_PACKET, FRAME_MAX_PAYLOAD + 1, &bye);
}

static void version_2_refused(void **state)
{
	struct fix *f = *state;
	struct frame_bye bye;

	raw_start(f, FRAME_ROLE_HOST, KA_LONG, TIMEOUT_LONG);
	raw_hello(f, 2, FRAME_ROLE_ENCLAVE);
	assert_true(run_until(f, a_down));
	assert_int_equal(stats.c[STAT_LINK_REFUSED], 1);
	assert_int_equal(stats.c[STAT_LINK_UP], 0);
	assert_int_equal(stats.c[STAT_LINK_PROTOCOL_ERRORS], 0);
	assert_int_equal(f->a.ups, 0);
	assert_int_equal(raw_bye_code(f, &bye), FRAME_BYE_VERSION);
	/* the reason names both versions and the peer's software */
	assert_non_null(strstr(bye.text, "version 2"));
	assert_non_null(strstr(bye.text, "rawpeer 9"));
}

/* Version 2 in the HELLO payload only: refused the same way */
static void version_2_payload_only_refused(void **state)
{
	struct fix *f = *state;
	uint8_t buf[128];
	struct frame_bye bye;
	size_t n;

	raw_start(f, FRAME_ROLE_HOST, KA_LONG, TIMEOUT_LONG);
	n = frame_encode_hello(buf, sizeof(buf), FRAME_ROLE_ENCLAVE, 0,
			       FRAME_MAX_PAYLOAD, "x");
	buf[FRAME_HDR_LEN + 1] = 2;
	raw_write(f, buf, n);
	assert_true(run_until(f, a_down));
	assert_int_equal(stats.c[STAT_LINK_REFUSED], 1);
	assert_int_equal(raw_bye_code(f, &bye), FRAME_BYE_VERSION);
}

static void packet_before_hello(void **state)
{
	struct fix *f = *state;
	struct frame_bye bye;

	raw_start(f, FRAME_ROLE_HOST, KA_LONG, TIMEOUT_LONG);
	raw_frame(f, REMORA_PROTO_VERSION, FRAME_PACKET, "abcd", 4);
	assert_true(run_until(f, a_down));
	assert_int_equal(stats.c[STAT_LINK_PROTOCOL_ERRORS], 1);
	assert_int_equal(stats.c[STAT_L2I_PACKETS], 0);
	assert_int_equal(f->a.packets, 0);
	assert_int_equal(raw_bye_code(f, &bye), FRAME_BYE_PROTOCOL);
}

static void keepalive_before_hello(void **state)
{
	struct fix *f = *state;

	raw_start(f, FRAME_ROLE_HOST, KA_LONG, TIMEOUT_LONG);
	raw_frame(f, REMORA_PROTO_VERSION, FRAME_KEEPALIVE, NULL, 0);
	assert_true(run_until(f, a_down));
	assert_int_equal(stats.c[STAT_LINK_PROTOCOL_ERRORS], 1);
}

static void short_hello_protocol_error(void **state)
{
	struct fix *f = *state;
	uint8_t p[FRAME_HELLO_FIXED_LEN - 1] = {0, 1, 0, FRAME_ROLE_ENCLAVE};

	raw_start(f, FRAME_ROLE_HOST, KA_LONG, TIMEOUT_LONG);
	raw_frame(f, REMORA_PROTO_VERSION, FRAME_HELLO, p, sizeof(p));
	assert_true(run_until(f, a_down));
	assert_int_equal(stats.c[STAT_LINK_PROTOCOL_ERRORS], 1);
	assert_int_equal(stats.c[STAT_LINK_UP], 0);
}

static void second_hello_protocol_error(void **state)
{
	struct fix *f = *state;

	raw_up(f);
	raw_hello(f, REMORA_PROTO_VERSION, FRAME_ROLE_ENCLAVE);
	assert_true(run_until(f, a_down));
	assert_int_equal(stats.c[STAT_LINK_PROTOCOL_ERRORS], 1);
}

static void version_change_mid_link(void **state)
{
	struct fix *f = *state;

	raw_up(f);
	raw_frame(f, 2, FRAME_PACKET, "abcd", 4);
	assert_true(run_until(f, a_down));
	assert_int_equal(stats.c[STAT_LINK_PROTOCOL_ERRORS], 1);
	assert_int_equal(f->a.packets, 0);
}

static void unknown_frame_skipped(void **state)
{
	struct fix *f = *state;
	uint8_t future[300];

	memset(future, 0xee, sizeof(future));
	raw_up(f);
	raw_frame(f, REMORA_PROTO_VERSION, 99, future, sizeof(future));
	raw_frame(f, REMORA_PROTO_VERSION, 0, NULL, 0);
	raw_frame(f, REMORA_PROTO_VERSION, FRAME_KEEPALIVE, NULL, 0);
	raw_frame(f, REMORA_PROTO_VERSION, FRAME_PACKET, "after", 5);
	run_a_little(f);
	assert_true(link_is_up(&f->a.l));
	assert_int_equal(stats.c[STAT_LINK_UNKNOWN_FRAMES], 2);
	assert_int_equal(stats.c[STAT_LINK_PROTOCOL_ERRORS], 0);
	/* the frame after them is read in step */
	assert_int_equal(f->a.packets, 1);
	assert_int_equal(f->a.last_len, 5);
	assert_memory_equal(f->a.last, "after", 5);
}

/* Several frames in one read: one batch */
static void many_frames_one_batch(void **state)
{
	struct fix *f = *state;
	uint8_t buf[3 * (FRAME_HDR_LEN + 3)];
	int i;

	raw_up(f);
	for (i = 0; i < 3; i++) {
		frame_encode_hdr(buf + i * 11, FRAME_PACKET, 3);
		memcpy(buf + i * 11 + FRAME_HDR_LEN, "p0", 2);
		buf[i * 11 + FRAME_HDR_LEN + 2] = (uint8_t)('a' + i);
	}
	raw_write(f, buf, sizeof(buf));
	run_a_little(f);
	assert_int_equal(f->a.packets, 3);
	assert_int_equal(f->a.batches, 1);
	assert_int_equal(f->a.max_batch, 3);
	assert_memory_equal(f->a.last, "p0c", 3);
	assert_int_equal(stats.c[STAT_L2I_PACKETS], 3);
	assert_int_equal(stats.c[STAT_L2I_BYTES], 9);
}

/* A frame split across reads is delivered once, whole */
static void frame_split_across_reads(void **state)
{
	struct fix *f = *state;
	uint8_t buf[FRAME_HDR_LEN + 1000];
	size_t i;

	raw_up(f);
	frame_encode_hdr(buf, FRAME_PACKET, 1000);
	for (i = 0; i < 1000; i++)
		buf[FRAME_HDR_LEN + i] = (uint8_t)(i * 7);
	raw_write(f, buf, 5); /* part of the header */
	run_a_little(f);
	assert_int_equal(f->a.packets, 0);
	raw_write(f, buf + 5, 500); /* the rest of it, part of the payload */
	run_a_little(f);
	assert_int_equal(f->a.packets, 0);
	assert_int_equal(f->a.batches, 0);
	raw_write(f, buf + 505, sizeof(buf) - 505 - 3);
	run_a_little(f);
	assert_int_equal(f->a.packets, 0); /* three bytes short */
	raw_write(f, buf + sizeof(buf) - 3, 3);
	run_a_little(f);
	assert_int_equal(f->a.packets, 1);
	assert_int_equal(f->a.batches, 1);
	assert_int_equal(f->a.last_len, 1000);
	assert_memory_equal(f->a.last, buf + FRAME_HDR_LEN, 1000);
	assert_true(link_is_up(&f->a.l));
}

/* A link that announced FRAME_CAP_OFFLOAD takes OFFLOAD frames from the
 * raw peer, and PACKET frames as before, without a header */
static void offload_frame_delivered(void **state)
{
	struct fix *f = *state;
	const uint8_t oh[FRAME_OFFLOAD_LEN] = {
		FRAME_GSO_TCP, FRAME_OFFLOAD_CSUM_PARTIAL, 0x05, 0xa8};

	f->a_caps = FRAME_CAP_OFFLOAD;
	raw_up(f);
	assert_false(link_peer_offload(&f->a.l)); /* the raw peer did not */
	raw_offload(f, oh, sizeof(oh), "segments", 8);
	run_a_little(f);
	assert_int_equal(f->a.packets, 1);
	assert_true(f->a.last_has_off);
	assert_int_equal(f->a.last_off.gso_type, FRAME_GSO_TCP);
	assert_int_equal(f->a.last_off.flags, FRAME_OFFLOAD_CSUM_PARTIAL);
	assert_int_equal(f->a.last_off.gso_size, 1448);
	assert_int_equal(f->a.last_len, 8);
	assert_memory_equal(f->a.last, "segments", 8);

	/* a PACKET: no offload header */
	raw_frame(f, REMORA_PROTO_VERSION, FRAME_PACKET, "plain", 5);
	run_a_little(f);
	assert_int_equal(f->a.packets, 2);
	assert_int_equal(f->a.offloads, 1);
	assert_false(f->a.last_has_off);
	assert_int_equal(f->a.last_len, 5);
	assert_memory_equal(f->a.last, "plain", 5);
	assert_int_equal(stats.c[STAT_L2I_PACKETS], 2);
	assert_int_equal(stats.c[STAT_L2I_BYTES], 13);
	assert_true(link_is_up(&f->a.l));
}

/* What the link sends a peer that announced FRAME_CAP_OFFLOAD: the
 * offload header, big-endian, then the packet */
static void offload_frame_on_the_wire(void **state)
{
	struct fix *f = *state;
	const struct frame_offload tso = {FRAME_GSO_TCP,
					  FRAME_OFFLOAD_CSUM_PARTIAL, 1448};
	const uint8_t want[] = {1, 1, 0x05, 0xa8, 'p', 'k', 't'};
	const uint8_t *p;

	raw_start(f, FRAME_ROLE_HOST, KA_LONG, TIMEOUT_LONG);
	raw_hello_caps(f, REMORA_PROTO_VERSION, FRAME_ROLE_ENCLAVE,
		       FRAME_CAP_OFFLOAD | 0x80000000U); /* unknown bits too */
	assert_true(run_until(f, a_up));
	assert_true(link_peer_offload(&f->a.l));
	assert_int_equal(
		link_send_offload(&f->a.l, &tso, (const uint8_t *)"pkt", 3), 0);
	link_flush(&f->a.l);
	raw_drain(f);
	assert_int_equal(raw_find(f, FRAME_OFFLOAD, &p), sizeof(want));
	assert_memory_equal(p, want, sizeof(want));
	assert_int_equal(stats.c[STAT_Q2L_SENT_PACKETS], 1);
	assert_int_equal(stats.c[STAT_Q2L_SENT_BYTES], 3);
}

/* An OFFLOAD frame to a link that never announced the capability breaks
 * the protocol: BYE code 3 */
static void offload_without_capability_protocol_error(void **state)
{
	struct fix *f = *state;
	const uint8_t oh[FRAME_OFFLOAD_LEN] = {FRAME_GSO_NONE, 0, 0, 0};
	struct frame_bye bye;

	raw_up(f);
	raw_offload(f, oh, sizeof(oh), "pkt", 3);
	assert_true(run_until(f, a_down));
	assert_int_equal(stats.c[STAT_LINK_PROTOCOL_ERRORS], 1);
	assert_int_equal(stats.c[STAT_L2I_PACKETS], 0);
	assert_int_equal(f->a.packets, 0);
	assert_int_equal(raw_bye_code(f, &bye), FRAME_BYE_PROTOCOL);
	assert_string_equal(bye.text, "offload frame without the capability");
}

/* A malformed offload header costs its packet, not the link */
static void malformed_offload_header_dropped(void **state)
{
	struct fix *f = *state;
	static const struct {
		uint8_t oh[FRAME_OFFLOAD_LEN];
		size_t len;
	} bad[] = {
		{{0}, 0},				/* no header */
		{{FRAME_GSO_TCP}, 1},			/* cut short */
		{{FRAME_GSO_TCP, 0, 0x05}, 3},		/* cut short */
		{{3, 0, 0x05, 0xa8}, 4},		/* unknown gso type */
		{{0xff, 0, 0x05, 0xa8}, 4},		/* unknown gso type */
		{{FRAME_GSO_TCP, 0x02, 0x05, 0xa8}, 4}, /* reserved flag */
		{{FRAME_GSO_NONE, 0x80, 0, 0}, 4},	/* reserved flag */
		{{FRAME_GSO_NONE, 0, 0, 1}, 4},		/* size without gso */
		{{FRAME_GSO_TCP, 0, 0, 0}, 4},		/* gso without size */
		{{FRAME_GSO_UDP, 1, 0, 0}, 4},		/* gso without size */
	};
	const size_t nbad = sizeof(bad) / sizeof(bad[0]);
	size_t i;

	f->a_caps = FRAME_CAP_OFFLOAD;
	raw_up(f);
	/* a header cut short ends the frame: nothing follows it */
	for (i = 0; i < nbad; i++)
		raw_offload(f, bad[i].oh, bad[i].len, "dropped",
			    bad[i].len < FRAME_OFFLOAD_LEN ? 0 : 7);
	raw_frame(f, REMORA_PROTO_VERSION, FRAME_PACKET, "after", 5);
	run_a_little(f);
	assert_true(link_is_up(&f->a.l));
	assert_int_equal(stats.c[STAT_LINK_PROTOCOL_ERRORS], 0);
	assert_int_equal(stats.c[STAT_L2I_DROP_OFFLOAD], nbad);
	/* each was a packet from the peer, dropped */
	assert_int_equal(stats.c[STAT_L2I_PACKETS], nbad + 1);
	/* the frame after them is read in step */
	assert_int_equal(f->a.packets, 1);
	assert_int_equal(f->a.offloads, 0);
	assert_int_equal(f->a.last_len, 5);
	assert_memory_equal(f->a.last, "after", 5);
}

/* An OFFLOAD frame may be 4 bytes longer than a PACKET, no more */
static void oversized_offload_frame_protocol_error(void **state)
{
	struct fix *f = *state;
	struct frame_bye bye;

	f->a_caps = FRAME_CAP_OFFLOAD;
	raw_oversized(f, FRAME_OFFLOAD, FRAME_OFFLOAD_MAX_PAYLOAD + 1, &bye);
	assert_string_equal(bye.text, "frame length over the limit");
}

/* The raw peer says BYE with @code; Return: STAT_LINK_REFUSED after */
static uint64_t peer_bye(struct fix *f, uint32_t code)
{
	const uint8_t *p;
	uint8_t buf[64];
	size_t n;

	raw_up(f);
	n = frame_encode_bye(buf, sizeof(buf), code, "reason");
	raw_write(f, buf, n);
	assert_true(run_until(f, a_down));
	assert_int_equal(stats.c[STAT_LINK_PROTOCOL_ERRORS], 0);
	assert_int_equal(stats.c[STAT_LINK_DOWN], 1);
	assert_int_equal(f->a.downs, 1);
	/* nothing is sent back after a peer's BYE */
	raw_drain(f);
	assert_true(f->raw_eof);
	assert_int_equal(raw_find(f, FRAME_BYE, &p), -1);
	return stats.c[STAT_LINK_REFUSED];
}

static void peer_bye_version_is_refusal(void **state)
{
	assert_int_equal(peer_bye(*state, FRAME_BYE_VERSION), 1);
}

static void peer_bye_role_is_refusal(void **state)
{
	assert_int_equal(peer_bye(*state, FRAME_BYE_ROLE), 1);
}

static void peer_bye_shutdown_is_not_refusal(void **state)
{
	assert_int_equal(peer_bye(*state, FRAME_BYE_SHUTDOWN), 0);
}

static void short_bye_protocol_error(void **state)
{
	struct fix *f = *state;

	raw_up(f);
	raw_frame(f, REMORA_PROTO_VERSION, FRAME_BYE, "\0\0\0", 3);
	assert_true(run_until(f, a_down));
	assert_int_equal(stats.c[STAT_LINK_PROTOCOL_ERRORS], 1);
}

static void peer_hangup(void **state)
{
	struct fix *f = *state;

	raw_up(f);
	close(f->fd[1]);
	f->fd[1] = -1;
	assert_true(run_until(f, a_down));
	assert_int_equal(f->a.downs, 1);
	assert_int_equal(stats.c[STAT_LINK_DOWN], 1);
	assert_int_equal(stats.c[STAT_LINK_PROTOCOL_ERRORS], 0);
	assert_int_equal(stats.c[STAT_LINK_TIMEOUTS], 0);
}

/* Time how long a silent raw peer takes to be given up */
static double time_to_timeout(struct fix *f, int send_hello)
{
	double t0, t;

	ev_now_update(f->loop);
	t0 = now_s();
	raw_start(f, FRAME_ROLE_HOST, 0.1, 0.2);
	if (send_hello) {
		raw_hello(f, REMORA_PROTO_VERSION, FRAME_ROLE_ENCLAVE);
		assert_true(run_until(f, a_up));
	}
	while (f->a.l.state != LINK_DOWN && now_s() - t0 < WAIT_MAX)
		ev_run(f->loop, EVRUN_ONCE);
	t = now_s() - t0;
	assert_int_equal(f->a.l.state, LINK_DOWN);
	return t;
}

static void peer_timeout_after_hello(void **state)
{
	struct fix *f = *state;
	struct frame_bye bye;
	const uint8_t *p;
	double t = time_to_timeout(f, 1);

	assert_true(t >= 0.19);
	assert_true(t <= 1.0);
	assert_int_equal(stats.c[STAT_LINK_TIMEOUTS], 1);
	assert_int_equal(stats.c[STAT_LINK_UP], 1);
	assert_int_equal(f->a.ups, 1);
	assert_int_equal(f->a.downs, 1);
	assert_int_equal(raw_bye_code(f, &bye), FRAME_BYE_TIMEOUT);
	/* it sent keepalives while it waited */
	assert_int_equal(raw_find(f, FRAME_KEEPALIVE, &p), 0);
}

static void peer_timeout_without_hello(void **state)
{
	struct fix *f = *state;
	struct frame_bye bye;
	double t = time_to_timeout(f, 0);

	assert_true(t >= 0.19);
	assert_true(t <= 1.0);
	assert_int_equal(stats.c[STAT_LINK_TIMEOUTS], 1);
	assert_int_equal(stats.c[STAT_LINK_UP], 0);
	assert_int_equal(raw_bye_code(f, &bye), FRAME_BYE_TIMEOUT);
	assert_non_null(strstr(bye.text, "no hello"));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(handshake_and_packets),
		T(same_role_refused),
		T(same_role_enclave_refused_bye_role),
		T(unknown_role_refused),
		T(peer_bye_closes),
		T(keepalive_keeps_link_up),
		T(read_max_bounds_each_turn),
		T(send_queue_full),
		T(queued_packets_dropped_on_close),
		T(offload_needs_the_peers_capability),
		T(handover_caps_and_offload),
		T(bad_magic_protocol_error),
		T(bad_magic_after_handshake),
		T(oversized_frame_protocol_error),
		T(version_2_refused),
		T(version_2_payload_only_refused),
		T(packet_before_hello),
		T(keepalive_before_hello),
		T(short_hello_protocol_error),
		T(second_hello_protocol_error),
		T(version_change_mid_link),
		T(unknown_frame_skipped),
		T(many_frames_one_batch),
		T(frame_split_across_reads),
		T(offload_frame_delivered),
		T(offload_frame_on_the_wire),
		T(offload_without_capability_protocol_error),
		T(malformed_offload_header_dropped),
		T(oversized_offload_frame_protocol_error),
		T(peer_bye_version_is_refusal),
		T(peer_bye_role_is_refusal),
		T(peer_bye_shutdown_is_not_refusal),
		T(short_bye_protocol_error),
		T(peer_hangup),
		T(peer_timeout_after_hello),
		T(peer_timeout_without_hello),
	};

	/* errors the link logs are expected here: keep warnings quiet */
	log_init("test_link", LOG_LVL_ERR);
	return cmocka_run_group_tests_name("link", tests, NULL, NULL);
}
