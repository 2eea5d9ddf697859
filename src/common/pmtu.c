// SPDX-License-Identifier: Apache-2.0
/* remora - packets larger than their path: fragments, "fragmentation
 * needed"
 *
 * A raw socket refuses (EMSGSIZE) a packet larger than the MTU of the
 * interface it would leave by; it neither fragments it nor tells the
 * sender. remora does what a router on that path would:
 *
 *  - an IPv4 packet without the don't-fragment flag is cut into fragments
 *    that fit (pmtu_fragment()), as RFC 791 says: each carries the
 *    header, a multiple of 8 bytes of the payload but the last, its offset
 *    and the more-fragments flag, and only the first keeps the options
 *    not marked "copied";
 *  - a packet with it set is answered with ICMP "fragmentation needed"
 *    (type 3, code 4) carrying the path's MTU (RFC 1191), built by
 *    pmtu_frag_needed() and sent back to the packet's source, so its TCP
 *    lowers its segment size and a UDP socket that forbids fragmentation
 *    gets EMSGSIZE;
 *  - IPv6 is never fragmented on the way: a packet too large is answered
 *    with ICMPv6 "packet too big" (type 2, RFC 4443 and 8201), built by
 *    pmtu_too_big6(). The source fragments, after the OUTPUT hook where
 *    remora-enclave takes its packets: remora-enclave does it in the
 *    kernel's stead with pmtu_fragment6() (RFC 8200 4.5).
 */

#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/ip_icmp.h>
#include <string.h>
#include <sys/socket.h>

#include "remora/bytes.h"
#include "remora/csum.h"
#include "remora/pkt.h"
#include "remora/pmtu.h"
#include "remora/view.h"

#define PMTU_TTL	64   /* of the messages remora-host writes */
#define PMTU_IPOPT_COPY 0x80 /* option type bit: later fragments carry it */
#define PMTU_IPOPT_EOL	0    /* end of the option list */
#define PMTU_IPOPT_NOP	1    /* no operation: one byte of padding */
#define PMTU_FRAG6_HDR	(PKT_IPV6_HDR + sizeof(struct ip6_frag))

/* The options of @hdr (a header of @ihl bytes) that later fragments carry
 * (those with the "copied" bit), written to @out; NOPs pad to 4 bytes.
 * Return: the later fragments' header length, or 0 if the options are
 * malformed */
static size_t pmtu_later_header(const uint8_t *hdr, size_t ihl, uint8_t *out)
{
	size_t i = 20, n = 20;

	memcpy(out, hdr, 20);
	while (i < ihl) {
		size_t olen;

		if (hdr[i] == PMTU_IPOPT_EOL)
			break;
		if (hdr[i] == PMTU_IPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= ihl || hdr[i + 1] < 2 || i + hdr[i + 1] > ihl)
			return 0;
		olen = hdr[i + 1];
		if (hdr[i] & PMTU_IPOPT_COPY) {
			memcpy(out + n, hdr + i, olen);
			n += olen;
		}
		i += olen;
	}
	while (n % 4)
		out[n++] = PMTU_IPOPT_NOP;
	out[0] = (uint8_t)(0x40 | n / 4);
	return n;
}

/**
 * pmtu_fragment() - cut an IPv4 packet into fragments of at most @mtu
 * @pkt:	the packet, checked by pkt_parse_ipv4() (it may itself be a
 *		fragment: its pieces keep its offset and more-fragments flag)
 * @len:	its length, more than @mtu
 * @mtu:	largest fragment wanted, at least PMTU_MIN_MTU
 * @out:	the fragments, added to it
 *
 * Return: number of fragments, or -1 if the packet has the don't-fragment
 *	   flag, malformed options, an MTU too small for its header, or more
 *	   pieces than fit
 */
int pmtu_fragment(const uint8_t *pkt, size_t len, size_t mtu,
		  struct pieces *out)
{
	uint8_t later[60];
	size_t ihl, lhl, data, off = 0, hl, n, room;
	uint16_t fo, base;
	const uint8_t *hdr;
	int count = 0;

