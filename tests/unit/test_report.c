// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of the report's formats (report.c) */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "remora/report.h"
#include "remora/stats.h"

static void sample_report(void *ctx, struct report *r)
{
	(void)ctx;
	report_comment(r, "remora-test 1.0");
	report_counter(r, "q2l_packets", "packets taken from NFQUEUE", 1234);
	report_gauge(r, "uptime_seconds", "seconds since start", 42);
	report_text(r, "link_state", "link state", "up");
}

static void test_text_format(void **state)
{
	char buf[1024];
	struct report r;

	(void)state;
	report_init(&r, buf, sizeof(buf), REPORT_TEXT, "host");
	sample_report(NULL, &r);
	assert_string_equal(buf, "# remora-test 1.0\n"
				 "q2l_packets 1234\n"
				 "uptime_seconds 42\n"
				 "link_state up\n");
	assert_int_equal(r.len, strlen(buf));
	assert_false(r.truncated);
}

static void test_prometheus_format(void **state)
{
	char buf[2048];
	struct report r;

	(void)state;
	report_init(&r, buf, sizeof(buf), REPORT_PROMETHEUS, "enclave");
	sample_report(NULL, &r);
	assert_string_equal(
		buf,
		"# HELP remora_q2l_packets_total packets taken from NFQUEUE\n"
		"# TYPE remora_q2l_packets_total counter\n"
		"remora_q2l_packets_total{daemon=\"enclave\"} 1234\n"
		"# HELP remora_uptime_seconds seconds since start\n"
		"# TYPE remora_uptime_seconds gauge\n"
		"remora_uptime_seconds{daemon=\"enclave\"} 42\n"
		"# HELP remora_link_state_info link state\n"
		"# TYPE remora_link_state_info gauge\n"
		"remora_link_state_info{daemon=\"enclave\",value=\"up\"} 1\n");
}

/* An enclave's values carry its label, after the metric's other samples,
 * under one HELP and TYPE */
static void test_enclave_labels(void **state)
{
	char buf[2048];
	struct report r;

	(void)state;
	report_init(&r, buf, sizeof(buf), REPORT_PROMETHEUS, "host");
	report_counter(&r, "l2i_packets", "packets", 1);
	report_label(&r, "a", 1);
	report_counter(&r, "l2i_packets", "packets", 2);
	report_label(&r, "b.2", 1);
	report_counter(&r, "l2i_packets", "packets", 3);
	report_label(&r, "a", 0);
	report_text(&r, "link_state", "link", "up");
	report_label(&r, "b.2", 1);
	report_gauge(&r, "link_up_seconds", "secs", 7);
	report_label(&r, NULL, 0);
	report_gauge(&r, "uptime_seconds", "up", 9);
	assert_string_equal(
		buf,
		"# HELP remora_l2i_packets_total packets\n"
		"# TYPE remora_l2i_packets_total counter\n"
		"remora_l2i_packets_total{daemon=\"host\"} 1\n"
		"remora_l2i_packets_total{daemon=\"host\",enclave=\"a\"} 2\n"
		"remora_l2i_packets_total{daemon=\"host\",enclave=\"b.2\"} 3\n"
		"# HELP remora_link_state_info link\n"
		"# TYPE remora_link_state_info gauge\n"
		"remora_link_state_info{daemon=\"host\",enclave=\"a\",value=\"up\"} 1\n"
		"remora_link_up_seconds{daemon=\"host\",enclave=\"b.2\"} 7\n"
		"# HELP remora_uptime_seconds up\n"
		"# TYPE remora_uptime_seconds gauge\n"
		"remora_uptime_seconds{daemon=\"host\"} 9\n");
	report_init(&r, buf, sizeof(buf), REPORT_TEXT, "host");
	report_counter(&r, "l2i_packets", "packets", 1);
	report_label(&r, "a", 1);
	report_counter(&r, "l2i_packets", "packets", 2);
	report_text(&r, "link_state", "link", "up");
	report_label(&r, NULL, 0);
	report_text(&r, "injection", "how", "raw");
	assert_string_equal(buf, "l2i_packets 1\n"
				 "l2i_packets{enclave=\"a\"} 2\n"
				 "link_state{enclave=\"a\"} up\n"
				 "injection raw\n");
}

static void test_counter_full_range(void **state)
{
	char buf[256];
	struct report r;

	(void)state;
	report_init(&r, buf, sizeof(buf), REPORT_TEXT, "host");
	report_counter(&r, "c", "h", UINT64_MAX);
	assert_string_equal(buf, "c 18446744073709551615\n");
}

/* The peer's software string comes from the untrusted side: it must not
 * be able to forge a counter line or break out of a label */
static void test_hostile_text_cannot_forge_lines(void **state)
{
	char buf[1024];
	struct report r;

	(void)state;
	report_init(&r, buf, sizeof(buf), REPORT_TEXT, "host");
	report_text(&r, "link_peer", "p", "evil\nq2l_packets 0\r\x80");
	assert_string_equal(buf, "link_peer evil?q2l_packets 0??\n");

	report_init(&r, buf, sizeof(buf), REPORT_PROMETHEUS, "host");
	report_text(&r, "link_peer", "p", "a\"} 1\nx\\");
	assert_non_null(strstr(buf, "value=\"a\\\"} 1?x\\\\\"} 1\n"));
	assert_null(strstr(buf, "\nx"));
}

static void test_empty_text_is_dash(void **state)
{
	char buf[256];
	struct report r;

	(void)state;
	report_init(&r, buf, sizeof(buf), REPORT_TEXT, "host");
	report_text(&r, "link_peer", "p", "");
	assert_string_equal(buf, "link_peer -\n");
}

static void test_truncation_at_line_boundary(void **state)
{
	char buf[40];
	struct report r;

	(void)state;
	report_init(&r, buf, sizeof(buf), REPORT_TEXT, "host");
	report_counter(&r, "first_counter", "h", 1);	  /* 16 bytes */
	report_counter(&r, "second_counter", "h", 2);	  /* 17 bytes */
	report_counter(&r, "third_counter_long", "h", 3); /* does not fit */
	report_counter(&r, "x", "h", 4); /* would fit, but order is kept */
	assert_true(r.truncated);
	assert_string_equal(buf, "first_counter 1\nsecond_counter 2\n");
	assert_int_equal(r.len, strlen(buf));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_format),
		cmocka_unit_test(test_prometheus_format),
		cmocka_unit_test(test_counter_full_range),
		cmocka_unit_test(test_enclave_labels),
		cmocka_unit_test(test_hostile_text_cannot_forge_lines),
		cmocka_unit_test(test_empty_text_is_dash),
		cmocka_unit_test(test_truncation_at_line_boundary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
