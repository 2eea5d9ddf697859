// SPDX-License-Identifier: Apache-2.0
/* remora - how a packet goes on when it does not fit where it goes
 *
 * One decision for both daemons and both directions, taken from data the
 * daemon gives (where its packets come from, the MTU of the next hop, a
 * source of segment sizes and of path MTUs), never from its control flow:
 *
 *   the packet                                   what becomes of it
 *   ------------------------------------------   -------------------------
 *   refused by the kernel as too big for its     IPv4 without DF: FRAGMENT
 *   route (remora-host injecting the enclave's)  at the path MTU; with DF,
 *                                                or IPv6: ANSWER with it;
 *                                                MTU unknown: DROP
 *   any packet remora-host writes into its tun   OFFLOAD; its segments
 *   (FIT_FORWARD)                                larger than the path MTU
 *                                                with DF, or IPv6: ANSWER;
 *                                                no route: DROP
 *   an aggregate from the queue, no source of    WHOLE (the peer cuts it,
 *   segment sizes (remora-host)                  or injects it whole)
 *   an aggregate from the queue (remora-         TCP: SEGMENT at its
 *   enclave)                                     connection's segment size,
 *                                                or OFFLOAD at it if the
 *                                                peer cuts (FIT_PEER_CUTS);
 *                                                WHOLE if it fits one,
 *                                                KERNEL if the size is
 *                                                unknown; anything else:
 *                                                KERNEL
 *   larger than the next hop's MTU (the          TCP: SEGMENT at it; IPv4
 *   enclave's lo, for what the host sends)       without DF or IPv6:
 *                                                FRAGMENT; IPv4 with DF:
 *                                                WHOLE (the kernel refuses
 *                                                it, counted)
 *   IPv6 from the local queue, not TCP, larger   FRAGMENT at that MTU (the
 *   than the path MTU its kernel holds           kernel would, after the
 *                                                hook that queued it)
 *   its checksum still to compute, and the       OFFLOAD (the peer's
 *   peer completes checksums (FIT_PEER_CUTS)     kernel computes it)
 *   anything else                                WHOLE
 *
 * fit_apply() carries a decision out with the cutters (gso.c, pmtu.c),
 * falling back as the plan says when a cut cannot be made.
 */

#include <errno.h>
#include <netinet/in.h>

#include "remora/fit.h"
#include "remora/gso.h"
#include "remora/pmtu.h"

/* A plan of one step */
static struct fit_plan fit_plan(enum fit_how how, size_t size,
				enum fit_how fallback)
{
	return (struct fit_plan){
		.how = how, .size = size, .fallback = fallback};
}

/* A packet that fits: whole, its checksum left to the peer's kernel if it
 * completes checksums */
static struct fit_plan fit_whole(const struct fit_env *env, unsigned flags)
{
	if ((env->flags & FIT_PEER_CUTS) && (flags & FIT_CSUM_PART))
		return fit_plan(FIT_OFFLOAD, 0, FIT_WHOLE);
	return fit_plan(FIT_WHOLE, 0, FIT_WHOLE);
}

/**
 * fit_decide() - what becomes of a packet (the table above)
 * @env:	where the daemon's packets come from, and what it knows
 * @pi:		the packet, parsed
 * @flags:	FIT_AGGREGATE, FIT_CSUM_PART, FIT_REFUSED
 *
 * Return: the plan; @env's size sources are asked only when it needs them
 */
struct fit_plan fit_decide(const struct fit_env *env, const struct pkt_info *pi,
			   unsigned flags)
{
	int tcp = pi->proto == IPPROTO_TCP && pi->frag == PKT_FRAG_NONE;
	size_t len = pi->len, m, seg;

	if (env->flags & FIT_FORWARD) {
		/* the kernel cuts, but its "fragmentation needed" would go
		 * to the source, the shared address: this host's own */
		seg = len;
		if ((flags & FIT_AGGREGATE) && env->seg_size)
			seg = pi->hlen + pi->thlen +
			      env->seg_size(env->ctx, pi);
		/* no route: the kernel would drop it without a word */
		m = env->path_mtu ? env->path_mtu(env->ctx, pi) : 0;
		if (!m)
			return fit_plan(FIT_DROP, 0, FIT_DROP);
		if (seg > m && (pi->version == 6 || pi->df))
			return fit_plan(FIT_ANSWER, m, FIT_DROP);
		return fit_plan(FIT_OFFLOAD, 0, FIT_DROP);
	}
	if (flags & FIT_REFUSED) {
		m = env->path_mtu ? env->path_mtu(env->ctx, pi) : 0;
		if (!m || m >= len)
			return fit_plan(FIT_DROP, 0, FIT_DROP);
		if (pi->version == 4 && !pi->df)
			return fit_plan(FIT_FRAGMENT, m, FIT_DROP);
		return fit_plan(FIT_ANSWER, m, FIT_DROP);
	}
	if (flags & FIT_AGGREGATE) {
		if (!env->seg_size)
			return fit_plan(FIT_WHOLE, 0, FIT_WHOLE);
		/* UDP's segment size is the application's, and IPv6 with
		 * extension headers is not what TCP's GSO builds */
		if (!tcp || (pi->version == 6 && pi->hlen != PKT_IPV6_HDR))
			return fit_plan(FIT_KERNEL, 0, FIT_KERNEL);
		seg = env->seg_size(env->ctx, pi);
		if (!seg)
			return fit_plan(FIT_KERNEL, 0, FIT_KERNEL);
		if (len - pi->hlen - pi->thlen <= seg)
			return fit_whole(env, flags);
		if (env->flags & FIT_PEER_CUTS)
			return fit_plan(FIT_OFFLOAD, seg, FIT_KERNEL);
		return fit_plan(FIT_SEGMENT, pi->hlen + pi->thlen + seg,
				FIT_KERNEL);
	}
	if (env->mtu && len > env->mtu) {
		if (tcp)
			return fit_plan(FIT_SEGMENT, env->mtu, FIT_WHOLE);
		if (pi->version == 6 || !pi->df)
			return fit_plan(FIT_FRAGMENT, env->mtu, FIT_WHOLE);
		return fit_plan(FIT_WHOLE, 0, FIT_WHOLE);
	}
	/* TCP sizes its segments by the path MTU already: no lookup */
	if ((env->flags & FIT_SOURCE) && pi->version == 6 &&
	    pi->proto != IPPROTO_TCP && len > PMTU_IPV6_MIN_MTU &&
	    env->path_mtu) {
		m = env->path_mtu(env->ctx, pi);
		if (m && len > m)
			return fit_plan(FIT_FRAGMENT, m, FIT_WHOLE);
	}
	return fit_whole(env, flags);
}

