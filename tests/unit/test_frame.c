// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of the link frame codec (frame.c) */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "remora/frame.h"

static void hdr_round_trip(void **state)
{
	uint8_t buf[FRAME_HDR_LEN];
	struct frame_hdr h;

	(void)state;
	frame_encode_hdr(buf, FRAME_PACKET, 1234);
	assert_int_equal(buf[0], 0x52);
	assert_int_equal(buf[1], 0x4d);
	assert_int_equal(buf[2], REMORA_PROTO_VERSION);
	assert_int_equal(buf[3], FRAME_PACKET);
	/* length is big-endian */
	assert_int_equal(buf[4], 0x00);
	assert_int_equal(buf[5], 0x00);
	assert_int_equal(buf[6], 0x04);
	assert_int_equal(buf[7], 0xd2);

	memset(&h, 0xaa, sizeof(h));
	assert_int_equal(frame_decode_hdr(buf, sizeof(buf), &h), 0);
	assert_int_equal(h.version, REMORA_PROTO_VERSION);
	assert_int_equal(h.type, FRAME_PACKET);
	assert_int_equal(h.len, 1234);
}

static void hdr_other_version_and_type_decoded(void **state)
{
	uint8_t buf[FRAME_HDR_LEN] = {0x52, 0x4d, 7, 200, 0, 0, 0, 0};
	struct frame_hdr h;

	(void)state;
	/* version and type are reported, not judged, by the codec */
	assert_int_equal(frame_decode_hdr(buf, sizeof(buf), &h), 0);
	assert_int_equal(h.version, 7);
	assert_int_equal(h.type, 200);
	assert_int_equal(h.len, 0);
}

static void hdr_need_more(void **state)
{
	uint8_t buf[FRAME_HDR_LEN];
	struct frame_hdr h;
	size_t n;

	(void)state;
	frame_encode_hdr(buf, FRAME_KEEPALIVE, 0);
	for (n = 0; n < FRAME_HDR_LEN; n++)
		assert_int_equal(frame_decode_hdr(buf, n, &h), FRAME_NEED_MORE);
	assert_int_equal(frame_decode_hdr(buf, FRAME_HDR_LEN, &h), 0);
}

static void hdr_bad_magic(void **state)
{
	uint8_t buf[FRAME_HDR_LEN];
	struct frame_hdr h;

	(void)state;
	frame_encode_hdr(buf, FRAME_PACKET, 10);
	buf[0] = 'X';
	assert_int_equal(frame_decode_hdr(buf, sizeof(buf), &h), -EPROTO);
	frame_encode_hdr(buf, FRAME_PACKET, 10);
	buf[1] = 'X';
	assert_int_equal(frame_decode_hdr(buf, sizeof(buf), &h), -EPROTO);
}

static void hdr_length_limit(void **state)
{
	uint8_t buf[FRAME_HDR_LEN];
	struct frame_hdr h;

	(void)state;
	frame_encode_hdr(buf, FRAME_PACKET, FRAME_MAX_PAYLOAD);
	assert_int_equal(frame_decode_hdr(buf, sizeof(buf), &h), 0);
	assert_int_equal(h.len, FRAME_MAX_PAYLOAD);

	frame_encode_hdr(buf, FRAME_PACKET, FRAME_MAX_PAYLOAD + 1);
	assert_int_equal(frame_decode_hdr(buf, sizeof(buf), &h), -EMSGSIZE);

	frame_encode_hdr(buf, FRAME_PACKET, 0xffffffffU);
	assert_int_equal(buf[4] & buf[5] & buf[6] & buf[7], 0xff);
	assert_int_equal(frame_decode_hdr(buf, sizeof(buf), &h), -EMSGSIZE);
}

/* An OFFLOAD frame holds its 4-byte header besides the largest packet;
 * no other type gains those 4 bytes */
