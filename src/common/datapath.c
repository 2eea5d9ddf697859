// SPDX-License-Identifier: Apache-2.0
/* remora - opening a daemon's packet path at start-up: the injection
 * sockets and the queue, or an exit that says what is missing */

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "remora/datapath.h"
#include "remora/log.h"
#include "remora/nfqueue.h"
#include "remora/opts.h"
#include "remora/raw.h"

/**
 * datapath_open_raw() - open the injection sockets, or die saying why;
 *			 start-up only
 * @raw:	injection batch, initialised on the new socket
 * @raw6:	IPv6 injection batch, initialised on its socket with
 *		--address6, on none (fd -1) without
 * @mark:	SO_MARK of injected packets, 0 for none
 * @c:		common options: --address6
 */
void datapath_open_raw(struct raw_batch *raw, struct raw_batch *raw6,
		       uint32_t mark, const struct opts_common *c)
{
	int fd = raw_open(AF_INET, mark);

	if (fd < 0)
		die("cannot open the raw injection socket: %s (needs %s: run as root)",
		    strerror(-fd),
		    mark ? "CAP_NET_RAW and CAP_NET_ADMIN" : "CAP_NET_RAW");
	raw_batch_init(raw, fd, AF_INET);
	fd = c->have_addr6 ? raw_open(AF_INET6, mark) : -1;
	if (c->have_addr6 && fd < 0)
		die("cannot open the IPv6 raw injection socket: %s%s",
		    strerror(-fd),
		    fd == -EAFNOSUPPORT
			    ? " (IPv6 is off in this kernel: drop --address6, or enable it)"
			    : "");
	raw_batch_init(raw6, fd, AF_INET6);
}

/**
 * datapath_close() - close what datapath_open() opened
 * @raw:	injection batch
 * @raw6:	IPv6 injection batch (fd -1 if none)
 * @q:		queue
 */
void datapath_close(struct raw_batch *raw, struct raw_batch *raw6,
		    struct nfqueue *q)
{
	nfqueue_close(q);
	close(raw->fd);
	if (raw6->fd >= 0)
		close(raw6->fd);
	raw->fd = raw6->fd = -1;
}
