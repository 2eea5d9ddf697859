// SPDX-License-Identifier: Apache-2.0
/* remora - docs/protocol.md's examples, decoded by remora's own codec
 *
 * Every example in the protocol document is a block tagged hex followed by
 * a table of its fields (Bytes | Field | Value; see the document's section
 * 6). This test reads the document itself, decodes each example with
 * frame_decode_hdr(), frame_decode_hello(), frame_decode_bye(),
 * frame_decode_offload(), frame_decode_stats() and pkt_parse(), and
 * checks that:
 *
 *  - the table's Bytes column, top to bottom, is the block's bytes, and
 *    each field sits where the format puts it;
 *  - each row's value is what the codec (or, for fields it does not
 *    expose, the bytes) says;
 *  - every checksum verifies (IPv4 header, TCP, UDP, ICMP, ICMPv6), but a
 *    TCP or UDP checksum an OFFLOAD frame leaves partial, which must be
 *    the folded sum of the pseudo-header;
 *  - each sentence "`remora-host --address ADDR` accepts this packet" (or
 *    remora-enclave, --address6) holds for pkt_check_outbound() and
 *    pkt_check_inbound() and their IPv6 variants, with the defaults.
 *
 * So that the test cannot pass by checking nothing, it also flips each
 * byte of each example (in the block and in the table alike), changes each
 * stated value and each claimed address, and expects every such change to
 * be caught.
 *
 * The document's path is the first argument, else REMORA_PROTOCOL_DOC.
 */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "host.h"
#include "remora/csum.h"
#include "remora/frame.h"
#include "remora/pkt.h"
#include "remora/portset.h"
#include "testpkt.h"

#ifndef REMORA_PROTOCOL_DOC
#define REMORA_PROTOCOL_DOC "docs/protocol.md"
#endif

#define DOC_MAX_EXAMPLES 32
#define DOC_MAX_ROWS	 48
#define DOC_MAX_BYTES	 512 /* bytes of one example, at most */
#define DOC_MAX_CLAIMS	 4   /* sentences after one example */
#define DOC_VALUE	 160
#define DOC_MSG		 320

/**
 * struct doc_row - one row of an example's table
 * @bytes:	its Bytes cell
 * @n:		how many
 * @field:	its Field cell
 * @value:	its Value cell
 * @line:	line of the document
 */
struct doc_row {
	uint8_t bytes[DOC_MAX_BYTES];
	size_t n;
	char field[DOC_VALUE];
	char value[DOC_VALUE];
	unsigned line;
};

/**
 * struct doc_claim - "`remora-DAEMON --addressV ADDR` accepts this packet"
 * @host:	remora-host (else remora-enclave)
 * @v6:		--address6 (else --address)
 * @addr:	ADDR, as written
 * @line:	line of the document where the paragraph starts
 */
struct doc_claim {
	int host;
	int v6;
	char addr[64];
	unsigned line;
};

/**
 * struct doc_example - one hex block, its table and its claims
 * @line:	line of the opening fence
 * @bytes:	the block's bytes
 * @n:		how many
 * @rows:	the table
 * @nrows:	its rows
 * @claims:	sentences about which receiver accepts the packet
 * @nclaims:	how many
 */
struct doc_example {
	unsigned line;
	uint8_t bytes[DOC_MAX_BYTES];
	size_t n;
	struct doc_row rows[DOC_MAX_ROWS];
	int nrows;
	struct doc_claim claims[DOC_MAX_CLAIMS];
	int nclaims;
};

/**
 * struct doc_seen - the kinds of example the document must show
 * @hello_host:	a HELLO with role 1
 * @hello_enclave: a HELLO with role 2
 * @keepalive:	a KEEPALIVE
 * @bye:	a BYE
 * @tcp4:	a PACKET with an IPv4 TCP packet
 * @v6:		a PACKET with an IPv6 packet
 * @hello_offload: a HELLO announcing FRAME_CAP_OFFLOAD
 * @offload_tcp: an OFFLOAD with TCP segmentation and CSUM_PARTIAL
 */
struct doc_seen {
	int hello_host;
	int hello_enclave;
	int keepalive;
	int bye;
	int tcp4;
	int v6;
	int hello_offload;
	int offload_tcp;
	int hello_stats;
	int stats_request;
	int stats_report;
};

static const char *doc_path = REMORA_PROTOCOL_DOC;
static struct doc_example *examples;
static int nexamples;

/* ---- reading the document ---- */

static char *doc_read(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f) {
		fail_msg("cannot open %s: %s", path, strerror(errno));
		return NULL; /* not reached: fail_msg() does not return */
	}
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	assert_int_equal(fseek(f, 0, SEEK_SET), 0);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Hex byte pairs separated by blanks. Return: bytes read, or -1 */
static long doc_hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned v;

	while (*s) {
		if (*s == ' ' || *s == '\t') {
			s++;
			continue;
		}
		if (!isxdigit((unsigned char)s[0]) ||
		    !isxdigit((unsigned char)s[1]) ||
		    (s[2] && s[2] != ' ' && s[2] != '\t') || n == cap)
			return -1;
		if (sscanf(s, "%2x", &v) != 1)
			return -1;
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return (long)n;
}