static void hdr_length_limit_by_type(void **state)
{
	uint8_t buf[FRAME_HDR_LEN];
	struct frame_hdr h;
	unsigned type;

	(void)state;
	assert_int_equal(FRAME_OFFLOAD_MAX_PAYLOAD, 65539);
	assert_int_equal(FRAME_MAX_LEN, 65547);
	frame_encode_hdr(buf, FRAME_OFFLOAD, 65539);
	assert_int_equal(frame_decode_hdr(buf, sizeof(buf), &h), 0);
	assert_int_equal(h.type, FRAME_OFFLOAD);
	assert_int_equal(h.len, 65539);
	frame_encode_hdr(buf, FRAME_OFFLOAD, 65540);
	assert_int_equal(frame_decode_hdr(buf, sizeof(buf), &h), -EMSGSIZE);
	frame_encode_hdr(buf, FRAME_OFFLOAD, 0xffffffffU);
	assert_int_equal(frame_decode_hdr(buf, sizeof(buf), &h), -EMSGSIZE);

	for (type = 0; type < 256; type++) {
		if (type == FRAME_OFFLOAD)
			continue;
		frame_encode_hdr(buf, (uint8_t)type, 65535);
		assert_int_equal(frame_decode_hdr(buf, sizeof(buf), &h), 0);
		frame_encode_hdr(buf, (uint8_t)type, 65536);
		assert_int_equal(frame_decode_hdr(buf, sizeof(buf), &h),
				 -EMSGSIZE);
		frame_encode_hdr(buf, (uint8_t)type, 65539);
		assert_int_equal(frame_decode_hdr(buf, sizeof(buf), &h),
				 -EMSGSIZE);
	}
}

static void offload_round_trip(void **state)
{
	static const struct frame_offload good[] = {
		{FRAME_GSO_NONE, 0, 0},
		{FRAME_GSO_NONE, FRAME_OFFLOAD_CSUM_PARTIAL, 0},
		{FRAME_GSO_TCP, FRAME_OFFLOAD_CSUM_PARTIAL, 1448},
		{FRAME_GSO_TCP, 0, 1},
		{FRAME_GSO_UDP, 0, 65535},
		{FRAME_GSO_UDP, FRAME_OFFLOAD_CSUM_PARTIAL, 1472},
	};
	uint8_t buf[FRAME_OFFLOAD_LEN + 1];
	struct frame_offload o;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		memset(buf, 0xee, sizeof(buf));
		frame_encode_offload(buf, &good[i]);
		/* exactly 4 bytes written */
		assert_int_equal(buf[FRAME_OFFLOAD_LEN], 0xee);
		memset(&o, 0xaa, sizeof(o));
		assert_int_equal(
			frame_decode_offload(buf, FRAME_OFFLOAD_LEN, &o), 0);
		assert_int_equal(o.gso_type, good[i].gso_type);
		assert_int_equal(o.flags, good[i].flags);
		assert_int_equal(o.gso_size, good[i].gso_size);
		/* the packet after the header is not the codec's business */
		assert_int_equal(frame_decode_offload(buf, sizeof(buf), &o), 0);
	}
	/* wire layout: type, flags, size big-endian */
	frame_encode_offload(buf, &good[2]);
	assert_int_equal(buf[0], 1);
	assert_int_equal(buf[1], 1);
	assert_int_equal(buf[2], 0x05);
	assert_int_equal(buf[3], 0xa8);
}

static void offload_malformed_refused(void **state)
{
	static const uint8_t bad[][FRAME_OFFLOAD_LEN] = {
		{3, 0, 0x05, 0xa8},		   /* unknown gso type */
		{0x80, 0, 0x05, 0xa8},		   /* unknown gso type */
		{0xff, 0, 0, 0},		   /* unknown gso type */
		{FRAME_GSO_TCP, 0x02, 0x05, 0xa8}, /* reserved flag */
		{FRAME_GSO_TCP, 0x80, 0x05, 0xa8}, /* reserved flag */
		{FRAME_GSO_NONE, 0xfe, 0, 0},	   /* reserved flags */
		{FRAME_GSO_NONE, 0xff, 0, 0},	   /* reserved flags */
		{FRAME_GSO_NONE, 0, 0, 1},	   /* a size without gso */
		{FRAME_GSO_NONE, 0, 0x80, 0},	   /* a size without gso */
		{FRAME_GSO_TCP, 0, 0, 0},	   /* gso without a size */
		{FRAME_GSO_UDP, 1, 0, 0},	   /* gso without a size */
	};
	const uint8_t good[FRAME_OFFLOAD_LEN] = {FRAME_GSO_TCP, 1, 0x05, 0xa8};
	struct frame_offload o;
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(
			frame_decode_offload(bad[i], FRAME_OFFLOAD_LEN, &o),
			-EBADMSG);
	/* shorter than the header */
	for (len = 0; len < FRAME_OFFLOAD_LEN; len++)
		assert_int_equal(frame_decode_offload(good, len, &o), -EBADMSG);
	assert_int_equal(frame_decode_offload(good, sizeof(good), &o), 0);
}

