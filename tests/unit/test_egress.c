// SPDX-License-Identifier: Apache-2.0
/* remora-enclave's outbound policy: address rules and name rules decided
 * in one order (egress.c), and what the name rules learn (names.c) from
 * queries and answers built here byte by byte */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "egress.h"
#include "testpkt.h"

#define RESOLVER  "198.18.0.53"
#define RESOLVER6 "2001:db8::53"
#define ENCLAVE	  "198.18.2.2"
#define ENCLAVE6  "2001:db8:2::2"

/* One test's state: its rules and run-time tables */
struct fix {
	struct policy p;
	struct names_config nc;
	struct egress g;
	uint8_t pkt[4096];
	size_t len;
	struct pkt_info pi;
};

static struct fix fx;

/* The sequence number and flags of the TCP segments fpkt() writes */
static uint32_t tcp_seq;
static uint8_t tcp_flags = 0x18; /* ACK, PSH */

static void fix_start(const char *const *names, const char *const *allow,
		      const char *const *deny, uint32_t table)
{
	memset(&fx, 0, sizeof(fx));
	policy_init(&fx.p);
	names_config_init(&fx.nc);
	fx.nc.ttl_min = 5;
	fx.nc.ttl_max = 60;
	if (table)
		fx.nc.table = table;
	for (; names && *names; names++)
		assert_int_equal(names_add_rule(&fx.nc, *names), 0);
	for (; allow && *allow; allow++)
		assert_int_equal(policy_add_out(&fx.p, *allow, 1), 0);
	for (; deny && *deny; deny++)
		assert_int_equal(policy_add_out(&fx.p, *deny, 0), 0);
	assert_int_equal(names_set_resolver(&fx.nc, RESOLVER "," RESOLVER6), 0);
	assert_int_equal(egress_init(&fx.g, &fx.p, &fx.nc), 0);
}

static void fix_end(void)
{
	egress_free(&fx.g);
}

/* DNS message writer */
struct msg {
	uint8_t b[1024];
	size_t n;
};

static void m16(struct msg *m, uint16_t v)
{
	m->b[m->n++] = (uint8_t)(v >> 8);
	m->b[m->n++] = (uint8_t)v;
}

static void m32(struct msg *m, uint32_t v)
{
	m16(m, (uint16_t)(v >> 16));
	m16(m, (uint16_t)v);
}

static void mname(struct msg *m, const char *name)
{
	const char *dot;
	size_t l;

	while (*name) {
		dot = strchr(name, '.');
		l = dot ? (size_t)(dot - name) : strlen(name);
		m->b[m->n++] = (uint8_t)l;
		memcpy(m->b + m->n, name, l);
		m->n += l;
		name += l + (dot ? 1 : 0);
	}
	m->b[m->n++] = 0;
}

static void mhead(struct msg *m, uint16_t id, uint16_t flags, uint16_t an,
		  uint16_t ar)
{
	m->n = 0;
	m16(m, id);
	m16(m, flags);
	m16(m, 1);
	m16(m, an);
	m16(m, 0);
	m16(m, ar);
}

static void mquery(struct msg *m, uint16_t id, const char *name, uint16_t type)
{
	mhead(m, id, 0x0100, 0, 0);
	mname(m, name);
	m16(m, type);
	m16(m, DNS_CLASS_IN);
}

/* An answer's header and question; records follow with mrr_*() */
static void manswer(struct msg *m, uint16_t id, const char *name, uint16_t type,
		    uint16_t an)
{
	mhead(m, id, 0x8180, an, 0);
	mname(m, name);
	m16(m, type);
	m16(m, DNS_CLASS_IN);
}

static void mrr_a(struct msg *m, const char *owner, const char *addr,
		  uint32_t ttl)
{
	int v6 = !!strchr(addr, ':');

	mname(m, owner);
	m16(m, v6 ? DNS_TYPE_AAAA : DNS_TYPE_A);
	m16(m, DNS_CLASS_IN);
	m32(m, ttl);
	m16(m, v6 ? 16 : 4);
	inet_pton(v6 ? AF_INET6 : AF_INET, addr, m->b + m->n);
	m->n += v6 ? 16 : 4;
}

static void mrr_cname(struct msg *m, const char *owner, const char *target,
		      uint32_t ttl)
{
	size_t at;

	mname(m, owner);
	m16(m, DNS_TYPE_CNAME);
	m16(m, DNS_CLASS_IN);
	m32(m, ttl);
	at = m->n;
	m16(m, 0);
	mname(m, target);
	m->b[at] = (uint8_t)((m->n - at - 2) >> 8);
	m->b[at + 1] = (uint8_t)(m->n - at - 2);
}

/* A packet into fx.pkt, parsed into fx.pi: IPv4 or IPv6 by @src, UDP or
 * TCP (@tcp: flags) with @pl as payload (NULL: none) */
static void fpkt(const char *src, const char *dst, uint8_t proto,
		 uint16_t sport, uint16_t dport, const void *pl, size_t plen)
{
	size_t hl, l4 = (proto == IPPROTO_TCP ? 20 : 8) + plen;
	uint8_t *t;

	if (strchr(src, ':')) {
		tp_ip6(fx.pkt, src, dst, proto, l4);
		hl = 40;
	} else {
		struct tp_ip4 h = {.src = src, .dst = dst, .proto = proto};

		hl = tp_ip4(fx.pkt, &h, l4);
	}
	t = fx.pkt + hl;
	if (proto == IPPROTO_TCP) {
		struct tp_tcp th = {.sport = sport,
				    .dport = dport,
				    .seq = tcp_seq,
				    .flags = tcp_flags,
				    .win = 1000};

		tp_tcp(t, &th);
	} else {
		memset(t, 0, 8);
		tp_put16(t, sport);
		tp_put16(t + 2, dport);
		tp_put16(t + 4, (uint16_t)l4);
	}
	if (plen)
		memcpy(t + (proto == IPPROTO_TCP ? 20 : 8), pl, plen);
	fx.len = hl + l4;
	assert_int_equal(pkt_parse(fx.pkt, fx.len, &fx.pi), PKT_OK);
}

