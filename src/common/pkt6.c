// SPDX-License-Identifier: Apache-2.0
/* remora - IPv6 packet parsing and checks
 *
 * As for IPv4 (pkt.c), every byte comes from a peer remora does not trust,
 * and every read is preceded by a check against the length given. IPv6
 * has no header checksum but a chain of extension headers between the
 * fixed header and the transport header: it is walked with bounds, at
 * most PKT_IPV6_MAX_EXT of them. Hop-by-hop options may come first only;
 * destination options and routing headers are stepped over, a routing
 * header with segments left (which would make the receiver forward the
 * packet) is refused; a fragment header ends the walk (PKT_FRAGMENT);
 * anything else that is not TCP, UDP or ICMPv6 (AH, ESP, no next header,
 * mobility...) is a protocol remora does not carry.
 */

#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip6.h>
#include <string.h>

#include "remora/bytes.h"
#include "remora/pkt.h"
#include "remora/view.h"

#define IP6_EXT_MIN 8 /* bytes of an extension header, at least */

/* The instance metadata service (fd00:ec2::254) and EKS Pod Identity's
 * credentials (fd00:ec2::23) over IPv6: fd00:ec2:: and the last two bytes */
static const uint8_t pkt6_metadata_prefix[14] = {
	[0] = 0xfd, [2] = 0x0e, [3] = 0xc2};
static const uint16_t pkt6_metadata_ids[] = {0x0254, 0x0023};

/* Walk the extension headers of an IPv6 packet (@v from its fixed header,
 * which is there) up to its transport header. Return: PKT_OK with
 * @pi->proto and @pi->hlen naming a TCP, UDP or ICMPv6 header;
 * PKT_FRAGMENT with them and @pi->frag_off taken from a fragment header;
 * PKT_PROTO for any other protocol (@pi->proto set); PKT_MALFORMED for
 * headers cut off, out of order or too many */
static enum pkt_verdict pkt6_walk(struct view v, struct pkt_info *pi)
{
	size_t off = PKT_IPV6_HDR, hl;
	const uint8_t *ext;
	uint8_t nh = v.p[6];
	int n;

	for (n = 0; n <= PKT_IPV6_MAX_EXT; n++) {
		switch (nh) {
		case IPPROTO_HOPOPTS:
			if (n) /* only right after the fixed header */
				return PKT_MALFORMED;
			/* fall through */
		case IPPROTO_DSTOPTS:
		case IPPROTO_ROUTING:
			ext = view_get(v, off, IP6_EXT_MIN);
			if (!ext)
				return PKT_MALFORMED;
			hl = ((size_t)ext[1] + 1) * 8;
			if (!view_get(v, off, hl))
				return PKT_MALFORMED;
			if (nh == IPPROTO_ROUTING && ext[3])
				return PKT_PROTO; /* segments left */
			nh = ext[0];
			off += hl;
			continue;
		case IPPROTO_FRAGMENT:
			ext = view_get(v, off, sizeof(struct ip6_frag));
			if (!ext)
				return PKT_MALFORMED;
			pi->proto = ext[0];
			pi->frag_off = get_be16(ext + 2) >> 3;
			pi->hlen = (uint32_t)(off + sizeof(struct ip6_frag));
			/* an atomic fragment (offset 0, no more) is still
			 * one: reassembly is the receiver's */
			return PKT_FRAGMENT;
		case IPPROTO_TCP:
		case IPPROTO_UDP:
		case IPPROTO_ICMPV6:
			pi->proto = nh;
			pi->hlen = (uint32_t)off;
			return PKT_OK;
		default:
			pi->proto = nh;
			return PKT_PROTO;
		}
	}
	return PKT_MALFORMED; /* more extension headers than walked */
}

/**
 * pkt_parse_ipv6() - parse and validate an IPv6 packet
 * @p:	packet bytes
 * @len:	number of bytes, the frame's payload length
 * @pi:	what was found, valid when PKT_OK is returned (addresses and
 *	@frag_off also when PKT_FRAGMENT is)
 *
 * Checks the version, that the payload length accounts for every byte
 * (no jumbograms, no trailing bytes), the extension headers, and that a
 * TCP, UDP or ICMPv6 header is present and whole.
 *
 * Return: enum pkt_verdict
 */
