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
#define FRAME_MAX_LEN		 (FRAME_HDR_LEN + FRAME_MAX_PAYLOAD)
#define FRAME_HELLO_FIXED_LEN	 12  /* bytes before the software string */
#define FRAME_HELLO_SOFTWARE_MAX 64  /* bytes of software version text */
#define FRAME_BYE_FIXED_LEN	 4   /* bytes before the reason text */
#define FRAME_BYE_TEXT_MAX	 128 /* bytes of reason text */

/**
 * enum frame_type - type byte of a frame
 * @FRAME_HELLO:	first frame on a link, both ways: version, role, caps
 * @FRAME_PACKET:	one IP packet, the whole payload
 * @FRAME_KEEPALIVE:	empty; proves the sender is alive
 * @FRAME_BYE:		sender is closing the link, with a reason
 */
enum frame_type {
	FRAME_HELLO = 1,
	FRAME_PACKET = 2,
	FRAME_KEEPALIVE = 3,
	FRAME_BYE = 4,
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
 * @caps:	capability bits (none defined in version 1)
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
const char *frame_type_str(uint8_t type);
const char *frame_role_str(uint16_t role);

#endif /* REMORA_FRAME_H */
