// SPDX-License-Identifier: Apache-2.0
/* remora - reading DNS messages (RFC 1035)
 *
 * remora-enclave reads two kinds: the queries the enclave sends, which
 * its name policy lets out only when each is one plain question for a
 * name a rule allows (so that nothing else can leave in them), and the
 * answers that come back through the host, from which it learns the
 * addresses of the allowed names. The host is not trusted: every answer
 * is hostile input. Every read goes through a view (view.h); a name is
 * read label by label with its lengths bounded (63 a label, 255 a name);
 * a compression pointer must point before the name it is read from (so
 * no loop can be built) and at most DNS_MAX_POINTERS are followed; record
 * counts are bounded by the bytes and by DNS_MAX_RECORDS. Nothing is
 * allocated.
 */

#include <string.h>

#include "remora/bytes.h"
#include "remora/dns.h"

#define DNS_QR	   0x8000
#define DNS_OPCODE 0x7800
#define DNS_AA	   0x0400
#define DNS_TC	   0x0200
#define DNS_RA	   0x0080
#define DNS_Z	   0x0040
#define DNS_OPT_DO 0x8000 /* the OPT's one flag: DNSSEC records wanted */
#define DNS_RCODE  0x000f

/* May this byte be in a label? Letters, digits, '-' and '_' only: a '.'
 * inside a label, or any other byte, would make two names read alike */
