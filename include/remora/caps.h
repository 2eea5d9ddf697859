/* SPDX-License-Identifier: Apache-2.0 */
/* remora - dropping the capabilities a daemon no longer needs */
#ifndef REMORA_CAPS_H
#define REMORA_CAPS_H

#include <stdint.h>

/* The bit of capability @c (CAP_*) in caps_drop()'s mask */
#define CAPS_BIT(c) (1ULL << (c))

int caps_drop(uint64_t keep);

#endif /* REMORA_CAPS_H */
