// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of the tun device remora-host injects into (tun.c),
 * for real: each case runs in a forked child, in a network namespace of
 * its own, so nothing the test process or the machine sees changes. The
 * device's settings are read back where the kernel keeps them (/proc/sys,
 * its addresses, TUNGETIFF); packets written into it are counted by the
 * kernel, answered by it, and forwarded by it, a super-packet cut into
 * segments whose checksums are checked here. Skipped without root or
 * /dev/net/tun; a case that needs veth, or a kernel that forwards IPv6
 * per device, is skipped where there is none. */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "remora/pkt.h"
#include "remora/pmtu.h"
#include "remora/rtnl.h"
#include "remora/tun.h"
#include "testpkt.h"

#define NAME	   "rmrtest0"
#define OTHER	   "rmrtest1"
#define CHILD_SKIP 77 /* the child's status: the case cannot run here */
#define CHILD_FAIL 1  /* the child's status: a check failed (why: its pipe) */
#define WHY_MAX	   512

#define CONF4 "/proc/sys/net/ipv4/conf/"
#define CONF6 "/proc/sys/net/ipv6/conf/"

/* The host's own address (on lo); one beyond the second tun, and its
 * network (a /24) */
#define LOCAL_ADDR  "198.18.0.1"
#define REMOTE_ADDR "203.0.113.7"
#define REMOTE_NET  "203.0.113.0"

static char why[WHY_MAX]; /* in a child: why its case failed or skipped */

/* In a child: say why, and return @status */
static int child_says(int status, int line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(why, sizeof(why), "line %d: ", line);

	va_start(ap, fmt);
	vsnprintf(why + n, sizeof(why) - (size_t)n, fmt, ap);
	va_end(ap);
	return status;
}

/* In a child: the case fails unless @cond */
#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond))                                               \
			return child_says(CHILD_FAIL, __LINE__, "%s (%s)", \
					  #cond, strerror(errno));         \
	} while (0)

/* In a child: the case fails unless @a == @b (integers) */
#define CHECK_EQ(a, b)                                                         \
	do {                                                                   \
		long long a_ = (long long)(a), b_ = (long long)(b);            \
		if (a_ != b_)                                                  \
			return child_says(CHILD_FAIL, __LINE__,                \
					  "%s is %lld, not %lld", #a, a_, b_); \
	} while (0)

/* cmocka's skip(), saying why */
static void skip_because(const char *reason)
{
	print_message("%s\n", reason);
	skip();
}

/* Run @fn in a child, in a network namespace of its own: fail with what
 * it says, or skip */
static void in_netns(int (*fn)(void))
{
	char msg[WHY_MAX] = "";
	ssize_t n;
	size_t len = 0;
	int pfd[2], status;
	pid_t pid;

	if (geteuid())
		skip_because("needs root");
	if (access("/dev/net/tun", R_OK | W_OK))
		skip_because("no /dev/net/tun here");
	assert_int_equal(pipe(pfd), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		close(pfd[0]);
		alarm(20); /* never outlives a case that hangs */
		if (unshare(CLONE_NEWNET))
			status = child_says(
				CHILD_SKIP, __LINE__,
				"cannot make a network namespace: %s",
				strerror(errno));
		else
			status = fn();
		if (status && write(pfd[1], why, strlen(why)) < 0)
			status = CHILD_FAIL;
		_exit(status);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], msg + len, sizeof(msg) - 1 - len)) > 0)
		len += (size_t)n;
	msg[len] = '\0';
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_SKIP)
		skip_because(msg);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail_msg("status %#x: %s", status, msg);
}

/* An integer setting from /proc/sys: its value, or -1 */
static long sysctl_get(const char *path)
{
	char text[32] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	return n > 0 ? strtol(text, NULL, 10) : -1;
}