/* The verdict on an outbound packet at @now */
static enum egress_why out(const char *dst, uint8_t proto, uint16_t sport,
			   uint16_t dport, const struct msg *m, double now)
{
	int rule;

	fpkt(strchr(dst, ':') ? ENCLAVE6 : ENCLAVE, dst, proto, sport, dport,
	     m ? m->b : NULL, m ? m->n : 0);
	return egress_check(&fx.g, fx.pkt, PKT_OK, &fx.pi, now, &rule);
}

/* An inbound packet from @src:@sport to the enclave's @dport, learnt from */
static void in(const char *src, uint8_t proto, uint16_t sport, uint16_t dport,
	       const struct msg *m, double now)
{
	fpkt(src, strchr(src, ':') ? ENCLAVE6 : ENCLAVE, proto, sport, dport,
	     m->b, m->n);
	egress_inbound(&fx.g, fx.pkt, &fx.pi, now);
}

/* The enclave asks for @name (type A) from its port @port, and the
 * resolver answers with @addr for @ttl seconds */
static void resolve(uint16_t id, const char *name, uint16_t port,
		    const char *addr, uint32_t ttl, double now)
{
	struct msg q, a;

	mquery(&q, id, name, DNS_TYPE_A);
	assert_int_equal(out(RESOLVER, IPPROTO_UDP, port, 53, &q, now),
			 EGRESS_PASS);
	manswer(&a, id, name, DNS_TYPE_A, 1);
	mrr_a(&a, name, addr, ttl);
	in(RESOLVER, IPPROTO_UDP, 53, port, &a, now);
}

static uint64_t st(enum names_stat s)
{
	return fx.g.names.st[s];
}

static void test_rules_parse(void **state)
{
	struct names_config c;
	int i;

	(void)state;
	names_config_init(&c);
	assert_int_equal(names_add_rule(&c, "Kms.US-East-1.amazonaws.com.:443"),
			 0);
	assert_string_equal(c.rules[0].pattern, "kms.us-east-1.amazonaws.com");
	assert_false(c.rules[0].any_port);
	assert_true(portset_has(&c.rules[0].ports, 443));
	assert_int_equal(names_add_rule(&c, "*.example.com"), 0);
	assert_true(c.rules[1].wildcard && c.rules[1].any_port);
	assert_string_equal(c.rules[1].pattern, "example.com");
	for (i = 0; i < 9; i++) {
		static const char *const bad[] = {"",	     "*",   "*.",
						  "a..b",    ".a",  "a b",
						  "a.test:", "a:x", "*.*.a"};

		assert_int_equal(names_add_rule(&c, bad[i]), -1);
	}
	assert_int_equal(names_match(&c, "kms.us-east-1.amazonaws.com"), 1);
	assert_int_equal(names_match(&c, "x.kms.us-east-1.amazonaws.com"), 0);
	assert_int_equal(names_match(&c, "a.example.com"), 2);
	assert_int_equal(names_match(&c, "a.b.example.com"), 2);
	assert_int_equal(names_match(&c, "example.com"), 0);
	assert_int_equal(names_match(&c, "badexample.com"), 0);
	while (c.nrules < NAMES_MAX_RULES)
		assert_int_equal(names_add_rule(&c, "a.test"), 0);
	assert_int_equal(names_add_rule(&c, "a.test"), -2);

	assert_int_equal(names_set_resolver(&c, "198.18.0.53"), 0);
	assert_false(c.have_resolver6);
	assert_int_equal(names_set_resolver(&c, "198.18.0.53,2001:db8::53"), 0);
	assert_true(c.have_resolver6);
	assert_int_equal(names_set_resolver(&c, "0.0.0.0"), -1);
	assert_int_equal(names_set_resolver(&c, "2001:db8::53"), -1);
	assert_int_equal(names_set_resolver(&c, "198.18.0.53,x"), -1);
	assert_int_equal(names_set_resolver(&c, ",2001:db8::1"), -1);
}

/* No name rule: nothing of names.c is in the way */
static void test_inactive(void **state)
{
	static const char *const allow[] = {"198.18.9.0/24", NULL};

	(void)state;
	fix_start(NULL, NULL, NULL, 0);
	assert_false(egress_active(&fx.g));
	fix_end();
	fix_start(NULL, allow, NULL, 0);
	assert_true(egress_active(&fx.g));
	assert_int_equal(out("198.18.9.9", IPPROTO_UDP, 40000, 53, NULL, 0),
			 EGRESS_PASS); /* no name rule: DNS is not special */
	assert_int_equal(out("198.18.8.9", IPPROTO_UDP, 40000, 53, NULL, 0),
			 EGRESS_UNLISTED);
	fix_end();
}