/* Copy @s, without blanks at either end, into @out of @cap bytes */
static void doc_trim(const char *s, size_t len, char *out, size_t cap)
{
	while (len && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (len >= cap)
		fail_msg("table cell too long: %.*s", (int)len, s);
	memcpy(out, s, len);
	out[len] = '\0';
}

/* Split a table line "| a | b | c |" into its cells. Return: cells */
static int doc_cells(const char *line, char cells[][DOC_VALUE], int max)
{
	const char *p = line, *bar;
	int n = 0;

	if (*p++ != '|')
		return 0;
	while ((bar = strchr(p, '|')) && n < max) {
		doc_trim(p, (size_t)(bar - p), cells[n++], DOC_VALUE);
		p = bar + 1;
	}
	return n;
}

/* The claims of one paragraph of prose, all lines joined */
static void doc_claims(struct doc_example *ex, const char *para, unsigned line)
{
	static const char accepts[] = " accepts this packet";
	const char *p = para, *q;
	struct doc_claim *c;
	size_t n;

	while ((p = strstr(p, "`remora-"))) {
		q = p + strlen("`remora-");
		if (strncmp(q, "host --address", 14) &&
		    strncmp(q, "enclave --address", 17)) {
			p = q;
			continue;
		}
		if (ex->nclaims == DOC_MAX_CLAIMS)
			fail_msg("line %u: too many claims", line);
		c = &ex->claims[ex->nclaims++];
		c->line = line;
		c->host = !strncmp(q, "host", 4);
		q = strstr(q, "--address") + strlen("--address");
		c->v6 = *q == '6';
		q += c->v6;
		if (*q != ' ')
			fail_msg("line %u: a claim reads \"`remora-host "
				 "--address ADDR` accepts this packet\"",
				 line);
		q++;
		n = strcspn(q, "`");
		if (!q[n] || n >= sizeof(c->addr))
			fail_msg("line %u: unterminated claim", line);
		memcpy(c->addr, q, n);
		c->addr[n] = '\0';
		if (strncmp(q + n + 1, accepts, strlen(accepts)))
			fail_msg("line %u: a sentence naming `remora-%s "
				 "--address%s %s` must go on \"%s\"",
				 line, c->host ? "host" : "enclave",
				 c->v6 ? "6" : "", c->addr, accepts);
		p = q + n;
	}
}

/* Parse one example from its opening fence at lines[*i]; *i ends past
 * its table and the prose that follows it */
static void doc_example(char **lines, int nlines, int *i,
			struct doc_example *ex)
{
	char cells[4][DOC_VALUE], para[4096];
	struct doc_row *r;
	unsigned start;
	long n;

	memset(ex, 0, sizeof(*ex));
	ex->line = (unsigned)*i + 1;
	for ((*i)++; *i < nlines && strcmp(lines[*i], "```"); (*i)++) {
		n = doc_hex(lines[*i], ex->bytes + ex->n,
			    DOC_MAX_BYTES - ex->n);
		if (n < 0)
			fail_msg("line %d: not hex bytes: %s", *i + 1,
				 lines[*i]);
		ex->n += (size_t)n;
	}
	if (*i == nlines)
		fail_msg("line %u: hex block not closed", ex->line);
	for ((*i)++; *i < nlines && !lines[*i][0]; (*i)++)
		;
	if (*i + 1 >= nlines || doc_cells(lines[*i], cells, 4) != 3 ||
	    strcmp(cells[0], "Bytes") || strcmp(cells[1], "Field") ||
	    strcmp(cells[2], "Value") || lines[*i + 1][0] != '|')
		fail_msg("line %u: the hex block is not followed by a table "
			 "| Bytes | Field | Value |",
			 ex->line);
	for (*i += 2; *i < nlines && lines[*i][0] == '|'; (*i)++) {
		if (ex->nrows == DOC_MAX_ROWS)
			fail_msg("line %u: too many rows", ex->line);
		r = &ex->rows[ex->nrows++];
		r->line = (unsigned)*i + 1;
		if (doc_cells(lines[*i], cells, 4) != 3)
			fail_msg("line %u: a row has three cells", r->line);
		n = strlen(cells[0]);
		if (n < 2 || cells[0][0] != '`' || cells[0][n - 1] != '`')
			fail_msg("line %u: Bytes in backquotes", r->line);
		cells[0][n - 1] = '\0';
		n = doc_hex(cells[0] + 1, r->bytes, DOC_MAX_BYTES);
		if (n <= 0)
			fail_msg("line %u: not hex bytes", r->line);
		r->n = (size_t)n;
		snprintf(r->field, sizeof(r->field), "%s", cells[1]);
		snprintf(r->value, sizeof(r->value), "%s", cells[2]);
	}
	/* the prose up to the next example or heading, paragraph by
	 * paragraph */
	para[0] = '\0';
	start = (unsigned)*i + 1;
	for (; *i < nlines && strncmp(lines[*i], "```hex", 6) &&
	       lines[*i][0] != '#';
	     (*i)++) {
		if (!lines[*i][0]) {
			doc_claims(ex, para, start);
			para[0] = '\0';
			start = (unsigned)*i + 2;
			continue;
		}
		if (strlen(para) + strlen(lines[*i]) + 2 > sizeof(para))
			fail_msg("line %d: paragraph too long", *i + 1);
		if (para[0])
			strcat(para, " ");
		strcat(para, lines[*i]);
	}
	doc_claims(ex, para, start);
	(*i)--; /* the loop of doc_load() steps over it again */
}

/* Read every example of the document into examples[] */
static int doc_load(void **state)
{
	char *text = doc_read(doc_path), **lines, *p;
	int nlines = 0, i;

	(void)state;
	lines = calloc(strlen(text) + 1, sizeof(*lines));
	examples = calloc(DOC_MAX_EXAMPLES, sizeof(*examples));
	assert_non_null(lines);
	assert_non_null(examples);
	for (p = text; p; nlines++) {
		lines[nlines] = p;
		p = strchr(p, '\n');
		if (p)
			*p++ = '\0';
	}
	nexamples = 0;
	for (i = 0; i < nlines; i++) {
		if (strcmp(lines[i], "```hex"))
			continue;
		if (nexamples == DOC_MAX_EXAMPLES)
			fail_msg("more than %d examples", DOC_MAX_EXAMPLES);
		doc_example(lines, nlines, &i, &examples[nexamples++]);
	}
	free(lines);
	free(text);
	return 0;
}

static int doc_free(void **state)
{
	(void)state;
	free(examples);
	examples = NULL;
	return 0;
}

/* ---- reading values ---- */

/* The numbers in @s, in order (decimal or 0x hexadecimal), skipping text
 * in backquotes. Return: how many, at most @max */
static int val_numbers(const char *s, unsigned long *out, int max)
{
	const char *p = s;
	char *end;
	int n = 0, quoted = 0;

	for (; *p && n < max; p++) {
		if (*p == '`')
			quoted = !quoted;
		if (quoted || !isdigit((unsigned char)*p) ||
		    (p > s && (isalnum((unsigned char)p[-1]) || p[-1] == '.')))
			continue;
		/* never octal: a leading zero is a zero */
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
			out[n++] = strtoul(p, &end, 16);
		else
			out[n++] = strtoul(p, &end, 10);
		p = end - 1;
	}
	return n;
}

/* The value's text in backquotes, which must start the value. Return: its
 * length, or -1 */
static long val_text(const char *s, char *out, size_t cap)
{
	const char *end;

	if (s[0] != '`' || !(end = strchr(s + 1, '`')) ||
	    (size_t)(end - s - 1) >= cap)
		return -1;
	memcpy(out, s + 1, (size_t)(end - s - 1));
	out[end - s - 1] = '\0';
	return end - s - 1;
}

/* Does @word appear in @s as a whole word? */
static int val_word(const char *s, const char *word)
{
	size_t n = strlen(word);
	const char *p = s;

	while ((p = strstr(p, word))) {
		if ((p == s || !isalnum((unsigned char)p[-1])) &&
		    !isalnum((unsigned char)p[n]))
			return 1;
		p += n;
	}
	return 0;
}

static unsigned long rd_be(const uint8_t *p, size_t n)
{
	unsigned long v = 0;

	while (n--)
		v = v << 8 | *p++;
	return v;
}

/* ---- checking ---- */

/**
 * struct doc_ctx - one example, decoded
 * @b:		its bytes
 * @n:		how many
 * @h:		frame header (frame_decode_hdr())
 * @hello:	HELLO payload (frame_decode_hello())
 * @bye:	BYE payload (frame_decode_bye())
 * @off:	OFFLOAD header (frame_decode_offload())
 * @stats:	STATS entries (frame_decode_stats())
 * @pi:		the packet of a PACKET or OFFLOAD (pkt_parse())
 * @ip:		offset of the IP header
 * @l4:		offset of the transport header
 * @data:	offset of the transport payload
 * @msg:	the first disagreement found
 */
struct doc_ctx {
	const uint8_t *b;
	size_t n;
	struct frame_hdr h;
	struct frame_hello hello;
	struct frame_bye bye;
	struct frame_offload off;
	struct frame_stats stats;
	struct pkt_info pi;
	size_t ip;
	size_t l4;
	size_t data;
	char msg[DOC_MSG];
};

/* Record a disagreement. Return: 1 */
static int doc_err(struct doc_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
	va_end(ap);
	return 1;
}

/* Is the transport checksum left partial (an OFFLOAD's CSUM_PARTIAL)? */
static int doc_l4_partial(const struct doc_ctx *c)
{
	return c->h.type == FRAME_OFFLOAD &&
	       (c->off.flags & FRAME_OFFLOAD_CSUM_PARTIAL);
}

/* Where the TCP or UDP checksum field is, from the transport header */
static size_t doc_l4_csum_off(const struct doc_ctx *c)
{
	return c->pi.proto == IPPROTO_TCP ? 16 : 6;
}

/* Does the transport checksum of the packet verify? Or, left partial,
 * does it hold the folded pseudo-header sum? */
static int doc_l4_csum_ok(const struct doc_ctx *c)
{
	const uint8_t *ip = c->b + c->ip, *l4 = c->b + c->l4;
	size_t len = c->n - c->l4;

	if (doc_l4_partial(c)) {
		if (c->pi.proto != IPPROTO_TCP && c->pi.proto != IPPROTO_UDP)
			return 0; /* only TCP and UDP checksums are left so */
		return rd_be(l4 + doc_l4_csum_off(c), 2) ==
		       ref_pseudo(ip, c->pi.proto, len);
	}
	if (c->pi.proto == IPPROTO_ICMP)
		return ref_verifies(ref_sum(0, l4, len));
	if (c->pi.proto == IPPROTO_UDP && c->pi.version == 4 && !l4[6] &&
	    !l4[7])
		return 0; /* no checksum: not what remora sends */
	return ref_l4_ok(ip, c->n - c->ip, c->l4 - c->ip, c->pi.proto);
}

/* Where a field lives: in the frame header, the HELLO or BYE payload, the
 * IP header or the transport header */
enum doc_layer {
	L_HDR,
	L_HELLO,
	L_BYE,
	L_OFFLOAD,
	L_IP4,
	L_IP6,
	L_TCP,
	L_UDP,
	L_ICMP,
	L_ICMP6,
};

/* Does the example decoded in @c carry a packet? */
static int doc_is_packet(const struct doc_ctx *c)
{
	return c->h.type == FRAME_PACKET || c->h.type == FRAME_OFFLOAD;
}

/* Is @layer part of the example decoded in @c? */
static int doc_has_layer(const struct doc_ctx *c, enum doc_layer layer)
{
	int pkt = doc_is_packet(c);

	switch (layer) {
	case L_HDR:
		return 1;
	case L_HELLO:
		return c->h.type == FRAME_HELLO;
	case L_BYE:
		return c->h.type == FRAME_BYE;
	case L_OFFLOAD:
		return c->h.type == FRAME_OFFLOAD;
	case L_IP4:
		return pkt && c->pi.version == 4;
	case L_IP6:
		return pkt && c->pi.version == 6;
	case L_TCP:
		return pkt && c->pi.proto == IPPROTO_TCP;
	case L_UDP:
		return pkt && c->pi.proto == IPPROTO_UDP;
	case L_ICMP:
		return pkt && c->pi.proto == IPPROTO_ICMP;
	case L_ICMP6:
		return pkt && c->pi.proto == IPPROTO_ICMPV6;
	}
	return 0;
}

/* Where "entry N name length", "entry N name" or "entry N value" of a
 * STATS frame lives, its entries walked. Return: 0, or -1 */
static int doc_place_stats(const struct doc_ctx *c, const char *f, size_t *off,
			   size_t *len)
{
	unsigned long k;
	size_t at = FRAME_HDR_LEN, i;
	char *end;

	k = strtoul(f + 6, &end, 10);
	if (!k || k > c->stats.n || *end != ' ')
		return -1;
	for (i = 1; i < k; i++)
		at += 1 + (size_t)c->b[at] + 8;
	if (!strcmp(end + 1, "name length")) {
		*off = at;
		*len = 1;
	} else if (!strcmp(end + 1, "name")) {
		*off = at + 1;
		*len = c->b[at];
	} else if (!strcmp(end + 1, "value")) {
		*off = at + 1 + c->b[at];
		*len = 8;
	} else {
		return -1;
	}
	return 0;
}

/* Where the field named @f lives: *off and *len (0: to the end).
 * Return: 0, or -1 for a field this kind of frame does not have */
static int doc_place(const struct doc_ctx *c, const char *f, size_t *off,
		     size_t *len)
{
	static const struct {
		const char *name;
		enum doc_layer layer;
		size_t off, len;
	} fields[] = {
		{"magic", L_HDR, 0, 2},
		{"header version", L_HDR, 2, 1},
		{"type", L_HDR, 3, 1},
		{"length", L_HDR, 4, 4},
		{"version", L_HELLO, 0, 2},
		{"role", L_HELLO, 2, 2},
		{"capabilities", L_HELLO, 4, 4},
		{"max_payload", L_HELLO, 8, 4},
		{"software", L_HELLO, 12, 0},
		{"code", L_BYE, 0, 4},
		{"reason", L_BYE, 4, 0},
		{"gso_type", L_OFFLOAD, 0, 1},
		{"offload flags", L_OFFLOAD, 1, 1},
		{"gso_size", L_OFFLOAD, 2, 2},
		{"IP version, IHL", L_IP4, 0, 1},
		{"DSCP/ECN", L_IP4, 1, 1},
		{"total length", L_IP4, 2, 2},
		{"identification", L_IP4, 4, 2},
		{"flags, fragment offset", L_IP4, 6, 2},
		{"TTL", L_IP4, 8, 1},
		{"protocol", L_IP4, 9, 1},
		{"header checksum", L_IP4, 10, 2},
		{"source", L_IP4, 12, 4},
		{"destination", L_IP4, 16, 4},
		{"IP version, traffic class, flow label", L_IP6, 0, 4},
		{"payload length", L_IP6, 4, 2},
		{"next header", L_IP6, 6, 1},
		{"hop limit", L_IP6, 7, 1},
		{"source", L_IP6, 8, 16},
		{"destination", L_IP6, 24, 16},
		{"source port", L_TCP, 0, 2},
		{"destination port", L_TCP, 2, 2},
		{"sequence number", L_TCP, 4, 4},
		{"acknowledgment number", L_TCP, 8, 4},
		{"data offset", L_TCP, 12, 1},
		{"flags", L_TCP, 13, 1},
		{"window", L_TCP, 14, 2},
		{"TCP checksum", L_TCP, 16, 2},
		{"urgent pointer", L_TCP, 18, 2},
		{"source port", L_UDP, 0, 2},
		{"destination port", L_UDP, 2, 2},
		{"UDP length", L_UDP, 4, 2},
		{"UDP checksum", L_UDP, 6, 2},
		{"ICMP type, code", L_ICMP, 0, 2},
		{"ICMP checksum", L_ICMP, 2, 2},
		{"identifier, sequence", L_ICMP, 4, 4},
		{"ICMPv6 type, code", L_ICMP6, 0, 2},
		{"ICMPv6 checksum", L_ICMP6, 2, 2},
		{"identifier, sequence", L_ICMP6, 4, 4},
	};
	size_t i, base;

	if (c->h.type == FRAME_STATS && !strncmp(f, "entry ", 6))
		return doc_place_stats(c, f, off, len);
	if (!strcmp(f, "data") && doc_is_packet(c)) {
		*off = c->data;
		*len = 0;
		return 0;
	}
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (strcmp(f, fields[i].name) ||
		    !doc_has_layer(c, fields[i].layer))
			continue;
		if (fields[i].layer == L_HDR)
			base = 0;
		else if (fields[i].layer >= L_TCP)
			base = c->l4;
		else if (fields[i].layer >= L_IP4)
			base = c->ip;
		else
			base = FRAME_HDR_LEN;
		*off = base + fields[i].off;
		*len = fields[i].len;
		return 0;
	}
	return -1;
}

