// SPDX-License-Identifier: Apache-2.0
/* remora - link frame codec: every read is bounded by the caller's length */

#include <errno.h>
#include <string.h>

#include "remora/bytes.h"
#include "remora/frame.h"

/**
 * frame_decode_hdr() - decode and validate a frame header
 * @buf:	bytes received so far
 * @len:	number of bytes in @buf
 * @h:	decoded header, filled on success
 *
 * The version byte is decoded but not judged here: the link layer decides
 * what to do with a peer of another version (it must still read the HELLO
 * to say so clearly).
 *
 * The length is bounded by type: an OFFLOAD frame carries its offload
 * header besides a packet of up to FRAME_MAX_PAYLOAD bytes, every other
 * type at most FRAME_MAX_PAYLOAD bytes, so a bad length is caught before
 * any payload is waited for.
 *
 * Return: 0 on success, FRAME_NEED_MORE if @len is shorter than a header,
 *	   -EPROTO on a bad magic, -EMSGSIZE if the length exceeds
 *	   FRAME_MAX_PAYLOAD (FRAME_OFFLOAD_MAX_PAYLOAD for FRAME_OFFLOAD)
 */
int frame_decode_hdr(const uint8_t *buf, size_t len, struct frame_hdr *h)
{
	if (len < FRAME_HDR_LEN)
		return FRAME_NEED_MORE;
	if (buf[0] != FRAME_MAGIC0 || buf[1] != FRAME_MAGIC1)
		return -EPROTO;
	h->version = buf[2];
	h->type = buf[3];
	h->len = get_be32(buf + 4);
	if (h->len > (h->type == FRAME_OFFLOAD ? FRAME_OFFLOAD_MAX_PAYLOAD
					       : FRAME_MAX_PAYLOAD))
		return -EMSGSIZE;
	return 0;
}

/**
 * frame_encode_hdr() - write a frame header
 * @buf:	at least FRAME_HDR_LEN bytes
 * @type:	enum frame_type
 * @len:	payload length, at most what frame_decode_hdr() accepts for
 *		@type
 */
void frame_encode_hdr(uint8_t *buf, uint8_t type, uint32_t len)
{
	buf[0] = FRAME_MAGIC0;
	buf[1] = FRAME_MAGIC1;
	buf[2] = REMORA_PROTO_VERSION;
	buf[3] = type;
	put_be32(buf + 4, len);
}

/* Copy at most @max printable ASCII bytes of @src into @dst, NUL-terminated:
 * peer text ends up in logs, so control bytes never pass. */
