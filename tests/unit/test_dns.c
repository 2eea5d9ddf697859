// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of the DNS reader (dns.c): the enclave's queries,
 * read strictly (one plain question, at most an OPT with a client cookie),
 * and the answers that come through the host, read as hostile input
 * (names bounded, compression pointers only backwards and at most 16, the
 * CNAME chain bounded and loop-free, records and addresses bounded). Every
 * message is built here by hand, byte by byte. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "remora/dns.h"

#define FL_RD	 0x0100 /* recursion desired: what a stub sends */
#define FL_QR	 0x8000
#define FL_RA	 0x0080
#define CLASS_CH 3
#define TYPE_TXT 16

/* A message being built */
struct msg {
	uint8_t b[8192];
	size_t n;
};

static void put8(struct msg *m, unsigned v)
{
	assert_true(m->n < sizeof(m->b));
	m->b[m->n++] = (uint8_t)v;
}

static void put16(struct msg *m, unsigned v)
{
	put8(m, (v >> 8) & 0xff);
	put8(m, v & 0xff);
}

static void put32(struct msg *m, uint32_t v)
{
	put16(m, v >> 16);
	put16(m, v & 0xffff);
}

static void putraw(struct msg *m, const void *p, size_t n)
{
	assert_true(n <= sizeof(m->b) - m->n);
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

/* One label of @n bytes at @p (any bytes, the length as given) */
static void putlabel(struct msg *m, const void *p, size_t n)
{
	put8(m, (unsigned)n);
	putraw(m, p, n);
}

/* The labels of @name (split at '.'), without the final root */
static void putlabels(struct msg *m, const char *name)
{
	const char *dot;

	while (*name) {
		dot = strchr(name, '.');
		if (!dot)
			dot = name + strlen(name);
		putlabel(m, name, (size_t)(dot - name));
		name = *dot ? dot + 1 : dot;
	}
}

/* @name uncompressed ("" is the root); Return: where it starts */
static size_t putname(struct msg *m, const char *name)
{
	size_t at = m->n;

	putlabels(m, name);
	put8(m, 0);
	return at;
}

/* A compression pointer to @to */
static void putptr(struct msg *m, size_t to)
{
	put16(m, 0xc000 | (unsigned)to);
}

/* A fresh message: the header */
static void hdr(struct msg *m, unsigned id, unsigned flags, unsigned qd,
		unsigned an, unsigned ns, unsigned ar)
{
	m->n = 0;
	put16(m, id);
	put16(m, flags);
	put16(m, qd);
	put16(m, an);
	put16(m, ns);
	put16(m, ar);
}

/* A question (or a record's fixed part after its owner, with @ttl...) */
static void qfixed(struct msg *m, unsigned type, unsigned qclass)
{
	put16(m, type);
	put16(m, qclass);
}

/* A record's fixed part, after its owner */
static void rrfixed(struct msg *m, unsigned type, unsigned rclass, uint32_t ttl,
		    unsigned rdlen)
{
	put16(m, type);
	put16(m, rclass);
	put32(m, ttl);
	put16(m, rdlen);
}

/* An A record of the name at @owner (a pointer to it) */
static void rr_a(struct msg *m, size_t owner, uint32_t ttl, uint8_t a,
		 uint8_t b, uint8_t c, uint8_t d)
{
	const uint8_t addr[4] = {a, b, c, d};

	putptr(m, owner);
	rrfixed(m, DNS_TYPE_A, DNS_CLASS_IN, ttl, 4);
	putraw(m, addr, 4);
}

/* An AAAA record of the name at @owner: 2001:db8::@last */
static void rr_aaaa(struct msg *m, size_t owner, uint32_t ttl, uint8_t last)
{
	uint8_t addr[16] = {0x20, 0x01, 0x0d, 0xb8};

	addr[15] = last;
	putptr(m, owner);
	rrfixed(m, DNS_TYPE_AAAA, DNS_CLASS_IN, ttl, 16);
	putraw(m, addr, 16);
}

/* A CNAME record of the name at @owner to @target (uncompressed);
 * Return: where the target starts */
static size_t rr_cname(struct msg *m, size_t owner, uint32_t ttl,
		       const char *target)
{
	size_t rdlen = 1;

	if (*target)
		rdlen = strlen(target) + 2;
	putptr(m, owner);
	rrfixed(m, DNS_TYPE_CNAME, DNS_CLASS_IN, ttl, (unsigned)rdlen);
	return putname(m, target);
}

/* A standard query for @name, as a stub resolver sends it (RD) */
static void query(struct msg *m, unsigned id, const char *name, unsigned type)
{
	hdr(m, id, FL_RD, 1, 0, 0, 0);
	putname(m, name);
	qfixed(m, type, DNS_CLASS_IN);
}

/* An OPT record (root owner, 1232-byte payload) with @rdlen bytes of
 * options to follow */
static void opt(struct msg *m, unsigned rdlen)
{
	put8(m, 0);
	rrfixed(m, DNS_TYPE_OPT, 1232, 0, rdlen);
}

/* An 8-byte client cookie option */
static void cookie(struct msg *m)
{
	put16(m, DNS_OPT_COOKIE);
	put16(m, 8);
	putraw(m, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
}

/* The start of an answer to @qname (at DNS_HDR) with @an records */
static void answer(struct msg *m, unsigned rcode, unsigned an,
		   const char *qname, unsigned qtype)
{
	hdr(m, 0xbeef, FL_QR | FL_RD | FL_RA | rcode, 1, an, 0, 0);
	putname(m, qname);
	qfixed(m, qtype, DNS_CLASS_IN);
}

static struct view v(const struct msg *m)
{
	return view_of(m->b, m->n);
}

static enum dns_verdict parse_q(const struct msg *m)
{
	struct dns_question q;

	return dns_parse_query(v(m), &q);
}

static enum dns_verdict parse_a(const struct msg *m, struct dns_answer *a)
{
	memset(a, 0xaa, sizeof(*a));
	return dns_parse_answer(v(m), a);
}

static void assert_addr4(const struct dns_addr *d, uint8_t a, uint8_t b,
			 uint8_t c, uint8_t e, uint32_t ttl)
{
	const uint8_t want[4] = {a, b, c, e};

	assert_int_equal(d->version, 4);
	assert_memory_equal(d->a, want, 4);
	assert_int_equal(d->ttl, ttl);
}

static void assert_addr6(const struct dns_addr *d, uint8_t last, uint32_t ttl)
{
	uint8_t want[16] = {0x20, 0x01, 0x0d, 0xb8};

	want[15] = last;
	assert_int_equal(d->version, 6);
	assert_memory_equal(d->a, want, 16);
	assert_int_equal(d->ttl, ttl);
}

/* Queries */

/* A and AAAA queries: id, type, the name lowercased */
static void query_plain(void **state)
{
	struct dns_question q;
	struct msg m;

	(void)state;
	query(&m, 0x1234, "WwW.ExAmple.COM", DNS_TYPE_A);
	memset(&q, 0xaa, sizeof(q));
	assert_int_equal(dns_parse_query(v(&m), &q), DNS_OK);
	assert_int_equal(q.id, 0x1234);
	assert_int_equal(q.type, DNS_TYPE_A);
	assert_string_equal(q.name, "www.example.com");

	query(&m, 0xfedc, "_sip._tcp.a-b.9x", DNS_TYPE_AAAA);
	memset(&q, 0xaa, sizeof(q));
	assert_int_equal(dns_parse_query(v(&m), &q), DNS_OK);
	assert_int_equal(q.id, 0xfedc);
	assert_int_equal(q.type, DNS_TYPE_AAAA);
	assert_string_equal(q.name, "_sip._tcp.a-b.9x");

	/* RD clear, and AD and CD (glibc's trust-ad, validating stubs) */
	m.b[2] = 0;
	m.b[3] = 0;
	assert_int_equal(parse_q(&m), DNS_OK);
	m.b[3] = 0x30;
	assert_int_equal(parse_q(&m), DNS_OK);
}

/* The root: "" */
static void query_root(void **state)
{
	struct dns_question q;
	struct msg m;

	(void)state;
	query(&m, 7, "", 2 /* NS */);
	assert_int_equal(m.n, DNS_HDR + 1 + 4);
	memset(&q, 0xaa, sizeof(q));
	assert_int_equal(dns_parse_query(v(&m), &q), DNS_OK);
	assert_int_equal(q.id, 7);
	assert_int_equal(q.type, 2);
	assert_string_equal(q.name, "");
}

/* Any header flag but RD, AD, CD; a question count but 1; an answer or
 * authority record */
static void query_not_query(void **state)
{
	static const unsigned flags[] = {
		0x8000, 0x8100, 0x0800, 0x1000, 0x2000, 0x4000,
		0x0080, 0x7800, 0x0040, 0x0001, 0x0002, 0x0004,
		0x0008, 0x000f, 0xffff, 0x0400, 0x0200, 0x0500,
	};
	struct msg m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		query(&m, 1, "example.com", DNS_TYPE_A);
		m.b[2] = (uint8_t)(flags[i] >> 8);
		m.b[3] = (uint8_t)flags[i];
		assert_int_equal(parse_q(&m), DNS_NOT_QUERY);
	}

	/* no question */
	hdr(&m, 1, FL_RD, 0, 0, 0, 0);
	assert_int_equal(parse_q(&m), DNS_NOT_QUERY);
	/* two, both there */
	hdr(&m, 1, FL_RD, 2, 0, 0, 0);
	putname(&m, "example.com");
	qfixed(&m, DNS_TYPE_A, DNS_CLASS_IN);
	putname(&m, "example.org");
	qfixed(&m, DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(parse_q(&m), DNS_NOT_QUERY);
	/* an answer record, then an authority record */
	hdr(&m, 1, FL_RD, 1, 1, 0, 0);
	putname(&m, "example.com");
	qfixed(&m, DNS_TYPE_A, DNS_CLASS_IN);
	rr_a(&m, DNS_HDR, 60, 192, 0, 2, 1);
	assert_int_equal(parse_q(&m), DNS_NOT_QUERY);
	m.b[7] = 0;
	m.b[9] = 1;
	assert_int_equal(parse_q(&m), DNS_NOT_QUERY);
}

/* A compressed question name: NOT_QUERY. The header is made to hold a
 * readable name at 0 ("a": id 0x0161, flags 0) for it to point at */
static void query_compressed(void **state)
{
	struct dns_question q;
	struct msg m;

	(void)state;
	hdr(&m, 0x0161, 0, 1, 0, 0, 0);
	putptr(&m, 0);
	qfixed(&m, DNS_TYPE_A, DNS_CLASS_IN);
	/* the name itself reads */
	{
		size_t off = DNS_HDR;
		char name[DNS_NAME_MAX + 1];

		assert_int_equal(dns_read_name(v(&m), &off, name), 0);
		assert_string_equal(name, "a");
		assert_int_equal(off, DNS_HDR + 2);
	}
	assert_int_equal(dns_parse_query(v(&m), &q), DNS_NOT_QUERY);

	/* labels, then a pointer */
	hdr(&m, 0x0161, 0, 1, 0, 0, 0);
	putlabels(&m, "x");
	putptr(&m, 0);
	qfixed(&m, DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(dns_parse_query(v(&m), &q), DNS_NOT_QUERY);

	/* a pointer to a root (the 0 of the flags) */
	hdr(&m, 0x0161, 0, 1, 0, 0, 0);
	putptr(&m, 2);
	qfixed(&m, DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(dns_parse_query(v(&m), &q), DNS_NOT_QUERY);
}

/* Another class than IN: CH, HS, ANY */
static void query_class(void **state)
{
	static const unsigned classes[] = {0, CLASS_CH, 4, 254, 255, 0x8001};
	struct msg m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		hdr(&m, 1, FL_RD, 1, 0, 0, 0);
		putname(&m, "version.bind");
		qfixed(&m, TYPE_TXT, classes[i]);
		assert_int_equal(parse_q(&m), DNS_NOT_QUERY);
	}
}

/* Bytes after the question, or after the OPT */
static void query_trailing(void **state)
{
	struct msg m;

	(void)state;
	query(&m, 1, "example.com", DNS_TYPE_A);
	put8(&m, 0);
	assert_int_equal(parse_q(&m), DNS_EXTRA);

	query(&m, 1, "example.com", DNS_TYPE_A);
	m.b[11] = 1;
	opt(&m, 0);
	put8(&m, 0);
	assert_int_equal(parse_q(&m), DNS_EXTRA);

	query(&m, 1, "example.com", DNS_TYPE_A);
	m.b[11] = 1;
	opt(&m, 12);
	cookie(&m);
	putraw(&m, "xyz", 3);
	assert_int_equal(parse_q(&m), DNS_EXTRA);
}

/* An OPT with no option, or with one 8-byte client cookie, and nothing
 * more */
static void query_opt(void **state)
{
	struct dns_question q;
	struct msg m;

	(void)state;
	query(&m, 9, "example.com", DNS_TYPE_AAAA);
	m.b[11] = 1;
	opt(&m, 0);
	assert_int_equal(dns_parse_query(v(&m), &q), DNS_OK);
	assert_string_equal(q.name, "example.com");
	assert_int_equal(q.type, DNS_TYPE_AAAA);

	query(&m, 9, "example.com", DNS_TYPE_A);
	m.b[11] = 1;
	opt(&m, 12);
	cookie(&m);
	assert_int_equal(dns_parse_query(v(&m), &q), DNS_OK);
	assert_string_equal(q.name, "example.com");

	/* the OPT's TTL: the DO flag may be set; nothing else of it */
	query(&m, 9, "example.com", DNS_TYPE_A);
	m.b[11] = 1;
	opt(&m, 0);
	m.b[m.n - 4] = 0x80; /* DO */
	assert_int_equal(dns_parse_query(v(&m), &q), DNS_OK);
	m.b[m.n - 3] = 0x01; /* another flag bit */
	assert_int_equal(dns_parse_query(v(&m), &q), DNS_EXTRA);
	m.b[m.n - 3] = 0;
	m.b[m.n - 5] = 1; /* EDNS version 1 */
	assert_int_equal(dns_parse_query(v(&m), &q), DNS_EXTRA);
	m.b[m.n - 5] = 0;
	m.b[m.n - 6] = 1; /* an extended RCODE */
	assert_int_equal(dns_parse_query(v(&m), &q), DNS_EXTRA);
}

/* Any more in the additional section: another option, a longer cookie
 * (a server cookie too), a cookie and another option, two records, a
 * record other than OPT, an OPT not owned by the root */
static void query_opt_extra(void **state)
{
	static const unsigned other[] = {8 /* client subnet */,
					 12 /* padding */, 3 /* NSID */, 0,
					 0xffff};
	struct msg m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		query(&m, 1, "example.com", DNS_TYPE_A);
		m.b[11] = 1;
		opt(&m, 12);
		put16(&m, other[i]);
		put16(&m, 8);
		putraw(&m, "abcdefgh", 8);
		assert_int_equal(parse_q(&m), DNS_EXTRA);
	}

	/* a 16-byte cookie: client and server */
	query(&m, 1, "example.com", DNS_TYPE_A);
	m.b[11] = 1;
	opt(&m, 20);
	put16(&m, DNS_OPT_COOKIE);
	put16(&m, 16);
	putraw(&m, "0123456789abcdef", 16);
	assert_int_equal(parse_q(&m), DNS_EXTRA);

	/* a cookie option of 4 bytes, then another option, in 12 */
	query(&m, 1, "example.com", DNS_TYPE_A);
	m.b[11] = 1;
	opt(&m, 12);
	put16(&m, DNS_OPT_COOKIE);
	put16(&m, 4);
	putraw(&m, "\x01\x02\x03\x04", 4);
	put16(&m, 12);
	put16(&m, 0);
	assert_int_equal(parse_q(&m), DNS_EXTRA);
	/* a cookie option saying 9 bytes, in 12 */
	m.n -= 10;
	put16(&m, 9);
	putraw(&m, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	assert_int_equal(parse_q(&m), DNS_EXTRA);

	/* a cookie, then an empty padding option */
	query(&m, 1, "example.com", DNS_TYPE_A);
	m.b[11] = 1;
	opt(&m, 16);
	cookie(&m);
	put16(&m, 12);
	put16(&m, 0);
	assert_int_equal(parse_q(&m), DNS_EXTRA);

	/* two additional records, both OPT; the count alone is enough */
	query(&m, 1, "example.com", DNS_TYPE_A);
	m.b[11] = 2;
	opt(&m, 0);
	opt(&m, 0);
	assert_int_equal(parse_q(&m), DNS_EXTRA);
	m.n -= 11;
	assert_int_equal(parse_q(&m), DNS_EXTRA);

	/* an A record of the question's name, of the root */
	query(&m, 1, "example.com", DNS_TYPE_A);
	m.b[11] = 1;
	putname(&m, "example.com");
	rrfixed(&m, DNS_TYPE_A, DNS_CLASS_IN, 0, 4);
	putraw(&m, "\x01\x02\x03\x04", 4);
	assert_int_equal(parse_q(&m), DNS_EXTRA);
	query(&m, 1, "example.com", DNS_TYPE_A);
	m.b[11] = 1;
	put8(&m, 0);
	rrfixed(&m, DNS_TYPE_A, DNS_CLASS_IN, 0, 4);
	putraw(&m, "\x01\x02\x03\x04", 4);
	assert_int_equal(parse_q(&m), DNS_EXTRA);

	/* an OPT owned by a name, or by a pointer to the root; an OPT
	 * whose first byte only is not the root's (its type still read as
	 * OPT at the next two) */
	query(&m, 1, "example.com", DNS_TYPE_A);
	m.b[11] = 1;
	put8(&m, 1);
	rrfixed(&m, DNS_TYPE_OPT, 1232, 0, 0);
	assert_int_equal(parse_q(&m), DNS_EXTRA);
	query(&m, 1, "example.com", DNS_TYPE_A);
	m.b[11] = 1;
	putname(&m, "x");
	rrfixed(&m, DNS_TYPE_OPT, 1232, 0, 0);
	assert_int_equal(parse_q(&m), DNS_EXTRA);
	query(&m, 1, "example.com", DNS_TYPE_A);
	m.b[11] = 1;
	putptr(&m, DNS_HDR + 12);
	rrfixed(&m, DNS_TYPE_OPT, 1232, 0, 0);
	assert_int_equal(parse_q(&m), DNS_EXTRA);
}

/* A label of 63 bytes is read, one of 64 is not (0x40 is no length) */
static void query_label_length(void **state)
{
	char label[65];
	struct dns_question q;
	struct msg m;

	(void)state;
	memset(label, 'x', sizeof(label));
	hdr(&m, 1, FL_RD, 1, 0, 0, 0);
	putlabel(&m, label, 63);
	putname(&m, "com");
	qfixed(&m, DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(dns_parse_query(v(&m), &q), DNS_OK);
	assert_int_equal(strlen(q.name), 63 + 4);

	hdr(&m, 1, FL_RD, 1, 0, 0, 0);
	putlabel(&m, label, 64);
	putname(&m, "com");
	qfixed(&m, DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(parse_q(&m), DNS_MALFORMED);
}

/* A name of 255 bytes on the wire (253 in text) is read, one of 256 is
 * not */
static void query_name_length(void **state)
{
	char label[63], name[DNS_NAME_MAX + 1];
	struct dns_question q;
	struct msg m;
	size_t off;

	(void)state;
	memset(label, 'y', sizeof(label));
	hdr(&m, 1, FL_RD, 1, 0, 0, 0);
	putlabel(&m, label, 63);
	putlabel(&m, label, 63);
	putlabel(&m, label, 63);
	putlabel(&m, label, 61);
	put8(&m, 0);
	assert_int_equal(m.n - DNS_HDR, DNS_NAME_WIRE);
	qfixed(&m, DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(dns_parse_query(v(&m), &q), DNS_OK);
	assert_int_equal(strlen(q.name), DNS_NAME_MAX);
	assert_int_equal(q.name[63], '.');
	off = DNS_HDR;
	assert_int_equal(dns_read_name(v(&m), &off, name), 0);
	assert_int_equal(off, DNS_HDR + DNS_NAME_WIRE);

	hdr(&m, 1, FL_RD, 1, 0, 0, 0);
	putlabel(&m, label, 63);
	putlabel(&m, label, 63);
	putlabel(&m, label, 63);
	putlabel(&m, label, 62);
	put8(&m, 0);
	assert_int_equal(m.n - DNS_HDR, DNS_NAME_WIRE + 1);
	qfixed(&m, DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(parse_q(&m), DNS_MALFORMED);
	off = DNS_HDR;
	assert_int_equal(dns_read_name(v(&m), &off, name), -1);

	/* many short labels: 127 of 1 byte (255 on the wire) and 128 */
	hdr(&m, 1, FL_RD, 1, 0, 0, 0);
	for (off = 0; off < 127; off++)
		putlabel(&m, "z", 1);
	put8(&m, 0);
	qfixed(&m, DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(dns_parse_query(v(&m), &q), DNS_OK);
	assert_int_equal(strlen(q.name), DNS_NAME_MAX);
	hdr(&m, 1, FL_RD, 1, 0, 0, 0);
	for (off = 0; off < 128; off++)
		putlabel(&m, "z", 1);
	put8(&m, 0);
	qfixed(&m, DNS_TYPE_A, DNS_CLASS_IN);
	assert_int_equal(parse_q(&m), DNS_MALFORMED);
}

/* A label's bytes: [A-Za-z0-9_-] only, wherever in the label; '.', 0,
 * ' ', 0xff and every other byte refused */
static void query_label_bytes(void **state)
{
	struct dns_question q;
	struct msg m;
	unsigned c;
	int ok;

	(void)state;
	for (c = 0; c < 256; c++) {
		uint8_t mid[3] = {'a', (uint8_t)c, 'b'}, one = (uint8_t)c;
		char want[8];

		ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		     (c >= '0' && c <= '9') || c == '-' || c == '_';
		want[0] = 'a';
		want[1] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
		memcpy(want + 2, "b.com", 6);

		hdr(&m, 1, FL_RD, 1, 0, 0, 0);
		putlabel(&m, mid, 3);
		putname(&m, "com");
		qfixed(&m, DNS_TYPE_A, DNS_CLASS_IN);
		assert_int_equal(dns_parse_query(v(&m), &q),
				 ok ? DNS_OK : DNS_MALFORMED);
		if (ok)
			assert_string_equal(q.name, want);

		hdr(&m, 1, FL_RD, 1, 0, 0, 0);
		putlabel(&m, &one, 1);
		put8(&m, 0);
		qfixed(&m, DNS_TYPE_A, DNS_CLASS_IN);
		assert_int_equal(parse_q(&m), ok ? DNS_OK : DNS_MALFORMED);
	}
}

/* Every cut of a valid query is MALFORMED: never read past, never OK */
static void query_truncated(void **state)
{
	struct msg m;
	size_t len, n;
	int with_opt;

	(void)state;
	for (with_opt = 0; with_opt < 2; with_opt++) {
		query(&m, 0x4242, "api.example.com", DNS_TYPE_AAAA);
		if (with_opt) {
			m.b[11] = 1;
			opt(&m, 12);
			cookie(&m);
		}
		assert_int_equal(parse_q(&m), DNS_OK);
		len = m.n;
		for (n = 0; n < len; n++) {
			m.n = n;
			assert_int_equal(parse_q(&m), DNS_MALFORMED);
		}
	}
}

/* Answers */

/* A and AAAA records of the question's name, in order, with their TTLs;
 * an owner in capitals is the same name */
static void answer_addrs(void **state)
{
	struct dns_answer a;
	struct msg m;

	(void)state;
	answer(&m, 0, 4, "www.example.com", DNS_TYPE_A);
	rr_a(&m, DNS_HDR, 300, 192, 0, 2, 1);
	rr_aaaa(&m, DNS_HDR, 60, 7);
	rr_a(&m, DNS_HDR, 0, 198, 51, 100, 9);
	putname(&m, "WWW.Example.COM");
	rrfixed(&m, DNS_TYPE_A, DNS_CLASS_IN, 0xffffffffU, 4);
	putraw(&m, "\x0a\x00\x00\x01", 4);
	assert_int_equal(parse_a(&m, &a), DNS_OK);
	assert_int_equal(a.q.id, 0xbeef);
	assert_int_equal(a.q.type, DNS_TYPE_A);
	assert_string_equal(a.q.name, "www.example.com");
	assert_int_equal(a.rcode, 0);
	assert_int_equal(a.cut, 0);
	assert_int_equal(a.naddrs, 4);
	assert_addr4(&a.addrs[0], 192, 0, 2, 1, 300);
	assert_addr6(&a.addrs[1], 7, 60);
	assert_addr4(&a.addrs[2], 198, 51, 100, 9, 0);
	assert_addr4(&a.addrs[3], 10, 0, 0, 1, 0xffffffffU);

	/* none: an empty answer */
	answer(&m, 0, 0, "www.example.com", DNS_TYPE_AAAA);
	assert_int_equal(parse_a(&m, &a), DNS_OK);
	assert_int_equal(a.naddrs, 0);
	assert_int_equal(a.cut, 0);
}

/* qname -> b -> c, c's A: taken, with the least TTL of the chain and the
 * record; b's own address too; compressed names throughout */
static void answer_cname_chain(void **state)
{
	struct dns_answer a;
	struct msg m;
	size_t b, c;

	(void)state;
	answer(&m, 0, 5, "q.example.com", DNS_TYPE_A);
	/* q -> b.example.com, b's labels then a pointer to "example.com" */
	putptr(&m, DNS_HDR);
	rrfixed(&m, DNS_TYPE_CNAME, DNS_CLASS_IN, 300, 4);
	b = m.n;
	putlabels(&m, "b");
	putptr(&m, DNS_HDR + 2);
	c = rr_cname(&m, b, 100, "c.example.com");
	rr_a(&m, c, 200, 203, 0, 113, 5);
	rr_a(&m, c, 50, 203, 0, 113, 6);
	rr_aaaa(&m, b, 1000, 0xbb);
	assert_int_equal(parse_a(&m, &a), DNS_OK);
	assert_string_equal(a.q.name, "q.example.com");
	assert_int_equal(a.naddrs, 3);
	assert_addr4(&a.addrs[0], 203, 0, 113, 5, 100);
	assert_addr4(&a.addrs[1], 203, 0, 113, 6, 50);
	assert_addr6(&a.addrs[2], 0xbb, 300);

	/* the records in another order: the chain is the same */
	answer(&m, 0, 3, "q.test", DNS_TYPE_A);
	putname(&m, "c.test");
	rrfixed(&m, DNS_TYPE_A, DNS_CLASS_IN, 9000, 4);
	putraw(&m, "\x01\x01\x01\x01", 4);
	b = putname(&m, "b.test");
	rrfixed(&m, DNS_TYPE_CNAME, DNS_CLASS_IN, 40, 8);
	putname(&m, "c.test");
	putptr(&m, DNS_HDR);
	rrfixed(&m, DNS_TYPE_CNAME, DNS_CLASS_IN, 7000, 2);
	putptr(&m, b);
	assert_int_equal(parse_a(&m, &a), DNS_OK);
	assert_int_equal(a.naddrs, 1);
	assert_addr4(&a.addrs[0], 1, 1, 1, 1, 40);
}

/* Addresses of names not on the chain are not taken: another name, a
 * name whose CNAME leads to the question's, a name that shares a suffix */
static void answer_unrelated(void **state)
{
	struct dns_answer a;
	struct msg m;
	size_t x;

	(void)state;
	answer(&m, 0, 5, "a.test", DNS_TYPE_A);
	putname(&m, "other.test");
	rrfixed(&m, DNS_TYPE_A, DNS_CLASS_IN, 60, 4);
	putraw(&m, "\x09\x09\x09\x09", 4);
	/* x.test -> a.test: x is not on a.test's chain */
	x = putname(&m, "x.test");
	rrfixed(&m, DNS_TYPE_CNAME, DNS_CLASS_IN, 60, 2);
	putptr(&m, DNS_HDR);
	putptr(&m, x);
	rrfixed(&m, DNS_TYPE_A, DNS_CLASS_IN, 60, 4);
	putraw(&m, "\x08\x08\x08\x08", 4);
	putname(&m, "b.a.test");
	rrfixed(&m, DNS_TYPE_AAAA, DNS_CLASS_IN, 60, 16);
	putraw(&m, "0123456789abcdef", 16);
	putname(&m, "test");
	rrfixed(&m, DNS_TYPE_A, DNS_CLASS_IN, 60, 4);
	putraw(&m, "\x07\x07\x07\x07", 4);
	assert_int_equal(parse_a(&m, &a), DNS_OK);
	assert_int_equal(a.naddrs, 0);
	assert_int_equal(a.cut, 0);
	/* the question's own, among them, is taken alone */
	m.b[7] = 6;
	rr_a(&m, DNS_HDR, 60, 1, 1, 1, 1);
	assert_int_equal(parse_a(&m, &a), DNS_OK);
	assert_int_equal(a.naddrs, 1);
	assert_addr4(&a.addrs[0], 1, 1, 1, 1, 60);
}

/* An address record of the wrong length or of another class is passed
 * over; the good one beside it is taken */
static void answer_bad_records_ignored(void **state)
{
	struct dns_answer a;
	struct msg m;

	(void)state;
	answer(&m, 0, 5, "a.test", DNS_TYPE_A);
	putptr(&m, DNS_HDR);
	rrfixed(&m, DNS_TYPE_A, DNS_CLASS_IN, 60, 5);
	putraw(&m, "\x01\x02\x03\x04\x05", 5);
	putptr(&m, DNS_HDR);
	rrfixed(&m, DNS_TYPE_AAAA, DNS_CLASS_IN, 60, 4);
	putraw(&m, "\x01\x02\x03\x04", 4);
	putptr(&m, DNS_HDR);
	rrfixed(&m, DNS_TYPE_A, CLASS_CH, 60, 4);
	putraw(&m, "\x01\x02\x03\x04", 4);
	putptr(&m, DNS_HDR);
	rrfixed(&m, DNS_TYPE_A, DNS_CLASS_IN, 60, 0);
	rr_a(&m, DNS_HDR, 61, 192, 0, 2, 44);
	assert_int_equal(parse_a(&m, &a), DNS_OK);
	assert_int_equal(a.naddrs, 1);
	assert_addr4(&a.addrs[0], 192, 0, 2, 44, 61);

	/* a CNAME of class CH is no link */
	answer(&m, 0, 2, "a.test", DNS_TYPE_A);
	putptr(&m, DNS_HDR);
	rrfixed(&m, DNS_TYPE_CNAME, CLASS_CH, 60, 8);
	putname(&m, "b.test");
	rr_a(&m, m.n - 8, 60, 1, 2, 3, 4);
	assert_int_equal(parse_a(&m, &a), DNS_OK);
	assert_int_equal(a.naddrs, 0);

	/* a question of class CH: nothing learnt */
	answer(&m, 0, 1, "a.test", DNS_TYPE_A);
	m.b[DNS_HDR + 8 + 3] = CLASS_CH;
	rr_a(&m, DNS_HDR, 60, 1, 2, 3, 4);
	assert_int_equal(parse_a(&m, &a), DNS_OK);
	assert_int_equal(a.naddrs, 0);
}

/* A CNAME loop is refused: a -> b -> a, a -> a */
static void answer_cname_loop(void **state)
{
	struct dns_answer a;
	struct msg m;
	size_t b;

	(void)state;
	answer(&m, 0, 3, "a.test", DNS_TYPE_A);
	b = rr_cname(&m, DNS_HDR, 60, "b.test");
	rr_cname(&m, b, 60, "a.test");
	rr_a(&m, b, 60, 1, 2, 3, 4);
	assert_int_equal(parse_a(&m, &a), DNS_MALFORMED);
	assert_int_equal(a.naddrs, 0);

	answer(&m, 0, 1, "a.test", DNS_TYPE_A);
	rr_cname(&m, DNS_HDR, 60, "A.TEST");
	assert_int_equal(parse_a(&m, &a), DNS_MALFORMED);

	/* a CNAME whose target runs past its data, into the next record
	 * (owned by the root, whose 0 would end the target) */
	answer(&m, 0, 2, "a.test", DNS_TYPE_A);
	putptr(&m, DNS_HDR);
	rrfixed(&m, DNS_TYPE_CNAME, DNS_CLASS_IN, 60, 7);
	putlabels(&m, "b.test");
	put8(&m, 0);
	rrfixed(&m, TYPE_TXT, DNS_CLASS_IN, 60, 2);
	putraw(&m, "\x01x", 2);
	assert_int_equal(parse_a(&m, &a), DNS_MALFORMED);
	/* the same, its data one byte longer: read */
	answer(&m, 0, 2, "a.test", DNS_TYPE_A);
	putptr(&m, DNS_HDR);
	rrfixed(&m, DNS_TYPE_CNAME, DNS_CLASS_IN, 60, 8);
	b = putname(&m, "b.test");
	rr_a(&m, b, 60, 1, 2, 3, 4);
	assert_int_equal(parse_a(&m, &a), DNS_OK);
	assert_int_equal(a.naddrs, 1);
}

/* q -> n1 -> ... -> n@links, each n with an A record 10.0.0.i */
static void chain_answer(struct msg *m, int links)
{
	char name[32];
	int i;

	answer(m, 0, (unsigned)(2 * links), "q.test", DNS_TYPE_A);
	for (i = 1; i <= links; i++) {
		if (i == 1) {
			putptr(m, DNS_HDR);
		} else {
			snprintf(name, sizeof(name), "n%d.test", i - 1);
			putname(m, name);
		}
		snprintf(name, sizeof(name), "n%d.test", i);
		rrfixed(m, DNS_TYPE_CNAME, DNS_CLASS_IN, 1000u - (unsigned)i,
			(unsigned)strlen(name) + 2);
		putname(m, name);
	}
	for (i = 1; i <= links; i++) {
		snprintf(name, sizeof(name), "n%d.test", i);
		putname(m, name);
		rrfixed(m, DNS_TYPE_A, DNS_CLASS_IN, 5000, 4);
		put8(m, 10);
		put8(m, 0);
		put8(m, 0);
		put8(m, (unsigned)i);
	}
}

/* At most DNS_MAX_CHAIN links are followed: of 9 CNAMEs, the 10th name's
 * address is not taken */
static void answer_chain_limit(void **state)
{
	struct dns_answer a;
	struct msg m;
	int i;

	(void)state;
	chain_answer(&m, DNS_MAX_CHAIN);
	assert_int_equal(parse_a(&m, &a), DNS_OK);
	assert_int_equal(a.naddrs, DNS_MAX_CHAIN);
	for (i = 0; i < DNS_MAX_CHAIN; i++)
		assert_addr4(&a.addrs[i], 10, 0, 0, (uint8_t)(i + 1),
			     1000u - (unsigned)(i + 1));

	chain_answer(&m, DNS_MAX_CHAIN + 1);
	assert_int_equal(parse_a(&m, &a), DNS_OK);
	assert_int_equal(a.naddrs, DNS_MAX_CHAIN);
	for (i = 0; i < DNS_MAX_CHAIN; i++)
		assert_int_equal(a.addrs[i].a[3], i + 1);
}

/* Compression pointers, read directly: forward, to itself, past the end,
 * cut; 0x40 and 0x80 label types; where the reading ends */
static void name_pointers(void **state)
{
	char name[DNS_NAME_MAX + 1];
	struct msg m;
	size_t off;

	(void)state;
	m.n = 0;
	putname(&m, "a.b"); /* 0..4 */
	putlabels(&m, "c"); /* 5..6 */
	putptr(&m, 0);	    /* 7..8 */
	off = 5;
	assert_int_equal(dns_read_name(v(&m), &off, name), 0);
	assert_string_equal(name, "c.a.b");
	assert_int_equal(off, 9);
	off = 7;
	assert_int_equal(dns_read_name(v(&m), &off, name), 0);
	assert_string_equal(name, "a.b");
	assert_int_equal(off, 9);
	/* into the middle of a name */
	m.n = 7;
	putptr(&m, 2);
	off = 7;
	assert_int_equal(dns_read_name(v(&m), &off, name), 0);
	assert_string_equal(name, "b");

	/* each pointer before where the last one led, not only before the
	 * name's start: 7 -> 3, then 3 -> 5 is forward */
	m.n = 0;
	putname(&m, "a"); /* 0..2 */
	putptr(&m, 5);	  /* 3..4 */
	putptr(&m, 0);	  /* 5..6 */
	putptr(&m, 3);	  /* 7..8 */
	off = 5;
	assert_int_equal(dns_read_name(v(&m), &off, name), 0);
	off = 7;
	assert_int_equal(dns_read_name(v(&m), &off, name), -1);

	/* forward */
	m.n = 0;
	putptr(&m, 2);
	putname(&m, "a");
	off = 0;
	assert_int_equal(dns_read_name(v(&m), &off, name), -1);
	/* to itself, at 0 and further on */
	m.n = 0;
	putptr(&m, 0);
	off = 0;
	assert_int_equal(dns_read_name(v(&m), &off, name), -1);
	m.n = 0;
	putname(&m, "a");
	putptr(&m, 3);
	off = 3;
	assert_int_equal(dns_read_name(v(&m), &off, name), -1);
	/* to a pointer at the start of this name's own labels */
	m.n = 0;
	putname(&m, "a");
	putlabels(&m, "b");
	putptr(&m, 3);
	off = 3;
	assert_int_equal(dns_read_name(v(&m), &off, name), -1);
	/* past the end */
	m.n = 0;
	putname(&m, "a");
	putptr(&m, 0x3fff);
	off = 3;
	assert_int_equal(dns_read_name(v(&m), &off, name), -1);
	/* cut in the middle */
	m.n = 0;
	putname(&m, "a");
	put8(&m, 0xc0);
	off = 3;
	assert_int_equal(dns_read_name(v(&m), &off, name), -1);
	/* no end */
	m.n = 0;
	putlabels(&m, "abc");
	off = 0;
	assert_int_equal(dns_read_name(v(&m), &off, name), -1);
	off = 4;
	assert_int_equal(dns_read_name(v(&m), &off, name), -1);

	/* 0x40 (extended) and 0x80 (reserved) label types, with any length */
	{
		static const uint8_t types[] = {0x40, 0x41, 0x7f,
						0x80, 0x81, 0xbf};
		size_t i;

		for (i = 0; i < sizeof(types); i++) {
			m.n = 0;
			putname(&m, "a");
			put8(&m, types[i]);
			put8(&m, 'x');
			put8(&m, 0);
			off = 3;
			assert_int_equal(dns_read_name(v(&m), &off, name), -1);
			m.n = 0;
			putlabels(&m, "b");
			put8(&m, types[i]);
			memset(m.b + m.n, 'x', 129);
			m.n += 129;
			put8(&m, 0);
			off = 0;
			assert_int_equal(dns_read_name(v(&m), &off, name), -1);
		}
	}
}

/* A chain of 16 pointers is followed, 17 are not: read directly, and as
 * the owner of an answer's record (through pointers held in an earlier
 * record's data) */
static void name_pointer_chain(void **state)
{
	char name[DNS_NAME_MAX + 1];
	struct dns_answer a;
	struct msg m;
	size_t off, p[DNS_MAX_POINTERS + 1];
	int i;

	(void)state;
	m.n = 0;
	putname(&m, "a"); /* 0..2 */
	for (i = 0; i <= DNS_MAX_POINTERS; i++) {
		p[i] = m.n;
		putptr(&m, i ? p[i - 1] : 0);
	}
	/* p[i] is the start of a name of i + 1 pointers */
	off = p[DNS_MAX_POINTERS - 1];
	assert_int_equal(dns_read_name(v(&m), &off, name), 0);
	assert_string_equal(name, "a");
	assert_int_equal(off, p[DNS_MAX_POINTERS - 1] + 2);
	off = p[DNS_MAX_POINTERS];
	assert_int_equal(dns_read_name(v(&m), &off, name), -1);

	/* the record's own pointer, then those of the TXT's data */
	for (i = DNS_MAX_POINTERS - 1; i <= DNS_MAX_POINTERS; i++) {
		size_t q[DNS_MAX_POINTERS];
		int k;

		answer(&m, 0, 2, "a.test", DNS_TYPE_A);
		putptr(&m, DNS_HDR);
		rrfixed(&m, TYPE_TXT, DNS_CLASS_IN, 60, 2 * DNS_MAX_POINTERS);
		for (k = 0; k < DNS_MAX_POINTERS; k++) {
			q[k] = m.n;
			putptr(&m, k ? q[k - 1] : DNS_HDR);
		}
		/* i pointers in the data, one of the owner: 16, then 17 */
		rr_a(&m, q[i - 1], 60, 192, 0, 2, 7);
		if (i + 1 <= DNS_MAX_POINTERS) {
			assert_int_equal(parse_a(&m, &a), DNS_OK);
			assert_int_equal(a.naddrs, 1);
			assert_addr4(&a.addrs[0], 192, 0, 2, 7, 60);
		} else {
			assert_int_equal(parse_a(&m, &a), DNS_MALFORMED);
		}
	}
}

/* Pointers in an answer: a forward one, one to itself, one past the end;
 * a label of type 0x40 or 0x80 */
static void answer_bad_names(void **state)
{
	struct dns_answer a;
	struct msg m;
	size_t at;

	(void)state;
	/* an owner pointing at the record's own type */
	answer(&m, 0, 1, "a.test", DNS_TYPE_A);
	putptr(&m, m.n + 2);
	rrfixed(&m, DNS_TYPE_A, DNS_CLASS_IN, 60, 4);
	putraw(&m, "\x01\x02\x03\x04", 4);
	assert_int_equal(parse_a(&m, &a), DNS_MALFORMED);
	/* an owner pointing at itself */
	answer(&m, 0, 1, "a.test", DNS_TYPE_A);
	putptr(&m, m.n);
	rrfixed(&m, DNS_TYPE_A, DNS_CLASS_IN, 60, 4);
	putraw(&m, "\x01\x02\x03\x04", 4);
	assert_int_equal(parse_a(&m, &a), DNS_MALFORMED);
	/* past the end */
	answer(&m, 0, 1, "a.test", DNS_TYPE_A);
	putptr(&m, 0x3000);
	rrfixed(&m, DNS_TYPE_A, DNS_CLASS_IN, 60, 4);
	putraw(&m, "\x01\x02\x03\x04", 4);
	assert_int_equal(parse_a(&m, &a), DNS_MALFORMED);
	/* a CNAME's target pointing forward, to the next record's owner */
	answer(&m, 0, 2, "a.test", DNS_TYPE_A);
	putptr(&m, DNS_HDR);
	rrfixed(&m, DNS_TYPE_CNAME, DNS_CLASS_IN, 60, 2);
	at = m.n;
	putptr(&m, at + 2);
	putname(&m, "b.test");
	rrfixed(&m, DNS_TYPE_A, DNS_CLASS_IN, 60, 4);
	putraw(&m, "\x01\x02\x03\x04", 4);
	assert_int_equal(parse_a(&m, &a), DNS_MALFORMED);
	/* label types 0x40 and 0x80 in an owner */
	answer(&m, 0, 1, "a.test", DNS_TYPE_A);
	at = m.n;
	putlabels(&m, "b");
	put8(&m, 0);
	rrfixed(&m, DNS_TYPE_A, DNS_CLASS_IN, 60, 4);
	putraw(&m, "\x01\x02\x03\x04", 4);
	assert_int_equal(parse_a(&m, &a), DNS_OK);
	m.b[at] = 0x41;
	assert_int_equal(parse_a(&m, &a), DNS_MALFORMED);
	m.b[at] = 0x81;
	assert_int_equal(parse_a(&m, &a), DNS_MALFORMED);
	/* in the question */
	answer(&m, 0, 0, "a.test", DNS_TYPE_A);
	m.b[DNS_HDR] = 0x41;
	assert_int_equal(parse_a(&m, &a), DNS_MALFORMED);
	m.b[DNS_HDR] = 0x81;
	assert_int_equal(parse_a(&m, &a), DNS_MALFORMED);
}

/* Every cut of a valid answer (compressed names, a CNAME chain, A and
 * AAAA) is MALFORMED */
static void answer_truncated(void **state)
{
	struct dns_answer a;
	struct msg m;
	size_t cdn, edge, len, n;

	(void)state;
	answer(&m, 0, 4, "www.example.com", DNS_TYPE_A);
	putptr(&m, DNS_HDR);
	rrfixed(&m, DNS_TYPE_CNAME, DNS_CLASS_IN, 300, 6);
	cdn = m.n;
	putlabels(&m, "cdn");
	putptr(&m, DNS_HDR + 4);
	putptr(&m, cdn);
	rrfixed(&m, DNS_TYPE_CNAME, DNS_CLASS_IN, 100, 7);
	edge = m.n;
	putlabels(&m, "edge");
	putptr(&m, cdn);
	rr_a(&m, edge, 200, 192, 0, 2, 1);
	rr_aaaa(&m, edge, 50, 1);
	assert_int_equal(parse_a(&m, &a), DNS_OK);
	assert_int_equal(a.naddrs, 2);
	assert_addr4(&a.addrs[0], 192, 0, 2, 1, 100);
	assert_addr6(&a.addrs[1], 1, 50);
	len = m.n;
	for (n = 0; n < len; n++) {
		m.n = n;
		assert_int_equal(parse_a(&m, &a), DNS_MALFORMED);
		assert_int_equal(a.naddrs, 0);
	}
}

/* More than DNS_MAX_RECORDS answer records: the first 64 are read, and
 * the answer says it was cut */
static void answer_records_cut(void **state)
{
	struct dns_answer a;
	struct msg m;
	int i;

	(void)state;
	answer(&m, 0, DNS_MAX_RECORDS, "a.test", DNS_TYPE_A);
	for (i = 0; i < DNS_MAX_RECORDS - 1; i++) {
		putptr(&m, DNS_HDR);
		rrfixed(&m, TYPE_TXT, DNS_CLASS_IN, 60, 2);
		putraw(&m, "\x01x", 2);
	}
	rr_a(&m, DNS_HDR, 60, 192, 0, 2, 64);
	assert_int_equal(parse_a(&m, &a), DNS_OK);
	assert_int_equal(a.cut, 0);
	assert_int_equal(a.naddrs, 1);

	/* the 65th, an address, is not read */
	m.b[7] = DNS_MAX_RECORDS + 1;
	rr_a(&m, DNS_HDR, 60, 192, 0, 2, 65);
	assert_int_equal(parse_a(&m, &a), DNS_OK);
	assert_int_equal(a.cut, 1);
	assert_int_equal(a.naddrs, 1);
	assert_int_equal(a.addrs[0].a[3], 64);

	/* not even read to check it: a malformed 65th does not matter */
	m.n -= 16;
	putptr(&m, 0x3fff);
	assert_int_equal(parse_a(&m, &a), DNS_OK);
	assert_int_equal(a.cut, 1);
	/* the count at its largest */
	m.b[6] = 0xff;
	m.b[7] = 0xff;
	assert_int_equal(parse_a(&m, &a), DNS_OK);
	assert_int_equal(a.cut, 1);
	assert_int_equal(a.naddrs, 1);
}

/* More than DNS_MAX_ADDRS addresses: the first 32 are kept, and the
 * answer says it was cut */
static void answer_addrs_cut(void **state)
{
	struct dns_answer a;
	struct msg m;
	int i;

	(void)state;
	answer(&m, 0, DNS_MAX_ADDRS, "a.test", DNS_TYPE_A);
	for (i = 0; i < DNS_MAX_ADDRS; i++)
		rr_a(&m, DNS_HDR, 60, 10, 1, 0, (uint8_t)i);
	assert_int_equal(parse_a(&m, &a), DNS_OK);
	assert_int_equal(a.naddrs, DNS_MAX_ADDRS);
	assert_int_equal(a.cut, 0);

	m.b[7] = DNS_MAX_ADDRS + 1;
	rr_aaaa(&m, DNS_HDR, 60, 33);
	assert_int_equal(parse_a(&m, &a), DNS_OK);
	assert_int_equal(a.naddrs, DNS_MAX_ADDRS);
	assert_int_equal(a.cut, 1);
	for (i = 0; i < DNS_MAX_ADDRS; i++)
		assert_addr4(&a.addrs[i], 10, 1, 0, (uint8_t)i, 60);
}

/* Not an answer: QR clear, another opcode, a question count but 1 */
static void answer_not_answer(void **state)
{
	struct dns_answer a;
	struct msg m;

	(void)state;
	answer(&m, 0, 1, "a.test", DNS_TYPE_A);
	rr_a(&m, DNS_HDR, 60, 1, 2, 3, 4);
	assert_int_equal(parse_a(&m, &a), DNS_OK);
	m.b[2] &= 0x7f;
	assert_int_equal(parse_a(&m, &a), DNS_NOT_ANSWER);
	assert_int_equal(a.naddrs, 0);
	m.b[2] = 0x80 | 0x08; /* opcode 1 */
	assert_int_equal(parse_a(&m, &a), DNS_NOT_ANSWER);
	m.b[2] = 0x80 | 0x28; /* opcode 5, UPDATE */
	assert_int_equal(parse_a(&m, &a), DNS_NOT_ANSWER);
	m.b[2] = 0x81;
	m.b[5] = 2;
	assert_int_equal(parse_a(&m, &a), DNS_NOT_ANSWER);
	m.b[5] = 0;
	assert_int_equal(parse_a(&m, &a), DNS_NOT_ANSWER);
	m.b[4] = 1;
	m.b[5] = 1;
	assert_int_equal(parse_a(&m, &a), DNS_NOT_ANSWER);
	/* a query is not an answer, an answer not a query */
	query(&m, 1, "a.test", DNS_TYPE_A);
	assert_int_equal(parse_a(&m, &a), DNS_NOT_ANSWER);
	answer(&m, 0, 0, "a.test", DNS_TYPE_A);
	assert_int_equal(parse_q(&m), DNS_NOT_QUERY);
	/* a header cut */
	m.n = DNS_HDR - 1;
	assert_int_equal(parse_a(&m, &a), DNS_MALFORMED);
	assert_int_equal(a.naddrs, 0);
	assert_int_equal(a.cut, 0);
}

/* The response code is read; an error with no records is an answer */
static void answer_rcode(void **state)
{
	struct dns_answer a;
	struct msg m;
	unsigned rcode;

	(void)state;
	for (rcode = 0; rcode < 16; rcode++) {
		answer(&m, rcode, 0, "nx.test", DNS_TYPE_AAAA);
		assert_int_equal(parse_a(&m, &a), DNS_OK);
		assert_int_equal(a.rcode, rcode);
		assert_int_equal(a.naddrs, 0);
		assert_string_equal(a.q.name, "nx.test");
		assert_int_equal(a.q.type, DNS_TYPE_AAAA);
	}
	/* authority and additional records are not read */
	answer(&m, 3, 0, "nx.test", DNS_TYPE_A);
	m.b[9] = 1;
	m.b[11] = 1;
	putraw(&m, "\xff\xff\xff", 3);
	assert_int_equal(parse_a(&m, &a), DNS_OK);
	assert_int_equal(a.rcode, 3);
}

/* An answer's header and question alone: read as dns_parse_answer()
 * reads them, its records not at all */
static void answer_question_only(void **state)
{
	struct dns_question q;
	struct dns_answer a;
	struct msg m;
	size_t len, n;

	(void)state;
	answer(&m, 0, 1, "WWW.Example.com", DNS_TYPE_AAAA);
	len = m.n;
	rr_aaaa(&m, DNS_HDR, 60, 1);
	memset(&q, 0xaa, sizeof(q));
	assert_int_equal(dns_parse_answer_question(v(&m), &q), DNS_OK);
	assert_int_equal(q.id, 0xbeef);
	assert_int_equal(q.type, DNS_TYPE_AAAA);
	assert_string_equal(q.name, "www.example.com");
	assert_int_equal(parse_a(&m, &a), DNS_OK);
	assert_string_equal(a.q.name, q.name);

	/* records cut or malformed: not read here */
	m.n -= 1;
	assert_int_equal(dns_parse_answer_question(v(&m), &q), DNS_OK);
	assert_int_equal(parse_a(&m, &a), DNS_MALFORMED);
	m.n = len;
	putptr(&m, 0x3fff);
	assert_int_equal(dns_parse_answer_question(v(&m), &q), DNS_OK);
	assert_int_equal(parse_a(&m, &a), DNS_MALFORMED);
	/* the header or the question cut */
	for (n = 0; n < len; n++) {
		m.n = n;
		assert_int_equal(dns_parse_answer_question(v(&m), &q),
				 DNS_MALFORMED);
	}
	/* not an answer: QR clear, another opcode, two questions */
	m.n = len;
	m.b[2] &= 0x7f;
	assert_int_equal(dns_parse_answer_question(v(&m), &q), DNS_NOT_ANSWER);
	m.b[2] = 0x80 | 0x10;
	assert_int_equal(dns_parse_answer_question(v(&m), &q), DNS_NOT_ANSWER);
	m.b[2] = 0x81;
	m.b[5] = 2;
	assert_int_equal(dns_parse_answer_question(v(&m), &q), DNS_NOT_ANSWER);
	/* a name that cannot be read */
	m.b[5] = 1;
	m.b[DNS_HDR] = 0x40;
	assert_int_equal(dns_parse_answer_question(v(&m), &q), DNS_MALFORMED);
}

/* DNS over TCP: length-prefixed messages */
static void tcp_next(void **state)
{
	struct dns_question q;
	struct msg s, m1, m2;
	struct view msg;
	size_t off;

	(void)state;
	query(&m1, 1, "a.test", DNS_TYPE_A);
	query(&m2, 2, "b.test", DNS_TYPE_AAAA);
	s.n = 0;
	put16(&s, (unsigned)m1.n);
	putraw(&s, m1.b, m1.n);
	put16(&s, (unsigned)m2.n);
	putraw(&s, m2.b, m2.n);

	off = 0;
	assert_int_equal(dns_tcp_next(v(&s), &off, &msg), 1);
	assert_ptr_equal(msg.p, s.b + 2);
	assert_int_equal(msg.len, m1.n);
	assert_int_equal(off, 2 + m1.n);
	assert_int_equal(dns_parse_query(msg, &q), DNS_OK);
	assert_string_equal(q.name, "a.test");
	assert_int_equal(dns_tcp_next(v(&s), &off, &msg), 1);
	assert_int_equal(msg.len, m2.n);
	assert_memory_equal(msg.p, m2.b, m2.n);
	assert_int_equal(dns_parse_query(msg, &q), DNS_OK);
	assert_string_equal(q.name, "b.test");
	assert_int_equal(off, s.n);
	assert_int_equal(dns_tcp_next(v(&s), &off, &msg), 0);
	assert_int_equal(off, s.n);

	/* the stream ends inside the second message, or its length */
	s.n -= 1;
	off = 2 + m1.n;
	assert_int_equal(dns_tcp_next(v(&s), &off, &msg), -1);
	s.n = 2 + m1.n + 1;
	off = 2 + m1.n;
	assert_int_equal(dns_tcp_next(v(&s), &off, &msg), -1);
	/* a zero length */
	s.n = 0;
	put16(&s, 0);
	put16(&s, (unsigned)m1.n);
	putraw(&s, m1.b, m1.n);
	off = 0;
	assert_int_equal(dns_tcp_next(v(&s), &off, &msg), -1);
	/* nothing */
	s.n = 0;
	off = 0;
	assert_int_equal(dns_tcp_next(v(&s), &off, &msg), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(query_plain),
		cmocka_unit_test(query_root),
		cmocka_unit_test(query_not_query),
		cmocka_unit_test(query_compressed),
		cmocka_unit_test(query_class),
		cmocka_unit_test(query_trailing),
		cmocka_unit_test(query_opt),
		cmocka_unit_test(query_opt_extra),
		cmocka_unit_test(query_label_length),
		cmocka_unit_test(query_name_length),
		cmocka_unit_test(query_label_bytes),
		cmocka_unit_test(query_truncated),
		cmocka_unit_test(answer_addrs),
		cmocka_unit_test(answer_cname_chain),
		cmocka_unit_test(answer_unrelated),
		cmocka_unit_test(answer_bad_records_ignored),
		cmocka_unit_test(answer_cname_loop),
		cmocka_unit_test(answer_chain_limit),
		cmocka_unit_test(name_pointers),
		cmocka_unit_test(name_pointer_chain),
		cmocka_unit_test(answer_bad_names),
		cmocka_unit_test(answer_truncated),
		cmocka_unit_test(answer_records_cut),
		cmocka_unit_test(answer_addrs_cut),
		cmocka_unit_test(answer_not_answer),
		cmocka_unit_test(answer_rcode),
		cmocka_unit_test(answer_question_only),
		cmocka_unit_test(tcp_next),
	};

	return cmocka_run_group_tests_name("dns", tests, NULL, NULL);
}
