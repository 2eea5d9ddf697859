/* SPDX-License-Identifier: Apache-2.0 */
/* remora - the metrics endpoint: the daemon's report to Prometheus */
#ifndef REMORA_METRICS_H
#define REMORA_METRICS_H

#include <stddef.h>

#include <ev.h>

#include "remora/ctl.h"

void metrics_init(struct ctl *c);
int metrics_open(struct ctl *c, const char *hostport);
void metrics_close(struct ctl *c);
void metrics_slot_freed(struct ctl *c);
size_t metrics_respond(struct ctl *c, const char *req, char *out, size_t *start,
		       ev_tstamp now);

#endif /* REMORA_METRICS_H */
