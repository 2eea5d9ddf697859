// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of the decision on packets that do not fit (fit.c):
 * the decision table, row by row, with sources that count how often they
 * are asked; and fit_apply(): the pieces, the fallbacks, the refusals, and
 * the packets it leaves alone (FIT_OFFLOAD: the peer or the tun's kernel
 * finishes them) */

#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "remora/fit.h"
#include "remora/gso.h"
#include "testpkt.h"

/* What the sources answer, and how often they were asked */
static size_t seg_answer, mtu_answer;
static int seg_asked, mtu_asked;

static size_t seg_src(void *ctx, const struct pkt_info *pi)
{
	(void)ctx;
	(void)pi;
	seg_asked++;
	return seg_answer;
}

static size_t mtu_src(void *ctx, const struct pkt_info *pi)
{
	(void)ctx;
	(void)pi;
	mtu_asked++;
	return mtu_answer;
}

/* The three places remora decides: remora-enclave's queue (its own
 * packets), remora-enclave's link (the host's, into lo of MTU 9001) and
 * remora-host's injection (the enclave's, refused by a route) and queue */
static const struct fit_env enclave_queue = {
	.flags = FIT_SOURCE, .seg_size = seg_src, .path_mtu = mtu_src};
static const struct fit_env enclave_link = {.flags = FIT_PEER, .mtu = 9001};
static const struct fit_env host_link = {.flags = FIT_PEER,
					 .path_mtu = mtu_src};
static const struct fit_env host_queue = {.flags = FIT_SOURCE};
/* remora-enclave's queue when the host takes aggregates whole (OFFLOAD
 * frames); remora-host's tun, and its raw socket for what the tun does
 * not take (the enclave's super-packets, at their offload header's size) */
static const struct fit_env enclave_queue_cuts = {.flags = FIT_SOURCE |
							   FIT_PEER_CUTS,
						  .seg_size = seg_src,
						  .path_mtu = mtu_src};
static const struct fit_env host_tun = {.flags = FIT_PEER | FIT_FORWARD,
					.seg_size = seg_src,
					.path_mtu = mtu_src};
static const struct fit_env host_raw = {
	.flags = FIT_PEER, .seg_size = seg_src, .path_mtu = mtu_src};

/**
 * struct row - one row of the decision table
 * @name:	what it is about
 * @env:	where
 * @version:	4 or 6
 * @proto:	IP protocol
 * @len:	packet length
 * @df:		IPv4 don't-fragment flag
 * @ext:	IPv6 extension headers (hlen beyond 40)
 * @flags:	FIT_AGGREGATE, FIT_REFUSED...
 * @seg:	what the segment size source answers
 * @mtu:	what the path MTU source answers
 * @how:	the decision
 * @size:	its size
 * @fallback:	its fallback
 * @seg_asked:	the segment size source is asked (0 or 1)
 * @mtu_asked:	the path MTU source is asked (0 or 1)
 */
struct row {
	const char *name;
	const struct fit_env *env;
	uint8_t version, proto;
	size_t len;
	int df, ext;
	unsigned flags;
	size_t seg, mtu;
	enum fit_how how;
	size_t size;
	enum fit_how fallback;
	int seg_asked, mtu_asked;
};

#define TCP  IPPROTO_TCP
#define UDP  IPPROTO_UDP
#define ICMP IPPROTO_ICMP
#define AGG  FIT_AGGREGATE
#define REF  FIT_REFUSED
#define PART FIT_CSUM_PART

