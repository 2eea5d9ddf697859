// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of super-packet handling (gso.c): completing the
 * TCP/UDP checksum, cutting an aggregated TCP packet to an MTU, and the
 * check of the offload header the peer sent with a packet */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "remora/gso.h"
#include "remora/pkt.h"
#include "testpkt.h"

/* @pc, emptied, over @buf (@cap bytes) */
static struct pieces *fresh(struct pieces *pc, uint8_t *buf, size_t cap)
{
	pieces_init(pc, buf, cap);
	return pc;
}

static uint8_t big[65535], out[96 << 10];

/* A TCP/IPv4 packet (198.18.0.2:443 -> 198.18.0.1:40000, DF) of @data
 * bytes of payload, with a 12-byte option, the IP header checksum right
 * and the TCP checksum left undone */
static size_t make_tcp(uint8_t *p, size_t data, uint8_t flags)
{
	tp_ip4(p,
	       &(struct tp_ip4){.src = "198.18.0.2",
				.dst = "198.18.0.1",
				.proto = 6,
				.id = 0x1234,
				.frag = TP_DF},
	       32 + data);
	tp_tcp_ts(p + 20, flags);
	tp_pattern(p + 52, 0, data, 7, 3);
	return 20 + 32 + data;
}

static void test_fill_tcp_checksum(void **state)
{
	size_t len = make_tcp(big, 1001, 0x18);

	(void)state;
	assert_false(ref_ip4_l4_ok(big, len));
	assert_int_equal(gso_fill_l4_csum(big, len), 0);
	assert_true(ref_ip4_l4_ok(big, len));
	/* a partial sum left in the field (as the kernel leaves it) is
	 * replaced, not added to */
	big[36] = 0x12;
	big[37] = 0x34;
	assert_int_equal(gso_fill_l4_csum(big, len), 0);
	assert_true(ref_ip4_l4_ok(big, len));
}

/* Every payload length modulo 4 (the sum reads 32 bits at a time), small
 * and large, with bytes that make carries (all 0xff) and without */
static void test_checksum_every_length(void **state)
{
	static const size_t sizes[] = {65535 - 52, 40000, 9001, 1449};
	unsigned seed = 7;
	size_t data, i, k, len;

	(void)state;
	for (k = 0; k < 2; k++) {
		for (data = 0; data < 80 + 4; data++) {
			size_t d = data < 80 ? data : sizes[data - 80];

			len = make_tcp(big, d, 0x18);
			for (i = 0; i < d; i++) {
				seed = seed * 1103515245u + 12345u;
				big[52 + i] = k ? 0xff : (uint8_t)(seed >> 16);
			}
			assert_int_equal(gso_fill_l4_csum(big, len), 0);
			assert_true(ref_ip4_l4_ok(big, len));
		}
	}
}

static void test_fill_udp_checksum(void **state)
{
	uint8_t p[64] = {0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 17};
	size_t len = 40;

	(void)state;
	memcpy(p + 12, "\xc6\x12\x00\x02\xc6\x12\x00\x01", 8);
	p[20] = 0x00; /* sport 53 */
	p[21] = 53;
	p[22] = 0x9c;
	p[23] = 0x41;
	p[24] = 0;
	p[25] = 20; /* UDP length */
	memcpy(p + 28, "twelve bytes", 12);
	assert_int_equal(gso_fill_l4_csum(p, len), 0);
	assert_true(ref_ip4_l4_ok(p, len));
	assert_false(p[26] == 0 && p[27] == 0);
}

static void test_fill_other_and_short(void **state)
{
	uint8_t icmp[28] = {0x45, 0, 0, 28, 0, 0, 0, 0, 64, 1};
	uint8_t shortp[30] = {0x45, 0, 0, 30, 0, 0, 0, 0, 64, 6};

	(void)state;
	assert_int_equal(gso_fill_l4_csum(icmp, sizeof(icmp)), 0);
	assert_int_equal(gso_fill_l4_csum(shortp, sizeof(shortp)), -1);
}

