/* SPDX-License-Identifier: Apache-2.0 */
/* remora - a bounded view of packet bytes
 *
 * Every byte remora reads of a packet comes from a peer it does not trust.
 * A view is a pointer and a length; view_get() hands out a pointer to N
 * bytes at an offset only if all N are inside, so a header is read through
 * a pointer that was checked once for its whole size (as passt's
 * packet_get() and libnetfilter_queue's helpers do), and no read can run
 * past the end by construction.
 */
#ifndef REMORA_VIEW_H
#define REMORA_VIEW_H

#include <stddef.h>
#include <stdint.h>

/**
 * struct view - bytes that may be read
 * @p:		the first
 * @len:	how many
 */
struct view {
	const uint8_t *p;
	size_t len;
};

/**
 * view_of() - a view of @len bytes at @p
 * @p:		the bytes
 * @len:	their number
 *
 * Return: the view
 */
static inline struct view view_of(const uint8_t *p, size_t len)
{
	return (struct view){.p = p, .len = len};
}

/**
 * view_get() - @n bytes at @off, if they are all in the view
 * @v:		the view
 * @off:	offset of the first
 * @n:		how many are wanted
 *
 * Return: a pointer to them, or NULL if any lies past the end
 */
static inline const uint8_t *view_get(struct view v, size_t off, size_t n)
{
	if (off > v.len || n > v.len - off)
		return NULL;
	return v.p + off;
}

/**
 * view_from() - the bytes of a view from @off to its end
 * @v:		the view
 * @off:	where the new view starts
 *
 * Return: that view, empty if @off is past the end
 */
static inline struct view view_from(struct view v, size_t off)
{
	if (off > v.len)
		return view_of(v.p + v.len, 0);
	return view_of(v.p + off, v.len - off);
}

#endif /* REMORA_VIEW_H */
