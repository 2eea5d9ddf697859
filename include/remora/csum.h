/* SPDX-License-Identifier: Apache-2.0 */
/* remora - the Internet checksum (RFC 1071): sums, folds, pseudo-headers */
#ifndef REMORA_CSUM_H
#define REMORA_CSUM_H

#include <stddef.h>
#include <stdint.h>

uint32_t csum_add(uint32_t sum, const void *buf, size_t len);
uint16_t csum_fold(uint32_t sum);
uint16_t csum(const void *buf, size_t len);
uint32_t csum_pseudo(const uint8_t *ip, uint8_t proto, size_t l4len);
uint16_t csum_l4(const uint8_t *ip, uint8_t proto, const uint8_t *l4,
		 size_t l4len);
void csum_ip4_header(uint8_t *hdr, size_t ihl);

/**
 * csum_odd() - the sum of bytes that sit at an odd offset of a larger sum
 * @part:	their sum, as csum_add() gives it from 0
 *
 * Each byte pair of such a part straddles a pair of the whole: its sum
 * weighs in byte-swapped (RFC 1071, 2.(B)).
 *
 * Return: @part as the whole's sum counts it
 */
static inline uint32_t csum_odd(uint32_t part)
{
	part = (part & 0xffff) + (part >> 16);
	part = (part & 0xffff) + (part >> 16);
	return (uint16_t)(part >> 8 | part << 8);
}

#endif /* REMORA_CSUM_H */
