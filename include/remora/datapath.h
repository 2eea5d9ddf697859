/* SPDX-License-Identifier: Apache-2.0 */
/* remora - opening a daemon's packet path at start-up, closing it at exit */
#ifndef REMORA_DATAPATH_H
#define REMORA_DATAPATH_H

#include <stdint.h>

struct nfqueue;
struct opts_common;
struct raw_batch;

void datapath_open_raw(struct raw_batch *raw, struct raw_batch *raw6,
		       uint32_t mark, const struct opts_common *c);
void datapath_close(struct raw_batch *raw, struct raw_batch *raw6,
		    struct nfqueue *q);

#endif /* REMORA_DATAPATH_H */
