/* SPDX-License-Identifier: Apache-2.0 */
/* remora - packets from the peer that a check refused: counted by reason */
#ifndef REMORA_REFUSE_H
#define REMORA_REFUSE_H

#include "remora/pkt.h"

void refuse_count(enum pkt_verdict v, const struct pkt_info *pi);

#endif /* REMORA_REFUSE_H */
