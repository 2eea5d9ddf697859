/* SPDX-License-Identifier: Apache-2.0 */
/* remora - what the unit tests share about packets: a reference Internet
 * checksum (RFC 1071), one byte pair at a time and sharing nothing with
 * src/common/csum.c, so that remora's sums are checked against something
 * that is not the code under test; and the headers of the packets they
 * build, written byte by byte. Free of cmocka: cases that run in a forked
 * child use it too. */
#ifndef REMORA_TESTPKT_H
#define REMORA_TESTPKT_H

#include <stddef.h>
#include <stdint.h>

/* The reference checksum */
uint32_t ref_sum(uint32_t sum, const uint8_t *p, size_t len);
uint16_t ref_fold(uint32_t sum);
int ref_verifies(uint32_t sum);
uint16_t ref_pseudo(const uint8_t *ip, uint8_t proto, size_t l4len);
int ref_l4_ok(const uint8_t *ip, size_t len, size_t hl, uint8_t proto);
int ref_ip4_l4_ok(const uint8_t *ip, size_t len);
void ref_l4_fill(uint8_t *ip, size_t len, size_t hl, uint8_t proto, size_t off);
void ref_l4_partial(uint8_t *ip, size_t len, size_t hl, uint8_t proto,
		    size_t off);
void ref_ip4_fill(uint8_t *ip);

/* Packets */
void tp_put16(uint8_t *p, uint16_t v);
void tp_pattern(uint8_t *p, size_t from, size_t to, unsigned mul, unsigned add);

#define TP_DF 0x4000 /* IPv4's don't-fragment flag, in struct tp_ip4.frag */

/**
 * struct tp_ip4 - an IPv4 header (TTL 64)
 * @src:	source address, text ("198.18.0.2")
 * @dst:	destination address, text
 * @proto:	protocol
 * @id:		identification
 * @frag:	flags (TP_DF, 0x2000 more fragments) and fragment offset
 * @opts:	@optlen bytes of options (a multiple of 4), or NULL for zeros
 * @optlen:	their length
 */
struct tp_ip4 {
	const char *src, *dst;
	uint8_t proto;
	uint16_t id, frag;
	const void *opts;
	size_t optlen;
};

size_t tp_ip4(uint8_t *p, const struct tp_ip4 *h, size_t l4len);
void tp_ip6(uint8_t *p, const char *src, const char *dst, uint8_t nh,
	    size_t plen);

/**
 * struct tp_tcp - a TCP header (acknowledgement number, checksum and
 *		   urgent pointer zero)
 * @sport:	source port
 * @dport:	destination port
 * @seq:	sequence number
 * @flags:	flags (0x02 SYN, 0x10 ACK...)
 * @win:	window
 * @opts:	@optlen bytes of options (a multiple of 4), or NULL for zeros
 * @optlen:	their length
 */
struct tp_tcp {
	uint16_t sport, dport;
	uint32_t seq;
	uint8_t flags;
	uint16_t win;
	const void *opts;
	size_t optlen;
};

size_t tp_tcp(uint8_t *th, const struct tp_tcp *t);
size_t tp_tcp_ts(uint8_t *th, uint8_t flags);

#endif /* REMORA_TESTPKT_H */
