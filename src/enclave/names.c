// SPDX-License-Identifier: Apache-2.0
/* remora-enclave - egress by name
 *
 * The image's owner allows destinations by name (--allow-out-name
 * kms.us-east-1.amazonaws.com:443, *.example.com:443); the addresses
 * behind the names change, so remora-enclave learns them from the answers
 * it carries into the enclave from the one resolver the enclave may use
 * (--resolver):
 *
 *  - a query leaves only for the resolver, only as one plain question
 *    (dns.c) for a name a rule allows, and is remembered (resolver,
 *    port, id, name, type) for --name-timeout seconds; every other query
 *    is refused, so no data leaves in query names;
 *  - an answer from the resolver teaches only if it matches a query still
 *    waiting; its A and AAAA records for the name, and for the CNAMEs it
 *    leads to, are admitted for their TTL, clamped to --name-ttl-min and
 *    --name-ttl-max, on the ports of the rule that allowed the name;
 *  - a flow (protocol, address, ports) opened while its address was
 *    admitted is remembered, and goes on after the address expires until
 *    it idles.
 *
 * Every table is allocated once, at start-up, and bounded: queries
 * NAMES_QUERIES, addresses --name-table, flows NAMES_FLOWS_PER_ADDR times
 * that. The address and flow tables are set-associative: a key hashes (with
 * a random seed) to a bucket of NAMES_WAYS entries, and a full bucket
 * gives up its least recently used entry, counted. Nothing is allocated
 * per packet.
 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "remora/bytes.h"
#include "remora/policy.h"
#include "remora/prefault.h"

/**
 * struct names_query - a query waiting for its answer
 * @deadline:	event-loop time after which it is forgotten (0: a free slot)
 * @version:	4 or 6: the resolver's address it went to
 * @port:	the enclave's source port
 * @id:		message id
 * @type:	QTYPE
 * @rules:	the rules that allow @name, a bit each
 * @name:	QNAME, lowercase
 */
struct names_query {
	double deadline;
	uint8_t version;
	uint16_t port;
	uint16_t id;
	uint16_t type;
	uint32_t rules;
	char name[DNS_NAME_MAX + 1];
};

/**
 * struct names_addr - an address an answer admitted
 * @expires:	event-loop time its TTL ends (0: a free slot)
 * @used:	last time it was learnt or let a packet out (LRU)
 * @version:	4 or 6
 * @a:		4 or 16 bytes
 * @rules:	the rules that allowed the names it was learnt for
 * @name:	the name it was last learnt for, for reports
 */
struct names_addr {
	double expires;
	double used;
	uint8_t version;
	uint8_t a[16];
	uint32_t rules;
	char name[DNS_NAME_MAX + 1];
};

/**
 * struct names_flow - a flow opened while its address was admitted
 * @seen:	last packet (0: a free slot)
 * @version:	4 or 6
 * @proto:	IP protocol
 * @sport:	source port (TCP/UDP; 0 otherwise)
 * @dport:	destination port
 * @a:		destination address
 */
struct names_flow {
	double seen;
	uint8_t version;
	uint8_t proto;
	uint16_t sport;
	uint16_t dport;
	uint8_t a[16];
};

/**
 * names_config_init() - no rule, the default timers and table size
 * @c:	configuration
 */
void names_config_init(struct names_config *c)
{
	memset(c, 0, sizeof(*c));
	c->ttl_min = NAMES_TTL_MIN;
	c->ttl_max = NAMES_TTL_MAX;
	c->timeout = NAMES_TIMEOUT;
	c->table = NAMES_ADDRS_DEFAULT;
}

/* A name as a rule holds it: lowercase, no final dot, labels of
 * [a-z0-9_-] of 1 to 63 bytes, 253 bytes at most. Return: 0 or -1 */
static int names_norm(char *out, const char *in, size_t len)
{
	size_t i, label = 0;

	if (len && in[len - 1] == '.')
		len--;
	if (!len || len > DNS_NAME_MAX)
		return -1;
	for (i = 0; i < len; i++) {
		char c = in[i];

		if (c == '.') {
			if (!label)
				return -1;
			label = 0;
			out[i] = c;
			continue;
		}
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_') ||
		    ++label > DNS_LABEL_MAX)
			return -1;
		out[i] = c;
	}
	if (!label)
		return -1;
	out[len] = '\0';
	return 0;
}

