/* SPDX-License-Identifier: Apache-2.0 */
/* remora - sets of ports, parsed from "80,443,1024-61439" */
#ifndef REMORA_PORTSET_H
#define REMORA_PORTSET_H

#include <stdint.h>
#include <stddef.h>

/**
 * struct portset - one bit per port, 0 to 65535
 * @bits:	bitmap
 */
struct portset {
	uint64_t bits[65536 / 64];
};

int portset_parse(struct portset *ps, const char *s);
void portset_clear(struct portset *ps);
void portset_add_range(struct portset *ps, uint16_t lo, uint16_t hi);
void portset_subtract(struct portset *ps, const struct portset *out);
unsigned portset_count(const struct portset *ps);
int portset_format(const struct portset *ps, char *buf, size_t len);

/**
 * portset_has() - is @port in the set?
 * @ps:	set
 * @port:	port in host byte order
 *
 * Return: non-zero if present
 */
static inline int portset_has(const struct portset *ps, uint16_t port)
{
	return (ps->bits[port >> 6] >> (port & 63)) & 1;
}

#endif /* REMORA_PORTSET_H */