/* Write @value to a /proc/sys setting. Return: 0 or -errno */
static int sysctl_set(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* A setting of @dev under @base (CONF4 or CONF6) */
static long dev_conf(const char *base, const char *dev, const char *key)
{
	char path[128];

	snprintf(path, sizeof(path), "%s%s/%s", base, dev, key);
	return sysctl_get(path);
}

/* The IPv4 starting point every case sets: nothing forwarded, no
 * reverse-path filter (@rp: "all"'s), whatever the namespace inherited */
static int start4(const char *rp)
{
	if (sysctl_set(CONF4 "all/forwarding", "0") ||
	    sysctl_set(CONF4 "default/forwarding", "0") ||
	    sysctl_set(CONF4 "all/rp_filter", rp) ||
	    sysctl_set(CONF4 "default/rp_filter", "0"))
		return child_says(
			CHILD_SKIP, __LINE__,
			"/proc/sys/net/ipv4 cannot be written here: %s",
			strerror(errno));
	return 0;
}

/* Does @dev hold the IPv4 host address @addr (network order)? And how
 * many IPv6 addresses? */
static int dev_addrs(const char *dev, uint32_t addr, int *v6)
{
	struct ifaddrs *ifa, *i;
	int found = 0;

	*v6 = 0;
	if (getifaddrs(&ifa))
		return -1;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || strcmp(i->ifa_name, dev))
			continue;
		if (i->ifa_addr->sa_family == AF_INET6)
			(*v6)++;
		if (i->ifa_addr->sa_family == AF_INET &&
		    ((struct sockaddr_in *)(void *)i->ifa_addr)
				    ->sin_addr.s_addr == addr &&
		    ((struct sockaddr_in *)(void *)i->ifa_netmask)
				    ->sin_addr.s_addr == 0xffffffff)
			found = 1;
	}
	freeifaddrs(ifa);
	return found;
}

/* Flags and MTU of @dev (SIOCGIFFLAGS, SIOCGIFMTU): 0 or -1 */
static int dev_flags_mtu(const char *dev, int *flags, int *mtu)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc;

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, dev);
	rc = fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) ? -1 : 0;
	*flags = ifr.ifr_flags;
	if (!rc && ioctl(fd, SIOCGIFMTU, &ifr))
		rc = -1;
	*mtu = ifr.ifr_mtu;
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Bring @dev up: 0 or -1 */
static int dev_up(const char *dev)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc;

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, dev);
	ifr.ifr_flags = IFF_UP;
	rc = fd < 0 || ioctl(fd, SIOCSIFFLAGS, &ifr) ? -1 : 0;
	if (fd >= 0)
		close(fd);
	return rc;
}

/* A veth pair @a - @b. Return: 0 or -errno */
static int veth_add(const char *a, const char *b)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlattr *linkinfo, *data, *peer;
	struct ifinfomsg *ifi, *pifi;
	struct mnl_socket *nl = rtnl_open();
	struct nlmsghdr *nlh;
	int rc;

	if (!nl)
		return -errno;
	nlh = rtnl_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
		       sizeof(*ifi), (void **)&ifi);
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, a);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	pifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifi));
	memset(pifi, 0, sizeof(*pifi));
	pifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, b);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	rc = rtnl_request(nl, nlh);
	mnl_socket_close(nl);
	return rc;
}

/* A route to 203.0.113.0/24 through @ifindex. Return: 0 or -errno */
static int route_add(int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl = rtnl_open();
	struct nlmsghdr *nlh;
	struct in_addr dst;
	int rc;

	if (!nl)
		return -errno;
	inet_pton(AF_INET, REMOTE_NET, &dst);
	nlh = rtnl_route_msg(buf, NLM_F_CREATE | NLM_F_EXCL, AF_INET, 24,
			     RTPROT_STATIC, ifindex);
	mnl_attr_put_u32(nlh, RTA_DST, dst.s_addr);
	rc = rtnl_request(nl, nlh);
	mnl_socket_close(nl);
	return rc;
}

