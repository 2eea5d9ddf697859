// SPDX-License-Identifier: Apache-2.0
/* remora-enclave - bring the enclave's network up (PID 2 in the image)
 *
 * With --setup-net, before it forwards anything, remora-enclave does what an
 * init script would: lo up with its MTU, the shared address on lo, a
 * default route out of lo with that source and the enclave's MTU, the
 * ephemeral port range
 * inside the ports the host gives the enclave, and the rules that send
 * outbound packets to its queue (iptables-restore). Each step is done the
 * same way every time, so a restart replaces rather than duplicates, and a
 * failure says which step and why, then exits 1: an enclave without its
 * network must not pretend to run.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <linux/rtnetlink.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "netsetup.h"
#include "remora/log.h"
#include "remora/rtnl.h"

#define NETSETUP_RULES_MAX (64 << 10) /* bytes of a rules file */

/**
 * netsetup_parse_range() - parse "LO-HI"
 * @s:	text
 * @lo:	first port
 * @hi:	last port
 *
 * Return: 0, or -1 unless 1 <= LO <= HI <= 65535, decimal
 */
int netsetup_parse_range(const char *s, uint16_t *lo, uint16_t *hi)
{
	unsigned long a, b;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	a = strtoul(s, &end, 10);
	if (*end != '-' || end[1] < '0' || end[1] > '9')
		return -1;
	b = strtoul(end + 1, &end, 10);
	if (*end || a < 1 || a > b || b > 65535)
		return -1;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

/**
 * netsetup_parse_mtu() - parse the MTU of lo
 * @s:		text, decimal
 * @mtu:	result
 *
 * Return: 0, or -1 unless NETSETUP_MIN_MTU <= @s <= NETSETUP_MAX_MTU
 */
int netsetup_parse_mtu(const char *s, uint32_t *mtu)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end || errno || v < NETSETUP_MIN_MTU || v > NETSETUP_MAX_MTU)
		return -1;
	*mtu = (uint32_t)v;
	return 0;
}

/**
 * netsetup_rules_text() - the rules file with the queue number put in
 * @in:		rules text; every "--queue-num 0" is the queue
 * @queue:	queue number
 * @out:	result
 * @cap:	its size
 *
 * Return: length written, or -1 if it does not fit or names no queue
 */
int netsetup_rules_text(const char *in, uint16_t queue, char *out, size_t cap)
{
	const size_t tlen = strlen(NETSETUP_RULES_QUEUE_TOKEN);
	const char *p = in, *hit;
	size_t o = 0, n;
	int found = 0, w;

	while ((hit = strstr(p, NETSETUP_RULES_QUEUE_TOKEN))) {
		/* the token must end there: "--queue-num 01" is not ours */
		if (hit[tlen] >= '0' && hit[tlen] <= '9') {
			n = (size_t)(hit - p) + tlen;
			if (o + n >= cap)
				return -1;
			memcpy(out + o, p, n);
			o += n;
			p = hit + tlen;
			continue;
		}
		n = (size_t)(hit - p);
		if (o + n >= cap)
			return -1;
		memcpy(out + o, p, n);
		o += n;
		w = snprintf(out + o, cap - o, "--queue-num %u", queue);
		if (w < 0 || (size_t)w >= cap - o)
			return -1;
		o += (size_t)w;
		p = hit + tlen;
		found = 1;
	}
	n = strlen(p);
	if (o + n >= cap || !found)
		return -1;
	memcpy(out + o, p, n + 1);
	return (int)(o + n);
}

static void netsetup_fail(const char *what, int err)
{
	die("--setup-net: cannot %s: %s%s", what, strerror(-err),
	    err == -EPERM || err == -EACCES
		    ? " (needs CAP_NET_ADMIN: run as root)"
		    : "");
}

/* Send a request; if the kernel refuses it, exit saying what could not be
 * done */
static void netsetup_send(struct mnl_socket *nl, struct nlmsghdr *nlh,
			  const char *what)
{
	int rc = rtnl_request(nl, nlh);

	if (rc)
		netsetup_fail(what, rc);
}

/* The address (@alen bytes: 4 or 16) on lo, as a host route (/32, /128) */
static void netsetup_addr(struct mnl_socket *nl, int ifindex, int family,
			  const void *addr, size_t alen)
{
	int rc = rtnl_addr(nl, ifindex, family, addr, alen, RT_SCOPE_UNIVERSE);

	if (rc)
		netsetup_fail(family == AF_INET6 ? "put the IPv6 address on lo"
						 : "put the address on lo",
			      rc);
}