static void test_queries(void **state)
{
	static const char *const names[] = {"allowed.test:80", "*.wild.test",
					    NULL};
	struct msg m;
	int rule;

	(void)state;
	fix_start(names, NULL, NULL, 0);
	mquery(&m, 7, "Allowed.TEST", DNS_TYPE_A);
	assert_int_equal(out(RESOLVER, IPPROTO_UDP, 40000, 53, &m, 0),
			 EGRESS_PASS);
	assert_int_equal(st(NAMES_QUERIES_SENT), 1);
	assert_int_equal(out(RESOLVER6, IPPROTO_UDP, 40000, 53, &m, 0),
			 EGRESS_PASS);
	assert_int_equal(out("198.18.0.54", IPPROTO_UDP, 40000, 53, &m, 0),
			 EGRESS_DNS_SERVER);
	assert_int_equal(out("2001:db8::54", IPPROTO_TCP, 40000, 53, NULL, 0),
			 EGRESS_DNS_SERVER);
	mquery(&m, 7, "data-to-leak.other.test", DNS_TYPE_A);
	assert_int_equal(out(RESOLVER, IPPROTO_UDP, 40000, 53, &m, 0),
			 EGRESS_DNS_NAME);
	mquery(&m, 7, "wild.test", DNS_TYPE_A); /* the apex is not below */
	assert_int_equal(out(RESOLVER, IPPROTO_UDP, 40000, 53, &m, 0),
			 EGRESS_DNS_NAME);
	mquery(&m, 7, "a.b.wild.test", 16 /* TXT */);
	assert_int_equal(out(RESOLVER, IPPROTO_UDP, 40000, 53, &m, 0),
			 EGRESS_PASS);
	/* an allowed name carrying a record more */
	mquery(&m, 7, "allowed.test", DNS_TYPE_A);
	m.b[11] = 1;
	mrr_a(&m, "x", "198.18.0.1", 0);
	assert_int_equal(out(RESOLVER, IPPROTO_UDP, 40000, 53, &m, 0),
			 EGRESS_DNS_FORM);
	/* not a query: an empty datagram */
	m.n = 0;
	assert_int_equal(out(RESOLVER, IPPROTO_UDP, 40000, 53, &m, 0),
			 EGRESS_DNS_FORM);
	/* a UDP length short of the packet: what is checked must be what
	 * the resolver reads */
	mquery(&m, 7, "allowed.test", DNS_TYPE_A);
	fpkt(ENCLAVE, RESOLVER, IPPROTO_UDP, 40000, 53, m.b, m.n);
	tp_put16(fx.pkt + 20 + 4, (uint16_t)(8 + m.n - 4));
	assert_int_equal(egress_check(&fx.g, fx.pkt, PKT_OK, &fx.pi, 0, &rule),
			 EGRESS_DNS_FORM);
	assert_int_equal(fx.g.refused[EGRESS_DNS_FORM], 3);
	assert_int_equal(fx.g.refused[EGRESS_DNS_NAME], 2);
	assert_int_equal(fx.g.refused[EGRESS_DNS_SERVER], 2);
	assert_int_equal(st(NAMES_QUERIES_SENT), 3);
	fix_end();
}

/* Two TCP messages in a segment */
static void tcp2(struct msg *seg, const struct msg *a, const struct msg *b)
{
	seg->n = 0;
	m16(seg, (uint16_t)a->n);
	memcpy(seg->b + seg->n, a->b, a->n);
	seg->n += a->n;
	if (!b)
		return;
	m16(seg, (uint16_t)b->n);
	memcpy(seg->b + seg->n, b->b, b->n);
	seg->n += b->n;
}

/* A TCP segment from the enclave's port 40001 to the resolver's 53 */
static enum egress_why tcp_out(uint8_t flags, uint32_t seq, const struct msg *m)
{
	enum egress_why why;

	tcp_flags = flags;
	tcp_seq = seq;
	why = out(RESOLVER, IPPROTO_TCP, 40001, 53, m, 1);
	tcp_flags = 0x18;
	tcp_seq = 0;
	return why;
}

static void test_tcp(void **state)
{
	static const char *const names[] = {"allowed.test:80", NULL};
	struct msg a, b, seg, ans;
	uint32_t next;

	(void)state;
	fix_start(names, NULL, NULL, 0);
	mquery(&a, 1, "allowed.test", DNS_TYPE_A);
	mquery(&b, 2, "allowed.test", DNS_TYPE_AAAA);
	tcp2(&seg, &a, &b);
	/* data of a connection whose SYN was not seen */
	assert_int_equal(tcp_out(0x18, 1001, &seg), EGRESS_DNS_FORM);
	assert_int_equal(tcp_out(0x02, 1000, NULL), EGRESS_PASS); /* SYN */
	assert_int_equal(tcp_out(0x10, 1001, NULL), EGRESS_PASS); /* ACK */
	assert_int_equal(tcp_out(0x18, 1001, &seg), EGRESS_PASS);
	assert_int_equal(st(NAMES_QUERIES_SENT), 2);
	next = 1001 + (uint32_t)seg.n;
	seg.n--; /* the second cut short */
	assert_int_equal(tcp_out(0x18, next, &seg), EGRESS_DNS_FORM);
	mquery(&b, 3, "other.test", DNS_TYPE_A);
	tcp2(&seg, &a, &b); /* one good, one not: the segment is refused */
	assert_int_equal(tcp_out(0x18, next, &seg), EGRESS_DNS_NAME);
	assert_int_equal(st(NAMES_QUERIES_SENT), 2);

	manswer(&ans, 1, "allowed.test", DNS_TYPE_A, 1);
	mrr_a(&ans, "allowed.test", "198.18.1.10", 30);
	tcp2(&seg, &ans, NULL);
	in(RESOLVER, IPPROTO_TCP, 53, 40001, &seg, 1);
	assert_int_equal(st(NAMES_ANSWERS), 1);
	assert_int_equal(out("198.18.1.10", IPPROTO_TCP, 40002, 80, NULL, 2),
			 EGRESS_PASS);
	fix_end();
}

