// SPDX-License-Identifier: Apache-2.0
/* remora - injecting packets whole through a tun device, offloads and all
 *
 * A packet written into a tun device arrives in the kernel as if a NIC had
 * received it; with IFF_VNET_HDR, each write starts with a virtio_net_hdr
 * that says how to cut it (gso_type, gso_size) and where its checksum is
 * still to be computed (NEEDS_CSUM, csum_start, csum_offset). The kernel
 * forwards one 64 KB TCP packet through routing, the rules and connection
 * tracking once, and the NIC that sends it (or the kernel's GSO, last)
 * cuts it: remora-host does not cut and does not checksum.
 *
 * The enclave's packets carry the host's own address as their source, so
 * on this device only:
 *  - forwarding is on (the global switches stay as the operator set them);
 *  - accept_local is on: a local source is otherwise a martian;
 *  - rp_filter is off. The kernel applies the larger of the device's value
 *    and net.ipv4.conf.all.rp_filter: at 2 (loose), the device must hold
 *    an address of its own to pass, so it always holds one (192.0.0.8/32,
 *    RFC 7600's dummy address, scope host so nothing leaves from it): with
 *    "all" at 2, and with the device's own value raised to 2 after it was
 *    set here (systemd-udevd applies sysctl.d's net.ipv4.conf.*.rp_filter
 *    to every new interface, 2 in systemd's own 50-default.conf); with
 *    "all" at 1 (strict) no packet whose source is local passes:
 *    tun_setup() says so and remora-host injects with its raw socket
 *    instead.
 * IPv6 has no reverse-path filter in the kernel; per-device forwarding
 * needs force_forwarding (Linux 6.17), written to /proc/sys.
 *
 * The device is not persistent: it goes with the daemon, and with it any
 * way for the enclave's packets to leave.
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "remora/bytes.h"
#include "remora/csum.h"
#include "remora/log.h"
#include "remora/pmtu.h"
#include "remora/rtnl.h"
#include "remora/stats.h"
#include "remora/tun.h"

#define TUN_DEV	       "/dev/net/tun"
#define TUN_RP_ALL     "/proc/sys/net/ipv4/conf/all/rp_filter"
#define TUN_V6_FORWARD "/proc/sys/net/ipv6/conf/%s/force_forwarding"

/**
 * tun_open() - create the device, with virtio_net_hdr and offloads
 * @t:		filled: descriptor, name, offloads
 * @name:	interface name (at most IFNAMSIZ - 1 bytes)
 *
 * The offloads asked for: checksums, TCP segmentation for IPv4 and IPv6,
 * with ECN. A kernel that refuses them is one remora-host cannot inject
 * super-packets into: -EOPNOTSUPP. The device is always a new one
 * (IFF_TUN_EXCL): a tun of that name left persistent would otherwise be
 * attached to, and outlive the daemon with forwarding on.
 *
 * Return: 0, or -errno (-ENOENT: no /dev/net/tun; -EPERM: no
 *	   CAP_NET_ADMIN; -EBUSY: the name is taken by another device)
 */
