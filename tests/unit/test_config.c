// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of the settings file (config.c) */

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

#include "remora/config.h"

static const struct option longopts[] = {
	{"address", required_argument, NULL, 'a'},
	{"queue", required_argument, NULL, 'q'},
	{"setup-net", no_argument, NULL, 1},
	{"config", required_argument, NULL, 2},
	{"stats", no_argument, NULL, 3},
	{"help", no_argument, NULL, 'h'},
	{"enclave", required_argument, NULL, 4},
	{NULL, 0, NULL, 0},
};
/* a program without sections (remora-enclave) */
static const struct option flatopts[] = {
	{"address", required_argument, NULL, 'a'},
	{NULL, 0, NULL, 0},
};
static const char *const ignore[] = {"nic", "ephemeral", NULL};

/* Parse @text; return the count, the arguments joined by '|' in @joined */
static int parse(const char *text, char *joined, size_t len, char *err)
{
	char *copy = strdup(text), *out[16], keys[1024];
	int n, i;

	assert_non_null(copy);
	n = config_parse_text(copy, longopts, ignore, out, 16, keys,
			      sizeof(keys), err, 128);
	joined[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i)
			strncat(joined, "|", len - strlen(joined) - 1);
		strncat(joined, out[i], len - strlen(joined) - 1);
	}
	free(copy);
	return n;
}

static void test_key_value_lines(void **state)
{
	char j[256], err[128];

	(void)state;
	assert_int_equal(
		parse("address = 10.0.1.23\nqueue=7\n", j, sizeof(j), err), 4);
	assert_string_equal(j, "--address|10.0.1.23|--queue|7");
}

static void test_comments_blanks_crlf(void **state)
{
	char j[256], err[128];

	(void)state;
	assert_int_equal(parse("# remora\n\n   \t\n  # indented comment\r\n"
			       "\taddress   =   10.0.1.23  \r\n",
			       j, sizeof(j), err),
			 2);
	assert_string_equal(j, "--address|10.0.1.23");
}

static void test_last_line_without_newline(void **state)
{
	char j[256], err[128];

	(void)state;
	assert_int_equal(parse("queue = 3", j, sizeof(j), err), 2);
	assert_string_equal(j, "--queue|3");
}

static void test_flag_without_value(void **state)
{
	char j[256], err[128];

	(void)state;
	assert_int_equal(parse("setup-net\n", j, sizeof(j), err), 1);
	assert_string_equal(j, "--setup-net");
	assert_int_equal(parse("setup-net = yes\n", j, sizeof(j), err), 1);
	assert_string_equal(j, "--setup-net");
	assert_int_equal(parse("setup-net = no\n", j, sizeof(j), err), 0);
	assert_int_equal(parse("setup-net = 1\n", j, sizeof(j), err), -1);
	assert_non_null(strstr(err, "line 1: 'setup-net' takes no value"));
}

static void test_ignored_keys(void **state)
{
	char j[256], err[128];

	(void)state;
	assert_int_equal(parse("nic = ens5\nephemeral = 61440-65535\n"
			       "queue = 1\n",
			       j, sizeof(j), err),
			 2);
	assert_string_equal(j, "--queue|1");
}

static void test_unknown_key_names_line(void **state)
{
	char j[256], err[128];

	(void)state;
	assert_int_equal(
		parse("queue = 1\n\nadress = 10.0.0.1\n", j, sizeof(j), err),
		-1);
	assert_string_equal(err, "line 3: unknown setting 'adress'");
}

static void test_refused_keys(void **state)
{
	char j[256], err[128];

	(void)state;
	assert_int_equal(parse("config = /etc/x\n", j, sizeof(j), err), -1);
	assert_non_null(strstr(err, "unknown setting 'config'"));
	assert_int_equal(parse("stats\n", j, sizeof(j), err), -1);
	assert_int_equal(parse("help\n", j, sizeof(j), err), -1);
}

