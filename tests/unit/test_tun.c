// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of the virtio_net_hdr written before each packet
 * injected through the tun (tun.c): segmentation of IPv4 and IPv6 TCP
 * super-packets, ECN, the checksum the kernel is left to complete. The
 * expected sums are computed here byte by byte, and the kernel's part is
 * played too: completing the checksum as NEEDS_CSUM asks must give one
 * that verifies. The device itself: test_tundev.c. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "remora/pkt.h"
#include "remora/tun.h"

static uint8_t pkt[65535], orig[65535];

/* The one's complement sum of @len bytes, first byte high, added to @sum */
static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The pseudo-header's sum for @l4len bytes of protocol @proto, folded,
 * not complemented */
static uint16_t pseudo(const uint8_t *p, uint8_t proto, size_t l4len)
{
	uint32_t sum =
		(p[0] >> 4) == 6 ? sum16(0, p + 8, 32) : sum16(0, p + 12, 8);

	return fold(sum + proto + (uint32_t)(l4len >> 16) +
		    (uint32_t)(l4len & 0xffff));
}

/* Does the transport checksum of @p (transport header at @hl, protocol
 * @proto) verify? */
static int l4_ok(const uint8_t *p, size_t len, size_t hl, uint8_t proto)
{
	return fold((uint32_t)pseudo(p, proto, len - hl) +
		    sum16(0, p + hl, len - hl)) == 0xffff;
}

/* Write a complete, right checksum at @off of the transport header */
static void l4_fill(uint8_t *p, size_t len, size_t hl, uint8_t proto,
		    size_t off)
{
	uint16_t c;

	p[hl + off] = p[hl + off + 1] = 0;
	c = (uint16_t)~fold((uint32_t)pseudo(p, proto, len - hl) +
			    sum16(0, p + hl, len - hl));
	p[hl + off] = (uint8_t)(c >> 8);
	p[hl + off + 1] = (uint8_t)c;
}

/* What the kernel (or the NIC) does with NEEDS_CSUM: the sum from
 * csum_start to the end, the field included, complemented into it */
static void complete(uint8_t *p, size_t len, const struct virtio_net_hdr *vh)
{
	uint16_t c = (uint16_t)~fold(
		sum16(0, p + vh->csum_start, len - vh->csum_start));

	p[vh->csum_start + vh->csum_offset] = (uint8_t)(c >> 8);
	p[vh->csum_start + vh->csum_offset + 1] = (uint8_t)c;
}

/* The TCP header at @th: ports 443 -> 40000, sequence 0x10000000, 32
 * bytes long (a 12-byte timestamp option), @flags */
static void tcp_hdr(uint8_t *th, uint8_t flags)
{
	memset(th, 0, 32);
	th[0] = 0x01;
	th[1] = 0xbb;
	th[2] = 0x9c;
	th[3] = 0x40;
	th[4] = 0x10;
	th[12] = 0x80; /* 8 words */
	th[13] = flags;
	th[14] = 0xff;
	th[15] = 0xff;
	memcpy(th + 20, "\x01\x01\x08\x0a\x00\x00\x00\x01\x00\x00\x00\x02", 12);
}

/* An IPv4 packet, DF, with a 4-byte IP option (24-byte header) and
 * @l4len bytes of @proto whose header is @th (copied) and the rest a
 * pattern; the header checksum right, the transport one zero. Parsed into
 * @pi. Return: its length */
static size_t make4(uint8_t proto, const uint8_t *th, size_t thl, size_t l4len,
		    struct pkt_info *pi)
{
	size_t len = 24 + l4len, i;
	uint16_t c;

	memset(pkt, 0, 24);
	pkt[0] = 0x46;
	pkt[2] = (uint8_t)(len >> 8);
	pkt[3] = (uint8_t)len;
	pkt[4] = 0x12;
	pkt[6] = 0x40;
	pkt[8] = 64;
	pkt[9] = proto;
	memcpy(pkt + 12, "\xc6\x12\x00\x01\xcb\x00\x71\x05", 8);
	memcpy(pkt + 20, "\x94\x04\x00\x00", 4); /* router alert */
	c = (uint16_t)~fold(sum16(0, pkt, 24));
	pkt[10] = (uint8_t)(c >> 8);
	pkt[11] = (uint8_t)c;
	memcpy(pkt + 24, th, thl);
	for (i = thl; i < l4len; i++)
		pkt[24 + i] = (uint8_t)(i * 7 + 3);
	assert_int_equal(pkt_parse(pkt, len, pi), PKT_OK);
	return len;
}

