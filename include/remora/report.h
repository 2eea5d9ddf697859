/* SPDX-License-Identifier: Apache-2.0 */
/* remora - a report of counters and state, as text or Prometheus metrics */
#ifndef REMORA_REPORT_H
#define REMORA_REPORT_H

#include <stddef.h>
#include <stdint.h>

#define REPORT_MAX (32 << 10) /* bytes: every counter, with room to spare */
/* bytes of a text value, its end included: a longer one is cut */
#define REPORT_VALUE_MAX 256

/**
 * enum report_format - how a report is written
 * @REPORT_TEXT:	"name value" lines, for --stats, grep and awk
 * @REPORT_PROMETHEUS:	Prometheus text exposition format 0.0.4
 */
enum report_format {
	REPORT_TEXT = 0,
	REPORT_PROMETHEUS,
};

/**
 * struct report - a report being written into a bounded buffer
 * @buf:	output
 * @cap:	size of @buf
 * @len:	bytes written
 * @format:	enum report_format
 * @daemon:	"host" or "enclave": the daemon label of every metric
 * @truncated:	something did not fit in @buf
 * @enclave:	the enclave label of the values written next, or NULL
 * @more:	the values written next are more samples of the metric
 *		written last: no HELP and TYPE lines
 */
struct report {
	char *buf;
	size_t cap;
	size_t len;
	enum report_format format;
	const char *daemon;
	int truncated;
	const char *enclave;
	int more;
};

void report_init(struct report *r, char *buf, size_t cap,
		 enum report_format format, const char *daemon);
void report_label(struct report *r, const char *enclave, int more);
void report_comment(struct report *r, const char *text);
void report_counter(struct report *r, const char *name, const char *help,
		    uint64_t v);
void report_gauge(struct report *r, const char *name, const char *help,
		  double v);
void report_text(struct report *r, const char *name, const char *help,
		 const char *v);

#endif /* REMORA_REPORT_H */
