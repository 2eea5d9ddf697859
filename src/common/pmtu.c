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

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "remora/pkt.h"
#include "remora/pmtu.h"

#define PMTU_DF 0x4000
#define PMTU_MF 0x2000

static inline void pmtu_wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint16_t pmtu_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

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

		if (hdr[i] == 0) /* end of options */
			break;
		if (hdr[i] == 1) { /* no operation */
			i++;
			continue;
		}
		if (i + 1 >= ihl || hdr[i + 1] < 2 || i + hdr[i + 1] > ihl)
			return 0;
		olen = hdr[i + 1];
		if (hdr[i] & 0x80) {
			memcpy(out + n, hdr + i, olen);
			n += olen;
		}
		i += olen;
	}
	while (n % 4)
		out[n++] = 1;
	out[0] = (uint8_t)(0x40 | n / 4);
	return n;
}

/**
 * pmtu_fragment() - cut an IPv4 packet into fragments of at most @mtu
 * @pkt:	the packet, checked by pkt_parse_ipv4() (it may itself be a
 *		fragment: its pieces keep its offset and more-fragments flag)
 * @len:	its length, more than @mtu
 * @mtu:	largest fragment wanted, at least PMTU_MIN_MTU
 * @out:	storage for the fragments
 * @cap:	its size
 * @frags:	set to where each fragment starts, in @out
 * @lens:	set to each fragment's length
 * @max:	room in @frags and @lens
 *
 * Return: number of fragments, or -1 if the packet has the don't-fragment
 *	   flag, malformed options, an MTU too small for its header, or more
 *	   pieces than fit
 */
