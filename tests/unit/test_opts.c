// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of command-line value parsing (opts.c)
 *
 * A bad value makes the daemon exit with status 2; those cases run in a
 * forked child whose exit status and message are checked.
 */

#include <arpa/inet.h>
#include <getopt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "remora/opts.h"
#include "remora/transport.h"

#define CHILD_RETURNED 99 /* the call under test returned instead of exiting */
#define CHILD_WRONG    98 /* it returned, but not the value expected */

enum call_kind {
	CALL_U32,
	CALL_SECONDS,
	CALL_IPV4,
	CALL_LINK,
	CALL_COMMON,
	CALL_CHECK,
};

/**
 * struct call - one call made in a child
 * @kind:	which function
 * @flag:	option name passed to it
 * @s:		value text
 * @min:	lower bound (CALL_U32, CALL_SECONDS)
 * @max:	upper bound (CALL_U32, CALL_SECONDS)
 * @c:		option character (CALL_COMMON)
 * @o:		options checked (CALL_CHECK)
 * @expect:	value CALL_U32 must return, if it returns
 */
struct call {
	enum call_kind kind;
	const char *flag;
	const char *s;
	double min, max;
	int c;
	struct opts_common o;
	uint32_t expect;
};

/* Make the call; Return: CHILD_RETURNED, or CHILD_WRONG for a wrong value */
static int do_call(const struct call *c)
{
	struct transport_addr a;
	struct opts_common o;
	char *argv[] = {"remora-test", NULL};

	switch (c->kind) {
	case CALL_U32:
		if (opts_u32(c->flag, c->s, (uint32_t)c->min,
			     (uint32_t)c->max) != c->expect)
			return CHILD_WRONG;
		break;
	case CALL_SECONDS:
		opts_seconds(c->flag, c->s, c->min, c->max);
		break;
	case CALL_IPV4:
		opts_ipv4(c->flag, c->s);
		break;
	case CALL_LINK:
		opts_link(c->flag, c->s, &a);
		break;
	case CALL_COMMON:
		opts_common_init(&o, "remora-test");
		opts_common_parse(&o, c->c, c->s, "usage\n");
		break;
	case CALL_CHECK:
		optind = 1;
		opts_common_check(&c->o, 1, argv);
		break;
	}
	return CHILD_RETURNED;
}

/**
 * run_child() - make a call in a child, collect its exit status and stderr
 * @c:		the call
 * @msg:	stderr of the child, NUL-terminated
 * @len:	size of @msg
 *
 * Return: exit status, or -1 if the child did not exit normally
 */
static int run_child(const struct call *c, char *msg, size_t len)
{
	size_t off = 0;
	ssize_t n;
	int pfd[2], status;
	pid_t pid;

	assert_int_equal(pipe(pfd), 0);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pfd[0]);
		dup2(pfd[1], STDERR_FILENO);
		close(pfd[1]);
		opts_init("remora-test");
		_exit(do_call(c));
	}
	close(pfd[1]);
	while (off + 1 < len &&
	       (n = read(pfd[0], msg + off, len - 1 - off)) > 0)
		off += (size_t)n;
	msg[off] = '\0';
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The call must exit 2 with a message naming the flag and the value */
static void expect_usage_exit(const struct call *c)
{
	char msg[1024];
	int st = run_child(c, msg, sizeof(msg));

	if (st != OPTS_EXIT_USAGE)
		fail_msg("%s '%s': exit status %d, expected %d (stderr: %s)",
			 c->flag, c->s, st, OPTS_EXIT_USAGE, msg);
	if (strncmp(msg, "remora-test: ", 13))
		fail_msg("message lacks the program name: %s", msg);
	if (c->flag && !strstr(msg, c->flag))
		fail_msg("message does not name %s: %s", c->flag, msg);
	if (c->s && *c->s && !strstr(msg, c->s))
		fail_msg("message does not quote '%s': %s", c->s, msg);
}

static void bad_u32(const char *s, uint32_t min, uint32_t max)
{
	struct call c = {.kind = CALL_U32,
			 .flag = "--queue",
			 .s = s,
			 .min = min,
			 .max = max};

	expect_usage_exit(&c);
}

static void bad_seconds(const char *s, double min, double max)
{
	struct call c = {.kind = CALL_SECONDS,
			 .flag = "--keepalive",
			 .s = s,
			 .min = min,
			 .max = max};

	expect_usage_exit(&c);
}

static void bad_ipv4(const char *s)
{
	struct call c = {.kind = CALL_IPV4, .flag = "--address", .s = s};

	expect_usage_exit(&c);
}

