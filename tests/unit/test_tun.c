// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of the virtio_net_hdr written before each packet
 * injected through the tun (tun.c): segmentation of IPv4 and IPv6 TCP
 * super-packets, ECN, the checksum the kernel is left to complete. The
 * expected sums are computed byte by byte (testpkt.c's reference), and
 * the kernel's part is played too: completing the checksum as NEEDS_CSUM
 * asks must give one that verifies. The device itself: test_tundev.c. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "remora/pkt.h"
#include "remora/tun.h"
#include "testpkt.h"

static uint8_t pkt[65535], orig[65535];

/* What the kernel (or the NIC) does with NEEDS_CSUM: the sum from
 * csum_start to the end, the field included, complemented into it */
static void complete(uint8_t *p, size_t len, const struct virtio_net_hdr *vh)
{
	tp_put16(p + vh->csum_start + vh->csum_offset,
		 (uint16_t)~ref_fold(
			 ref_sum(0, p + vh->csum_start, len - vh->csum_start)));
}

/* An IPv4 packet (198.18.0.1 -> 203.0.113.5), DF, with a 4-byte IP
 * option (24-byte header) and @l4len bytes of @proto whose header is @th
 * (copied) and the rest a pattern; the header checksum right, the
 * transport one zero. Parsed into @pi. Return: its length */
static size_t make4(uint8_t proto, const uint8_t *th, size_t thl, size_t l4len,
		    struct pkt_info *pi)
{
	size_t len = 24 + l4len;

	tp_ip4(pkt,
	       &(struct tp_ip4){.src = "198.18.0.1",
				.dst = "203.0.113.5",
				.proto = proto,
				.id = 0x1200,
				.frag = TP_DF,
				.opts = "\x94\x04\x00\x00", /* router alert */
				.optlen = 4},
	       l4len);
	memcpy(pkt + 24, th, thl);
	tp_pattern(pkt + 24, thl, l4len, 7, 3);
	assert_int_equal(pkt_parse(pkt, len, pi), PKT_OK);
	return len;
}

/* The same over IPv6 (2001:db8::1 -> 2001:db8:5::7), no extension
 * header */
static size_t make6(uint8_t proto, const uint8_t *th, size_t thl, size_t l4len,
		    struct pkt_info *pi)
{
	size_t len = 40 + l4len;

	tp_ip6(pkt, "2001:db8::1", "2001:db8:5::7", proto, l4len);
	memcpy(pkt + 40, th, thl);
	tp_pattern(pkt + 40, thl, l4len, 11, 5);
	assert_int_equal(pkt_parse(pkt, len, pi), PKT_OK);
	return len;
}

/* Only the two bytes at @off differ from the packet as built */
static void only_changed(size_t len, size_t off)
{
	assert_memory_equal(pkt, orig, off);
	assert_memory_equal(pkt + off + 2, orig + off + 2, len - off - 2);
}

/* @vh asks for the checksum from @csum_start to be completed into the
 * field at @csum_offset (NEEDS_CSUM), and for segmentation @gso_type at
 * @gso_size with headers of @hdr_len */
static void vh_needs_csum(const struct virtio_net_hdr *vh, uint8_t gso_type,
			  uint16_t gso_size, uint16_t hdr_len,
			  uint16_t csum_start, uint16_t csum_offset)
{
	assert_int_equal(vh->gso_type, gso_type);
	assert_int_equal(vh->gso_size, gso_size);
	assert_int_equal(vh->hdr_len, hdr_len);
	assert_int_equal(vh->flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	assert_int_equal(vh->csum_start, csum_start);
	assert_int_equal(vh->csum_offset, csum_offset);
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
	tp_tcp_ts(th, 0x18);
	len = make4(6, th, 32, 32 + 3001, &pi);
	ref_l4_fill(pkt, len, 24, 6, 16);
	assert_true(ref_l4_ok(pkt, len, 24, 6));
	memcpy(orig, pkt, len);
	memset(&vh, 0xa5, sizeof(vh));
	tun_vnet_hdr(&vh, pkt, &pi, VIRTIO_NET_HDR_GSO_TCPV4, 1000, 0);
	vh_needs_csum(&vh, VIRTIO_NET_HDR_GSO_TCPV4, 1000, 24 + 32, 24, 16);
	want = ref_pseudo(pkt, 6, 32 + 3001);
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
	tp_tcp_ts(th, 0x10);
	len = make6(6, th, 32, 32 + 20000, &pi);
	ref_l4_fill(pkt, len, 40, 6, 16);
	memcpy(orig, pkt, len);
	tun_vnet_hdr(&vh, pkt, &pi, VIRTIO_NET_HDR_GSO_TCPV6, 1428, 0);
	vh_needs_csum(&vh, VIRTIO_NET_HDR_GSO_TCPV6, 1428, 40 + 32, 40, 16);
	assert_int_equal(pkt[40 + 16] << 8 | pkt[40 + 17],
			 ref_pseudo(pkt, 6, 32 + 20000));
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
		tp_tcp_ts(th, flags[i]);
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
		tp_tcp_ts(th, plain[i]);
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

	(void)state;
	tp_tcp_ts(th, 0x10);
	len = make4(6, th, 32, 32 + 9000, &pi);
	ref_l4_partial(pkt, len, 24, 6, 16);
	memcpy(orig, pkt, len);
	tun_vnet_hdr(&vh, pkt, &pi, VIRTIO_NET_HDR_GSO_TCPV4, 1448, 1);
	assert_memory_equal(pkt, orig, len);
	vh_needs_csum(&vh, VIRTIO_NET_HDR_GSO_TCPV4, 1448, 56, 24, 16);
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

	(void)state;
	len = make4(17, uh, 8, 500, &pi);
	ref_l4_partial(pkt, len, 24, 17, 6);
	memcpy(orig, pkt, len);
	memset(&vh, 0xa5, sizeof(vh));
	tun_vnet_hdr(&vh, pkt, &pi, VIRTIO_NET_HDR_GSO_NONE, 0, 1);
	assert_memory_equal(pkt, orig, len);
	vh_needs_csum(&vh, VIRTIO_NET_HDR_GSO_NONE, 0, 0, 24, 6);
	complete(pkt, len, &vh);
	assert_true(ref_l4_ok(pkt, len, 24, 17));
	/* over IPv6 too */
	len = make6(17, uh, 8, 500, &pi);
	ref_l4_partial(pkt, len, 40, 17, 6);
	tun_vnet_hdr(&vh, pkt, &pi, VIRTIO_NET_HDR_GSO_NONE, 0, 1);
	assert_int_equal(vh.csum_start, 40);
	assert_int_equal(vh.csum_offset, 6);
	complete(pkt, len, &vh);
	assert_true(ref_l4_ok(pkt, len, 40, 17));
}

/* One TCP segment with its checksum partial: the field at offset 16 */
static void test_single_tcp_partial(void **state)
{
	uint8_t th[32];
	struct virtio_net_hdr vh;
	struct pkt_info pi;
	size_t len;

	(void)state;
	tp_tcp_ts(th, 0x18);
	len = make6(6, th, 32, 32 + 1000, &pi);
	ref_l4_partial(pkt, len, 40, 6, 16);
	memcpy(orig, pkt, len);
	tun_vnet_hdr(&vh, pkt, &pi, VIRTIO_NET_HDR_GSO_NONE, 0, 1);
	assert_memory_equal(pkt, orig, len);
	vh_needs_csum(&vh, VIRTIO_NET_HDR_GSO_NONE, 0, 0, 40, 16);
	complete(pkt, len, &vh);
	assert_true(ref_l4_ok(pkt, len, 40, 6));
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
	tp_tcp_ts(th, 0x18);
	len = make4(6, th, 32, 32 + 700, &pi);
	ref_l4_fill(pkt, len, 24, 6, 16);
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