/* lo up, holding 198.18.0.1/32: the address the packets come from, as
 * the enclave's come from the host's own. Return: 0, or a child status */
static int local_addr(void)
{
	struct mnl_socket *nl;
	struct in_addr a;
	int rc;

	inet_pton(AF_INET, LOCAL_ADDR, &a);
	if (dev_up("lo"))
		return child_says(CHILD_FAIL, __LINE__, "lo: %s",
				  strerror(errno));
	nl = rtnl_open();
	if (!nl)
		return child_says(CHILD_FAIL, __LINE__, "rtnetlink: %s",
				  strerror(errno));
	rc = rtnl_addr(nl, (int)if_nametoindex("lo"), AF_INET, &a, 4,
		       RT_SCOPE_UNIVERSE);
	mnl_socket_close(nl);
	if (rc)
		return child_says(CHILD_FAIL, __LINE__, "address on lo: %s",
				  strerror(-rc));
	return 0;
}

/* The value in column @col (0: received bytes, 1: received packets...)
 * of @dev's line in /proc/net/dev (this namespace's), or -1 */
static long long netdev_stat(const char *dev, int col)
{
	char line[512], name[IFNAMSIZ + 2];
	long long v[16];
	long long r = -1;
	FILE *f = fopen("/proc/net/dev", "re");

	if (!f)
		return -1;
	snprintf(name, sizeof(name), "%s:", dev);
	while (fgets(line, sizeof(line), f)) {
		char *p = line;

		while (*p == ' ')
			p++;
		if (strncmp(p, name, strlen(name)))
			continue;
		if (sscanf(p + strlen(name),
			   "%lld %lld %lld %lld %lld %lld %lld %lld %lld",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
			   &v[7], &v[8]) == 9)
			r = v[col];
	}
	fclose(f);
	return r;
}

/* The counter @key of protocol @proto ("Ip", "Tcp") in /proc/net/snmp
 * (this namespace's), or -1 */
static long long snmp_stat(const char *proto, const char *key)
{
	char names[2048], values[2048], *n, *v, *sn, *sv;
	size_t plen = strlen(proto);
	long long r = -1;
	FILE *f = fopen("/proc/net/snmp", "re");

	if (!f)
		return -1;
	while (r < 0 && fgets(names, sizeof(names), f) &&
	       fgets(values, sizeof(values), f)) {
		if (strncmp(names, proto, plen) || names[plen] != ':')
			continue;
		n = strtok_r(names + plen + 1, " \n", &sn);
		v = strtok_r(values + plen + 1, " \n", &sv);
		while (n && v) {
			if (!strcmp(n, key)) {
				r = strtoll(v, NULL, 10);
				break;
			}
			n = strtok_r(NULL, " \n", &sn);
			v = strtok_r(NULL, " \n", &sv);
		}
	}
	fclose(f);
	return r;
}

/* An IPv4 TCP packet, 198.18.0.1:40000 -> @dst:@dport, DF, TTL 64, a
 * 20-byte TCP header with @flags, sequence 1000, @data bytes of a
 * pattern; both checksums right. Return: its length */
static size_t make_tcp(uint8_t *p, const char *dst, uint16_t dport,
		       uint8_t flags, size_t data)
{
	size_t len = 40 + data;

	tp_ip4(p,
	       &(struct tp_ip4){.src = LOCAL_ADDR,
				.dst = dst,
				.proto = 6,
				.frag = TP_DF},
	       20 + data);
	tp_tcp(p + 20, &(struct tp_tcp){.sport = 40000,
					.dport = dport,
					.seq = 1000,
					.flags = flags,
					.win = 0x2000});
	tp_pattern(p + 40, 0, data, 7, 3);
	ref_l4_fill(p, len, 20, 6, 16);
	return len;
}

/* tun_open() and tun_setup() on a device of @name; Return: 0 or a child
 * status */
