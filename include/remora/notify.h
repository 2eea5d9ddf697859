/* SPDX-License-Identifier: Apache-2.0 */
/* remora - readiness and watchdog for systemd (Type=notify) */
#ifndef REMORA_NOTIFY_H
#define REMORA_NOTIFY_H

#include <ev.h>

int notify_send(const char *msg);
void notify_ready(struct ev_loop *loop, const char *status);
void notify_stopping(void);
double notify_watchdog_interval(void);

#endif /* REMORA_NOTIFY_H */