static const struct row rows[] = {
	/* remora-enclave's queue: its own packets */
	{"small TCP", &enclave_queue, 4, TCP, 1500, 1, 0, 0, 0, 0, FIT_WHOLE, 0,
	 FIT_WHOLE, 0, 0},
	{"TCP aggregate, MSS 1448", &enclave_queue, 4, TCP, 30052, 1, 0, AGG,
	 1448, 0, FIT_SEGMENT, 20 + 32 + 1448, FIT_KERNEL, 1, 0},
	{"TCP aggregate within one segment", &enclave_queue, 4, TCP, 1000, 1, 0,
	 AGG, 1448, 0, FIT_WHOLE, 0, FIT_WHOLE, 1, 0},
	{"TCP aggregate, MSS unknown", &enclave_queue, 4, TCP, 30052, 1, 0, AGG,
	 0, 0, FIT_KERNEL, 0, FIT_KERNEL, 1, 0},
	{"UDP aggregate (UDP GSO)", &enclave_queue, 4, UDP, 30000, 0, 0, AGG,
	 1448, 0, FIT_KERNEL, 0, FIT_KERNEL, 0, 0},
	{"IPv6 TCP aggregate", &enclave_queue, 6, TCP, 30072, 0, 0, AGG, 1428,
	 0, FIT_SEGMENT, 40 + 32 + 1428, FIT_KERNEL, 1, 0},
	{"IPv6 TCP aggregate with extension headers", &enclave_queue, 6, TCP,
	 30080, 0, 8, AGG, 1428, 0, FIT_KERNEL, 0, FIT_KERNEL, 0, 0},
	{"IPv6 UDP over its path MTU", &enclave_queue, 6, UDP, 4000, 0, 0, 0, 0,
	 1400, FIT_FRAGMENT, 1400, FIT_WHOLE, 0, 1},
	{"IPv6 UDP within its path MTU", &enclave_queue, 6, UDP, 1400, 0, 0, 0,
	 0, 1500, FIT_WHOLE, 0, FIT_WHOLE, 0, 1},
	{"IPv6 UDP path MTU unknown", &enclave_queue, 6, UDP, 4000, 0, 0, 0, 0,
	 0, FIT_WHOLE, 0, FIT_WHOLE, 0, 1},
	{"IPv6 UDP of 1280: no lookup", &enclave_queue, 6, UDP, 1280, 0, 0, 0,
	 0, 1000, FIT_WHOLE, 0, FIT_WHOLE, 0, 0},
	{"IPv6 TCP: sized by its path already", &enclave_queue, 6, TCP, 4000, 0,
	 0, 0, 0, 1400, FIT_WHOLE, 0, FIT_WHOLE, 0, 0},
	{"IPv4 UDP: the kernel fragmented it before the hook", &enclave_queue,
	 4, UDP, 4000, 0, 0, 0, 0, 1400, FIT_WHOLE, 0, FIT_WHOLE, 0, 0},
	/* remora-enclave's link: the host's packets into lo */
	{"within lo", &enclave_link, 4, TCP, 9001, 1, 0, 0, 0, 0, FIT_WHOLE, 0,
	 FIT_WHOLE, 0, 0},
	{"TCP over lo", &enclave_link, 4, TCP, 65000, 1, 0, 0, 0, 0,
	 FIT_SEGMENT, 9001, FIT_WHOLE, 0, 0},
	{"IPv6 TCP over lo", &enclave_link, 6, TCP, 65000, 0, 0, 0, 0, 0,
	 FIT_SEGMENT, 9001, FIT_WHOLE, 0, 0},
	{"UDP over lo, no DF (reassembled by the host)", &enclave_link, 4, UDP,
	 20000, 0, 0, 0, 0, 0, FIT_FRAGMENT, 9001, FIT_WHOLE, 0, 0},
	{"UDP over lo with DF", &enclave_link, 4, UDP, 20000, 1, 0, 0, 0, 0,
	 FIT_WHOLE, 0, FIT_WHOLE, 0, 0},
	{"IPv6 UDP over lo", &enclave_link, 6, UDP, 20000, 0, 0, 0, 0, 0,
	 FIT_FRAGMENT, 9001, FIT_WHOLE, 0, 0},
	/* remora-host: the enclave's packets, refused by their route */
	{"fits: never asked", &host_link, 4, UDP, 4000, 0, 0, 0, 0, 1500,
	 FIT_WHOLE, 0, FIT_WHOLE, 0, 0},
	{"refused, no DF", &host_link, 4, UDP, 4000, 0, 0, REF, 0, 1400,
	 FIT_FRAGMENT, 1400, FIT_DROP, 0, 1},
	{"refused, DF", &host_link, 4, TCP, 4000, 1, 0, REF, 0, 1400,
	 FIT_ANSWER, 1400, FIT_DROP, 0, 1},
	{"refused, IPv6", &host_link, 6, UDP, 4000, 0, 0, REF, 0, 1400,
	 FIT_ANSWER, 1400, FIT_DROP, 0, 1},
	{"refused, route MTU unknown", &host_link, 4, UDP, 4000, 0, 0, REF, 0,
	 0, FIT_DROP, 0, FIT_DROP, 0, 1},
	{"refused, yet it fits the MTU", &host_link, 4, ICMP, 1400, 1, 0, REF,
	 0, 1500, FIT_DROP, 0, FIT_DROP, 0, 1},
	/* remora-host's queue: aggregates cross whole */
	{"host: TCP aggregate", &host_queue, 4, TCP, 60000, 1, 0, AGG, 0, 0,
	 FIT_WHOLE, 0, FIT_WHOLE, 0, 0},
	{"host: UDP aggregate", &host_queue, 6, UDP, 60000, 0, 0, AGG, 0, 0,
	 FIT_WHOLE, 0, FIT_WHOLE, 0, 0},
	/* remora-enclave's queue, the host cutting: aggregates go whole with
	 * their segment size, checksums left partial */
	{"cuts: TCP aggregate, MSS 1448", &enclave_queue_cuts, 4, TCP, 30052, 1,
	 0, AGG, 1448, 0, FIT_OFFLOAD, 1448, FIT_KERNEL, 1, 0},
	{"cuts: TCP aggregate, MSS 1448, partial", &enclave_queue_cuts, 4, TCP,
	 30052, 1, 0, AGG | PART, 1448, 0, FIT_OFFLOAD, 1448, FIT_KERNEL, 1, 0},
	{"cuts: IPv6 TCP aggregate", &enclave_queue_cuts, 6, TCP, 30072, 0, 0,
	 AGG | PART, 1428, 0, FIT_OFFLOAD, 1428, FIT_KERNEL, 1, 0},
	{"cuts: aggregate within one segment, partial", &enclave_queue_cuts, 4,
	 TCP, 1000, 1, 0, AGG | PART, 1448, 0, FIT_OFFLOAD, 0, FIT_WHOLE, 1, 0},
	{"cuts: aggregate of exactly one segment, partial", &enclave_queue_cuts,
	 4, TCP, 20 + 32 + 1448, 1, 0, AGG | PART, 1448, 0, FIT_OFFLOAD, 0,
	 FIT_WHOLE, 1, 0},
	{"cuts: aggregate one byte over one segment", &enclave_queue_cuts, 4,
	 TCP, 20 + 32 + 1449, 1, 0, AGG | PART, 1448, 0, FIT_OFFLOAD, 1448,
	 FIT_KERNEL, 1, 0},
	{"cuts: aggregate within one segment, checksum done",
	 &enclave_queue_cuts, 4, TCP, 1000, 1, 0, AGG, 1448, 0, FIT_WHOLE, 0,
	 FIT_WHOLE, 1, 0},
	{"cuts: TCP aggregate, MSS unknown", &enclave_queue_cuts, 4, TCP, 30052,
	 1, 0, AGG | PART, 0, 0, FIT_KERNEL, 0, FIT_KERNEL, 1, 0},
	{"cuts: UDP aggregate", &enclave_queue_cuts, 4, UDP, 30000, 0, 0,
	 AGG | PART, 1448, 0, FIT_KERNEL, 0, FIT_KERNEL, 0, 0},
	{"cuts: IPv6 UDP aggregate", &enclave_queue_cuts, 6, UDP, 30000, 0, 0,
	 AGG | PART, 1448, 0, FIT_KERNEL, 0, FIT_KERNEL, 0, 0},
	{"cuts: one packet, partial", &enclave_queue_cuts, 4, UDP, 500, 0, 0,
	 PART, 0, 0, FIT_OFFLOAD, 0, FIT_WHOLE, 0, 0},
	{"cuts: one packet, checksum done", &enclave_queue_cuts, 4, TCP, 500, 1,
	 0, 0, 0, 0, FIT_WHOLE, 0, FIT_WHOLE, 0, 0},
	{"cuts: IPv6 UDP over its path MTU, partial", &enclave_queue_cuts, 6,
	 UDP, 4000, 0, 0, PART, 0, 1400, FIT_FRAGMENT, 1400, FIT_WHOLE, 0, 1},
	/* remora-host's tun: the path MTU, checked against a segment */
	{"tun: fits its path", &host_tun, 4, TCP, 1500, 1, 0, 0, 0, 1500,
	 FIT_OFFLOAD, 0, FIT_DROP, 0, 1},
	{"tun: over its path, DF", &host_tun, 4, TCP, 1501, 1, 0, 0, 0, 1500,
	 FIT_ANSWER, 1500, FIT_DROP, 0, 1},
	{"tun: over its path, no DF: the kernel fragments", &host_tun, 4, UDP,
	 4000, 0, 0, 0, 0, 1500, FIT_OFFLOAD, 0, FIT_DROP, 0, 1},
	{"tun: IPv6 over its path", &host_tun, 6, UDP, 1501, 0, 0, 0, 0, 1500,
	 FIT_ANSWER, 1500, FIT_DROP, 0, 1},
	{"tun: IPv6 fits its path", &host_tun, 6, UDP, 1500, 0, 0, 0, 0, 1500,
	 FIT_OFFLOAD, 0, FIT_DROP, 0, 1},
	{"tun: no route", &host_tun, 4, TCP, 100, 1, 0, 0, 0, 0, FIT_DROP, 0,
	 FIT_DROP, 0, 1},
	{"tun: one packet: the segment size is not asked", &host_tun, 4, TCP,
	 1400, 1, 0, 0, 9000, 1500, FIT_OFFLOAD, 0, FIT_DROP, 0, 1},
	{"tun: aggregate, segments of its path MTU", &host_tun, 4, TCP, 60052,
	 1, 0, AGG, 1448, 1500, FIT_OFFLOAD, 0, FIT_DROP, 1, 1},
	{"tun: aggregate, segments a byte over, DF", &host_tun, 4, TCP, 60052,
	 1, 0, AGG, 1449, 1500, FIT_ANSWER, 1500, FIT_DROP, 1, 1},
	{"tun: aggregate, segments over, no DF", &host_tun, 4, TCP, 60052, 0, 0,
	 AGG, 1449, 1500, FIT_OFFLOAD, 0, FIT_DROP, 1, 1},
	{"tun: IPv6 aggregate, segments of its path MTU", &host_tun, 6, TCP,
	 60072, 0, 0, AGG, 1428, 1500, FIT_OFFLOAD, 0, FIT_DROP, 1, 1},
	{"tun: IPv6 aggregate, segments a byte over", &host_tun, 6, TCP, 60072,
	 0, 0, AGG, 1429, 1500, FIT_ANSWER, 1500, FIT_DROP, 1, 1},
	{"tun: aggregate, no route", &host_tun, 4, TCP, 60052, 1, 0, AGG, 1448,
	 0, FIT_DROP, 0, FIT_DROP, 1, 1},
	/* remora-host's raw socket: the enclave's super-packet, cut at its
	 * offload header's segment size */
	{"raw: super-packet, partial", &host_raw, 4, TCP, 30052, 1, 0,
	 AGG | PART, 1448, 0, FIT_SEGMENT, 20 + 32 + 1448, FIT_KERNEL, 1, 0},
	{"raw: super-packet within one segment, partial", &host_raw, 4, TCP,
	 1000, 1, 0, AGG | PART, 1448, 0, FIT_WHOLE, 0, FIT_WHOLE, 1, 0},
};