static void hello_round_trip(void **state)
{
	uint8_t buf[FRAME_HDR_LEN + FRAME_HELLO_FIXED_LEN +
		    FRAME_HELLO_SOFTWARE_MAX];
	struct frame_hello hello;
	struct frame_hdr h;
	size_t n;

	(void)state;
	n = frame_encode_hello(buf, sizeof(buf), FRAME_ROLE_ENCLAVE, 0x01020304,
			       9001, "remora 1.2.3");
	assert_int_equal(n, FRAME_HDR_LEN + FRAME_HELLO_FIXED_LEN + 12);
	assert_int_equal(frame_decode_hdr(buf, n, &h), 0);
	assert_int_equal(h.type, FRAME_HELLO);
	assert_int_equal(h.len, FRAME_HELLO_FIXED_LEN + 12);

	memset(&hello, 0xaa, sizeof(hello));
	assert_int_equal(frame_decode_hello(buf + FRAME_HDR_LEN, h.len, &hello),
			 0);
	assert_int_equal(hello.version, REMORA_PROTO_VERSION);
	assert_int_equal(hello.role, FRAME_ROLE_ENCLAVE);
	assert_int_equal(hello.caps, 0x01020304);
	assert_int_equal(hello.max_payload, 9001);
	assert_string_equal(hello.software, "remora 1.2.3");
	/* wire layout: big-endian fields after the header */
	assert_int_equal(buf[8], 0);
	assert_int_equal(buf[9], REMORA_PROTO_VERSION);
	assert_int_equal(buf[10], 0);
	assert_int_equal(buf[11], FRAME_ROLE_ENCLAVE);
	assert_int_equal(buf[12], 0x01);
	assert_int_equal(buf[15], 0x04);
}

static void hello_no_software(void **state)
{
	uint8_t buf[64];
	struct frame_hello hello;
	size_t n;

	(void)state;
	n = frame_encode_hello(buf, sizeof(buf), FRAME_ROLE_HOST, 0,
			       FRAME_MAX_PAYLOAD, NULL);
	assert_int_equal(n, FRAME_HDR_LEN + FRAME_HELLO_FIXED_LEN);
	memset(&hello, 0xaa, sizeof(hello));
	assert_int_equal(frame_decode_hello(buf + FRAME_HDR_LEN,
					    FRAME_HELLO_FIXED_LEN, &hello),
			 0);
	assert_int_equal(hello.role, FRAME_ROLE_HOST);
	assert_int_equal(hello.max_payload, FRAME_MAX_PAYLOAD);
	assert_string_equal(hello.software, "");
}

static void hello_too_short(void **state)
{
	uint8_t buf[64];
	struct frame_hello hello;
	size_t len;

	(void)state;
	frame_encode_hello(buf, sizeof(buf), FRAME_ROLE_HOST, 0, 1500, "x");
	for (len = 0; len < FRAME_HELLO_FIXED_LEN; len++)
		assert_int_equal(
			frame_decode_hello(buf + FRAME_HDR_LEN, len, &hello),
			-EPROTO);
	assert_int_equal(frame_decode_hello(buf + FRAME_HDR_LEN,
					    FRAME_HELLO_FIXED_LEN, &hello),
			 0);
	assert_string_equal(hello.software, "");
}

static void hello_software_sanitised(void **state)
{
	uint8_t p[FRAME_HELLO_FIXED_LEN + 8] = {
		0, 1, 0,   2,	 0,    0,   0,	  0,	0,    0,
		0, 0, 'a', '\n', 0x1b, 'b', 0x7f, 0xff, 0x00, 'z'};
	struct frame_hello hello;

	(void)state;
	assert_int_equal(frame_decode_hello(p, sizeof(p), &hello), 0);
	assert_int_equal(hello.role, FRAME_ROLE_ENCLAVE);
	assert_string_equal(hello.software, "a??b???z");
}

