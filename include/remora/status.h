/* SPDX-License-Identifier: Apache-2.0 */
/* remora - what both daemons report of themselves */
#ifndef REMORA_STATUS_H
#define REMORA_STATUS_H

#include <stdint.h>

#include <ev.h>

#include "remora/ctl.h"

struct link;
struct report;

void status_fill(struct report *r, const char *prog, ev_tstamp started,
		 ev_tstamp now, const struct link *l, int queue);
void status_log(ctl_report_fn report, void *ctx);

#endif /* REMORA_STATUS_H */