int pmtu_fragment(const uint8_t *pkt, size_t len, size_t mtu, uint8_t *out,
		  size_t cap, uint8_t **frags, size_t *lens, int max)
{
	uint8_t later[60];
	size_t ihl, lhl, data, off = 0, used = 0, hl, n, room;
	uint16_t fo, base;
	const uint8_t *hdr;
	int count = 0;

	if (len < 20 || mtu < PMTU_MIN_MTU)
		return -1;
	ihl = (size_t)(pkt[0] & 0xf) * 4;
	if (ihl < 20 || ihl > len || pmtu_rd16(pkt + 2) != len)
		return -1;
	fo = pmtu_rd16(pkt + 6);
	if (fo & PMTU_DF)
		return -1;
	lhl = pmtu_later_header(pkt, ihl, later);
	if (!lhl || mtu < ihl + 8)
		return -1;
	base = fo & 0x1fff; /* in 8-byte units */
	data = len - ihl;
	while (off < data) {
		uint8_t *f;

		hdr = count ? later : pkt;
		hl = count ? lhl : ihl;
		room = (mtu - hl) & ~(size_t)7;
		n = data - off < room ? data - off : room;
		if (count == max || used + hl + n > cap ||
		    base + (off >> 3) > 0x1fff)
			return -1;
		f = out + used;
		memcpy(f, hdr, hl);
		memcpy(f + hl, pkt + ihl + off, n);
		pmtu_wr16(f + 2, (uint16_t)(hl + n));
		pmtu_wr16(f + 6, (uint16_t)((base + (off >> 3)) |
					    (off + n < data ? PMTU_MF
							    : fo & PMTU_MF)));
		pmtu_wr16(f + 10, 0);
		pmtu_wr16(f + 10, pkt_ipv4_csum(f, hl));
		frags[count] = f;
		lens[count] = hl + n;
		count++;
		used += hl + n;
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
	size_t ihl, quote, total;
	uint16_t fo;

	if (len < 20 || cap < PMTU_ICMP_MAX)
		return 0;
	ihl = (size_t)(pkt[0] & 0xf) * 4;
	if (ihl < 20 || ihl > len)
		return 0;
	fo = pmtu_rd16(pkt + 6);
	if (fo & 0x1fff)
		return 0;
	if (pkt[9] == 1 && len > ihl) {
		uint8_t t = pkt[ihl];

		if (t != 0 && t != 8) /* only echo and echo reply */
			return 0;
	}
	quote = len < PMTU_ICMP_MAX - 28 ? len : PMTU_ICMP_MAX - 28;
	total = 28 + quote;
	memset(out, 0, 28);
	out[0] = 0x45;
	pmtu_wr16(out + 2, (uint16_t)total);
	out[8] = 64;
	out[9] = 1; /* ICMP */
	memcpy(out + 12, &src, 4);
	memcpy(out + 16, pkt + 12, 4); /* to the packet's source */
	pmtu_wr16(out + 10, pkt_ipv4_csum(out, 20));
	out[20] = 3; /* destination unreachable */
	out[21] = 4; /* fragmentation needed and DF set */
	pmtu_wr16(out + 26, (uint16_t)(mtu > 0xffff ? 0xffff : mtu));
	memcpy(out + 28, pkt, quote);
	pmtu_wr16(out + 22, pkt_ipv4_csum(out + 20, total - 20));
	return total;
}

/* One's complement sum of @len bytes, not folded */
static uint32_t pmtu_sum(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += pmtu_rd16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
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
	size_t quote, total;
	uint32_t sum;

	if (len < 40 || (pkt[0] >> 4) != 6 || cap < PMTU_ICMP6_MAX ||
	    mtu < 1280)
		return 0;
	if (pkt[6] == 58 && (len < 41 || pkt[40] < 128))
		return 0;
	quote = len < PMTU_ICMP6_MAX - 48 ? len : PMTU_ICMP6_MAX - 48;
	total = 48 + quote;
	memset(out, 0, 48);
	out[0] = 0x60;
	pmtu_wr16(out + 4, (uint16_t)(total - 40));
	out[6] = 58; /* ICMPv6 */
	out[7] = 64;
	memcpy(out + 8, pkt + 24, 16); /* from the packet's destination */
	memcpy(out + 24, pkt + 8, 16); /* to its source */
	out[40] = 2;		       /* packet too big */
	pmtu_wr16(out + 44, (uint16_t)(mtu >> 16));
	pmtu_wr16(out + 46, (uint16_t)mtu);
	memcpy(out + 48, pkt, quote);
	sum = pmtu_sum(0, out + 8, 32);
	sum += (uint32_t)(total - 40);
	sum += 58;
	sum = pmtu_sum(sum, out + 40, total - 40);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	pmtu_wr16(out + 42, (uint16_t)~sum);
	return total;
}

/**
 * pmtu_fragment6() - cut an IPv6 packet into fragments of at most @mtu
 * @pkt:	the packet, checked by pkt_parse(), without extension headers
 * @len:	its length, more than @mtu
 * @mtu:	largest fragment wanted, at least 1280
 * @ident:	the fragments' identification
 * @out:	storage for the fragments
 * @cap:	its size
 * @frags:	set to where each fragment starts, in @out
 * @lens:	set to each fragment's length
 * @max:	room in @frags and @lens
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
		   uint8_t *out, size_t cap, uint8_t **frags, size_t *lens,
		   int max)
{
	size_t data, off = 0, used = 0, room, n;
	int count = 0;

	if (len < 40 || (pkt[0] >> 4) != 6 || mtu < 1280 ||
	    (size_t)pmtu_rd16(pkt + 4) + 40 != len ||
	    (pkt[6] != 6 && pkt[6] != 17 && pkt[6] != 58))
		return -1;
	data = len - 40;
	room = (mtu - 48) & ~(size_t)7;
	while (off < data) {
		uint8_t *f;

		n = data - off < room ? data - off : room;
		if (count == max || used + 48 + n > cap)
			return -1;
		f = out + used;
		memcpy(f, pkt, 40);
		f[6] = 44; /* fragment header */
		pmtu_wr16(f + 4, (uint16_t)(8 + n));
		f[40] = pkt[6];
		f[41] = 0;
		pmtu_wr16(f + 42, (uint16_t)(off | (off + n < data ? 1 : 0)));
		f[44] = (uint8_t)(ident >> 24);
		f[45] = (uint8_t)(ident >> 16);
		f[46] = (uint8_t)(ident >> 8);
		f[47] = (uint8_t)ident;
		memcpy(f + 48, pkt + 40 + off, n);
		frags[count] = f;
		lens[count] = 48 + n;
		count++;
		used += 48 + n;
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
