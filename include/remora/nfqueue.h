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

struct mnl_socket;
struct nlmsghdr;

/**
 * struct nfqueue_pkt - one packet taken from the queue
 * @data:	the packet, from its IP header; the taker's to change (to
 *		complete a checksum)
 * @len:	its length
 * @skbinfo:	NFQA_SKB_* flags: NFQA_SKB_CSUMNOTREADY says the TCP/UDP
 *		checksum is still to be computed, NFQA_SKB_GSO that the
 *		packet is an aggregate still to be cut (GSO queues only)
 * @id:		the kernel's packet id, for verdicts
 * @indev:	index of the interface it arrived on (0: none, it was sent
 *		by this host)
 */
struct nfqueue_pkt {
	uint8_t *data;
	size_t len;
	uint32_t skbinfo;
	uint32_t id;
	uint32_t indev;
};

/**
 * struct nfqueue_drain - where a drain of the queue stands
 * @nmsgs:	messages the last recvmmsg() gave
 * @msg:	next of them to walk
 * @nlh:	next netlink message in the buffer walked, NULL for none
 * @left:	bytes from @nlh to the end of that buffer
 * @empty:	the socket had nothing more to give
 * @taken:	packets taken in this drain
 * @last:	id of the last of them
 * @pkt:	the packet handed out last
 */
struct nfqueue_drain {
	int nmsgs;
	int msg;
	const struct nlmsghdr *nlh;
	int left;
	int empty;
	unsigned taken;
	uint32_t last;
	struct nfqueue_pkt pkt;
};

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
 * @pass_on:	queue that nfqueue_pass_on() sends packets to (the kernel
 *		cuts a super-packet for a queue without NFQA_CFG_F_GSO), -1
 *		for none
 * @rd:		the drain under way
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
	struct nfqueue_drain rd;
};

int nfqueue_open(struct nfqueue *q, uint16_t num, uint32_t maxlen, int gso);
int nfqueue_fd(const struct nfqueue *q);
struct nfqueue_pkt *nfqueue_next(struct nfqueue *q);
void nfqueue_pass_on(struct nfqueue *q, const struct nfqueue_pkt *p);
unsigned nfqueue_commit(struct nfqueue *q);
void nfqueue_close(struct nfqueue *q);
int nfqueue_missing(int err);
const char *nfqueue_hint(int err);
int nfqueue_stats_read(int fd, uint16_t num, uint64_t *queue_total,
		       uint64_t *queue_dropped, uint64_t *user_dropped);
int nfqueue_kernel_stats(uint16_t num, uint64_t *queue_total,
			 uint64_t *queue_dropped, uint64_t *user_dropped);

#endif /* REMORA_NFQUEUE_H */