static int open_setup(struct tun *t, const char *name, int want6,
		      const char **why6)
{
	int rc = tun_open(t, name);

	if (rc)
		return child_says(CHILD_FAIL, __LINE__, "tun_open: %s",
				  strerror(-rc));
	rc = tun_setup(t, want6, why6);
	if (rc)
		return child_says(CHILD_FAIL, __LINE__, "tun_setup: %d (%s)",
				  rc, rc < 0 ? strerror(-rc) : "");
	return 0;
}

/* The device: its name, its header and offloads, its settings (its own,
 * none global), up at TUN_MTU, no address of its own; gone when closed */
static int open_setup_close(void)
{
	struct ifreq ifr;
	struct tun t;
	int rc, flags, mtu, v6, hdr = 0;

	rc = start4("0");
	if (rc)
		return rc;
	CHECK_EQ(tun_open(&t, NAME), 0);
	CHECK(t.fd >= 0);
	CHECK(!strcmp(t.name, NAME));
	CHECK(t.ifindex > 0);
	CHECK_EQ(if_nametoindex(NAME), t.ifindex);
	CHECK_EQ(t.offload,
		 TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN);
	memset(&ifr, 0, sizeof(ifr));
	CHECK_EQ(ioctl(t.fd, TUNGETIFF, &ifr), 0);
	CHECK(!strcmp(ifr.ifr_name, NAME));
	CHECK_EQ(ifr.ifr_flags & (IFF_TUN | IFF_TAP | IFF_NO_PI | IFF_VNET_HDR),
		 IFF_TUN | IFF_NO_PI | IFF_VNET_HDR);
	CHECK_EQ(ioctl(t.fd, TUNGETVNETHDRSZ, &hdr), 0);
	CHECK_EQ(hdr, sizeof(struct virtio_net_hdr));
	/* before tun_setup(): as any new device */
	CHECK_EQ(dev_conf(CONF4, NAME, "forwarding"), 0);
	CHECK_EQ(tun_setup(&t, 0, NULL), 0);
	CHECK_EQ(dev_conf(CONF4, NAME, "forwarding"), 1);
	CHECK_EQ(dev_conf(CONF4, NAME, "accept_local"), 1);
	CHECK_EQ(dev_conf(CONF4, NAME, "rp_filter"), 0);
	CHECK_EQ(sysctl_get(CONF4 "all/forwarding"), 0);
	CHECK_EQ(sysctl_get(CONF4 "default/forwarding"), 0);
	CHECK_EQ(sysctl_get(CONF4 "all/accept_local"), 0);
	CHECK_EQ(dev_conf(CONF4, "lo", "forwarding"), 0);
	CHECK_EQ(t.v6, 0);
	/* IPv6 not asked for: not forwarded */
	rc = (int)dev_conf(CONF6, NAME, "force_forwarding");
	CHECK(rc == -1 || rc == 0);
	CHECK_EQ(dev_flags_mtu(NAME, &flags, &mtu), 0);
	CHECK(flags & IFF_UP);
	CHECK_EQ(mtu, TUN_MTU);
	/* rp_filter 0 everywhere, and still the address: udev may raise the
	 * device's own rp_filter to 2 once it exists */
	CHECK_EQ(dev_addrs(NAME, htonl(PMTU_ICMP_SRC), &v6), 1);
	tun_close(&t);
	CHECK_EQ(t.fd, -1);
	CHECK_EQ(if_nametoindex(NAME), 0);
	tun_close(&t); /* twice: nothing */
	return 0;
}

static void test_open_setup_close(void **state)
{
	(void)state;
	in_netns(open_setup_close);
}

/* net.ipv4.conf.all.rp_filter 2 (loose): the device holds 192.0.0.8/32,
 * and its own rp_filter is 0; "all" is left at 2 */
