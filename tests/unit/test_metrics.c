// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of the metrics endpoint's HTTP answers (metrics.c):
 * the report, errors, the cache and the rate of answers */

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

#include "remora/ctl.h"
#include "remora/metrics.h"
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

static struct ctl test_ctl = {.daemon = "host", .report = sample_report};

static char *respond(const char *req, size_t *len)
{
	static char out[CTL_OUT_MAX + 1];
	static ev_tstamp now;
	size_t start;

	now += 1.0; /* a second apart: never over the rate */
	*len = metrics_respond(&test_ctl, req, out, &start, now);
	assert_true(start + *len <= CTL_OUT_MAX);
	out[start + *len] = '\0';
	return out + start;
}

static void test_http_metrics(void **state)
{
	size_t len;
	char *resp = respond("GET /metrics HTTP/1.1", &len), *body;

	(void)state;
	assert_int_equal(strncmp(resp, "HTTP/1.0 200 OK\r\n", 17), 0);
	assert_non_null(strstr(resp, "Content-Type: text/plain; "
				     "version=0.0.4"));
	body = strstr(resp, "\r\n\r\n") + 4;
	assert_non_null(strstr(body,
			       "remora_q2l_packets_total{daemon=\"host\"} "
			       "1234\n"));
	{
		char want[64];

		snprintf(want, sizeof(want), "Content-Length: %zu\r\n",
			 strlen(body));
		assert_non_null(strstr(resp, want));
	}
	assert_int_equal(len, strlen(resp));
}

static void test_http_query_string_and_head(void **state)
{
	size_t len;
	char *resp;

	(void)state;
	resp = respond("GET /metrics?x=1 HTTP/1.0", &len);
	assert_int_equal(strncmp(resp, "HTTP/1.0 200 ", 13), 0);
	resp = respond("HEAD /metrics HTTP/1.1", &len);
	assert_int_equal(strncmp(resp, "HTTP/1.0 200 ", 13), 0);
	/* HEAD: the head says the body's length, but no body follows */
	assert_non_null(strstr(resp, "\r\n\r\n"));
	assert_string_equal(strstr(resp, "\r\n\r\n"), "\r\n\r\n");
}

static void test_http_errors(void **state)
{
	size_t len;

	(void)state;
	assert_int_equal(strncmp(respond("GET / HTTP/1.1", &len),
				 "HTTP/1.0 404 Not Found\r\n", 24),
			 0);
	assert_int_equal(strncmp(respond("GET /metricsx HTTP/1.1", &len),
				 "HTTP/1.0 404 ", 13),
			 0);
	assert_non_null(strstr(respond("POST /metrics HTTP/1.1", &len),
			       "HTTP/1.0 405 Method Not Allowed\r\n"));
	assert_non_null(strstr(respond("POST /metrics HTTP/1.1", &len),
			       "Allow: GET, HEAD\r\n"));
	assert_int_equal(
		strncmp(respond("GET /metrics", &len), "HTTP/1.0 400 ", 13), 0);
	assert_int_equal(strncmp(respond("garbage", &len), "HTTP/1.0 400 ", 13),
			 0);
	assert_int_equal(strncmp(respond("GET metrics HTTP/1.1", &len),
				 "HTTP/1.0 400 ", 13),
			 0);
	assert_int_equal(strncmp(respond("", &len), "HTTP/1.0 431 ", 13), 0);
}

/* A report that counts how often it is built */
static void counting_report(void *ctx, struct report *r)
{
	int *calls = ctx;

	(*calls)++;
	report_counter(r, "calls", "times built", (uint64_t)*calls);
}

static size_t respond_at(struct ctl *c, const char *req, ev_tstamp now,
			 char *out, char **resp)
{
	size_t start, len = metrics_respond(c, req, out, &start, now);

	out[start + len] = '\0';
	*resp = out + start;
	return len;
}

/* The report is built at most once a second; scrapes in between get the
 * same copy */
static void test_http_render_cache(void **state)
{
	static char out[CTL_OUT_MAX + 1];
	uint64_t r0 = stats.c[STAT_METRICS_RENDERED];
	struct ctl c;
	char *resp;
	int calls = 0, i;

	(void)state;
	assert_int_equal(ctl_init(&c, NULL, "host", counting_report, &calls),
			 0);
	respond_at(&c, "GET /metrics HTTP/1.0", 100.0, out, &resp);
	assert_int_equal(calls, 1);
	assert_non_null(
		strstr(resp, "remora_calls_total{daemon=\"host\"} 1\n"));
	for (i = 1; i < 10; i++) {
		respond_at(&c, "GET /metrics HTTP/1.0", 100.0 + i * 0.099, out,
			   &resp);
		assert_non_null(strstr(resp, "HTTP/1.0 200 OK\r\n"));
		assert_non_null(strstr(
			resp, "remora_calls_total{daemon=\"host\"} 1\n"));
	}
	assert_int_equal(calls, 1);
	/* HEAD and errors build nothing */
	respond_at(&c, "HEAD /metrics HTTP/1.0", 100.95, out, &resp);
	respond_at(&c, "GET / HTTP/1.0", 100.95, out, &resp);
	assert_int_equal(calls, 1);
	/* a second later: built afresh */
	respond_at(&c, "GET /metrics HTTP/1.0", 101.0, out, &resp);
	assert_int_equal(calls, 2);
	assert_non_null(
		strstr(resp, "remora_calls_total{daemon=\"host\"} 2\n"));
	assert_int_equal(stats.c[STAT_METRICS_RENDERED] - r0, 2);
	ctl_close(&c);
}

/* At most CTL_HTTP_RATE requests are answered a second, whatever they
 * ask; the rest get 503 and are counted */
static void test_http_rate(void **state)
{
	static char out[CTL_OUT_MAX + 1];
	uint64_t refused0 = stats.c[STAT_METRICS_REFUSED];
	struct ctl c;
	char *resp;
	int calls = 0, i;

	(void)state;
	assert_int_equal(ctl_init(&c, NULL, "host", counting_report, &calls),
			 0);
	for (i = 0; i < CTL_HTTP_RATE; i++) {
		respond_at(&c,
			   i % 2 ? "GET / HTTP/1.0" : "GET /metrics HTTP/1.0",
			   200.0 + i * 0.01, out, &resp);
		assert_int_equal(strncmp(resp, "HTTP/1.0 ", 9), 0);
		assert_int_not_equal(strncmp(resp, "HTTP/1.0 503", 12), 0);
	}
	respond_at(&c, "GET /metrics HTTP/1.0", 200.5, out, &resp);
	assert_int_equal(
		strncmp(resp, "HTTP/1.0 503 Service Unavailable\r\n", 34), 0);
	assert_non_null(strstr(resp, "Retry-After: 1\r\n"));
	respond_at(&c, "garbage", 200.9, out, &resp);
	assert_int_equal(strncmp(resp, "HTTP/1.0 503 ", 13), 0);
	assert_int_equal(stats.c[STAT_METRICS_REFUSED] - refused0, 2);
	/* the next second answers again */
	respond_at(&c, "GET /metrics HTTP/1.0", 201.0, out, &resp);
	assert_int_equal(strncmp(resp, "HTTP/1.0 200 OK\r\n", 17), 0);
	ctl_close(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http_metrics),
		cmocka_unit_test(test_http_query_string_and_head),
		cmocka_unit_test(test_http_errors),
		cmocka_unit_test(test_http_render_cache),
		cmocka_unit_test(test_http_rate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