static void test_missing_value(void **state)
{
	char j[256], err[128];

	(void)state;
	assert_int_equal(parse("address =\n", j, sizeof(j), err), -1);
	assert_string_equal(err, "line 1: 'address' needs a value");
	assert_int_equal(parse("address\n", j, sizeof(j), err), -1);
	assert_string_equal(err, "line 1: 'address' needs a value");
}

static void test_space_instead_of_equals(void **state)
{
	char j[256], err[128];

	(void)state;
	assert_int_equal(parse("address 10.0.0.1\n", j, sizeof(j), err), -1);
	assert_non_null(strstr(err, "line 1: expected 'key = value'"));
}

static void test_value_keeps_inner_text(void **state)
{
	char j[256], err[128];

	(void)state;
	/* only the first '=' splits; the value is everything after it */
	assert_int_equal(parse("address = a=b c\n", j, sizeof(j), err), 2);
	assert_string_equal(j, "--address|a=b c");
}

static void test_too_many(void **state)
{
	char text[2048] = "", j[1024], err[128];
	int i;

	(void)state;
	for (i = 0; i < 9; i++)
		strcat(text, "queue = 1\n");
	/* room for 16 arguments: the ninth pair does not fit */
	assert_int_equal(parse(text, j, sizeof(j), err), -1);
	assert_string_equal(err, "line 9: too many settings");
}

/* Run config_expand() in a child on a file; return its exit status and
 * the expanded command line (or the message) */
static int expand(const char *file_text, int argc, char **argv, char *out,
		  size_t len)
{
	char path[] = "/tmp/remora-test-config.XXXXXX";
	int fd, pfd[2], status, i;
	size_t off;
	ssize_t n;
	pid_t pid;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, file_text, strlen(file_text)),
			 (ssize_t)strlen(file_text));
	close(fd);
	for (i = 0; i < argc; i++)
		if (!strcmp(argv[i], "@FILE"))
			argv[i] = path;
	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		config_expand(&argc, &argv, longopts, ignore);
		for (i = 0; i < argc; i++)
			printf("%s%s", i ? " " : "", argv[i]);
		assert_null(argv[argc]);
		fflush(stdout);
		_exit(0);
	}
	close(pfd[1]);
	/* until EOF: a message comes in several writes */
	off = 0;
	while (off < len - 1 &&
	       (n = read(pfd[0], out + off, len - 1 - off)) > 0)
		off += (size_t)n;
	out[off] = '\0';
	close(pfd[0]);
	waitpid(pid, &status, 0);
	unlink(path);
	return WEXITSTATUS(status);
}

static void test_expand_puts_file_first(void **state)
{
	char out[512],
		*argv[] = {"prog", "--queue", "9",	  "--config", "@FILE",
			   "--",   "app",     "--config", "x",	      NULL};

	(void)state;
	assert_int_equal(expand("address = 10.0.1.23\nqueue = 1\n", 9, argv,
				out, sizeof(out)),
			 0);
	/* the file's flags come first so the command line's --queue wins;
	 * what follows "--" (the application's own flags) is untouched */
	assert_string_equal(out, "prog --address 10.0.1.23 --queue 1 --queue 9 "
				 "-- app --config x");
}

static void test_expand_equals_form(void **state)
{
	char out[512], arg[64] = "--config=/tmp/remora-test-config-eq",
		       *argv[] = {"prog", arg, "-q", "5", NULL};
	FILE *f = fopen("/tmp/remora-test-config-eq", "w");

	(void)state;
	assert_non_null(f);
	fputs("queue = 2\n", f);
	fclose(f);
	assert_int_equal(expand("", 4, argv, out, sizeof(out)), 0);
	assert_string_equal(out, "prog --queue 2 -q 5");
	unlink("/tmp/remora-test-config-eq");
}