/* The value must start with a number equal to @want */
static int doc_num(struct doc_ctx *c, const struct doc_row *r,
		   unsigned long want)
{
	unsigned long v;

	if (!isdigit((unsigned char)r->value[0]) ||
	    val_numbers(r->value, &v, 1) != 1)
		return doc_err(c,
			       "line %u: %s: the value must start with a "
			       "number",
			       r->line, r->field);
	if (v != want)
		return doc_err(c,
			       "line %u: %s is %lu (0x%lx), the table says "
			       "%lu",
			       r->line, r->field, want, want, v);
	return 0;
}

/* The value must start with @k numbers equal to @want */
static int doc_nums(struct doc_ctx *c, const struct doc_row *r,
		    const unsigned long *want, int k)
{
	unsigned long v[4];
	int i;

	if (!isdigit((unsigned char)r->value[0]) ||
	    val_numbers(r->value, v, k) != k)
		return doc_err(c,
			       "line %u: %s: the value must start with %d "
			       "numbers",
			       r->line, r->field, k);
	for (i = 0; i < k; i++)
		if (v[i] != want[i])
			return doc_err(c,
				       "line %u: %s: number %d is %lu, the "
				       "table says %lu",
				       r->line, r->field, i + 1, want[i], v[i]);
	return 0;
}