/* The stream the resolver reads is made of the messages checked: new data
 * at the frontier; resends at the edges segments were sent with, with a
 * message boundary at each edge they cover; no urgent data */
static void test_tcp_stream(void **state)
{
	static const char *const names[] = {"allowed.test", "*.wild.test",
					    NULL};
	struct msg a, b, ab, one, two;
	uint32_t isn = 0xfffffff0u; /* the stream wraps past 2^32 */
	uint32_t s0 = isn + 1, s1, s2;

	(void)state;
	fix_start(names, NULL, NULL, 0);
	mquery(&a, 1, "allowed.test", DNS_TYPE_A);
	mquery(&b, 2, "allowed.test", DNS_TYPE_AAAA);
	tcp2(&one, &a, NULL);
	tcp2(&two, &b, NULL);
	tcp2(&ab, &a, &b);
	s1 = s0 + (uint32_t)one.n;
	s2 = s1 + (uint32_t)two.n;
	/* data on a SYN (fast open) cannot be followed */
	assert_int_equal(tcp_out(0x02, isn, &one), EGRESS_DNS_FORM);
	assert_int_equal(tcp_out(0x02, isn, NULL), EGRESS_PASS);
	/* past the frontier: bytes before it never went */
	assert_int_equal(tcp_out(0x18, s1, &two), EGRESS_DNS_FORM);
	assert_int_equal(tcp_out(0x18, s0, &one), EGRESS_PASS);
	assert_int_equal(tcp_out(0x18, s1, &two), EGRESS_PASS);
	/* resends: each as sent, and both collapsed into one */
	assert_int_equal(tcp_out(0x18, s0, &one), EGRESS_PASS);
	assert_int_equal(tcp_out(0x18, s1, &two), EGRESS_PASS);
	assert_int_equal(tcp_out(0x18, s0, &ab), EGRESS_PASS);
	/* other bytes at the same edges: whatever the resolver keeps of
	 * each, it reads whole messages */
	assert_int_equal(tcp_out(0x18, s0, &two), EGRESS_PASS);
	/* an overlap whose messages do not split where the first segment
	 * ended: the resolver could keep the first's bytes and this one's
	 * tail, and read a message never checked */
	mquery(&b, 3, "a-longer-name.wild.test", DNS_TYPE_A);
	tcp2(&two, &b, NULL);
	assert_true(two.n > one.n && two.n < ab.n);
	assert_int_equal(tcp_out(0x18, s0, &two), EGRESS_DNS_FORM);
	/* a resend that starts where no segment did */
	assert_int_equal(tcp_out(0x18, s0 + 2, &one), EGRESS_DNS_FORM);
	/* a resend that ends short of the frontier, not at an edge */
	mquery(&b, 4, "a.wild.test", DNS_TYPE_A);
	tcp2(&two, &b, NULL);
	assert_true(two.n < one.n);
	assert_int_equal(tcp_out(0x18, s0, &two), EGRESS_DNS_FORM);
	/* urgent data: the resolver's stack would take a byte out */
	assert_int_equal(tcp_out(0x38, s2, &one), EGRESS_DNS_FORM);
	assert_int_equal(tcp_out(0x18, s2, &one), EGRESS_PASS);
	/* a reset forgets the connection */
	assert_int_equal(tcp_out(0x04, s2 + (uint32_t)one.n, NULL),
			 EGRESS_PASS);
	assert_int_equal(tcp_out(0x18, s2 + (uint32_t)one.n, &one),
			 EGRESS_DNS_FORM);
	fix_end();
}

/* A TCP segment from the resolver's port 53 to the enclave's 40001 */
static void tcp_in(uint8_t flags, uint32_t seq, const uint8_t *p, size_t n)
{
	tcp_flags = flags;
	tcp_seq = seq;
	fpkt(RESOLVER, ENCLAVE, IPPROTO_TCP, 53, 40001, p, n);
	egress_inbound(&fx.g, fx.pkt, &fx.pi, 1);
	tcp_flags = 0x18;
	tcp_seq = 0;
}

/* Answers over TCP are reassembled across segments, in order, from the
 * SYN-ACK; a gap or an answer too long gives the stream up */
