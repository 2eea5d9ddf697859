/* SPDX-License-Identifier: Apache-2.0 */
/* remora - the packets one packet is cut into, in one buffer */
#ifndef REMORA_PIECES_H
#define REMORA_PIECES_H

#include <stddef.h>
#include <stdint.h>

/* pieces of one packet, at most: 64 KiB cut at an MSS of 512, or in
 * fragments of the smallest MTU that takes one */
#define PIECES_MAX 128
/* bytes the pieces of any packet take: 64 KiB of data and the headers of
 * PIECES_MAX pieces */
#define PIECES_BUF_MAX (96 << 10)

/**
 * struct pieces - the packets a cut wrote, one after the other in a buffer
 * @buf:	the buffer
 * @cap:	its size
 * @used:	bytes of it written
 * @n:		pieces in it
 * @p:		where each starts
 * @len:	each one's length
 */
struct pieces {
	uint8_t *buf;
	size_t cap;
	size_t used;
	int n;
	uint8_t *p[PIECES_MAX];
	size_t len[PIECES_MAX];
};

/**
 * pieces_init() - no pieces yet, in @buf
 * @pc:		pieces
 * @buf:	where they go
 * @cap:	its size
 */
static inline void pieces_init(struct pieces *pc, uint8_t *buf, size_t cap)
{
	pc->buf = buf;
	pc->cap = cap;
	pc->used = 0;
	pc->n = 0;
}

/**
 * pieces_add() - room for the next piece
 * @pc:		pieces
 * @len:	its length
 *
 * Return: where to write it, or NULL if there is no room for it (or for
 *	   another piece)
 */
static inline uint8_t *pieces_add(struct pieces *pc, size_t len)
{
	uint8_t *p;

	if (pc->n == PIECES_MAX || len > pc->cap - pc->used)
		return NULL;
	p = pc->buf + pc->used;
	pc->p[pc->n] = p;
	pc->len[pc->n] = len;
	pc->n++;
	pc->used += len;
	return p;
}

#endif /* REMORA_PIECES_H */