/* The value must start with @want in backquotes; the bytes must be the
 * same text */
static int doc_text(struct doc_ctx *c, const struct doc_row *r,
		    const char *want)
{
	char t[DOC_VALUE];
	long n = val_text(r->value, t, sizeof(t));

	if (n < 0)
		return doc_err(c,
			       "line %u: %s: the value must start with "
			       "text in backquotes",
			       r->line, r->field);
	if (strcmp(t, want) || (size_t)n != r->n || memcmp(t, r->bytes, r->n))
		return doc_err(c,
			       "line %u: %s is \"%s\", the table says "
			       "\"%s\"",
			       r->line, r->field, want, t);
	return 0;
}

/* The value must start with the address @want (4 or 16 bytes) */
static int doc_addr(struct doc_ctx *c, const struct doc_row *r,
		    const uint8_t *want, int v6)
{
	char a[64], shown[INET6_ADDRSTRLEN];
	uint8_t got[16];
	size_t n;

	if (val_text(r->value, a, sizeof(a)) < 0) {
		n = strcspn(r->value, " ,");
		if (n >= sizeof(a))
			n = sizeof(a) - 1;
		memcpy(a, r->value, n);
		a[n] = '\0';
	}
	if (inet_pton(v6 ? AF_INET6 : AF_INET, a, got) != 1)
		return doc_err(c,
			       "line %u: %s: the value must start with an "
			       "IPv%d address",
			       r->line, r->field, v6 ? 6 : 4);
	if (memcmp(got, want, v6 ? 16 : 4)) {
		inet_ntop(v6 ? AF_INET6 : AF_INET, want, shown, sizeof(shown));
		return doc_err(c, "line %u: %s is %s, the table says %s",
			       r->line, r->field, shown, a);
	}
	return 0;
}

