/* SPDX-License-Identifier: Apache-2.0 */
/* remora - link frame format between remora-host and remora-enclave
 *
 * Every frame is an 8-byte header followed by its payload:
 *
 *   0       2       3       4               8
 *   +-------+-------+-------+---------------+------------------+
 *   | magic | ver   | type  | length (BE32) | payload (length) |
 *   +-------+-------+-------+---------------+------------------+
 *
 * magic is 0x52 0x4d ("RM"), ver is REMORA_PROTO_VERSION. See docs/protocol.md.
 */
#ifndef REMORA_FRAME_H
#define REMORA_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_MAGIC0		 0x52 /* 'R' */
#define FRAME_MAGIC1		 0x4d /* 'M' */
#define REMORA_PROTO_VERSION	 1U
#define FRAME_HDR_LEN		 8     /* bytes */
#define FRAME_MAX_PAYLOAD	 65535 /* bytes: largest IPv4 datagram */
#define FRAME_MAX_LEN		 (FRAME_HDR_LEN + FRAME_OFFLOAD_MAX_PAYLOAD)
#define FRAME_HELLO_FIXED_LEN	 12  /* bytes before the software string */
#define FRAME_HELLO_SOFTWARE_MAX 64  /* bytes of software version text */
#define FRAME_BYE_FIXED_LEN	 4   /* bytes before the reason text */
#define FRAME_BYE_TEXT_MAX	 128 /* bytes of reason text */

/* An OFFLOAD payload is a 4-byte offload header, then a packet of up to
 * FRAME_MAX_PAYLOAD bytes: the only payload that may be longer, so the
 * largest frame (FRAME_MAX_LEN) is an OFFLOAD frame */
#define FRAME_OFFLOAD_LEN	  4 /* bytes */
#define FRAME_OFFLOAD_MAX_PAYLOAD (FRAME_OFFLOAD_LEN + FRAME_MAX_PAYLOAD)

/* HELLO capability bits */
#define FRAME_CAP_OFFLOAD 0x1U /* the sender accepts OFFLOAD frames */
#define FRAME_CAP_STATS	  0x2U /* the sender takes part in STATS frames */

/* A STATS payload: entries of a name length (1 byte, 1 to
 * FRAME_STATS_NAME_MAX), a name ([a-z0-9_]) and a value (BE64); at most
 * FRAME_STATS_MAX of them. Empty: a request for one. */
#define FRAME_STATS_MAX	     128
#define FRAME_STATS_NAME_MAX 47
#define FRAME_STATS_MAX_PAYLOAD \
	(FRAME_STATS_MAX * (1 + FRAME_STATS_NAME_MAX + 8))

/**
 * enum frame_type - type byte of a frame
 * @FRAME_HELLO:	first frame on a link, both ways: version, role, caps
 * @FRAME_PACKET:	one IP packet, the whole payload
 * @FRAME_KEEPALIVE:	empty; proves the sender is alive
 * @FRAME_BYE:		sender is closing the link, with a reason
 * @FRAME_OFFLOAD:	an offload header, then one IP packet (a super-packet,
 *			or a checksum left to finish); only to a peer that
 *			announced FRAME_CAP_OFFLOAD
 * @FRAME_STATS:	remora-enclave's counters, for the host to show; empty
 *			from remora-host, a request for them. Only between
 *			peers that both announced FRAME_CAP_STATS
 */
enum frame_type {
	FRAME_HELLO = 1,
	FRAME_PACKET = 2,
	FRAME_KEEPALIVE = 3,
	FRAME_BYE = 4,
	FRAME_OFFLOAD = 5,
	FRAME_STATS = 6,
};

/**
 * enum frame_role - who sent a HELLO
 */
enum frame_role {
	FRAME_ROLE_HOST = 1,
	FRAME_ROLE_ENCLAVE = 2,
};

/**
 * enum frame_bye_code - why a peer closes the link
 */
enum frame_bye_code {
	FRAME_BYE_SHUTDOWN = 0, /* orderly stop of the daemon */
	FRAME_BYE_VERSION = 1,	/* protocol version not supported */
	FRAME_BYE_ROLE = 2,	/* peer has the wrong role */
	FRAME_BYE_PROTOCOL = 3, /* malformed frame or sequence */
	FRAME_BYE_REPLACED = 4, /* a newer connection took over */
	FRAME_BYE_TIMEOUT = 5,	/* peer was silent too long */
};

