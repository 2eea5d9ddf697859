// SPDX-License-Identifier: Apache-2.0
/* remora-enclave - what the enclave may send
 *
 * The image's owner writes the enclave's outbound policy; remora-enclave
 * holds every packet the enclave sends to it, whatever the host does. Two
 * kinds of rule decide together, in this order (IPv4 and IPv6 alike):
 *
 *  1. with any policy in force, a packet that cannot be read is refused;
 *  2. a reply of one of the enclave's services (--allow-in) goes out;
 *  3. with name rules, TCP and UDP to port 53 are DNS: only to --resolver,
 *     only plain queries for allowed names (names.c);
 *  4. address rules (--allow-out, --deny-out): the first that matches
 *     decides;
 *  5. name rules: an address an answer admitted for an allowed name,
 *     within its TTL, on the rule's ports;
 *  6. a flow opened under 5 whose address has expired since;
 *  7. otherwise refused if any allow rule (of either kind) exists.
 *
 * docs/deployment.md has this order as a table.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "egress.h"

/**
 * egress_init() - the outbound policy: address rules and name rules
 * @g:	state
 * @p:	address rules, kept
 * @nc:	name rules and their settings, kept
 *
 * Return: 0, or -1 if the name tables cannot be allocated
 */
int egress_init(struct egress *g, const struct policy *p,
		const struct names_config *nc)
{
	uint32_t seed;

	g->policy = p;
	memset(g->refused, 0, sizeof(g->refused));
	/* unknown to the peers flows and answers come from, so that none
	 * can aim at a bucket; at start-up, before the seccomp filter */
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed)) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		seed = (uint32_t)ts.tv_nsec ^
		       (uint32_t)ts.tv_sec * 2654435761u ^
		       (uint32_t)getpid() << 16;
	}
	return names_init(&g->names, nc, seed);
}

/**
 * egress_free() - free what egress_init() allocated
 * @g:	state
 */
void egress_free(struct egress *g)
{
	names_free(&g->names);
}

/**
 * egress_active() - does the policy refuse anything outbound?
 * @g:	state
 *
 * Return: non-zero if each outbound packet must go through egress_check()
 */
int egress_active(const struct egress *g)
{
	return policy_active(g->policy) || names_active(&g->names);
}

/**
 * egress_check() - may the enclave send this packet?
 * @g:		state
 * @pkt:	its bytes, @pi->len of them when @parsed is PKT_OK
 * @parsed:	what parsing it gave
 * @pi:		the packet, parsed
 * @now:	event-loop time
 * @rule:	set to the index of the address rule that decided, or -1
 *
 * Return: EGRESS_PASS or why it is refused (counted in @g->refused)
 */
enum egress_why egress_check(struct egress *g, const uint8_t *pkt,
			     enum pkt_verdict parsed, const struct pkt_info *pi,
			     double now, int *rule)
{
	enum egress_why why = EGRESS_PASS;

	*rule = -1;
	if (parsed != PKT_OK) {
		why = EGRESS_UNREADABLE;
	} else if (policy_service_reply(g->policy, pi)) {
		return EGRESS_PASS;
	} else if (names_is_dns(&g->names, pi)) {
		static const enum egress_why of[] = {
			[NAMES_DNS_PASS] = EGRESS_PASS,
			[NAMES_DNS_SERVER] = EGRESS_DNS_SERVER,
			[NAMES_DNS_NAME] = EGRESS_DNS_NAME,
			[NAMES_DNS_FORM] = EGRESS_DNS_FORM,
		};

		why = of[names_query(&g->names, pkt, pi, now)];
	} else if ((*rule = policy_match_out(g->policy, pi)) >= 0) {
		why = g->policy->rules[*rule].allow ? EGRESS_PASS
						    : EGRESS_DENY_RULE;
	} else if (names_admit(&g->names, pi, now)) {
		why = EGRESS_PASS;
	} else if (g->policy->have_allow || names_active(&g->names)) {
		why = EGRESS_UNLISTED;
	}
	if (why != EGRESS_PASS)
		g->refused[why]++;
	return why;
}

/**
 * egress_why_text() - a refusal's reason, for trace lines
 * @why:	the reason
 *
 * Return: a static string
 */
const char *egress_why_text(enum egress_why why)
{
	static const char *const text[EGRESS_NWHY] = {
		[EGRESS_PASS] = "passed",
		[EGRESS_UNREADABLE] = "a packet that cannot be read",
		[EGRESS_DENY_RULE] = "a --deny-out rule",
		[EGRESS_UNLISTED] = "no rule admits its destination",
		[EGRESS_DNS_SERVER] = "DNS to a server other than --resolver",
		[EGRESS_DNS_NAME] = "DNS query for a name no rule allows",
		[EGRESS_DNS_FORM] = "DNS that is not plain queries",
	};

	return why < EGRESS_NWHY ? text[why] : "?";
}

/**
 * egress_report() - refusals by reason, and the name policy's state
 * @g:		state
 * @r:		report
 * @now:	event-loop time
 */
void egress_report(struct egress *g, struct report *r, double now)
{
	static const char *const name[EGRESS_NWHY] = {
		[EGRESS_UNREADABLE] = "policy_refused_unreadable",
		[EGRESS_DENY_RULE] = "policy_refused_deny_rule",
		[EGRESS_UNLISTED] = "policy_refused_unlisted",
		[EGRESS_DNS_SERVER] = "policy_refused_dns_server",
		[EGRESS_DNS_NAME] = "policy_refused_dns_name",
		[EGRESS_DNS_FORM] = "policy_refused_dns_form",
	};
	char help[96];
	int i;

	for (i = EGRESS_PASS + 1; i < EGRESS_NWHY; i++) {
		snprintf(help, sizeof(help), "outbound packets refused: %s",
			 egress_why_text((enum egress_why)i));
		report_counter(r, name[i], help, g->refused[i]);
	}
	names_report(&g->names, r, now);
}
