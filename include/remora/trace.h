/* SPDX-License-Identifier: Apache-2.0 */
/* remora - one trace line per packet, for debugging */
#ifndef REMORA_TRACE_H
#define REMORA_TRACE_H

#include <stddef.h>

#include "remora/log.h"
#include "remora/pkt.h"

void trace_pkt_line(const char *what, const struct pkt_info *pi);

/**
 * trace_pkt() - a trace line describing a parsed packet; nothing below
 *		 trace level, at the cost of one comparison
 * @what:	what happens to it, e.g. "queue -> link"
 * @pi:		the packet, as parsed where it entered
 */
#define trace_pkt(what, pi)                           \
	do {                                          \
		if (log_level >= LOG_LVL_TRACE)       \
			trace_pkt_line((what), (pi)); \
	} while (0)

#endif /* REMORA_TRACE_H */
