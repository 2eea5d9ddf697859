/* SPDX-License-Identifier: Apache-2.0 */
/* remora-enclave - the segment size of the enclave's own TCP connections */
#ifndef REMORA_MSS_H
#define REMORA_MSS_H

#include <stddef.h>
#include <stdint.h>

#define MSS_SLOTS 256 /* connections remembered (direct-mapped) */
#define MSS_TTL	  0.1 /* s: a remembered size is asked again after */
#define MSS_MIN	  64  /* bytes: a smaller answer is not believed */

/**
 * struct mss_entry - one connection's segment size
 * @family:	AF_INET or AF_INET6
 * @src:	local address: 4 bytes (network order) or 16
 * @dst:	remote address
 * @sport:	local port (host order)
 * @dport:	remote port
 * @mss:	the kernel's tcpi_snd_mss for it, 0 if the slot is empty
 * @base:	TCP header length that @mss assumes (20, or 32 with
 *		timestamps)
 * @expires:	event-loop time after which it is asked again
 */
struct mss_entry {
	uint8_t family;
	uint8_t src[16];
	uint8_t dst[16];
	uint16_t sport;
	uint16_t dport;
	uint16_t mss;
	uint16_t base;
	double expires;
};

/**
 * struct mss_cache - asks the kernel (sock_diag) and remembers the answer
 * @fd:		NETLINK_SOCK_DIAG socket, -1 when unavailable
 * @seq:	netlink sequence number of the last request
 * @queries:	requests sent to the kernel
 * @slots:	remembered connections
 */
struct mss_cache {
	int fd;
	uint32_t seq;
	uint64_t queries;
	struct mss_entry slots[MSS_SLOTS];
};

int mss_open(struct mss_cache *c);
size_t mss_segment_size(struct mss_cache *c, int family, const void *src,
			const void *dst, uint16_t sport, uint16_t dport,
			size_t thlen, double now);
void mss_forget(struct mss_cache *c);
void mss_close(struct mss_cache *c);

#endif /* REMORA_MSS_H */
