// SPDX-License-Identifier: Apache-2.0
/* remora - fuzz target: the DNS reader (dns.c).
 *
 * The input is one DNS message, read both as a query the enclave sends and
 * as an answer that came through the host, and also as a DNS-over-TCP
 * stream whose every message is read both ways. A name read must be text
 * of at most DNS_NAME_MAX characters of [a-z0-9_-] in labels joined by
 * single dots; a query read whole must be exactly its header, its question
 * (whose wire form is the name's labels, uncompressed, class IN) and at
 * most an OPT, nothing after; an answer read must hold at most
 * DNS_MAX_ADDRS addresses of version 4 or 6, each found in the message as
 * a record's data (its length, then its bytes), and its header and
 * question read alone (dns_parse_answer_question()) must give what the
 * whole answer's reading gives; a query read whole is never an answer. A message of the stream must lie inside it, after its
 * length. Names are also read from the input's first bytes directly.
 * The input is also cut into segments of an answer stream from the host
 * (dnstcp_answers(), each a flags byte, a sequence offset and a length):
 * what is handed on must be whole messages inside the connection's
 * buffer, which never holds more than DNSTCP_ANSWER_MAX bytes. Any breach
 * aborts.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dnstcp.h"
#include "remora/bytes.h"
#include "remora/dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Is @name a name as dns_read_name() gives it? */
static void fuzz_name_check(const char *name)
{
	size_t len = strnlen(name, DNS_NAME_MAX + 1), i, label = 0;
	char c;

	if (len > DNS_NAME_MAX)
		abort();
	for (i = 0; i < len; i++) {
		c = name[i];
		if (c == '.') {
			if (!label || label > DNS_LABEL_MAX)
				abort();
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			abort();
		label++;
	}
	if (len && (!label || label > DNS_LABEL_MAX))
		abort();
}

/* @name's wire form, uncompressed, into @out (DNS_NAME_WIRE bytes);
 * Return: its length */
static size_t fuzz_name_wire(const char *name, uint8_t *out)
{
	size_t n = 0, start;

	while (*name) {
		start = n++;
		while (*name && *name != '.')
			out[n++] = (uint8_t)*name++;
		out[start] = (uint8_t)(n - start - 1);
		if (*name)
			name++;
	}
	out[n++] = 0;
	return n;
}

/* A query read whole is exactly a header, the question and at most an
 * OPT (with at most a cookie) */
static void fuzz_query(const uint8_t *data, size_t size)
{
	uint8_t wire[DNS_NAME_WIRE + 1];
	struct dns_question q;
	struct dns_answer a;
	enum dns_verdict v;
	size_t n, end, i;

	v = dns_parse_query(view_of(data, size), &q);
	if (v != DNS_OK && v != DNS_MALFORMED && v != DNS_NOT_QUERY &&
	    v != DNS_EXTRA)
		abort();
	if (v != DNS_OK)
		return;
	fuzz_name_check(q.name);
	n = fuzz_name_wire(q.name, wire);
	if (n > DNS_NAME_WIRE)
		abort();
	end = DNS_HDR + n + 4;
	if (size < end || get_be16(data) != q.id ||
	    get_be16(data + DNS_HDR + n) != q.type ||
	    get_be16(data + DNS_HDR + n + 2) != DNS_CLASS_IN)
		abort();
	/* the name's bytes, but for the letters' case */
	for (i = 0; i < n; i++)
		if (wire[i] != data[DNS_HDR + i] &&
		    !(data[DNS_HDR + i] >= 'A' && data[DNS_HDR + i] <= 'Z' &&
		      wire[i] == data[DNS_HDR + i] - 'A' + 'a'))
			abort();
	if ((get_be16(data + 2) & 0xf84f) || get_be16(data + 4) != 1 ||
	    get_be16(data + 6) || get_be16(data + 8) || get_be16(data + 10) > 1)
		abort();
	if (get_be16(data + 10) == 0 && size != end)
		abort();
	if (get_be16(data + 10) == 1 &&
	    ((size != end + 11 && size != end + 23) || data[end] ||
	     get_be16(data + end + 1) != DNS_TYPE_OPT))
		abort();
	/* a query is no answer */
	if (dns_parse_answer(view_of(data, size), &a) != DNS_NOT_ANSWER)
		abort();
}

/* Does @d appear in @data as a record's data: its length, its bytes? */
static int fuzz_addr_in(const uint8_t *data, size_t size,
			const struct dns_addr *d)
{
	uint8_t rd[18];
	size_t n = d->version == 4 ? 4 : 16;

	rd[0] = 0;
	rd[1] = (uint8_t)n;
	memcpy(rd + 2, d->a, n);
	return memmem(data, size, rd, n + 2) != NULL;
}

/* What an answer gives is bounded and comes from its bytes; its header
 * and question alone read as they do in the whole answer */
static void fuzz_answer(const uint8_t *data, size_t size)
{
	static struct dns_answer a;
	struct dns_question q;
	enum dns_verdict v, vq;
	int i;

	memset(&a, 0xa5, sizeof(a));
	v = dns_parse_answer(view_of(data, size), &a);
	if (v != DNS_OK && v != DNS_MALFORMED && v != DNS_NOT_ANSWER)
		abort();
	vq = dns_parse_answer_question(view_of(data, size), &q);
	if ((vq == DNS_OK && v == DNS_NOT_ANSWER) ||
	    (vq != DNS_OK && vq != v) ||
	    (v == DNS_OK && (q.id != a.q.id || q.type != a.q.type ||
			     strcmp(q.name, a.q.name))))
		abort();
	if (a.naddrs < 0 || a.naddrs > DNS_MAX_ADDRS ||
	    (a.cut != 0 && a.cut != 1))
		abort();
	if (v == DNS_NOT_ANSWER) {
		if (a.naddrs || (size >= DNS_HDR && (data[2] & 0x80) &&
				 !(data[2] & 0x78) && get_be16(data + 4) == 1))
			abort();
		return;
	}
	if (v == DNS_MALFORMED) {
		if (a.naddrs)
			abort();
		return;
	}
	fuzz_name_check(a.q.name);
	if (size < DNS_HDR || !(data[2] & 0x80) || (data[2] & 0x78) ||
	    get_be16(data + 4) != 1 || a.q.id != get_be16(data) ||
	    a.rcode != (data[3] & 0x0fu))
		abort();
	if (a.cut && a.naddrs < DNS_MAX_ADDRS &&
	    get_be16(data + 6) <= DNS_MAX_RECORDS)
		abort();
	for (i = 0; i < a.naddrs; i++)
		if ((a.addrs[i].version != 4 && a.addrs[i].version != 6) ||
		    !fuzz_addr_in(data, size, &a.addrs[i]))
			abort();
}

static void fuzz_message(const uint8_t *data, size_t size)
{
	fuzz_query(data, size);
	fuzz_answer(data, size);
}

/* A name read from any of the first bytes is a name, and the reading ends
 * inside the input, past where it began */
static void fuzz_names(const uint8_t *data, size_t size)
{
	char name[DNS_NAME_MAX + 1];
	size_t at, off;

	for (at = 0; at < size && at < 64; at++) {
		off = at;
		if (dns_read_name(view_of(data, size), &off, name))
			continue;
		fuzz_name_check(name);
		if (off <= at || off > size)
			abort();
	}
}

/* The input as a DNS-over-TCP stream */
static void fuzz_tcp(const uint8_t *data, size_t size)
{
	struct view msg;
	size_t off = 0, was;
	int r, n = 0;

	for (;;) {
		was = off;
		r = dns_tcp_next(view_of(data, size), &off, &msg);
		if (r == 0) {
			if (off != size)
				abort();
			return;
		}
		if (r < 0)
			return;
		if (r != 1 || msg.p != data + was + 2 || !msg.len ||
		    msg.len != get_be16(data + was) ||
		    off != was + 2 + msg.len || off > size || ++n > 32768)
			abort();
		fuzz_message(msg.p, msg.len);
	}
}

static struct dnstcp fuzz_conns;

/* Each message handed on must lie in the connection's buffer */
static void fuzz_stream_msg(void *ctx, struct view msg)
{
	const struct dnstcp_conn *c = ctx;
	struct dns_answer a;

	if (msg.p < c->in_buf + 2 || msg.len < 1 ||
	    msg.p + msg.len > c->in_buf + c->in_len)
		abort();
	dns_parse_answer(msg, &a);
}

/* The input as segments of the resolver's side of one connection */
static void fuzz_stream(const uint8_t *data, size_t size)
{
	struct dnstcp_conn *c = &fuzz_conns.conn[0];
	uint8_t th[20] = {0};
	size_t off = 0, n;

	memset(c, 0, sizeof(*c));
	th[13] = 0x02; /* the enclave's SYN: the connection is followed */
	dnstcp_segment(&fuzz_conns, 4, 40000, th, view_of(data, 0), 1);
	while (off + 7 <= size) {
		th[13] = data[off];
		memcpy(th + 4, data + off + 1, 4); /* sequence number */
		n = get_be16(data + off + 5) % 2048;
		off += 7;
		if (n > size - off)
			n = size - off;
		dnstcp_answers(&fuzz_conns, 4, 40000, th,
			       view_of(data + off, n), fuzz_stream_msg, c);
		if (c->in_len > DNSTCP_ANSWER_MAX)
			abort();
		off += n;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_message(data, size);
	fuzz_names(data, size);
	fuzz_tcp(data, size);
	fuzz_stream(data, size);
	return 0;
}