/* The default route out of @dev, from @src; with @mtu (not 0) the
 * enclave's MTU on it: what it sends is sized by the route (TCP's MSS,
 * fragments), while lo itself takes the host's super-packets whole. A
 * default route already there (another mode's) is replaced. */
static void netsetup_route(struct mnl_socket *nl, int ifindex, const char *dev,
			   int family, const void *src, size_t alen,
			   uint32_t mtu)
{
	struct nlattr *metrics;
	char buf[MNL_SOCKET_BUFFER_SIZE], what[64];
	struct nlmsghdr *nlh = rtnl_route_msg(buf, NLM_F_CREATE | NLM_F_REPLACE,
					      family, 0, RTPROT_BOOT, ifindex);

	mnl_attr_put(nlh, RTA_PREFSRC, alen, src);
	if (mtu) {
		metrics = mnl_attr_nest_start(nlh, RTA_METRICS);
		mnl_attr_put_u32(nlh, RTAX_MTU, mtu);
		mnl_attr_nest_end(nlh, metrics);
	}
	snprintf(what, sizeof(what), "add the %sdefault route out of %s",
		 family == AF_INET6 ? "IPv6 " : "", dev);
	netsetup_send(nl, nlh, what);
}

/**
 * netsetup_default_routes() - the enclave's default routes out of a device
 * @ns:		the addresses (their sources)
 * @ifindex:	the device: lo (nfqueue capture) or the tun
 * @dev:	its name, for messages
 * @mtu:	MTU put on the routes, 0 for the device's own
 *
 * Start-up only: exits 1 saying why if the kernel refuses.
 */
void netsetup_default_routes(const struct netsetup *ns, int ifindex,
			     const char *dev, uint32_t mtu)
{
	struct mnl_socket *nl = rtnl_open();

	if (!nl)
		netsetup_fail("open a netlink socket", -errno);
	netsetup_route(nl, ifindex, dev, AF_INET, &ns->addr, 4, mtu);
	if (ns->have_addr6)
		netsetup_route(nl, ifindex, dev, AF_INET6, ns->addr6, 16, mtu);
	mnl_socket_close(nl);
}

static void netsetup_ports(uint16_t lo, uint16_t hi)
{
	char text[32];
	int fd, n;

	n = snprintf(text, sizeof(text), "%u\t%u\n", lo, hi);
	fd = open(NETSETUP_PORT_RANGE_PROC, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, text, (size_t)n) != n) {
		int err = -errno;

		if (fd >= 0)
			close(fd);
		netsetup_fail(
			"set the ephemeral port range (" NETSETUP_PORT_RANGE_PROC
			")",
			err);
	}
	close(fd);
}

/* Run a command, @input on its stdin (or its stderr silenced if @input is
 * NULL); return its exit status (127 if it cannot be started, 128+signal
 * if killed) */
