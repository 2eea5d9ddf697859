// SPDX-License-Identifier: Apache-2.0
/* remora - what the unit tests share about packets: the reference
 * checksum and the headers of the packets they build (testpkt.h) */

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "testpkt.h"

/**
 * ref_sum() - the one's complement sum of bytes, not folded
 * @sum:	what to add them to
 * @p:		the bytes
 * @len:	how many: big-endian pairs, an odd last byte padded with zero
 *
 * Return: @sum plus theirs
 */
uint32_t ref_sum(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

/**
 * ref_fold() - a sum folded to 16 bits (carries added back), not
 *		complemented
 * @sum:	from ref_sum()
 *
 * Return: the folded sum
 */
uint16_t ref_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/**
 * ref_verifies() - does a sum over data and its checksum verify?
 * @sum:	from ref_sum(), the checksum field included
 *
 * Return: 1 if it folds to all ones, 0 if not
 */
int ref_verifies(uint32_t sum)
{
	return ref_fold(sum) == 0xffff;
}

/**
 * ref_pseudo() - the sum of a packet's pseudo-header
 * @ip:		the packet: IPv4 or IPv6, by its version
 * @proto:	the transport protocol
 * @l4len:	the transport length
 *
 * Return: the sum, folded, not complemented: what a partial checksum
 *	   field holds
 */
uint16_t ref_pseudo(const uint8_t *ip, uint8_t proto, size_t l4len)
{
	uint32_t sum = (ip[0] >> 4) == 6 ? ref_sum(0, ip + 8, 32)
					 : ref_sum(0, ip + 12, 8);

	return ref_fold(sum + proto + (uint32_t)(l4len >> 16) +
			(uint32_t)(l4len & 0xffff));
}

/**
 * ref_l4_ok() - does a packet's transport checksum verify?
 * @ip:		the packet
 * @len:	its length
 * @hl:		where its transport header is (its IP headers' length)
 * @proto:	the transport protocol
 *
 * Return: 1 or 0
 */
int ref_l4_ok(const uint8_t *ip, size_t len, size_t hl, uint8_t proto)
{
	return ref_verifies(
		ref_sum(ref_pseudo(ip, proto, len - hl), ip + hl, len - hl));
}

/**
 * ref_ip4_l4_ok() - ref_l4_ok() for an IPv4 packet, its header's length
 *		     and protocol taken from its header
 * @ip:		the packet
 * @len:	its length
 *
 * Return: 1 or 0
 */
int ref_ip4_l4_ok(const uint8_t *ip, size_t len)
{
	return ref_l4_ok(ip, len, (size_t)(ip[0] & 0xf) * 4, ip[9]);
}

/**
 * ref_l4_fill() - write a packet's complete, right transport checksum
 * @ip:		the packet
 * @len:	its length
 * @hl:		where its transport header is
 * @proto:	the transport protocol
 * @off:	where the checksum field is in that header (16 TCP, 6 UDP)
 *
 * A UDP checksum that comes out as 0 is sent as 0xffff (0: none).
 */
void ref_l4_fill(uint8_t *ip, size_t len, size_t hl, uint8_t proto, size_t off)
{
	uint16_t c;

	ip[hl + off] = ip[hl + off + 1] = 0;
	c = (uint16_t)~ref_fold(
		ref_sum(ref_pseudo(ip, proto, len - hl), ip + hl, len - hl));
	if (!c && proto == 17)
		c = 0xffff;
	tp_put16(ip + hl + off, c);
}

/**
 * ref_l4_partial() - write a partial transport checksum, as a kernel that
 *		      leaves it to the device does: the pseudo-header's sum
 * @ip:		the packet
 * @len:	its length
 * @hl:		where its transport header is
 * @proto:	the transport protocol
 * @off:	where the checksum field is in that header
 */
void ref_l4_partial(uint8_t *ip, size_t len, size_t hl, uint8_t proto,
		    size_t off)
{
	tp_put16(ip + hl + off, ref_pseudo(ip, proto, len - hl));
}

/**
 * ref_ip4_fill() - write the header checksum of an IPv4 header
 * @ip:		the header, its length in its first byte
 */
void ref_ip4_fill(uint8_t *ip)
{
	ip[10] = ip[11] = 0;
	tp_put16(ip + 10, (uint16_t)~ref_fold(
				  ref_sum(0, ip, (size_t)(ip[0] & 0xf) * 4)));
}

/**
 * tp_put16() - write a 16-bit value, big-endian
 * @p:		where
 * @v:		the value
 */
void tp_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/**
 * tp_pattern() - fill bytes with a pattern of their position
 * @p:		the buffer
 * @from:	the first byte filled
 * @to:		the byte after the last
 * @mul:	byte i is i * @mul + @add (its low 8 bits)
 * @add:	see @mul
 */
void tp_pattern(uint8_t *p, size_t from, size_t to, unsigned mul, unsigned add)
{
	size_t i;

	for (i = from; i < to; i++)
		p[i] = (uint8_t)(i * mul + add);
}

/* @text as an address of @family into @out; a test's own typo aborts */
static void tp_addr(int family, const char *text, uint8_t *out)
{
	if (inet_pton(family, text, out) != 1)
		abort();
}

/**
 * tp_ip4() - write an IPv4 header, its checksum right
 * @p:		where
 * @h:		what it says
 * @l4len:	how many bytes follow it (for its total length)
 *
 * Return: its length, 20 + @h->optlen
 */
size_t tp_ip4(uint8_t *p, const struct tp_ip4 *h, size_t l4len)
{
	size_t ihl = 20 + h->optlen;

	memset(p, 0, ihl);
	p[0] = (uint8_t)(0x40 | ihl / 4);
	tp_put16(p + 2, (uint16_t)(ihl + l4len));
	tp_put16(p + 4, h->id);
	tp_put16(p + 6, h->frag);
	p[8] = 64;
	p[9] = h->proto;
	tp_addr(AF_INET, h->src, p + 12);
	tp_addr(AF_INET, h->dst, p + 16);
	if (h->opts)
		memcpy(p + 20, h->opts, h->optlen);
	ref_ip4_fill(p);
	return ihl;
}

/**
 * tp_ip6() - write an IPv6 header (hop limit 64, no traffic class or flow
 *	      label)
 * @p:		where
 * @src:	source address, text ("2001:db8::2")
 * @dst:	destination address, text
 * @nh:		next header
 * @plen:	payload length
 */
void tp_ip6(uint8_t *p, const char *src, const char *dst, uint8_t nh,
	    size_t plen)
{
	memset(p, 0, 8);
	p[0] = 0x60;
	tp_put16(p + 4, (uint16_t)plen);
	p[6] = nh;
	p[7] = 64;
	tp_addr(AF_INET6, src, p + 8);
	tp_addr(AF_INET6, dst, p + 24);
}

/**
 * tp_tcp() - write a TCP header
 * @th:		where
 * @t:		what it says
 *
 * Return: its length, 20 + @t->optlen
 */
size_t tp_tcp(uint8_t *th, const struct tp_tcp *t)
{
	size_t len = 20 + t->optlen;

	memset(th, 0, len);
	tp_put16(th, t->sport);
	tp_put16(th + 2, t->dport);
	th[4] = (uint8_t)(t->seq >> 24);
	th[5] = (uint8_t)(t->seq >> 16);
	th[6] = (uint8_t)(t->seq >> 8);
	th[7] = (uint8_t)t->seq;
	th[12] = (uint8_t)(len / 4 << 4);
	th[13] = t->flags;
	tp_put16(th + 14, t->win);
	if (t->opts)
		memcpy(th + 20, t->opts, t->optlen);
	return len;
}

/**
 * tp_tcp_ts() - write the TCP header of a bulk sender's segment: 443 ->
 *		 40000, sequence 0x10000000, window 0xffff, a timestamp
 *		 option (padded to 12 bytes, as Linux sends it)
 * @th:		where
 * @flags:	its flags
 *
 * Return: its length, 32
 */
size_t tp_tcp_ts(uint8_t *th, uint8_t flags)
{
	static const uint8_t ts[] = {0x01, 0x01, 0x08, 0x0a, 0x00, 0x00,
				     0x00, 0x01, 0x00, 0x00, 0x00, 0x02};

	return tp_tcp(th, &(struct tp_tcp){.sport = 443,
					   .dport = 40000,
					   .seq = 0x10000000,
					   .flags = flags,
					   .win = 0xffff,
					   .opts = ts,
					   .optlen = sizeof(ts)});
}