static void u32_good(void **state)
{
	(void)state;
	assert_int_equal(opts_u32("--queue", "0", 0, 65535), 0);
	assert_int_equal(opts_u32("--queue", "7", 0, 65535), 7);
	assert_int_equal(opts_u32("--queue", "65535", 0, 65535), 65535);
	assert_int_equal(opts_u32("--mark", "0x52", 1, 0xffffffffU), 0x52);
	assert_int_equal(opts_u32("--mark", "0XfF", 1, 0xffffffffU), 0xff);
	assert_int_equal(opts_u32("--mark", "4294967295", 1, 0xffffffffU),
			 0xffffffffU);
	assert_int_equal(opts_u32("--enclave-cid", "3", 3, 0xfffffffeU), 3);
}

static void u32_bad(void **state)
{
	(void)state;
	bad_u32("", 0, 65535);
	bad_u32("-1", 0, 65535);
	bad_u32("abc", 0, 65535);
	bad_u32("12abc", 0, 65535);
	bad_u32("1.5", 0, 65535);
	bad_u32("0x", 0, 65535);
	bad_u32("65536", 0, 65535);
	bad_u32("0", 1, 65535);
	bad_u32("2", 3, 10);
	bad_u32("4294967296", 0, 0xffffffffU);
	bad_u32("99999999999999999999999", 0, 0xffffffffU);
}

/* A value that must be accepted, checked in a child in case it is not */
static void good_u32_in_child(const char *s, uint32_t expect)
{
	struct call c = {.kind = CALL_U32,
			 .flag = "--queue",
			 .s = s,
			 .min = 0,
			 .max = 65535,
			 .expect = expect};
	char msg[1024];
	int st = run_child(&c, msg, sizeof(msg));

	if (st == CHILD_WRONG)
		fail_msg("opts_u32(\"%s\") did not return %u", s, expect);
	if (st != CHILD_RETURNED)
		fail_msg("opts_u32(\"%s\") exited with status %d: %s", s, st,
			 msg);
}

/* The documented syntax is decimal or 0x-hexadecimal: a leading zero must
 * not switch to octal ("010" is ten, "08" is eight). */
static void u32_leading_zero_is_decimal(void **state)
{
	(void)state;
	good_u32_in_child("007", 7);
	good_u32_in_child("010", 10);
	good_u32_in_child("08", 8);
}

static void seconds_good(void **state)
{
	(void)state;
	assert_true(opts_seconds("--keepalive", "1", 0.05, 3600) == 1.0);
	assert_true(opts_seconds("--keepalive", "0.5", 0.05, 3600) == 0.5);
	assert_true(opts_seconds("--keepalive", "0.05", 0.05, 3600) == 0.05);
	assert_true(opts_seconds("--keepalive", "3600", 0.05, 3600) == 3600.0);
	assert_true(opts_seconds("--peer-timeout", "2.5e1", 0.1, 86400) ==
		    25.0);
}

static void seconds_bad(void **state)
{
	(void)state;
	bad_seconds("", 0.05, 3600);
	bad_seconds("abc", 0.05, 3600);
	bad_seconds("1s", 0.05, 3600);
	bad_seconds("-1", 0.05, 3600);
	bad_seconds("0", 0.05, 3600);
	bad_seconds("0.01", 0.05, 3600);
	bad_seconds("3601", 0.05, 3600);
	bad_seconds("nan", 0.05, 3600);
	bad_seconds("inf", 0.05, 3600);
	bad_seconds("1e999", 0.05, 3600);
}

static void ipv4_good(void **state)
{
	(void)state;
	assert_int_equal(opts_ipv4("--address", "10.0.0.1"), htonl(0x0a000001));
	assert_int_equal(opts_ipv4("--address", "172.31.5.9"),
			 htonl(0xac1f0509));
	assert_int_equal(opts_ipv4("--address", "0.0.0.0"), 0);
	assert_int_equal(opts_ipv4("--address", "255.255.255.255"),
			 0xffffffffU);
}

static void ipv4_bad(void **state)
{
	(void)state;
	bad_ipv4("");
	bad_ipv4("10.0.0");
	bad_ipv4("10.0.0.256");
	bad_ipv4("10.0.0.1.2");
	bad_ipv4("::1");
	bad_ipv4("host.example");
	bad_ipv4("10.0.0.1/24");
	bad_ipv4(" 10.0.0.1");
}

