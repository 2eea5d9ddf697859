// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of remora-enclave's PID 2 helpers: the port range of
 * --ports, the queue number put in the rules, the exit status it takes from
 * its application (netsetup.c, app.c) */

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "app.h"
#include "netsetup.h"

static void test_port_range(void **state)
{
	uint16_t lo = 0, hi = 0;

	(void)state;
	assert_int_equal(netsetup_parse_range("32768-60999", &lo, &hi), 0);
	assert_int_equal(lo, 32768);
	assert_int_equal(hi, 60999);
	assert_int_equal(netsetup_parse_range("1-65535", &lo, &hi), 0);
	assert_int_equal(netsetup_parse_range("8000-8000", &lo, &hi), 0);
	assert_int_equal(lo, 8000);
	assert_int_equal(hi, 8000);
	assert_int_equal(netsetup_parse_range("0-10", &lo, &hi), -1);
	assert_int_equal(netsetup_parse_range("10-9", &lo, &hi), -1);
	assert_int_equal(netsetup_parse_range("1-65536", &lo, &hi), -1);
	assert_int_equal(netsetup_parse_range("1000", &lo, &hi), -1);
	assert_int_equal(netsetup_parse_range("1000-", &lo, &hi), -1);
	assert_int_equal(netsetup_parse_range("-1000", &lo, &hi), -1);
	assert_int_equal(netsetup_parse_range(" 1-2", &lo, &hi), -1);
	assert_int_equal(netsetup_parse_range("1--2", &lo, &hi), -1);
	assert_int_equal(netsetup_parse_range("1-2x", &lo, &hi), -1);
	assert_int_equal(netsetup_parse_range("", &lo, &hi), -1);
}

static void test_rules_queue_number(void **state)
{
	const char *in = "*filter\n-A REMORA-OUT -j NFQUEUE --queue-num 0\n"
			 "COMMIT\n";
	char out[256];

	(void)state;
	assert_int_equal(netsetup_rules_text(in, 7, out, sizeof(out)),
			 (int)strlen(in));
	assert_string_equal(out, "*filter\n-A REMORA-OUT -j NFQUEUE "
				 "--queue-num 7\nCOMMIT\n");
	assert_true(netsetup_rules_text(in, 65535, out, sizeof(out)) > 0);
	assert_non_null(strstr(out, "--queue-num 65535\n"));
	assert_true(netsetup_rules_text(in, 0, out, sizeof(out)) > 0);
	assert_string_equal(out, in);
}

static void test_rules_every_queue_and_only_whole_tokens(void **state)
{
	const char *in = "-A X -j NFQUEUE --queue-num 0\n"
			 "-A Y -j NFQUEUE --queue-num 01\n"
			 "-A Z -j NFQUEUE --queue-num 0 --queue-bypass\n";
	char out[256];

	(void)state;
	assert_true(netsetup_rules_text(in, 3, out, sizeof(out)) > 0);
	assert_string_equal(out,
			    "-A X -j NFQUEUE --queue-num 3\n"
			    "-A Y -j NFQUEUE --queue-num 01\n"
			    "-A Z -j NFQUEUE --queue-num 3 --queue-bypass\n");
}

static void test_rules_refused(void **state)
{
	char out[40];

	(void)state;
	/* no queue at all: such a file would send nothing to remora */
	assert_int_equal(
		netsetup_rules_text("*filter\nCOMMIT\n", 1, out, sizeof(out)),
		-1);
	/* does not fit */
	assert_int_equal(netsetup_rules_text("-A REMORA-OUT -j NFQUEUE "
					     "--queue-num 0 and a long tail",
					     1, out, sizeof(out)),
			 -1);
}

static void test_exit_status(void **state)
{
	int st;
	pid_t pid;

	(void)state;
	pid = fork();
	if (!pid)
		_exit(3);
	waitpid(pid, &st, 0);
	assert_int_equal(app_exit_status(st), 3);
	pid = fork();
	if (!pid) {
		pause();
		_exit(0);
	}
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	assert_int_equal(app_exit_status(st), 128 + SIGTERM);
	pid = fork();
	if (!pid)
		_exit(0);
	waitpid(pid, &st, 0);
	assert_int_equal(app_exit_status(st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_port_range),
		cmocka_unit_test(test_rules_queue_number),
		cmocka_unit_test(test_rules_every_queue_and_only_whole_tokens),
		cmocka_unit_test(test_rules_refused),
		cmocka_unit_test(test_exit_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