enum pkt_verdict pkt_parse_ipv6(const uint8_t *p, size_t len,
				struct pkt_info *pi)
{
	struct view v = view_of(p, len);
	const uint8_t *h = view_get(v, 0, PKT_IPV6_HDR);
	enum pkt_verdict r;

	*pi = (struct pkt_info){0};
	if (!h || (h[0] >> 4) != 6)
		return PKT_MALFORMED;
	if ((size_t)get_be16(h + 4) + PKT_IPV6_HDR != len)
		return PKT_MALFORMED;
	pi->version = 6;
	pi->len = (uint32_t)len;
	memcpy(pi->src6, h + 8, 16);
	memcpy(pi->dst6, h + 24, 16);
	r = pkt6_walk(v, pi);
	if (r != PKT_OK)
		return r;
	return pkt_parse_l4(view_from(v, pi->hlen), pi);
}

/**
 * pkt_parse_quote6() - read the IPv6 packet an ICMPv6 error quotes
 * @q:	the quote: the bytes after the ICMPv6 header; it may stop short
 *	of the quoted packet's end
 * @pq:	the result; @pq->state is PKT_QUOTE_BAD unless every field the
 *	checks need could be read
 *
 * As pkt_parse_quote(): an IPv6 header, extension headers walked within
 * the quote as pkt_parse_ipv6() walks them, TCP, UDP or ICMPv6, and for
 * TCP and UDP the ports; a later fragment is marked @later.
 */
void pkt_parse_quote6(struct view q, struct pkt_quote *pq)
{
	const uint8_t *h = view_get(q, 0, PKT_IPV6_HDR);
	struct pkt_info qi = {0};
	enum pkt_verdict v;

	*pq = (struct pkt_quote){.state = PKT_QUOTE_BAD};
	if (!h || (h[0] >> 4) != 6)
		return;
	memcpy(pq->src6, h + 8, 16);
	memcpy(pq->dst6, h + 24, 16);
	v = pkt6_walk(q, &qi);
	pq->proto = qi.proto;
	if (v == PKT_FRAGMENT &&
	    (qi.proto == IPPROTO_TCP || qi.proto == IPPROTO_UDP ||
	     qi.proto == IPPROTO_ICMPV6))
		v = PKT_OK;
	if (v != PKT_OK)
		return;
	pq->later = qi.frag_off != 0;
	if (!pq->later && pkt_quote_ports(view_from(q, qi.hlen), pq))
		return;
	pq->state = PKT_QUOTE_OK;
}

/**
 * pkt_addr6_martian() - is an IPv6 address never valid as a peer on the
 * internet?
 * @a:	16 bytes
 *
 * The unspecified address ::, loopback ::1, IPv4-mapped ::ffff:0:0/96
 * (a way to reach IPv4 loopback and the like through an IPv6 socket),
 * link-local fe80::/10 (never routed) and multicast ff00::/8.
 *
 * Return: non-zero if martian
 */
int pkt_addr6_martian(const uint8_t *a)
{
	static const uint8_t zero[16];
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0,    0,
					   0, 0, 0, 0, 0xff, 0xff};

	if (!memcmp(a, zero, 15) && (a[15] == 0 || a[15] == 1))
		return 1;
	if (!memcmp(a, mapped, 12))
		return 1;
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return 1;
	return a[0] == 0xff;
}

/**
 * pkt_addr6_metadata() - is an IPv6 address one of the instance's metadata
 * or credential services?
 * @a:	16 bytes
 *
 * fd00:ec2::254 (instance metadata) and fd00:ec2::23 (EKS Pod Identity).
 *
 * Return: non-zero if it is
 */
int pkt_addr6_metadata(const uint8_t *a)
{
	uint16_t id = get_be16(a + 14);
	size_t i;

	if (memcmp(a, pkt6_metadata_prefix, sizeof(pkt6_metadata_prefix)))
		return 0;
	for (i = 0; i < sizeof(pkt6_metadata_ids) / sizeof(*pkt6_metadata_ids);
	     i++)
		if (id == pkt6_metadata_ids[i])
			return 1;
	return 0;
}
