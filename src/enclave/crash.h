/* SPDX-License-Identifier: Apache-2.0 */
/* remora-enclave - its own crash, said loudly */
#ifndef REMORA_CRASH_H
#define REMORA_CRASH_H

#include <stddef.h>

size_t crash_text(int sig, long pid, char *buf, size_t cap);
void crash_handlers(void);

#endif /* REMORA_CRASH_H */
