// SPDX-License-Identifier: Apache-2.0
/* remora - port sets: parsing, membership, formatting */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "remora/portset.h"

/**
 * portset_clear() - empty a set
 * @ps:	set
 */
void portset_clear(struct portset *ps)
{
	memset(ps, 0, sizeof(*ps));
}

/**
 * portset_add_range() - add ports @lo to @hi inclusive
 * @ps:	set
 * @lo:	first port
 * @hi:	last port, not below @lo
 */
void portset_add_range(struct portset *ps, uint16_t lo, uint16_t hi)
{
	unsigned p;

	for (p = lo; p <= hi; p++)
		ps->bits[p >> 6] |= 1ULL << (p & 63);
}

/* Parse a port number 0-65535 at *s, advance *s past it */
static int parse_port(const char **s, uint16_t *port)
{
	unsigned long v = 0;
	const char *p = *s;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > 65535)
			return -ERANGE;
		p++;
	}
	*port = (uint16_t)v;
	*s = p;
	return 0;
}

/**
 * portset_parse() - parse a comma-separated list of ports and ranges
 * @ps:	set, cleared first
 * @s:	e.g. "22", "80,443,1024-61439", or "" / "none" for the empty set
 *
 * Return: 0 on success, -EINVAL on a syntax error or reversed range,
 *	   -ERANGE on a port above 65535
 */
int portset_parse(struct portset *ps, const char *s)
{
	uint16_t lo, hi;
	int rc;

	portset_clear(ps);
	if (!*s || !strcmp(s, "none"))
		return 0;
	for (;;) {
		rc = parse_port(&s, &lo);
		if (rc)
			return rc;
		hi = lo;
		if (*s == '-' || *s == ':') {
			s++;
			rc = parse_port(&s, &hi);
			if (rc)
				return rc;
			if (hi < lo)
				return -EINVAL;
		}
		portset_add_range(ps, lo, hi);
		if (!*s)
			return 0;
		if (*s != ',')
			return -EINVAL;
		s++;
	}
}

/**
 * portset_subtract() - remove every port of @out from @ps
 * @ps:	set changed
 * @out:	ports taken out
 */
void portset_subtract(struct portset *ps, const struct portset *out)
{
	size_t i;

	for (i = 0; i < sizeof(ps->bits) / sizeof(ps->bits[0]); i++)
		ps->bits[i] &= ~out->bits[i];
}

/**
 * portset_count() - number of ports in a set
 * @ps:	set
 *
 * Return: count, 0 to 65536
 */
unsigned portset_count(const struct portset *ps)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < sizeof(ps->bits) / sizeof(ps->bits[0]); i++)
		n += (unsigned)__builtin_popcountll(ps->bits[i]);
	return n;
}

/**
 * portset_format() - write a set as "80,443,1024-61439"
 * @ps:	set
 * @buf:	output
 * @len:	size of @buf
 *
 * Return: 0 on success, -ENOSPC if @buf is too small
 */
int portset_format(const struct portset *ps, char *buf, size_t len)
{
	size_t off = 0;
	unsigned p = 0, start;
	int n;

	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	while (p < 65536) {
		if (!portset_has(ps, (uint16_t)p)) {
			p++;
			continue;
		}
		start = p;
		while (p < 65536 && portset_has(ps, (uint16_t)p))
			p++;
		if (start == p - 1)
			n = snprintf(buf + off, len - off, "%s%u",
				     off ? "," : "", start);
		else
			n = snprintf(buf + off, len - off, "%s%u-%u",
				     off ? "," : "", start, p - 1);
		if (n < 0 || (size_t)n >= len - off)
			return -ENOSPC;
		off += (size_t)n;
	}
	return 0;
}
