// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of port sets (portset.c) */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "remora/portset.h"

static struct portset ps, other;

static int reset(void **state)
{
	(void)state;
	/* start each test from a full set, so parse must clear it */
	memset(&ps, 0xff, sizeof(ps));
	portset_clear(&other);
	return 0;
}

static void parse_single(void **state)
{
	(void)state;
	assert_int_equal(portset_parse(&ps, "22"), 0);
	assert_int_equal(portset_count(&ps), 1);
	assert_true(portset_has(&ps, 22));
	assert_false(portset_has(&ps, 21));
	assert_false(portset_has(&ps, 23));
	assert_false(portset_has(&ps, 0));
	assert_false(portset_has(&ps, 65535));
}

static void parse_list(void **state)
{
	(void)state;
	assert_int_equal(portset_parse(&ps, "80,443,1024-61439"), 0);
	assert_int_equal(portset_count(&ps), 2 + (61439 - 1024 + 1));
	assert_true(portset_has(&ps, 80));
	assert_true(portset_has(&ps, 443));
	assert_true(portset_has(&ps, 1024));
	assert_true(portset_has(&ps, 30000));
	assert_true(portset_has(&ps, 61439));
	assert_false(portset_has(&ps, 81));
	assert_false(portset_has(&ps, 1023));
	assert_false(portset_has(&ps, 61440));
}

static void parse_colon_range(void **state)
{
	(void)state;
	assert_int_equal(portset_parse(&ps, "1024:2048"), 0);
	assert_int_equal(portset_count(&ps), 1025);
	assert_true(portset_has(&ps, 1024));
	assert_true(portset_has(&ps, 2048));
	assert_false(portset_has(&ps, 1023));
	assert_false(portset_has(&ps, 2049));
}

static void parse_edges(void **state)
{
	(void)state;
	assert_int_equal(portset_parse(&ps, "0-65535"), 0);
	assert_int_equal(portset_count(&ps), 65536);
	assert_int_equal(portset_parse(&ps, "65535"), 0);
	assert_int_equal(portset_count(&ps), 1);
	assert_true(portset_has(&ps, 65535));
	assert_int_equal(portset_parse(&ps, "0"), 0);
	assert_int_equal(portset_count(&ps), 1);
	assert_true(portset_has(&ps, 0));
	/* a one-port range, and overlaps counted once */
	assert_int_equal(portset_parse(&ps, "7-7,5-10,8"), 0);
	assert_int_equal(portset_count(&ps), 6);
}

static void parse_empty(void **state)
{
	(void)state;
	assert_int_equal(portset_parse(&ps, ""), 0);
	assert_int_equal(portset_count(&ps), 0);
	memset(&ps, 0xff, sizeof(ps));
	assert_int_equal(portset_parse(&ps, "none"), 0);
	assert_int_equal(portset_count(&ps), 0);
	assert_false(portset_has(&ps, 0));
}

static void parse_errors(void **state)
{
	(void)state;
	assert_int_equal(portset_parse(&ps, "65536"), -ERANGE);
	assert_int_equal(portset_parse(&ps, "1-65536"), -ERANGE);
	assert_int_equal(portset_parse(&ps, "99999999999"), -ERANGE);
	assert_int_equal(portset_parse(&ps, "10-5"), -EINVAL);
	assert_int_equal(portset_parse(&ps, "10-9"), -EINVAL);
	assert_int_equal(portset_parse(&ps, "1:0"), -EINVAL);
	assert_int_equal(portset_parse(&ps, "a"), -EINVAL);
	assert_int_equal(portset_parse(&ps, "1,,2"), -EINVAL);
	assert_int_equal(portset_parse(&ps, "1-"), -EINVAL);
	assert_int_equal(portset_parse(&ps, "1,"), -EINVAL);
	assert_int_equal(portset_parse(&ps, ",1"), -EINVAL);
	assert_int_equal(portset_parse(&ps, "-5"), -EINVAL);
	assert_int_equal(portset_parse(&ps, "1-2-3"), -EINVAL);
	assert_int_equal(portset_parse(&ps, " 22"), -EINVAL);
	assert_int_equal(portset_parse(&ps, "22 "), -EINVAL);
	assert_int_equal(portset_parse(&ps, "22;80"), -EINVAL);
	assert_int_equal(portset_parse(&ps, "NONE"), -EINVAL);
}