static int netsetup_exec(char *const argv[], const char *input)
{
	int status, pfd[2] = {-1, -1};
	size_t off = 0, len;
	ssize_t w;
	pid_t pid;

	if (input && pipe2(pfd, O_CLOEXEC))
		return 127;
	pid = fork();
	if (pid < 0)
		return 127;
	if (!pid) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

		if (input)
			dup2(pfd[0], STDIN_FILENO);
		else if (null >= 0)
			dup2(null, STDERR_FILENO);
		execvp(argv[0], argv);
		fprintf(stderr,
			"remora-enclave: --setup-net: cannot run %s: %s\n",
			argv[0], strerror(errno));
		_exit(127);
	}
	if (input) {
		close(pfd[0]);
		len = strlen(input);
		while (off < len) {
			w = write(pfd[1], input + off, len - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			off += (size_t)w;
		}
		close(pfd[1]);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 127;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/* Remove the jumps and the chain a previous run left (each fails
 * harmlessly when there is none, or no @tool in the image) */
static void netsetup_rules_remove(const char *tool)
{
	char *const del[] = {(char *)tool, "-w",	 "-D", "OUTPUT",
			     "-j",	   "REMORA-OUT", NULL};
	char *const flush[] = {(char *)tool, "-w", "-F", "REMORA-OUT", NULL};
	char *const drop[] = {(char *)tool, "-w", "-X", "REMORA-OUT", NULL};
	int i;

	for (i = 0; i < 16; i++)
		if (netsetup_exec(del, NULL))
			break;
	netsetup_exec(flush, NULL);
	netsetup_exec(drop, NULL);
}

/* Load a rules file with @tool-restore (@tool: iptables or ip6tables) */
static void netsetup_rules(const char *tool, const char *path, uint16_t queue)
{
	static char in[NETSETUP_RULES_MAX], out[NETSETUP_RULES_MAX + 64];
	char restore_cmd[32];
	char *const restore[] = {restore_cmd, "-w", "--noflush", NULL};
	ssize_t n;
	int fd, rc;

	snprintf(restore_cmd, sizeof(restore_cmd), "%s-restore", tool);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("--setup-net: cannot read the rules file %s: %s (use --rules FILE)",
		    path, strerror(errno));
	n = read(fd, in, sizeof(in) - 1);
	close(fd);
	if (n < 0 || n == (ssize_t)sizeof(in) - 1) {
		die("--setup-net: cannot read the rules file %s: %s", path,
		    n < 0 ? strerror(errno) : "larger than 64 KiB");
		return; /* not reached: for analysers that miss noreturn */
	}
	in[n] = '\0';
	if (netsetup_rules_text(in, queue, out, sizeof(out)) < 0)
		die("--setup-net: the rules file %s sends nothing to a queue (no '" NETSETUP_RULES_QUEUE_TOKEN
		    "')",
		    path);
	/* a restart replaces the rules */
	netsetup_rules_remove(tool);
	rc = netsetup_exec(restore, out);
	if (rc == 127)
		die("--setup-net: cannot run %s: is %s in the image (PATH=%s)?",
		    restore_cmd, tool, getenv("PATH"));
	if (rc)
		die("--setup-net: %s refused %s (exit %d; see its message above: is the NFQUEUE target in this kernel? else --capture tun)",
		    restore_cmd, path, rc);
}

/**
 * netsetup_base() - what every capture needs, or exit 1 saying why: lo up
 *		     with its MTU, the addresses on it, the ephemeral ports
 * @ns:		what to set up
 *
 * Start-up only, before the capture is chosen (binding a queue needs the
 * same privilege, and this names the first step that lacks it).
 */
void netsetup_base(const struct netsetup *ns)
{
	struct mnl_socket *nl;
	int lo, rc;

	/* as PID 2 there may be no PATH: iptables lives in one of these */
	setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 0);
	lo = (int)if_nametoindex("lo");
	if (!lo)
		die("--setup-net: no lo interface here: %s", strerror(errno));
	nl = rtnl_open();
	if (!nl)
		netsetup_fail("open a netlink socket", -errno);
	rc = rtnl_link_up(nl, lo, ns->lo_mtu);
	if (rc)
		netsetup_fail("bring lo up with its MTU", rc);
	netsetup_addr(nl, lo, AF_INET, &ns->addr, 4);
	if (ns->have_addr6)
		netsetup_addr(nl, lo, AF_INET6, ns->addr6, 16);
	mnl_socket_close(nl);
	netsetup_ports(ns->ports_lo, ns->ports_hi);
}

/**
 * netsetup_capture() - the rest, for the capture chosen, or exit 1 saying
 *			why; one line says what is up
 * @ns:		what to set up
 * @tun:	capture with a tun: no default route out of lo (the tun's
 *		come with it, netsetup_default_routes()), and no rules: those
 *		a previous nfqueue set-up left are removed. Otherwise the
 *		default routes out of lo and the rules.
 *
 * Start-up only: it blocks (netlink acknowledgements, iptables-restore).
 */
void netsetup_capture(const struct netsetup *ns, int tun)
{
	char addr[INET_ADDRSTRLEN], addr6[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET, &ns->addr, addr, sizeof(addr));
	if (ns->have_addr6)
		inet_ntop(AF_INET6, ns->addr6, addr6, sizeof(addr6));
	if (tun) {
		/* rules an nfqueue set-up left would queue every packet
		 * before it reaches the tun, to a queue nobody reads */
		netsetup_rules_remove("iptables");
		netsetup_rules_remove("ip6tables");
		info("network up: %s%s%s on lo (mtu %u), ephemeral ports %u-%u; the default routes go into the tun (mtu %u), no rules",
		     addr, ns->have_addr6 ? " and " : "",
		     ns->have_addr6 ? addr6 : "", ns->lo_mtu, ns->ports_lo,
		     ns->ports_hi, ns->mtu);
		return;
	}
	netsetup_default_routes(ns, (int)if_nametoindex("lo"), "lo", ns->mtu);
	netsetup_rules("iptables", ns->rules, ns->queue);
	if (ns->have_addr6)
		netsetup_rules("ip6tables", ns->rules6, ns->queue);
	info("network up: %s on lo (mtu %u), default route with that source and mtu %u, ephemeral ports %u-%u, rules from %s sending to queue %u",
	     addr, ns->lo_mtu, ns->mtu, ns->ports_lo, ns->ports_hi, ns->rules,
	     ns->queue);
	if (ns->have_addr6) {
		info("IPv6 up: %s on lo, default route with that source, rules from %s",
		     addr6, ns->rules6);
	}
}