	if (!view_get(view_of(pkt, len), 0, PKT_IPV4_MIN_HDR) ||
	    mtu < PMTU_MIN_MTU)
		return -1;
	ihl = (size_t)(pkt[0] & 0xf) * 4;
	if (ihl < PKT_IPV4_MIN_HDR || ihl > len || get_be16(pkt + 2) != len)
		return -1;
	fo = get_be16(pkt + 6);
	if (fo & IP_DF)
		return -1;
	lhl = pmtu_later_header(pkt, ihl, later);
	if (!lhl || mtu < ihl + 8)
		return -1;
	base = fo & IP_OFFMASK; /* in 8-byte units */
	data = len - ihl;
	while (off < data) {
		uint8_t *f;

		hdr = count ? later : pkt;
		hl = count ? lhl : ihl;
		room = (mtu - hl) & ~(size_t)7;
		n = data - off < room ? data - off : room;
		if (base + (off >> 3) > IP_OFFMASK)
			return -1;
		f = pieces_add(out, hl + n);
		if (!f)
			return -1;
		memcpy(f, hdr, hl);
		memcpy(f + hl, pkt + ihl + off, n);
		put_be16(f + 2, (uint16_t)(hl + n));
		put_be16(f + 6,
			 (uint16_t)((base + (off >> 3)) |
				    (off + n < data ? IP_MF : fo & IP_MF)));
		csum_ip4_header(f, hl);
		count++;
		off += n;
	}
	return count;
}

/**
 * pmtu_frag_needed() - the ICMP "fragmentation needed" a router sends
 * @pkt:	the packet that does not fit, checked by pkt_parse_ipv4()
 * @len:	its length
 * @mtu:	the MTU of the path it could not take
 * @src:	source of the ICMP message, network order
 * @out:	where the message is written
 * @cap:	its size, at least PMTU_ICMP_MAX
 *
 * The message goes to @pkt's source and quotes @pkt's header and as much
 * of its payload as fits in PMTU_ICMP_MAX bytes, as Linux does (RFC 1812
 * 4.3.2.3); the sender's TCP needs the first 8 bytes (ports and sequence
 * number) to find its connection.
 *
 * Return: the message's length, or 0 if @cap is too small or @pkt is not
 *	   a packet to answer (a fragment other than the first, an ICMP
 *	   error: no error is sent about those, RFC 1122 3.2.2)
 */
size_t pmtu_frag_needed(const uint8_t *pkt, size_t len, size_t mtu,
			uint32_t src, uint8_t *out, size_t cap)
{
	const size_t hl = PKT_IPV4_MIN_HDR + PKT_ICMP_HDR;
	struct view v = view_of(pkt, len);
	const uint8_t *icmp;
	size_t ihl, quote, total;

	if (!view_get(v, 0, PKT_IPV4_MIN_HDR) || cap < PMTU_ICMP_MAX)
		return 0;
	ihl = (size_t)(pkt[0] & 0xf) * 4;
	if (ihl < PKT_IPV4_MIN_HDR || ihl > len)
		return 0;
	if (get_be16(pkt + 6) & IP_OFFMASK)
		return 0;
	icmp = view_get(v, ihl, 1);
	if (pkt[9] == IPPROTO_ICMP && icmp && icmp[0] != ICMP_ECHO &&
	    icmp[0] != ICMP_ECHOREPLY)
		return 0; /* only echo and echo reply, of ICMP */
	quote = len < PMTU_ICMP_MAX - hl ? len : PMTU_ICMP_MAX - hl;
	total = hl + quote;
	memset(out, 0, hl);
	out[0] = 0x45;
	put_be16(out + 2, (uint16_t)total);
	out[8] = PMTU_TTL;
	out[9] = IPPROTO_ICMP;
	memcpy(out + 12, &src, 4);
	memcpy(out + 16, pkt + 12, 4); /* to the packet's source */
	csum_ip4_header(out, PKT_IPV4_MIN_HDR);
	out[20] = ICMP_DEST_UNREACH;
	out[21] = ICMP_FRAG_NEEDED;
	put_be16(out + 26, (uint16_t)(mtu > 0xffff ? 0xffff : mtu));
	memcpy(out + hl, pkt, quote);
	put_be16(out + 22,
		 csum(out + PKT_IPV4_MIN_HDR, total - PKT_IPV4_MIN_HDR));
	return total;
}