static void test_segment_to_mtu(void **state)
{
	size_t data = 60000, len = make_tcp(big, data, 0x19);
	size_t total = 0, i;
	struct pieces pc;
	uint8_t joined[65535];
	int n;

	(void)state;
	gso_fill_l4_csum(big, len);
	n = gso_tcp_segment(big, len, 1500, 0, fresh(&pc, out, sizeof(out)));
	/* 1448 bytes of data per 1500-byte packet (52 bytes of headers) */
	assert_int_equal(n, (int)((data + 1447) / 1448));
	for (i = 0; i < (size_t)n; i++) {
		struct pkt_info pi;
		uint32_t seq = (uint32_t)pc.p[i][24] << 24 |
			       (uint32_t)pc.p[i][25] << 16 |
			       (uint32_t)pc.p[i][26] << 8 | pc.p[i][27];

		assert_true(pc.len[i] <= 1500);
		assert_int_equal(pkt_parse_ipv4(pc.p[i], pc.len[i], &pi),
				 PKT_OK);
		assert_true(ref_ip4_l4_ok(pc.p[i], pc.len[i]));
		assert_int_equal(seq, 0x10000000U + total);
		/* the IP id counts up; DF stays */
		assert_int_equal(pc.p[i][4] << 8 | pc.p[i][5], 0x1234 + i);
		assert_int_equal(pc.p[i][6], 0x40);
		/* FIN (0x01) and PSH (0x08) on the last segment only */
		assert_int_equal(pc.p[i][33], i + 1 == (size_t)n ? 0x19 : 0x10);
		/* the options are in every segment */
		assert_memory_equal(pc.p[i] + 40, big + 40, 12);
		memcpy(joined + total, pc.p[i] + 52, pc.len[i] - 52);
		total += pc.len[i] - 52;
	}
	assert_int_equal(total, data);
	assert_memory_equal(joined, big + 52, data);
}

static void test_segment_cwr_first_only(void **state)
{
	size_t len = make_tcp(big, 5000, 0x90);
	struct pieces pc;
	int n, i;

	(void)state;
	n = gso_tcp_segment(big, len, 1500, 0, fresh(&pc, out, sizeof(out)));
	assert_int_equal(n, 4);
	for (i = 0; i < n; i++)
		assert_int_equal(pc.p[i][33], i == 0 ? 0x90 : 0x10);
}

static void test_segment_refusals(void **state)
{
	size_t len = make_tcp(big, 9000, 0x10);
	struct pieces pc;

	(void)state;
	/* headers fill the MTU */
	assert_int_equal(
		gso_tcp_segment(big, len, 56, 0, fresh(&pc, out, sizeof(out))),
		-EINVAL);
	/* not enough room for the segments, or too many of them */
	assert_int_equal(
		gso_tcp_segment(big, len, 1500, 0, fresh(&pc, out, 4000)),
		-ENOSPC);
	/* PIECES_MAX segments of 100 bytes fit; one more does not */
	len = make_tcp(big, PIECES_MAX * 100, 0x10);
	assert_int_equal(
		gso_tcp_segment(big, len, 152, 0, fresh(&pc, out, sizeof(out))),
		PIECES_MAX);
	len = make_tcp(big, PIECES_MAX * 100 + 1, 0x10);
	assert_int_equal(
		gso_tcp_segment(big, len, 152, 0, fresh(&pc, out, sizeof(out))),
		-ENOSPC);
	/* not TCP */
	big[9] = 17;
	assert_int_equal(gso_tcp_segment(big, len, 1500, 0,
					 fresh(&pc, out, sizeof(out))),
			 -EINVAL);
}

/* Cut with the checksum verified: every data length and several MTUs,
 * odd ones among them (segments of odd length shift the byte pairs of
 * the original's sum), give segments whose checksums verify */
static void test_segment_verify_ok(void **state)
{
	static const size_t mtus[] = {576, 1499, 1500, 1501, 9001};
	size_t data, len, m;
	struct pieces pc;
	int n, i;

	(void)state;
	for (m = 0; m < sizeof(mtus) / sizeof(mtus[0]); m++) {
		for (data = mtus[m] - 51; data < mtus[m] * 3; data += 97) {
			len = make_tcp(big, data, 0x18);
			assert_int_equal(gso_fill_l4_csum(big, len), 0);
			n = gso_tcp_segment(big, len, mtus[m], GSO_VERIFY_CSUM,
					    fresh(&pc, out, sizeof(out)));
			assert_true(n >= 1);
			for (i = 0; i < n; i++)
				assert_true(ref_ip4_l4_ok(pc.p[i], pc.len[i]));
		}
	}
}