/**
 * names_add_rule() - add an --allow-out-name rule
 * @c:		configuration
 * @spec:	"NAME[:PORTS]" or "*.NAME[:PORTS]"
 *
 * Return: 0, -1 for a bad @spec, -2 if there are NAMES_MAX_RULES already
 */
int names_add_rule(struct names_config *c, const char *spec)
{
	const char *colon = strchr(spec, ':');
	size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
	struct names_rule *r;

	if (c->nrules >= NAMES_MAX_RULES)
		return -2;
	r = &c->rules[c->nrules];
	memset(r, 0, sizeof(*r));
	if (len >= 2 && spec[0] == '*' && spec[1] == '.') {
		r->wildcard = 1;
		spec += 2;
		len -= 2;
	}
	if (names_norm(r->pattern, spec, len) ||
	    policy_ports_parse(colon, &r->any_port, &r->ports))
		return -1;
	c->nrules++;
	return 0;
}

/**
 * names_set_resolver() - set --resolver
 * @c:		configuration
 * @spec:	"IPV4" or "IPV4,IPV6"
 *
 * Return: 0, or -1 if @spec is not that
 */
int names_set_resolver(struct names_config *c, const char *spec)
{
	char v4[INET_ADDRSTRLEN];
	const char *comma = strchr(spec, ',');
	size_t len = comma ? (size_t)(comma - spec) : strlen(spec);
	struct in_addr a;

	if (!len || len >= sizeof(v4))
		return -1;
	memcpy(v4, spec, len);
	v4[len] = '\0';
	if (inet_pton(AF_INET, v4, &a) != 1 || !a.s_addr)
		return -1;
	c->resolver = a.s_addr;
	c->have_resolver6 = 0;
	if (comma) {
		if (inet_pton(AF_INET6, comma + 1, c->resolver6) != 1)
			return -1;
		c->have_resolver6 = 1;
	}
	return 0;
}

/**
 * names_match() - which rules allow a name?
 * @c:		configuration
 * @name:	lowercase, no final dot
 *
 * Return: a bit per rule that allows it (bit i: rule i); 0 for none
 */
uint32_t names_match(const struct names_config *c, const char *name)
{
	size_t n = strlen(name), plen;
	uint32_t rules = 0;
	int i;

	for (i = 0; i < c->nrules; i++) {
		const struct names_rule *r = &c->rules[i];

		plen = strlen(r->pattern);
		if (!r->wildcard ? !strcmp(name, r->pattern)
				 : n > plen + 1 && name[n - plen - 1] == '.' &&
					   !strcmp(name + n - plen, r->pattern))
			rules |= 1u << i;
	}
	return rules;
}

