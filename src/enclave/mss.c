// SPDX-License-Identifier: Apache-2.0
/* remora-enclave - the segment size of the enclave's own TCP connections
 *
 * The enclave's queue takes TCP super-packets whole (NFQA_CFG_F_GSO): the
 * kernel hands over up to 64 KiB of one connection in one message instead
 * of cutting it into 45 segments and queueing each. Those packets must
 * still leave cut at the size the connection's TCP chose (gso_size: the
 * peer's MSS, lowered by path MTU discovery), and the queue does not say
 * what it is. The kernel does, for the socket: sock_diag returns
 * tcp_info.tcpi_snd_mss for the connection's four-tuple. That is the size
 * for a segment whose TCP header has the connection's usual options; the
 * kernel takes from it whatever more options a packet carries (SACK
 * blocks), and so does mss_segment_size().
 *
 * One request per connection per MSS_TTL, answered by the kernel within
 * the send() (no waiting), so the cost is a few microseconds per 100 ms of
 * a busy connection. A remembered size can only be too large once the
 * path's MTU has shrunk: remora-enclave forgets all of them when it injects
 * an ICMP "fragmentation needed", and MSS_TTL bounds what it misses.
 */

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>

#include "mss.h"

#define MSS_REPLY_BUF 8192 /* bytes: one inet_diag_msg with tcp_info */

/* Send one sock_diag request for TCP over @family; @flags NLM_F_DUMP or 0 */
static int mss_request(struct mss_cache *c, int family, uint16_t flags,
		       const struct inet_diag_sockid *id, uint32_t states)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 r;
	} req;

	memset(&req, 0, sizeof(req));
	req.nlh.nlmsg_len = sizeof(req);
	req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | flags;
	req.nlh.nlmsg_seq = ++c->seq;
	req.r.sdiag_family = (uint8_t)family;
	req.r.sdiag_protocol = IPPROTO_TCP;
	req.r.idiag_ext = 1 << (INET_DIAG_INFO - 1);
	req.r.idiag_states = states;
	if (id)
		req.r.id = *id;
	c->queries++;
	if (send(c->fd, &req, sizeof(req), MSG_DONTWAIT) !=
	    (ssize_t)sizeof(req))
		return -errno;
	return 0;
}

/* The connection's tcp_info fields we use, from the answer to the last
 * request. Return: 0, 1 at the end of a dump, -ENOENT if the kernel has no
 * such socket (or no TCP part of sock_diag), -errno otherwise */
static int mss_reply(struct mss_cache *c, uint32_t *snd_mss, uint8_t *options)
{
	uint8_t buf[MSS_REPLY_BUF] __attribute__((aligned(8)));
	const struct nlmsghdr *nlh;
	const struct nlattr *a;
	ssize_t n;
	int len;

	for (;;) {
		n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0)
			return -errno;
		len = (int)n;
		for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != c->seq)
				continue; /* a late answer to an older request */
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e =
					mnl_nlmsg_get_payload(nlh);

				if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
					return -EPROTO;
				return e->error ? e->error : -ENOENT;
			}
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 1;
			if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
			    mnl_nlmsg_get_payload_len(nlh) <
				    sizeof(struct inet_diag_msg))
				return -EPROTO;
			mnl_attr_for_each(a, nlh, sizeof(struct inet_diag_msg))
			{
				const struct tcp_info *ti;

				if (mnl_attr_get_type(a) != INET_DIAG_INFO)
					continue;
				if (mnl_attr_get_payload_len(a) <
				    offsetof(struct tcp_info, tcpi_snd_mss) +
					    sizeof(ti->tcpi_snd_mss))
					return -EPROTO;
				ti = mnl_attr_get_payload(a);
				*snd_mss = ti->tcpi_snd_mss;
				*options = ti->tcpi_options;
				return 0;
			}
			return -EPROTO;
		}
	}
}

/**
 * mss_open() - open the sock_diag socket and check the kernel answers
 * @c:	cache
 *
 * Return: 0, or -errno: -EPROTONOSUPPORT without CONFIG_INET_DIAG, -ENOENT
 *	   without its TCP part (CONFIG_INET_TCP_DIAG)
 */