/* A super-packet whose checksum is wrong is refused, not repaired */
static void test_segment_verify_refuses(void **state)
{
	size_t len = make_tcp(big, 20000, 0x18);
	struct pieces pc;

	(void)state;
	gso_fill_l4_csum(big, len);
	big[52 + 10000] ^= 0x40; /* one data bit */
	assert_int_equal(gso_tcp_segment(big, len, 1500, GSO_VERIFY_CSUM,
					 fresh(&pc, out, sizeof(out))),
			 -EBADMSG);
	/* unverified, it would be cut with right checksums: the repair */
	assert_int_equal(gso_tcp_segment(big, len, 1500, 0,
					 fresh(&pc, out, sizeof(out))),
			 14);
	assert_true(ref_ip4_l4_ok(pc.p[7], pc.len[7]));
	big[52 + 10000] ^= 0x40;
	assert_int_equal(gso_tcp_segment(big, len, 1500, GSO_VERIFY_CSUM,
					 fresh(&pc, out, sizeof(out))),
			 14);
	big[37] ^= 1; /* the checksum field itself */
	assert_int_equal(gso_tcp_segment(big, len, 1500, GSO_VERIFY_CSUM,
					 fresh(&pc, out, sizeof(out))),
			 -EBADMSG);
	big[37] ^= 1;
	big[45] ^= 0x10; /* a TCP option */
	assert_int_equal(gso_tcp_segment(big, len, 1500, GSO_VERIFY_CSUM,
					 fresh(&pc, out, sizeof(out))),
			 -EBADMSG);
	big[45] ^= 0x10;
	big[15] ^= 1; /* the pseudo-header: the source address */
	assert_int_equal(gso_tcp_segment(big, len, 1500, GSO_VERIFY_CSUM,
					 fresh(&pc, out, sizeof(out))),
			 -EBADMSG);
}

/* SYN, RST and URG are never cut, whatever else is set; FIN, PSH, CWR,
 * ECE and ACK are */
static void test_segment_flags(void **state)
{
	static const uint8_t never[] = {0x02, 0x04, 0x20, 0x06, 0x12,
					0x14, 0x30, 0x3f, 0xff};
	static const uint8_t cut[] = {0x10, 0x11, 0x18, 0x19, 0x50, 0xd9};
	size_t len, i;
	struct pieces pc;
	int n, k;

	(void)state;
	for (i = 0; i < sizeof(never); i++) {
		len = make_tcp(big, 9000, never[i]);
		gso_fill_l4_csum(big, len);
		assert_int_equal(gso_tcp_segment(big, len, 1500,
						 GSO_VERIFY_CSUM,
						 fresh(&pc, out, sizeof(out))),
				 -EPROTO);
		assert_int_equal(gso_tcp_segment(big, len, 1500, 0,
						 fresh(&pc, out, sizeof(out))),
				 -EPROTO);
	}
	for (i = 0; i < sizeof(cut); i++) {
		len = make_tcp(big, 9000, cut[i]);
		gso_fill_l4_csum(big, len);
		n = gso_tcp_segment(big, len, 1500, GSO_VERIFY_CSUM,
				    fresh(&pc, out, sizeof(out)));
		assert_int_equal(n, 7);
		for (k = 0; k < n; k++) {
			uint8_t want = cut[i];

			if (k + 1 < n)
				want &= (uint8_t)~0x09; /* FIN, PSH */
			if (k)
				want &= (uint8_t)~0x80; /* CWR */
			assert_int_equal(pc.p[k][33], want);
		}
	}
}

