// SPDX-License-Identifier: Apache-2.0
/* remora - NFQUEUE, on libmnl and libnetfilter_queue's message helpers
 *
 * Every packet remora takes from a queue is dropped in the kernel once it
 * has been taken (it lives on in a frame), so verdicts are all DROP and
 * one NFQNL_MSG_VERDICT_BATCH for the highest id of a drain covers every
 * packet read in it: one verdict syscall per batch, not per packet. The
 * one exception is a super-packet remora-enclave cannot cut itself: its
 * own verdict requeues it to a queue without NFQA_CFG_F_GSO, for which
 * the kernel cuts it (nfqueue_pass_on()).
 *
 * A drain is a loop in the daemon, with no callback:
 *
 *	while ((p = nfqueue_next(q)))
 *		... the packet's way to the link ...
 *	nfqueue_commit(q);
 *
 * No fail-open flag: when remora is not reading, the kernel drops what it
 * cannot queue, so nothing meant for the peer leaks to a local socket.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink_queue.h>

#include "remora/log.h"
#include "remora/nfqueue.h"
#include "remora/prefault.h"
#include "remora/stats.h"

#define NFQUEUE_PROC "/proc/net/netfilter/nfnetlink_queue"

/* NFQUEUE_PROC, open from the first nfqueue_open() on (-1: not yet, or
 * not there) */
static int nfqueue_proc_fd = -1;

/* Send a config message and wait for the kernel's answer to it (start-up
 * only). Once bound, the queue may deliver packets before the answer:
 * those are counted and left to the first batch verdict, which drops them
 * (no link is up yet). */
