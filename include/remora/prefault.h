/* SPDX-License-Identifier: Apache-2.0 */
/* remora - touch a buffer's pages at start-up */
#ifndef REMORA_PREFAULT_H
#define REMORA_PREFAULT_H

#include <stddef.h>

/**
 * prefault() - make every page of a new buffer resident now
 * @p:		buffer
 * @len:	its size
 *
 * Buffers are allocated once, at start-up; touching them there means the
 * packet path takes no page fault and the daemon's memory is, from the
 * start, what it will be under any load. (A memset() of zeros after
 * malloc() may be turned into calloc(), which touches nothing: each page
 * gets a volatile write instead.)
 */
static inline void prefault(void *p, size_t len)
{
	volatile unsigned char *b = p;
	size_t i;

	for (i = 0; i < len; i += 4096)
		b[i] = 0;
	if (len)
		b[len - 1] = 0;
}

#endif /* REMORA_PREFAULT_H */
