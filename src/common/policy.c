// SPDX-License-Identifier: Apache-2.0
/* remora - the enclave's own traffic policy, decided by the image's owner
 *
 * The host decides which ports reach the instance; the enclave's policy,
 * in its measured image, decides what the enclave accepts and where it may
 * send, whatever the host does:
 *
 *  - inbound allowlist (--allow-in PORTS): TCP and UDP packets from the
 *    host must be for one of PORTS (a service of the enclave) or for the
 *    enclave's ephemeral range (replies to its own flows); ICMP is left to
 *    the inbound checks (echo, replies, errors only);
 *  - outbound rules (--allow-out / --deny-out NET[/LEN][:PORTS]), first
 *    match wins; with any allow rule, what matches none is refused.
 *    Replies of the enclave's services (source port in the inbound
 *    allowlist) always go out.
 *
 * Without any of these flags everything the other checks accept passes.
 * Stateless, like the rest of remora: the enclave's kernel keeps the
 * connections.
 */

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "remora/policy.h"

/**
 * policy_init() - an empty policy: everything passes
 * @p:	policy
 */
void policy_init(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	/* Linux's default ephemeral range until told otherwise */
	portset_add_range(&p->reply_ports, 32768, 60999);
}

/**
 * policy_set_in() - set the inbound allowlist
 * @p:		policy
 * @ports:	e.g. "443,8000-8100"
 *
 * Return: 0, or -1 if @ports is not a port list
 */
int policy_set_in(struct policy *p, const char *ports)
{
	if (!*ports || portset_parse(&p->in_ports, ports) ||
	    !portset_count(&p->in_ports))
		return -1;
	p->have_in = 1;
	return 0;
}

/**
 * policy_add_out() - add an outbound rule
 * @p:		policy
 * @spec:	"NET[/LEN][:PORTS]", e.g. "10.0.0.0/8", "0.0.0.0/0:53",
 *		"198.51.100.7:443,8443"
 * @allow:	1 to allow, 0 to deny
 *
 * Return: 0, -1 for a bad @spec, -2 if there are POLICY_MAX_RULES already
 */
int policy_add_out(struct policy *p, const char *spec, int allow)
{
	struct policy_rule *r;
	char addr[INET_ADDRSTRLEN + 4], *slash, *end;
	const char *colon;
	struct in_addr a;
	size_t alen;
	long len = 32;

	if (p->nrules >= POLICY_MAX_RULES)
		return -2;
	r = &p->rules[p->nrules];
	memset(r, 0, sizeof(*r));
	colon = strchr(spec, ':');
	alen = colon ? (size_t)(colon - spec) : strlen(spec);
	if (!alen || alen >= sizeof(addr))
		return -1;
	memcpy(addr, spec, alen);
	addr[alen] = '\0';
	slash = strchr(addr, '/');
	if (slash) {
		*slash++ = '\0';
		if (*slash < '0' || *slash > '9')
			return -1;
		len = strtol(slash, &end, 10);
		if (*end || len < 0 || len > 32)
			return -1;
	}
	if (inet_pton(AF_INET, addr, &a) != 1)
		return -1;
	r->mask = len ? htonl(0xffffffffU << (32 - len)) : 0;
	if (a.s_addr & ~r->mask)
		return -1; /* host bits set: a typo more often than not */
	r->net = a.s_addr;
	r->any_port = !colon;
	if (colon && (!colon[1] || portset_parse(&r->ports, colon + 1) ||
		      !portset_count(&r->ports)))
		return -1;
	r->allow = allow;
	p->have_allow |= allow;
	p->nrules++;
	return 0;
}

/**
 * policy_active() - does the policy refuse anything?
 * @p:	policy
 *
 * Return: non-zero if packets must be checked against it
 */
int policy_active(const struct policy *p)
{
	return p->have_in || p->nrules;
}

/* Has the packet TCP/UDP ports? A later fragment has none: only rules
 * for every port match it */
static int policy_l4(const struct pkt_info *pi)
{
	return (pi->proto == 6 || pi->proto == 17) &&
	       pi->frag != PKT_FRAG_LATER;
}

/**
 * policy_check_in() - may this packet from the host enter the enclave?
 * @p:	policy
 * @pi:	the packet, parsed and through pkt_check_inbound()
 *
 * Return: PKT_OK or PKT_POLICY
 */
enum pkt_verdict policy_check_in(const struct policy *p,
				 const struct pkt_info *pi)
{
	if (!p->have_in || !policy_l4(pi))
		return PKT_OK;
	if (portset_has(&p->in_ports, pi->dport) ||
	    portset_has(&p->reply_ports, pi->dport))
		return PKT_OK;
	return PKT_POLICY;
}

/**
 * policy_check_out() - may the enclave send this packet?
 * @p:	policy
 * @pi:	the packet, parsed
 *
 * Return: PKT_OK or PKT_POLICY
 */
enum pkt_verdict policy_check_out(const struct policy *p,
				  const struct pkt_info *pi)
{
	const struct policy_rule *r;
	int i;

	/* a reply of one of the enclave's services */
	if (p->have_in && policy_l4(pi) && portset_has(&p->in_ports, pi->sport))
		return PKT_OK;
	/* the rules are IPv4 networks: with an allowlist, IPv6 has none */
	if (pi->version == 6)
		return p->have_allow ? PKT_POLICY : PKT_OK;
	for (i = 0; i < p->nrules; i++) {
		r = &p->rules[i];
		if ((pi->dst & r->mask) != r->net)
			continue;
		if (!r->any_port &&
		    (!policy_l4(pi) || !portset_has(&r->ports, pi->dport)))
			continue;
		return r->allow ? PKT_OK : PKT_POLICY;
	}
	return p->have_allow ? PKT_POLICY : PKT_OK;
}