static void fit_table(void **state)
{
	struct fit_plan plan;
	struct pkt_info pi;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];

		memset(&pi, 0, sizeof(pi));
		pi.version = r->version;
		pi.proto = r->proto;
		pi.len = (uint32_t)r->len;
		pi.df = (uint8_t)r->df;
		pi.hlen = (r->version == 6 ? 40 : 20) + (uint32_t)r->ext;
		pi.thlen = r->proto == TCP ? 32 : 0;
		seg_answer = r->seg;
		mtu_answer = r->mtu;
		seg_asked = mtu_asked = 0;
		plan = fit_decide(r->env, &pi, r->flags);
		if (plan.how != r->how || plan.size != r->size ||
		    plan.fallback != r->fallback || seg_asked != r->seg_asked ||
		    mtu_asked != r->mtu_asked)
			fail_msg(
				"row '%s': got %s %zu (fallback %s), sources "
				"asked %d/%d; want %s %zu (fallback %s), %d/%d",
				r->name, fit_how_str(plan.how), plan.size,
				fit_how_str(plan.fallback), seg_asked,
				mtu_asked, fit_how_str(r->how), r->size,
				fit_how_str(r->fallback), r->seg_asked,
				r->mtu_asked);
	}
}

static uint8_t pkt[65536], buf[PIECES_BUF_MAX];

