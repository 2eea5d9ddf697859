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
#include <netinet/in.h>
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

/* Does @a fall in the IPv6 network of @r? */
static int policy_in_net6(const struct policy_rule *r, const uint8_t *a)
{
	unsigned full = r->len6 / 8, rest = r->len6 % 8;

	if (memcmp(a, r->net6, full))
		return 0;
	return !rest || !((a[full] ^ r->net6[full]) & (0xff << (8 - rest)));
}

/* The network part of a rule: "NET[/LEN]", IPv4 or IPv6 (host bits set
 * are refused: a typo more often than not). Return: 0 or -1 */
static int policy_parse_net(struct policy_rule *r, const char *text, int v6)
{
	char addr[INET6_ADDRSTRLEN + 4], *slash, *end;
	long len = v6 ? 128 : 32;
	struct in_addr a;
	unsigned i;

	if (!*text || strlen(text) >= sizeof(addr))
		return -1;
	strcpy(addr, text);
	slash = strchr(addr, '/');
	if (slash) {
		*slash++ = '\0';
		if (*slash < '0' || *slash > '9')
			return -1;
		len = strtol(slash, &end, 10);
		if (*end || len < 0 || len > (v6 ? 128 : 32))
			return -1;
	}
	if (v6) {
		if (inet_pton(AF_INET6, addr, r->net6) != 1)
			return -1;
		r->v6 = 1;
		r->len6 = (unsigned)len;
		for (i = 0; i < 16; i++) {
			unsigned keep = r->len6 >= (i + 1) * 8 ? 8
					: r->len6 > i * 8      ? r->len6 - i * 8
							       : 0;

			if (r->net6[i] & (0xff >> keep))
				return -1;
		}
		return 0;
	}
	if (inet_pton(AF_INET, addr, &a) != 1)
		return -1;
	r->mask = len ? htonl(0xffffffffU << (32 - len)) : 0;
	if (a.s_addr & ~r->mask)
		return -1;
	r->net = a.s_addr;
	return 0;
}

/**
 * policy_add_out() - add an outbound rule
 * @p:		policy
 * @spec:	"NET[/LEN][:PORTS]" for IPv4, e.g. "10.0.0.0/8",
 *		"0.0.0.0/0:53", "198.51.100.7:443,8443"; for IPv6
 *		"[NET[/LEN]][:PORTS]", e.g. "[2001:db8::/32]:443", or a bare
 *		"2001:db8::/32" without ports. A rule covers its own version
 *		only.
 * @allow:	1 to allow, 0 to deny
 *
 * Return: 0, -1 for a bad @spec, -2 if there are POLICY_MAX_RULES already
 */
int policy_add_out(struct policy *p, const char *spec, int allow)
{
	char net[INET6_ADDRSTRLEN + 8];
	const char *colon = NULL, *close;
	struct policy_rule *r;
	size_t nlen;
	int v6 = 0;

	if (p->nrules >= POLICY_MAX_RULES)
		return -2;
	r = &p->rules[p->nrules];
	memset(r, 0, sizeof(*r));
	if (spec[0] == '[') {
		/* [IPV6[/LEN]][:PORTS] */
		close = strchr(spec, ']');
		if (!close || (close[1] && close[1] != ':'))
			return -1;
		nlen = (size_t)(close - spec - 1);
		if (nlen >= sizeof(net))
			return -1;
		memcpy(net, spec + 1, nlen);
		net[nlen] = '\0';
		colon = close[1] ? close + 1 : NULL;
		v6 = 1;
	} else if (strchr(spec, ':') &&
		   strchr(spec, ':') != strrchr(spec, ':')) {
		/* a bare IPv6 network: no ports */
		if (strlen(spec) >= sizeof(net))
			return -1;
		strcpy(net, spec);
		v6 = 1;
	} else {
		colon = strchr(spec, ':');
		nlen = colon ? (size_t)(colon - spec) : strlen(spec);
		if (nlen >= sizeof(net))
			return -1;
		memcpy(net, spec, nlen);
		net[nlen] = '\0';
	}
	if (policy_parse_net(r, net, v6) ||
	    policy_ports_parse(colon, &r->any_port, &r->ports))
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
	return (pi->proto == IPPROTO_TCP || pi->proto == IPPROTO_UDP) &&
	       pi->frag != PKT_FRAG_LATER;
}

/**
 * policy_ports_cover() - does a rule's port part cover a packet?
 * @any_port:	the rule has no port list: it covers every port, and ICMP
 * @ports:	its port list otherwise
 * @pi:		the packet, parsed
 *
 * Return: non-zero if it does
 */
int policy_ports_cover(int any_port, const struct portset *ports,
		       const struct pkt_info *pi)
{
	return any_port || (policy_l4(pi) && portset_has(ports, pi->dport));
}

/**
 * policy_ports_parse() - a rule's port part: nothing, or ":PORTS"
 * @colon:	NULL for none, else the ':' before the list
 * @any_port:	set if there is none
 * @ports:	the list, if there is one
 *
 * Return: 0, or -1 if the list is empty or not a port list
 */
int policy_ports_parse(const char *colon, int *any_port, struct portset *ports)
{
	*any_port = !colon;
	if (colon && (!colon[1] || portset_parse(ports, colon + 1) ||
		      !portset_count(ports)))
		return -1;
	return 0;
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
 * policy_service_reply() - is this outbound packet a reply of one of the
 *			    enclave's services (its source port is open to
 *			    inbound flows)? Those always go out.
 * @p:	policy
 * @pi:	the packet, parsed
 *
 * Return: non-zero if it is
 */
int policy_service_reply(const struct policy *p, const struct pkt_info *pi)
{
	return p->have_in && policy_l4(pi) &&
	       portset_has(&p->in_ports, pi->sport);
}

/**
 * policy_match_out() - the first outbound rule that covers a packet
 * @p:	policy
 * @pi:	the packet, parsed
 *
 * Return: its index in @p->rules, or -1 if none does
 */
int policy_match_out(const struct policy *p, const struct pkt_info *pi)
{
	const struct policy_rule *r;
	int i;

	for (i = 0; i < p->nrules; i++) {
		r = &p->rules[i];
		if (r->v6 != (pi->version == 6))
			continue; /* a rule covers its own version only */
		if (r->v6 ? !policy_in_net6(r, pi->dst6)
			  : (pi->dst & r->mask) != r->net)
			continue;
		if (policy_ports_cover(r->any_port, &r->ports, pi))
			return i;
	}
	return -1;
}

/**
 * policy_check_out() - may the enclave send this packet? (address rules
 *			only: the enclave's name rules are egress.c's)
 * @p:	policy
 * @pi:	the packet, parsed
 *
 * Return: PKT_OK or PKT_POLICY
 */
enum pkt_verdict policy_check_out(const struct policy *p,
				  const struct pkt_info *pi)
{
	int i;

	if (policy_service_reply(p, pi))
		return PKT_OK;
	i = policy_match_out(p, pi);
	if (i >= 0)
		return p->rules[i].allow ? PKT_OK : PKT_POLICY;
	return p->have_allow ? PKT_POLICY : PKT_OK;
}