static int rp_loose(void)
{
	struct tun t;
	int rc, v6;

	rc = start4("2");
	if (rc)
		return rc;
	rc = open_setup(&t, NAME, 0, NULL);
	if (rc)
		return rc;
	CHECK_EQ(dev_addrs(NAME, htonl(PMTU_ICMP_SRC), &v6), 1);
	CHECK_EQ(dev_conf(CONF4, NAME, "rp_filter"), 0);
	CHECK_EQ(sysctl_get(CONF4 "all/rp_filter"), 2);
	CHECK_EQ(sysctl_get(CONF4 "all/forwarding"), 0);
	tun_close(&t);
	CHECK_EQ(if_nametoindex(NAME), 0);
	return 0;
}

static void test_rp_loose(void **state)
{
	(void)state;
	in_netns(rp_loose);
}

/* net.ipv4.conf.all.rp_filter 1 (strict): TUN_RP_STRICT, and nothing
 * changed on the device */
static int rp_strict(void)
{
	struct tun t;
	int rc;

	rc = start4("1");
	if (rc)
		return rc;
	CHECK_EQ(tun_open(&t, NAME), 0);
	CHECK_EQ(tun_setup(&t, 0, NULL), TUN_RP_STRICT);
	CHECK_EQ(dev_conf(CONF4, NAME, "forwarding"), 0);
	CHECK_EQ(dev_conf(CONF4, NAME, "accept_local"), 0);
	CHECK_EQ(sysctl_get(CONF4 "all/rp_filter"), 1);
	tun_close(&t);
	CHECK_EQ(if_nametoindex(NAME), 0);
	return 0;
}

static void test_rp_strict(void **state)
{
	(void)state;
	in_netns(rp_strict);
}

/* IPv6 too, where the kernel forwards it per device (force_forwarding):
 * on for the device, not globally; no IPv6 address of its own */
static int forward6(void)
{
	const char *why6 = NULL;
	struct tun t;
	int rc, v6;

	rc = start4("0");
	if (rc)
		return rc;
	if (sysctl_get(CONF6 "all/forwarding") < 0)
		return child_says(CHILD_SKIP, __LINE__, "no IPv6 here");
	if (sysctl_set(CONF6 "all/forwarding", "0"))
		return child_says(CHILD_SKIP, __LINE__,
				  "/proc/sys/net/ipv6 cannot be written here");
	CHECK_EQ(tun_open(&t, NAME), 0);
	if (dev_conf(CONF6, NAME, "force_forwarding") < 0) {
		tun_close(&t);
		return child_says(
			CHILD_SKIP, __LINE__,
			"no per-device IPv6 forwarding (force_forwarding, Linux 6.17) in this kernel");
	}
	CHECK_EQ(dev_conf(CONF6, NAME, "force_forwarding"), 0);
	CHECK_EQ(tun_setup(&t, 1, &why6), 0);
	CHECK_EQ(t.v6, 1);
	CHECK(why6 == NULL);
	CHECK_EQ(dev_conf(CONF6, NAME, "force_forwarding"), 1);
	CHECK_EQ(sysctl_get(CONF6 "all/forwarding"), 0);
	CHECK_EQ(sysctl_get(CONF6 "all/force_forwarding"), 0);
	CHECK_EQ(dev_conf(CONF6, NAME, "addr_gen_mode"),
		 IN6_ADDR_GEN_MODE_NONE);
	CHECK_EQ(dev_addrs(NAME, 0, &v6), 0);
	CHECK_EQ(v6, 0);
	/* IPv4's settings as without IPv6 */
	CHECK_EQ(dev_conf(CONF4, NAME, "forwarding"), 1);
	CHECK_EQ(sysctl_get(CONF4 "all/forwarding"), 0);
	tun_close(&t);
	CHECK_EQ(if_nametoindex(NAME), 0);
	return 0;
}

static void test_forward6(void **state)
{
	(void)state;
	in_netns(forward6);
}

/* A name another device has: a veth, a tun in use, a tun left behind
 * (persistent) are not taken over */