/* @out, emptied, over @cap bytes of buf */
static struct pieces *fresh(struct pieces *out, size_t cap)
{
	pieces_init(out, buf, cap);
	return out;
}

/* An IPv4 TCP packet (198.18.0.2:443 -> 198.18.0.1:40000, DF) of @data
 * bytes (32-byte header), checksums right; parsed into @pi */
static size_t make_tcp(size_t data, uint8_t flags, struct pkt_info *pi)
{
	size_t len = 52 + data;

	tp_ip4(pkt,
	       &(struct tp_ip4){.src = "198.18.0.2",
				.dst = "198.18.0.1",
				.proto = 6,
				.frag = TP_DF},
	       32 + data);
	tp_tcp(pkt + 20, &(struct tp_tcp){.sport = 443,
					  .dport = 40000,
					  .flags = flags,
					  .optlen = 12});
	tp_pattern(pkt + 52, 0, data, 7, 3);
	assert_int_equal(gso_fill_l4_csum(pkt, len), 0);
	assert_int_equal(pkt_parse(pkt, len, pi), PKT_OK);
	return len;
}

/* The host's super-packet into lo: segments; with a wrong checksum, or
 * SYN, refused with the reason */
static void fit_apply_segment_from_peer(void **state)
{
	struct fit_env env = enclave_link;
	struct pieces out;
	enum pkt_verdict why;
	struct fit_plan plan;
	struct pkt_info pi;

	(void)state;
	make_tcp(30000, 0x18, &pi);
	plan = fit_decide(&env, &pi, 0);
	assert_int_equal(fit_apply(&env, &plan, pkt, &pi, 0,
				   fresh(&out, sizeof(buf)), &why),
			 FIT_SEGMENT);
	assert_int_equal(out.n, 4); /* 8949 bytes of data per 9001 */
	pkt[100] ^= 1;
	assert_int_equal(fit_apply(&env, &plan, pkt, &pi, 0,
				   fresh(&out, sizeof(buf)), &why),
			 FIT_REFUSE);
	assert_int_equal(why, PKT_L4_CHECKSUM);
	make_tcp(30000, 0x02, &pi);
	assert_int_equal(fit_apply(&env, &plan, pkt, &pi, 0,
				   fresh(&out, sizeof(buf)), &why),
			 FIT_REFUSE);
	assert_int_equal(why, PKT_TCP_FLAGS);
}

