/* SPDX-License-Identifier: Apache-2.0 */
/* remora - NFQUEUE over libmnl: bind a queue, take packets, batch verdicts */
#ifndef REMORA_NFQUEUE_H
#define REMORA_NFQUEUE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

#define NFQUEUE_COPY_RANGE     0xffff /* bytes: whole IPv4 packets */
#define NFQUEUE_DEFAULT_MAXLEN 4096   /* packets the kernel may hold for us */
#define NFQUEUE_DRAIN_MAX      64 /* messages per drain: then let others run */
#define NFQUEUE_RCVBUF	       (8 << 20) /* bytes of netlink receive buffer */
#define NFQUEUE_RECV_BATCH     32	 /* messages per recvmmsg() */
#define NFQUEUE_PASS_ON	       1 /* packet callback: requeue to @pass_on */

struct mnl_socket;

/**
 * struct nfqueue - one bound queue
 * @nl:		netlink socket
 * @num:	queue number
 * @portid:	our netlink port id
 * @buf:	NFQUEUE_RECV_BATCH receive buffers of @buf_len bytes each, one
 *		after the other, allocated at open (the first also serves
 *		set-up)
 * @buf_len:	size of one buffer: a whole packet and its attributes
 * @iov:	one per buffer
 * @msgs:	recvmmsg() vector over @iov
 * @pass_on:	queue that packets the callback hands back go to (the
 *		kernel cuts a super-packet for a queue without
 *		NFQA_CFG_F_GSO), -1 for none
 */
struct nfqueue {
	struct mnl_socket *nl;
	uint16_t num;
	uint32_t portid;
	char *buf;
	size_t buf_len;
	struct iovec iov[NFQUEUE_RECV_BATCH];
	struct mmsghdr msgs[NFQUEUE_RECV_BATCH];
	int pass_on;
};

/**
 * typedef nfqueue_packet_fn - called for each queued packet
 * @ctx:	caller's argument
 * @pkt:	the packet, from its IP header; valid during the call only, and
 *		the callee's to change (to complete a checksum)
 * @len:	its length
 * @skbinfo:	NFQA_SKB_* flags: NFQA_SKB_CSUMNOTREADY says the TCP/UDP
 *		checksum is still to be computed, NFQA_SKB_GSO that the
 *		packet is an aggregate still to be cut (GSO queues only)
 *
 * Return: 0 once the packet is taken (its verdict is DROP: it lives on in
 *	   a frame, or was counted as dropped), NFQUEUE_PASS_ON to requeue
 *	   it to the queue's @pass_on queue
 */
typedef int (*nfqueue_packet_fn)(void *ctx, uint8_t *pkt, size_t len,
				 uint32_t skbinfo);

int nfqueue_open(struct nfqueue *q, uint16_t num, uint32_t maxlen, int gso);
int nfqueue_fd(const struct nfqueue *q);
int nfqueue_drain(struct nfqueue *q, nfqueue_packet_fn fn, void *ctx);
void nfqueue_close(struct nfqueue *q);
const char *nfqueue_hint(int err);
int nfqueue_stats_read(int fd, uint16_t num, uint64_t *queue_total,
		       uint64_t *queue_dropped, uint64_t *user_dropped);
int nfqueue_kernel_stats(uint16_t num, uint64_t *queue_total,
			 uint64_t *queue_dropped, uint64_t *user_dropped);

#endif /* REMORA_NFQUEUE_H */
