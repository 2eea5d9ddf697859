/* SPDX-License-Identifier: Apache-2.0 */
/* remora - remora-enclave's counters, reported over the link (STATS
 * frames) and shown by remora-host */
#ifndef REMORA_PEERSTATS_H
#define REMORA_PEERSTATS_H

#include <stddef.h>
#include <stdint.h>

#include <ev.h>

#include "remora/frame.h"

#define PEERSTATS_PERIOD 5.0 /* seconds between the enclave's reports */

struct report;
struct stats;

/**
 * struct peerstats - the last report a peer sent
 * @fs:		its entries
 * @at:		event-loop time it arrived
 * @have:	one arrived
 * @asked:	event-loop time one was last asked for
 */
struct peerstats {
	struct frame_stats fs;
	ev_tstamp at;
	int have;
	ev_tstamp asked;
};

size_t peerstats_encode(uint8_t *buf, size_t cap, const struct stats *st,
			double uptime);
int peerstats_take(struct peerstats *ps, const uint8_t *p, size_t len,
		   ev_tstamp now);
void peerstats_report(struct report *r, const char *const *names,
		      const struct peerstats *const *ps, int n, ev_tstamp now);

#endif /* REMORA_PEERSTATS_H */