static void add_range_and_count(void **state)
{
	(void)state;
	portset_clear(&ps);
	assert_int_equal(portset_count(&ps), 0);
	portset_add_range(&ps, 63, 64); /* crosses a word boundary */
	assert_int_equal(portset_count(&ps), 2);
	assert_true(portset_has(&ps, 63));
	assert_true(portset_has(&ps, 64));
	portset_add_range(&ps, 65535, 65535);
	assert_int_equal(portset_count(&ps), 3);
	portset_add_range(&ps, 0, 65535);
	assert_int_equal(portset_count(&ps), 65536);
}

static void format_round_trip(void **state)
{
	static const char *const cases[] = {
		"80,443,1024-61439", "22",	"0", "65535",
		"0-65535",	     "1,3,5-6", "",
	};
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(portset_parse(&ps, cases[i]), 0);
		memset(buf, 'x', sizeof(buf));
		assert_int_equal(portset_format(&ps, buf, sizeof(buf)), 0);
		assert_string_equal(buf, cases[i]);
	}
}

static void format_normalises(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(portset_parse(&ps, "443,80,1024:2000,2001,81"), 0);
	assert_int_equal(portset_format(&ps, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "80-81,443,1024-2001");
	assert_int_equal(portset_parse(&ps, "none"), 0);
	assert_int_equal(portset_format(&ps, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

static void format_nospace(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(portset_parse(&ps, "80,443"), 0);
	/* "80,443" needs 7 bytes with its NUL */
	assert_int_equal(portset_format(&ps, buf, 7), 0);
	assert_string_equal(buf, "80,443");
	assert_int_equal(portset_format(&ps, buf, 6), -ENOSPC);
	assert_int_equal(portset_format(&ps, buf, 3), -ENOSPC);
	assert_int_equal(portset_format(&ps, buf, 2), -ENOSPC);
	assert_int_equal(portset_format(&ps, buf, 0), -ENOSPC);
	assert_int_equal(portset_parse(&ps, "1024-61439"), 0);
	assert_int_equal(portset_format(&ps, buf, 10), -ENOSPC);
	assert_int_equal(portset_format(&ps, buf, 11), 0);
	/* the empty set fits in one byte */
	portset_clear(&ps);
	assert_int_equal(portset_format(&ps, buf, 1), 0);
	assert_string_equal(buf, "");
}

static void subtract(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(portset_parse(&ps, "1-100"), 0);
	assert_int_equal(portset_parse(&other, "50-60,100,200"), 0);
	portset_subtract(&ps, &other);
	assert_int_equal(portset_count(&ps), 100 - 11 - 1);
	assert_false(portset_has(&ps, 50));
	assert_false(portset_has(&ps, 60));
	assert_false(portset_has(&ps, 100));
	assert_true(portset_has(&ps, 49));
	assert_true(portset_has(&ps, 61));
	assert_int_equal(portset_format(&ps, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "1-49,61-99");
	/* @out is left alone */
	assert_int_equal(portset_count(&other), 13);

	/* subtracting everything leaves nothing */
	assert_int_equal(portset_parse(&other, "0-65535"), 0);
	portset_subtract(&ps, &other);
	assert_int_equal(portset_count(&ps), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(parse_single, reset),
		cmocka_unit_test_setup(parse_list, reset),
		cmocka_unit_test_setup(parse_colon_range, reset),
		cmocka_unit_test_setup(parse_edges, reset),
		cmocka_unit_test_setup(parse_empty, reset),
		cmocka_unit_test_setup(parse_errors, reset),
		cmocka_unit_test_setup(add_range_and_count, reset),
		cmocka_unit_test_setup(format_round_trip, reset),
		cmocka_unit_test_setup(format_normalises, reset),
		cmocka_unit_test_setup(format_nospace, reset),
		cmocka_unit_test_setup(subtract, reset),
	};

	return cmocka_run_group_tests_name("portset", tests, NULL, NULL);
}