/* A checksum row: the value says it verifies, and it does; or, left
 * partial (@partial), it says so and names the field's value, which is
 * the folded pseudo-header sum */
static int doc_csum(struct doc_ctx *c, const struct doc_row *r, int ok,
		    int partial)
{
	const char *want = partial ? "partial" : "verifies";
	unsigned long v;

	if (strncmp(r->value, want, strlen(want)))
		return doc_err(c, "line %u: %s: the value must be \"%s\"",
			       r->line, r->field, want);
	if (!ok)
		return doc_err(c, "line %u: %s %s", r->line, r->field,
			       partial ? "is not the pseudo-header sum"
				       : "does not verify");
	if (partial &&
	    (val_numbers(r->value, &v, 1) != 1 || v != rd_be(r->bytes, r->n)))
		return doc_err(c, "line %u: %s: the value must name 0x%04lx",
			       r->line, r->field, rd_be(r->bytes, r->n));
	return 0;
}

/* One row, at offset @off of the example */
/* The value names the flag @word exactly when it is @set. Return: 0, or
 * 1 with the disagreement recorded */
static int doc_flag(struct doc_ctx *c, const struct doc_row *r, unsigned set,
		    const char *word)
{
	if (!!set == !!val_word(r->value, word))
		return 0;
	return doc_err(c, "line %u: %s: %s is %s", r->line, r->field, word,
		       set ? "set" : "clear");
}

