/* SPDX-License-Identifier: Apache-2.0 */
/* remora-enclave - bring the enclave's network up (PID 2 in the image) */
#ifndef REMORA_NETSETUP_H
#define REMORA_NETSETUP_H

#include <stddef.h>
#include <stdint.h>

#define NETSETUP_DEFAULT_MTU	   9001
#define NETSETUP_DEFAULT_LO_MTU	   65536
#define NETSETUP_MIN_MTU	   1280
#define NETSETUP_MAX_MTU	   65536
#define NETSETUP_DEFAULT_PORTS_LO  32768
#define NETSETUP_DEFAULT_PORTS_HI  60999
#define NETSETUP_PORT_RANGE_PROC   "/proc/sys/net/ipv4/ip_local_port_range"
#define NETSETUP_RULES_QUEUE_TOKEN "--queue-num 0"

/**
 * struct netsetup - what --setup-net does
 * @addr:	the shared address, network byte order
 * @mtu:	the largest packet the enclave sends: the MTU of its default
 *		routes
 * @lo_mtu:	MTU of lo: the largest packet injected into it
 * @ports_lo:	first port of the ephemeral range
 * @ports_hi:	last port of the ephemeral range
 * @queue:	NFQUEUE number put in the rules
 * @rules:	rules file, iptables-restore format
 * @have_addr6:	--address6 was given: IPv6 is set up too
 * @addr6:	the shared IPv6 address
 * @rules6:	IPv6 rules file, ip6tables-restore format
 */
struct netsetup {
	uint32_t addr;
	uint32_t mtu;
	uint32_t lo_mtu;
	uint16_t ports_lo;
	uint16_t ports_hi;
	uint16_t queue;
	const char *rules;
	int have_addr6;
	uint8_t addr6[16];
	const char *rules6;
};

int netsetup_parse_mtu(const char *s, uint32_t *mtu);
int netsetup_parse_range(const char *s, uint16_t *lo, uint16_t *hi);
int netsetup_rules_text(const char *in, uint16_t queue, char *out, size_t cap);
void netsetup_base(const struct netsetup *ns);
void netsetup_capture(const struct netsetup *ns, int tun);
void netsetup_default_routes(const struct netsetup *ns, int ifindex,
			     const char *dev, uint32_t mtu);

#endif /* REMORA_NETSETUP_H */