/**
 * pmtu_too_big6() - the ICMPv6 "packet too big" a router sends
 * @pkt:	the IPv6 packet that does not fit, checked by pkt_parse()
 * @len:	its length
 * @mtu:	the MTU of the path it could not take (at least 1280)
 * @out:	where the message is written
 * @cap:	its size, at least PMTU_ICMP6_MAX
 *
 * The message goes back to @pkt's source, from @pkt's destination: the
 * router that could not forward it would use its own address, and the
 * host's is the enclave's own, which the enclave refuses as a source; the
 * enclave's kernel takes the message for the flow it quotes whatever its
 * source. It quotes as much of @pkt as fits in PMTU_ICMP6_MAX bytes (RFC
 * 4443 2.4).
 *
 * Return: the message's length, or 0 if @cap is too small, @mtu is below
 *	   IPv6's minimum, or @pkt is an ICMPv6 error (no error about an
 *	   error)
 */
size_t pmtu_too_big6(const uint8_t *pkt, size_t len, size_t mtu, uint8_t *out,
		     size_t cap)
{
	const size_t hl = PKT_IPV6_HDR + PKT_ICMP_HDR;
	struct view v = view_of(pkt, len);
	const uint8_t *h = view_get(v, 0, PKT_IPV6_HDR), *type;
	size_t quote, total;

	if (!h || (h[0] >> 4) != 6 || cap < PMTU_ICMP6_MAX ||
	    mtu < PMTU_IPV6_MIN_MTU)
		return 0;
	type = view_get(v, PKT_IPV6_HDR, 1);
	if (h[6] == IPPROTO_ICMPV6 &&
	    (!type || !(type[0] & ICMP6_INFOMSG_MASK)))
		return 0; /* no error about an error */
	quote = len < PMTU_ICMP6_MAX - hl ? len : PMTU_ICMP6_MAX - hl;
	total = hl + quote;
	memset(out, 0, hl);
	out[0] = 0x60;
	put_be16(out + 4, (uint16_t)(total - PKT_IPV6_HDR));
	out[6] = IPPROTO_ICMPV6;
	out[7] = PMTU_TTL;
	memcpy(out + 8, pkt + 24, 16); /* from the packet's destination */
	memcpy(out + 24, pkt + 8, 16); /* to its source */
	out[40] = ICMP6_PACKET_TOO_BIG;
	put_be32(out + 44, (uint32_t)mtu);
	memcpy(out + hl, pkt, quote);
	put_be16(out + 42, csum_l4(out, IPPROTO_ICMPV6, out + PKT_IPV6_HDR,
				   total - PKT_IPV6_HDR));
	return total;
}

/**
 * pmtu_fragment6() - cut an IPv6 packet into fragments of at most @mtu
 * @pkt:	the packet, checked by pkt_parse(), without extension headers
 * @len:	its length, more than @mtu
 * @mtu:	largest fragment wanted, at least 1280
 * @ident:	the fragments' identification
 * @out:	the fragments, added to it
 *
 * Each fragment is the fixed header (next header: fragment), a fragment
 * header carrying the original next header, @ident, its offset and the
 * more-fragments flag, and a multiple of 8 bytes of the payload but the
 * last (RFC 8200 4.5).
 *
 * Return: number of fragments, or -1 if the packet has extension headers
 *	   (the unfragmentable part is then not just the fixed header), @mtu
 *	   is below 1280, or the pieces do not fit
 */
int pmtu_fragment6(const uint8_t *pkt, size_t len, size_t mtu, uint32_t ident,
		   struct pieces *out)
{
	const uint8_t *h = view_get(view_of(pkt, len), 0, PKT_IPV6_HDR);
	size_t data, off = 0, room, n;
	int count = 0;

