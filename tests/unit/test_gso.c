// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of super-packet handling (gso.c): completing the
 * TCP/UDP checksum, and cutting an aggregated TCP packet to an MTU */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "remora/csum.h"
#include "remora/gso.h"
#include "remora/pkt.h"

/* @pc, emptied, over @buf (@cap bytes) */
static struct pieces *fresh(struct pieces *pc, uint8_t *buf, size_t cap)
{
	pieces_init(pc, buf, cap);
	return pc;
}

static uint8_t big[65535], out[96 << 10];

/* Internet checksum of a buffer, unfolded sum in @sum */
static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

/* Is the TCP/UDP checksum of @pkt right? (the sum with it folds to 0) */
static int l4_csum_ok(const uint8_t *pkt, size_t len)
{
	size_t ihl = (size_t)(pkt[0] & 0xf) * 4;
	uint32_t sum = 0;

	sum = sum16(sum, pkt + 12, 8);
	sum += pkt[9];
	sum += (uint32_t)(len - ihl);
	sum = sum16(sum, pkt + ihl, len - ihl);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/* A TCP/IPv4 packet of @data bytes of payload, with a 12-byte option, the
 * IP header checksum right and the TCP checksum left undone */
static size_t make_tcp(uint8_t *p, size_t data, uint8_t flags)
{
	size_t i, len = 20 + 32 + data;
	uint16_t c;

	memset(p, 0, 52);
	p[0] = 0x45;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	p[4] = 0x12;
	p[5] = 0x34;
	p[6] = 0x40; /* DF */
	p[8] = 64;
	p[9] = 6;
	memcpy(p + 12, "\xc6\x12\x00\x02\xc6\x12\x00\x01", 8);
	c = csum(p, 20);
	p[10] = (uint8_t)(c >> 8);
	p[11] = (uint8_t)c;
	p[20] = 0x01; /* sport 443 */
	p[21] = 0xbb;
	p[22] = 0x9c; /* dport 40000 */
	p[23] = 0x40;
	memcpy(p + 24, "\x10\x00\x00\x00", 4); /* seq 0x10000000 */
	p[32] = 0x80;			       /* doff 8: 32-byte header */
	p[33] = flags;
	p[34] = 0xff;
	p[35] = 0xff;
	memcpy(p + 40, "\x01\x01\x08\x0a\x00\x00\x00\x01\x00\x00\x00\x02", 12);
	for (i = 0; i < data; i++)
		p[52 + i] = (uint8_t)(i * 7 + 3);
	return len;
}

static void test_fill_tcp_checksum(void **state)
{
	size_t len = make_tcp(big, 1001, 0x18);

	(void)state;
	assert_false(l4_csum_ok(big, len));
	assert_int_equal(gso_fill_l4_csum(big, len), 0);
	assert_true(l4_csum_ok(big, len));
	/* a partial sum left in the field (as the kernel leaves it) is
	 * replaced, not added to */
	big[36] = 0x12;
	big[37] = 0x34;
	assert_int_equal(gso_fill_l4_csum(big, len), 0);
	assert_true(l4_csum_ok(big, len));
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
			assert_true(l4_csum_ok(big, len));
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
	assert_true(l4_csum_ok(p, len));
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
		assert_true(l4_csum_ok(pc.p[i], pc.len[i]));
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
				assert_true(l4_csum_ok(pc.p[i], pc.len[i]));
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
	assert_true(l4_csum_ok(pc.p[7], pc.len[7]));
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
	uint32_t sum;
	int n;

	(void)state;
	memset(big, 0, 60);
	big[0] = 0x60;
	big[4] = (uint8_t)((20 + data) >> 8);
	big[5] = (uint8_t)(20 + data);
	big[6] = 6;
	big[7] = 64;
	big[8] = 0x20; /* 2001:db8::2 -> 2001:db8::1 */
	big[9] = 0x01;
	big[10] = 0x0d;
	big[11] = 0xb8;
	big[23] = 2;
	memcpy(big + 24, big + 8, 15);
	big[39] = 1;
	big[40 + 12] = 0x50;
	big[40 + 13] = 0x18;
	for (i = 0; i < data; i++)
		big[60 + i] = (uint8_t)(i * 13 + 1);
	assert_int_equal(gso_fill_l4_csum(big, len), 0);
	n = gso_tcp_segment(big, len, 1280, GSO_VERIFY_CSUM,
			    fresh(&pc, out, sizeof(out)));
	assert_int_equal(n, (int)((data + 1219) / 1220));
	for (i = 0; i < (size_t)n; i++) {
		sum = sum16(0, pc.p[i] + 8, 32) + 6 +
		      (uint32_t)(pc.len[i] - 40);
		sum = sum16(sum, pc.p[i] + 40, pc.len[i] - 40);
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		assert_int_equal(sum, 0xffff);
	}
	big[100] ^= 1;
	assert_int_equal(gso_tcp_segment(big, len, 1280, GSO_VERIFY_CSUM,
					 fresh(&pc, out, sizeof(out))),
			 -EBADMSG);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