int tun_open(struct tun *t, const char *name)
{
	unsigned off = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN;
	struct ifreq ifr;
	int rc, hdr = (int)sizeof(struct virtio_net_hdr);

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	if (strlen(name) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	t->fd = open(TUN_DEV, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (t->fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, name);
	/* IFF_TUN_EXCL is the top bit of the short */
	ifr.ifr_flags =
		(short)(IFF_TUN | IFF_NO_PI | IFF_VNET_HDR | IFF_TUN_EXCL);
	if (ioctl(t->fd, TUNSETIFF, &ifr) ||
	    ioctl(t->fd, TUNSETVNETHDRSZ, &hdr))
		goto fail;
	if (ioctl(t->fd, TUNSETOFFLOAD, off)) {
		rc = errno == EINVAL ? -EOPNOTSUPP : -errno;
		tun_close(t);
		return rc;
	}
	t->offload = off;
	memcpy(t->name, ifr.ifr_name, IFNAMSIZ);
	t->name[IFNAMSIZ - 1] = '\0';
	t->ifindex = (int)if_nametoindex(t->name);
	if (!t->ifindex)
		goto fail;
	return 0;
fail:
	rc = -errno;
	tun_close(t);
	return rc;
}

/* net.ipv4.conf.all.rp_filter: 0, 1 or 2 (0 if it cannot be read) */
static int tun_rp_filter_all(void)
{
	char text[8] = "";
	int fd = open(TUN_RP_ALL, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	return n > 0 ? text[0] - '0' : 0;
}

/* IPv6 forwarding from the device alone: 0, or -errno (-ENOENT: a kernel
 * before 6.17, without force_forwarding) */
static int tun_forward6(const struct tun *t)
{
	char path[96];
	int fd, rc = 0;

	snprintf(path, sizeof(path), TUN_V6_FORWARD, t->name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, "1\n", 2) != 2)
		rc = -errno;
	close(fd);
	return rc;
}

/* No IPv6 address of its own on the device, so nothing (router
 * solicitations, MLD reports) is ever sent into it */
static int tun_no_link_local(struct mnl_socket *nl, const struct tun *t)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlattr *spec, *inet6;
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh =
		rtnl_msg(buf, RTM_NEWLINK, 0, sizeof(*ifi), (void **)&ifi);

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = t->ifindex;
	spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	inet6 = mnl_attr_nest_start(nlh, AF_INET6);
	mnl_attr_put_u8(nlh, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
	mnl_attr_nest_end(nlh, inet6);
	mnl_attr_nest_end(nlh, spec);
	return rtnl_request(nl, nlh);
}

/**
 * tun_up_local() - bring the device up as an end of the path, not a hop
 * @t:		from tun_open()
 * @mtu:	its MTU: the largest packet the kernel sends into it
 *
 * remora-enclave's capture device: nothing is forwarded, and no address of
 * its own (no IPv6 link-local address either, so the kernel never sends
 * router solicitations or MLD reports into it).
 *
 * Return: 0, or -errno of the step that failed
 */
int tun_up_local(struct tun *t, uint32_t mtu)
{
	struct mnl_socket *nl = rtnl_open();
	int rc;

	if (!nl)
		return -errno;
	tun_no_link_local(nl, t); /* fails only without IPv6 in the kernel */
	rc = rtnl_link_up(nl, t->ifindex, mtu);
	mnl_socket_close(nl);
	return rc;
}

/**
 * tun_setup() - make the device forward what is written into it, and up
 * @t:		from tun_open()
 * @want6:	IPv6 is carried: forward it from the device too
 * @why6:	if @want6 and IPv6 cannot be forwarded from it, why (@t->v6
 *		stays 0: IPv6 is injected another way)
 *
 * The settings are the device's own (the comment at the top of this
 * file): nothing global changes.
 *
 * Return: 0; TUN_RP_STRICT if the kernel's strict reverse-path filter
 *	   would drop every packet; or -errno of the step that failed
 */
int tun_setup(struct tun *t, int want6, const char **why6)
{
	const uint32_t conf[] = {
		IPV4_DEVCONF_FORWARDING, 1, IPV4_DEVCONF_ACCEPT_LOCAL, 1,
		IPV4_DEVCONF_RP_FILTER,	 0,
	};
	uint32_t dummy = htonl(PMTU_ICMP_SRC);
	int rp = tun_rp_filter_all(), rc;
	struct mnl_socket *nl;

	if (rp == 1)
		return TUN_RP_STRICT;
	nl = rtnl_open();
	if (!nl)
		return -errno;
	rc = rtnl_inet_conf(nl, t->ifindex, conf, sizeof(conf) / 8);
	if (!rc)
		rc = rtnl_addr(nl, t->ifindex, AF_INET, &dummy, 4,
			       RT_SCOPE_HOST);
	/* without IPv6 in the kernel there is nothing to turn off */
	if (!rc)
		tun_no_link_local(nl, t);
	if (!rc && want6) {
		rc = tun_forward6(t);
		t->v6 = !rc;
		if (rc && why6)
			*why6 = rc == -ENOENT
					? "this kernel has no per-device IPv6 forwarding (force_forwarding, Linux 6.17)"
				: rc == -EROFS || rc == -EACCES || rc == -EPERM
					? "/proc/sys/net/ipv6/conf is read-only here"
					: "force_forwarding cannot be set";
		rc = 0;
	}
	if (!rc)
		rc = rtnl_link_up(nl, t->ifindex, TUN_MTU);
	mnl_socket_close(nl);
	return rc;
}

/**
 * tun_close() - remove the device
 * @t:	device (closing one never opened, fd -1, does nothing)
 */
void tun_close(struct tun *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

/**
 * tun_vnet_hdr() - the virtio_net_hdr that goes before a checked packet
 * @vh:		filled
 * @pkt:	the packet: a super-packet's complete checksum is replaced by
 *		the sum of its pseudo-header, as the kernel's GSO wants it
 * @pi:		the packet, parsed
 * @gso_type:	VIRTIO_NET_HDR_GSO_NONE, or a super-packet's: TCPV4, TCPV6
 * @gso_size:	its segments' payload size (super-packets only)
 * @csum_partial: its TCP or UDP checksum field holds the pseudo-header's
 *		sum, for the kernel (or the NIC) to complete
 *
 * A super-packet whose CWR flag is set carries GSO_ECN, as the kernel's
 * own TCP marks it (SKB_GSO_TCP_ECN): CWR goes on the first segment only.
 */
void tun_vnet_hdr(struct virtio_net_hdr *vh, uint8_t *pkt,
		  const struct pkt_info *pi, unsigned gso_type,
		  uint16_t gso_size, int csum_partial)
{
	uint8_t *l4 = pkt + pi->hlen;
	size_t l4len = pi->len - pi->hlen;

	memset(vh, 0, sizeof(*vh));
	if (gso_type != VIRTIO_NET_HDR_GSO_NONE) {
		vh->gso_type = (uint8_t)gso_type;
		if (l4[13] & 0x80) /* CWR */
			vh->gso_type |= VIRTIO_NET_HDR_GSO_ECN;
		vh->gso_size = gso_size;
		vh->hdr_len = (uint16_t)(pi->hlen + pi->thlen);
		if (!csum_partial) {
			put_be16(l4 + 16, (uint16_t)~csum_fold(csum_pseudo(
						  pkt, IPPROTO_TCP, l4len)));
			csum_partial = 1;
		}
	}
	if (csum_partial) {
		vh->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		vh->csum_start = (uint16_t)pi->hlen;
		vh->csum_offset = pi->proto == IPPROTO_TCP ? 16 : 6;
	}
}

/**
 * tun_write() - inject one packet
 * @t:		device
 * @vh:		its virtio_net_hdr
 * @pkt:	the packet
 * @len:	its length
 *
 * The kernel takes the packet in whole, in this call: routing, the rules,
 * forwarding and transmission happen before it returns.
 *
 * Return: 0, or -errno (-EINVAL: the kernel refused the header)
 */
int tun_write(const struct tun *t, const struct virtio_net_hdr *vh,
	      const uint8_t *pkt, size_t len)
{
	struct iovec iov[2] = {
		{.iov_base = (void *)(uintptr_t)vh, .iov_len = sizeof(*vh)},
		{.iov_base = (void *)(uintptr_t)pkt, .iov_len = len},
	};
	ssize_t n;

	do
		n = writev(t->fd, iov, 2);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : 0;
}

/**
 * tun_read() - take one packet the kernel sent into the device
 * @t:		device
 * @vh:		filled: its virtio_net_hdr (segmentation, checksum state)
 * @buf:	the packet, from its IP header
 * @cap:	room in @buf (TUN_MTU takes any packet)
 *
 * Return: its length, 0 if none is waiting, or -errno (-EINVAL: a read
 *	   too short for the header)
 */
ssize_t tun_read(const struct tun *t, struct virtio_net_hdr *vh, uint8_t *buf,
		 size_t cap)
{
	struct iovec iov[2] = {
		{.iov_base = vh, .iov_len = sizeof(*vh)},
		{.iov_base = buf, .iov_len = cap},
	};
	ssize_t n;

	do
		n = readv(t->fd, iov, 2);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	if ((size_t)n < sizeof(*vh))
		return -EINVAL;
	return n - (ssize_t)sizeof(*vh);
}

/**
 * tun_inject() - inject one packet, counted as every injection is
 * @t:		device
 * @vh:		its virtio_net_hdr
 * @pkt:	the packet
 * @len:	its length
 *
 * One call (l2i_inject_calls); the packet is injected (l2i_injected_packets,
 * l2i_injected_bytes) or refused (l2i_drop_inject, and a line at most once
 * a second saying why).
 *
 * Return: tun_write()'s
 */
int tun_inject(const struct tun *t, const struct virtio_net_hdr *vh,
	       const uint8_t *pkt, size_t len)
{
	static struct log_ratelimit rl;
	int rc = tun_write(t, vh, pkt, len);
	unsigned long sup;

	stat_inc(STAT_L2I_INJECT_CALLS);
	if (rc) {
		stat_inc(STAT_L2I_DROP_INJECT);
		if (log_ratelimit_ok(&rl, &sup))
			warn("injection of a %zu-byte packet into %s failed: %s (%lu more failures not shown)",
			     len, t->name, strerror(-rc), sup);
		return rc;
	}
	stat_inc(STAT_L2I_INJECTED_PACKETS);
	stat_add(STAT_L2I_INJECTED_BYTES, len);
	return 0;
}

/**
 * tun_drops_open() - open the device's count of packets the kernel could
 *		      not hand over (its queue full: the reader is behind)
 * @t:	device
 *
 * Start-up only; the file is read with tun_drops() later, under seccomp.
 *
 * Return: a descriptor, or -errno (no sysfs)
 */
int tun_drops_open(const struct tun *t)
{
	char path[80];
	int fd;

	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/tx_dropped",
		 t->name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/**
 * tun_drops() - read the count tun_drops_open() opened
 * @fd:		its descriptor
 * @n:		the count
 *
 * Return: 0, or -1 if it cannot be read
 */
int tun_drops(int fd, uint64_t *n)
{
	char text[32];
	ssize_t r = fd < 0 ? -1 : pread(fd, text, sizeof(text) - 1, 0);
	unsigned long long v;

	if (r <= 0)
		return -1;
	text[r] = '\0';
	if (sscanf(text, "%llu", &v) != 1)
		return -1;
	*n = v;
	return 0;
}

/**
 * tun_set_offload() - change the offloads the device takes
 * @t:		device
 * @off:	TUN_F_* bits (0: the kernel cuts and checksums every packet
 *		before it reaches the device)
 *
 * Return: 0, or -errno
 */
int tun_set_offload(struct tun *t, unsigned off)
{
	if (ioctl(t->fd, TUNSETOFFLOAD, off))
		return -errno;
	t->offload = off;
	return 0;
}
