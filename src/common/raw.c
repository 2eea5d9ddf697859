// SPDX-License-Identifier: Apache-2.0
/* remora - raw IP injection
 *
 * An IPPROTO_RAW socket sends packets exactly as given (IP_HDRINCL is
 * implied, for IPv6 too): the kernel routes them by destination, runs them
 * through the OUTPUT hooks (conntrack sees them, which is how the host
 * finds replies), and fills in only an IPv4 id of zero and the header
 * checksum. One socket per family.
 */

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "remora/log.h"
#include "remora/raw.h"
#include "remora/stats.h"

/**
 * raw_open() - open the injection socket
 * @family:	AF_INET or AF_INET6
 * @mark:	SO_MARK put on every injected packet (0 for none); the host's
 *		rules use it to tell its injections from its own traffic
 *
 * Return: socket, or -errno (-EPERM without CAP_NET_RAW, or without
 *	   CAP_NET_ADMIN when a mark is asked for)
 */
int raw_open(int family, uint32_t mark)
{
	int fd, rc, v = RAW_SNDBUF;

	fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    IPPROTO_RAW);
	if (fd < 0)
		return -errno;
	if (mark && setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark))) {
		rc = -errno;
		close(fd);
		return rc;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	return fd;
}

/**
 * raw_batch_init() - empty batch on socket @fd
 * @b:	batch
 * @fd:	socket from raw_open()
 * @family:	its family
 */
void raw_batch_init(struct raw_batch *b, int fd, int family)
{
	unsigned i;

	memset(b, 0, sizeof(*b));
	b->fd = fd;
	b->family = family;
	for (i = 0; i < RAW_BATCH; i++) {
		b->msgs[i].msg_hdr.msg_iov = &b->iov[i];
		b->msgs[i].msg_hdr.msg_iovlen = 1;
		b->msgs[i].msg_hdr.msg_name = &b->dst[i];
		if (family == AF_INET6) {
			b->msgs[i].msg_hdr.msg_namelen = sizeof(b->dst[i].v6);
			b->dst[i].v6.sin6_family = AF_INET6;
		} else {
			b->msgs[i].msg_hdr.msg_namelen = sizeof(b->dst[i].v4);
			b->dst[i].v4.sin_family = AF_INET;
		}
	}
}

/**
 * raw_batch_add() - hold a packet for the next flush
 * @b:	batch
 * @pkt:	checked packet; must stay valid until the flush
 * @len:	its length
 * @dst:	its destination, network byte order
 *
 * Return: non-zero once the batch is full: the caller flushes it before
 *	   it adds more
 */
int raw_batch_add(struct raw_batch *b, const uint8_t *pkt, size_t len,
		  uint32_t dst)
{
	b->iov[b->n].iov_base = (void *)(uintptr_t)pkt;
	b->iov[b->n].iov_len = len;
	b->dst[b->n].v4.sin_addr.s_addr = dst;
	return ++b->n == RAW_BATCH;
}

/**
 * raw_batch_add6() - hold an IPv6 packet for the next flush
 * @b:	batch on an AF_INET6 socket
 * @pkt:	checked packet; must stay valid until the flush
 * @len:	its length
 * @dst6:	its destination, 16 bytes
 *
 * Return: non-zero once the batch is full, as raw_batch_add()
 */
int raw_batch_add6(struct raw_batch *b, const uint8_t *pkt, size_t len,
		   const uint8_t *dst6)
{
	b->iov[b->n].iov_base = (void *)(uintptr_t)pkt;
	b->iov[b->n].iov_len = len;
	memcpy(&b->dst[b->n].v6.sin6_addr, dst6, 16);
	return ++b->n == RAW_BATCH;
}

/**
 * raw_batch_flush() - inject every held packet
 * @b:	batch
 * @big:	where the packets the kernel refused as larger than their
 *		route's MTU (EMSGSIZE) are listed, for the caller to cut or
 *		answer; NULL to count them as injection drops
 * @max:	room in @big
 *
 * sendmmsg() stops at the first packet the kernel refuses; that one is
 * listed in @big if it is too large for its path, counted as an injection
 * drop otherwise, and the rest are sent on.
 *
 * Return: the number of packets listed in @big
 */
unsigned raw_batch_flush(struct raw_batch *b, struct raw_too_big *big,
			 unsigned max)
{
	static struct log_ratelimit rl;
	unsigned i = 0, k, nbig = 0;
	unsigned long sup;
	int r;

	while (i < b->n) {
		r = sendmmsg(b->fd, b->msgs + i, b->n - i, MSG_DONTWAIT);
		stat_inc(STAT_L2I_INJECT_CALLS);
		if (r > 0) {
			for (k = i; k < i + (unsigned)r; k++)
				stat_add(STAT_L2I_INJECTED_BYTES,
					 b->iov[k].iov_len);
			stat_add(STAT_L2I_INJECTED_PACKETS, (uint64_t)r);
			i += (unsigned)r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EMSGSIZE && big && nbig < max) {
			big[nbig].pkt = b->iov[i].iov_base;
			big[nbig].len = b->iov[i].iov_len;
			nbig++;
			i++;
			continue;
		}
		stat_inc(STAT_L2I_DROP_INJECT);
		if (log_ratelimit_ok(&rl, &sup))
			warn("injection of a %zu-byte packet failed: %s (%lu more failures not shown)",
			     b->iov[i].iov_len, strerror(errno), sup);
		i++;
	}
	b->n = 0;
	return nbig;
}