static int doc_row(struct doc_ctx *c, const struct doc_row *r, size_t off)
{
	static const char *const tcp_flags[] = {"FIN", "SYN", "RST", "PSH",
						"ACK", "URG", "ECE", "CWR"};
	const uint8_t *p = c->b + off;
	const char *f = r->field;
	unsigned long v[3];
	size_t want_off, want_len;
	int i;

	if (doc_place(c, f, &want_off, &want_len))
		return doc_err(c, "line %u: no field \"%s\" in this frame",
			       r->line, f);
	if (!want_len)
		want_len = c->n - want_off;
	if (off != want_off || r->n != want_len)
		return doc_err(c,
			       "line %u: %s: %zu bytes at byte %zu, where "
			       "the format has %zu bytes at byte %zu",
			       r->line, f, r->n, off, want_len, want_off);
	if (!strcmp(f, "magic"))
		return doc_text(c, r, "RM");
	if (!strcmp(f, "header version"))
		return doc_num(c, r, c->h.version);
	if (!strcmp(f, "type")) {
		char t[32], want[32];

		snprintf(want, sizeof(want), "%s", frame_type_str(c->h.type));
		for (i = 0; want[i]; i++)
			want[i] = (char)toupper((unsigned char)want[i]);
		if (strchr(r->value, '`') &&
		    (val_text(strchr(r->value, '`'), t, sizeof(t)) < 0 ||
		     strcmp(t, want)))
			return doc_err(c, "line %u: type %u is %s", r->line,
				       c->h.type, want);
		return doc_num(c, r, c->h.type);
	}
	if (!strcmp(f, "length"))
		return doc_num(c, r, c->h.len);
	if (!strcmp(f, "version"))
		return doc_num(c, r, c->hello.version);
	if (!strcmp(f, "role")) {
		if (!val_word(r->value, frame_role_str(c->hello.role)))
			return doc_err(c, "line %u: role %u is %s", r->line,
				       c->hello.role,
				       frame_role_str(c->hello.role));
		return doc_num(c, r, c->hello.role);
	}
	if (c->h.type == FRAME_STATS && !strncmp(f, "entry ", 6)) {
		unsigned long k = strtoul(f + 6, NULL, 10) - 1;

		if (strstr(f, " name length"))
			return doc_num(c, r, strlen(c->stats.name[k]));
		if (strstr(f, " name"))
			return doc_text(c, r, c->stats.name[k]);
		return doc_num(c, r, c->stats.value[k]);
	}
	if (!strcmp(f, "capabilities"))
		return doc_flag(c, r, c->hello.caps & FRAME_CAP_STATS,
				"STATS") ||
		       doc_flag(c, r, c->hello.caps & FRAME_CAP_OFFLOAD,
				"OFFLOAD") ||
		       doc_num(c, r, c->hello.caps);
	if (!strcmp(f, "gso_type")) {
		static const char *const names[] = {"NONE", "TCP", "UDP"};

		/* frame_decode_offload() let only these through */
		if (!val_word(r->value, names[c->off.gso_type]))
			return doc_err(c, "line %u: gso_type %u is %s", r->line,
				       c->off.gso_type, names[c->off.gso_type]);
		return doc_num(c, r, c->off.gso_type);
	}
	if (!strcmp(f, "offload flags"))
		return doc_flag(c, r, c->off.flags & FRAME_OFFLOAD_CSUM_PARTIAL,
				"CSUM_PARTIAL") ||
		       doc_num(c, r, c->off.flags);
	if (!strcmp(f, "gso_size"))
		return doc_num(c, r, c->off.gso_size);
	if (!strcmp(f, "max_payload"))
		return doc_num(c, r, c->hello.max_payload);
	if (!strcmp(f, "software"))
		return doc_text(c, r, c->hello.software);
	if (!strcmp(f, "code"))
		return doc_num(c, r, c->bye.code);
	if (!strcmp(f, "reason"))
		return doc_text(c, r, c->bye.text);
	if (!strcmp(f, "IP version, IHL")) {
		v[0] = c->pi.version;
		v[1] = c->pi.hlen / 4;
		if (p[0] != (v[0] << 4 | v[1]))
			return doc_err(c, "line %u: %s", r->line, f);
		return doc_nums(c, r, v, 2);
	}
	if (!strcmp(f, "IP version, traffic class, flow label")) {
		v[0] = c->pi.version;
		v[1] = (unsigned long)(p[0] & 0x0f) << 4 | p[1] >> 4;
		v[2] = rd_be(p + 1, 3) & 0xfffff;
		if (p[0] >> 4 != v[0])
			return doc_err(c, "line %u: %s", r->line, f);
		return doc_nums(c, r, v, 3);
	}
	if (!strcmp(f, "total length")) {
		if (rd_be(p, 2) != c->pi.len)
			return doc_err(c, "line %u: %s", r->line, f);
		return doc_num(c, r, c->pi.len);
	}
	if (!strcmp(f, "payload length")) {
		if (rd_be(p, 2) != c->pi.len - PKT_IPV6_HDR)
			return doc_err(c, "line %u: %s", r->line, f);
		return doc_num(c, r, c->pi.len - PKT_IPV6_HDR);
	}
	if (!strcmp(f, "flags, fragment offset")) {
		static const char *const names[] = {"reserved", "DF", "MF"};

		for (i = 0; i < 3; i++)
			if (!!(p[0] & (0x80 >> i)) !=
			    val_word(r->value, names[i]))
				return doc_err(c, "line %u: %s: %s is %s",
					       r->line, f, names[i],
					       p[0] & (0x80 >> i) ? "set"
								  : "clear");
		if (val_numbers(r->value, v, 1) != 1)
			return doc_err(c, "line %u: %s: no offset", r->line, f);
		if (v[0] != (rd_be(p, 2) & 0x1fff))
			return doc_err(c, "line %u: %s: the offset is %lu",
				       r->line, f, rd_be(p, 2) & 0x1fff);
		return 0;
	}
	if (!strcmp(f, "protocol"))
		return doc_num(c, r, c->pi.proto);
	if (!strcmp(f, "header checksum"))
		return doc_csum(c, r, csum(c->b + c->ip, c->pi.hlen) == 0, 0);
	if (!strcmp(f, "source"))
		return doc_addr(c, r,
				c->pi.version == 6
					? c->pi.src6
					: (const uint8_t *)&c->pi.src,
				c->pi.version == 6);
	if (!strcmp(f, "destination"))
		return doc_addr(c, r,
				c->pi.version == 6
					? c->pi.dst6
					: (const uint8_t *)&c->pi.dst,
				c->pi.version == 6);
	if (!strcmp(f, "source port"))
		return doc_num(c, r, c->pi.sport);
	if (!strcmp(f, "destination port"))
		return doc_num(c, r, c->pi.dport);
	if (!strcmp(f, "data offset")) {
		/* the whole byte: the reserved bits are zero */
		if (val_numbers(r->value, v, 1) != 1 || p[0] != v[0] << 4)
			return doc_err(c, "line %u: %s is byte 0x%02x", r->line,
				       f, p[0]);
		return doc_num(c, r, (size_t)(c->data - c->l4) / 4);
	}
	if (!strcmp(f, "flags")) {
		for (i = 0; i < 8; i++)
			if (!!(p[0] & (1 << i)) !=
			    val_word(r->value, tcp_flags[i]))
				return doc_err(c, "line %u: flags: %s is %s",
					       r->line, tcp_flags[i],
					       p[0] & (1 << i) ? "set"
							       : "clear");
		return doc_num(c, r, p[0]);
	}
	if (!strcmp(f, "ICMP type, code") || !strcmp(f, "ICMPv6 type, code")) {
		v[0] = c->pi.icmp_type;
		v[1] = c->pi.icmp_code;
		return doc_nums(c, r, v, 2);
	}
	if (!strcmp(f, "identifier, sequence")) {
		v[0] = rd_be(p, 2);
		v[1] = rd_be(p + 2, 2);
		return doc_nums(c, r, v, 2);
	}
	if (!strcmp(f, "TCP checksum") || !strcmp(f, "UDP checksum") ||
	    !strcmp(f, "ICMP checksum") || !strcmp(f, "ICMPv6 checksum"))
		return doc_csum(c, r, doc_l4_csum_ok(c), doc_l4_partial(c));
	if (!strcmp(f, "data")) {
		char t[DOC_VALUE];

		if (r->n >= sizeof(t))
			return doc_err(c, "line %u: data too long", r->line);
		memcpy(t, r->bytes, r->n);
		t[r->n] = '\0';
		return doc_text(c, r, t);
	}
	/* the rest: the value is the bytes' number */
	return doc_num(c, r, rd_be(p, r->n));
}