static int nfqueue_config(struct nfqueue *q, struct nlmsghdr *nlh)
{
	static uint32_t seq;
	const struct nlmsghdr *m;
	int len;
	ssize_t n;

	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = ++seq;
	if (mnl_socket_sendto(q->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(q->nl, q->buf, q->buf_len);
		if (n < 0)
			return -errno;
		len = (int)n;
		for (m = (const struct nlmsghdr *)q->buf; mnl_nlmsg_ok(m, len);
		     m = mnl_nlmsg_next(m, &len)) {
			const struct nlmsgerr *e;

			if (m->nlmsg_type != NLMSG_ERROR) {
				stat_inc(STAT_Q2L_PACKETS);
				stat_inc(STAT_Q2L_DROP_LINK_DOWN);
				continue;
			}
			if (m->nlmsg_seq != seq)
				continue;
			if (mnl_nlmsg_get_payload_len(m) < sizeof(*e))
				return -EPROTO;
			e = mnl_nlmsg_get_payload(m);
			return e->error; /* 0 acknowledges, else -errno */
		}
	}
}

/**
 * nfqueue_open() - bind an NFQUEUE queue, copying whole packets
 * @q:	queue state
 * @num:	queue number, as in the iptables rule's --queue-num
 * @maxlen:	packets the kernel may hold before it drops
 * @gso:	take aggregated (GSO/GRO) packets whole (NFQA_CFG_F_GSO)
 *
 * Return: 0, or -errno; nfqueue_hint() turns the error into advice
 */
int nfqueue_open(struct nfqueue *q, uint16_t num, uint32_t maxlen, int gso)
{
	struct nlmsghdr *nlh;
	int one = 1, rcv = NFQUEUE_RCVBUF, rc, i;

	memset(q, 0, sizeof(*q));
	q->num = num;
	q->pass_on = -1;
	/* each buffer starts aligned for the netlink headers in it */
	q->buf_len = (0xffff + (MNL_SOCKET_BUFFER_SIZE / 2) + 15) & ~(size_t)15;
	q->buf = malloc(q->buf_len * NFQUEUE_RECV_BATCH);
	for (i = 0; q->buf && i < NFQUEUE_RECV_BATCH; i++) {
		q->iov[i].iov_base = q->buf + (size_t)i * q->buf_len;
		q->iov[i].iov_len = q->buf_len;
		q->msgs[i].msg_hdr.msg_iov = &q->iov[i];
		q->msgs[i].msg_hdr.msg_iovlen = 1;
	}
	if (!q->buf)
		return -ENOMEM;
	prefault(q->buf, q->buf_len * NFQUEUE_RECV_BATCH);
	q->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!q->nl) {
		rc = -errno;
		goto fail;
	}
	if (mnl_socket_bind(q->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = -errno;
		goto fail;
	}
	q->portid = mnl_socket_get_portid(q->nl);

	nlh = nfq_nlmsg_put(q->buf, NFQNL_MSG_CONFIG, num);
	nfq_nlmsg_cfg_put_cmd(nlh, AF_INET, NFQNL_CFG_CMD_BIND);
	rc = nfqueue_config(q, nlh);
	if (rc)
		goto fail;

	nlh = nfq_nlmsg_put(q->buf, NFQNL_MSG_CONFIG, num);
	nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_PACKET, NFQUEUE_COPY_RANGE);
	nfq_nlmsg_cfg_put_qmaxlen(nlh, maxlen);
	rc = nfqueue_config(q, nlh);
	if (rc)
		goto fail;

	if (gso) {
		/* packets the kernel aggregated come whole: one message,
		 * frame and injection for up to 64 KiB (checksums may then be
		 * ours to complete: NFQA_SKB_CSUMNOTREADY) */
		nlh = nfq_nlmsg_put(q->buf, NFQNL_MSG_CONFIG, num);
		mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(NFQA_CFG_F_GSO));
		mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(NFQA_CFG_F_GSO));
		rc = nfqueue_config(q, nlh);
		if (rc) {
			/* a kernel without it hands packets one by one */
			warn("queue %u: the kernel does not hand over aggregated packets (%s): taking them one by one",
			     num, strerror(-rc));
			rc = 0;
		}
	}

	/* a full socket must cost packets (counted by the kernel), never the
	 * whole socket: without this, ENOBUFS would stop the reader */
	mnl_socket_setsockopt(q->nl, NETLINK_NO_ENOBUFS, &one, sizeof(one));
	if (setsockopt(mnl_socket_get_fd(q->nl), SOL_SOCKET, SO_RCVBUFFORCE,
		       &rcv, sizeof(rcv)) < 0)
		setsockopt(mnl_socket_get_fd(q->nl), SOL_SOCKET, SO_RCVBUF,
			   &rcv, sizeof(rcv));
	rc = fcntl(mnl_socket_get_fd(q->nl), F_GETFL);
	if (rc < 0 ||
	    fcntl(mnl_socket_get_fd(q->nl), F_SETFL, rc | O_NONBLOCK) < 0) {
		rc = -errno;
		goto fail;
	}
	/* this network namespace's queues, read by nfqueue_kernel_stats() */
	if (nfqueue_proc_fd < 0)
		nfqueue_proc_fd = open(NFQUEUE_PROC, O_RDONLY | O_CLOEXEC);
	return 0;
fail:
	nfqueue_close(q);
	return rc;
}

/**
 * nfqueue_fd() - the socket to watch for readability
 * @q:	queue
 *
 * Return: file descriptor
 */
int nfqueue_fd(const struct nfqueue *q)
{
	return mnl_socket_get_fd(q->nl);
}

static void nfqueue_verdict(struct nfqueue *q, uint16_t type, uint32_t id,
			    uint32_t verdict)
{
	static struct log_ratelimit rl;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	unsigned long sup;

	nlh = nfq_nlmsg_put(buf, type, q->num);
	nfq_nlmsg_verdict_put(nlh, (int)id, (int)verdict);
	if (mnl_socket_sendto(q->nl, nlh, nlh->nlmsg_len) < 0 &&
	    log_ratelimit_ok(&rl, &sup))
		warn("queue %u: verdict failed: %s (%lu more not shown)",
		     q->num, strerror(errno), sup);
}

/* The packet of one queue message, into @p. Return: 1 for a whole packet,
 * -1 for a message whose packet is missing or cut short (counted; its id
 * is still one the batch verdict must cover), 0 for no packet at all */