/* The same over IPv6 (2001:db8::1 -> 2001:db8:5::7), no extension
 * header */
static size_t make6(uint8_t proto, const uint8_t *th, size_t thl, size_t l4len,
		    struct pkt_info *pi)
{
	size_t len = 40 + l4len, i;

	memset(pkt, 0, 40);
	pkt[0] = 0x60;
	pkt[4] = (uint8_t)(l4len >> 8);
	pkt[5] = (uint8_t)l4len;
	pkt[6] = proto;
	pkt[7] = 64;
	memcpy(pkt + 8, "\x20\x01\x0d\xb8", 4);
	pkt[23] = 1;
	memcpy(pkt + 24, "\x20\x01\x0d\xb8\x00\x05", 6);
	pkt[39] = 7;
	memcpy(pkt + 40, th, thl);
	for (i = thl; i < l4len; i++)
		pkt[40 + i] = (uint8_t)(i * 11 + 5);
	assert_int_equal(pkt_parse(pkt, len, pi), PKT_OK);
	return len;
}

/* Only the two bytes at @off differ from the packet as built */
static void only_changed(size_t len, size_t off)
{
	assert_memory_equal(pkt, orig, off);
	assert_memory_equal(pkt + off + 2, orig + off + 2, len - off - 2);
}

/* An IPv4 TCP super-packet with its complete checksum: segmented at
 * gso_size, headers (options of both included) before the data, the
 * checksum replaced by the pseudo-header's sum over the whole TCP length,
 * from which the kernel's completion gives the right checksum again */
