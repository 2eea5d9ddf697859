// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of what becomes of a refused packet (refuse.c) and
 * of the packet trace line (trace.c): every verdict counts in its own
 * l2i_drop_* counter; the kinds only a forging peer sends are said, one
 * line a second at most; at trace level each refusal and each packet gets
 * a line that says what it was, from what was parsed */

#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "remora/log.h"
#include "remora/pkt.h"
#include "remora/refuse.h"
#include "remora/stats.h"
#include "remora/trace.h"

static FILE *captured;
static int saved_stderr = -1;

/* Send stderr (the log) to a file the test reads */
static void capture_start(void)
{
	captured = tmpfile();
	assert_non_null(captured);
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	dup2(fileno(captured), STDERR_FILENO);
}

/* The log written since capture_start(), in @buf */
static const char *capture_end(char *buf, size_t cap)
{
	size_t n;

	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	rewind(captured);
	n = fread(buf, 1, cap - 1, captured);
	buf[n] = '\0';
	fclose(captured);
	return buf;
}

/* Lines of @s that contain @what */
static int count(const char *s, const char *what)
{
	int n = 0;

	while ((s = strstr(s, what))) {
		n++;
		s += strlen(what);
	}
	return n;
}

static void refuse_counts_each_verdict(void **state)
{
	static const struct {
		enum pkt_verdict v;
		enum stat_id id;
	} map[] = {
		{PKT_MALFORMED, STAT_L2I_DROP_MALFORMED},
		{PKT_CHECKSUM, STAT_L2I_DROP_CHECKSUM},
		{PKT_FRAGMENT, STAT_L2I_DROP_FRAGMENT},
		{PKT_PROTO, STAT_L2I_DROP_PROTO},
		{PKT_SRC, STAT_L2I_DROP_SRC},
		{PKT_DST, STAT_L2I_DROP_DST},
		{PKT_PORT, STAT_L2I_DROP_PORT},
		{PKT_POLICY, STAT_L2I_DROP_POLICY},
		{PKT_QUOTE, STAT_L2I_DROP_QUOTE},
		{PKT_QUOTE_SRC, STAT_L2I_DROP_QUOTE_SRC},
		{PKT_QUOTE_DST, STAT_L2I_DROP_QUOTE_DST},
		{PKT_QUOTE_PORT, STAT_L2I_DROP_QUOTE_PORT},
		{PKT_L4_CHECKSUM, STAT_L2I_DROP_L4_CHECKSUM},
		{PKT_TCP_FLAGS, STAT_L2I_DROP_TCP_FLAGS},
	};
	struct pkt_info pi = {.version = 4};
	uint64_t total;
	size_t i;
	int k;

	(void)state;
	log_init("test", LOG_LVL_ERR);
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		memset(&stats, 0, sizeof(stats));
		refuse_count(map[i].v, &pi);
		total = 0;
		for (k = 0; k < STAT_COUNT; k++)
			total += stats.c[k];
		if (stats.c[map[i].id] != 1 || total != 1)
			fail_msg("verdict %s: counted in %s? (%llu of %llu)",
				 pkt_verdict_str(map[i].v),
				 stats_name(map[i].id),
				 (unsigned long long)stats.c[map[i].id],
				 (unsigned long long)total);
	}
	/* a verdict it does not know is a malformed packet */
	memset(&stats, 0, sizeof(stats));
	refuse_count((enum pkt_verdict)99, &pi);
	assert_int_equal(stats.c[STAT_L2I_DROP_MALFORMED], 1);
}

/* Forged kinds are said, at most once a second; the others are not */
static void refuse_says_forged_kinds(void **state)
{
	struct pkt_info pi = {.version = 4};
	char log[4096];
	int i;

	(void)state;
	log_init("test", LOG_LVL_INFO);
	capture_start();
	for (i = 0; i < 1000; i++) {
		refuse_count(PKT_SRC, &pi);
		refuse_count(PKT_MALFORMED, &pi);
	}
	capture_end(log, sizeof(log));
	assert_int_equal(count(log, "\n"), 0);
	/* the rate limit's second of the previous test is over */
	usleep(1100 * 1000);
	capture_start();
	for (i = 0; i < 1000; i++)
		refuse_count(PKT_QUOTE_SRC, &pi);
	refuse_count(PKT_TCP_FLAGS, &pi);
	capture_end(log, sizeof(log));
	/* one line, or two if the second turned over on the way */
	assert_true(count(log, "refused a packet from the peer") >= 1 &&
		    count(log, "refused a packet from the peer") <= 2);
	assert_int_equal(count(log, "\n"),
			 count(log, "refused a packet from the peer"));
	assert_non_null(strstr(log, "warn: refused a packet from the peer: "
				    "quoted source (an ICMP error about a flow "
				    "that is not the enclave's"));
}

/* At trace level, a refusal says its reason and the packet */
static void refuse_traces(void **state)
{
	struct pkt_info pi = {.version = 4,
			      .proto = IPPROTO_UDP,
			      .src = htonl(0xc6120001),
			      .dst = htonl(0xc6120002),
			      .sport = 22,
			      .dport = 9,
			      .len = 30};
	char log[4096];

	(void)state;
	log_init("test", LOG_LVL_TRACE);
	capture_start();
	refuse_count(PKT_PORT, &pi);
	capture_end(log, sizeof(log));
	assert_string_equal(log, "test: trace: refused from peer (port): udp "
				 "198.18.0.1:22 > 198.18.0.2:9 len 30\n");
}

static void trace_lines(void **state)
{
	struct pkt_info icmp6 = {.version = 6,
				 .proto = IPPROTO_ICMPV6,
				 .src6 = {0x20, 0x01, 0x0d, 0xb8, [15] = 2},
				 .dst6 = {0x20, 0x01, 0x0d, 0xb8, [15] = 1},
				 .icmp_type = 128,
				 .len = 64};
	struct pkt_info tcp = {.version = 4,
			       .proto = IPPROTO_TCP,
			       .src = htonl(0x0a000001),
			       .dst = htonl(0x0a000002),
			       .sport = 40000,
			       .dport = 443,
			       .len = 60};
	char log[4096];

	(void)state;
	log_init("test", LOG_LVL_TRACE);
	capture_start();
	trace_pkt("queue -> link", &tcp);
	trace_pkt("link -> injection", &icmp6);
	capture_end(log, sizeof(log));
	assert_string_equal(log,
			    "test: trace: queue -> link: tcp 10.0.0.1:40000 > "
			    "10.0.0.2:443 len 60\n"
			    "test: trace: link -> injection: icmp6 2001:db8::2 "
			    "> 2001:db8::1 type 128 code 0 len 64\n");
	/* below trace level, nothing */
	log_init("test", LOG_LVL_DEBUG);
	capture_start();
	trace_pkt("queue -> link", &tcp);
	capture_end(log, sizeof(log));
	assert_string_equal(log, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refuse_counts_each_verdict),
		cmocka_unit_test(refuse_says_forged_kinds),
		cmocka_unit_test(refuse_traces),
		cmocka_unit_test(trace_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