static int nfqueue_parse(const struct nlmsghdr *nlh, struct nfqueue_pkt *p)
{
	struct nlattr *attr[NFQA_MAX + 1] = {0};
	struct nfqnl_msg_packet_hdr *ph;

	if (nfq_nlmsg_parse(nlh, attr) < 0 || !attr[NFQA_PACKET_HDR])
		return 0;
	if (mnl_attr_get_payload_len(attr[NFQA_PACKET_HDR]) < sizeof(*ph))
		return 0;
	ph = mnl_attr_get_payload(attr[NFQA_PACKET_HDR]);
	p->id = ntohl(ph->packet_id);
	stat_inc(STAT_Q2L_PACKETS);
	if (!attr[NFQA_PAYLOAD] || attr[NFQA_CAP_LEN]) {
		/* no packet, or cut short: nothing whole to forward */
		stat_inc(STAT_Q2L_DROP_MALFORMED);
		return -1;
	}
	p->data = mnl_attr_get_payload(attr[NFQA_PAYLOAD]);
	p->len = mnl_attr_get_payload_len(attr[NFQA_PAYLOAD]);
	stat_add(STAT_Q2L_BYTES, p->len);
	p->skbinfo = 0;
	if (attr[NFQA_SKB_INFO] &&
	    mnl_attr_get_payload_len(attr[NFQA_SKB_INFO]) >= sizeof(uint32_t))
		p->skbinfo = ntohl(mnl_attr_get_u32(attr[NFQA_SKB_INFO]));
	p->indev = 0;
	if (attr[NFQA_IFINDEX_INDEV] &&
	    mnl_attr_get_payload_len(attr[NFQA_IFINDEX_INDEV]) >=
		    sizeof(uint32_t))
		p->indev = ntohl(mnl_attr_get_u32(attr[NFQA_IFINDEX_INDEV]));
	return 1;
}

/* Read the next messages: up to NFQUEUE_RECV_BATCH in one system call.
 * Return: 1 if some were read, 0 if the socket is empty (or failed) */
static int nfqueue_read(struct nfqueue *q)
{
	static struct log_ratelimit rl;
	unsigned long sup;
	int n;

	for (;;) {
		n = recvmmsg(nfqueue_fd(q), q->msgs, NFQUEUE_RECV_BATCH,
			     MSG_DONTWAIT, NULL);
		if (n >= 0)
			break;
		if (errno == EINTR || errno == ENOBUFS)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK &&
		    log_ratelimit_ok(&rl, &sup))
			warn("queue %u: read failed: %s (%lu more not shown)",
			     q->num, strerror(errno), sup);
		q->rd.empty = 1;
		return 0;
	}
	q->rd.nmsgs = n;
	q->rd.msg = 0;
	q->rd.nlh = NULL;
	q->rd.left = 0;
	if (n < NFQUEUE_RECV_BATCH)
		q->rd.empty = 1; /* the socket is empty: no second look */
	return n > 0;
}

/**
 * nfqueue_next() - the next packet of this drain of the queue
 * @q:	queue, readable
 *
 * Reads as it goes, NFQUEUE_RECV_BATCH messages per system call, and
 * stops once NFQUEUE_DRAIN_MAX packets were taken (so other work gets its
 * turn) or the socket is empty. Every packet it hands out is taken: it is
 * dropped in the kernel by nfqueue_commit() (it lives on in a frame, or
 * was counted as dropped) unless nfqueue_pass_on() sends it on first.
 *
 * Return: the packet, valid (and the caller's to change) until the next
 *	   call; NULL when the drain is over: call nfqueue_commit()
 */
struct nfqueue_pkt *nfqueue_next(struct nfqueue *q)
{
	static struct log_ratelimit rl;
	const struct nlmsghdr *nlh;
	unsigned long sup;
	int r;

