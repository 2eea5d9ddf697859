// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of the kernel queue counters' reader (nfqueue.c):
 * the file is opened at start-up and read again from its start, in pieces,
 * for every report */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "remora/nfqueue.h"

/* A file holding @text, its offset left at the end */
static int file_of(const char *text)
{
	FILE *f = tmpfile();
	int fd;

	assert_non_null(f);
	fd = dup(fileno(f));
	fclose(f);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	return fd;
}

/* One line as the kernel prints it: queue, portid, waiting, copy mode,
 * copy range, queue drops, user drops, id sequence, 1 */
static size_t kernel_line(char *buf, size_t cap, unsigned q)
{
	return (size_t)snprintf(
		buf, cap, "%5u %6u %5u %1u %5u %5u %5u %8u %2d\n", q, 1000 + q,
		q * 3, 2, 65535, q * 5, q * 7, q * 11, 1);
}

static void test_every_queue_of_a_long_file(void **state)
{
	static char text[16384];
	uint64_t total, qdrop, udrop;
	size_t len = 0;
	unsigned q;
	int fd;

	(void)state;
	/* 200 lines, about 10 kB: many lines straddle the reader's pieces */
	for (q = 0; q < 200; q++)
		len += kernel_line(text + len, sizeof(text) - len, q);
	assert_true(len > 4096);
	fd = file_of(text);
	for (q = 0; q < 200; q++) {
		assert_int_equal(nfqueue_stats_read(fd, (uint16_t)q, &total,
						    &qdrop, &udrop),
				 0);
		assert_int_equal(total, q * 3);
		assert_int_equal(qdrop, q * 5);
		assert_int_equal(udrop, q * 7);
	}
	assert_int_equal(nfqueue_stats_read(fd, 200, &total, &qdrop, &udrop),
			 -ENOENT);
	close(fd);
}

static void test_overlong_line_skipped_whole(void **state)
{
	static char text[8192];
	uint64_t total = 0, qdrop = 0, udrop = 0;
	size_t len = 0;
	int fd;

	(void)state;
	/* 3000 bytes without a newline, whose every piece would read as a
	 * line for queue 5 were it taken for one */
	while (len < 3000)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "5 ");
	text[len++] = '\n';
	len += kernel_line(text + len, sizeof(text) - len, 5);
	text[len] = '\0';
	fd = file_of(text);
	assert_int_equal(nfqueue_stats_read(fd, 5, &total, &qdrop, &udrop), 0);
	assert_int_equal(total, 15);
	assert_int_equal(qdrop, 25);
	assert_int_equal(udrop, 35);
	close(fd);
}

static void test_empty_and_bad(void **state)
{
	uint64_t total, qdrop, udrop;
	int fd;

	(void)state;
	fd = file_of("");
	assert_int_equal(nfqueue_stats_read(fd, 0, &total, &qdrop, &udrop),
			 -ENOENT);
	close(fd);
	/* a last line without its newline */
	fd = file_of("    0   1000     3 2 65535     5     7");
	assert_int_equal(nfqueue_stats_read(fd, 0, &total, &qdrop, &udrop), 0);
	assert_int_equal(total, 3);
	assert_int_equal(udrop, 7);
	close(fd);
	/* lines that are not counters, and too few fields */
	fd = file_of("garbage\n    1 2 3\n\n");
	assert_int_equal(nfqueue_stats_read(fd, 1, &total, &qdrop, &udrop),
			 -ENOENT);
	close(fd);
	assert_int_equal(nfqueue_stats_read(-1, 0, &total, &qdrop, &udrop),
			 -EBADF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_queue_of_a_long_file),
		cmocka_unit_test(test_overlong_line_skipped_whole),
		cmocka_unit_test(test_empty_and_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
