// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of remora-enclave's choice of capture (capture.c):
 * --capture's words, the decision in auto with every failure binding the
 * queue can give injected (a kernel without NFQUEUE falls back to the
 * tun; a queue held by another process or no privilege does not), and
 * what a tun packet's virtio_net_hdr tells the fit decision */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"
#include "remora/fit.h"
#include "remora/nfqueue.h"

static void test_parse(void **state)
{
	enum capture_mode m = CAPTURE_TUN;

	(void)state;
	assert_int_equal(capture_parse("auto", &m), 0);
	assert_int_equal(m, CAPTURE_AUTO);
	assert_int_equal(capture_parse("nfqueue", &m), 0);
	assert_int_equal(m, CAPTURE_NFQUEUE);
	assert_int_equal(capture_parse("tun", &m), 0);
	assert_int_equal(m, CAPTURE_TUN);
	assert_int_equal(capture_parse("", &m), -1);
	assert_int_equal(capture_parse("TUN", &m), -1);
	assert_int_equal(capture_parse("nfq", &m), -1);
	assert_int_equal(capture_parse("tun ", &m), -1);
	assert_int_equal(m, CAPTURE_TUN); /* unchanged by a refusal */
	assert_string_equal(capture_name(CAPTURE_AUTO), "auto");
	assert_string_equal(capture_name(CAPTURE_NFQUEUE), "nfqueue");
	assert_string_equal(capture_name(CAPTURE_TUN), "tun");
}

/* The errors nfqueue_open() gives on a kernel without netfilter netlink
 * or its queue: auto takes the tun, saying so */
static void test_auto_falls_back(void **state)
{
	static const int missing[] = {EPROTONOSUPPORT, EAFNOSUPPORT, ENOENT,
				      EOPNOTSUPP, EINVAL};
	const char *why = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
		why = NULL;
		assert_int_equal(nfqueue_missing(-missing[i]), 1);
		assert_int_equal(
			capture_choose(CAPTURE_AUTO, -missing[i], &why),
			CAPTURE_TUN);
		assert_non_null(why);
		assert_non_null(strstr(why, "no NFQUEUE"));
	}
}

/* A queue that binds: nfqueue, in auto as asked for */
static void test_queue_binds(void **state)
{
	const char *why = NULL;

	(void)state;
	assert_int_equal(capture_choose(CAPTURE_AUTO, 0, &why),
			 CAPTURE_NFQUEUE);
	assert_non_null(strstr(why, "has NFQUEUE"));
	assert_int_equal(capture_choose(CAPTURE_NFQUEUE, 0, &why),
			 CAPTURE_NFQUEUE);
	assert_string_equal(why, "--capture nfqueue");
}

/* Failures that are not a missing kernel feature are errors to fix, in
 * auto too: the mode does not change behind the operator's back; and
 * nfqueue asked for never falls back */
static void test_errors_stay_errors(void **state)
{
	static const int other[] = {EPERM, EACCES, EBUSY, ENOMEM, ENOBUFS};
	const char *why = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		assert_int_equal(nfqueue_missing(-other[i]), 0);
		assert_int_equal(capture_choose(CAPTURE_AUTO, -other[i], &why),
				 CAPTURE_AUTO);
		assert_int_equal(
			capture_choose(CAPTURE_NFQUEUE, -other[i], &why),
			CAPTURE_AUTO);
	}
	assert_int_equal(capture_choose(CAPTURE_NFQUEUE, -EOPNOTSUPP, &why),
			 CAPTURE_AUTO);
	assert_string_equal(why, "the queue cannot be bound");
}

/* tun asked for: the queue is never looked at */
static void test_tun_asked(void **state)
{
	const char *why = NULL;

	(void)state;
	assert_int_equal(capture_choose(CAPTURE_TUN, 0, &why), CAPTURE_TUN);
	assert_int_equal(capture_choose(CAPTURE_TUN, -EPERM, &why),
			 CAPTURE_TUN);
	assert_string_equal(why, "--capture tun");
}

/* The header's segmentation and checksum state, as fit's flags */
static void test_tun_flags(void **state)
{
	struct virtio_net_hdr vh;
	uint16_t gso = 1;

	(void)state;
	memset(&vh, 0, sizeof(vh));
	assert_int_equal(capture_tun_flags(&vh, 1500, &gso), 0);
	assert_int_equal(gso, 0);
	vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	assert_int_equal(capture_tun_flags(&vh, 1500, &gso), FIT_CSUM_PART);
	vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	vh.gso_size = 1448;
	assert_int_equal(capture_tun_flags(&vh, 64000, &gso),
			 FIT_AGGREGATE | FIT_CSUM_PART);
	assert_int_equal(gso, 1448);
	vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV6 | VIRTIO_NET_HDR_GSO_ECN;
	vh.flags = 0;
	assert_int_equal(capture_tun_flags(&vh, 9000, &gso), FIT_AGGREGATE);
	assert_int_equal(gso, 1448);
	/* no segment size, or one that holds the whole packet: one packet */
	vh.gso_size = 0;
	assert_int_equal(capture_tun_flags(&vh, 9000, &gso), 0);
	assert_int_equal(gso, 0);
	vh.gso_size = 9000;
	assert_int_equal(capture_tun_flags(&vh, 9000, &gso), 0);
	/* ECN alone is no segmentation */
	vh.gso_type = VIRTIO_NET_HDR_GSO_ECN;
	vh.gso_size = 100;
	assert_int_equal(capture_tun_flags(&vh, 9000, &gso), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_auto_falls_back),
		cmocka_unit_test(test_queue_binds),
		cmocka_unit_test(test_errors_stay_errors),
		cmocka_unit_test(test_tun_asked),
		cmocka_unit_test(test_tun_flags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