/* The enclave's own aggregate: cut without verifying (its checksum is
 * still the kernel's to compute); one with URG goes back to the kernel,
 * and one too many pieces for FIT_MAX_PIECES too */
static void fit_apply_segment_at_source(void **state)
{
	struct fit_env env = enclave_queue;
	struct pieces out;
	enum pkt_verdict why;
	struct fit_plan plan;
	struct pkt_info pi;

	(void)state;
	make_tcp(30000, 0x10, &pi);
	pkt[36] ^= 0xff; /* a partial checksum: not one that verifies */
	seg_answer = 1448;
	plan = fit_decide(&env, &pi, FIT_AGGREGATE | FIT_CSUM_PART);
	assert_int_equal(plan.how, FIT_SEGMENT);
	assert_int_equal(fit_apply(&env, &plan, pkt, &pi,
				   FIT_AGGREGATE | FIT_CSUM_PART,
				   fresh(&out, sizeof(buf)), &why),
			 FIT_SEGMENT);
	assert_int_equal(out.n, 21);
	make_tcp(30000, 0x30, &pi);
	assert_int_equal(fit_apply(&env, &plan, pkt, &pi, FIT_AGGREGATE,
				   fresh(&out, sizeof(buf)), &why),
			 FIT_KERNEL);
	make_tcp(60000, 0x10, &pi);
	seg_answer = 100;
	plan = fit_decide(&env, &pi, FIT_AGGREGATE);
	assert_int_equal(fit_apply(&env, &plan, pkt, &pi, FIT_AGGREGATE,
				   fresh(&out, sizeof(buf)), &why),
			 FIT_KERNEL);
	assert_int_equal(out.n, 0);
}

/* Whole, with the checksum the kernel left undone: computed */
static void fit_apply_whole_completes_checksum(void **state)
{
	struct fit_env env = host_queue;
	struct pieces out;
	enum pkt_verdict why;
	struct fit_plan plan;
	struct pkt_info pi;
	size_t len = make_tcp(3000, 0x10, &pi);

	(void)state;
	pkt[36] = pkt[37] = 0;
	plan = fit_decide(&env, &pi, FIT_AGGREGATE | FIT_CSUM_PART);
	assert_int_equal(fit_apply(&env, &plan, pkt, &pi,
				   FIT_AGGREGATE | FIT_CSUM_PART,
				   fresh(&out, sizeof(buf)), &why),
			 FIT_WHOLE);
	assert_true(ref_l4_ok(pkt, len, 20, 6));
}

