// SPDX-License-Identifier: Apache-2.0
/* remora - the Internet checksum (RFC 1071)
 *
 * One implementation for every checksum remora writes or checks: IPv4
 * headers, the TCP and UDP checksums of super-packets and of the segments
 * cut from them, ICMP and ICMPv6 errors. csum_add() is the wide sum, read
 * 32 bits at a time in the machine's order (the one's complement sum does
 * not depend on byte order, RFC 1071 2.(B)): it runs over every byte of
 * every segment remora cuts, so it is the hot loop. Its result is kept in
 * network order's terms, so sums from here and from byte-by-byte code add
 * up. csum_fold() folds and complements a sum into the value a checksum
 * field holds.
 */

#include <string.h>

#include "remora/csum.h"

/**
 * csum_add() - add the one's complement sum of some bytes to a sum
 * @sum:	the sum so far (0 to start)
 * @buf:	the bytes, at any alignment
 * @len:	their number; an odd last byte is padded with a zero
 *
 * Return: @sum plus the folded 16-bit sum of @buf, its first byte the high
 *	   one; not folded, not complemented
 */
uint32_t csum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t acc = 0;
	uint32_t w;
	uint16_t h;
	size_t i;

	for (i = 0; i + 4 <= len; i += 4) {
		memcpy(&w, p + i, 4);
		acc += w;
	}
	if (i + 2 <= len) {
		memcpy(&h, p + i, 2);
		acc += h;
		i += 2;
	}
	if (i < len) {
		const uint8_t last[2] = {p[i], 0};

		memcpy(&h, last, 2);
		acc += h;
	}
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	h = (uint16_t)acc;
	memcpy(&w, (const uint8_t[4]){0, 0, 0, 1}, 4);
	if (w != 1) /* little-endian: back to network order */
		h = (uint16_t)(h >> 8 | h << 8);
	return sum + h;
}

/**
 * csum_fold() - a sum as a checksum field holds it
 * @sum:	sum from csum_add() and additions
 *
 * Return: the folded sum, complemented; 0 over bytes whose checksum field
 *	   is right
 */
uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/**
 * csum() - the Internet checksum of some bytes
 * @buf:	the bytes
 * @len:	their number
 *
 * Return: the checksum; 0 over a header whose checksum field is right
 */
uint16_t csum(const void *buf, size_t len)
{
	return csum_fold(csum_add(0, buf, len));
}

/**
 * csum_pseudo() - the sum of a TCP, UDP or ICMPv6 pseudo-header
 * @ip:		the packet's IP header: IPv4 or IPv6, by its version
 * @proto:	the transport protocol
 * @l4len:	bytes from the transport header to the end
 *
 * Return: the sum of the addresses, the protocol and the length, unfolded
 */
uint32_t csum_pseudo(const uint8_t *ip, uint8_t proto, size_t l4len)
{
	uint32_t sum;

	if ((ip[0] >> 4) == 6)
		sum = csum_add(0, ip + 8, 32); /* source and destination */
	else
		sum = csum_add(0, ip + 12, 8);
	return sum + proto + (uint32_t)(l4len & 0xffff) +
	       (uint32_t)(l4len >> 16);
}

/**
 * csum_l4() - a TCP, UDP or ICMPv6 checksum
 * @ip:		the packet's IP header
 * @proto:	the transport protocol
 * @l4:		the transport header, its checksum field zeroed
 * @l4len:	bytes from it to the end of the packet
 *
 * Return: the checksum field's value
 */
uint16_t csum_l4(const uint8_t *ip, uint8_t proto, const uint8_t *l4,
		 size_t l4len)
{
	return csum_fold(csum_add(csum_pseudo(ip, proto, l4len), l4, l4len));
}

/**
 * csum_ip4_header() - write an IPv4 header's checksum
 * @hdr:	the header
 * @ihl:	its length in bytes
 */
void csum_ip4_header(uint8_t *hdr, size_t ihl)
{
	uint16_t c;

	hdr[10] = 0;
	hdr[11] = 0;
	c = csum(hdr, ihl);
	hdr[10] = (uint8_t)(c >> 8);
	hdr[11] = (uint8_t)c;
}