/* Run a claim's check. Return: its verdict */
static enum pkt_verdict doc_claim_verdict(struct doc_ctx *c,
					  const struct doc_claim *cl)
{
	static struct portset ports, host_ports;
	struct pkt_own own = {0};
	uint8_t a[16];

	if (inet_pton(cl->v6 ? AF_INET6 : AF_INET, cl->addr, a) != 1) {
		doc_err(c, "line %u: %s is not an IPv%d address", cl->line,
			cl->addr, cl->v6 ? 6 : 4);
		return PKT_MALFORMED;
	}
	if (cl->v6 != (c->pi.version == 6)) {
		/* the daemon has no address of the packet's version */
		doc_err(c, "line %u: --address%s for an IPv%u packet", cl->line,
			cl->v6 ? "6" : "", c->pi.version);
		return cl->host ? PKT_SRC : PKT_DST;
	}
	if (cl->v6) {
		memcpy(own.addr6, a, sizeof(own.addr6));
		own.have6 = 1;
	} else {
		memcpy(&own.addr, a, sizeof(own.addr));
	}
	if (!cl->host)
		return pkt_check_inbound(&c->pi, &own);
	assert_int_equal(portset_parse(&ports, HOST_DEFAULT_ENCLAVE_PORTS), 0);
	assert_int_equal(portset_parse(&host_ports, HOST_DEFAULT_HOST_PORTS),
			 0);
	portset_subtract(&ports, &host_ports);
	return pkt_check_outbound(&c->pi, &own, &ports, 0);
}

/**
 * doc_check() - decode one example and compare it with its table
 * @ex:		the example
 * @seen:	kinds of example found, updated; or NULL
 * @msg:	the first disagreement, DOC_MSG bytes
 *
 * Return: 0 if the example, its table, its checksums and its claims agree
 *	   with the codec, 1 otherwise
 */
static int doc_check(const struct doc_example *ex, struct doc_seen *seen,
		     char *msg)
{
	static struct doc_ctx c;
	const uint8_t *pl;
	enum pkt_verdict v;
	size_t off = 0;
	int i, rc;

	memset(&c, 0, sizeof(c));
	c.b = ex->bytes;
	c.n = ex->n;
	rc = 1;
	for (i = 0; i < ex->nrows; i++) {
		if (off + ex->rows[i].n > ex->n ||
		    memcmp(ex->bytes + off, ex->rows[i].bytes, ex->rows[i].n)) {
			doc_err(&c,
				"line %u: the Bytes column is not the "
				"block's bytes from byte %zu on",
				ex->rows[i].line, off);
			goto out;
		}
		off += ex->rows[i].n;
	}
	if (off != ex->n) {
		doc_err(&c, "line %u: the table stops at byte %zu of %zu",
			ex->line, off, ex->n);
		goto out;
	}
	if (frame_decode_hdr(c.b, c.n, &c.h) ||
	    c.h.len != c.n - FRAME_HDR_LEN) {
		doc_err(&c, "line %u: not one whole frame", ex->line);
		goto out;
	}
	pl = c.b + FRAME_HDR_LEN;
	c.ip = FRAME_HDR_LEN;
	if (c.h.type == FRAME_OFFLOAD) {
		if (frame_decode_offload(pl, c.h.len, &c.off)) {
			doc_err(&c, "line %u: malformed offload header",
				ex->line);
			goto out;
		}
		c.ip += FRAME_OFFLOAD_LEN;
	}
	switch (c.h.type) {
	case FRAME_HELLO:
		if (frame_decode_hello(pl, c.h.len, &c.hello)) {
			doc_err(&c, "line %u: HELLO too short", ex->line);
			goto out;
		}
		break;
	case FRAME_BYE:
		if (frame_decode_bye(pl, c.h.len, &c.bye)) {
			doc_err(&c, "line %u: BYE too short", ex->line);
			goto out;
		}
		break;
	case FRAME_KEEPALIVE:
		break;
	case FRAME_STATS:
		if (frame_decode_stats(pl, c.h.len, &c.stats)) {
			doc_err(&c, "line %u: STATS malformed", ex->line);
			goto out;
		}
		break;
	case FRAME_PACKET:
	case FRAME_OFFLOAD:
		v = pkt_parse(c.b + c.ip, c.n - c.ip, &c.pi);
		if (v != PKT_OK) {
			doc_err(&c, "line %u: pkt_parse(): %s", ex->line,
				pkt_verdict_str(v));
			goto out;
		}
		c.l4 = c.ip + c.pi.hlen;
		c.data = c.l4 + (c.pi.proto == IPPROTO_TCP
					 ? (size_t)(c.b[c.l4 + 12] >> 4) * 4
					 : 8);
		/* whatever the table says: every example's sums are right */
		if (c.pi.version == 4 && csum(c.b + c.ip, c.pi.hlen)) {
			doc_err(&c, "line %u: IPv4 header checksum", ex->line);
			goto out;
		}
		if (!doc_l4_csum_ok(&c)) {
			doc_err(&c, "line %u: transport checksum", ex->line);
			goto out;
		}
		if (!ex->nclaims) {
			doc_err(&c,
				"line %u: no sentence says which receiver "
				"accepts this packet",
				ex->line);
			goto out;
		}
		break;
	default:
		doc_err(&c, "line %u: frame type %u", ex->line, c.h.type);
		goto out;
	}
	off = 0;
	for (i = 0; i < ex->nrows; i++) {
		if (doc_row(&c, &ex->rows[i], off))
			goto out;
		off += ex->rows[i].n;
	}
	for (i = 0; i < ex->nclaims; i++) {
		v = doc_claim_verdict(&c, &ex->claims[i]);
		if (c.msg[0])
			goto out;
		if (v != PKT_OK) {
			doc_err(&c,
				"line %u: remora-%s refuses this packet "
				"(%s)",
				ex->claims[i].line,
				ex->claims[i].host ? "host" : "enclave",
				pkt_verdict_str(v));
			goto out;
		}
	}
	rc = 0;
	if (!seen)
		goto out;
	seen->hello_host |=
		c.h.type == FRAME_HELLO && c.hello.role == FRAME_ROLE_HOST;
	seen->hello_enclave |=
		c.h.type == FRAME_HELLO && c.hello.role == FRAME_ROLE_ENCLAVE;
	seen->keepalive |= c.h.type == FRAME_KEEPALIVE;
	seen->bye |= c.h.type == FRAME_BYE;
	seen->tcp4 |= c.h.type == FRAME_PACKET && c.pi.version == 4 &&
		      c.pi.proto == IPPROTO_TCP;
	seen->v6 |= c.h.type == FRAME_PACKET && c.pi.version == 6;
	seen->hello_offload |=
		c.h.type == FRAME_HELLO && (c.hello.caps & FRAME_CAP_OFFLOAD);
	seen->hello_stats |=
		c.h.type == FRAME_HELLO && (c.hello.caps & FRAME_CAP_STATS);
	seen->stats_request |= c.h.type == FRAME_STATS && !c.h.len;
	seen->stats_report |= c.h.type == FRAME_STATS && c.stats.n >= 2;
	seen->offload_tcp |= c.h.type == FRAME_OFFLOAD &&
			     c.off.gso_type == FRAME_GSO_TCP &&
			     doc_l4_partial(&c) && c.pi.proto == IPPROTO_TCP;
out:
	snprintf(msg, DOC_MSG, "%s", c.msg);
	return rc;
}