/* Refused by its route: fragments without DF, an answer with it, whose
 * destination is the packet's source */
static void fit_apply_refused(void **state)
{
	struct fit_env env = host_link;
	struct pieces out;
	enum pkt_verdict why;
	struct fit_plan plan;
	struct pkt_info pi, ai;

	(void)state;
	make_tcp(3000, 0x10, &pi);
	mtu_answer = 1400;
	plan = fit_decide(&env, &pi, FIT_REFUSED);
	assert_int_equal(fit_apply(&env, &plan, pkt, &pi, FIT_REFUSED,
				   fresh(&out, sizeof(buf)), &why),
			 FIT_ANSWER);
	assert_int_equal(out.n, 1);
	assert_int_equal(pkt_parse(out.p[0], out.len[0], &ai), PKT_OK);
	assert_int_equal(ai.icmp_type, 3);
	assert_int_equal(ai.icmp_code, 4);
	assert_int_equal(ai.dst, pi.src);
	pkt[6] = 0; /* no DF */
	ref_ip4_fill(pkt);
	assert_int_equal(pkt_parse(pkt, pi.len, &pi), PKT_OK);
	plan = fit_decide(&env, &pi, FIT_REFUSED);
	assert_int_equal(fit_apply(&env, &plan, pkt, &pi, FIT_REFUSED,
				   fresh(&out, sizeof(buf)), &why),
			 FIT_FRAGMENT);
	assert_int_equal(out.n, 3);
	/* no room for the pieces: the fallback, a drop */
	assert_int_equal(fit_apply(&env, &plan, pkt, &pi, FIT_REFUSED,
				   fresh(&out, 1000), &why),
			 FIT_DROP);
}

/* An IPv6 TCP packet (2001:db8::2 -> 2001:db8:9::1, 20-byte header) of
 * @data bytes, flags ACK, checksum right; parsed into @pi */
static size_t make_tcp6(size_t data, struct pkt_info *pi)
{
	size_t len = 60 + data;

	tp_ip6(pkt, "2001:db8::2", "2001:db8:9::1", 6, 20 + data);
	tp_tcp(pkt + 40,
	       &(struct tp_tcp){.sport = 443, .dport = 40000, .flags = 0x10});
	tp_pattern(pkt + 60, 0, data, 5, 1);
	assert_int_equal(gso_fill_l4_csum(pkt, len), 0);
	assert_int_equal(pkt_parse(pkt, len, pi), PKT_OK);
	return len;
}

static uint8_t before[65536];

/* Into the tun: what fits goes untouched (no pieces, not a byte changed,
 * not even a partial checksum completed); segments over the path MTU
 * with DF are answered with it, to the packet's source; without a route,
 * dropped */
