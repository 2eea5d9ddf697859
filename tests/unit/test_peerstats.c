// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of the enclave's reports of its counters
 * (peerstats.c) */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "remora/frame.h"
#include "remora/peerstats.h"
#include "remora/report.h"
#include "remora/stats.h"

/* A daemon's counters encode into a report every counter of which comes
 * back, after its uptime, and which remora-host takes */
static void test_encode_take(void **state)
{
	static uint8_t buf[FRAME_STATS_MAX_PAYLOAD];
	static struct stats st;
	static struct peerstats ps;
	size_t len;
	int i;

	(void)state;
	for (i = 0; i < STAT_COUNT; i++)
		st.c[i] = (uint64_t)i * 1000003u;
	len = peerstats_encode(buf, sizeof(buf), &st, 61.9);
	memset(&stats, 0, sizeof(stats));
	assert_int_equal(peerstats_take(&ps, buf, len, 100.0), 0);
	assert_int_equal(stats.c[STAT_LINK_PEER_REPORTS], 1);
	assert_true(ps.have);
	assert_int_equal(ps.fs.n, STAT_COUNT + 1);
	assert_string_equal(ps.fs.name[0], "uptime_seconds");
	assert_int_equal(ps.fs.value[0], 61);
	for (i = 0; i < STAT_COUNT; i++) {
		assert_string_equal(ps.fs.name[i + 1], stats_name(i));
		assert_true(ps.fs.value[i + 1] == st.c[i]);
	}
	assert_true(ps.at == 100.0);
}

/* A malformed report, or an empty one, is refused and counted; the last
 * good report stays */
static void test_refused_keeps_last(void **state)
{
	static struct peerstats ps;
	uint8_t good[64], bad[64];
	size_t len;

	(void)state;
	memset(&stats, 0, sizeof(stats));
	len = frame_encode_stats_entry(good, sizeof(good), "l2i_packets", 5);
	assert_int_equal(peerstats_take(&ps, good, len, 1.0), 0);
	memcpy(bad, good, len);
	bad[3] = 'X';
	assert_int_equal(peerstats_take(&ps, bad, len, 2.0), -1);
	assert_int_equal(peerstats_take(&ps, good, len - 1, 2.0), -1);
	assert_int_equal(peerstats_take(&ps, good, 0, 2.0), -1);
	assert_int_equal(stats.c[STAT_LINK_PEER_REPORTS], 1);
	assert_int_equal(stats.c[STAT_LINK_PEER_REPORTS_REFUSED], 3);
	assert_int_equal(ps.fs.n, 1);
	assert_int_equal(ps.fs.value[0], 5);
	assert_true(ps.at == 1.0);
}

/* Two enclaves whose reports name different counters (other versions):
 * each name's samples together, under one HELP, each labelled; a peer
 * that never reported shows nothing */
static void test_report_groups_names(void **state)
{
	static struct peerstats a, b, none;
	const struct peerstats *ps[] = {&a, &none, &b};
	const char *names[] = {"a", "n", "b"};
	uint8_t buf[128];
	char out[2048];
	struct report r;
	size_t len;

	(void)state;
	len = frame_encode_stats_entry(buf, sizeof(buf), "x", 1);
	len += frame_encode_stats_entry(buf + len, sizeof(buf) - len, "y", 2);
	assert_int_equal(peerstats_take(&a, buf, len, 10.0), 0);
	len = frame_encode_stats_entry(buf, sizeof(buf), "z", 3);
	len += frame_encode_stats_entry(buf + len, sizeof(buf) - len, "x", 4);
	assert_int_equal(peerstats_take(&b, buf, len, 8.0), 0);
	report_init(&r, out, sizeof(out), REPORT_TEXT, "host");
	peerstats_report(&r, names, ps, 3, 12.5);
	assert_string_equal(out, "reported_age_seconds{enclave=\"a\"} 2\n"
				 "reported_age_seconds{enclave=\"b\"} 4\n"
				 "reported_x{enclave=\"a\"} 1\n"
				 "reported_x{enclave=\"b\"} 4\n"
				 "reported_y{enclave=\"a\"} 2\n"
				 "reported_z{enclave=\"b\"} 3\n");
	report_init(&r, out, sizeof(out), REPORT_PROMETHEUS, "host");
	peerstats_report(&r, names, ps, 3, 12.5);
	assert_non_null(strstr(out, "# TYPE remora_reported_x_total counter\n"
				    "remora_reported_x_total{daemon=\"host\","
				    "enclave=\"a\"} 1\n"
				    "remora_reported_x_total{daemon=\"host\","
				    "enclave=\"b\"} 4\n"));
	assert_null(strstr(strstr(out, "reported_x_total{") + 1,
			   "# HELP remora_reported_x_total"));
	assert_null(strstr(out, "\"n\""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_take),
		cmocka_unit_test(test_refused_keeps_last),
		cmocka_unit_test(test_report_groups_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
