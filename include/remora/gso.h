/* SPDX-License-Identifier: Apache-2.0 */
/* remora - super-packets: completing checksums, cutting TCP to an MTU */
#ifndef REMORA_GSO_H
#define REMORA_GSO_H

#include <stddef.h>
#include <stdint.h>

#include "remora/frame.h"
#include "remora/pieces.h"
#include "remora/pkt.h"

/* the smallest segment size an offload header may give: the kernel's
 * smallest TCP MSS (tcp_min_snd_mss), so one super-packet of 64 KiB is at
 * most about 1,400 segments */
#define GSO_MIN_SEG 48

int gso_fill_l4_csum(uint8_t *pkt, size_t len);
/* gso_tcp_segment() flags */
#define GSO_VERIFY_CSUM 0x1 /* refuse a packet whose TCP checksum is wrong */

int gso_tcp_segment(const uint8_t *pkt, size_t len, size_t mtu, unsigned flags,
		    struct pieces *out);
enum pkt_verdict gso_offload_check(const uint8_t *pkt,
				   const struct pkt_info *pi,
				   const struct frame_offload *off);

#endif /* REMORA_GSO_H */
