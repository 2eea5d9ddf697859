// SPDX-License-Identifier: Apache-2.0
/* remora - building a line in a signal handler
 *
 * A daemon that crashes, or that its seccomp filter stops, says so in one
 * line from its signal handler, where only async-signal-safe code may
 * run: no allocation, no stdio, no locale. These append text and numbers
 * to a buffer; a line that does not fit is cut.
 */

#include "remora/sigsafe.h"

/**
 * sigsafe_put_str() - append text
 * @buf:	the line
 * @n:		its length so far
 * @cap:	its size
 * @s:		the text
 *
 * Return: the new length
 */
size_t sigsafe_put_str(char *buf, size_t n, size_t cap, const char *s)
{
	while (*s && n < cap)
		buf[n++] = *s++;
	return n;
}

/**
 * sigsafe_put_num() - append a number in decimal
 * @buf:	the line
 * @n:		its length so far
 * @cap:	its size
 * @v:		the number
 *
 * Return: the new length
 */
size_t sigsafe_put_num(char *buf, size_t n, size_t cap, long v)
{
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
	char d[24];
	size_t k = 0;

	if (v < 0 && n < cap)
		buf[n++] = '-';
	do
		d[k++] = (char)('0' + u % 10);
	while ((u /= 10) && k < sizeof(d));
	while (k && n < cap)
		buf[n++] = d[--k];
	return n;
}