static int name_taken(void)
{
	struct ifreq ifr;
	struct tun t, u;
	int rc, fd;

	rc = veth_add(NAME, OTHER);
	if (rc)
		return child_says(CHILD_SKIP, __LINE__, "no veth here: %s",
				  strerror(-rc));
	CHECK_EQ(tun_open(&t, NAME), -EBUSY);
	CHECK_EQ(t.fd, -1);
	CHECK(if_nametoindex(NAME) > 0);
	/* another remora-host's device */
	CHECK_EQ(tun_open(&t, "rmrtest2"), 0);
	CHECK_EQ(tun_open(&u, "rmrtest2"), -EBUSY);
	CHECK_EQ(u.fd, -1);
	tun_close(&t);
	/* a device made persistent, nobody attached */
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	CHECK(fd >= 0);
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "rmrtest3");
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	CHECK_EQ(ioctl(fd, TUNSETIFF, &ifr), 0);
	CHECK_EQ(ioctl(fd, TUNSETPERSIST, 1), 0);
	close(fd);
	CHECK(if_nametoindex("rmrtest3") > 0);
	CHECK_EQ(tun_open(&t, "rmrtest3"), -EBUSY);
	CHECK_EQ(t.fd, -1);
	/* too long for a name */
	CHECK_EQ(tun_open(&t, "abcdefghijklmnop"), -ENAMETOOLONG);
	CHECK_EQ(t.fd, -1);
	return 0;
}

static void test_name_taken(void **state)
{
	(void)state;
	in_netns(name_taken);
}

/* Packets written in: counted by the device, taken in by the kernel as
 * from this host's own address (accept_local), answered: a SYN to a
 * closed port, with its checksum complete or left to the kernel, gets a
 * reset. A header the kernel refuses: -EINVAL, nothing counted. */
static int write_syn(void)
{
	static uint8_t p[1500];
	struct virtio_net_hdr vh;
	struct pkt_info pi;
	long long rx, in, segs, rsts;
	struct tun t;
	size_t len;
	int rc;

	rc = start4("0");
	if (!rc)
		rc = local_addr();
	if (!rc)
		rc = open_setup(&t, NAME, 0, NULL);
	if (rc)
		return rc;
	rx = netdev_stat(NAME, 1);
	in = snmp_stat("Ip", "InReceives");
	segs = snmp_stat("Tcp", "InSegs");
	rsts = snmp_stat("Tcp", "OutRsts");
	CHECK(rx >= 0 && in >= 0 && segs >= 0 && rsts >= 0);
	len = make_tcp(p, LOCAL_ADDR, 9, 0x02, 0);
	CHECK_EQ(pkt_parse(p, len, &pi), PKT_OK);
	tun_vnet_hdr(&vh, p, &pi, VIRTIO_NET_HDR_GSO_NONE, 0, 0);
	CHECK_EQ(tun_write(&t, &vh, p, len), 0);
	CHECK_EQ(netdev_stat(NAME, 1), rx + 1);
	CHECK(snmp_stat("Ip", "InReceives") >= in + 1);
	CHECK(snmp_stat("Tcp", "InSegs") >= segs + 1);
	CHECK_EQ(snmp_stat("Tcp", "OutRsts"), rsts + 1);
	CHECK_EQ(snmp_stat("Tcp", "InCsumErrors"), 0);
	/* its checksum left to the kernel: the field holds the
	 * pseudo-header's sum */
	ref_l4_partial(p, len, 20, 6, 16);
	tun_vnet_hdr(&vh, p, &pi, VIRTIO_NET_HDR_GSO_NONE, 0, 1);
	CHECK_EQ(tun_write(&t, &vh, p, len), 0);
	CHECK_EQ(netdev_stat(NAME, 1), rx + 2);
	CHECK_EQ(snmp_stat("Tcp", "OutRsts"), rsts + 2);
	/* a segmentation the kernel does not know */
	memset(&vh, 0, sizeof(vh));
	vh.gso_type = 0x7;
	vh.gso_size = 100;
	CHECK_EQ(tun_write(&t, &vh, p, len), -EINVAL);
	CHECK_EQ(netdev_stat(NAME, 1), rx + 2);
	tun_close(&t);
	return 0;
}

