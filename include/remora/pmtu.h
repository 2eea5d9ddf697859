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

#define PMTU_CACHE_SLOTS 256 /* destinations remembered */
#define PMTU_CACHE_TTL	 1.0 /* seconds an MTU is trusted */

/**
 * struct pmtu_cache_slot - the route MTU of one destination, for a while
 * @addr:	the destination: 4 bytes (IPv4) or 16
 * @family:	AF_INET or AF_INET6; 0 if the slot is empty
 * @mtu:	its MTU (0: unknown)
 * @expires:	event-loop time after which it is asked again
 */
struct pmtu_cache_slot {
	uint8_t addr[16];
	uint8_t family;
	uint32_t mtu;
	double expires;
};

/**
 * struct pmtu_cache - route MTUs of recent destinations, so that a packet
 *		       is checked against its path without a system call
 * @fd:		UDP socket for IPv4 lookups (pmtu_route_mtu()), or -1
 * @fd6:	for IPv6, or -1
 * @lookups:	lookups made (misses and expiries), for tests
 * @slot:	one per hash of a destination; a collision replaces
 */
struct pmtu_cache {
	int fd;
	int fd6;
	unsigned long lookups;
	struct pmtu_cache_slot slot[PMTU_CACHE_SLOTS];
};

size_t pmtu_cache_mtu(struct pmtu_cache *c, int family, const void *dst,
		      double now);
int pmtu_fragment6(const uint8_t *pkt, size_t len, size_t mtu, uint32_t ident,
		   struct pieces *out);

#endif /* REMORA_PMTU_H */
