/* SPDX-License-Identifier: Apache-2.0 */
/* remora - levelled logging to stderr, one line per event */
#ifndef REMORA_LOG_H
#define REMORA_LOG_H

#include <stdnoreturn.h>
#include <time.h>

/**
 * enum log_level - severity, lower is more severe
 */
enum log_level {
	LOG_LVL_OFF = -1, /* nothing printed: for fuzzing */
	LOG_LVL_ERR = 0,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
	LOG_LVL_TRACE,
};

extern enum log_level log_level;

void log_init(const char *ident, enum log_level level);
int log_parse_level(const char *s, enum log_level *level);
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define err(...)  log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
/* debug and trace cost one comparison when off: usable on the packet path */
#define debug(...)                                           \
	do {                                                 \
		if (log_level >= LOG_LVL_DEBUG)              \
			log_msg(LOG_LVL_DEBUG, __VA_ARGS__); \
	} while (0)
#define trace(...)                                           \
	do {                                                 \
		if (log_level >= LOG_LVL_TRACE)              \
			log_msg(LOG_LVL_TRACE, __VA_ARGS__); \
	} while (0)

/**
 * struct log_ratelimit - at most one line per interval for a repeated event
 * @last:	monotonic second of the last line printed
 * @suppressed:	events not printed since
 */
struct log_ratelimit {
	time_t last;
	unsigned long suppressed;
};

int log_ratelimit_ok(struct log_ratelimit *rl, unsigned long *suppressed);

#endif /* REMORA_LOG_H */
