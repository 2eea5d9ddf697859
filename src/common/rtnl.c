// SPDX-License-Identifier: Apache-2.0
/* remora - rtnetlink requests at start-up: links, addresses, settings
 *
 * One request at a time, each waiting for the kernel's acknowledgement, so
 * that a failure names the step that failed. Start-up only: these block.
 */

#include <errno.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "remora/rtnl.h"

/**
 * rtnl_open() - a bound rtnetlink socket
 *
 * Return: the socket, or NULL with errno set
 */
struct mnl_socket *rtnl_open(void)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	int err;

	if (nl && mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = errno;
		mnl_socket_close(nl);
		errno = err;
		return NULL;
	}
	return nl;
}

/**
 * rtnl_msg() - start a request
 * @buf:	MNL_SOCKET_BUFFER_SIZE bytes
 * @type:	RTM_* message type
 * @flags:	NLM_F_* flags besides NLM_F_REQUEST and NLM_F_ACK
 * @hlen:	size of the message's fixed header
 * @hdr:	where that header (zeroed) is
 *
 * Return: the message, for attributes to be added to
 */
struct nlmsghdr *rtnl_msg(char *buf, uint16_t type, uint16_t flags, size_t hlen,
			  void **hdr)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	*hdr = mnl_nlmsg_put_extra_header(nlh, hlen);
	return nlh;
}

/**
 * rtnl_route_msg() - start a request for a route out of an interface
 * @buf:	MNL_SOCKET_BUFFER_SIZE bytes
 * @flags:	NLM_F_* flags besides NLM_F_REQUEST and NLM_F_ACK
 * @family:	AF_INET or AF_INET6
 * @dst_len:	the destination's prefix length (0: the default route)
 * @protocol:	RTPROT_* (who the route is from)
 * @ifindex:	the interface
 *
 * A unicast route of link scope in the main table, out of @ifindex.
 *
 * Return: the message, for the rest (RTA_DST, RTA_PREFSRC, metrics) to be
 *	   added to
 */
struct nlmsghdr *rtnl_route_msg(char *buf, uint16_t flags, int family,
				unsigned char dst_len, unsigned char protocol,
				int ifindex)
{
	struct rtmsg *rtm;
	struct nlmsghdr *nlh =
		rtnl_msg(buf, RTM_NEWROUTE, flags, sizeof(*rtm), (void **)&rtm);

	rtm->rtm_family = (unsigned char)family;
	rtm->rtm_dst_len = dst_len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = protocol;
	rtm->rtm_scope = RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	return nlh;
}

/**
 * rtnl_request() - send a request and wait for its acknowledgement
 * @nl:		socket from rtnl_open()
 * @nlh:	the request
 *
 * Return: 0, or the kernel's -errno
 */
int rtnl_request(struct mnl_socket *nl, struct nlmsghdr *nlh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	const struct nlmsgerr *e;
	static unsigned seq;
	ssize_t n;
	int len;

	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		len = (int)n;
		for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_type != NLMSG_ERROR ||
			    nlh->nlmsg_seq != seq)
				continue;
			if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
				return -EPROTO;
			e = mnl_nlmsg_get_payload(nlh);
			return e->error;
		}
	}
}

/**
 * rtnl_link_up() - bring an interface up with an MTU
 * @nl:		socket
 * @ifindex:	the interface
 * @mtu:	its MTU
 *
 * Return: 0 or -errno
 */
int rtnl_link_up(struct mnl_socket *nl, int ifindex, uint32_t mtu)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh =
		rtnl_msg(buf, RTM_NEWLINK, 0, sizeof(*ifi), (void **)&ifi);

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return rtnl_request(nl, nlh);
}

/**
 * rtnl_addr() - put a host address (/32, /128) on an interface
 * @nl:		socket
 * @ifindex:	the interface
 * @family:	AF_INET or AF_INET6
 * @addr:	the address, @alen bytes (4 or 16)
 * @alen:	its length
 * @scope:	RT_SCOPE_UNIVERSE, or RT_SCOPE_HOST for one never chosen as
 *		the source of what leaves
 *
 * An IPv6 address skips duplicate address detection. An address already
 * there is replaced: a restart does not fail on its earlier run's.
 *
 * Return: 0 or -errno
 */
int rtnl_addr(struct mnl_socket *nl, int ifindex, int family, const void *addr,
	      size_t alen, unsigned char scope)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ifaddrmsg *ifa;
	struct nlmsghdr *nlh =
		rtnl_msg(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE,
			 sizeof(*ifa), (void **)&ifa);

	ifa->ifa_family = (unsigned char)family;
	ifa->ifa_prefixlen = (unsigned char)(alen * 8);
	ifa->ifa_scope = scope;
	ifa->ifa_index = (unsigned)ifindex;
	if (family == AF_INET6)
		ifa->ifa_flags = IFA_F_NODAD;
	mnl_attr_put(nlh, IFA_LOCAL, alen, addr);
	mnl_attr_put(nlh, IFA_ADDRESS, alen, addr);
	return rtnl_request(nl, nlh);
}

/**
 * rtnl_inet_conf() - set an interface's IPv4 settings
 * @nl:		socket
 * @ifindex:	the interface
 * @conf:	@n pairs of (IPV4_DEVCONF_* index, value)
 * @n:		number of pairs
 *
 * What /proc/sys/net/ipv4/conf/IF/ holds, set through rtnetlink
 * (IFLA_AF_SPEC, IFLA_INET_CONF): it needs CAP_NET_ADMIN only, not a
 * writable /proc/sys, which a service manager may keep read-only.
 *
 * Return: 0 or -errno
 */
int rtnl_inet_conf(struct mnl_socket *nl, int ifindex, const uint32_t *conf,
		   size_t n)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlattr *spec, *inet, *cfg;
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh =
		rtnl_msg(buf, RTM_NEWLINK, 0, sizeof(*ifi), (void **)&ifi);
	size_t i;

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	inet = mnl_attr_nest_start(nlh, AF_INET);
	cfg = mnl_attr_nest_start(nlh, IFLA_INET_CONF);
	for (i = 0; i < n; i++)
		mnl_attr_put_u32(nlh, (uint16_t)conf[2 * i], conf[2 * i + 1]);
	mnl_attr_nest_end(nlh, cfg);
	mnl_attr_nest_end(nlh, inet);
	mnl_attr_nest_end(nlh, spec);
	return rtnl_request(nl, nlh);
}