static void test_super4(void **state)
{
	uint8_t th[32];
	struct virtio_net_hdr vh;
	struct pkt_info pi;
	size_t len;
	uint16_t want;

	(void)state;
	tcp_hdr(th, 0x18);
	len = make4(6, th, 32, 32 + 3001, &pi);
	l4_fill(pkt, len, 24, 6, 16);
	assert_true(l4_ok(pkt, len, 24, 6));
	memcpy(orig, pkt, len);
	memset(&vh, 0xa5, sizeof(vh));
	tun_vnet_hdr(&vh, pkt, &pi, VIRTIO_NET_HDR_GSO_TCPV4, 1000, 0);
	assert_int_equal(vh.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	assert_int_equal(vh.gso_size, 1000);
	assert_int_equal(vh.hdr_len, 24 + 32);
	assert_int_equal(vh.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	assert_int_equal(vh.csum_start, 24);
	assert_int_equal(vh.csum_offset, 16);
	want = pseudo(pkt, 6, 32 + 3001);
	assert_int_equal(pkt[24 + 16] << 8 | pkt[24 + 17], want);
	only_changed(len, 24 + 16);
	complete(pkt, len, &vh);
	assert_memory_equal(pkt, orig, len);
}

/* The same over IPv6: the pseudo-header of 32 bytes of addresses */
static void test_super6(void **state)
{
	uint8_t th[32];
	struct virtio_net_hdr vh;
	struct pkt_info pi;
	size_t len;

	(void)state;
	tcp_hdr(th, 0x10);
	len = make6(6, th, 32, 32 + 20000, &pi);
	l4_fill(pkt, len, 40, 6, 16);
	memcpy(orig, pkt, len);
	tun_vnet_hdr(&vh, pkt, &pi, VIRTIO_NET_HDR_GSO_TCPV6, 1428, 0);
	assert_int_equal(vh.gso_type, VIRTIO_NET_HDR_GSO_TCPV6);
	assert_int_equal(vh.gso_size, 1428);
	assert_int_equal(vh.hdr_len, 40 + 32);
	assert_int_equal(vh.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	assert_int_equal(vh.csum_start, 40);
	assert_int_equal(vh.csum_offset, 16);
	assert_int_equal(pkt[40 + 16] << 8 | pkt[40 + 17],
			 pseudo(pkt, 6, 32 + 20000));
	only_changed(len, 40 + 16);
	complete(pkt, len, &vh);
	assert_memory_equal(pkt, orig, len);
}

/* GSO_ECN with CWR, as the kernel's own TCP marks it; not with ECE or
 * anything else */
static void test_super_ecn(void **state)
{
	static const uint8_t flags[] = {0x80, 0x90, 0x98, 0xd1};
	static const uint8_t plain[] = {0x10, 0x40, 0x50, 0x19, 0x7f};
	uint8_t th[32];
	struct virtio_net_hdr vh;
	struct pkt_info pi;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(flags); i++) {
		tcp_hdr(th, flags[i]);
		make4(6, th, 32, 32 + 5000, &pi);
		tun_vnet_hdr(&vh, pkt, &pi, VIRTIO_NET_HDR_GSO_TCPV4, 1448, 0);
		assert_int_equal(vh.gso_type, VIRTIO_NET_HDR_GSO_TCPV4 |
						      VIRTIO_NET_HDR_GSO_ECN);
		make6(6, th, 32, 32 + 5000, &pi);
		tun_vnet_hdr(&vh, pkt, &pi, VIRTIO_NET_HDR_GSO_TCPV6, 1428, 1);
		assert_int_equal(vh.gso_type, VIRTIO_NET_HDR_GSO_TCPV6 |
						      VIRTIO_NET_HDR_GSO_ECN);
	}
	for (i = 0; i < sizeof(plain); i++) {
		tcp_hdr(th, plain[i]);
		make4(6, th, 32, 32 + 5000, &pi);
		tun_vnet_hdr(&vh, pkt, &pi, VIRTIO_NET_HDR_GSO_TCPV4, 1448, 0);
		assert_int_equal(vh.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	}
}

/* A super-packet whose checksum the peer left partial: not touched */
static void test_super_partial_untouched(void **state)
{
	uint8_t th[32];
	struct virtio_net_hdr vh;
	struct pkt_info pi;
	size_t len;
	uint16_t p;

	(void)state;
	tcp_hdr(th, 0x10);
	len = make4(6, th, 32, 32 + 9000, &pi);
	p = pseudo(pkt, 6, 32 + 9000);
	pkt[40] = (uint8_t)(p >> 8);
	pkt[41] = (uint8_t)p;
	memcpy(orig, pkt, len);
	tun_vnet_hdr(&vh, pkt, &pi, VIRTIO_NET_HDR_GSO_TCPV4, 1448, 1);
	assert_memory_equal(pkt, orig, len);
	assert_int_equal(vh.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	assert_int_equal(vh.gso_size, 1448);
	assert_int_equal(vh.hdr_len, 56);
	assert_int_equal(vh.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	assert_int_equal(vh.csum_start, 24);
	assert_int_equal(vh.csum_offset, 16);
	/* even a value that is no pseudo-header sum: it is the peer's */
	pkt[40] ^= 0x5a;
	memcpy(orig, pkt, len);
	tun_vnet_hdr(&vh, pkt, &pi, VIRTIO_NET_HDR_GSO_TCPV4, 1448, 1);
	assert_memory_equal(pkt, orig, len);
}

/* One UDP datagram with its checksum partial: not segmented, the field
 * at offset 6; the completion gives the datagram's checksum */
static void test_single_udp_partial(void **state)
{
	uint8_t uh[8] = {0x30, 0x39, 0x00, 0x35, 0x01, 0xf4, 0, 0};
	struct virtio_net_hdr vh;
	struct pkt_info pi;
	size_t len;
	uint16_t p;

	(void)state;
	len = make4(17, uh, 8, 500, &pi);
	p = pseudo(pkt, 17, 500);
	pkt[30] = (uint8_t)(p >> 8);
	pkt[31] = (uint8_t)p;
	memcpy(orig, pkt, len);
	memset(&vh, 0xa5, sizeof(vh));
	tun_vnet_hdr(&vh, pkt, &pi, VIRTIO_NET_HDR_GSO_NONE, 0, 1);
	assert_memory_equal(pkt, orig, len);
	assert_int_equal(vh.gso_type, VIRTIO_NET_HDR_GSO_NONE);
	assert_int_equal(vh.gso_size, 0);
	assert_int_equal(vh.hdr_len, 0);
	assert_int_equal(vh.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	assert_int_equal(vh.csum_start, 24);
	assert_int_equal(vh.csum_offset, 6);
	complete(pkt, len, &vh);
	assert_true(l4_ok(pkt, len, 24, 17));
	/* over IPv6 too */
	len = make6(17, uh, 8, 500, &pi);
	p = pseudo(pkt, 17, 500);
	pkt[46] = (uint8_t)(p >> 8);
	pkt[47] = (uint8_t)p;
	tun_vnet_hdr(&vh, pkt, &pi, VIRTIO_NET_HDR_GSO_NONE, 0, 1);
	assert_int_equal(vh.csum_start, 40);
	assert_int_equal(vh.csum_offset, 6);
	complete(pkt, len, &vh);
	assert_true(l4_ok(pkt, len, 40, 17));
}

/* One TCP segment with its checksum partial: the field at offset 16 */
static void test_single_tcp_partial(void **state)
{
	uint8_t th[32];
	struct virtio_net_hdr vh;
	struct pkt_info pi;
	size_t len;
	uint16_t p;

	(void)state;
	tcp_hdr(th, 0x18);
	len = make6(6, th, 32, 32 + 1000, &pi);
	p = pseudo(pkt, 6, 32 + 1000);
	pkt[56] = (uint8_t)(p >> 8);
	pkt[57] = (uint8_t)p;
	memcpy(orig, pkt, len);
	tun_vnet_hdr(&vh, pkt, &pi, VIRTIO_NET_HDR_GSO_NONE, 0, 1);
	assert_memory_equal(pkt, orig, len);
	assert_int_equal(vh.gso_type, VIRTIO_NET_HDR_GSO_NONE);
	assert_int_equal(vh.hdr_len, 0);
	assert_int_equal(vh.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	assert_int_equal(vh.csum_start, 40);
	assert_int_equal(vh.csum_offset, 16);
	complete(pkt, len, &vh);
	assert_true(l4_ok(pkt, len, 40, 6));
}

/* One packet, nothing left to do: an all-zero header, the packet as it
 * was (even its checksum field, right or not) */
static void test_single_nothing(void **state)
{
	static const struct virtio_net_hdr zero;
	uint8_t th[32], uh[8] = {0x30, 0x39, 0x00, 0x35, 0x00, 0x64, 0, 0};
	struct virtio_net_hdr vh;
	struct pkt_info pi;
	size_t len;

	(void)state;
	tcp_hdr(th, 0x18);
	len = make4(6, th, 32, 32 + 700, &pi);
	l4_fill(pkt, len, 24, 6, 16);
	memcpy(orig, pkt, len);
	memset(&vh, 0xa5, sizeof(vh));
	tun_vnet_hdr(&vh, pkt, &pi, VIRTIO_NET_HDR_GSO_NONE, 0, 0);
	assert_memory_equal(&vh, &zero, sizeof(vh));
	assert_memory_equal(pkt, orig, len);
	len = make6(17, uh, 8, 100, &pi);
	pkt[46] = 0x12; /* a wrong checksum is not the header's business */
	memcpy(orig, pkt, len);
	memset(&vh, 0xa5, sizeof(vh));
	tun_vnet_hdr(&vh, pkt, &pi, VIRTIO_NET_HDR_GSO_NONE, 0, 0);
	assert_memory_equal(&vh, &zero, sizeof(vh));
	assert_memory_equal(pkt, orig, len);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_super4),
		cmocka_unit_test(test_super6),
		cmocka_unit_test(test_super_ecn),
		cmocka_unit_test(test_super_partial_untouched),
		cmocka_unit_test(test_single_udp_partial),
		cmocka_unit_test(test_single_tcp_partial),
		cmocka_unit_test(test_single_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
