// SPDX-License-Identifier: Apache-2.0
/* remora - packets from the peer that a check refused
 *
 * Every packet the peer sends that a check refuses is dropped, counted in
 * the l2i_drop_* counter of its reason and traced; the link stays up. The
 * reasons only a peer forging packets gives (an ICMP error about a flow
 * that is not the enclave's, a super-packet that must not be cut) are also
 * said, at most one line a second, so an operator sees them without
 * reading counters.
 */

#include <stdio.h>

#include "remora/log.h"
#include "remora/refuse.h"
#include "remora/stats.h"
#include "remora/trace.h"

/**
 * refuse_count() - count a packet from the peer that a check refused
 * @v:		the check's verdict, not PKT_OK
 * @pi:		the packet, as far as it was parsed
 */
void refuse_count(enum pkt_verdict v, const struct pkt_info *pi)
{
	static const enum stat_id ids[] = {
		[PKT_MALFORMED] = STAT_L2I_DROP_MALFORMED,
		[PKT_CHECKSUM] = STAT_L2I_DROP_CHECKSUM,
		[PKT_FRAGMENT] = STAT_L2I_DROP_FRAGMENT,
		[PKT_PROTO] = STAT_L2I_DROP_PROTO,
		[PKT_SRC] = STAT_L2I_DROP_SRC,
		[PKT_DST] = STAT_L2I_DROP_DST,
		[PKT_PORT] = STAT_L2I_DROP_PORT,
		[PKT_POLICY] = STAT_L2I_DROP_POLICY,
		[PKT_QUOTE] = STAT_L2I_DROP_QUOTE,
		[PKT_QUOTE_SRC] = STAT_L2I_DROP_QUOTE_SRC,
		[PKT_QUOTE_DST] = STAT_L2I_DROP_QUOTE_DST,
		[PKT_QUOTE_PORT] = STAT_L2I_DROP_QUOTE_PORT,
		[PKT_L4_CHECKSUM] = STAT_L2I_DROP_L4_CHECKSUM,
		[PKT_TCP_FLAGS] = STAT_L2I_DROP_TCP_FLAGS,
		[PKT_OFFLOAD] = STAT_L2I_DROP_OFFLOAD,
	};
	static struct log_ratelimit rl;
	unsigned long sup;
	char what[64];

	if (v > PKT_OK && (size_t)v < sizeof(ids) / sizeof(ids[0]))
		stat_inc(ids[v]);
	else
		stat_inc(STAT_L2I_DROP_MALFORMED);
	if (v >= PKT_QUOTE && v <= PKT_OFFLOAD && log_ratelimit_ok(&rl, &sup))
		warn("refused a packet from the peer: %s (%s; %lu more not shown)",
		     pkt_verdict_str(v),
		     v <= PKT_QUOTE_PORT
			     ? "an ICMP error about a flow that is not the enclave's"
		     : v == PKT_OFFLOAD
			     ? "a super-packet its offload header does not describe"
			     : "a super-packet that must not be cut",
		     sup);
	if (log_level >= LOG_LVL_TRACE) {
		snprintf(what, sizeof(what), "refused from peer (%s)",
			 pkt_verdict_str(v));
		trace_pkt_line(what, pi);
	}
}