	if (!h || (h[0] >> 4) != 6 || mtu < PMTU_IPV6_MIN_MTU ||
	    (size_t)get_be16(h + 4) + PKT_IPV6_HDR != len ||
	    (h[6] != IPPROTO_TCP && h[6] != IPPROTO_UDP &&
	     h[6] != IPPROTO_ICMPV6))
		return -1;
	data = len - PKT_IPV6_HDR;
	room = (mtu - PMTU_FRAG6_HDR) & ~(size_t)7;
	while (off < data) {
		uint8_t *f;

		n = data - off < room ? data - off : room;
		f = pieces_add(out, PMTU_FRAG6_HDR + n);
		if (!f)
			return -1;
		memcpy(f, pkt, PKT_IPV6_HDR);
		f[6] = IPPROTO_FRAGMENT;
		put_be16(f + 4, (uint16_t)(sizeof(struct ip6_frag) + n));
		f[40] = h[6];
		f[41] = 0;
		/* the offset in bytes is a multiple of 8: it is the field
		 * with its three low bits free, M the lowest */
		put_be16(f + 42, (uint16_t)(off | (off + n < data ? 1 : 0)));
		put_be32(f + 44, ident);
		memcpy(f + PMTU_FRAG6_HDR, pkt + PKT_IPV6_HDR + off, n);
		count++;
		off += n;
	}
	return count;
}

/**
 * pmtu_route_mtu() - the path MTU the kernel holds for a destination
 * @fd:		UDP socket of @family (marked as the packets it stands for
 *		are, where routing depends on the mark), or -1
 * @family:	AF_INET or AF_INET6
 * @dst:	the destination: 4 bytes (network order) or 16
 *
 * Connecting a UDP socket sends nothing: it looks the route up, and
 * IP_MTU/IPV6_MTU then give its MTU, lowered by what path MTU discovery
 * learnt. Called only for packets too large for their path: one lookup
 * each.
 *
 * Return: the MTU, or 0 if unknown (no route, no socket)
 */
size_t pmtu_route_mtu(int fd, int family, const void *dst)
{
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6,
				    .sin6_port = htons(9)};
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(9)};
	socklen_t sl = sizeof(int);
	int mtu = 0, rc;

	if (fd < 0)
		return 0;
	if (family == AF_INET6) {
		memcpy(&sin6.sin6_addr, dst, 16);
		rc = connect(fd, (struct sockaddr *)&sin6, sizeof(sin6)) ||
		     getsockopt(fd, IPPROTO_IPV6, IPV6_MTU, &mtu, &sl);
	} else {
		memcpy(&sin.sin_addr, dst, 4);
		rc = connect(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
		     getsockopt(fd, IPPROTO_IP, IP_MTU, &mtu, &sl);
	}
	return rc || mtu <= 0 ? 0 : (size_t)mtu;
}

/**
 * pmtu_cache_mtu() - a destination's route MTU, asked of the kernel at
 *		      most once a PMTU_CACHE_TTL per destination
 * @c:		cache (its sockets opened by the caller, slots zeroed)
 * @family:	AF_INET or AF_INET6
 * @dst:	the destination: 4 bytes (network order) or 16
 * @now:	event-loop time
 *
 * An MTU the kernel learns (path MTU discovery, a route changed) is seen
 * within PMTU_CACHE_TTL; meanwhile a packet too large for it is dropped by
 * the kernel that forwards it, and its sender retransmits.
 *
 * Return: the MTU, or 0 if unknown
 */
size_t pmtu_cache_mtu(struct pmtu_cache *c, int family, const void *dst,
		      double now)
{
	size_t alen = family == AF_INET6 ? 16 : 4, i;
	uint32_t h = 2166136261u; /* FNV-1a */
	struct pmtu_cache_slot *s;

	for (i = 0; i < alen; i++)
		h = (h ^ ((const uint8_t *)dst)[i]) * 16777619u;
	s = &c->slot[h % PMTU_CACHE_SLOTS];
	if (s->family == family && now < s->expires &&
	    !memcmp(s->addr, dst, alen))
		return s->mtu;
	c->lookups++;
	s->family = (uint8_t)family;
	memcpy(s->addr, dst, alen);
	s->mtu = (uint32_t)pmtu_route_mtu(family == AF_INET6 ? c->fd6 : c->fd,
					  family, dst);
	s->expires = now + PMTU_CACHE_TTL;
	return s->mtu;
}