int mss_open(struct mss_cache *c)
{
	uint32_t m;
	uint8_t o;
	int rc;

	memset(c, 0, sizeof(*c));
	c->fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		       NETLINK_SOCK_DIAG);
	if (c->fd < 0)
		return -errno;
	/* a dump that matches no state: its end comes back at once if the
	 * kernel knows TCP here, -ENOENT if not */
	rc = mss_request(c, AF_INET, NLM_F_DUMP, NULL, 0);
	if (!rc) {
		rc = mss_reply(c, &m, &o);
		rc = rc == 1 ? 0 : rc ? rc : -EPROTO;
	}
	if (rc) {
		close(c->fd);
		c->fd = -1;
	}
	return rc;
}

/* Which slot a connection goes in */
static unsigned mss_slot(const uint8_t *src, const uint8_t *dst, size_t alen,
			 uint16_t sport, uint16_t dport)
{
	uint32_t h = 0x811c9dc5u;
	size_t i;

	for (i = 0; i < alen; i++)
		h = (h ^ src[i]) * 0x01000193u;
	for (i = 0; i < alen; i++)
		h = (h ^ dst[i]) * 0x01000193u;
	h ^= (uint32_t)sport << 16 | dport;
	h *= 0x85ebca6bu;
	return (h ^ h >> 16) & (MSS_SLOTS - 1);
}

/**
 * mss_segment_size() - TCP payload bytes per segment for a super-packet
 * @c:		cache
 * @family:	AF_INET or AF_INET6
 * @src:	the packet's source address (the enclave's): 4 bytes, network
 *		order, or 16
 * @dst:	its destination
 * @sport:	its source port, host order
 * @dport:	its destination port
 * @thlen:	its TCP header length, options included
 * @now:	event-loop time
 *
 * Return: the size, or 0 if the kernel does not know the connection (the
 *	   caller must then let the kernel cut the packet)
 */
size_t mss_segment_size(struct mss_cache *c, int family, const void *src,
			const void *dst, uint16_t sport, uint16_t dport,
			size_t thlen, double now)
{
	size_t alen = family == AF_INET6 ? 16 : 4;
	struct mss_entry *s = &c->slots[mss_slot(src, dst, alen, sport, dport)];
	struct inet_diag_sockid id;
	uint32_t snd_mss;
	uint8_t options;

	if (c->fd < 0)
		return 0;
	if (!s->mss || s->expires <= now || s->family != family ||
	    memcmp(s->src, src, alen) || memcmp(s->dst, dst, alen) ||
	    s->sport != sport || s->dport != dport) {
		memset(&id, 0, sizeof(id));
		id.idiag_sport = htons(sport);
		id.idiag_dport = htons(dport);
		memcpy(id.idiag_src, src, alen);
		memcpy(id.idiag_dst, dst, alen);
		id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
		id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
		s->mss = 0;
		if (mss_request(c, family, 0, &id, ~0u) ||
		    mss_reply(c, &snd_mss, &options) || snd_mss < MSS_MIN ||
		    snd_mss > 65535)
			return 0;
		s->family = (uint8_t)family;
		memset(s->src, 0, sizeof(s->src));
		memset(s->dst, 0, sizeof(s->dst));
		memcpy(s->src, src, alen);
		memcpy(s->dst, dst, alen);
		s->sport = sport;
		s->dport = dport;
		s->mss = (uint16_t)snd_mss;
		s->base = (options & TCPI_OPT_TIMESTAMPS) ? 32 : 20;
		s->expires = now + MSS_TTL;
	}
	/* options beyond the usual ones come out of the payload */
	if (thlen > s->base) {
		if (s->mss < MSS_MIN + (thlen - s->base))
			return 0;
		return s->mss - (thlen - s->base);
	}
	return s->mss;
}

/**
 * mss_forget() - ask the kernel again for every connection
 * @c:	cache
 *
 * Called when a path's MTU may have shrunk.
 */
void mss_forget(struct mss_cache *c)
{
	size_t i;

	for (i = 0; i < MSS_SLOTS; i++)
		c->slots[i].mss = 0;
}

/**
 * mss_close() - release the socket
 * @c:	cache
 */
void mss_close(struct mss_cache *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}
