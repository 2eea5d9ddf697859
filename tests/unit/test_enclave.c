// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of remora-enclave's PID 2 helpers: the port range of
 * --ports, lo's MTU of --mtu, the queue number put in the rules, the exit
 * status it takes from its application, its crash line (netsetup.c, app.c) */

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
#include "crash.h"
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

static void test_mtu(void **state)
{
	uint32_t mtu = 0;

	(void)state;
	assert_int_equal(netsetup_parse_mtu("9001", &mtu), 0);
	assert_int_equal(mtu, 9001);
	assert_int_equal(netsetup_parse_mtu("1280", &mtu), 0);
	assert_int_equal(mtu, 1280);
	assert_int_equal(netsetup_parse_mtu("65536", &mtu), 0);
	assert_int_equal(mtu, 65536);
	assert_int_equal(netsetup_parse_mtu("1279", &mtu), -1);
	assert_int_equal(netsetup_parse_mtu("65537", &mtu), -1);
	assert_int_equal(netsetup_parse_mtu("0", &mtu), -1);
	assert_int_equal(netsetup_parse_mtu("-1500", &mtu), -1);
	assert_int_equal(netsetup_parse_mtu("+1500", &mtu), -1);
	assert_int_equal(netsetup_parse_mtu(" 1500", &mtu), -1);
	assert_int_equal(netsetup_parse_mtu("1500 ", &mtu), -1);
	assert_int_equal(netsetup_parse_mtu("0x5dc", &mtu), -1);
	assert_int_equal(netsetup_parse_mtu("99999999999999999999", &mtu), -1);
	assert_int_equal(netsetup_parse_mtu("", &mtu), -1);
	assert_int_equal(mtu, 65536); /* refusals leave it alone */
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

static void test_crash_text(void **state)
{
	char buf[128];
	size_t n;

	(void)state;
	n = crash_text(11, 2, buf, sizeof(buf));
	buf[n] = '\0';
	assert_string_equal(buf, "remora-enclave: FATAL: crashed with signal "
				 "11 (pid 2); the enclave has no network\n");
	n = crash_text(6, 4194304, buf, sizeof(buf));
	buf[n] = '\0';
	assert_string_equal(buf, "remora-enclave: FATAL: crashed with signal "
				 "6 (pid 4194304); the enclave has no "
				 "network\n");
	/* cut, never overrun */
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(crash_text(11, 2, buf, 10), 10);
	assert_memory_equal(buf, "remora-enc", 10);
	assert_int_equal(buf[10], 'x');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_port_range),
		cmocka_unit_test(test_mtu),
		cmocka_unit_test(test_rules_queue_number),
		cmocka_unit_test(test_rules_every_queue_and_only_whole_tokens),
		cmocka_unit_test(test_rules_refused),
		cmocka_unit_test(test_exit_status),
		cmocka_unit_test(test_crash_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
