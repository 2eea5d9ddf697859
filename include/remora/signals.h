/* SPDX-License-Identifier: Apache-2.0 */
/* remora - the signals a daemon handles */
#ifndef REMORA_SIGNALS_H
#define REMORA_SIGNALS_H

#include <ev.h>

#include "remora/ctl.h"

/**
 * struct signals - watchers for the signals a daemon handles
 * @term:	SIGTERM: stop cleanly
 * @intr:	SIGINT: stop cleanly
 * @usr1:	SIGUSR1: log the report
 * @report:	writes the daemon's report
 * @ctx:	its argument
 * @forward:	if set, offered SIGTERM/SIGINT first: returns 1 if it passed
 *		the signal on (to a child whose exit will stop the daemon), 0
 *		to stop now
 */
struct signals {
	ev_signal term;
	ev_signal intr;
	ev_signal usr1;
	ctl_report_fn report;
	void *ctx;
	int (*forward)(void *ctx, int signum);
};

void signals_start(struct ev_loop *loop, struct signals *ds,
		   ctl_report_fn report, void *ctx);

#endif /* REMORA_SIGNALS_H */