/* ---- tests ---- */

/* Every example decodes and agrees with its table, sums and claims */
static void examples_agree_with_the_codec(void **state)
{
	char msg[DOC_MSG];
	int i, bad = 0;

	(void)state;
	assert_true(nexamples >= 9);
	for (i = 0; i < nexamples; i++) {
		if (doc_check(&examples[i], NULL, msg)) {
			print_error("%s: example at line %u: %s\n", doc_path,
				    examples[i].line, msg);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* A HELLO of each role and ones announcing OFFLOAD and STATS, a
 * KEEPALIVE, a BYE, IPv4 TCP, IPv6, an OFFLOAD of TCP with its checksum
 * partial, a STATS request and a STATS report of two entries at least */
static void examples_cover_every_frame_type(void **state)
{
	struct doc_seen seen = {0};
	char msg[DOC_MSG];
	int i;

	(void)state;
	for (i = 0; i < nexamples; i++)
		doc_check(&examples[i], &seen, msg);
	assert_true(seen.hello_host);
	assert_true(seen.hello_enclave);
	assert_true(seen.keepalive);
	assert_true(seen.bye);
	assert_true(seen.tcp4);
	assert_true(seen.v6);
	assert_true(seen.hello_offload);
	assert_true(seen.offload_tcp);
	assert_true(seen.hello_stats);
	assert_true(seen.stats_request);
	assert_true(seen.stats_report);
}

/* Flip one bit of each byte, in the block and in the table alike: the
 * table's values, or a checksum, must then disagree */
static void every_byte_is_stated(void **state)
{
	static struct doc_example ex;
	char msg[DOC_MSG];
	size_t b, off;
	int i, k, tried = 0, missed = 0;

	(void)state;
	for (i = 0; i < nexamples; i++) {
		/* a change is caught only if the example was right */
		assert_int_equal(doc_check(&examples[i], NULL, msg), 0);
		for (b = 0; b < examples[i].n; b++) {
			ex = examples[i];
			ex.bytes[b] ^= 0x01;
			for (k = 0, off = 0; off + ex.rows[k].n <= b; k++)
				off += ex.rows[k].n;
			ex.rows[k].bytes[b - off] ^= 0x01;
			tried++;
			if (doc_check(&ex, NULL, msg))
				continue;
			print_error("example at line %u: byte %zu (%s) can "
				    "change unnoticed\n",
				    ex.line, b, ex.rows[k].field);
			missed++;
		}
	}
	print_message("%d byte changes in %d examples, %d unnoticed\n", tried,
		      nexamples, missed);
	assert_int_equal(missed, 0);
}

/* Change each row's value: every change must be caught */
static void every_value_is_checked(void **state)
{
	static struct doc_example ex;
	char msg[DOC_MSG], *v;
	int i, k, tried = 0, missed = 0;

	(void)state;
	for (i = 0; i < nexamples; i++) {
		assert_int_equal(doc_check(&examples[i], NULL, msg), 0);
		for (k = 0; k < examples[i].nrows; k++) {
			ex = examples[i];
			v = ex.rows[k].value;
			if (isdigit((unsigned char)v[0]))
				v[0] = v[0] == '9' ? '8' : (char)(v[0] + 1);
			else if (v[0] == '`' && v[1] && v[1] != '`')
				v[1] = v[1] == '#' ? '%' : '#';
			else if (!strncmp(v, "verifies", 8))
				memcpy(v, "is wrong", 8);
			else
				v[0] = '#';
			tried++;
			if (doc_check(&ex, NULL, msg))
				continue;
			print_error("line %u: a changed value (%s) goes "
				    "unnoticed\n",
				    ex.rows[k].line, v);
			missed++;
		}
	}
	print_message("%d value changes, %d unnoticed\n", tried, missed);
	assert_int_equal(missed, 0);
}

/* Change each claimed address: the claim must then be refused */
static void every_claim_is_checked(void **state)
{
	static struct doc_example ex;
	char msg[DOC_MSG], *a;
	int i, k, claims = 0, missed = 0;
	size_t n;

	(void)state;
	for (i = 0; i < nexamples; i++) {
		assert_int_equal(doc_check(&examples[i], NULL, msg), 0);
		for (k = 0; k < examples[i].nclaims; k++) {
			ex = examples[i];
			a = ex.claims[k].addr;
			n = strlen(a);
			assert_true(n > 0);
			a[n - 1] = a[n - 1] == '9'   ? '8'
				   : a[n - 1] == 'f' ? 'e'
						     : (char)(a[n - 1] + 1);
			claims++;
			if (doc_check(&ex, NULL, msg))
				continue;
			print_error("line %u: a changed claim (%s) goes "
				    "unnoticed\n",
				    ex.claims[k].line, a);
			missed++;
		}
	}
	print_message("%d claim changes, %d unnoticed\n", claims, missed);
	assert_true(claims >= 3);
	assert_int_equal(missed, 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(examples_agree_with_the_codec),
		cmocka_unit_test(examples_cover_every_frame_type),
		cmocka_unit_test(every_byte_is_stated),
		cmocka_unit_test(every_value_is_checked),
		cmocka_unit_test(every_claim_is_checked),
	};

	if (argc > 1)
		doc_path = argv[1];
	return cmocka_run_group_tests_name("protocol_doc", tests, doc_load,
					   doc_free);
}