static int dns_label_byte(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/**
 * dns_read_name() - read a name, following compression pointers
 * @msg:	the whole message (pointers are offsets into it)
 * @off:	where the name starts; on success, the first byte after it
 *		(after its first pointer, if it has one)
 * @out:	DNS_NAME_MAX + 1 bytes: the name in text, lowercase, no
 *		final dot ("" for the root)
 *
 * Return: 0, or -1 if the name cannot be read (see DNS_MALFORMED)
 */
int dns_read_name(struct view msg, size_t *off, char *out)
{
	size_t at = *off, next = 0, text = 0, wire = 0, limit = *off;
	const uint8_t *p;
	int pointers = 0;
	unsigned i;

	for (;;) {
		p = view_get(msg, at, 1);
		if (!p)
			return -1;
		if ((*p & 0xc0) == 0xc0) {
			size_t to;

			p = view_get(msg, at, 2);
			if (!p || ++pointers > DNS_MAX_POINTERS)
				return -1;
			to = (size_t)(get_be16(p) & 0x3fff);
			/* strictly backwards from where this part of the
			 * name began: no loop can be built */
			if (to >= limit)
				return -1;
			if (!next)
				next = at + 2;
			at = limit = to;
			continue;
		}
		if (*p & 0xc0) /* 0x40 and 0x80: no such label types */
			return -1;
		if (!*p)
			break;
		wire += 1u + *p;
		p = view_get(msg, at + 1, *p);
		if (!p || wire + 1 > DNS_NAME_WIRE)
			return -1;
		if (text)
			out[text++] = '.';
		for (i = 0; i < p[-1]; i++) {
			if (!dns_label_byte(p[i]))
				return -1;
			out[text++] = (char)(p[i] >= 'A' && p[i] <= 'Z'
						     ? p[i] - 'A' + 'a'
						     : p[i]);
		}
		at += 1u + p[-1];
	}
	out[text] = '\0';
	*off = next ? next : at + 1;
	return 0;
}

/* The header's four counts */
struct dns_counts {
	uint16_t qd, an, ns, ar;
};

static const uint8_t *dns_header(struct view msg, uint16_t *flags,
				 struct dns_counts *c)
{
	const uint8_t *h = view_get(msg, 0, DNS_HDR);

	if (!h)
		return NULL;
	*flags = get_be16(h + 2);
	c->qd = get_be16(h + 4);
	c->an = get_be16(h + 6);
	c->ns = get_be16(h + 8);
	c->ar = get_be16(h + 10);
	return h;
}

/* The question at DNS_HDR: name, type; *@off past it. @class_in: its
 * class must be IN. Return: 0 or -1 */
static int dns_question_read(struct view msg, size_t *off,
			     struct dns_question *q, uint16_t *qclass)
{
	const uint8_t *p;

	*off = DNS_HDR;
	if (dns_read_name(msg, off, q->name))
		return -1;
	p = view_get(msg, *off, 4);
	if (!p)
		return -1;
	q->type = get_be16(p);
	*qclass = get_be16(p + 2);
	*off += 4;
	return 0;
}

/* The query's optional OPT record at @off: root name, type OPT, and no
 * option but one client cookie; then the message's end.
 * Return: DNS_OK, DNS_MALFORMED or DNS_EXTRA */
static enum dns_verdict dns_query_opt(struct view msg, size_t off)
{
	const uint8_t *p = view_get(msg, off, 11);
	uint16_t rdlen;

	if (!p)
		return DNS_MALFORMED;
	if (p[0] || get_be16(p + 1) != DNS_TYPE_OPT)
		return DNS_EXTRA;
	/* its TTL: extended RCODE 0, version 0, no flag but DO */
	if (p[5] || p[6] || (get_be16(p + 7) & ~DNS_OPT_DO))
		return DNS_EXTRA;
	rdlen = get_be16(p + 9);
	off += 11;
	if (rdlen) {
		p = view_get(msg, off, 4);
		if (!p || rdlen < 4)
			return DNS_MALFORMED;
		if (get_be16(p) != DNS_OPT_COOKIE || get_be16(p + 2) != 8 ||
		    rdlen != 12)
			return DNS_EXTRA;
		if (!view_get(msg, off, rdlen))
			return DNS_MALFORMED;
		off += rdlen;
	}
	return off == msg.len ? DNS_OK : DNS_EXTRA;
}

/**
 * dns_parse_query() - read a query the enclave sends, strictly
 * @msg:	the message (a UDP payload, or one message of a TCP stream)
 * @q:		its question, on success
 *
 * One standard query (opcode 0; no flag but RD, AD and CD) with one
 * uncompressed question of class IN, no answer or authority records, at
 * most one additional record: an OPT (EDNS version 0, no flag but DO) with
 * no option but an 8-byte client cookie, and nothing after. Anything more
 * could carry data past the name policy. (What is left, the id, the
 * cookie and the OPT's payload size, reaches the resolver only: a
 * recursive resolver asks the name's servers with its own.)
 *
 * Return: DNS_OK or why not
 */
enum dns_verdict dns_parse_query(struct view msg, struct dns_question *q)
{
	struct dns_counts c;
	uint16_t flags, qclass;
	const uint8_t *h = dns_header(msg, &flags, &c);
	size_t off;

	if (!h)
		return DNS_MALFORMED;
	if ((flags & (DNS_QR | DNS_OPCODE | DNS_AA | DNS_TC | DNS_RA | DNS_Z |
		      DNS_RCODE)) ||
	    c.qd != 1 || c.an || c.ns)
		return DNS_NOT_QUERY;
	q->id = get_be16(h);
	if (dns_question_read(msg, &off, q, &qclass))
		return DNS_MALFORMED;
	/* uncompressed: its bytes are its labels and a final 0 (a pointer
	 * in a query's only name could only point into the header) */
	if (off - 4 != DNS_HDR + (q->name[0] ? strlen(q->name) + 2 : 1))
		return DNS_NOT_QUERY;
	if (qclass != DNS_CLASS_IN)
		return DNS_NOT_QUERY;
	if (c.ar > 1)
		return DNS_EXTRA;
	if (c.ar)
		return dns_query_opt(msg, off);
	return off == msg.len ? DNS_OK : DNS_EXTRA;
}

/**
 * struct dns_rr - where one resource record lies in a message
 * @owner:	offset of its name
 * @type:	TYPE
 * @rclass:	CLASS
 * @ttl:	TTL, seconds
 * @rdata:	offset of its data
 * @rdlen:	bytes of data
 */
struct dns_rr {
	size_t owner;
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	size_t rdata;
	uint16_t rdlen;
};

/* Read the record at *@off, moving past it. Return: 0 or -1 */
static int dns_rr_read(struct view msg, size_t *off, struct dns_rr *rr,
		       char *scratch)
{
	const uint8_t *p;

	rr->owner = *off;
	if (dns_read_name(msg, off, scratch))
		return -1;
	p = view_get(msg, *off, 10);
	if (!p)
		return -1;
	rr->type = get_be16(p);
	rr->rclass = get_be16(p + 2);
	rr->ttl = get_be32(p + 4);
	rr->rdlen = get_be16(p + 8);
	rr->rdata = *off + 10;
	if (!view_get(msg, rr->rdata, rr->rdlen))
		return -1;
	*off = rr->rdata + rr->rdlen;
	return 0;
}

/* Is the owner of @rr the name @name? */
static int dns_rr_owner_is(struct view msg, const struct dns_rr *rr,
			   const char *name, char *scratch)
{
	size_t off = rr->owner;

	return !dns_read_name(msg, &off, scratch) && !strcmp(scratch, name);
}

/* Take @rr's address into @a if it is an A or AAAA record of IN whose data
 * has the right length */
static void dns_take_addr(struct view msg, const struct dns_rr *rr,
			  uint32_t ttl, struct dns_answer *a)
{
	unsigned n = rr->type == DNS_TYPE_A ? 4 : 16;
	struct dns_addr *d;

	if (rr->rclass != DNS_CLASS_IN || rr->rdlen != n)
		return;
	if (a->naddrs == DNS_MAX_ADDRS) {
		a->cut = 1;
		return;
	}
	d = &a->addrs[a->naddrs++];
	memset(d, 0, sizeof(*d));
	d->version = n == 4 ? 4 : 6;
	memcpy(d->a, msg.p + rr->rdata, n);
	d->ttl = rr->ttl < ttl ? rr->ttl : ttl;
}

/* An answer's header (its flags and counts into @flags and @c) and
 * question; *@off past them.
 * Return: DNS_OK, DNS_MALFORMED or DNS_NOT_ANSWER */
static enum dns_verdict dns_answer_head(struct view msg, size_t *off,
					struct dns_question *q,
					uint16_t *qclass, uint16_t *flags,
					struct dns_counts *c)
{
	const uint8_t *h = dns_header(msg, flags, c);

	if (!h)
		return DNS_MALFORMED;
	if (!(*flags & DNS_QR) || (*flags & DNS_OPCODE) || c->qd != 1)
		return DNS_NOT_ANSWER;
	q->id = get_be16(h);
	return dns_question_read(msg, off, q, qclass) ? DNS_MALFORMED : DNS_OK;
}

/**
 * dns_parse_answer_question() - read only an answer's header and question:
 *				 enough to tell whether it is awaited,
 *				 before its records are read
 * @msg:	the message
 * @q:		its question, on success
 *
 * Return: DNS_OK, DNS_MALFORMED or DNS_NOT_ANSWER
 */
enum dns_verdict dns_parse_answer_question(struct view msg,
					   struct dns_question *q)
{
	uint16_t qclass, flags;
	struct dns_counts c;
	size_t off;

	return dns_answer_head(msg, &off, q, &qclass, &flags, &c);
}

/**
 * dns_parse_answer() - read an answer that came through the host
 * @msg:	the message (a UDP payload, or one message of a TCP stream)
 * @a:		what it says, on success
 *
 * Its header and question are read; then its answer records, at most
 * DNS_MAX_RECORDS, each bounded; then the CNAME chain from the question's
 * name (at most DNS_MAX_CHAIN links) and the addresses of the names on it.
 * Authority and additional records are not read: nothing is learnt from
 * them.
 *
 * Return: DNS_OK, DNS_MALFORMED or DNS_NOT_ANSWER
 */
enum dns_verdict dns_parse_answer(struct view msg, struct dns_answer *a)
{
	char chain[DNS_MAX_CHAIN + 1][DNS_NAME_MAX + 1];
	char scratch[DNS_NAME_MAX + 1];
	uint32_t chain_ttl[DNS_MAX_CHAIN + 1];
	struct dns_rr rr[DNS_MAX_RECORDS];
	uint16_t flags, qclass;
	struct dns_counts c;
	int nrr, nchain = 1, i, j, found;
	enum dns_verdict v;
	size_t off;

	a->naddrs = 0;
	a->cut = 0;
	v = dns_answer_head(msg, &off, &a->q, &qclass, &flags, &c);
	if (v != DNS_OK)
		return v;
	a->rcode = flags & DNS_RCODE;
	nrr = c.an;
	if (nrr > DNS_MAX_RECORDS) {
		nrr = DNS_MAX_RECORDS;
		a->cut = 1;
	}
	for (i = 0; i < nrr; i++)
		if (dns_rr_read(msg, &off, &rr[i], scratch))
			return DNS_MALFORMED;
	if (qclass != DNS_CLASS_IN)
		return DNS_OK; /* nothing to learn */

	/* the chain: the question's name, then each CNAME's target */
	strcpy(chain[0], a->q.name);
	chain_ttl[0] = UINT32_MAX;
	while (nchain <= DNS_MAX_CHAIN) {
		found = 0;
		for (i = 0; i < nrr && !found; i++) {
			size_t t = rr[i].rdata;

			if (rr[i].type != DNS_TYPE_CNAME ||
			    rr[i].rclass != DNS_CLASS_IN ||
			    !dns_rr_owner_is(msg, &rr[i], chain[nchain - 1],
					     scratch))
				continue;
			/* the target must lie inside the record's data */
			if (dns_read_name(
				    view_of(msg.p, rr[i].rdata + rr[i].rdlen),
				    &t, chain[nchain]))
				return DNS_MALFORMED;
			for (j = 0; j < nchain; j++)
				if (!strcmp(chain[j], chain[nchain]))
					return DNS_MALFORMED; /* a loop */
			chain_ttl[nchain] = rr[i].ttl < chain_ttl[nchain - 1]
						    ? rr[i].ttl
						    : chain_ttl[nchain - 1];
			found = 1;
		}
		if (!found)
			break;
		nchain++;
	}
	for (i = 0; i < nrr; i++) {
		if (rr[i].type != DNS_TYPE_A && rr[i].type != DNS_TYPE_AAAA)
			continue;
		for (j = 0; j < nchain; j++)
			if (dns_rr_owner_is(msg, &rr[i], chain[j], scratch)) {
				dns_take_addr(msg, &rr[i], chain_ttl[j], a);
				break;
			}
	}
	return DNS_OK;
}

/**
 * dns_tcp_next() - the next message of DNS over TCP (RFC 7766): a 2-byte
 *		    length, then the message
 * @stream:	a segment's payload, from a message's start
 * @off:	where the next length is; moved past its message
 * @msg:	that message
 *
 * Return: 1 for a message, 0 at the payload's end, -1 if the payload ends
 * inside a message (or a length is 0)
 */
int dns_tcp_next(struct view stream, size_t *off, struct view *msg)
{
	const uint8_t *p;
	uint16_t n;

	if (*off == stream.len)
		return 0;
	p = view_get(stream, *off, 2);
	if (!p)
		return -1;
	n = get_be16(p);
	p = view_get(stream, *off + 2, n);
	if (!n || !p)
		return -1;
	*msg = view_of(p, n);
	*off += 2u + n;
	return 1;
}
