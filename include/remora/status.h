/* SPDX-License-Identifier: Apache-2.0 */
/* remora - what both daemons report of themselves */
#ifndef REMORA_STATUS_H
#define REMORA_STATUS_H

#include <stdint.h>

#include <ev.h>

#include "remora/ctl.h"

struct link;
struct report;
struct stats;

/**
 * struct status_unit - what a daemon reports per peer
 * @name:	the enclave's name, the label of its values; NULL: no label
 *		(a daemon with one peer)
 * @link:	the link packets go to
 * @st:		its counters
 * @queue:	its queue's number, -1 for none
 */
struct status_unit {
	const char *name;
	const struct link *link;
	const struct stats *st;
	int queue;
};

void status_fill(struct report *r, const char *prog, ev_tstamp started,
		 ev_tstamp now, const struct status_unit *u, int n,
		 const struct stats *own);
void status_log(ctl_report_fn report, void *ctx);

#endif /* REMORA_STATUS_H */