/* The smallest power of two at least @n */
static uint32_t names_pow2(uint32_t n)
{
	uint32_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

/**
 * names_init() - allocate the tables of the name policy
 * @n:		state
 * @cfg:	configuration, kept
 * @seed:	random hash seed
 *
 * Return: 0, or -1 if memory is short
 */
int names_init(struct names *n, const struct names_config *cfg, uint32_t seed)
{
	size_t qsz = NAMES_QUERIES * sizeof(*n->queries), asz, fsz;

	memset(n, 0, sizeof(*n));
	n->cfg = cfg;
	n->seed = seed;
	if (!cfg->nrules)
		return 0;
	n->addr_buckets =
		names_pow2((cfg->table + NAMES_WAYS - 1) / NAMES_WAYS);
	n->flow_buckets = n->addr_buckets * NAMES_FLOWS_PER_ADDR;
	asz = (size_t)n->addr_buckets * NAMES_WAYS * sizeof(*n->addrs);
	fsz = (size_t)n->flow_buckets * NAMES_WAYS * sizeof(*n->flows);
	n->queries = calloc(1, qsz);
	n->addrs = calloc(1, asz);
	n->flows = calloc(1, fsz);
	n->tcp = calloc(1, sizeof(*n->tcp));
	if (!n->queries || !n->addrs || !n->flows || !n->tcp) {
		names_free(n);
		return -1;
	}
	prefault(n->queries, qsz);
	prefault(n->addrs, asz);
	prefault(n->flows, fsz);
	prefault(n->tcp, sizeof(*n->tcp));
	return 0;
}

/**
 * names_free() - free the tables
 * @n:	state
 */
void names_free(struct names *n)
{
	free(n->queries);
	free(n->addrs);
	free(n->flows);
	free(n->tcp);
	n->tcp = NULL;
	n->queries = NULL;
	n->addrs = NULL;
	n->flows = NULL;
}

/* Is @pi's destination (or source, @src) the resolver? */
static int names_resolver_is(const struct names_config *c,
			     const struct pkt_info *pi, int src)
{
	if (pi->version == 6)
		return c->have_resolver6 &&
		       !memcmp(src ? pi->src6 : pi->dst6, c->resolver6, 16);
	return (src ? pi->src : pi->dst) == c->resolver;
}

/**
 * names_is_dns() - is this outbound packet for DNS's port (TCP or UDP 53),
 *		    or a later fragment of TCP or UDP to the resolver?
 * @n:	state
 * @pi:	the packet
 *
 * Return: non-zero if names_query() decides it
 */
int names_is_dns(const struct names *n, const struct pkt_info *pi)
{
	if (!names_active(n) ||
	    (pi->proto != IPPROTO_UDP && pi->proto != IPPROTO_TCP))
		return 0;
	/* a later fragment has no port: to the resolver, it may be DNS */
	if (pi->frag == PKT_FRAG_LATER)
		return names_resolver_is(n->cfg, pi, 0);
	return pi->dport == DNS_PORT;
}

/* The transport payload of a TCP or UDP packet; an empty view if it
 * holds none, or if a UDP header's length is not the packet's (bytes past
 * it would go out unread, bytes short of it would not be delivered) */
static struct view names_payload(const uint8_t *pkt, const struct pkt_info *pi)
{
	struct view l4 = view_from(view_of(pkt, pi->len), pi->hlen);
	const uint8_t *udp;

	if (pi->proto == IPPROTO_TCP)
		return view_from(l4, pi->thlen);
	udp = view_get(l4, 0, 8);
	if (!udp || get_be16(udp + 4) != l4.len)
		return view_of(pkt, 0);
	return view_from(l4, 8);
}

/* Forget the queries whose time is up, counting them */
static void names_expire_queries(struct names *n, double now)
{
	int i;

	for (i = 0; i < NAMES_QUERIES; i++)
		if (n->queries[i].deadline && n->queries[i].deadline < now) {
			n->queries[i].deadline = 0;
			n->st[NAMES_QUERIES_EXPIRED]++;
		}
}

/* Remember a query let out; a full table forgets the one nearest its
 * deadline */
static void names_remember(struct names *n, const struct pkt_info *pi,
			   const struct dns_question *q, uint32_t rules,
			   double now)
{
	struct names_query *slot = NULL, *s;
	int i;

	names_expire_queries(n, now);
	for (i = 0; i < NAMES_QUERIES; i++) {
		s = &n->queries[i];
		if (!s->deadline) {
			if (!slot || slot->deadline)
				slot = s;
			continue;
		}
		if (s->version == pi->version && s->port == pi->sport &&
		    s->id == q->id && s->type == q->type &&
		    !strcmp(s->name, q->name)) {
			slot = s; /* sent again */
			break;
		}
		if (!slot || (slot->deadline && s->deadline < slot->deadline))
			slot = s;
	}
	if (slot->deadline &&
	    (slot->version != pi->version || slot->port != pi->sport ||
	     slot->id != q->id || slot->type != q->type ||
	     strcmp(slot->name, q->name)))
		n->st[NAMES_QUERIES_EVICTED]++;
	slot->deadline = now + n->cfg->timeout;
	slot->version = pi->version;
	slot->port = pi->sport;
	slot->id = q->id;
	slot->type = q->type;
	slot->rules = rules;
	strcpy(slot->name, q->name);
	n->st[NAMES_QUERIES_SENT]++;
}

/* Check one query to the resolver. Return: its verdict; *@rules: the
 * rules allowing its name */
static enum names_query_verdict names_check_one(const struct names *n,
						struct view msg,
						struct dns_question *q,
						uint32_t *rules)
{
	*rules = 0;
	if (dns_parse_query(msg, q) != DNS_OK)
		return NAMES_DNS_FORM;
	*rules = names_match(n->cfg, q->name);
	return *rules ? NAMES_DNS_PASS : NAMES_DNS_NAME;
}

/**
 * names_query() - may this packet to DNS's port leave? (names_is_dns())
 * @n:		state
 * @pkt:	the packet's bytes, @pi->len of them
 * @pi:		the packet, parsed
 * @now:	event-loop time
 *
 * Only for the resolver, and only made of plain queries for allowed names:
 * one in a UDP datagram; whole messages in a TCP segment (a segment with
 * no payload passes). Each query let out is remembered.
 *
 * Return: NAMES_DNS_PASS or why not
 */
enum names_query_verdict names_query(struct names *n, const uint8_t *pkt,
				     const struct pkt_info *pi, double now)
{
	struct view pl = names_payload(pkt, pi), msg;
	enum names_query_verdict v;
	struct dns_question q;
	const uint8_t *th;
	uint32_t rules;
	size_t off = 0;

	if (!names_resolver_is(n->cfg, pi, 0))
		return NAMES_DNS_SERVER;
	if (pi->frag != PKT_FRAG_NONE)
		return NAMES_DNS_FORM; /* a part of a query cannot be read */
	if (pi->proto == IPPROTO_UDP) {
		v = names_check_one(n, pl, &q, &rules);
		if (v == NAMES_DNS_PASS)
			names_remember(n, pi, &q, rules, now);
		return v;
	}
	/* TCP: the segment must keep the stream the resolver reads made of
	 * whole messages (dnstcp.c); each is checked before any is
	 * remembered */
	th = pkt + pi->hlen;
	switch (dnstcp_segment(n->tcp, pi->version, pi->sport, th, pl, now)) {
	case DNSTCP_PASS:
		return NAMES_DNS_PASS;
	case DNSTCP_REFUSE:
		return NAMES_DNS_FORM;
	default:
		break;
	}
	while (dns_tcp_next(pl, &off, &msg) > 0) {
		v = names_check_one(n, msg, &q, &rules);
		if (v != NAMES_DNS_PASS)
			return v;
	}
	dnstcp_commit(n->tcp, pi->version, pi->sport, th, pl);
	off = 0;
	while (dns_tcp_next(pl, &off, &msg) > 0) {
		names_check_one(n, msg, &q, &rules);
		names_remember(n, pi, &q, rules, now);
	}
	return NAMES_DNS_PASS;
}

/* FNV-1a of a key, with the seed */
static uint32_t names_hash(uint32_t seed, const uint8_t *p, size_t len)
{
	uint32_t h = 2166136261u ^ seed;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h ^ (h >> 16);
}

/* The bucket of an address */
static struct names_addr *names_addr_bucket(const struct names *n,
					    uint8_t version, const uint8_t *a)
{
	uint8_t key[17];

	key[0] = version;
	memcpy(key + 1, a, 16);
	return &n->addrs[(names_hash(n->seed, key, sizeof(key)) &
			  (n->addr_buckets - 1)) *
			 NAMES_WAYS];
}

/* Is the address slot in use at @now? */
static int names_addr_live(const struct names_addr *a, double now)
{
	return a->expires && a->expires >= now;
}

/* Admit an address for @ttl seconds (clamped), for @rules */
static void names_learn(struct names *n, const struct dns_addr *d,
			const struct names_query *q, double now)
{
	struct names_addr *b = names_addr_bucket(n, d->version, d->a);
	struct names_addr *slot = NULL;
	uint32_t ttl = d->ttl;
	double until;
	int i;

	if (ttl < n->cfg->ttl_min)
		ttl = n->cfg->ttl_min;
	if (ttl > n->cfg->ttl_max)
		ttl = n->cfg->ttl_max;
	until = now + ttl;
	for (i = 0; i < NAMES_WAYS; i++) {
		if (b[i].expires && b[i].version == d->version &&
		    !memcmp(b[i].a, d->a, 16)) {
			slot = &b[i];
			break;
		}
		if (!slot ||
		    (names_addr_live(slot, now) &&
		     (!names_addr_live(&b[i], now) || b[i].used < slot->used)))
			slot = &b[i];
	}
	if (names_addr_live(slot, now) &&
	    (slot->version != d->version || memcmp(slot->a, d->a, 16)))
		n->st[NAMES_ADDRS_EVICTED]++;
	if (!names_addr_live(slot, now) || slot->version != d->version ||
	    memcmp(slot->a, d->a, 16)) {
		memset(slot, 0, sizeof(*slot));
		slot->version = d->version;
		memcpy(slot->a, d->a, 16);
	}
	if (until > slot->expires)
		slot->expires = until;
	slot->used = now;
	slot->rules |= q->rules;
	strcpy(slot->name, q->name);
	n->st[NAMES_ADDRS_LEARNT]++;
}

/* Take the answer @msg from the resolver to the enclave's port @pi */
static void names_answer_one(struct names *n, struct view msg,
			     const struct pkt_info *pi, double now)
{
	struct dns_question aq;
	struct dns_answer a;
	struct names_query *q = NULL;
	int i;

	/* its question first: the records of an answer no query awaits
	 * are never read, so each query costs one full read at most */
	if (dns_parse_answer_question(msg, &aq) != DNS_OK) {
		n->st[NAMES_ANSWERS_MALFORMED]++;
		return;
	}
	for (i = 0; i < NAMES_QUERIES && !q; i++) {
		struct names_query *s = &n->queries[i];

		if (s->deadline && s->version == pi->version &&
		    s->port == pi->dport && s->id == aq.id &&
		    s->type == aq.type && !strcmp(s->name, aq.name))
			q = s;
	}
	if (!q) {
		n->st[NAMES_ANSWERS_IGNORED]++;
		return;
	}
	q->deadline = 0; /* one answer a query, read or not */
	if (dns_parse_answer(msg, &a) != DNS_OK) {
		n->st[NAMES_ANSWERS_MALFORMED]++;
		return;
	}
	n->st[NAMES_ANSWERS]++;
	if (a.rcode)
		return;
	for (i = 0; i < a.naddrs; i++)
		names_learn(n, &a.addrs[i], q, now);
}

/* Where a message of a reassembled answer stream came from */
struct names_at {
	struct names *n;
	const struct pkt_info *pi;
	double now;
};

static void names_answer_msg(void *ctx, struct view msg)
{
	struct names_at *at = ctx;

	names_answer_one(at->n, msg, at->pi, at->now);
}

/**
 * names_answer() - learn from a packet the host sent, checked already
 * @n:		state
 * @pkt:	its bytes, @pi->len of them
 * @pi:		the packet, parsed
 * @now:	event-loop time
 *
 * Only TCP and UDP from the resolver's port 53 are read; the packet is
 * injected whatever it says: this only decides what is learnt from it.
 */
void names_answer(struct names *n, const uint8_t *pkt,
		  const struct pkt_info *pi, double now)
{
	struct names_at at;
	struct view pl, msg;
	size_t off = 0;
	int more;

	if (!names_active(n) ||
	    (pi->proto != IPPROTO_UDP && pi->proto != IPPROTO_TCP) ||
	    pi->sport != DNS_PORT || !names_resolver_is(n->cfg, pi, 1))
		return;
	names_expire_queries(n, now); /* a late answer teaches nothing */
	pl = names_payload(pkt, pi);
	if (pi->proto == IPPROTO_UDP) {
		names_answer_one(n, pl, pi, now);
		return;
	}
	/* a connection followed from its SYN is reassembled (dnstcp.c) */
	at = (struct names_at){.n = n, .pi = pi, .now = now};
	if (dnstcp_answers(n->tcp, pi->version, pi->dport, pkt + pi->hlen, pl,
			   names_answer_msg, &at))
		return;
	while ((more = dns_tcp_next(pl, &off, &msg)) > 0)
		names_answer_one(n, msg, pi, now);
	if (more < 0)
		n->st[NAMES_ANSWERS_MALFORMED]++;
}

/* Do the rules in @rules cover @pi's destination port? */
static int names_rules_cover(const struct names_config *c, uint32_t rules,
			     const struct pkt_info *pi)
{
	int i;

	for (i = 0; i < c->nrules; i++)
		if ((rules >> i & 1) &&
		    policy_ports_cover(c->rules[i].any_port, &c->rules[i].ports,
				       pi))
			return 1;
	return 0;
}

/* The flow key of an outbound packet */
static void names_flow_key(const struct pkt_info *pi, struct names_flow *k)
{
	memset(k, 0, sizeof(*k));
	k->version = pi->version;
	k->proto = pi->proto;
	k->sport = pi->sport; /* 0 without a transport header: the parse */
	k->dport = pi->dport; /* leaves them so (ICMP, a later fragment) */
	memcpy(k->a, pkt_dst(pi), pi->version == 6 ? 16 : 4);
}

static int names_flow_same(const struct names_flow *a,
			   const struct names_flow *b)
{
	return a->version == b->version && a->proto == b->proto &&
	       a->sport == b->sport && a->dport == b->dport &&
	       !memcmp(a->a, b->a, 16);
}

/* How long a flow may idle */
static double names_flow_idle(const struct names_flow *f)
{
	return f->proto == IPPROTO_TCP ? NAMES_FLOW_IDLE_TCP : NAMES_FLOW_IDLE;
}

/* Is the flow slot in use at @now? */
static int names_flow_live(const struct names_flow *f, double now)
{
	return f->seen && f->seen + names_flow_idle(f) >= now;
}

/* The bucket of a flow */
static struct names_flow *names_flow_bucket(const struct names *n,
					    const struct names_flow *k)
{
	uint8_t key[22];

	key[0] = k->version;
	key[1] = k->proto;
	memcpy(key + 2, &k->sport, 2);
	memcpy(key + 4, &k->dport, 2);
	memcpy(key + 6, k->a, 16);
	return &n->flows[(names_hash(n->seed, key, sizeof(key)) &
			  (n->flow_buckets - 1)) *
			 NAMES_WAYS];
}

/* Note a packet of a flow to an admitted address */
static void names_flow_touch(struct names *n, const struct names_flow *k,
			     double now)
{
	struct names_flow *b = names_flow_bucket(n, k), *slot = NULL;
	int i;

	for (i = 0; i < NAMES_WAYS; i++) {
		if (b[i].seen && names_flow_same(&b[i], k)) {
			b[i].seen = now;
			return;
		}
		if (!slot ||
		    (names_flow_live(slot, now) &&
		     (!names_flow_live(&b[i], now) || b[i].seen < slot->seen)))
			slot = &b[i];
	}
	if (names_flow_live(slot, now))
		n->st[NAMES_FLOWS_EVICTED]++;
	*slot = *k;
	slot->seen = now;
}

/**
 * names_admit() - do the name rules let this packet out?
 * @n:		state
 * @pi:		the packet, parsed (no address rule matched it)
 * @now:	event-loop time
 *
 * Yes if its destination was admitted by an answer, is within its TTL and
 * a rule that allowed its name covers its port (its flow is remembered
 * then); or if its flow was remembered so and has not idled out.
 *
 * Return: non-zero if it passes
 */
int names_admit(struct names *n, const struct pkt_info *pi, double now)
{
	struct names_addr *b;
	struct names_flow k, *f;
	int i;

	if (!names_active(n))
		return 0;
	names_flow_key(pi, &k); /* its address: 16 bytes, zero-padded */
	b = names_addr_bucket(n, pi->version, k.a);
	for (i = 0; i < NAMES_WAYS; i++)
		if (names_addr_live(&b[i], now) &&
		    b[i].version == pi->version && !memcmp(b[i].a, k.a, 16) &&
		    names_rules_cover(n->cfg, b[i].rules, pi)) {
			b[i].used = now;
			names_flow_touch(n, &k, now);
			return 1;
		}
	f = names_flow_bucket(n, &k);
	for (i = 0; i < NAMES_WAYS; i++)
		if (names_flow_live(&f[i], now) && names_flow_same(&f[i], &k)) {
			f[i].seen = now;
			n->st[NAMES_FLOW_PASSED]++;
			return 1;
		}
	return 0;
}

/* Add " name=N" for each name with N live addresses, or " +K more" when
 * the line is full */
static void names_admitted_text(const struct names *n, char *buf, size_t cap,
				double now)
{
	enum { SHOWN = 32 };
	const char *name[SHOWN];
	unsigned count[SHOWN], more = 0, total;
	size_t len = 0;
	int shown = 0, i, j;
	uint32_t k;

	total = n->addr_buckets * NAMES_WAYS;
	for (k = 0; k < total; k++) {
		const struct names_addr *a = &n->addrs[k];

		if (!names_addr_live(a, now))
			continue;
		for (j = 0; j < shown && strcmp(name[j], a->name); j++)
			;
		if (j < shown) {
			count[j]++;
		} else if (shown < SHOWN) {
			name[shown] = a->name;
			count[shown++] = 1;
		} else {
			more++;
		}
	}
	buf[0] = '\0';
	for (i = 0; i < shown; i++) {
		int w = snprintf(buf + len, cap - len, "%s%s=%u",
				 len ? " " : "", name[i], count[i]);

		if (w < 0 || (size_t)w >= cap - len - 16) {
			buf[len] = '\0';
			more += count[i];
			continue;
		}
		len += (size_t)w;
	}
	if (more)
		snprintf(buf + len, cap - len, "%s+%u more", len ? " " : "",
			 more);
}

/**
 * names_report() - the name policy's counters, gauges and admitted names
 * @n:		state
 * @r:		report
 * @now:	event-loop time
 */
void names_report(struct names *n, struct report *r, double now)
{
	static const struct {
		const char *name, *help;
	} counters[NAMES_NSTATS] = {
		{"name_queries_sent", "DNS queries let out to the resolver"},
		{"name_queries_expired",
		 "DNS queries whose answer did not come in time"},
		{"name_queries_evicted",
		 "DNS queries forgotten to make room for newer ones"},
		{"name_answers",
		 "DNS answers that matched a query and were read"},
		{"name_answers_ignored",
		 "DNS answers from the resolver that matched no waiting query"},
		{"name_answers_malformed",
		 "DNS answers from the resolver that could not be read"},
		{"name_addresses_learnt",
		 "addresses admitted or renewed by answers for allowed names"},
		{"name_addresses_evicted",
		 "live admitted addresses forgotten to make room"},
		{"name_flows_evicted", "flows forgotten to make room"},
		{"name_flow_passed",
		 "packets let out by a flow that outlived its address's TTL"},
	};
	char text[REPORT_VALUE_MAX - 2]; /* what report_text() shows whole */
	unsigned live = 0, flows = 0, waiting = 0;
	uint32_t k;
	int i;

	report_gauge(r, "policy_name_rules", "--allow-out-name rules",
		     n->cfg ? n->cfg->nrules : 0);
	if (!names_active(n))
		return;
	names_expire_queries(n, now);
	for (i = 0; i < NAMES_NSTATS; i++)
		report_counter(r, counters[i].name, counters[i].help, n->st[i]);
	report_counter(r, "name_tcp_answers_lost",
		       "TCP answer streams from the resolver given up: a gap, "
		       "or an answer over 4096 bytes (nothing more is learnt "
		       "from them)",
		       n->tcp->lost);
	report_counter(r, "name_tcp_evicted",
		       "TCP connections to the resolver forgotten to make "
		       "room (their data is refused from then on)",
		       n->tcp->evicted);
	for (i = 0; i < NAMES_QUERIES; i++)
		waiting += !!n->queries[i].deadline;
	for (k = 0; k < n->addr_buckets * NAMES_WAYS; k++)
		live += names_addr_live(&n->addrs[k], now);
	for (k = 0; k < n->flow_buckets * NAMES_WAYS; k++)
		flows += names_flow_live(&n->flows[k], now);
	report_gauge(r, "name_queries_waiting",
		     "DNS queries waiting for their answer", waiting);
	report_gauge(r, "name_addresses_live",
		     "addresses admitted by name, within their TTL", live);
	report_gauge(r, "name_flows_live",
		     "flows to addresses admitted by name, not idle", flows);
	names_admitted_text(n, text, sizeof(text), now);
	report_text(r, "names_admitted",
		    "names with live addresses: name=addresses", text);
}
