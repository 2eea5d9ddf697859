/* SPDX-License-Identifier: Apache-2.0 */
/* remora - what both daemons do around their event loop */
#ifndef REMORA_DAEMON_H
#define REMORA_DAEMON_H

#include <stdint.h>

#include <ev.h>

#include "remora/ctl.h"

/* The bit of capability @c (CAP_*) in daemon_drop_capabilities()'s mask */
#define DAEMON_CAP(c) (1ULL << (c))

struct link;
struct raw_batch;
struct nfqueue;
struct opts_common;
struct report;

/**
 * struct daemon_signals - watchers for the signals a daemon handles
 * @term:	SIGTERM: stop cleanly
 * @intr:	SIGINT: stop cleanly
 * @usr1:	SIGUSR1: log the report
 * @report:	writes the daemon's report
 * @ctx:	its argument
 * @forward:	if set, offered SIGTERM/SIGINT first: returns 1 if it passed
 *		the signal on (to a child whose exit will stop the daemon), 0
 *		to stop now
 */
struct daemon_signals {
	ev_signal term;
	ev_signal intr;
	ev_signal usr1;
	ctl_report_fn report;
	void *ctx;
	int (*forward)(void *ctx, int signum);
};

void daemon_signals_start(struct ev_loop *loop, struct daemon_signals *ds,
			  ctl_report_fn report, void *ctx);
void daemon_report_log(ctl_report_fn report, void *ctx);
void daemon_report_fill(struct report *r, const char *prog, ev_tstamp started,
			ev_tstamp now, const struct link *l, uint16_t queue);

void daemon_open_datapath(struct raw_batch *raw, struct raw_batch *raw6,
			  uint32_t mark, struct nfqueue *q,
			  const struct opts_common *c, int gso);
int daemon_drop_capabilities(uint64_t keep);
void daemon_open_control(struct ctl *ctl, const struct opts_common *c,
			 const char *prog);

#endif /* REMORA_DAEMON_H */
