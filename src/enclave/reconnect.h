/* SPDX-License-Identifier: Apache-2.0 */
/* remora-enclave - connecting to remora-host, again and again */
#ifndef REMORA_RECONNECT_H
#define REMORA_RECONNECT_H

#include <ev.h>

#include "remora/link.h"
#include "remora/transport.h"

#define RECONNECT_MIN 0.1 /* s: the first retry after a link was up */

/**
 * struct reconnect - the connection attempts of remora-enclave's link
 * @loop:	event loop
 * @addr:	where remora-host listens
 * @max:	cap of the backoff, seconds
 * @link:	the link a connection is handed to
 * @backoff:	delay before the next attempt, seconds: doubles up to @max
 * @failures:	attempts failed in a row
 * @fd:		socket of a connection in progress, -1 if none
 * @io:		writability watcher on @fd
 * @retry:	timer of the next attempt
 */
struct reconnect {
	struct ev_loop *loop;
	const struct transport_addr *addr;
	double max;
	struct link *link;
	double backoff;
	unsigned failures;
	int fd;
	ev_io io;
	ev_timer retry;
};

void reconnect_init(struct reconnect *r, struct ev_loop *loop,
		    const struct transport_addr *addr, double max,
		    struct link *link);
void reconnect_start(struct reconnect *r);
void reconnect_up(struct reconnect *r);
void reconnect_stop(struct reconnect *r);

#endif /* REMORA_RECONNECT_H */