static void copy_text(char *dst, const uint8_t *src, size_t len, size_t max)
{
	size_t i;

	if (len > max)
		len = max;
	for (i = 0; i < len; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? (char)src[i] : '?';
	dst[len] = '\0';
}

/* A frame of @type whose payload is @fixed bytes then @text, cut at @max
 * bytes: the header and the text written into @buf (@cap bytes).
 * Return: the payload's fixed part, for the caller to fill, and *@len the
 * frame's length; NULL if @cap is too small */
static uint8_t *frame_put(uint8_t *buf, size_t cap, uint8_t type, size_t fixed,
			  const char *text, size_t max, size_t *len)
{
	size_t tlen = text ? strlen(text) : 0;

	if (tlen > max)
		tlen = max;
	*len = FRAME_HDR_LEN + fixed + tlen;
	if (cap < *len)
		return NULL;
	frame_encode_hdr(buf, type, (uint32_t)(fixed + tlen));
	if (tlen)
		memcpy(buf + FRAME_HDR_LEN + fixed, text, tlen);
	return buf + FRAME_HDR_LEN;
}

/**
 * frame_encode_hello() - build a whole HELLO frame (header included)
 * @buf:	output buffer
 * @cap:	size of @buf
 * @role:	enum frame_role of the sender
 * @caps:	capability bits
 * @max_payload: largest packet the sender accepts
 * @software:	software version text, truncated to FRAME_HELLO_SOFTWARE_MAX
 *
 * Return: frame length in bytes, 0 if @cap is too small
 */
size_t frame_encode_hello(uint8_t *buf, size_t cap, uint16_t role,
			  uint32_t caps, uint32_t max_payload,
			  const char *software)
{
	size_t len;
	uint8_t *p = frame_put(buf, cap, FRAME_HELLO, FRAME_HELLO_FIXED_LEN,
			       software, FRAME_HELLO_SOFTWARE_MAX, &len);

	if (!p)
		return 0;
	put_be16(p, REMORA_PROTO_VERSION);
	put_be16(p + 2, role);
	put_be32(p + 4, caps);
	put_be32(p + 8, max_payload);
	return len;
}

/**
 * frame_decode_hello() - decode a HELLO payload
 * @p:	payload (after the header)
 * @len:	payload length
 * @h:	decoded HELLO
 *
 * Return: 0 on success, -EPROTO if shorter than the fixed part
 */
int frame_decode_hello(const uint8_t *p, size_t len, struct frame_hello *h)
{
	if (len < FRAME_HELLO_FIXED_LEN)
		return -EPROTO;
	h->version = get_be16(p);
	h->role = get_be16(p + 2);
	h->caps = get_be32(p + 4);
	h->max_payload = get_be32(p + 8);
	copy_text(h->software, p + FRAME_HELLO_FIXED_LEN,
		  len - FRAME_HELLO_FIXED_LEN, FRAME_HELLO_SOFTWARE_MAX);
	return 0;
}

/**
 * frame_encode_bye() - build a whole BYE frame (header included)
 * @buf:	output buffer
 * @cap:	size of @buf
 * @code:	enum frame_bye_code
 * @text:	reason, truncated to FRAME_BYE_TEXT_MAX
 *
 * Return: frame length in bytes, 0 if @cap is too small
 */
size_t frame_encode_bye(uint8_t *buf, size_t cap, uint32_t code,
			const char *text)
{
	size_t len;
	uint8_t *p = frame_put(buf, cap, FRAME_BYE, FRAME_BYE_FIXED_LEN, text,
			       FRAME_BYE_TEXT_MAX, &len);

	if (!p)
		return 0;
	put_be32(p, code);
	return len;
}

/**
 * frame_decode_bye() - decode a BYE payload
 * @p:	payload (after the header)
 * @len:	payload length
 * @b:	decoded BYE
 *
 * Return: 0 on success, -EPROTO if shorter than the fixed part
 */
int frame_decode_bye(const uint8_t *p, size_t len, struct frame_bye *b)
{
	if (len < FRAME_BYE_FIXED_LEN)
		return -EPROTO;
	b->code = get_be32(p);
	copy_text(b->text, p + FRAME_BYE_FIXED_LEN, len - FRAME_BYE_FIXED_LEN,
		  FRAME_BYE_TEXT_MAX);
	return 0;
}

/**
 * frame_encode_offload() - write an offload header
 * @buf:	at least FRAME_OFFLOAD_LEN bytes
 * @o:		the header; reserved flag bits are the caller's to leave 0
 */
void frame_encode_offload(uint8_t *buf, const struct frame_offload *o)
{
	buf[0] = o->gso_type;
	buf[1] = o->flags;
	put_be16(buf + 2, o->gso_size);
}

/**
 * frame_decode_offload() - decode and validate an offload header
 * @p:	OFFLOAD payload (after the frame header)
 * @len:	payload length
 * @o:	decoded header, filled on success
 *
 * Only the header is judged: whether the packet after it suits the gso
 * type is for the receiver to check. Reserved flag bits are refused, not
 * ignored, so that a later meaning for them is never silently dropped.
 *
 * Return: 0 on success, -EBADMSG if @len is shorter than the header, the
 *	   gso type is unknown, a reserved flag is set, or gso_size is 0
 *	   with a gso type or not 0 without one
 */
int frame_decode_offload(const uint8_t *p, size_t len, struct frame_offload *o)
{
	if (len < FRAME_OFFLOAD_LEN)
		return -EBADMSG;
	o->gso_type = p[0];
	o->flags = p[1];
	o->gso_size = get_be16(p + 2);
	if (o->gso_type != FRAME_GSO_NONE && o->gso_type != FRAME_GSO_TCP &&
	    o->gso_type != FRAME_GSO_UDP)
		return -EBADMSG;
	if (o->flags & ~FRAME_OFFLOAD_CSUM_PARTIAL)
		return -EBADMSG;
	if ((o->gso_type == FRAME_GSO_NONE) != (o->gso_size == 0))
		return -EBADMSG;
	return 0;
}

/* Is @c a character of a counter's name? */
static int frame_stats_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/**
 * frame_encode_stats_entry() - append one entry of a STATS payload
 * @buf:	where the entry goes
 * @cap:	room there
 * @name:	the counter's name: 1 to FRAME_STATS_NAME_MAX of [a-z0-9_]
 * @value:	its value
 *
 * Return: bytes written, or 0 if the entry does not fit or @name is not
 *	   a counter's name
 */
size_t frame_encode_stats_entry(uint8_t *buf, size_t cap, const char *name,
				uint64_t value)
{
	size_t n = strlen(name), i;

	if (!n || n > FRAME_STATS_NAME_MAX || cap < 1 + n + 8)
		return 0;
	for (i = 0; i < n; i++)
		if (!frame_stats_char((uint8_t)name[i]))
			return 0;
	buf[0] = (uint8_t)n;
	memcpy(buf + 1, name, n);
	put_be32(buf + 1 + n, (uint32_t)(value >> 32));
	put_be32(buf + 1 + n + 4, (uint32_t)value);
	return 1 + n + 8;
}

/**
 * frame_decode_stats() - decode a STATS payload, all of it or nothing
 * @p:		payload
 * @len:	its length
 * @s:		decoded entries
 *
 * Every entry must be whole, its name 1 to FRAME_STATS_NAME_MAX of
 * [a-z0-9_]; at most FRAME_STATS_MAX of them, and nothing after the last.
 * The values are the peer's word: they are shown, never acted upon.
 *
 * Return: 0, or -EPROTO (then @s is not to be used)
 */
int frame_decode_stats(const uint8_t *p, size_t len, struct frame_stats *s)
{
	size_t off = 0, n, i;

	s->n = 0;
	while (off < len) {
		n = p[off];
		if (s->n == FRAME_STATS_MAX || !n || n > FRAME_STATS_NAME_MAX ||
		    len - off - 1 < n + 8)
			return -EPROTO;
		for (i = 0; i < n; i++) {
			if (!frame_stats_char(p[off + 1 + i]))
				return -EPROTO;
			s->name[s->n][i] = (char)p[off + 1 + i];
		}
		s->name[s->n][n] = '\0';
		s->value[s->n] = (uint64_t)get_be32(p + off + 1 + n) << 32 |
				 get_be32(p + off + 1 + n + 4);
		s->n++;
		off += 1 + n + 8;
	}
	return 0;
}

/**
 * frame_type_str() - name of a frame type, for logs
 * @type:	type byte
 *
 * Return: static string
 */
const char *frame_type_str(uint8_t type)
{
	switch (type) {
	case FRAME_HELLO:
		return "hello";
	case FRAME_PACKET:
		return "packet";
	case FRAME_KEEPALIVE:
		return "keepalive";
	case FRAME_BYE:
		return "bye";
	case FRAME_OFFLOAD:
		return "offload";
	case FRAME_STATS:
		return "stats";
	default:
		return "unknown";
	}
}

/**
 * frame_role_str() - name of a role, for logs
 * @role:	enum frame_role
 *
 * Return: static string
 */
const char *frame_role_str(uint16_t role)
{
	switch (role) {
	case FRAME_ROLE_HOST:
		return "host";
	case FRAME_ROLE_ENCLAVE:
		return "enclave";
	default:
		return "unknown";
	}
}
