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
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <stddef.h>
#include <string.h>

#include "remora/bytes.h"
#include "remora/csum.h"
#include "remora/gso.h"
#include "remora/pkt.h"
#include "remora/view.h"

/* glibc's netinet/tcp.h names the flags up to TH_URG */
#define GSO_TH_CWR 0x80
/* where the TCP checksum sits in its header */
#define GSO_TCP_CSUM offsetof(struct tcphdr, th_sum)

/* Where the transport header starts and which it is: IPv4 (any header
 * length), or IPv6 without extension headers (what GSO and GRO build).
 * Return: 0, or -1 if neither */
static int gso_l4(const uint8_t *pkt, size_t len, size_t *l4, uint8_t *proto)
{
	struct view v = view_of(pkt, len);
	const uint8_t *h;

	h = view_get(v, 0, PKT_IPV6_HDR);
	if (h && (h[0] >> 4) == 6) {
		*l4 = PKT_IPV6_HDR;
		*proto = h[6];
		return 0;
	}
	h = view_get(v, 0, PKT_IPV4_MIN_HDR);
	if (!h || (h[0] >> 4) != 4)
		return -1;
	*l4 = (size_t)(h[0] & 0xf) * 4;
	*proto = h[9];
	return *l4 < PKT_IPV4_MIN_HDR ? -1 : 0;
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
		off = GSO_TCP_CSUM;
	else if (proto == IPPROTO_UDP)
		off = offsetof(struct udphdr, uh_sum);
	else
		return (pkt[0] >> 4) == 6 && proto != IPPROTO_ICMPV6 ? -1 : 0;
	if (len < ihl + off + 2)
		return -1;
	put_be16(pkt + ihl + off, 0);
	c = csum_l4(pkt, proto, pkt + ihl, len - ihl);
	if (proto == IPPROTO_UDP && !c)
		c = 0xffff; /* 0 means "no checksum" in UDP */
	put_be16(pkt + ihl + off, c);
	return 0;
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
 * @out:	the segments, added to it
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
 *	   do not fit in @out
 */
int gso_tcp_segment(const uint8_t *pkt, size_t len, size_t mtu, unsigned flags,
		    struct pieces *out)
{
	size_t ihl, thl, hdrs, mss, data, off = 0, n;
	const uint8_t *th;
	uint8_t tflags, proto;
	uint32_t seq, whole = 0, dsum;
	uint16_t id;
	int count = 0, v6;

	if (gso_l4(pkt, len, &ihl, &proto) || proto != IPPROTO_TCP)
		return -EINVAL;
	th = view_get(view_of(pkt, len), ihl, sizeof(struct tcphdr));
	if (!th)
		return -EINVAL;
	v6 = (pkt[0] >> 4) == 6;
	thl = (size_t)(th[12] >> 4) * 4;
	hdrs = ihl + thl;
	if (thl < sizeof(struct tcphdr) || hdrs > len || mtu < hdrs + 8)
		return -EINVAL;
	tflags = th[13];
	if (tflags & (TH_SYN | TH_RST | TH_URG))
		return -EPROTO;
	mss = mtu - hdrs;
	data = len - hdrs;
	id = v6 ? 0 : get_be16(pkt + 4);
	seq = get_be32(th + 4);
	while (off < data || (!data && !count)) {
		uint8_t *s, *t;

		n = data - off < mss ? data - off : mss;
		s = pieces_add(out, hdrs + n);
		if (!s)
			return -ENOSPC;
		memcpy(s, pkt, hdrs);
		memcpy(s + hdrs, pkt + hdrs + off, n);
		dsum = csum_add(0, s + hdrs, n);
		whole += off & 1 ? csum_odd(dsum) : dsum;
		if (v6) {
			put_be16(s + 4, (uint16_t)(thl + n));
		} else {
			put_be16(s + 2, (uint16_t)(hdrs + n));
			put_be16(s + 4, (uint16_t)(id + count));
			csum_ip4_header(s, ihl);
		}
		t = s + ihl;
		put_be32(t + 4, seq + (uint32_t)off);
		t[13] = tflags;
		if (off + n < data) /* FIN, PSH: last segment only */
			t[13] &= (uint8_t) ~(TH_FIN | TH_PUSH);
		if (count) /* CWR: first segment only */
			t[13] &= (uint8_t)~GSO_TH_CWR;
		put_be16(t + GSO_TCP_CSUM, 0);
		put_be16(
			t + GSO_TCP_CSUM,
			csum_fold(csum_add(csum_pseudo(s, IPPROTO_TCP, thl + n),
					   t, thl) +
				  dsum));
		count++;
		off += n;
		if (!data)
			break;
	}
	/* the original, checksum field included, sums to all ones */
	if ((flags & GSO_VERIFY_CSUM) &&
	    csum_fold(csum_add(csum_pseudo(pkt, IPPROTO_TCP, len - ihl), th,
			       thl) +
		      whole))
		return -EBADMSG;
	return count;
}

/**
 * gso_offload_check() - does an offload header from the peer suit its
 *			 packet?
 * @pkt:	the packet, checked as any other (pkt_check_*)
 * @pi:		the packet, parsed
 * @off:	its offload header, decoded (frame_decode_offload())
 *
 * What the kernel would otherwise be asked to do with it: a checksum left
 * to compute needs a whole TCP or UDP packet; a TCP super-packet needs a
 * whole TCP packet of the kind the kernel's own GSO builds (IPv6 without
 * extension headers), no SYN, RST or URG (copied onto every segment, they
 * would be connections, resets or urgent data nobody sent) and a segment
 * size of at least GSO_MIN_SEG. No other kind is accepted.
 *
 * Return: PKT_OK, PKT_TCP_FLAGS or PKT_OFFLOAD
 */
enum pkt_verdict gso_offload_check(const uint8_t *pkt,
				   const struct pkt_info *pi,
				   const struct frame_offload *off)
{
	int whole = pi->frag == PKT_FRAG_NONE;

	if (off->gso_type == FRAME_GSO_NONE) {
		if (!(off->flags & FRAME_OFFLOAD_CSUM_PARTIAL))
			return PKT_OK;
		return whole && (pi->proto == IPPROTO_TCP ||
				 pi->proto == IPPROTO_UDP)
			       ? PKT_OK
			       : PKT_OFFLOAD;
	}
	if (off->gso_type != FRAME_GSO_TCP || !whole ||
	    pi->proto != IPPROTO_TCP ||
	    (pi->version == 6 && pi->hlen != PKT_IPV6_HDR) ||
	    off->gso_size < GSO_MIN_SEG)
		return PKT_OFFLOAD;
	if (pkt[pi->hlen + 13] & (TH_SYN | TH_RST | TH_URG))
		return PKT_TCP_FLAGS;
	return PKT_OK;
}