/* An IPv6 super-packet: verified and cut as IPv4 is */
static void test_segment_verify_ipv6(void **state)
{
	size_t data = 30000, len = 40 + 20 + data, i;
	struct pieces pc;
	int n;

	(void)state;
	tp_ip6(big, "2001:db8::2", "2001:db8::1", 6, 20 + data);
	tp_tcp(big + 40, &(struct tp_tcp){.flags = 0x18});
	tp_pattern(big + 60, 0, data, 13, 1);
	assert_int_equal(gso_fill_l4_csum(big, len), 0);
	n = gso_tcp_segment(big, len, 1280, GSO_VERIFY_CSUM,
			    fresh(&pc, out, sizeof(out)));
	assert_int_equal(n, (int)((data + 1219) / 1220));
	for (i = 0; i < (size_t)n; i++)
		assert_true(ref_l4_ok(pc.p[i], pc.len[i], 40, 6));
	big[100] ^= 1;
	assert_int_equal(gso_tcp_segment(big, len, 1280, GSO_VERIFY_CSUM,
					 fresh(&pc, out, sizeof(out))),
			 -EBADMSG);
}

/* The packets an offload header is checked against */
enum kind {
	V4_TCP,
	V4_UDP,
	V4_ICMP,
	V4_TCP_FIRST_FRAG, /* a first fragment: MF, the TCP header whole */
	V4_UDP_LATER_FRAG, /* a later fragment */
	V6_TCP,
	V6_UDP,
	V6_ICMP,
	V6_TCP_DSTOPTS, /* TCP after a destination options header */
	V6_TCP_FRAG,	/* TCP in a first fragment (fragment header) */
};

/* An IPv4 header for @l4len bytes of @proto, fragment field @fo */
static void ip4(uint8_t *p, uint8_t proto, size_t l4len, uint16_t fo)
{
	tp_ip4(p,
	       &(struct tp_ip4){.src = "198.18.0.2",
				.dst = "198.18.0.1",
				.proto = proto,
				.frag = fo},
	       l4len);
}

/* An IPv6 header (2001:db8::2 -> 2001:db8::1), @plen bytes after it, the
 * first of them @nh */
static void ip6(uint8_t *p, uint8_t nh, size_t plen)
{
	tp_ip6(p, "2001:db8::2", "2001:db8::1", nh, plen);
}

/* A 20-byte TCP header (443 -> 40000) with @flags at @th, 2000 bytes of
 * data after it */
static size_t tcp20(uint8_t *th, uint8_t flags)
{
	tp_tcp(th,
	       &(struct tp_tcp){.sport = 443, .dport = 40000, .flags = flags});
	memset(th + 20, 0x5a, 2000);
	return 20 + 2000;
}

/* A UDP header and 1000 bytes at @uh */
static size_t udp8(uint8_t *uh)
{
	memset(uh, 0x3c, 8 + 1000);
	uh[0] = 0x30;
	uh[1] = 0x39;
	uh[2] = 0x00;
	uh[3] = 0x35;
	uh[4] = (uint8_t)((8 + 1000) >> 8);
	uh[5] = (uint8_t)(8 + 1000);
	return 8 + 1000;
}

/* An ICMP or ICMPv6 echo request of @type at @ih */
static size_t echo(uint8_t *ih, uint8_t type)
{
	memset(ih, 0x77, 64);
	ih[0] = type;
	ih[1] = 0;
	return 64;
}

/* A packet of @k, TCP ones with @flags, in big; parsed into @pi as the
 * host parses the enclave's (fragments by pkt_parse_fragment()) */
static void make_kind(enum kind k, uint8_t flags, struct pkt_info *pi)
{
	size_t len = 0, n;
	enum pkt_verdict v;

	switch (k) {
	case V4_TCP:
		len = make_tcp(big, 2000, flags);
		break;
	case V4_UDP:
		n = udp8(big + 20);
		ip4(big, 17, n, 0);
		len = 20 + n;
		break;
	case V4_ICMP:
		n = echo(big + 20, 8);
		ip4(big, 1, n, 0);
		len = 20 + n;
		break;
	case V4_TCP_FIRST_FRAG:
		n = tcp20(big + 20, flags);
		ip4(big, 6, n, 0x2000);
		len = 20 + n;
		break;
	case V4_UDP_LATER_FRAG:
		n = udp8(big + 20);
		ip4(big, 17, n, 185);
		len = 20 + n;
		break;
	case V6_TCP:
		n = tcp20(big + 40, flags);
		ip6(big, 6, n);
		len = 40 + n;
		break;
	case V6_UDP:
		n = udp8(big + 40);
		ip6(big, 17, n);
		len = 40 + n;
		break;
	case V6_ICMP:
		n = echo(big + 40, 128);
		ip6(big, 58, n);
		len = 40 + n;
		break;
	case V6_TCP_DSTOPTS:
		n = tcp20(big + 48, flags);
		ip6(big, 60, 8 + n);
		/* TCP next, 8 bytes: a PadN option of 4 */
		memcpy(big + 40, "\x06\x00\x01\x04\x00\x00\x00\x00", 8);
		len = 48 + n;
		break;
	case V6_TCP_FRAG:
		n = tcp20(big + 48, flags);
		ip6(big, 44, 8 + n);
		/* TCP next, offset 0, more fragments, identification 7 */
		memcpy(big + 40, "\x06\x00\x00\x01\x00\x00\x00\x07", 8);
		len = 48 + n;
		break;
	}
	v = pkt_parse(big, len, pi);
	if (v == PKT_FRAGMENT)
		v = pkt_parse_fragment(big, len, pi);
	assert_int_equal(v, PKT_OK);
}