static void test_tcp_answers(void **state)
{
	static const char *const names[] = {"*.wild.test", NULL};
	static uint8_t big[1702];
	struct msg q, one, ans, seg;
	uint32_t in0 = 7000 + 1, at;
	size_t half;

	(void)state;
	fix_start(names, NULL, NULL, 0);
	mquery(&q, 1, "a.wild.test", DNS_TYPE_A);
	tcp2(&one, &q, NULL);
	assert_int_equal(tcp_out(0x02, 100, NULL), EGRESS_PASS);
	tcp_in(0x12, 7000, NULL, 0); /* SYN-ACK */
	assert_int_equal(tcp_out(0x18, 101, &one), EGRESS_PASS);
	manswer(&ans, 1, "a.wild.test", DNS_TYPE_A, 2);
	mrr_a(&ans, "a.wild.test", "198.18.1.30", 30);
	mrr_a(&ans, "a.wild.test", "198.18.1.31", 30);
	tcp2(&seg, &ans, NULL);
	/* the answer in three segments: its length cut in two, then the
	 * rest; the first comes twice */
	half = seg.n / 2;
	tcp_in(0x18, in0, seg.b, 1);
	tcp_in(0x18, in0, seg.b, 1);
	tcp_in(0x18, in0 + 1, seg.b + 1, half - 1);
	assert_int_equal(st(NAMES_ANSWERS), 0);
	/* a resend overlapping what was taken brings only its new tail */
	tcp_in(0x18, in0 + 1, seg.b + 1, seg.n - 1);
	assert_int_equal(st(NAMES_ANSWERS), 1);
	assert_int_equal(st(NAMES_ANSWERS_MALFORMED), 0);
	assert_int_equal(st(NAMES_ADDRS_LEARNT), 2);
	assert_int_equal(out("198.18.1.31", IPPROTO_TCP, 40009, 443, NULL, 2),
			 EGRESS_PASS);
	at = in0 + (uint32_t)seg.n;
	/* all of it again: taken already */
	tcp_in(0x18, in0, seg.b, seg.n);
	assert_int_equal(st(NAMES_ANSWERS) + st(NAMES_ANSWERS_IGNORED), 1);

	/* a gap: the enclave holds bytes past it that will not come again,
	 * so nothing more is read of the stream */
	mquery(&q, 2, "b.wild.test", DNS_TYPE_A);
	tcp2(&one, &q, NULL);
	assert_int_equal(tcp_out(0x18, 101 + (uint32_t)one.n, &one),
			 EGRESS_PASS);
	manswer(&ans, 2, "b.wild.test", DNS_TYPE_A, 1);
	mrr_a(&ans, "b.wild.test", "198.18.1.32", 30);
	tcp2(&seg, &ans, NULL);
	tcp_in(0x18, at + 2, seg.b + 2, seg.n - 2);
	tcp_in(0x18, at, seg.b, seg.n);
	assert_int_equal(fx.g.names.tcp->lost, 1);
	assert_int_equal(st(NAMES_ADDRS_LEARNT), 2);

	/* a new connection: an answer longer than DNSTCP_ANSWER_MAX */
	tcp_flags = 0x02;
	tcp_seq = 500;
	assert_int_equal(out(RESOLVER, IPPROTO_TCP, 40001, 53, NULL, 3),
			 EGRESS_PASS);
	tcp_in(0x12, 9000, NULL, 0);
	/* 5000 bytes said: 1702, 1700 and 1700 of them come */
	big[0] = 5000 >> 8;
	big[1] = 5000 & 0xff;
	tcp_in(0x18, 9001, big, sizeof(big));
	tcp_in(0x18, 9001 + sizeof(big), big + 2, sizeof(big) - 2);
	assert_int_equal(fx.g.names.tcp->lost, 1);
	tcp_in(0x18, 9001 + 2 * sizeof(big) - 2, big + 2, sizeof(big) - 2);
	assert_int_equal(fx.g.names.tcp->lost, 2);
	fix_end();
}

/* DNSTCP_CONNS connections are followed; one more forgets the least
 * recently seen, counted */
static void test_tcp_table(void **state)
{
	static const char *const names[] = {"allowed.test", NULL};
	struct msg a, one;
	int i;

	(void)state;
	fix_start(names, NULL, NULL, 0);
	mquery(&a, 1, "allowed.test", DNS_TYPE_A);
	tcp2(&one, &a, NULL);
	for (i = 0; i <= DNSTCP_CONNS; i++) {
		tcp_flags = 0x02;
		tcp_seq = 100;
		assert_int_equal(out(RESOLVER, IPPROTO_TCP,
				     (uint16_t)(30000 + i), 53, NULL, 1 + i),
				 EGRESS_PASS);
	}
	tcp_flags = 0x18;
	tcp_seq = 101;
	assert_int_equal(fx.g.names.tcp->evicted, 1);
	/* the first was forgotten, the second is still followed */
	assert_int_equal(out(RESOLVER, IPPROTO_TCP, 30000, 53, &one, 100),
			 EGRESS_DNS_FORM);
	assert_int_equal(out(RESOLVER, IPPROTO_TCP, 30001, 53, &one, 100),
			 EGRESS_PASS);
	tcp_seq = 0;
	fix_end();
}

