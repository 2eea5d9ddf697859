/* SPDX-License-Identifier: Apache-2.0 */
/* remora - building a line in a signal handler: no allocation, no stdio */
#ifndef REMORA_SIGSAFE_H
#define REMORA_SIGSAFE_H

#include <stddef.h>

size_t sigsafe_put_str(char *buf, size_t n, size_t cap, const char *s);
size_t sigsafe_put_num(char *buf, size_t n, size_t cap, long v);

#endif /* REMORA_SIGSAFE_H */
