/* SPDX-License-Identifier: Apache-2.0 */
/* remora - super-packets: completing checksums, cutting TCP to an MTU */
#ifndef REMORA_GSO_H
#define REMORA_GSO_H

#include <stddef.h>
#include <stdint.h>

#include "remora/pieces.h"

int gso_fill_l4_csum(uint8_t *pkt, size_t len);
/* gso_tcp_segment() flags */
#define GSO_VERIFY_CSUM 0x1 /* refuse a packet whose TCP checksum is wrong */

int gso_tcp_segment(const uint8_t *pkt, size_t len, size_t mtu, unsigned flags,
		    struct pieces *out);

#endif /* REMORA_GSO_H */
