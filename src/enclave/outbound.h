/* SPDX-License-Identifier: Apache-2.0 */
/* remora-enclave - the enclave's outbound path: capture, policy, cut, link */
#ifndef REMORA_OUTBOUND_H
#define REMORA_OUTBOUND_H

#include <ev.h>

struct enclave;

void outbound_fit(struct enclave *e);
void outbound_queue_ready(struct ev_loop *loop, ev_io *w, int revents);
void outbound_tun_ready(struct ev_loop *loop, ev_io *w, int revents);

#endif /* REMORA_OUTBOUND_H */
