/* SPDX-License-Identifier: Apache-2.0 */
/* remora - IPv4 and IPv6 packet parsing and the checks each side applies */
#ifndef REMORA_PKT_H
#define REMORA_PKT_H

#include <stddef.h>
#include <stdint.h>

#include "remora/portset.h"
#include "remora/view.h"

#define PKT_IPV4_MIN_HDR 20 /* bytes */
#define PKT_IPV6_HDR	 40 /* bytes */
#define PKT_ICMP_HDR	 8  /* bytes of an ICMP or ICMPv6 header */
#define PKT_IPV6_MAX_EXT 8  /* extension headers walked, at most */

/* pkt_check_outbound() flags */
#define PKT_OUT_ALLOW_METADATA 0x1 /* the metadata and credential services */

/**
 * enum pkt_verdict - outcome of a parse or a check
 * @PKT_OK:		accepted
 * @PKT_MALFORMED:	not a well-formed IPv4 packet, or truncated L4 header
 * @PKT_CHECKSUM:	IPv4 header checksum does not verify
 * @PKT_FRAGMENT:	a fragment (conntrack reassembles before queueing, so
 *			a fragment from the host is not one it sent)
 * @PKT_PROTO:		protocol, or ICMP type, not carried
 * @PKT_SRC:		source address not allowed
 * @PKT_DST:		destination address not allowed
 * @PKT_PORT:		port not allowed
 * @PKT_POLICY:		refused by the enclave's own policy (policy.c)
 * @PKT_QUOTE:		an ICMP error whose quoted packet cannot be read (too
 *			short, another IP version, a bad header length) or is
 *			a later fragment, which no ICMP error is about
 * @PKT_QUOTE_SRC:	an ICMP error quoting a packet from the wrong source
 * @PKT_QUOTE_DST:	an ICMP error quoting a packet to a wrong destination
 * @PKT_QUOTE_PORT:	an ICMP error quoting a TCP or UDP packet to a port
 *			that is not the enclave's
 * @PKT_L4_CHECKSUM:	a TCP super-packet to cut whose checksum is wrong
 * @PKT_TCP_FLAGS:	a TCP super-packet to cut with SYN, RST or URG
 * @PKT_OFFLOAD:	an offload header that does not suit its packet (a
 *			TCP segment size on a packet that is not TCP, one
 *			too small, a checksum left on a fragment)
 */
enum pkt_verdict {
	PKT_OK = 0,
	PKT_MALFORMED,
	PKT_CHECKSUM,
	PKT_FRAGMENT,
	PKT_PROTO,
	PKT_SRC,
	PKT_DST,
	PKT_PORT,
	PKT_POLICY,
	PKT_QUOTE,
	PKT_QUOTE_SRC,
	PKT_QUOTE_DST,
	PKT_QUOTE_PORT,
	PKT_L4_CHECKSUM,
	PKT_TCP_FLAGS,
	PKT_OFFLOAD,
};

/**
 * enum pkt_frag - where a packet stands in fragmentation
 * @PKT_FRAG_NONE:	a whole packet
 * @PKT_FRAG_FIRST:	the first fragment: it holds the transport header
 * @PKT_FRAG_LATER:	a later fragment: addresses and protocol only
 */
enum pkt_frag {
	PKT_FRAG_NONE = 0,
	PKT_FRAG_FIRST,
	PKT_FRAG_LATER,
};

/**
 * struct pkt_own - the addresses a side owns: the shared address, the
 *		    enclave's and the host's
 * @addr:	IPv4, network byte order
 * @addr6:	IPv6, if @have6
 * @have6:	IPv6 is carried
 */
struct pkt_own {
	uint32_t addr;
	uint8_t addr6[16];
	int have6;
};

/**
 * enum pkt_quote_state - what an ICMP error's quoted packet looked like
 * @PKT_QUOTE_NONE:	not an ICMP error: nothing quoted
 * @PKT_QUOTE_OK:	read: the fields of struct pkt_quote are valid
 * @PKT_QUOTE_BAD:	an ICMP error whose quote cannot be read
 */
enum pkt_quote_state {
	PKT_QUOTE_NONE = 0,
	PKT_QUOTE_OK,
	PKT_QUOTE_BAD,
};