static void test_learn(void **state)
{
	static const char *const names[] = {"allowed.test:80", "*.wild.test",
					    NULL};
	struct msg q, a;

	(void)state;
	fix_start(names, NULL, NULL, 0);
	assert_int_equal(out("198.18.1.10", IPPROTO_TCP, 40000, 80, NULL, 0),
			 EGRESS_UNLISTED);
	mquery(&q, 9, "allowed.test", DNS_TYPE_A);
	assert_int_equal(out(RESOLVER, IPPROTO_UDP, 40000, 53, &q, 0),
			 EGRESS_PASS);
	manswer(&a, 9, "allowed.test", DNS_TYPE_A, 2);
	mrr_a(&a, "allowed.test", "198.18.1.10", 20);
	mrr_a(&a, "unrelated.test", "198.18.1.11", 20);
	in(RESOLVER, IPPROTO_UDP, 53, 40000, &a, 1);
	assert_int_equal(st(NAMES_ANSWERS), 1);
	assert_int_equal(st(NAMES_ADDRS_LEARNT), 1);
	assert_int_equal(out("198.18.1.10", IPPROTO_TCP, 40000, 80, NULL, 2),
			 EGRESS_PASS);
	/* the rule's port only */
	assert_int_equal(out("198.18.1.10", IPPROTO_TCP, 40000, 81, NULL, 2),
			 EGRESS_UNLISTED);
	assert_int_equal(out("198.18.1.10", IPPROTO_ICMP, 0, 0, NULL, 2),
			 EGRESS_UNLISTED);
	/* another owner's record in the same answer teaches nothing */
	assert_int_equal(out("198.18.1.11", IPPROTO_TCP, 40000, 80, NULL, 2),
			 EGRESS_UNLISTED);
	/* answered once: the same answer again is ignored */
	in(RESOLVER, IPPROTO_UDP, 53, 40000, &a, 1);
	assert_int_equal(st(NAMES_ANSWERS_IGNORED), 1);

	/* a CNAME chain, IPv6 too: addresses of the chain's names, any port
	 * (the wildcard rule has none) */
	mquery(&q, 10, "www.wild.test", DNS_TYPE_AAAA);
	assert_int_equal(out(RESOLVER6, IPPROTO_UDP, 40003, 53, &q, 3),
			 EGRESS_PASS);
	manswer(&a, 10, "www.wild.test", DNS_TYPE_AAAA, 3);
	mrr_cname(&a, "www.wild.test", "cdn.provider.example", 50);
	mrr_a(&a, "cdn.provider.example", "2001:db8:1::10", 100);
	mrr_a(&a, "cdn.provider.example", "198.18.1.12", 100);
	in(RESOLVER6, IPPROTO_UDP, 53, 40003, &a, 3);
	assert_int_equal(st(NAMES_ADDRS_LEARNT), 3);
	assert_int_equal(
		out("2001:db8:1::10", IPPROTO_TCP, 40000, 443, NULL, 4),
		EGRESS_PASS);
	assert_int_equal(out("198.18.1.12", IPPROTO_ICMP, 0, 0, NULL, 4),
			 EGRESS_PASS);
	/* the chain's TTL (50) bounds the records' (100) */
	assert_int_equal(out("198.18.1.12", IPPROTO_UDP, 40009, 9, NULL, 54),
			 EGRESS_UNLISTED);
	fix_end();
}

/* Answers that must teach nothing */
static void test_ignored(void **state)
{
	static const char *const names[] = {"*.wild.test", NULL};
	struct msg q, a;

	(void)state;
	fix_start(names, NULL, NULL, 0);
	mquery(&q, 100, "f.wild.test", DNS_TYPE_A);
	assert_int_equal(out(RESOLVER, IPPROTO_UDP, 40000, 53, &q, 0),
			 EGRESS_PASS);
	manswer(&a, 100, "f.wild.test", DNS_TYPE_A, 1);
	mrr_a(&a, "f.wild.test", "198.18.1.20", 30);
	/* from another address than the resolver's: not even read */
	in("198.18.0.99", IPPROTO_UDP, 53, 40000, &a, 1);
	/* from the resolver's address but another port */
	in(RESOLVER, IPPROTO_UDP, 5353, 40000, &a, 1);
	assert_int_equal(st(NAMES_ANSWERS_IGNORED), 0);
	/* to another port of the enclave; another id; another type; another
	 * name */
	in(RESOLVER, IPPROTO_UDP, 53, 40001, &a, 1);
	a.b[1] = 101;
	in(RESOLVER, IPPROTO_UDP, 53, 40000, &a, 1);
	manswer(&a, 100, "f.wild.test", DNS_TYPE_AAAA, 1);
	mrr_a(&a, "f.wild.test", "198.18.1.20", 30);
	in(RESOLVER, IPPROTO_UDP, 53, 40000, &a, 1);
	manswer(&a, 100, "g.wild.test", DNS_TYPE_A, 1);
	mrr_a(&a, "g.wild.test", "198.18.1.20", 30);
	in(RESOLVER, IPPROTO_UDP, 53, 40000, &a, 1);
	/* over IPv6 from the resolver: the query went over IPv4 */
	manswer(&a, 100, "f.wild.test", DNS_TYPE_A, 1);
	mrr_a(&a, "f.wild.test", "198.18.1.20", 30);
	in(RESOLVER6, IPPROTO_UDP, 53, 40000, &a, 1);
	assert_int_equal(st(NAMES_ANSWERS_IGNORED), 5);
	assert_int_equal(st(NAMES_ADDRS_LEARNT), 0);
	/* late: after --name-timeout (5 s) the right answer is ignored */
	in(RESOLVER, IPPROTO_UDP, 53, 40000, &a, 5.5);
	assert_int_equal(st(NAMES_ANSWERS_IGNORED), 6);
	assert_int_equal(st(NAMES_QUERIES_EXPIRED), 1);
	assert_int_equal(out("198.18.1.20", IPPROTO_TCP, 40000, 80, NULL, 6),
			 EGRESS_UNLISTED);
	/* unreadable */
	a.n = 20;
	in(RESOLVER, IPPROTO_UDP, 53, 40000, &a, 6);
	assert_int_equal(st(NAMES_ANSWERS_MALFORMED), 1);
	/* an answer never asked for */
	manswer(&a, 555, "h.wild.test", DNS_TYPE_A, 1);
	mrr_a(&a, "h.wild.test", "198.18.1.21", 30);
	in(RESOLVER, IPPROTO_UDP, 53, 41000, &a, 6);
	assert_int_equal(st(NAMES_ANSWERS_IGNORED), 7);
	assert_int_equal(st(NAMES_ADDRS_LEARNT), 0);
	fix_end();
}