/**
 * struct frame_hdr - decoded frame header
 * @version:	protocol version byte
 * @type:	frame type (enum frame_type, or unknown)
 * @len:	payload length in bytes
 */
struct frame_hdr {
	uint8_t version;
	uint8_t type;
	uint32_t len;
};

/**
 * struct frame_hello - decoded HELLO payload
 * @version:	protocol version the sender speaks
 * @role:	enum frame_role
 * @caps:	capability bits (FRAME_CAP_*); unknown ones are ignored
 * @max_payload: largest packet payload the sender accepts
 * @software:	sender's software version, NUL-terminated, sanitised
 */
struct frame_hello {
	uint16_t version;
	uint16_t role;
	uint32_t caps;
	uint32_t max_payload;
	char software[FRAME_HELLO_SOFTWARE_MAX + 1];
};

/**
 * struct frame_bye - decoded BYE payload
 * @code:	enum frame_bye_code (or unknown)
 * @text:	human-readable reason, NUL-terminated, sanitised
 */
struct frame_bye {
	uint32_t code;
	char text[FRAME_BYE_TEXT_MAX + 1];
};

/**
 * enum frame_gso_type - how an OFFLOAD frame's packet is to be segmented
 * @FRAME_GSO_NONE:	one packet, not to be cut
 * @FRAME_GSO_TCP:	TCP segmentation at gso_size bytes of payload
 * @FRAME_GSO_UDP:	UDP L4 segmentation: datagrams of gso_size bytes of
 *			payload, the last one shorter
 */
enum frame_gso_type {
	FRAME_GSO_NONE = 0,
	FRAME_GSO_TCP = 1,
	FRAME_GSO_UDP = 2,
};

/* Offload header flags: bit 0; the others are reserved, sent as 0 */
#define FRAME_OFFLOAD_CSUM_PARTIAL 0x1U /* L4 checksum: pseudo-header sum */

/**
 * struct frame_offload - decoded offload header of an OFFLOAD frame
 * @gso_type:	enum frame_gso_type
 * @flags:	FRAME_OFFLOAD_CSUM_PARTIAL or 0: the TCP or UDP checksum field
 *		holds only the folded, not complemented, sum of the
 *		pseudo-header, for the receiver (or its kernel) to complete
 * @gso_size:	payload bytes per segment: 0 with FRAME_GSO_NONE, else not 0
 */
struct frame_offload {
	uint8_t gso_type;
	uint8_t flags;
	uint16_t gso_size;
};

/**
 * struct frame_stats - decoded STATS payload
 * @n:		entries
 * @name:	their names, NUL-terminated, [a-z0-9_]
 * @value:	their values
 */
struct frame_stats {
	unsigned n;
	char name[FRAME_STATS_MAX][FRAME_STATS_NAME_MAX + 1];
	uint64_t value[FRAME_STATS_MAX];
};

/* Result codes of frame_decode_hdr() */
#define FRAME_NEED_MORE 1 /* not enough bytes for a header yet */

int frame_decode_hdr(const uint8_t *buf, size_t len, struct frame_hdr *h);
void frame_encode_hdr(uint8_t *buf, uint8_t type, uint32_t len);
size_t frame_encode_hello(uint8_t *buf, size_t cap, uint16_t role,
			  uint32_t caps, uint32_t max_payload,
			  const char *software);
int frame_decode_hello(const uint8_t *p, size_t len, struct frame_hello *h);
size_t frame_encode_bye(uint8_t *buf, size_t cap, uint32_t code,
			const char *text);
int frame_decode_bye(const uint8_t *p, size_t len, struct frame_bye *b);
void frame_encode_offload(uint8_t *buf, const struct frame_offload *o);
int frame_decode_offload(const uint8_t *p, size_t len, struct frame_offload *o);
size_t frame_encode_stats_entry(uint8_t *buf, size_t cap, const char *name,
				uint64_t value);
int frame_decode_stats(const uint8_t *p, size_t len, struct frame_stats *s);
const char *frame_type_str(uint8_t type);
const char *frame_role_str(uint16_t role);

#endif /* REMORA_FRAME_H */
