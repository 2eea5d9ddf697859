/* SPDX-License-Identifier: Apache-2.0 */
/* remora - self-isolation: each daemon's seccomp filter */
#ifndef REMORA_ISOLATION_H
#define REMORA_ISOLATION_H

#include <stddef.h>
#include <sys/types.h>

struct transport_addr;

/* Exit status of a daemon its filter stopped: 128 + SIGSYS, what a shell
 * reports for a process that signal killed */
#define ISOLATION_EXIT_STATUS 159

int isolation_host(void);
int isolation_enclave(const struct transport_addr *link, pid_t app, int tun);
size_t isolation_trap_text(const char *prefix, long nr, const char *name,
			   long pid, char *buf, size_t cap);

#endif /* REMORA_ISOLATION_H */
