/* SPDX-License-Identifier: Apache-2.0 */
/* remora-host - configuration and state */
#ifndef REMORA_HOST_H
#define REMORA_HOST_H

#include <stdint.h>

#include <ev.h>

#include "remora/caps.h"
#include "remora/ctl.h"
#include "remora/fit.h"
#include "remora/link.h"
#include "remora/nfqueue.h"
#include "remora/opts.h"
#include "remora/pkt.h"
#include "remora/pmtu.h"
#include "remora/portset.h"
#include "remora/raw.h"
#include "remora/signals.h"
#include "remora/transport.h"
#include "remora/tun.h"

#define HOST_DEFAULT_LISTEN	   "vsock:any:5000"
#define HOST_DEFAULT_ENCLAVE_PORTS "80,443,1024-61439"
#define HOST_DEFAULT_HOST_PORTS	   "22"
#define HOST_DEFAULT_MARK	   0x52
#define HOST_NO_CID		   0xffffffffU

/**
 * enum host_inject - how the enclave's packets are sent (--inject)
 * @HOST_INJECT_AUTO:	through the tun device if this host allows it,
 *			else the raw socket, saying why
 * @HOST_INJECT_TUN:	through the tun device, or not start
 * @HOST_INJECT_RAW:	through the raw socket, one segment at a time
 */
enum host_inject {
	HOST_INJECT_AUTO = 0,
	HOST_INJECT_TUN,
	HOST_INJECT_RAW,
};

/**
 * struct host_config - what the command line says
 * @c:		options both daemons take (address, queue, timers, log level)
 * @listen:	link address to listen on
 * @enclave_cid: the only vsock CID allowed to connect (HOST_NO_CID: unset)
 * @enclave_uid: on a unix link, the user allowed to connect besides root
 *		(TRANSPORT_UID_NONE: root only)
 * @ports:	ports the enclave may send from: enclave ports less host ports
 * @mark:	SO_MARK of injected packets, matched by the host rules
 * @metrics:	"IPV4:PORT" of the Prometheus endpoint, or NULL
 * @no_gso:	--no-gso: take packets for the enclave one by one
 * @out_flags:	PKT_OUT_* flags of the check of the enclave's packets
 *		(--allow-metadata)
 * @inject:	enum host_inject
 * @tun_name:	name of the tun device (--tun)
 */
struct host_config {
	struct opts_common c;
	struct transport_addr listen;
	uint32_t enclave_cid;
	uint32_t enclave_uid;
	struct portset ports;
	uint32_t mark;
	const char *metrics;
	int no_gso;
	unsigned out_flags;
	enum host_inject inject;
	const char *tun_name;
};

/**
 * struct host - remora-host at run time
 * @cfg:	configuration
 * @loop:	event loop
 * @own:	the shared addresses, as the checks take them
 * @lfd:	listening socket
 * @accept_io:	watcher on @lfd
 * @nfq:	queue of packets for the enclave
 * @nfq_io:	watcher on the queue's socket
 * @links:	the link to the enclave, and a newer connection while its
 *		handshake runs (it takes over only once its HELLO checks out)
 * @stopping:	the daemon is shutting down: links closing is expected
 * @raw:	injection batch
 * @raw6:	IPv6 injection batch (fd -1 without --address6)
 * @frag_raw:	injection of the fragments of one packet too large for its
 *		path (same socket)
 * @frag_buf:	storage of those fragments, or of the answer to it,
 *		PIECES_BUF_MAX bytes
 * @cut_buf:	storage of the segments of a super-packet the raw socket
 *		sends, PIECES_BUF_MAX bytes
 * @fit:	how a packet too large for its route goes on (fit.c)
 * @fit_tun:	how a packet written into the tun goes on: whole, or
 *		answered if its segments exceed its path's MTU
 * @tun:	the tun device (fd -1: the raw sockets inject everything)
 * @mtus:	route MTUs of recent destinations, for @fit_tun
 * @seg:	payload size of the segments of the super-packet at hand
 *		(its offload header's gso_size), for @fit's and @fit_tun's
 *		source of segment sizes
 * @mtu_fd:	UDP socket, marked as injected packets are, connected to a
 *		destination to learn its path's MTU (IP_MTU)
 * @mtu6_fd:	the same for IPv6 (IPV6_MTU), -1 without --address6
 * @sigs:	signal watchers
 * @ctl:	control socket and metrics endpoint
 * @started:	event-loop time of start-up
 */
struct host {
	struct host_config cfg;
	struct ev_loop *loop;
	struct pkt_own own;
	int lfd;
	ev_io accept_io;
	struct nfqueue nfq;
	ev_io nfq_io;
	struct link_handover links;
	int stopping;
	struct raw_batch raw;
	struct raw_batch raw6;
	struct raw_batch frag_raw;
	uint8_t *frag_buf;
	uint8_t *cut_buf;
	struct fit_env fit;
	struct fit_env fit_tun;
	struct tun tun;
	struct pmtu_cache mtus;
	size_t seg;
	int mtu_fd;
	int mtu6_fd;
	struct signals sigs;
	struct ctl ctl;
	ev_tstamp started;
};

void host_config_parse(struct host_config *cfg, int argc, char **argv);
int host_run(struct host *h);

#endif /* REMORA_HOST_H */