static void test_write_syn(void **state)
{
	(void)state;
	in_netns(write_syn);
}

/* A TCP super-packet from this host's own address, written with its
 * virtio_net_hdr, is forwarded (the device's forwarding alone: the global
 * switch is off) out of a second tun without offloads: cut by the
 * kernel into segments of gso_size, every checksum right, the data
 * whole and in order, the TTL one less */
static int forward_super(void)
{
	static uint8_t p[20000], seg[2048], data[20000];
	const size_t payload = 7000, mss = 1000;
	struct virtio_net_hdr vh;
	struct pollfd pfd;
	struct pkt_info pi;
	struct ifreq ifr;
	struct tun t;
	size_t len, got = 0;
	ssize_t n;
	int rc, fd, segs = 0;
	uint32_t seq;

	rc = start4("0");
	if (!rc)
		rc = local_addr();
	if (rc)
		return rc;
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	CHECK(fd >= 0);
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, OTHER);
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	CHECK_EQ(ioctl(fd, TUNSETIFF, &ifr), 0);
	CHECK_EQ(dev_up(OTHER), 0);
	CHECK_EQ(route_add((int)if_nametoindex(OTHER)), 0);
	rc = open_setup(&t, NAME, 0, NULL);
	if (rc)
		return rc;
	len = make_tcp(p, REMOTE_ADDR, 443, 0x18, payload);
	CHECK_EQ(pkt_parse(p, len, &pi), PKT_OK);
	tun_vnet_hdr(&vh, p, &pi, VIRTIO_NET_HDR_GSO_TCPV4, (uint16_t)mss, 0);
	CHECK_EQ(tun_write(&t, &vh, p, len), 0);
	pfd = (struct pollfd){.fd = fd, .events = POLLIN};
	while (got < payload && poll(&pfd, 1, 2000) == 1) {
		n = read(fd, seg, sizeof(seg));
		CHECK(n > 0);
		/* what else the kernel sends there (IPv6's own) aside */
		if ((seg[0] >> 4) != 4 || seg[9] != 6)
			continue;
		CHECK_EQ(seg[2] << 8 | seg[3], n);
		CHECK((size_t)n <= 40 + mss);
		CHECK_EQ(ref_fold(ref_sum(0, seg, 20)), 0xffff);
		CHECK_EQ(seg[8], 63);
		CHECK_EQ(ref_l4_ok(seg, (size_t)n, 20, 6), 1);
		seq = (uint32_t)seg[24] << 24 | (uint32_t)seg[25] << 16 |
		      (uint32_t)seg[26] << 8 | seg[27];
		CHECK_EQ(seq, 1000 + got);
		CHECK((size_t)n - 40 + got <= payload);
		memcpy(data + got, seg + 40, (size_t)n - 40);
		got += (size_t)n - 40;
		segs++;
	}
	CHECK_EQ(got, payload);
	CHECK_EQ(segs, (payload + mss - 1) / mss);
	CHECK(!memcmp(data, p + 40, payload));
	CHECK_EQ(sysctl_get(CONF4 "all/forwarding"), 0);
	tun_close(&t);
	close(fd);
	return 0;
}

static void test_forward_super(void **state)
{
	(void)state;
	in_netns(forward_super);
}

/* remora-enclave's capture device (tun_up_local()): up with the MTU
 * asked for, no address of its own (no IPv6 link-local address either),
 * not forwarding. A datagram routed into it is read back (tun_read())
 * whole, behind its virtio_net_hdr, its checksum left to compute
 * (NEEDS_CSUM: the device took TUN_F_CSUM). A 30000-byte TCP packet
 * written into it whole, as one packet (no segmentation asked) with its
 * checksum taken as valid, is taken in by the kernel although it is over
 * the device's MTU: what remora-enclave injects from the host. */
