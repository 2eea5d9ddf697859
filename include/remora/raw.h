/* SPDX-License-Identifier: Apache-2.0 */
/* remora - injecting whole IP packets into the local stack, in batches */
#ifndef REMORA_RAW_H
#define REMORA_RAW_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define RAW_BATCH  64	     /* packets per sendmmsg() */
#define RAW_SNDBUF (8 << 20) /* bytes */

/**
 * struct raw_too_big - a packet the kernel refused as larger than the MTU
 *			of the interface it would leave by (EMSGSIZE)
 * @pkt:	the packet, valid as long as the caller keeps it
 * @len:	its length
 */
struct raw_too_big {
	const uint8_t *pkt;
	size_t len;
};

/**
 * union raw_dst - where a packet goes, for the route lookup
 * @v4:	IPv4 destination
 * @v6:	IPv6 destination
 */
union raw_dst {
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
};

/**
 * struct raw_batch - packets waiting to be injected with one sendmmsg()
 * @fd:		raw socket (IPPROTO_RAW: the packet carries its own header),
 *		of one family
 * @family:	AF_INET or AF_INET6
 * @n:		packets held
 * @msgs:	one message per packet
 * @iov:	one vector per packet, pointing at the caller's bytes
 * @dst:	one destination per packet, for the route lookup
 */
struct raw_batch {
	int fd;
	int family;
	unsigned n;
	struct mmsghdr msgs[RAW_BATCH];
	struct iovec iov[RAW_BATCH];
	union raw_dst dst[RAW_BATCH];
};

int raw_open(int family, uint32_t mark);
void raw_batch_init(struct raw_batch *b, int fd, int family);
int raw_batch_add(struct raw_batch *b, const uint8_t *pkt, size_t len,
		  uint32_t dst);
int raw_batch_add6(struct raw_batch *b, const uint8_t *pkt, size_t len,
		   const uint8_t *dst6);
unsigned raw_batch_flush(struct raw_batch *b, struct raw_too_big *big,
			 unsigned max);

#endif /* REMORA_RAW_H */