	for (;;) {
		while (q->rd.nlh && mnl_nlmsg_ok(q->rd.nlh, q->rd.left)) {
			nlh = q->rd.nlh;
			q->rd.nlh = mnl_nlmsg_next(nlh, &q->rd.left);
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e =
					mnl_nlmsg_get_payload(nlh);

				if (mnl_nlmsg_get_payload_len(nlh) >=
					    sizeof(*e) &&
				    e->error && log_ratelimit_ok(&rl, &sup))
					warn("queue %u: kernel error: %s (%lu more not shown)",
					     q->num, strerror(-e->error), sup);
				continue;
			}
			if ((nlh->nlmsg_type & 0xff) != NFQNL_MSG_PACKET)
				continue;
			r = nfqueue_parse(nlh, &q->rd.pkt);
			if (!r)
				continue;
			/* ids start at 1 but wrap: "have one" is not
			 * "last != 0" */
			q->rd.last = q->rd.pkt.id;
			q->rd.taken++;
			if (r > 0)
				return &q->rd.pkt;
		}
		if (q->rd.msg < q->rd.nmsgs) {
			q->rd.nlh = q->iov[q->rd.msg].iov_base;
			q->rd.left = (int)q->msgs[q->rd.msg].msg_len;
			q->rd.msg++;
			continue;
		}
		if (q->rd.empty || q->rd.taken >= NFQUEUE_DRAIN_MAX ||
		    !nfqueue_read(q))
			return NULL;
	}
}

/**
 * nfqueue_pass_on() - requeue a packet to the queue's @pass_on queue
 * @q:	queue
 * @p:	packet from nfqueue_next(), not yet committed
 *
 * Its own verdict, sent now, before the batch's DROP would cover it: the
 * kernel cuts a super-packet for a queue without NFQA_CFG_F_GSO.
 */
void nfqueue_pass_on(struct nfqueue *q, const struct nfqueue_pkt *p)
{
	if (q->pass_on >= 0)
		nfqueue_verdict(q, NFQNL_MSG_VERDICT, p->id,
				NF_QUEUE_NR((uint32_t)q->pass_on));
}

/**
 * nfqueue_commit() - end a drain: one DROP verdict for every packet taken
 * @q:	queue
 *
 * Return: the number of packets the drain took
 */
unsigned nfqueue_commit(struct nfqueue *q)
{
	unsigned taken = q->rd.taken;

	if (taken)
		nfqueue_verdict(q, NFQNL_MSG_VERDICT_BATCH, q->rd.last,
				NF_DROP);
	memset(&q->rd, 0, sizeof(q->rd));
	return taken;
}

/**
 * nfqueue_close() - unbind and release
 * @q:	queue
 */
void nfqueue_close(struct nfqueue *q)
{
	if (q->nl)
		mnl_socket_close(q->nl); /* the kernel unbinds on close */
	q->nl = NULL;
	free(q->buf);
	q->buf = NULL;
}

/* Does this process hold CAP_NET_ADMIN (bit 12 of CapEff)? */
static int nfqueue_have_net_admin(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	unsigned long long caps = 0;
	char line[128];

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			break;
	fclose(f);
	return (caps >> 12) & 1;
}

/**
 * nfqueue_missing() - does a queue error say the kernel has no queue?
 * @err:	negative errno from nfqueue_open()
 *
 * Return: 1 for a kernel without netfilter netlink or its queue, 0 for any
 *	   other failure (the queue held by another process, no privilege)
 */
int nfqueue_missing(int err)
{
	switch (-err) {
	case EPROTONOSUPPORT:
	case EAFNOSUPPORT:
	case ENOENT:
	case EOPNOTSUPP:
	case EINVAL:
		return 1;
	default:
		return 0;
	}
}

/**
 * nfqueue_hint() - what an operator should do about a queue error
 * @err:	negative errno from nfqueue_open()
 *
 * Return: static advice string
 */
