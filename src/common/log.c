// SPDX-License-Identifier: Apache-2.0
/* remora - levelled logging to stderr
 *
 * Under systemd (JOURNAL_STREAM set) each line carries a "<N>" syslog
 * priority prefix, which journald turns into the entry's priority; elsewhere
 * (a terminal, PID 2 in the enclave) lines read "ident: level: message".
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "remora/log.h"

enum log_level log_level = LOG_LVL_INFO;
static const char *log_ident = "remora";
static int log_journal;

static const char *const log_names[] = {"error", "warn", "info", "debug",
					"trace"};
static const int log_syslog_prio[] = {3, 4, 6, 7, 7};

/**
 * log_init() - set identity and threshold
 * @ident:	program name put on every line
 * @level:	lines above this level are not printed
 */
void log_init(const char *ident, enum log_level level)
{
	log_ident = ident;
	log_level = level;
	log_journal = getenv("JOURNAL_STREAM") != NULL;
}

/**
 * log_parse_level() - parse a level name
 * @s:	"error", "warn", "info", "debug" or "trace"
 * @level:	result
 *
 * Return: 0 on success, -EINVAL if @s names no level
 */
int log_parse_level(const char *s, enum log_level *level)
{
	size_t i;

	for (i = 0; i < sizeof(log_names) / sizeof(log_names[0]); i++) {
		if (!strcasecmp(s, log_names[i])) {
			*level = (enum log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

static void log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	char line[1024];
	int n;

	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	if (log_journal)
		fprintf(stderr, "<%d>%s\n", log_syslog_prio[level], line);
	else
		fprintf(stderr, "%s: %s: %s\n", log_ident, log_names[level],
			line);
}

/**
 * log_msg() - print one line if @level is within the threshold
 * @level:	severity
 * @fmt:	printf format
 */
void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

/**
 * die() - print an error and exit with status 1; start-up only
 * @fmt:	printf format
 */
void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LVL_ERR, fmt, ap);
	va_end(ap);
	exit(EXIT_FAILURE);
}

/**
 * log_ratelimit_ok() - may a repeated event print a line now?
 * @rl:	state of this event
 * @suppressed:	set to the number of events swallowed since the last line
 *
 * One line per second at most, so a flood of bad packets costs a counter
 * increment, not a write to the journal.
 *
 * Return: 1 if the caller should print, 0 if the event was counted only
 */
int log_ratelimit_ok(struct log_ratelimit *rl, unsigned long *suppressed)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	if (rl->last && ts.tv_sec == rl->last) {
		rl->suppressed++;
		return 0;
	}
	rl->last = ts.tv_sec;
	*suppressed = rl->suppressed;
	rl->suppressed = 0;
	return 1;
}
