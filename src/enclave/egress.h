/* SPDX-License-Identifier: Apache-2.0 */
/* remora-enclave - what the enclave may send: its address and name rules
 *		    decided together, in one order */
#ifndef REMORA_EGRESS_H
#define REMORA_EGRESS_H

#include <stdint.h>

#include "names.h"
#include "remora/pkt.h"
#include "remora/policy.h"
#include "remora/report.h"

/**
 * enum egress_why - what decided an outbound packet
 * @EGRESS_PASS:	it goes out
 * @EGRESS_UNREADABLE:	a policy is in force and the packet cannot be read
 * @EGRESS_DENY_RULE:	a --deny-out rule matched first
 * @EGRESS_UNLISTED:	no rule admits its destination
 * @EGRESS_DNS_SERVER:	DNS to a server other than --resolver
 * @EGRESS_DNS_NAME:	a DNS query for a name no rule allows
 * @EGRESS_DNS_FORM:	DNS to the resolver that is not plain queries
 */
enum egress_why {
	EGRESS_PASS = 0,
	EGRESS_UNREADABLE,
	EGRESS_DENY_RULE,
	EGRESS_UNLISTED,
	EGRESS_DNS_SERVER,
	EGRESS_DNS_NAME,
	EGRESS_DNS_FORM,
	EGRESS_NWHY,
};

/**
 * struct egress - the enclave's outbound policy at run time
 * @policy:	address rules (and the inbound allowlist's service ports)
 * @names:	name rules and what they learnt
 * @refused:	refusals, by enum egress_why
 */
struct egress {
	const struct policy *policy;
	struct names names;
	uint64_t refused[EGRESS_NWHY];
};

int egress_init(struct egress *g, const struct policy *p,
		const struct names_config *nc);
void egress_free(struct egress *g);
int egress_active(const struct egress *g);
enum egress_why egress_check(struct egress *g, const uint8_t *pkt,
			     enum pkt_verdict parsed, const struct pkt_info *pi,
			     double now, int *rule);
const char *egress_why_text(enum egress_why why);
void egress_report(struct egress *g, struct report *r, double now);

/**
 * egress_inbound() - what a packet from the host teaches (checked, about
 *		      to be injected): the resolver's answers; without name
 *		      rules, one test on the inbound path
 * @g:		state
 * @pkt:	its bytes
 * @pi:		the packet, parsed
 * @now:	event-loop time
 */
static inline void egress_inbound(struct egress *g, const uint8_t *pkt,
				  const struct pkt_info *pi, double now)
{
	if (names_active(&g->names))
		names_answer(&g->names, pkt, pi, now);
}

#endif /* REMORA_EGRESS_H */