/* The pieces of @plan, added to @out. Return: their number, -EBADMSG or
 * -EPROTO for a super-packet from the peer that must not be cut, or
 * another negative value if they cannot be made */
static int fit_cut(struct fit_env *env, const struct fit_plan *plan,
		   const uint8_t *pkt, const struct pkt_info *pi,
		   unsigned flags, struct pieces *out)
{
	uint8_t *icmp = out->buf + out->used;
	size_t n, room = out->cap - out->used;

	switch (plan->how) {
	case FIT_SEGMENT:
		/* a checksum still to compute has nothing to verify: the
		 * cut computes each segment's */
		return gso_tcp_segment(pkt, pi->len, plan->size,
				       (env->flags & FIT_PEER) &&
						       !(flags & FIT_CSUM_PART)
					       ? GSO_VERIFY_CSUM
					       : 0,
				       out);
	case FIT_FRAGMENT:
		if (pi->version == 6)
			return pmtu_fragment6(pkt, pi->len, plan->size,
					      env->ident6++, out);
		return pmtu_fragment(pkt, pi->len, plan->size, out);
	case FIT_ANSWER:
		n = pi->version == 6
			    ? pmtu_too_big6(pkt, pi->len, plan->size, icmp,
					    room)
			    : pmtu_frag_needed(pkt, pi->len, plan->size,
					       htonl(PMTU_ICMP_SRC), icmp,
					       room);
		return n && pieces_add(out, n) ? 1 : -1;
	default:
		return -1;
	}
}

/**
 * fit_apply() - carry a plan out
 * @env:	as given to fit_decide() (its IPv6 identification advances)
 * @plan:	from fit_decide()
 * @pkt:	the packet; its checksum may be completed in place
 * @pi:		the packet, parsed
 * @flags:	as given to fit_decide()
 * @out:	the pieces, for FIT_SEGMENT, FIT_FRAGMENT and FIT_ANSWER,
 *		added to it (PIECES_BUF_MAX bytes of room take any packet's)
 * @why:	with FIT_REFUSE, the verdict (PKT_L4_CHECKSUM, PKT_TCP_FLAGS)
 *
 * A packet that leaves whole, or as fragments, with its checksum still
 * the kernel's to compute (FIT_CSUM_PART) gets it computed (segments get
 * theirs from the cut). A cut that cannot be made falls back to the
 * plan's @fallback; a super-packet from the peer (FIT_PEER) that must not
 * be cut is refused instead.
 *
 * Return: what became of the packet: @plan->how, its fallback, FIT_DROP
 *	   for a checksum that cannot be computed (the packet is not whole),
 *	   or FIT_REFUSE
 */
enum fit_how fit_apply(struct fit_env *env, const struct fit_plan *plan,
		       uint8_t *pkt, const struct pkt_info *pi, unsigned flags,
		       struct pieces *out, enum pkt_verdict *why)
{
	struct fit_plan fallback;
	size_t used = out->used;
	int n = out->n, r;

	if (plan->how == FIT_KERNEL || plan->how == FIT_DROP ||
	    plan->how == FIT_OFFLOAD)
		return plan->how;
	if ((plan->how == FIT_WHOLE || plan->how == FIT_FRAGMENT) &&
	    (flags & FIT_CSUM_PART) && gso_fill_l4_csum(pkt, pi->len))
		return FIT_DROP;
	if (plan->how == FIT_WHOLE)
		return FIT_WHOLE;
	r = fit_cut(env, plan, pkt, pi, flags, out);
	if (r >= 0)
		return plan->how;
	/* what a cut that failed wrote is taken back */
	out->used = used;
	out->n = n;
	/* from the peer, what must not be cut is hostile; from the local
	 * kernel (urgent data), it is the kernel's to cut */
	if ((env->flags & FIT_PEER) && (r == -EBADMSG || r == -EPROTO)) {
		*why = r == -EBADMSG ? PKT_L4_CHECKSUM : PKT_TCP_FLAGS;
		return FIT_REFUSE;
	}
	fallback = fit_plan(plan->fallback, 0, FIT_DROP);
	return fit_apply(env, &fallback, pkt, pi, flags, out, why);
}

/**
 * fit_how_str() - name of an outcome, for trace lines and tests
 * @how:	enum fit_how
 *
 * Return: static string
 */
const char *fit_how_str(enum fit_how how)
{
	static const char *const names[] = {
		[FIT_WHOLE] = "whole",	     [FIT_SEGMENT] = "segment",
		[FIT_FRAGMENT] = "fragment", [FIT_ANSWER] = "answer",
		[FIT_KERNEL] = "kernel",     [FIT_DROP] = "drop",
		[FIT_REFUSE] = "refuse",     [FIT_OFFLOAD] = "offload",
	};

	if ((unsigned)how >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[how];
}