static void link_addr(void **state)
{
	struct transport_addr a;
	struct call c = {.kind = CALL_LINK, .flag = "--connect"};

	(void)state;
	opts_link("--connect", "vsock:3:5000", &a);
	assert_int_equal(a.kind, TRANSPORT_VSOCK);
	assert_int_equal(a.cid, 3);
	assert_int_equal(a.port, 5000);
	opts_link("--listen", "unix:/tmp/x.sock", &a);
	assert_int_equal(a.kind, TRANSPORT_UNIX);
	assert_string_equal(a.path, "/tmp/x.sock");

	c.s = "udp:1:2";
	expect_usage_exit(&c);
	c.s = "vsock:3";
	expect_usage_exit(&c);
	c.s = "tcp:example.com:80";
	expect_usage_exit(&c);
}

static void common_defaults_and_values(void **state)
{
	struct opts_common o;

	(void)state;
	opts_common_init(&o, "remora-test");
	assert_int_equal(o.have_addr, 0);
	assert_true(o.ka_interval == 1.0);
	assert_true(o.peer_timeout == 5.0);
	assert_int_equal(o.level, LOG_LVL_INFO);
	assert_true(o.queue_maxlen > 0);

	assert_int_equal(opts_common_parse(&o, 'a', "172.31.5.9", ""), 1);
	assert_int_equal(o.addr, htonl(0xac1f0509));
	assert_int_equal(o.have_addr, 1);
	assert_int_equal(opts_common_parse(&o, 'q', "7", ""), 1);
	assert_int_equal(o.queue, 7);
	assert_int_equal(opts_common_parse(&o, OPTS_QUEUE_MAXLEN, "4096", ""),
			 1);
	assert_int_equal(o.queue_maxlen, 4096);
	assert_int_equal(opts_common_parse(&o, 'k', "0.25", ""), 1);
	assert_true(o.ka_interval == 0.25);
	assert_int_equal(opts_common_parse(&o, 't', "3", ""), 1);
	assert_true(o.peer_timeout == 3.0);
	assert_int_equal(opts_common_parse(&o, 'v', "debug", ""), 1);
	assert_int_equal(o.level, LOG_LVL_DEBUG);
	/* not a common option */
	assert_int_equal(opts_common_parse(&o, 'l', "x", ""), 0);
	assert_int_equal(opts_common_parse(&o, 'c', "x", ""), 0);
}

static void common_bad_values(void **state)
{
	struct call c = {.kind = CALL_COMMON};

	(void)state;
	c.c = 'q';
	c.flag = "--queue";
	c.s = "65536";
	expect_usage_exit(&c);
	c.c = OPTS_QUEUE_MAXLEN;
	c.flag = "--queue-maxlen";
	c.s = "0";
	expect_usage_exit(&c);
	c.c = 'k';
	c.flag = "--keepalive";
	c.s = "0.01";
	expect_usage_exit(&c);
	c.c = 't';
	c.flag = "--peer-timeout";
	c.s = "0.05";
	expect_usage_exit(&c);
	c.c = 'v';
	c.flag = "--log-level";
	c.s = "loud";
	expect_usage_exit(&c);
	c.c = 'a';
	c.flag = "--address";
	c.s = "10.0.0.300";
	expect_usage_exit(&c);
}

static void common_check(void **state)
{
	struct call c = {.kind = CALL_CHECK};
	char msg[1024];

	(void)state;
	opts_common_init(&c.o, "remora-test");
	c.o.have_addr = 1;
	c.o.addr = htonl(0xc6120001); /* 198.18.0.1 */
	/* consistent options: the check returns */
	assert_int_equal(run_child(&c, msg, sizeof(msg)), CHILD_RETURNED);
	assert_string_equal(msg, "");

	/* --address missing */
	c.o.have_addr = 0;
	c.flag = "--address";
	expect_usage_exit(&c);
	/* an address that cannot be shared: loopback, unspecified, multicast */
	c.o.have_addr = 1;
	c.flag = "--address";
	c.o.addr = htonl(0x7f000001);
	expect_usage_exit(&c);
	c.o.addr = 0;
	expect_usage_exit(&c);
	c.o.addr = htonl(0xe0000001);
	expect_usage_exit(&c);
	c.o.addr = htonl(0xc6120001);
	/* peer timeout not longer than the keepalive interval */
	c.o.ka_interval = 5;
	c.o.peer_timeout = 5;
	c.flag = "--peer-timeout";
	expect_usage_exit(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(u32_good),
		cmocka_unit_test(u32_bad),
		cmocka_unit_test(u32_leading_zero_is_decimal),
		cmocka_unit_test(seconds_good),
		cmocka_unit_test(seconds_bad),
		cmocka_unit_test(ipv4_good),
		cmocka_unit_test(ipv4_bad),
		cmocka_unit_test(link_addr),
		cmocka_unit_test(common_defaults_and_values),
		cmocka_unit_test(common_bad_values),
		cmocka_unit_test(common_check),
	};

	return cmocka_run_group_tests_name("opts", tests, NULL, NULL);
}
