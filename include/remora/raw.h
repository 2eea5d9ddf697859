/* SPDX-License-Identifier: Apache-2.0 */
/* remora - injecting whole IPv4 packets into the local stack, in batches */
#ifndef REMORA_RAW_H
#define REMORA_RAW_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define RAW_BATCH  64	     /* packets per sendmmsg() */
#define RAW_SNDBUF (8 << 20) /* bytes */

/**
 * typedef raw_too_big_fn - a packet the kernel refused as too large
 * @ctx:	the batch's @ctx
 * @pkt:	the packet
 * @len:	its length
 * @dst:	its destination, network order
 *
 * Called from raw_batch_flush() for a packet larger than the MTU of the
 * interface it would leave by (EMSGSIZE); it counts what it does.
 */
typedef void (*raw_too_big_fn)(void *ctx, const uint8_t *pkt, size_t len,
			       uint32_t dst);

/**
 * struct raw_batch - packets waiting to be injected with one sendmmsg()
 * @fd:		raw socket (IPPROTO_RAW: the packet carries its own header)
 * @n:		packets held
 * @msgs:	one message per packet
 * @iov:	one vector per packet, pointing at the caller's bytes
 * @dst:	one destination per packet, for the route lookup
 * @too_big:	handles packets too large for their path, or NULL to count
 *		them as injection drops
 * @ctx:	@too_big's argument
 */
struct raw_batch {
	int fd;
	unsigned n;
	struct mmsghdr msgs[RAW_BATCH];
	struct iovec iov[RAW_BATCH];
	struct sockaddr_in dst[RAW_BATCH];
	raw_too_big_fn too_big;
	void *ctx;
};

int raw_open(uint32_t mark);
void raw_batch_init(struct raw_batch *b, int fd);
void raw_batch_add(struct raw_batch *b, const uint8_t *pkt, size_t len,
		   uint32_t dst);
void raw_batch_flush(struct raw_batch *b);

#endif /* REMORA_RAW_H */