static void hello_software_truncated(void **state)
{
	char sw[201];
	uint8_t buf[512];
	uint8_t p[FRAME_HELLO_FIXED_LEN + 200];
	struct frame_hello hello;
	size_t n;

	(void)state;
	memset(sw, 'v', 200);
	sw[200] = '\0';
	/* encoding truncates to FRAME_HELLO_SOFTWARE_MAX */
	n = frame_encode_hello(buf, sizeof(buf), FRAME_ROLE_HOST, 0, 1, sw);
	assert_int_equal(n, FRAME_HDR_LEN + FRAME_HELLO_FIXED_LEN +
				    FRAME_HELLO_SOFTWARE_MAX);
	assert_int_equal(buf[7], FRAME_HELLO_FIXED_LEN + 64);
	assert_int_equal(frame_decode_hello(buf + FRAME_HDR_LEN,
					    n - FRAME_HDR_LEN, &hello),
			 0);
	assert_int_equal(strlen(hello.software), 64);

	/* decoding truncates a longer peer string as well */
	memset(p, 0, FRAME_HELLO_FIXED_LEN);
	memset(p + FRAME_HELLO_FIXED_LEN, 'w', 200);
	assert_int_equal(frame_decode_hello(p, sizeof(p), &hello), 0);
	assert_int_equal(strlen(hello.software), FRAME_HELLO_SOFTWARE_MAX);
	assert_int_equal(hello.software[63], 'w');
}

static void hello_encode_buffer_too_small(void **state)
{
	uint8_t buf[FRAME_HDR_LEN + FRAME_HELLO_FIXED_LEN + 5];
	size_t need = sizeof(buf);

	(void)state;
	assert_int_equal(
		frame_encode_hello(buf, need, FRAME_ROLE_HOST, 0, 1, "abcde"),
		need);
	assert_int_equal(frame_encode_hello(buf, need - 1, FRAME_ROLE_HOST, 0,
					    1, "abcde"),
			 0);
	assert_int_equal(
		frame_encode_hello(buf, 0, FRAME_ROLE_HOST, 0, 1, NULL), 0);
}

static void bye_round_trip(void **state)
{
	uint8_t buf[FRAME_HDR_LEN + FRAME_BYE_FIXED_LEN + FRAME_BYE_TEXT_MAX];
	struct frame_bye bye;
	struct frame_hdr h;
	size_t n;

	(void)state;
	n = frame_encode_bye(buf, sizeof(buf), FRAME_BYE_TIMEOUT,
			     "peer silent");
	assert_int_equal(n, FRAME_HDR_LEN + FRAME_BYE_FIXED_LEN + 11);
	assert_int_equal(frame_decode_hdr(buf, n, &h), 0);
	assert_int_equal(h.type, FRAME_BYE);
	assert_int_equal(h.len, FRAME_BYE_FIXED_LEN + 11);
	memset(&bye, 0xaa, sizeof(bye));
	assert_int_equal(frame_decode_bye(buf + FRAME_HDR_LEN, h.len, &bye), 0);
	assert_int_equal(bye.code, FRAME_BYE_TIMEOUT);
	assert_string_equal(bye.text, "peer silent");

	/* no text */
	n = frame_encode_bye(buf, sizeof(buf), 0xdeadbeef, NULL);
	assert_int_equal(n, FRAME_HDR_LEN + FRAME_BYE_FIXED_LEN);
	assert_int_equal(frame_decode_bye(buf + FRAME_HDR_LEN,
					  FRAME_BYE_FIXED_LEN, &bye),
			 0);
	assert_int_equal(bye.code, 0xdeadbeef);
	assert_string_equal(bye.text, "");
}

static void bye_too_short(void **state)
{
	uint8_t p[FRAME_BYE_FIXED_LEN] = {0, 0, 0, 1};
	struct frame_bye bye;
	size_t len;

	(void)state;
	for (len = 0; len < FRAME_BYE_FIXED_LEN; len++)
		assert_int_equal(frame_decode_bye(p, len, &bye), -EPROTO);
	assert_int_equal(frame_decode_bye(p, sizeof(p), &bye), 0);
	assert_int_equal(bye.code, FRAME_BYE_VERSION);
}

