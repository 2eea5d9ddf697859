/* SPDX-License-Identifier: Apache-2.0 */
/* remora-enclave - configuration and state */
#ifndef REMORA_ENCLAVE_H
#define REMORA_ENCLAVE_H

#include <stdint.h>

#include <ev.h>

#include "remora/caps.h"
#include "remora/ctl.h"
#include "remora/fit.h"
#include "remora/link.h"
#include "remora/nfqueue.h"
#include "remora/opts.h"
#include "remora/pkt.h"
#include "remora/policy.h"
#include "remora/signals.h"
#include "app.h"
#include "capture.h"
#include "egress.h"
#include "mss.h"
#include "names.h"
#include "netsetup.h"
#include "reconnect.h"
#include "remora/raw.h"
#include "remora/transport.h"

#define ENCLAVE_DEFAULT_LINK "vsock:3:5000" /* CID 3: the parent instance */
#define ENCLAVE_SEG_BUF	     (256 << 10) /* bytes of pieces per injection batch */
#define ENCLAVE_TUN_BATCH    64 /* packets read from the tun per wake-up */

/**
 * struct enclave_config - what the command line says
 * @c:		options both daemons take (address, queue, timers, log level)
 * @link:	where remora-host listens
 * @reconnect_max: cap of the reconnect backoff, seconds
 * @policy:	the enclave's own inbound and outbound policy (addresses)
 * @names:	its name rules (--allow-out-name, --resolver, --name-*)
 * @setup_net:	--setup-net: bring the network up before forwarding
 * @net:	what --setup-net sets up (--mtu, --ports, --rules)
 * @app_argv:	the COMMAND after "--", or NULL
 * @app_wait:	seconds to wait for the link before starting it anyway
 * @no_gso:	--no-gso: take outbound packets one by one
 * @fallback_queue: --fallback-queue: queue super-packets remora-enclave
 *		cannot cut go to, for the kernel to cut (-1: --queue + 1)
 * @capture:	--capture: where outbound packets are taken from
 * @tun_name:	--tun: the capture device's name
 */
struct enclave_config {
	struct opts_common c;
	struct transport_addr link;
	double reconnect_max;
	struct policy policy;
	struct names_config names;
	int setup_net;
	struct netsetup net;
	char **app_argv;
	double app_wait;
	int no_gso;
	int fallback_queue;
	enum capture_mode capture;
	const char *tun_name;
};

/**
 * struct enclave - remora-enclave at run time
 * @cfg:	configuration
 * @loop:	event loop
 * @own:	the enclave's addresses, as the checks take them
 * @capture:	the mode in use: CAPTURE_NFQUEUE or CAPTURE_TUN
 * @nfq:	queue of outbound packets (CAPTURE_NFQUEUE)
 * @nfq_io:	watcher on the queue's socket
 * @tun:	device the default routes go into (CAPTURE_TUN; fd -1 if none)
 * @tun_io:	watcher on it
 * @tun_buf:	one packet read from it, TUN_MTU bytes
 * @tun_gso:	the segment size of the packet read, from its header
 * @tun_drops_fd: the device's count of packets the kernel dropped (-1)
 * @gso:	@nfq takes TCP super-packets whole, cut here at their MSS
 * @nfq_cut:	queue without NFQA_CFG_F_GSO that super-packets remora-enclave
 *		cannot cut are requeued to (the kernel cuts them), if @gso
 * @nfq_cut_io:	watcher on its socket
 * @mss:	segment sizes of the enclave's TCP connections
 * @cut:	storage of the pieces of one of the enclave's packets,
 *		PIECES_BUF_MAX bytes
 * @mtu6_fd:	UDP socket connected to a destination to learn the path MTU
 *		the kernel holds for it (IPV6_MTU), -1 without --address6
 * @link:	link to the host
 * @raw:	injection batch
 * @raw6:	IPv6 injection batch (fd -1 without --address6)
 * @reconnect:	connection attempts to remora-host
 * @sigs:	signal watchers
 * @ctl:	control socket
 * @stats_timer: sends its counters to the host (STATS), every
 *		PEERSTATS_PERIOD seconds
 * @stats_sent:	event-loop time it last sent them (-1: never)
 * @started:	event-loop time of start-up
 * @policy_in_text: the inbound allowlist, for reports
 * @egress:	the outbound policy at run time: address and name rules
 * @app:	the application started once the network is ready
 * @app_timer:	--app-wait: start it without a link after this long
 * @fit_in:	how the host's packets are made to fit lo (its MTU)
 * @fit_out:	how the enclave's own packets are cut (sources of segment
 *		sizes and of IPv6 path MTUs)
 * @seg:	storage of the pieces of the current injection batches
 * @seg_used:	bytes of @seg in use
 */
struct enclave {
	struct enclave_config cfg;
	struct ev_loop *loop;
	struct pkt_own own;
	enum capture_mode capture;
	struct nfqueue nfq;
	ev_io nfq_io;
	struct tun tun;
	ev_io tun_io;
	uint8_t *tun_buf;
	uint16_t tun_gso;
	int tun_drops_fd;
	int gso;
	struct nfqueue nfq_cut;
	ev_io nfq_cut_io;
	struct mss_cache mss;
	uint8_t *cut;
	int mtu6_fd;
	struct link link;
	struct raw_batch raw;
	struct raw_batch raw6;
	struct reconnect reconnect;
	struct signals sigs;
	struct ctl ctl;
	ev_timer stats_timer;
	ev_tstamp stats_sent;
	ev_tstamp started;
	char policy_in_text[256];
	struct egress egress;
	struct app app;
	ev_timer app_timer;
	struct fit_env fit_in;
	struct fit_env fit_out;
	uint8_t *seg;
	size_t seg_used;
};

void enclave_config_parse(struct enclave_config *cfg, int argc, char **argv);
int enclave_run(struct enclave *e);

#endif /* REMORA_ENCLAVE_H */
