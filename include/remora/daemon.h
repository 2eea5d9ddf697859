/* SPDX-License-Identifier: Apache-2.0 */
/* remora - what both daemons do around their event loop */
#ifndef REMORA_DAEMON_H
#define REMORA_DAEMON_H

#include <stdint.h>

#include <ev.h>

/**
 * struct daemon_signals - watchers for the signals a daemon handles
 * @term:	SIGTERM: stop cleanly
 * @intr:	SIGINT: stop cleanly
 * @usr1:	SIGUSR1: log every counter
 * @queue:	queue number whose kernel counters are logged beside ours
 */
struct daemon_signals {
	ev_signal term;
	ev_signal intr;
	ev_signal usr1;
	uint16_t queue;
};

void daemon_signals_start(struct ev_loop *loop, struct daemon_signals *ds,
			  uint16_t queue);
void daemon_report(uint16_t queue);

struct raw_batch;
struct nfqueue;
struct opts_common;
void daemon_open_datapath(struct raw_batch *raw, uint32_t mark,
			  struct nfqueue *q, const struct opts_common *c);

#endif /* REMORA_DAEMON_H */