const char *nfqueue_hint(int err)
{
	switch (-err) {
	case EPERM:
		/* the kernel says EPERM both to the unprivileged and to a
		 * second process binding a queue that is already held */
		if (nfqueue_have_net_admin())
			return "another process already holds this queue number (another remora running?)";
		return "binding a queue needs CAP_NET_ADMIN: run as root";
	case EACCES:
		return "binding a queue needs CAP_NET_ADMIN: run as root";
	case EBUSY:
		return "another process already holds this queue number";
	case EPROTONOSUPPORT:
	case EAFNOSUPPORT:
		return "this kernel has no netfilter netlink (CONFIG_NETFILTER_NETLINK)";
	default:
		return nfqueue_missing(err)
			       ? "NFQUEUE is not available: load nfnetlink_queue (modprobe nfnetlink_queue) or enable CONFIG_NETFILTER_NETLINK_QUEUE"
			       : "see the kernel log";
	}
}

/* One line of the kernel's queue counters: is it queue @num's? */
static int nfqueue_stats_line(const char *line, uint16_t num,
			      uint64_t *queue_total, uint64_t *queue_dropped,
			      uint64_t *user_dropped)
{
	unsigned long long qn, portid, total, mode, range, qd, ud;

	if (sscanf(line, "%llu %llu %llu %llu %llu %llu %llu", &qn, &portid,
		   &total, &mode, &range, &qd, &ud) != 7 ||
	    qn != num)
		return 0;
	*queue_total = total;
	*queue_dropped = qd;
	*user_dropped = ud;
	return 1;
}

/**
 * nfqueue_stats_read() - one queue's line of the kernel's queue counters
 * @fd:		/proc/net/netfilter/nfnetlink_queue (or a file like it), read
 *		from its start with pread(), whatever its offset
 * @num:	queue number
 * @queue_total: packets waiting in the queue now
 * @queue_dropped: packets dropped because the queue was full
 * @user_dropped: packets dropped because the daemon's socket was full
 *
 * Read in pieces into a buffer on the stack; a line cut by a piece's end is
 * completed by the next, and a line longer than the buffer (none is in the
 * kernel's file) is skipped whole.
 *
 * Return: 0, -ENOENT if the queue is not listed, or another -errno
 */
int nfqueue_stats_read(int fd, uint16_t num, uint64_t *queue_total,
		       uint64_t *queue_dropped, uint64_t *user_dropped)
{
	char buf[1024], *line, *nl;
	size_t have = 0;
	int skip = 0;
	off_t off = 0;
	ssize_t n;

	while ((n = pread(fd, buf + have, sizeof(buf) - 1 - have, off)) > 0) {
		off += n;
		have += (size_t)n;
		buf[have] = '\0';
		for (line = buf; (nl = strchr(line, '\n')); line = nl + 1) {
			*nl = '\0';
			if (!skip &&
			    nfqueue_stats_line(line, num, queue_total,
					       queue_dropped, user_dropped))
				return 0;
			skip = 0; /* past the end of an overlong line */
		}
		have = strlen(line);
		if (have == sizeof(buf) - 1) {
			have = 0;
			skip = 1;
		}
		memmove(buf, line, have);
	}
	if (n < 0)
		return -errno;
	/* the last line, if the file does not end with a newline */
	buf[have] = '\0';
	if (!skip && nfqueue_stats_line(buf, num, queue_total, queue_dropped,
					user_dropped))
		return 0;
	return -ENOENT;
}

/**
 * nfqueue_kernel_stats() - the kernel's own counters for a queue
 * @num:	queue number
 * @queue_total: packets waiting in the queue now
 * @queue_dropped: packets dropped because the queue was full
 * @user_dropped: packets dropped because our socket buffer was full
 *
 * Read from /proc/net/netfilter/nfnetlink_queue, so drops that happen
 * before remora sees a packet are visible too. The file is opened once,
 * by nfqueue_open() (once set up, the daemon's seccomp filter lets it open
 * no file), and read from its start each time.
 *
 * Return: 0, -ENOENT if the queue is not listed, or another -errno
 */
int nfqueue_kernel_stats(uint16_t num, uint64_t *queue_total,
			 uint64_t *queue_dropped, uint64_t *user_dropped)
{
	if (nfqueue_proc_fd < 0)
		return -ENOENT;
	return nfqueue_stats_read(nfqueue_proc_fd, num, queue_total,
				  queue_dropped, user_dropped);
}
