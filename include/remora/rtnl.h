/* SPDX-License-Identifier: Apache-2.0 */
/* remora - rtnetlink requests at start-up: links, addresses, settings */
#ifndef REMORA_RTNL_H
#define REMORA_RTNL_H

#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

struct mnl_socket *rtnl_open(void);
struct nlmsghdr *rtnl_msg(char *buf, uint16_t type, uint16_t flags, size_t hlen,
			  void **hdr);
struct nlmsghdr *rtnl_route_msg(char *buf, uint16_t flags, int family,
				unsigned char dst_len, unsigned char protocol,
				int ifindex);
int rtnl_request(struct mnl_socket *nl, struct nlmsghdr *nlh);
int rtnl_link_up(struct mnl_socket *nl, int ifindex, uint32_t mtu);
int rtnl_addr(struct mnl_socket *nl, int ifindex, int family, const void *addr,
	      size_t alen, unsigned char scope);
int rtnl_inet_conf(struct mnl_socket *nl, int ifindex, const uint32_t *conf,
		   size_t n);

#endif /* REMORA_RTNL_H */