static void bye_text_truncated_and_sanitised(void **state)
{
	char text[301];
	uint8_t buf[512];
	uint8_t p[FRAME_BYE_FIXED_LEN + 4] = {0, 0, 0, 3, 'o', '\r', 'k', 0x80};
	struct frame_bye bye;
	size_t n;

	(void)state;
	memset(text, 't', 300);
	text[300] = '\0';
	n = frame_encode_bye(buf, sizeof(buf), FRAME_BYE_PROTOCOL, text);
	assert_int_equal(n, FRAME_HDR_LEN + FRAME_BYE_FIXED_LEN +
				    FRAME_BYE_TEXT_MAX);
	assert_int_equal(
		frame_decode_bye(buf + FRAME_HDR_LEN, n - FRAME_HDR_LEN, &bye),
		0);
	assert_int_equal(strlen(bye.text), FRAME_BYE_TEXT_MAX);

	assert_int_equal(frame_decode_bye(p, sizeof(p), &bye), 0);
	assert_int_equal(bye.code, FRAME_BYE_PROTOCOL);
	assert_string_equal(bye.text, "o?k?");
}

static void bye_encode_buffer_too_small(void **state)
{
	uint8_t buf[FRAME_HDR_LEN + FRAME_BYE_FIXED_LEN + 3];

	(void)state;
	assert_int_equal(frame_encode_bye(buf, sizeof(buf), 0, "abc"),
			 sizeof(buf));
	assert_int_equal(frame_encode_bye(buf, sizeof(buf) - 1, 0, "abc"), 0);
	assert_int_equal(frame_encode_bye(buf, FRAME_HDR_LEN, 0, NULL), 0);
}

static void type_and_role_names(void **state)
{
	(void)state;
	assert_string_equal(frame_type_str(FRAME_HELLO), "hello");
	assert_string_equal(frame_type_str(FRAME_PACKET), "packet");
	assert_string_equal(frame_type_str(FRAME_KEEPALIVE), "keepalive");
	assert_string_equal(frame_type_str(FRAME_BYE), "bye");
	assert_string_equal(frame_type_str(FRAME_OFFLOAD), "offload");
	assert_string_equal(frame_type_str(FRAME_STATS), "stats");
	assert_string_equal(frame_type_str(0), "unknown");
	assert_string_equal(frame_type_str(7), "unknown");
	assert_string_equal(frame_type_str(255), "unknown");

	assert_string_equal(frame_role_str(FRAME_ROLE_HOST), "host");
	assert_string_equal(frame_role_str(FRAME_ROLE_ENCLAVE), "enclave");
	assert_string_equal(frame_role_str(0), "unknown");
	assert_string_equal(frame_role_str(3), "unknown");
	assert_string_equal(frame_role_str(0xffff), "unknown");
}

/* A STATS payload round-trips: names and 64-bit values, in order */
static void stats_round_trip(void **state)
{
	static struct frame_stats fs;
	uint8_t buf[256];
	size_t len;

	(void)state;
	len = frame_encode_stats_entry(buf, sizeof(buf), "l2i_packets", 42);
	assert_int_equal(len, 1 + 11 + 8);
	assert_int_equal(buf[0], 11);
	assert_memory_equal(buf + 12, "\0\0\0\0\0\0\0\x2a", 8);
	len += frame_encode_stats_entry(buf + len, sizeof(buf) - len, "x_9",
					0x0123456789abcdefULL);
	assert_int_equal(frame_decode_stats(buf, len, &fs), 0);
	assert_int_equal(fs.n, 2);
	assert_string_equal(fs.name[0], "l2i_packets");
	assert_int_equal(fs.value[0], 42);
	assert_string_equal(fs.name[1], "x_9");
	assert_true(fs.value[1] == 0x0123456789abcdefULL);
	/* an empty payload (a request) decodes to no entry */
	assert_int_equal(frame_decode_stats(buf, 0, &fs), 0);
	assert_int_equal(fs.n, 0);
}

