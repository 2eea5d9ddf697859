// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of the service manager notifications (notify.c) */

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

#include "remora/notify.h"

static void test_notify_without_manager(void **state)
{
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(notify_send("READY=1"), 0);
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	assert_int_equal(notify_send("READY=1"), -EINVAL);
	unsetenv("NOTIFY_SOCKET");
}

static void test_notify_sends_datagram(void **state)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	/* room for "@" and any name sun_path can hold */
	char buf[sizeof(sun.sun_path) + 1];
	ssize_t n;
	int fd;

	(void)state;
	/* abstract socket: '@' in $NOTIFY_SOCKET */
	snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1,
		 "remora-test-notify-%ld", (long)getpid());
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(
		bind(fd, (struct sockaddr *)&sun,
		     (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
				 strlen(sun.sun_path + 1))),
		0);
	snprintf(buf, sizeof(buf), "@%s", sun.sun_path + 1);
	setenv("NOTIFY_SOCKET", buf, 1);
	assert_int_equal(notify_send("READY=1\nSTATUS=ok"), 1);
	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	assert_int_equal(n, 17);
	buf[n] = '\0';
	assert_string_equal(buf, "READY=1\nSTATUS=ok");
	unsetenv("NOTIFY_SOCKET");
	close(fd);
}

static void test_watchdog_interval(void **state)
{
	char pid[32];

	(void)state;
	unsetenv("WATCHDOG_PID");
	unsetenv("WATCHDOG_USEC");
	assert_true(notify_watchdog_interval() == 0);
	setenv("WATCHDOG_USEC", "2000000", 1);
	assert_true(notify_watchdog_interval() == 1.0);
	setenv("WATCHDOG_PID", "1", 1); /* meant for another process */
	assert_true(notify_watchdog_interval() == 0);
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	assert_true(notify_watchdog_interval() == 1.0);
	setenv("WATCHDOG_USEC", "x", 1);
	assert_true(notify_watchdog_interval() == 0);
	setenv("WATCHDOG_USEC", "0", 1);
	assert_true(notify_watchdog_interval() == 0);
	unsetenv("WATCHDOG_PID");
	unsetenv("WATCHDOG_USEC");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_notify_without_manager),
		cmocka_unit_test(test_notify_sends_datagram),
		cmocka_unit_test(test_watchdog_interval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
