/* SPDX-License-Identifier: Apache-2.0 */
/* remora-enclave - egress by name: destinations the image allows by DNS
 *		    name, learnt from the answers the enclave's resolver
 *		    gives */
#ifndef REMORA_NAMES_H
#define REMORA_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "dnstcp.h"
#include "remora/dns.h"
#include "remora/pkt.h"
#include "remora/portset.h"
#include "remora/report.h"

#define NAMES_MAX_RULES	     32
#define NAMES_QUERIES	     256  /* queries waiting for their answer */
#define NAMES_WAYS	     8	  /* entries of a table's bucket */
#define NAMES_ADDRS_DEFAULT  4096 /* --name-table */
#define NAMES_ADDRS_MIN	     16
#define NAMES_ADDRS_MAX	     65536
#define NAMES_FLOWS_PER_ADDR 4	  /* flows kept per admitted address */
#define NAMES_TTL_MIN	     30	  /* --name-ttl-min default, seconds */
#define NAMES_TTL_MAX	     3600 /* --name-ttl-max default, seconds */
#define NAMES_TIMEOUT	     5	  /* --name-timeout default, seconds */
#define NAMES_FLOW_IDLE_TCP  3600 /* seconds a TCP flow may idle */
#define NAMES_FLOW_IDLE	     300  /* seconds another flow may idle */

/**
 * struct names_rule - one --allow-out-name
 * @pattern:	the name, lowercase, no final dot; for "*.example.com",
 *		"example.com" with @wildcard set
 * @wildcard:	@pattern's subdomains match (at any depth), not itself
 * @any_port:	every port (and ICMP) of the addresses it admits
 * @ports:	TCP/UDP destination ports, unless @any_port
 */
struct names_rule {
	char pattern[DNS_NAME_MAX + 1];
	int wildcard;
	int any_port;
	struct portset ports;
};

/**
 * struct names_config - what the command line says
 * @rules:	--allow-out-name rules, in the order given
 * @nrules:	how many
 * @resolver:	--resolver's IPv4 address, network order (0: none)
 * @resolver6:	its IPv6 address, if @have_resolver6
 * @have_resolver6: one was given
 * @ttl_min:	--name-ttl-min: an address lives at least this long
 * @ttl_max:	--name-ttl-max: and at most this long, seconds
 * @timeout:	--name-timeout: seconds a query waits for its answer
 * @table:	--name-table: admitted addresses kept, at most
 */
struct names_config {
	struct names_rule rules[NAMES_MAX_RULES];
	int nrules;
	uint32_t resolver;
	uint8_t resolver6[16];
	int have_resolver6;
	uint32_t ttl_min;
	uint32_t ttl_max;
	uint32_t timeout;
	uint32_t table;
};

/**
 * enum names_stat - what the name policy counts
 * @NAMES_QUERIES_SENT:		queries let out to the resolver
 * @NAMES_QUERIES_EXPIRED:	queries whose answer never came in time
 * @NAMES_QUERIES_EVICTED:	queries forgotten to make room for newer
 * @NAMES_ANSWERS:		answers that matched a query and were read
 * @NAMES_ANSWERS_IGNORED:	answers from the resolver's port that match
 *				no query waiting (never sent, answered
 *				already, timed out, or another id, name, type
 *				or port)
 * @NAMES_ANSWERS_MALFORMED:	answers that could not be read
 * @NAMES_ADDRS_LEARNT:		addresses admitted (or renewed) by answers
 * @NAMES_ADDRS_EVICTED:	live addresses forgotten to make room
 * @NAMES_FLOWS_EVICTED:	flows forgotten to make room
 * @NAMES_FLOW_PASSED:		packets let out by a flow opened while its
 *				address was admitted, after it expired
 */
enum names_stat {
	NAMES_QUERIES_SENT = 0,
	NAMES_QUERIES_EXPIRED,
	NAMES_QUERIES_EVICTED,
	NAMES_ANSWERS,
	NAMES_ANSWERS_IGNORED,
	NAMES_ANSWERS_MALFORMED,
	NAMES_ADDRS_LEARNT,
	NAMES_ADDRS_EVICTED,
	NAMES_FLOWS_EVICTED,
	NAMES_FLOW_PASSED,
	NAMES_NSTATS,
};

/**
 * enum names_query_verdict - what becomes of a packet to DNS's port
 * @NAMES_DNS_PASS:	only allowed queries to the resolver (or no payload)
 * @NAMES_DNS_SERVER:	DNS to a server other than --resolver
 * @NAMES_DNS_NAME:	a query for a name no rule allows
 * @NAMES_DNS_FORM:	not plain queries: unreadable, more than a question,
 *			a TCP segment not made of whole messages, a fragment
 */
enum names_query_verdict {
	NAMES_DNS_PASS = 0,
	NAMES_DNS_SERVER,
	NAMES_DNS_NAME,
	NAMES_DNS_FORM,
};

struct names_query;
struct names_addr;
struct names_flow;

/**
 * struct names - the name policy at run time
 * @cfg:	configuration
 * @queries:	queries waiting for their answer, NAMES_QUERIES
 * @addrs:	admitted addresses: @addr_buckets buckets of NAMES_WAYS
 * @addr_buckets: a power of two
 * @flows:	flows to admitted addresses: @flow_buckets of NAMES_WAYS
 * @flow_buckets: a power of two
 * @tcp:	the enclave's TCP connections to the resolver's port 53
 * @seed:	hash seed, random: the enclave's peers cannot aim at a bucket
 * @st:		counters, enum names_stat
 */
struct names {
	const struct names_config *cfg;
	struct names_query *queries;
	struct names_addr *addrs;
	uint32_t addr_buckets;
	struct names_flow *flows;
	uint32_t flow_buckets;
	struct dnstcp *tcp;
	uint32_t seed;
	uint64_t st[NAMES_NSTATS];
};

void names_config_init(struct names_config *c);
int names_add_rule(struct names_config *c, const char *spec);
int names_set_resolver(struct names_config *c, const char *spec);
uint32_t names_match(const struct names_config *c, const char *name);

int names_init(struct names *n, const struct names_config *cfg, uint32_t seed);
void names_free(struct names *n);
static inline int names_active(const struct names *n)
{
	return n->cfg && n->cfg->nrules;
}
int names_is_dns(const struct names *n, const struct pkt_info *pi);
enum names_query_verdict names_query(struct names *n, const uint8_t *pkt,
				     const struct pkt_info *pi, double now);
void names_answer(struct names *n, const uint8_t *pkt,
		  const struct pkt_info *pi, double now);
int names_admit(struct names *n, const struct pkt_info *pi, double now);
void names_report(struct names *n, struct report *r, double now);

#endif /* REMORA_NAMES_H */
