// SPDX-License-Identifier: Apache-2.0
/* remora - one trace line per packet, for debugging
 *
 * At trace level each daemon says what happens to every packet, from what
 * it parsed where the packet entered (nothing is parsed again here):
 * "proto src:port > dst:port len N", or the ICMP type and code.
 */

#include <arpa/inet.h>
#include <netinet/in.h>

#include "remora/trace.h"

/* The protocols remora carries, by name */
static const char *trace_proto(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "icmp6";
	default:
		return "proto";
	}
}

/**
 * trace_pkt_line() - write the trace line of a packet (see trace_pkt())
 * @what:	what happens to it
 * @pi:		the packet, parsed (as far as its parse went: a packet
 *		refused as malformed shows what was read of it)
 */
void trace_pkt_line(const char *what, const struct pkt_info *pi)
{
	char src[INET6_ADDRSTRLEN] = "?", dst[INET6_ADDRSTRLEN] = "?";

	if (pi->version == 6) {
		inet_ntop(AF_INET6, pi->src6, src, sizeof(src));
		inet_ntop(AF_INET6, pi->dst6, dst, sizeof(dst));
	} else if (pi->version == 4) {
		inet_ntop(AF_INET, &pi->src, src, sizeof(src));
		inet_ntop(AF_INET, &pi->dst, dst, sizeof(dst));
	}
	if (pi->proto == IPPROTO_ICMP || pi->proto == IPPROTO_ICMPV6)
		trace("%s: %s %s > %s type %u code %u len %u", what,
		      trace_proto(pi->proto), src, dst, pi->icmp_type,
		      pi->icmp_code, pi->len);
	else
		trace("%s: %s %s:%u > %s:%u len %u", what,
		      trace_proto(pi->proto), src, pi->sport, dst, pi->dport,
		      pi->len);
}