static int up_local_read(void)
{
	static uint8_t p[TUN_MTU];
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(53)};
	struct virtio_net_hdr vh,
		valid = {.flags = VIRTIO_NET_HDR_F_DATA_VALID};
	struct pollfd pfd;
	long long rx, rsts;
	int rc, v6, flags, mtu, fd;
	struct tun t;
	ssize_t n;
	size_t len;

	rc = start4("0");
	if (!rc)
		rc = local_addr();
	if (rc)
		return rc;
	rc = tun_open(&t, NAME);
	if (rc)
		return child_says(CHILD_FAIL, __LINE__, "tun_open: %s",
				  strerror(-rc));
	CHECK_EQ(tun_up_local(&t, 9001), 0);
	CHECK_EQ(dev_flags_mtu(NAME, &flags, &mtu), 0);
	CHECK(flags & IFF_UP);
	CHECK_EQ(mtu, 9001);
	CHECK_EQ(dev_addrs(NAME, htonl(PMTU_ICMP_SRC), &v6), 0);
	CHECK_EQ(v6, 0);
	CHECK_EQ(dev_conf(CONF4, NAME, "forwarding"), 0);
	CHECK_EQ(route_add(t.ifindex), 0);
	/* nothing waiting yet: 0, not an error */
	CHECK_EQ(tun_read(&t, &vh, p, sizeof(p)), 0);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	CHECK(fd >= 0);
	CHECK_EQ(inet_pton(AF_INET, REMOTE_ADDR, &to.sin_addr), 1);
	CHECK_EQ(sendto(fd, "remora", 6, 0, (struct sockaddr *)&to, sizeof(to)),
		 6);
	pfd = (struct pollfd){.fd = t.fd, .events = POLLIN};
	n = 0;
	while (poll(&pfd, 1, 2000) == 1) {
		n = tun_read(&t, &vh, p, sizeof(p));
		CHECK(n > 0);
		if ((p[0] >> 4) == 4 && p[9] == 17)
			break;
	}
	CHECK_EQ(n, 20 + 8 + 6);
	CHECK(!memcmp(p + 28, "remora", 6));
	CHECK_EQ(vh.gso_type, VIRTIO_NET_HDR_GSO_NONE);
	CHECK(vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM);
	CHECK_EQ(vh.csum_start, 20);
	CHECK_EQ(vh.csum_offset, 6);
	close(fd);
	/* in: one packet over the MTU, to a closed port: a reset answers */
	rx = netdev_stat(NAME, 1);
	rsts = snmp_stat("Tcp", "OutRsts");
	len = make_tcp(p, LOCAL_ADDR, 9, 0x18, 30000);
	/* from the internet, not from the local address */
	CHECK_EQ(inet_pton(AF_INET, REMOTE_ADDR, p + 12), 1);
	ref_l4_fill(p, len, 20, 6, 16);
	ref_ip4_fill(p);
	CHECK_EQ(tun_inject(&t, &valid, p, len), 0);
	CHECK_EQ(netdev_stat(NAME, 1), rx + 1);
	CHECK_EQ(snmp_stat("Tcp", "OutRsts"), rsts + 1);
	tun_close(&t);
	CHECK_EQ(if_nametoindex(NAME), 0);
	return 0;
}

static void test_up_local_read(void **state)
{
	(void)state;
	in_netns(up_local_read);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_setup_close),
		cmocka_unit_test(test_rp_loose),
		cmocka_unit_test(test_rp_strict),
		cmocka_unit_test(test_forward6),
		cmocka_unit_test(test_name_taken),
		cmocka_unit_test(test_write_syn),
		cmocka_unit_test(test_forward_super),
		cmocka_unit_test(test_up_local_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