static void fit_apply_forward(void **state)
{
	struct fit_env env = host_tun;
	struct pieces out;
	enum pkt_verdict why;
	struct fit_plan plan;
	struct pkt_info pi, ai;
	size_t len = make_tcp(30000, 0x10, &pi);

	(void)state;
	ref_l4_partial(pkt, len, 20, 6, 16);
	memcpy(before, pkt, len);
	seg_answer = 1448;
	mtu_answer = 1500;
	plan = fit_decide(&env, &pi, FIT_AGGREGATE | FIT_CSUM_PART);
	assert_int_equal(plan.how, FIT_OFFLOAD);
	assert_int_equal(fit_apply(&env, &plan, pkt, &pi,
				   FIT_AGGREGATE | FIT_CSUM_PART,
				   fresh(&out, sizeof(buf)), &why),
			 FIT_OFFLOAD);
	assert_int_equal(out.n, 0);
	assert_int_equal(out.used, 0);
	assert_memory_equal(pkt, before, len);
	/* one packet, its checksum partial: left so too */
	make_tcp(1000, 0x18, &pi);
	pkt[36] ^= 0x55;
	memcpy(before, pkt, pi.len);
	plan = fit_decide(&env, &pi, FIT_CSUM_PART);
	assert_int_equal(fit_apply(&env, &plan, pkt, &pi, FIT_CSUM_PART,
				   fresh(&out, sizeof(buf)), &why),
			 FIT_OFFLOAD);
	assert_memory_equal(pkt, before, pi.len);
	assert_int_equal(out.n, 0);
	/* segments of 1449 bytes of data: 1501-byte packets */
	len = make_tcp(30000, 0x10, &pi);
	seg_answer = 1449;
	plan = fit_decide(&env, &pi, FIT_AGGREGATE);
	assert_int_equal(plan.how, FIT_ANSWER);
	assert_int_equal(fit_apply(&env, &plan, pkt, &pi, FIT_AGGREGATE,
				   fresh(&out, sizeof(buf)), &why),
			 FIT_ANSWER);
	assert_int_equal(out.n, 1);
	assert_int_equal(pkt_parse(out.p[0], out.len[0], &ai), PKT_OK);
	assert_int_equal(ai.icmp_type, 3);
	assert_int_equal(ai.icmp_code, 4);
	assert_int_equal(out.p[0][26] << 8 | out.p[0][27], 1500);
	assert_int_equal(ai.dst, pi.src);
	assert_memory_equal(out.p[0] + 28, pkt, 20 + 32);
	/* no route */
	mtu_answer = 0;
	plan = fit_decide(&env, &pi, FIT_AGGREGATE);
	memcpy(before, pkt, len);
	assert_int_equal(fit_apply(&env, &plan, pkt, &pi, FIT_AGGREGATE,
				   fresh(&out, sizeof(buf)), &why),
			 FIT_DROP);
	assert_int_equal(out.n, 0);
	assert_memory_equal(pkt, before, len);
}

/* IPv6 into the tun, larger than its path: "packet too big" with the MTU */
static void fit_apply_forward6(void **state)
{
	struct fit_env env = host_tun;
	struct pieces out;
	enum pkt_verdict why;
	struct fit_plan plan;
	struct pkt_info pi, ai;

	(void)state;
	make_tcp6(1500, &pi);
	mtu_answer = 1280;
	plan = fit_decide(&env, &pi, 0);
	assert_int_equal(plan.how, FIT_ANSWER);
	assert_int_equal(plan.size, 1280);
	assert_int_equal(fit_apply(&env, &plan, pkt, &pi, 0,
				   fresh(&out, sizeof(buf)), &why),
			 FIT_ANSWER);
	assert_int_equal(out.n, 1);
	assert_int_equal(pkt_parse(out.p[0], out.len[0], &ai), PKT_OK);
	assert_int_equal(ai.proto, IPPROTO_ICMPV6);
	assert_int_equal(ai.icmp_type, 2);
	assert_int_equal(out.p[0][44] << 24 | out.p[0][45] << 16 |
				 out.p[0][46] << 8 | out.p[0][47],
			 1280);
	assert_memory_equal(ai.dst6, pi.src6, 16);
	/* within it: untouched */
	mtu_answer = 1560;
	memcpy(before, pkt, pi.len);
	plan = fit_decide(&env, &pi, 0);
	assert_int_equal(fit_apply(&env, &plan, pkt, &pi, 0,
				   fresh(&out, sizeof(buf)), &why),
			 FIT_OFFLOAD);
	assert_int_equal(out.n, 0);
	assert_memory_equal(pkt, before, pi.len);
}

/* remora-enclave's aggregate for a host that cuts: sent as it is, its
 * partial checksum too */
static void fit_apply_peer_cuts(void **state)
{
	struct fit_env env = enclave_queue_cuts;
	struct pieces out;
	enum pkt_verdict why;
	struct fit_plan plan;
	struct pkt_info pi;
	size_t len = make_tcp(30000, 0x10, &pi);

	(void)state;
	pkt[36] = 0x12; /* partial: the kernel's to compute */
	memcpy(before, pkt, len);
	seg_answer = 1448;
	plan = fit_decide(&env, &pi, FIT_AGGREGATE | FIT_CSUM_PART);
	assert_int_equal(plan.how, FIT_OFFLOAD);
	assert_int_equal(plan.size, 1448);
	assert_int_equal(fit_apply(&env, &plan, pkt, &pi,
				   FIT_AGGREGATE | FIT_CSUM_PART,
				   fresh(&out, sizeof(buf)), &why),
			 FIT_OFFLOAD);
	assert_int_equal(out.n, 0);
	assert_memory_equal(pkt, before, len);
	/* within one segment: one packet, still partial */
	len = make_tcp(1000, 0x18, &pi);
	pkt[36] = 0x12;
	memcpy(before, pkt, len);
	plan = fit_decide(&env, &pi, FIT_AGGREGATE | FIT_CSUM_PART);
	assert_int_equal(plan.how, FIT_OFFLOAD);
	assert_int_equal(plan.size, 0);
	assert_int_equal(fit_apply(&env, &plan, pkt, &pi,
				   FIT_AGGREGATE | FIT_CSUM_PART,
				   fresh(&out, sizeof(buf)), &why),
			 FIT_OFFLOAD);
	assert_memory_equal(pkt, before, len);
}