/* "[enclave NAME]" is "--enclave NAME"; what follows is its */
static void test_sections(void **state)
{
	char j[256], err[128];

	(void)state;
	assert_int_equal(parse("queue = 4\n[enclave web]\naddress = 10.0.1.50\n"
			       "  [enclave\tdb.2]  \naddress = 10.0.1.51\n",
			       j, sizeof(j), err),
			 10);
	assert_string_equal(j, "--queue|4|--enclave|web|--address|10.0.1.50|"
			       "--enclave|db.2|--address|10.0.1.51");
}

/* Anything else in brackets, or a section of no name or two words, is
 * refused with its line; so is a section for a program without enclaves */
static void test_bad_sections(void **state)
{
	static const char *const bad[] = {
		"[enclave]\n",	  "[enclave ]\n", "[enclave a b]\n",
		"[enclaves a]\n", "[host a]\n",	  "[enclave a\n",
		"[]\n",
	};
	char copy[64], *out[16], keys[256], err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char j[256];

		assert_int_equal(parse(bad[i], j, sizeof(j), err), -1);
		assert_true(!strncmp(err, "line 1: ", 8));
	}
	strcpy(copy, "address = 1.2.3.4\n[enclave a]\n");
	assert_int_equal(config_parse_text(copy, flatopts, NULL, out, 16, keys,
					   sizeof(keys), err, sizeof(err)),
			 -1);
	assert_string_equal(err, "line 2: unknown section '[enclave a]' (only "
				 "[enclave NAME], in remora-host's settings)");
}

/* The command line's flags go before the file's first section: they are
 * every enclave's defaults, not the last enclave's */
static void test_expand_command_line_before_sections(void **state)
{
	char out[512],
		*argv[] = {"prog", "--config", "@FILE", "--queue", "9", NULL};

	(void)state;
	assert_int_equal(expand("queue = 1\n[enclave a]\naddress = 1.2.3.4\n"
				"[enclave b]\naddress = 1.2.3.5\n",
				5, argv, out, sizeof(out)),
			 0);
	assert_string_equal(out, "prog --queue 1 --queue 9 --enclave a "
				 "--address 1.2.3.4 --enclave b --address "
				 "1.2.3.5");
}

static void test_expand_without_config(void **state)
{
	char out[512], *argv[] = {"prog", "--queue", "9", NULL};

	(void)state;
	assert_int_equal(expand("", 3, argv, out, sizeof(out)), 0);
	assert_string_equal(out, "prog --queue 9");
}

static void test_expand_errors_exit_2(void **state)
{
	char out[512], *argv[] = {"prog", "--config", "@FILE", NULL},
		       *missing[] = {"prog", "--config",
				     "/nonexistent/remora.conf", NULL},
		       *novalue[] = {"prog", "--config", NULL};

	(void)state;
	assert_int_equal(expand("bogus = 1\n", 3, argv, out, sizeof(out)), 2);
	assert_non_null(strstr(out, "line 1: unknown setting 'bogus'"));
	assert_int_equal(expand("", 3, missing, out, sizeof(out)), 2);
	assert_non_null(strstr(out, "cannot read /nonexistent/remora.conf: "
				    "No such file or directory"));
	assert_int_equal(expand("", 2, novalue, out, sizeof(out)), 2);
	assert_non_null(strstr(out, "'--config' needs a value"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_value_lines),
		cmocka_unit_test(test_comments_blanks_crlf),
		cmocka_unit_test(test_last_line_without_newline),
		cmocka_unit_test(test_flag_without_value),
		cmocka_unit_test(test_ignored_keys),
		cmocka_unit_test(test_unknown_key_names_line),
		cmocka_unit_test(test_refused_keys),
		cmocka_unit_test(test_missing_value),
		cmocka_unit_test(test_space_instead_of_equals),
		cmocka_unit_test(test_value_keeps_inner_text),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_expand_puts_file_first),
		cmocka_unit_test(test_expand_equals_form),
		cmocka_unit_test(test_expand_without_config),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_bad_sections),
		cmocka_unit_test(test_expand_command_line_before_sections),
		cmocka_unit_test(test_expand_errors_exit_2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