/* What is not a counter's name, or does not fit, is not encoded */
static void stats_encode_refuses(void **state)
{
	char name[FRAME_STATS_NAME_MAX + 2];
	uint8_t buf[128];

	(void)state;
	assert_int_equal(frame_encode_stats_entry(buf, sizeof(buf), "", 1), 0);
	assert_int_equal(frame_encode_stats_entry(buf, sizeof(buf), "Caps", 1),
			 0);
	assert_int_equal(
		frame_encode_stats_entry(buf, sizeof(buf), "a\nb 1", 1), 0);
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(frame_encode_stats_entry(buf, sizeof(buf), name, 1),
			 0);
	name[FRAME_STATS_NAME_MAX] = '\0';
	assert_int_equal(frame_encode_stats_entry(buf, sizeof(buf), name, 1),
			 1 + FRAME_STATS_NAME_MAX + 8);
	assert_int_equal(frame_encode_stats_entry(buf, 1 + 3 + 7, "abc", 1), 0);
}

/* A malformed report is refused whole: a cut entry, a zero or too long
 * name length, a character outside [a-z0-9_], more than FRAME_STATS_MAX
 * entries */
static void stats_decode_refuses(void **state)
{
	static struct frame_stats fs;
	static uint8_t big[FRAME_STATS_MAX_PAYLOAD + 64];
	uint8_t buf[64];
	size_t len, n;
	unsigned i;

	(void)state;
	len = frame_encode_stats_entry(buf, sizeof(buf), "abc", 7);
	for (n = 1; n < len; n++)
		assert_int_equal(frame_decode_stats(buf, n, &fs), -EPROTO);
	buf[0] = 0;
	assert_int_equal(frame_decode_stats(buf, len, &fs), -EPROTO);
	buf[0] = FRAME_STATS_NAME_MAX + 1;
	assert_int_equal(frame_decode_stats(buf, sizeof(buf), &fs), -EPROTO);
	buf[0] = 3;
	for (i = 0; i < 256; i++) {
		int ok = (i >= 'a' && i <= 'z') || (i >= '0' && i <= '9') ||
			 i == '_';

		buf[2] = (uint8_t)i;
		assert_int_equal(frame_decode_stats(buf, len, &fs),
				 ok ? 0 : -EPROTO);
	}
	/* FRAME_STATS_MAX entries are taken, one more is not */
	for (i = 0, n = 0; i <= FRAME_STATS_MAX; i++)
		n += frame_encode_stats_entry(big + n, sizeof(big) - n, "c", i);
	assert_int_equal(frame_decode_stats(big, n - 10, &fs), 0);
	assert_int_equal(fs.n, FRAME_STATS_MAX);
	assert_int_equal(fs.value[FRAME_STATS_MAX - 1], FRAME_STATS_MAX - 1);
	assert_int_equal(frame_decode_stats(big, n, &fs), -EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hdr_round_trip),
		cmocka_unit_test(stats_round_trip),
		cmocka_unit_test(stats_encode_refuses),
		cmocka_unit_test(stats_decode_refuses),
		cmocka_unit_test(hdr_other_version_and_type_decoded),
		cmocka_unit_test(hdr_need_more),
		cmocka_unit_test(hdr_bad_magic),
		cmocka_unit_test(hdr_length_limit),
		cmocka_unit_test(hdr_length_limit_by_type),
		cmocka_unit_test(offload_round_trip),
		cmocka_unit_test(offload_malformed_refused),
		cmocka_unit_test(hello_round_trip),
		cmocka_unit_test(hello_no_software),
		cmocka_unit_test(hello_too_short),
		cmocka_unit_test(hello_software_sanitised),
		cmocka_unit_test(hello_software_truncated),
		cmocka_unit_test(hello_encode_buffer_too_small),
		cmocka_unit_test(bye_round_trip),
		cmocka_unit_test(bye_too_short),
		cmocka_unit_test(bye_text_truncated_and_sanitised),
		cmocka_unit_test(bye_encode_buffer_too_small),
		cmocka_unit_test(type_and_role_names),
	};

	return cmocka_run_group_tests_name("frame", tests, NULL, NULL);
}
