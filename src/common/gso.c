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
 *    only, CWR on the first only, every checksum computed. It is used only
 *    on the receiving side of the enclave's own stack, which accepts
 *    segments of any size within its MTU.
 */

#include <string.h>

#include "remora/gso.h"
#include "remora/pkt.h"

#define GSO_TCP 6
#define GSO_UDP 17

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

/* The TCP/UDP checksum of @l4 (@l4len bytes, checksum field zeroed),
 * with the pseudo-header of @ip's version */
static uint16_t gso_l4_csum(const uint8_t *ip, uint8_t proto, const uint8_t *l4,
			    size_t l4len)
{
	uint64_t sum = 0;

	if ((ip[0] >> 4) == 6)
		sum = gso_sum(sum, ip + 8, 32); /* source and destination */
	else
		sum = gso_sum(sum, ip + 12, 8);
	sum += proto;
	sum += l4len;
	sum = gso_sum(sum, l4, l4len);
	return gso_fold(sum);
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
	if (proto == GSO_TCP)
		off = 16;
	else if (proto == GSO_UDP)
		off = 6;
	else
		return (pkt[0] >> 4) == 6 && proto != 58 ? -1 : 0;
	if (len < ihl + off + 2)
		return -1;
	gso_wr16(pkt + ihl + off, 0);
	c = gso_l4_csum(pkt, proto, pkt + ihl, len - ihl);
	if (proto == GSO_UDP && !c)
		c = 0xffff; /* 0 means "no checksum" in UDP */
	gso_wr16(pkt + ihl + off, c);
	return 0;
}

/**
 * gso_tcp_segment() - cut a TCP packet into packets of at most @mtu
 * @pkt:	the packet, checked by pkt_parse(): IPv4, or IPv6 without
 *		extension headers
 * @len:	its length, more than @mtu
 * @mtu:	largest packet wanted
 * @out:	storage for the segments
 * @cap:	its size
 * @segs:	set to where each segment starts, in @out
 * @lens:	set to each segment's length
 * @max:	room in @segs and @lens
 *
 * Return: number of segments, or -1 if @pkt is not TCP, its headers leave
 *	   no room for data within @mtu, or the segments do not fit
 */
int gso_tcp_segment(const uint8_t *pkt, size_t len, size_t mtu, uint8_t *out,
		    size_t cap, uint8_t **segs, size_t *lens, int max)
{
	size_t ihl, hdrs, mss, data, off = 0, n, used = 0;
	const uint8_t *th;
	uint8_t flags, proto;
	uint16_t id;
	uint32_t seq;
	int count = 0, v6;

	if (gso_l4(pkt, len, &ihl, &proto) || proto != GSO_TCP ||
	    len < ihl + 20)
		return -1;
	v6 = (pkt[0] >> 4) == 6;
	th = pkt + ihl;
	hdrs = ihl + (size_t)(th[12] >> 4) * 4;
	if (hdrs < ihl + 20 || hdrs > len || mtu < hdrs + 8)
		return -1;
	mss = mtu - hdrs;
	data = len - hdrs;
	id = v6 ? 0 : gso_rd16(pkt + 4);
	seq = gso_rd32(th + 4);
	flags = th[13];
	while (off < data || (!data && !count)) {
		uint8_t *s, *t;

		n = data - off < mss ? data - off : mss;
		if (count == max || used + hdrs + n > cap)
			return -1;
		s = out + used;
		memcpy(s, pkt, hdrs);
		memcpy(s + hdrs, pkt + hdrs + off, n);
		if (v6) {
			gso_wr16(s + 4, (uint16_t)(hdrs - ihl + n));
		} else {
			gso_wr16(s + 2, (uint16_t)(hdrs + n));
			gso_wr16(s + 4, (uint16_t)(id + count));
			gso_ip_csum(s, ihl);
		}
		t = s + ihl;
		gso_wr32(t + 4, seq + (uint32_t)off);
		t[13] = flags;
		if (off + n < data)
			t[13] &=
				(uint8_t)~0x09; /* FIN, PSH: last segment only */
		if (count)
			t[13] &= (uint8_t)~0x80; /* CWR: first segment only */
		gso_wr16(t + 16, 0);
		gso_wr16(t + 16, gso_l4_csum(s, GSO_TCP, t, hdrs - ihl + n));
		segs[count] = s;
		lens[count] = hdrs + n;
		count++;
		used += hdrs + n;
		off += n;
		if (!data)
			break;
	}
	return count;
}
