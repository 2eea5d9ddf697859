/* SPDX-License-Identifier: Apache-2.0 */
/* remora - packets larger than their path: fragments, "fragmentation
 * needed" */
#ifndef REMORA_PMTU_H
#define REMORA_PMTU_H

#include <stddef.h>
#include <stdint.h>

#include "remora/pieces.h"

#define PMTU_ICMP_SRC	  0xc0000008 /* 192.0.0.8, host order (RFC 7600) */
#define PMTU_ICMP_MAX	  576	     /* bytes of an ICMP error, at most */
#define PMTU_MIN_MTU	  68	     /* IPv4's smallest MTU (RFC 791) */
#define PMTU_ICMP6_MAX	  1280	     /* bytes of an ICMPv6 error, at most */
#define PMTU_IPV6_MIN_MTU 1280	     /* IPv6's smallest MTU (RFC 8200) */

int pmtu_fragment(const uint8_t *pkt, size_t len, size_t mtu,
		  struct pieces *out);
size_t pmtu_frag_needed(const uint8_t *pkt, size_t len, size_t mtu,
			uint32_t src, uint8_t *out, size_t cap);
size_t pmtu_too_big6(const uint8_t *pkt, size_t len, size_t mtu, uint8_t *out,
		     size_t cap);
size_t pmtu_route_mtu(int fd, int family, const void *dst);
int pmtu_fragment6(const uint8_t *pkt, size_t len, size_t mtu, uint32_t ident,
		   struct pieces *out);

#endif /* REMORA_PMTU_H */
