// SPDX-License-Identifier: Apache-2.0
/* remora - a report of counters and state, as text or Prometheus metrics
 *
 * One writer, two formats, so `--stats` and the metrics endpoint can never
 * disagree. Text:
 *
 *   q2l_packets 1234
 *   link_state up
 *
 * Prometheus (each metric with HELP and TYPE, labelled with the daemon):
 *
 *   # HELP remora_q2l_packets_total packets taken from NFQUEUE
 *   # TYPE remora_q2l_packets_total counter
 *   remora_q2l_packets_total{daemon="host"} 1234
 *   remora_link_state_info{daemon="host",value="up"} 1
 *
 * A value of one enclave (remora-host serves several) carries its label,
 * after the metric's other samples:
 *
 *   l2i_packets{enclave="a"} 1234
 *   remora_l2i_packets_total{daemon="host",enclave="a"} 1234
 *
 * Everything is written into a caller's fixed buffer; what does not fit is
 * cut at a line boundary and flagged.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "remora/report.h"

/**
 * report_init() - start a report
 * @r:		report
 * @buf:	output buffer
 * @cap:	its size, > 0
 * @format:	enum report_format
 * @daemon:	"host" or "enclave"
 */
void report_init(struct report *r, char *buf, size_t cap,
		 enum report_format format, const char *daemon)
{
	*r = (struct report){
		.buf = buf, .cap = cap, .format = format, .daemon = daemon};
	buf[0] = '\0';
}

/* Append formatted text; all of it, or nothing and the report truncated */
__attribute__((format(printf, 2, 3))) static void
report_put(struct report *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->truncated)
		return;
	va_start(ap, fmt);
	n = vsnprintf(r->buf + r->len, r->cap - r->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= r->cap - r->len) {
		r->buf[r->len] = '\0';
		r->truncated = 1;
		return;
	}
	r->len += (size_t)n;
}

/* A string value, perhaps the peer's words: printable ASCII only, so it
 * cannot forge lines; in Prometheus format backslash and quote escaped */
static void report_put_value(struct report *r, const char *v)
{
	char esc[REPORT_VALUE_MAX];
	size_t o = 0;

	for (; *v && o + 2 < sizeof(esc); v++) {
		if (*v < 0x20 || *v > 0x7e) {
			esc[o++] = '?';
		} else if (r->format == REPORT_PROMETHEUS &&
			   (*v == '\\' || *v == '"')) {
			esc[o++] = '\\';
			esc[o++] = *v;
		} else {
			esc[o++] = *v;
		}
	}
	esc[o] = '\0';
	report_put(r, "%s", esc);
}

/**
 * report_label() - the label of the values written next
 * @r:		report
 * @enclave:	the enclave they are of ([A-Za-z0-9_.-]), or NULL for none
 * @more:	non-zero: they are more samples of the metric written last
 *		(Prometheus wants a metric's samples together, under one
 *		HELP and TYPE)
 */
void report_label(struct report *r, const char *enclave, int more)
{
	r->enclave = enclave;
	r->more = more;
}

static void report_head(struct report *r, const char *name, const char *suffix,
			const char *help, const char *type)
{
	if (!r->more)
		report_put(r, "# HELP remora_%s%s %s\n# TYPE remora_%s%s %s\n",
			   name, suffix, help, name, suffix, type);
}

/* The start of a sample line: its name and labels, and in Prometheus
 * format a "," or "}" after them as @close says */
static void report_sample(struct report *r, const char *name,
			  const char *suffix, int close)
{
	if (r->format == REPORT_TEXT) {
		report_put(r, "%s", name);
		if (r->enclave)
			report_put(r, "{enclave=\"%s\"}", r->enclave);
		report_put(r, " ");
		return;
	}
	report_put(r, "remora_%s%s{daemon=\"%s\"", name, suffix, r->daemon);
	if (r->enclave)
		report_put(r, ",enclave=\"%s\"", r->enclave);
	report_put(r, "%s", close ? "} " : ",");
}

/**
 * report_comment() - a line for people: "# text" (text format only)
 * @r:		report
 * @text:	one line, no newline
 */
void report_comment(struct report *r, const char *text)
{
	if (r->format == REPORT_TEXT)
		report_put(r, "# %s\n", text);
}

/**
 * report_counter() - a value that only grows
 * @r:		report
 * @name:	name, [a-z0-9_]
 * @help:	one-line description
 * @v:		value
 */
void report_counter(struct report *r, const char *name, const char *help,
		    uint64_t v)
{
	if (r->format == REPORT_PROMETHEUS)
		report_head(r, name, "_total", help, "counter");
	report_sample(r, name, "_total", 1);
	report_put(r, "%llu\n", (unsigned long long)v);
}

/**
 * report_gauge() - a value that goes up and down
 * @r:		report
 * @name:	name, [a-z0-9_]
 * @help:	one-line description
 * @v:		value
 */
void report_gauge(struct report *r, const char *name, const char *help,
		  double v)
{
	if (r->format == REPORT_PROMETHEUS)
		report_head(r, name, "", help, "gauge");
	report_sample(r, name, "", 1);
	report_put(r, "%.15g\n", v);
}

/**
 * report_text() - a value that is a word or a string
 * @r:		report
 * @name:	name, [a-z0-9_]
 * @help:	one-line description
 * @v:		value; in Prometheus format the label of an _info metric
 */
void report_text(struct report *r, const char *name, const char *help,
		 const char *v)
{
	if (r->format == REPORT_TEXT) {
		report_sample(r, name, "", 1);
		report_put_value(r, *v ? v : "-");
		report_put(r, "\n");
		return;
	}
	report_head(r, name, "_info", help, "gauge");
	report_sample(r, name, "_info", 0);
	report_put(r, "value=\"");
	report_put_value(r, v);
	report_put(r, "\"} 1\n");
}
