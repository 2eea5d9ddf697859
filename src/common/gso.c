// SPDX-License-Identifier: Apache-2.0
/* remora - super-packets: completing checksums, cutting TCP to an MTU
 *
 * With NFQA_CFG_F_GSO the kernel hands remora-host the packets it has
 * aggregated (GRO: up to 64 KiB of one TCP flow in one packet) whole, so
 * one queue message, one frame and one injection carry what would be up to
 * 45 packets. Two things are then remora's to do:
 *
 *  - such packets may have their TCP/UDP checksum not yet computed (the
 *    kernel marks them NFQA_SKB_CSUMNOTREADY): gso_fill_l4_csum() computes
 *    it before they leave;
 *  - where a packet must be injected into a path whose MTU is smaller
 *    (the enclave's lo at its configured MTU), gso_tcp_segment() cuts a
 *    TCP super-packet into segments of that MTU, as the kernel's GSO
 *    would: consecutive sequence numbers, FIN and PSH on the last segment
 *    only, CWR on the first only, every checksum computed. The checksums
 *    it computes are the ones the enclave's kernel verifies, so a packet
 *    from the host is cut only if its own checksum verifies, and never
 *    one with SYN, RST or URG. It is used on the receiving side of the
 *    enclave's own stack, which accepts segments of any size within its
 *    MTU, and on the enclave's own super-packets, at their MSS.
 */

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "remora/gso.h"
#include "remora/pkt.h"

#define GSO_TCP_MIN_HDR 20 /* bytes */

/* TCP flags, in the header's 14th byte */
#define GSO_TH_FIN 0x01
#define GSO_TH_SYN 0x02
#define GSO_TH_RST 0x04
#define GSO_TH_PSH 0x08
#define GSO_TH_URG 0x20
#define GSO_TH_CWR 0x80

static inline uint16_t gso_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void gso_wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint32_t gso_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void gso_wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* One's complement sum of @len bytes, added to @sum, not folded. The
 * bytes are read 32 bits at a time in the machine's order and the folded
 * result swapped back: the one's complement sum does not depend on byte
 * order (RFC 1071), and this is the hot loop of every segment. */
static uint64_t gso_sum(uint64_t sum, const uint8_t *p, size_t len)
{
	uint64_t acc = 0;
	uint32_t w;
	uint16_t h;
	size_t i;

	for (i = 0; i + 4 <= len; i += 4) {
		memcpy(&w, p + i, 4);
		acc += w;
	}
	if (i + 2 <= len) {
		memcpy(&h, p + i, 2);
		acc += h;
		i += 2;
	}
	if (i < len) {
		const uint8_t last[2] = {p[i], 0};

		memcpy(&h, last, 2);
		acc += h;
	}
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	h = (uint16_t)acc;
	memcpy(&w, (const uint8_t[4]){0, 0, 0, 1}, 4);
	if (w != 1) /* little-endian: back to network order */
		h = (uint16_t)(h >> 8 | h << 8);
	return sum + h;
}

static uint16_t gso_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The sum of the pseudo-header of @ip's version, for @l4len bytes of
 * @proto, not folded */
static uint64_t gso_pseudo(const uint8_t *ip, uint8_t proto, size_t l4len)
{
	uint64_t sum;

	if ((ip[0] >> 4) == 6)
		sum = gso_sum(0, ip + 8, 32); /* source and destination */
	else
		sum = gso_sum(0, ip + 12, 8);
	return sum + proto + l4len;
}

/* The TCP/UDP checksum of @l4 (@l4len bytes, checksum field zeroed),
 * with the pseudo-header of @ip's version */
static uint16_t gso_l4_csum(const uint8_t *ip, uint8_t proto, const uint8_t *l4,
			    size_t l4len)
{
	return gso_fold(gso_sum(gso_pseudo(ip, proto, l4len), l4, l4len));
}

/* Where the transport header starts and which it is: IPv4 (any header
 * length), or IPv6 without extension headers (what GSO and GRO build).
 * Return: 0, or -1 if neither */
static int gso_l4(const uint8_t *pkt, size_t len, size_t *l4, uint8_t *proto)
{
	if (len >= 40 && (pkt[0] >> 4) == 6) {
		*l4 = 40;
		*proto = pkt[6];
		return 0;
	}
	if (len < 20 || (pkt[0] >> 4) != 4)
		return -1;
	*l4 = (size_t)(pkt[0] & 0xf) * 4;
	*proto = pkt[9];
	return *l4 < 20 ? -1 : 0;
}

/* The IPv4 header checksum: pkt_ipv4_csum() over the header with the
 * field zeroed */
static void gso_ip_csum(uint8_t *ip, size_t ihl)
{
	gso_wr16(ip + 10, 0);
	gso_wr16(ip + 10, pkt_ipv4_csum(ip, ihl));
}

/**
 * gso_fill_l4_csum() - compute the TCP or UDP checksum of a packet
 * @pkt:	IPv4 or IPv6 packet from the local kernel
 * @len:	its length
 *
 * Return: 0 (done, or nothing to do for another protocol), -1 if the
 *	   packet is too short to hold its transport header or is not IPv4
 *	   or IPv6 without extension headers
 */