/* remora-host's raw socket, with a super-packet whose checksum the
 * enclave left partial: cut, every segment's checksum computed (nothing
 * to verify); one whose checksum is said complete and is wrong: refused */
static void fit_apply_raw_partial(void **state)
{
	struct fit_env env = host_raw;
	struct pieces out;
	enum pkt_verdict why;
	struct fit_plan plan;
	struct pkt_info pi;
	size_t len = make_tcp(30000, 0x18, &pi), data = 0;
	uint32_t seq;
	int i;

	(void)state;
	ref_l4_partial(pkt, len, 20, 6, 16);
	assert_false(ref_ip4_l4_ok(pkt, len));
	seg_answer = 1448;
	plan = fit_decide(&env, &pi, FIT_AGGREGATE | FIT_CSUM_PART);
	assert_int_equal(fit_apply(&env, &plan, pkt, &pi,
				   FIT_AGGREGATE | FIT_CSUM_PART,
				   fresh(&out, sizeof(buf)), &why),
			 FIT_SEGMENT);
	assert_int_equal(out.n, (30000 + 1447) / 1448);
	for (i = 0; i < out.n; i++) {
		assert_true(out.len[i] <= 20 + 32 + 1448);
		assert_true(ref_ip4_l4_ok(out.p[i], out.len[i]));
		seq = (uint32_t)out.p[i][24] << 24 |
		      (uint32_t)out.p[i][25] << 16 |
		      (uint32_t)out.p[i][26] << 8 | out.p[i][27];
		assert_int_equal(seq, data);
		assert_memory_equal(out.p[i] + 52, pkt + 52 + data,
				    out.len[i] - 52);
		data += out.len[i] - 52;
	}
	assert_int_equal(data, 30000);
	/* said complete: verified, and refused */
	assert_int_equal(fit_apply(&env, &plan, pkt, &pi, FIT_AGGREGATE,
				   fresh(&out, sizeof(buf)), &why),
			 FIT_REFUSE);
	assert_int_equal(why, PKT_L4_CHECKSUM);
	/* right: cut */
	make_tcp(30000, 0x18, &pi);
	assert_int_equal(fit_apply(&env, &plan, pkt, &pi, FIT_AGGREGATE,
				   fresh(&out, sizeof(buf)), &why),
			 FIT_SEGMENT);
	pkt[3000] ^= 0x20;
	assert_int_equal(fit_apply(&env, &plan, pkt, &pi, FIT_AGGREGATE,
				   fresh(&out, sizeof(buf)), &why),
			 FIT_REFUSE);
	assert_int_equal(why, PKT_L4_CHECKSUM);
	/* within one segment, partial: completed whole */
	len = make_tcp(1000, 0x18, &pi);
	ref_l4_partial(pkt, len, 20, 6, 16);
	plan = fit_decide(&env, &pi, FIT_AGGREGATE | FIT_CSUM_PART);
	assert_int_equal(fit_apply(&env, &plan, pkt, &pi,
				   FIT_AGGREGATE | FIT_CSUM_PART,
				   fresh(&out, sizeof(buf)), &why),
			 FIT_WHOLE);
	assert_true(ref_ip4_l4_ok(pkt, len));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fit_table),
		cmocka_unit_test(fit_apply_segment_from_peer),
		cmocka_unit_test(fit_apply_segment_at_source),
		cmocka_unit_test(fit_apply_whole_completes_checksum),
		cmocka_unit_test(fit_apply_refused),
		cmocka_unit_test(fit_apply_forward),
		cmocka_unit_test(fit_apply_forward6),
		cmocka_unit_test(fit_apply_peer_cuts),
		cmocka_unit_test(fit_apply_raw_partial),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
