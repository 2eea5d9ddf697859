/* SPDX-License-Identifier: Apache-2.0 */
/* remora - dropping the capabilities a daemon no longer needs */
#ifndef REMORA_DAEMON_H
#define REMORA_DAEMON_H

#include <stdint.h>

/* The bit of capability @c (CAP_*) in daemon_drop_capabilities()'s mask */
#define DAEMON_CAP(c) (1ULL << (c))

int daemon_drop_capabilities(uint64_t keep);

#endif /* REMORA_DAEMON_H */
