// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of the Internet checksum (csum.c): known values,
 * every length and alignment against a byte-by-byte reference
 * (testpkt.c), sums of parts at odd offsets, pseudo-headers of both IP
 * versions */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "remora/csum.h"
#include "testpkt.h"

static void csum_rfc1071_example(void **state)
{
	/* RFC 1071 section 3: the one's complement sum is 0xddf2 */
	static const uint8_t b[] = {0x00, 0x01, 0xf2, 0x03,
				    0xf4, 0xf5, 0xf6, 0xf7};

	(void)state;
	assert_int_equal(csum_add(0, b, sizeof(b)), 0xddf2);
	assert_int_equal(csum(b, sizeof(b)), 0x220d);
}

static void csum_known_header(void **state)
{
	/* 192.168.0.1 -> 192.168.0.199, UDP, checksum 0xb861 */
	uint8_t h[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40,
			 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8,
			 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};

	(void)state;
	assert_int_equal(csum(h, sizeof(h)), 0xb861);
	h[10] = 0xb8;
	h[11] = 0x61;
	assert_int_equal(csum(h, sizeof(h)), 0);
	h[10] = 0x12;
	csum_ip4_header(h, sizeof(h));
	assert_int_equal(h[10], 0xb8);
	assert_int_equal(h[11], 0x61);
	/* all ones folds to zero, then complements to 0 */
	memset(h, 0xff, sizeof(h));
	assert_int_equal(csum(h, sizeof(h)), 0);
	memset(h, 0, sizeof(h));
	assert_int_equal(csum(h, sizeof(h)), 0xffff);
}

/* Every length from 0 to 300 at every alignment from 0 to 7: the wide sum
 * equals the byte-by-byte one */
static void csum_every_length_and_alignment(void **state)
{
	static uint8_t buf[320];
	size_t len, a, i;

	(void)state;
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 151 + 7);
	for (a = 0; a < 8; a++)
		for (len = 0; len <= 300; len++)
			assert_int_equal(csum_add(0, buf + a, len),
					 ref_fold(ref_sum(0, buf + a, len)));
}

/* A sum cut in two parts at any offset adds up to the whole: directly at
 * an even offset, byte-swapped (csum_odd()) at an odd one */
static void csum_parts(void **state)
{
	static uint8_t buf[257];
	uint32_t whole, part;
	size_t cut, i;

	(void)state;
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 31 + 200);
	whole = ref_fold(ref_sum(0, buf, sizeof(buf)));
	for (cut = 0; cut <= sizeof(buf); cut++) {
		part = csum_add(0, buf + cut, sizeof(buf) - cut);
		part = cut & 1 ? csum_odd(part) : part;
		assert_int_equal(csum_fold(csum_add(0, buf, cut) + part),
				 csum_fold(whole));
	}
}

/* csum_fold() folds carries of a long sum and complements */
static void csum_fold_carries(void **state)
{
	(void)state;
	assert_int_equal(csum_fold(0), 0xffff);
	assert_int_equal(csum_fold(0xffff), 0);
	assert_int_equal(csum_fold(0x1fffe), 0);
	assert_int_equal(csum_fold(0x12345678), (uint16_t) ~(0x1234 + 0x5678));
	assert_int_equal(csum_fold(0xffffffff), 0);
}

/* Pseudo-headers: IPv4 (addresses, protocol, length) and IPv6 (addresses,
 * next header, a 32-bit length), against hand sums */
static void csum_pseudo_headers(void **state)
{
	uint8_t v4[20] = {0x45, [9] = 6, [12] = 192, 0, 2, 1, 198, 18, 0, 1};
	uint8_t v6[40] = {0x60, [6] = 17};
	uint32_t want;

	(void)state;
	want = 0xc000 + 0x0201 + 0xc612 + 0x0001 + 6 + 1000;
	assert_int_equal(csum_fold(csum_pseudo(v4, 6, 1000)), csum_fold(want));
	v6[8] = 0x20;
	v6[9] = 0x01;
	v6[23] = 2;
	v6[24] = 0x20;
	v6[25] = 0x01;
	v6[39] = 1;
	want = 0x2001 + 2 + 0x2001 + 1 + 17 + 70000 / 65536 + 70000 % 65536;
	assert_int_equal(csum_fold(csum_pseudo(v6, 17, 70000)),
			 csum_fold(want));
}

/* csum_l4() of a UDP datagram whose checksum field is then filled
 * verifies: the whole sums to all ones */
static void csum_l4_verifies(void **state)
{
	uint8_t p[20 + 8 + 5] = {0x45, [9] = 17, [12] = 10, 0, 0,
				 1,    10,	 0,	    0, 2};
	uint16_t c;

	(void)state;
	p[20] = 0x13;
	p[21] = 0x88;
	p[22] = 0x00;
	p[23] = 0x35;
	p[25] = 13;
	memcpy(p + 28, "hello", 5);
	c = csum_l4(p, 17, p + 20, 13);
	p[26] = (uint8_t)(c >> 8);
	p[27] = (uint8_t)c;
	assert_int_equal(
		csum_fold(csum_add(csum_pseudo(p, 17, 13), p + 20, 13)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csum_rfc1071_example),
		cmocka_unit_test(csum_known_header),
		cmocka_unit_test(csum_every_length_and_alignment),
		cmocka_unit_test(csum_parts),
		cmocka_unit_test(csum_fold_carries),
		cmocka_unit_test(csum_pseudo_headers),
		cmocka_unit_test(csum_l4_verifies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