/**
 * struct offload_case - an offload header on a packet, and the verdict
 * @name:	what it is about
 * @k:		the packet
 * @tflags:	its TCP flags (TCP packets)
 * @gso_type:	FRAME_GSO_*
 * @flags:	FRAME_OFFLOAD_CSUM_PARTIAL or 0
 * @gso_size:	segment size
 * @want:	gso_offload_check()'s verdict
 */
struct offload_case {
	const char *name;
	enum kind k;
	uint8_t tflags;
	uint8_t gso_type, flags;
	uint16_t gso_size;
	enum pkt_verdict want;
};

#define PART FRAME_OFFLOAD_CSUM_PARTIAL
#define GTCP FRAME_GSO_TCP

static const struct offload_case offload_cases[] = {
	/* one packet, nothing left to do: anything */
	{"none: TCP", V4_TCP, 0x18, 0, 0, 0, PKT_OK},
	{"none: ICMP", V4_ICMP, 0, 0, 0, 0, PKT_OK},
	{"none: ICMPv6", V6_ICMP, 0, 0, 0, 0, PKT_OK},
	{"none: a first fragment", V4_TCP_FIRST_FRAG, 0x10, 0, 0, 0, PKT_OK},
	{"none: a later fragment", V4_UDP_LATER_FRAG, 0, 0, 0, 0, PKT_OK},
	{"none: SYN", V4_TCP, 0x02, 0, 0, 0, PKT_OK},
	/* a checksum to complete: whole TCP or UDP only */
	{"partial: TCP", V4_TCP, 0x18, 0, PART, 0, PKT_OK},
	{"partial: UDP", V4_UDP, 0, 0, PART, 0, PKT_OK},
	{"partial: IPv6 TCP", V6_TCP, 0x10, 0, PART, 0, PKT_OK},
	{"partial: IPv6 UDP", V6_UDP, 0, 0, PART, 0, PKT_OK},
	{"partial: IPv6 TCP after an extension header", V6_TCP_DSTOPTS, 0x10, 0,
	 PART, 0, PKT_OK},
	{"partial: SYN (one packet: its flags are its own)", V4_TCP, 0x02, 0,
	 PART, 0, PKT_OK},
	{"partial: ICMP", V4_ICMP, 0, 0, PART, 0, PKT_OFFLOAD},
	{"partial: ICMPv6", V6_ICMP, 0, 0, PART, 0, PKT_OFFLOAD},
	{"partial: a first fragment", V4_TCP_FIRST_FRAG, 0x10, 0, PART, 0,
	 PKT_OFFLOAD},
	{"partial: a later fragment", V4_UDP_LATER_FRAG, 0, 0, PART, 0,
	 PKT_OFFLOAD},
	{"partial: an IPv6 fragment", V6_TCP_FRAG, 0x10, 0, PART, 0,
	 PKT_OFFLOAD},
	/* TCP segmentation: whole TCP as the kernel's GSO builds it */
	{"TCP gso: TCP", V4_TCP, 0x10, GTCP, 0, 1448, PKT_OK},
	{"TCP gso: TCP, partial", V4_TCP, 0x10, GTCP, PART, 1448, PKT_OK},
	{"TCP gso: IPv6 TCP", V6_TCP, 0x10, GTCP, PART, 1428, PKT_OK},
	{"TCP gso: FIN|PSH", V4_TCP, 0x19, GTCP, 0, 1448, PKT_OK},
	{"TCP gso: CWR|ECE", V4_TCP, 0xd0, GTCP, 0, 1448, PKT_OK},
	{"TCP gso: the smallest size", V4_TCP, 0x10, GTCP, 0, GSO_MIN_SEG,
	 PKT_OK},
	{"TCP gso: one byte smaller", V4_TCP, 0x10, GTCP, 0, GSO_MIN_SEG - 1,
	 PKT_OFFLOAD},
	{"TCP gso: size 1", V6_TCP, 0x10, GTCP, PART, 1, PKT_OFFLOAD},
	{"TCP gso: UDP", V4_UDP, 0, GTCP, PART, 1448, PKT_OFFLOAD},
	{"TCP gso: IPv6 UDP", V6_UDP, 0, GTCP, 0, 1448, PKT_OFFLOAD},
	{"TCP gso: ICMP", V4_ICMP, 0, GTCP, 0, 1448, PKT_OFFLOAD},
	{"TCP gso: IPv6 extension header", V6_TCP_DSTOPTS, 0x10, GTCP, 0, 1428,
	 PKT_OFFLOAD},
	{"TCP gso: a first fragment", V4_TCP_FIRST_FRAG, 0x10, GTCP, 0, 1448,
	 PKT_OFFLOAD},
	{"TCP gso: an IPv6 fragment", V6_TCP_FRAG, 0x10, GTCP, 0, 1428,
	 PKT_OFFLOAD},
	{"TCP gso: SYN", V4_TCP, 0x02, GTCP, 0, 1448, PKT_TCP_FLAGS},
	{"TCP gso: RST", V4_TCP, 0x04, GTCP, 0, 1448, PKT_TCP_FLAGS},
	{"TCP gso: URG", V4_TCP, 0x20, GTCP, 0, 1448, PKT_TCP_FLAGS},
	{"TCP gso: SYN|ACK", V4_TCP, 0x12, GTCP, PART, 1448, PKT_TCP_FLAGS},
	{"TCP gso: RST|ACK over IPv6", V6_TCP, 0x14, GTCP, 0, 1428,
	 PKT_TCP_FLAGS},
	{"TCP gso: URG|ACK|PSH over IPv6", V6_TCP, 0x38, GTCP, PART, 1428,
	 PKT_TCP_FLAGS},
	/* UDP segmentation: never injected so */
	{"UDP gso: UDP", V4_UDP, 0, FRAME_GSO_UDP, PART, 1000, PKT_OFFLOAD},
	{"UDP gso: IPv6 UDP", V6_UDP, 0, FRAME_GSO_UDP, 0, 1000, PKT_OFFLOAD},
	{"UDP gso: TCP", V4_TCP, 0x10, FRAME_GSO_UDP, 0, 1448, PKT_OFFLOAD},
};