int gso_fill_l4_csum(uint8_t *pkt, size_t len)
{
	size_t ihl, off;
	uint8_t proto;
	uint16_t c;

	if (gso_l4(pkt, len, &ihl, &proto))
		return -1;
	if (proto == IPPROTO_TCP)
		off = 16;
	else if (proto == IPPROTO_UDP)
		off = 6;
	else
		return (pkt[0] >> 4) == 6 && proto != IPPROTO_ICMPV6 ? -1 : 0;
	if (len < ihl + off + 2)
		return -1;
	gso_wr16(pkt + ihl + off, 0);
	c = gso_l4_csum(pkt, proto, pkt + ihl, len - ihl);
	if (proto == IPPROTO_UDP && !c)
		c = 0xffff; /* 0 means "no checksum" in UDP */
	gso_wr16(pkt + ihl + off, c);
	return 0;
}

/* Bytes at an odd offset of a sum weigh as if swapped (RFC 1071, 2.(B)) */
static uint16_t gso_swab(uint16_t v)
{
	return (uint16_t)(v >> 8 | v << 8);
}

/**
 * gso_tcp_segment() - cut a TCP packet into packets of at most @mtu
 * @pkt:	the packet, checked by pkt_parse(): IPv4, or IPv6 without
 *		extension headers
 * @len:	its length, more than @mtu
 * @mtu:	largest packet wanted
 * @flags:	GSO_VERIFY_CSUM: the packet's TCP checksum must verify (it
 *		came from the host, and the enclave's kernel will trust the
 *		segments' new checksums)
 * @out:	storage for the segments
 * @cap:	its size
 * @segs:	set to where each segment starts, in @out
 * @lens:	set to each segment's length
 * @max:	room in @segs and @lens
 *
 * As the kernel's own GSO: consecutive sequence numbers, FIN and PSH on
 * the last segment only, CWR on the first only, the IPv4 identification
 * counting up, every checksum computed. A packet with SYN, RST or URG is
 * never cut: no aggregate carries them (GRO flushes on each), and copies
 * of them would be new connections, resets or urgent data the sender never
 * sent. With GSO_VERIFY_CSUM, the original checksum is checked against
 * the sums of the data computed for the segments, so the data is read
 * once; a packet that fails is refused whole, whatever was written to
 * @out.
 *
 * Return: number of segments, -EINVAL if @pkt is not TCP or its headers
 *	   leave no room for data within @mtu, -EPROTO for SYN, RST or URG,
 *	   -EBADMSG if the checksum does not verify, -ENOSPC if the segments
 *	   do not fit in @out or @max
 */
int gso_tcp_segment(const uint8_t *pkt, size_t len, size_t mtu, unsigned flags,
		    uint8_t *out, size_t cap, uint8_t **segs, size_t *lens,
		    int max)
{
	size_t ihl, thl, hdrs, mss, data, off = 0, n, used = 0;
	uint64_t whole = 0;
	const uint8_t *th;
	uint8_t tflags, proto;
	uint16_t id, dsum;
	uint32_t seq;
	int count = 0, v6;

	if (gso_l4(pkt, len, &ihl, &proto) || proto != IPPROTO_TCP ||
	    len < ihl + GSO_TCP_MIN_HDR)
		return -EINVAL;
	v6 = (pkt[0] >> 4) == 6;
	th = pkt + ihl;
	thl = (size_t)(th[12] >> 4) * 4;
	hdrs = ihl + thl;
	if (thl < GSO_TCP_MIN_HDR || hdrs > len || mtu < hdrs + 8)
		return -EINVAL;
	tflags = th[13];
	if (tflags & (GSO_TH_SYN | GSO_TH_RST | GSO_TH_URG))
		return -EPROTO;
	mss = mtu - hdrs;
	data = len - hdrs;
	id = v6 ? 0 : gso_rd16(pkt + 4);
	seq = gso_rd32(th + 4);
	while (off < data || (!data && !count)) {
		uint8_t *s, *t;
		uint64_t sum;

		n = data - off < mss ? data - off : mss;
		if (count == max || used + hdrs + n > cap)
			return -ENOSPC;
		s = out + used;
		memcpy(s, pkt, hdrs);
		memcpy(s + hdrs, pkt + hdrs + off, n);
		dsum = (uint16_t)gso_sum(0, s + hdrs, n);
		whole += off & 1 ? gso_swab(dsum) : dsum;
		if (v6) {
			gso_wr16(s + 4, (uint16_t)(thl + n));
		} else {
			gso_wr16(s + 2, (uint16_t)(hdrs + n));
			gso_wr16(s + 4, (uint16_t)(id + count));
			gso_ip_csum(s, ihl);
		}
		t = s + ihl;
		gso_wr32(t + 4, seq + (uint32_t)off);
		t[13] = tflags;
		if (off + n < data) /* FIN, PSH: last segment only */
			t[13] &= (uint8_t) ~(GSO_TH_FIN | GSO_TH_PSH);
		if (count) /* CWR: first segment only */
			t[13] &= (uint8_t)~GSO_TH_CWR;
		gso_wr16(t + 16, 0);
		sum = gso_pseudo(s, IPPROTO_TCP, thl + n);
		sum = gso_sum(sum, t, thl) + dsum;
		gso_wr16(t + 16, gso_fold(sum));
		segs[count] = s;
		lens[count] = hdrs + n;
		count++;
		used += hdrs + n;
		off += n;
		if (!data)
			break;
	}
	/* the original, checksum field included, sums to all ones */
	if ((flags & GSO_VERIFY_CSUM) &&
	    gso_fold(gso_sum(gso_pseudo(pkt, IPPROTO_TCP, len - ihl), th, thl) +
		     whole))
		return -EBADMSG;
	return count;
}
