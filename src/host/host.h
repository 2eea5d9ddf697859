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
#include "remora/peerstats.h"
#include "remora/pkt.h"
#include "remora/pmtu.h"
#include "remora/portset.h"
#include "remora/raw.h"
#include "remora/signals.h"
#include "remora/transport.h"
#include "remora/stats.h"
#include "remora/tun.h"

#include "enclaves.h"

#define HOST_DEFAULT_LISTEN	   "vsock:any:5000"
#define HOST_DEFAULT_ENCLAVE_PORTS "80,443,1024-61439"
#define HOST_DEFAULT_HOST_PORTS	   "22"
#define HOST_DEFAULT_MARK	   0x52

/* remora-host's own options (getopt values) */
enum {
	HOST_OPT_METRICS = OPTS_FIRST_PRIVATE,
	HOST_OPT_NO_GSO,
	HOST_OPT_ALLOW_METADATA,
	HOST_OPT_ENCLAVE_UID,
	HOST_OPT_INJECT,
	HOST_OPT_TUN,
	HOST_OPT_ENCLAVE,
	HOST_OPT_BETWEEN,
};

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
 * @c:		options both daemons take (queue length, timers, log
 *		level); its address, queue and --address6 are the first
 *		enclave's (and have_addr6: any enclave's)
 * @es:		the enclaves: addresses, CIDs, links, ports, queues
 * @mark:	SO_MARK of injected packets, matched by the host rules
 * @metrics:	"IPV4:PORT" of the Prometheus endpoint, or NULL
 * @no_gso:	--no-gso: take packets for the enclave one by one
 * @inject:	enum host_inject
 * @tun_name:	name of the tun device (--tun)
 * @between:	--enclave-to-enclave: an enclave's packets to another's
 *		address are handed to it (TCP and UDP to its ports), not
 *		refused
 */
struct host_config {
	struct opts_common c;
	struct host_enclaves es;
	uint32_t mark;
	const char *metrics;
	int no_gso;
	enum host_inject inject;
	const char *tun_name;
	int between;
};

struct host;

/**
 * struct host_enclave - one enclave at run time
 * @h:		the daemon
 * @cfg:	its settings
 * @own:	its addresses, as the checks take them
 * @links:	its link, and a newer connection while its handshake runs
 *		(it takes over only once its HELLO checks out)
 * @nfq:	its queue of packets
 * @nfq_io:	watcher on the queue's socket
 * @mtu_fd:	UDP socket from its address, marked as injected packets are,
 *		connected to a destination to learn its path's MTU (IP_MTU)
 * @mtu6_fd:	the same for IPv6 (IPV6_MTU), -1 without an IPv6 address
 * @st:		its counters: what is done for it is charged to them; the
 *		daemon's own (stats) when it is the one enclave
 * @own_st:	their storage, with named enclaves
 * @reported:	the last report of its counters it sent (STATS)
 */
struct host_enclave {
	struct host *h;
	const struct host_enclave_config *cfg;
	struct pkt_own own;
	struct link_handover links;
	struct nfqueue nfq;
	ev_io nfq_io;
	int mtu_fd;
	int mtu6_fd;
	struct stats *st;
	struct stats own_st;
	struct peerstats reported;
};

/**
 * struct host_listener - a link address remora-host listens on
 * @h:		the daemon
 * @addr:	the address (an enclave's settings hold it)
 * @fd:		listening socket
 * @io:		watcher on @fd
 */
struct host_listener {
	struct host *h;
	const struct transport_addr *addr;
	int fd;
	ev_io io;
};

/**
 * struct host - remora-host at run time
 * @cfg:	configuration
 * @loop:	event loop
 * @enc:	the enclaves, @cfg.es.n of them
 * @cur:	the enclave whose packet is at hand
 * @lis:	the listeners, @nlis of them
 * @nlis:	how many
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
 * @sigs:	signal watchers
 * @ctl:	control socket and metrics endpoint
 * @started:	event-loop time of start-up
 */
struct host {
	struct host_config cfg;
	struct ev_loop *loop;
	struct host_enclave enc[HOST_ENCLAVES_MAX];
	struct host_enclave *cur;
	struct host_listener lis[HOST_ENCLAVES_MAX];
	int nlis;
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
	struct signals sigs;
	struct ctl ctl;
	ev_tstamp started;
};

void host_config_parse(struct host_config *cfg, int argc, char **argv);
int host_run(struct host *h);

#endif /* REMORA_HOST_H */