/**
 * struct pkt_quote - the packet an ICMP error is about, as far as quoted
 * @state:	enum pkt_quote_state
 * @proto:	its IP protocol
 * @later:	a fragment other than the first (no transport header)
 * @src:	IPv4 source address, network byte order
 * @dst:	IPv4 destination address, network byte order
 * @src6:	IPv6 source address
 * @dst6:	IPv6 destination address
 * @sport:	TCP/UDP source port, host order (0 otherwise)
 * @dport:	TCP/UDP destination port, host order (0 otherwise)
 */
struct pkt_quote {
	uint8_t state;
	uint8_t proto;
	uint8_t later;
	uint32_t src;
	uint32_t dst;
	uint8_t src6[16];
	uint8_t dst6[16];
	uint16_t sport;
	uint16_t dport;
};

/**
 * struct pkt_info - what the checks need from a parsed packet
 * @version:	4 or 6
 * @src:	IPv4 source address, network byte order
 * @dst:	IPv4 destination address, network byte order
 * @src6:	IPv6 source address
 * @dst6:	IPv6 destination address
 * @len:	total length, equal to the buffer length
 * @hlen:	bytes before the transport header: the IPv4 header, or the
 *		IPv6 header and its extension headers
 * @thlen:	TCP header length, options included (TCP only)
 * @proto:	IP protocol number
 * @sport:	TCP/UDP source port, host order (0 otherwise)
 * @dport:	TCP/UDP destination port, host order (0 otherwise)
 * @icmp_type:	ICMP type (ICMP only)
 * @icmp_code:	ICMP code (ICMP only)
 * @frag:	enum pkt_frag: set by pkt_parse_fragment() only
 * @frag_off:	fragment offset in 8-byte units, when PKT_FRAGMENT
 * @df:		the don't-fragment flag is set
 * @quote:	for an ICMP or ICMPv6 error, the packet it quotes
 */
struct pkt_info {
	uint8_t version;
	uint32_t src;
	uint32_t dst;
	uint8_t src6[16];
	uint8_t dst6[16];
	uint32_t len;
	uint32_t hlen;
	uint16_t thlen;
	uint8_t proto;
	uint16_t sport;
	uint16_t dport;
	uint8_t icmp_type;
	uint8_t icmp_code;
	uint8_t frag;
	uint8_t df;
	uint16_t frag_off;
	struct pkt_quote quote;
};

/**
 * pkt_src() - a packet's source address as bytes, of its version
 * @pi:	parsed packet
 *
 * Return: 4 or 16 bytes, network byte order, inside @pi
 */
static inline const uint8_t *pkt_src(const struct pkt_info *pi)
{
	return pi->version == 6 ? pi->src6 : (const uint8_t *)&pi->src;
}

/**
 * pkt_dst() - a packet's destination address as bytes, of its version
 * @pi:	parsed packet
 *
 * Return: 4 or 16 bytes, network byte order, inside @pi
 */
static inline const uint8_t *pkt_dst(const struct pkt_info *pi)
{
	return pi->version == 6 ? pi->dst6 : (const uint8_t *)&pi->dst;
}

enum pkt_verdict pkt_parse_ipv4(const uint8_t *p, size_t len,
				struct pkt_info *pi);
enum pkt_verdict pkt_parse_fragment(const uint8_t *p, size_t len,
				    struct pkt_info *pi);
enum pkt_verdict pkt_parse_l4(struct view l4, struct pkt_info *pi);
enum pkt_verdict pkt_parse(const uint8_t *p, size_t len, struct pkt_info *pi);

enum pkt_verdict pkt_parse_ipv6(const uint8_t *p, size_t len,
				struct pkt_info *pi);
int pkt_addr6_martian(const uint8_t *a);
int pkt_addr_martian(uint32_t addr);
enum pkt_verdict pkt_check_inbound(const struct pkt_info *pi,
				   const struct pkt_own *enclave);
enum pkt_verdict pkt_check_outbound(const struct pkt_info *pi,
				    const struct pkt_own *shared,
				    const struct portset *enclave_ports,
				    unsigned flags);
int pkt_quote_ports(struct view l4, struct pkt_quote *pq);
void pkt_parse_quote(struct view q, struct pkt_quote *pq);
void pkt_parse_quote6(struct view q, struct pkt_quote *pq);
int pkt_addr_metadata(uint32_t addr);
int pkt_addr6_metadata(const uint8_t *a);
int pkt_icmp_error(const struct pkt_info *pi);
const char *pkt_verdict_str(enum pkt_verdict v);

#endif /* REMORA_PKT_H */
