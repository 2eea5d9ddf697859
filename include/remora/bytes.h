/* SPDX-License-Identifier: Apache-2.0 */
/* remora - reading and writing big-endian integers in packets and frames
 *
 * Packets and frames are byte strings in network order, at any alignment:
 * these read and write them a byte at a time, so no pointer is ever cast
 * to a wider type. The caller has checked that the bytes are there (see
 * view.h for reads bounded by construction).
 */
#ifndef REMORA_BYTES_H
#define REMORA_BYTES_H

#include <stdint.h>
#include <string.h>

/**
 * get_be16() - a big-endian 16-bit integer
 * @p:	its first byte
 *
 * Return: the value, host order
 */
static inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/**
 * get_be32() - a big-endian 32-bit integer
 * @p:	its first byte
 *
 * Return: the value, host order
 */
static inline uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/**
 * get_n32() - four bytes kept in network order (an IPv4 address)
 * @p:	the first byte
 *
 * Return: the bytes as a uint32_t in network order, as s_addr holds them
 */
static inline uint32_t get_n32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/**
 * put_be16() - write a 16-bit integer big-endian
 * @p:	where
 * @v:	the value, host order
 */
static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/**
 * put_be32() - write a 32-bit integer big-endian
 * @p:	where
 * @v:	the value, host order
 */
static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif /* REMORA_BYTES_H */