/* A TTL clamped; an expired address refuses new flows, not open ones */
static void test_expiry(void **state)
{
	static const char *const names[] = {"allowed.test:80", NULL};

	(void)state;
	fix_start(names, NULL, NULL, 0);
	resolve(1, "allowed.test", 40000, "198.18.1.10", 0, 0); /* 0: 5 */
	assert_int_equal(out("198.18.1.10", IPPROTO_TCP, 40100, 80, NULL, 4),
			 EGRESS_PASS);
	assert_int_equal(out("198.18.1.10", IPPROTO_TCP, 40100, 80, NULL, 6),
			 EGRESS_PASS); /* the flow goes on */
	assert_int_equal(st(NAMES_FLOW_PASSED), 1);
	assert_int_equal(out("198.18.1.10", IPPROTO_TCP, 40101, 80, NULL, 6),
			 EGRESS_UNLISTED); /* a new one is refused */
	/* idle past NAMES_FLOW_IDLE_TCP: forgotten */
	assert_int_equal(out("198.18.1.10", IPPROTO_TCP, 40100, 80, NULL,
			     6 + NAMES_FLOW_IDLE_TCP + 1),
			 EGRESS_UNLISTED);
	/* a TTL above --name-ttl-max (60) is cut to it */
	resolve(2, "allowed.test", 40000, "198.18.1.10", 86400, 10000);
	assert_int_equal(
		out("198.18.1.10", IPPROTO_UDP, 40200, 80, NULL, 10059),
		EGRESS_PASS);
	assert_int_equal(
		out("198.18.1.10", IPPROTO_UDP, 40201, 80, NULL, 10061),
		EGRESS_UNLISTED);
	fix_end();
}

/* Address rules decide before names; service replies before both */
static void test_order(void **state)
{
	static const char *const names[] = {"allowed.test", NULL};
	static const char *const allow[] = {"198.18.7.0/24:443", NULL};
	static const char *const deny[] = {"198.18.1.10", NULL};
	struct msg q, a;
	int rule;

	(void)state;
	fix_start(names, allow, deny, 0);
	assert_int_equal(policy_set_in(&fx.p, "8443"), 0);
	mquery(&q, 1, "allowed.test", DNS_TYPE_A);
	out(RESOLVER, IPPROTO_UDP, 40000, 53, &q, 0);
	manswer(&a, 1, "allowed.test", DNS_TYPE_A, 2);
	mrr_a(&a, "allowed.test", "198.18.1.10", 30);
	mrr_a(&a, "allowed.test", "198.18.1.11", 30);
	in(RESOLVER, IPPROTO_UDP, 53, 40000, &a, 0);
	fpkt(ENCLAVE, "198.18.1.10", IPPROTO_TCP, 40000, 80, NULL, 0);
	assert_int_equal(egress_check(&fx.g, fx.pkt, PKT_OK, &fx.pi, 1, &rule),
			 EGRESS_DENY_RULE);
	assert_int_equal(rule, 1);
	assert_int_equal(out("198.18.1.11", IPPROTO_TCP, 40000, 80, NULL, 1),
			 EGRESS_PASS);
	assert_int_equal(out("198.18.7.1", IPPROTO_TCP, 40000, 443, NULL, 1),
			 EGRESS_PASS);
	/* a reply of the enclave's service on 8443 goes anywhere */
	assert_int_equal(out("198.18.200.1", IPPROTO_TCP, 8443, 50000, NULL, 1),
			 EGRESS_PASS);
	/* and so does its reply to port 53: not DNS */
	assert_int_equal(out("198.18.200.1", IPPROTO_UDP, 8443, 53, NULL, 1),
			 EGRESS_PASS);
	/* a packet that cannot be read */
	assert_int_equal(
		egress_check(&fx.g, fx.pkt, PKT_MALFORMED, &fx.pi, 1, &rule),
		EGRESS_UNREADABLE);
	fix_end();
}

/* A fragment of DNS cannot be read: refused, as is a later fragment to
 * the resolver (it has no port, and may be DNS) */
static void test_fragments(void **state)
{
	static const char *const names[] = {"allowed.test", NULL};
	static const char *const allow[] = {"198.18.0.0/24", NULL};
	struct tp_ip4 h = {.src = ENCLAVE,
			   .dst = RESOLVER,
			   .proto = IPPROTO_UDP,
			   .frag = 0x2000};
	uint8_t *u;
	int rule;

	(void)state;
	fix_start(names, allow, NULL, 0);
	/* the first fragment of a datagram to port 53 */
	u = fx.pkt + tp_ip4(fx.pkt, &h, 48);
	memset(u, 0, 48);
	tp_put16(u, 40000);
	tp_put16(u + 2, 53);
	tp_put16(u + 4, 1000);
	fx.len = 20 + 48;
	assert_int_equal(pkt_parse(fx.pkt, fx.len, &fx.pi), PKT_FRAGMENT);
	assert_int_equal(pkt_parse_fragment(fx.pkt, fx.len, &fx.pi), PKT_OK);
	assert_int_equal(egress_check(&fx.g, fx.pkt, PKT_OK, &fx.pi, 1, &rule),
			 EGRESS_DNS_FORM);
	/* a later one: refused although an address rule covers the
	 * resolver */
	h.frag = 0x2000 | 6;
	tp_ip4(fx.pkt, &h, 48);
	assert_int_equal(pkt_parse(fx.pkt, fx.len, &fx.pi), PKT_FRAGMENT);
	assert_int_equal(pkt_parse_fragment(fx.pkt, fx.len, &fx.pi), PKT_OK);
	assert_int_equal(fx.pi.frag, PKT_FRAG_LATER);
	assert_int_equal(egress_check(&fx.g, fx.pkt, PKT_OK, &fx.pi, 1, &rule),
			 EGRESS_DNS_FORM);
	/* to another address the rule covers, it passes */
	h.dst = "198.18.0.7";
	tp_ip4(fx.pkt, &h, 48);
	assert_int_equal(pkt_parse(fx.pkt, fx.len, &fx.pi), PKT_FRAGMENT);
	assert_int_equal(pkt_parse_fragment(fx.pkt, fx.len, &fx.pi), PKT_OK);
	assert_int_equal(egress_check(&fx.g, fx.pkt, PKT_OK, &fx.pi, 1, &rule),
			 EGRESS_PASS);
	assert_int_equal(rule, 0);
	fix_end();
}