static void test_offload_check(void **state)
{
	struct frame_offload off;
	enum pkt_verdict v;
	struct pkt_info pi;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(offload_cases) / sizeof(offload_cases[0]); i++) {
		const struct offload_case *c = &offload_cases[i];

		make_kind(c->k, c->tflags, &pi);
		off = (struct frame_offload){.gso_type = c->gso_type,
					     .flags = c->flags,
					     .gso_size = c->gso_size};
		v = gso_offload_check(big, &pi, &off);
		if (v != c->want)
			fail_msg("'%s': %s, want %s", c->name,
				 pkt_verdict_str(v), pkt_verdict_str(c->want));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fill_tcp_checksum),
		cmocka_unit_test(test_checksum_every_length),
		cmocka_unit_test(test_fill_udp_checksum),
		cmocka_unit_test(test_fill_other_and_short),
		cmocka_unit_test(test_segment_to_mtu),
		cmocka_unit_test(test_segment_cwr_first_only),
		cmocka_unit_test(test_segment_refusals),
		cmocka_unit_test(test_segment_verify_ok),
		cmocka_unit_test(test_segment_verify_refuses),
		cmocka_unit_test(test_segment_flags),
		cmocka_unit_test(test_segment_verify_ipv6),
		cmocka_unit_test(test_offload_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
