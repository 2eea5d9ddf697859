// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of super-packet handling (gso.c): completing the
 * TCP/UDP checksum, and cutting an aggregated TCP packet to an MTU */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "remora/gso.h"
#include "remora/pkt.h"

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
	c = pkt_ipv4_csum(p, 20);
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
	size_t data = 60000, len = make_tcp(big, data, 0x19), lens[64];
	size_t total = 0, i;
	uint8_t *segs[64], joined[65535];
	int n;

	(void)state;
	gso_fill_l4_csum(big, len);
	n = gso_tcp_segment(big, len, 1500, out, sizeof(out), segs, lens, 64);
	/* 1448 bytes of data per 1500-byte packet (52 bytes of headers) */
	assert_int_equal(n, (int)((data + 1447) / 1448));
	for (i = 0; i < (size_t)n; i++) {
		struct pkt_info pi;
		uint32_t seq = (uint32_t)segs[i][24] << 24 |
			       (uint32_t)segs[i][25] << 16 |
			       (uint32_t)segs[i][26] << 8 | segs[i][27];

		assert_true(lens[i] <= 1500);
		assert_int_equal(pkt_parse_ipv4(segs[i], lens[i], &pi), PKT_OK);
		assert_true(l4_csum_ok(segs[i], lens[i]));
		assert_int_equal(seq, 0x10000000U + total);
		/* the IP id counts up; DF stays */
		assert_int_equal(segs[i][4] << 8 | segs[i][5], 0x1234 + i);
		assert_int_equal(segs[i][6], 0x40);
		/* FIN (0x01) and PSH (0x08) on the last segment only */
		assert_int_equal(segs[i][33], i + 1 == (size_t)n ? 0x19 : 0x10);
		/* the options are in every segment */
		assert_memory_equal(segs[i] + 40, big + 40, 12);
		memcpy(joined + total, segs[i] + 52, lens[i] - 52);
		total += lens[i] - 52;
	}
	assert_int_equal(total, data);
	assert_memory_equal(joined, big + 52, data);
}

static void test_segment_cwr_first_only(void **state)
{
	size_t len = make_tcp(big, 5000, 0x90), lens[64];
	uint8_t *segs[64];
	int n, i;

	(void)state;
	n = gso_tcp_segment(big, len, 1500, out, sizeof(out), segs, lens, 64);
	assert_int_equal(n, 4);
	for (i = 0; i < n; i++)
		assert_int_equal(segs[i][33], i == 0 ? 0x90 : 0x10);
}

static void test_segment_refusals(void **state)
{
	size_t len = make_tcp(big, 9000, 0x10), lens[64];
	uint8_t *segs[64];

	(void)state;
	/* headers fill the MTU */
	assert_int_equal(
		gso_tcp_segment(big, len, 56, out, sizeof(out), segs, lens, 64),
		-1);
	/* not enough room for the segments, or too many of them */
	assert_int_equal(
		gso_tcp_segment(big, len, 1500, out, 4000, segs, lens, 64), -1);
	assert_int_equal(gso_tcp_segment(big, len, 1500, out, sizeof(out), segs,
					 lens, 3),
			 -1);
	/* not TCP */
	big[9] = 17;
	assert_int_equal(gso_tcp_segment(big, len, 1500, out, sizeof(out), segs,
					 lens, 64),
			 -1);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