/* Every table is bounded, and what it forgets is counted */
static void test_bounds(void **state)
{
	static const char *const names[] = {"*.many.test", NULL};
	char name[64], addr[32], buf[REPORT_MAX];
	const char *line, *end, *plus, *p;
	unsigned long shown;
	struct report r;
	struct msg q;
	unsigned i;

	(void)state;
	fix_start(names, NULL, NULL, 16);
	assert_int_equal(fx.g.names.addr_buckets * NAMES_WAYS, 16);
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "n%u.many.test", i);
		snprintf(addr, sizeof(addr), "198.18.%u.%u", 64 + i / 250,
			 1 + i % 250);
		resolve((uint16_t)i, name, (uint16_t)(40000 + i), addr, 30, 0);
	}
	assert_int_equal(st(NAMES_ADDRS_LEARNT), 300);
	assert_int_equal(st(NAMES_ADDRS_EVICTED), 300 - 16);
	/* the newest is live */
	assert_int_equal(out("198.18.65.50", IPPROTO_TCP, 1, 80, NULL, 1),
			 EGRESS_PASS);
	/* 16 names do not fit the report's line: whole ones, then a count */
	report_init(&r, buf, sizeof(buf), REPORT_TEXT, "enclave");
	egress_report(&fx.g, &r, 1);
	line = strstr(buf, "names_admitted ");
	assert_non_null(line);
	end = strchr(line, '\n');
	assert_true(end - line - 15 < REPORT_VALUE_MAX - 2);
	assert_memory_equal(end - 5, " more", 5);
	plus = strstr(line, " +");
	assert_non_null(plus);
	assert_memory_equal(plus - 12, ".many.test=1", 12);
	for (shown = 0, p = line; (p = strstr(p, "=1")) && p < plus; p++)
		shown++;
	assert_int_equal(shown + strtoul(plus + 2, NULL, 10), 16);
	/* 300 queries waiting, 256 kept */
	for (i = 0; i < 300; i++) {
		mquery(&q, (uint16_t)i, "x.many.test", DNS_TYPE_A);
		out(RESOLVER, IPPROTO_UDP, 50000, 53, &q, 100 + i * 0.001);
	}
	assert_int_equal(st(NAMES_QUERIES_EVICTED), 300 - NAMES_QUERIES);
	fix_end();
}

static void test_report(void **state)
{
	static const char *const names[] = {"allowed.test", NULL};
	char buf[REPORT_MAX];
	struct report r;
	struct msg q, a;

	(void)state;
	fix_start(names, NULL, NULL, 0);
	mquery(&q, 1, "allowed.test", DNS_TYPE_A);
	out(RESOLVER, IPPROTO_UDP, 40000, 53, &q, 0);
	manswer(&a, 1, "allowed.test", DNS_TYPE_A, 2);
	mrr_a(&a, "allowed.test", "198.18.1.10", 30);
	mrr_a(&a, "allowed.test", "198.18.1.11", 30);
	in(RESOLVER, IPPROTO_UDP, 53, 40000, &a, 0);
	out("198.18.1.10", IPPROTO_TCP, 40000, 80, NULL, 1);
	mquery(&q, 1, "no.test", DNS_TYPE_A);
	out(RESOLVER, IPPROTO_UDP, 40000, 53, &q, 1);
	report_init(&r, buf, sizeof(buf), REPORT_TEXT, "enclave");
	egress_report(&fx.g, &r, 2);
	assert_non_null(strstr(buf, "policy_refused_dns_name 1\n"));
	assert_non_null(strstr(buf, "policy_refused_unlisted 0\n"));
	assert_non_null(strstr(buf, "name_addresses_live 2\n"));
	assert_non_null(strstr(buf, "name_flows_live 1\n"));
	assert_non_null(strstr(buf, "name_answers 1\n"));
	assert_non_null(strstr(buf, "names_admitted allowed.test=2\n"));
	/* after the TTL: none live */
	report_init(&r, buf, sizeof(buf), REPORT_TEXT, "enclave");
	egress_report(&fx.g, &r, 100);
	assert_non_null(strstr(buf, "name_addresses_live 0\n"));
	assert_non_null(strstr(buf, "names_admitted -\n"));
	fix_end();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_parse),
		cmocka_unit_test(test_inactive),
		cmocka_unit_test(test_queries),
		cmocka_unit_test(test_tcp),
		cmocka_unit_test(test_tcp_stream),
		cmocka_unit_test(test_tcp_table),
		cmocka_unit_test(test_tcp_answers),
		cmocka_unit_test(test_learn),
		cmocka_unit_test(test_ignored),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
