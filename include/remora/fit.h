/* SPDX-License-Identifier: Apache-2.0 */
/* remora - how a packet goes on when it does not fit where it goes */
#ifndef REMORA_FIT_H
#define REMORA_FIT_H

#include <stddef.h>
#include <stdint.h>

#include "remora/pieces.h"
#include "remora/pkt.h"

/* struct fit_env flags: where the packets come from */
#define FIT_SOURCE \
	0x1 /* the local kernel's queue: remora stands in for the
			* sender, after the hook where the kernel would
			* still cut what it sends */
#define FIT_PEER \
	0x2 /* the link: what is cut gets new checksums, so its
			* own must verify first */
#define FIT_PEER_CUTS \
	0x4 /* the peer takes aggregates whole (OFFLOAD frames),
			* and completes checksums: nothing is cut here */
#define FIT_FORWARD \
	0x8 /* the kernel forwards what goes on whole, cutting
			* aggregates itself (tun): only the path MTU is
			* checked here */

/* struct fit_pkt flags: what is known of the packet */
#define FIT_AGGREGATE 0x1 /* an aggregate still to be cut (NFQA_SKB_GSO) */
#define FIT_CSUM_PART \
	0x2 /* its TCP/UDP checksum is still to be computed
			   * (NFQA_SKB_CSUMNOTREADY) */
#define FIT_REFUSED \
	0x4 /* the kernel refused to send it: larger than the
			   * MTU of its route (EMSGSIZE) */

/**
 * enum fit_how - what becomes of a packet
 * @FIT_WHOLE:	it goes on as it is (its checksum completed if it must be)
 * @FIT_OFFLOAD: it goes on as it is, its segmentation (@size: the payload
 *		of a segment, 0 for one packet) and its checksum left for
 *		the next hop to finish: the peer, or the forwarding kernel
 * @FIT_SEGMENT: TCP, cut into segments of at most @size bytes
 * @FIT_FRAGMENT: cut into fragments of at most @size bytes (IPv4 without
 *		DF, or IPv6 at its source)
 * @FIT_ANSWER:	not sent: its sender is told the MTU, @size (ICMP
 *		fragmentation needed, ICMPv6 packet too big)
 * @FIT_KERNEL:	back to the kernel, which cuts it (requeued)
 * @FIT_DROP:	it cannot go on: counted as an injection drop
 * @FIT_REFUSE:	hostile: a super-packet from the peer that must not be cut
 *		(checksum wrong, SYN, RST or URG), refused and counted
 */
enum fit_how {
	FIT_WHOLE = 0,
	FIT_SEGMENT,
	FIT_FRAGMENT,
	FIT_ANSWER,
	FIT_KERNEL,
	FIT_DROP,
	FIT_REFUSE,
	FIT_OFFLOAD,
};

/**
 * struct fit_plan - what fit_decide() chose
 * @how:	enum fit_how
 * @size:	the size of the pieces (or the MTU to answer with)
 * @fallback:	what to do if the pieces cannot be made (the headers leave
 *		no room, more pieces than FIT_MAX_PIECES)
 */
struct fit_plan {
	enum fit_how how;
	size_t size;
	enum fit_how fallback;
};

/**
 * typedef fit_size_fn - a size the daemon knows of a packet's flow
 * @ctx:	the daemon
 * @pi:		the packet
 *
 * Asked only when the decision needs it: a TCP connection's segment size
 * (sock_diag), or the path MTU the kernel holds for a destination.
 *
 * Return: the size, 0 if unknown
 */
typedef size_t (*fit_size_fn)(void *ctx, const struct pkt_info *pi);

/**
 * struct fit_env - what a daemon tells the decision: data, not control
 * @flags:	FIT_SOURCE or FIT_PEER
 * @mtu:	the largest packet the next hop takes (the enclave's lo), 0 if
 *		the kernel's route decides (FIT_REFUSED says when it did not)
 * @seg_size:	the segment size of an aggregate's TCP connection, or NULL:
 *		aggregates go on whole
 * @path_mtu:	the path MTU of a packet's destination, or NULL
 * @ctx:	argument of @seg_size and @path_mtu
 * @ident6:	identification of the next IPv6 packet fragmented here
 */
struct fit_env {
	unsigned flags;
	size_t mtu;
	fit_size_fn seg_size;
	fit_size_fn path_mtu;
	void *ctx;
	uint32_t ident6;
};

struct fit_plan fit_decide(const struct fit_env *env, const struct pkt_info *pi,
			   unsigned flags);
enum fit_how fit_apply(struct fit_env *env, const struct fit_plan *plan,
		       uint8_t *pkt, const struct pkt_info *pi, unsigned flags,
		       struct pieces *out, enum pkt_verdict *why);
const char *fit_how_str(enum fit_how how);

#endif /* REMORA_FIT_H */
