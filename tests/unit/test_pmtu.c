// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of what a router does with a packet too large for
 * its path (pmtu.c): fragments that reassemble to the packet, options
 * copied as RFC 791 says, refusals; the ICMP "fragmentation needed" and
 * when none is sent; the parse of fragments the host accepts (pkt.c); the
 * cache of route MTUs, asked of the kernel for loopback destinations */

#include <arpa/inet.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "remora/pkt.h"
#include "remora/pmtu.h"
#include "testpkt.h"

/* The checks' view of a side owning the IPv4 address @a (network order) */

/* @pc, emptied, over @buf (@cap bytes) */
static struct pieces *fresh(struct pieces *pc, uint8_t *buf, size_t cap)
{
	pieces_init(pc, buf, cap);
	return pc;
}

static const struct pkt_own *own4(uint32_t a)
{
	static struct pkt_own o;

	memset(&o, 0, sizeof(o));
	o.addr = a;
	return &o;
}

/* The checks' view of a side owning the IPv6 address @a (and no IPv4 one
 * the tests use) */
static const struct pkt_own *own6(const uint8_t *a)
{
	static struct pkt_own o;

	memset(&o, 0, sizeof(o));
	memcpy(o.addr6, a, 16);
	o.have6 = 1;
	return &o;
}

static uint8_t pkt[65535], out[96 << 10], joined[65535];

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* A UDP/IPv4 datagram (198.18.0.1:40000 -> 198.19.0.2:7417) of @data
 * payload bytes with @opts bytes of IP options (a copied one, then an
 * uncopied one), flags @fo */
static size_t make_udp(size_t data, size_t opts, uint16_t fo)
{
	/* copied: 0x94 router alert (4 bytes); not copied: 0x07 record
	 * route (7 bytes); end of options */
	static const uint8_t twelve[] = {0x94, 0x04, 0x00, 0x00, 0x07, 0x07,
					 0x04, 0x00, 0x00, 0x00, 0x00, 0x00};
	size_t ihl = tp_ip4(pkt,
			    &(struct tp_ip4){.src = "198.18.0.1",
					     .dst = "198.19.0.2",
					     .proto = 17,
					     .id = 0xbeef,
					     .frag = fo,
					     .opts = opts == 12 ? twelve : NULL,
					     .optlen = opts},
			    8 + data);

	memset(pkt + ihl, 0, 8);
	tp_put16(pkt + ihl, 40000);
	tp_put16(pkt + ihl + 2, 7417);
	tp_put16(pkt + ihl + 4, (uint16_t)(8 + data));
	tp_pattern(pkt + ihl + 8, 0, data, 13, 1);
	return ihl + 8 + data;
}

/* Put the fragments' payloads back where their offsets say; check every
 * header on the way. Return: the payload length covered */
static size_t reassemble(const struct pieces *pc, size_t mtu, size_t first_ihl,
			 size_t later_ihl)
{
	size_t end = 0;
	int i, n = pc->n;

	for (i = 0; i < n; i++) {
		const uint8_t *f = pc->p[i];
		size_t ihl = (size_t)(f[0] & 0xf) * 4, off;
		uint16_t fo = rd16(f + 6);
		struct pkt_info pi;

		assert_true(pc->len[i] <= mtu);
		assert_int_equal(rd16(f + 2), pc->len[i]);
		assert_true(ref_verifies(ref_sum(0, f, ihl)));
		assert_int_equal(ihl, i ? later_ihl : first_ihl);
		assert_int_equal(rd16(f + 4), 0xbeef); /* same id */
		assert_int_equal(fo & 0x4000, 0);
		/* more fragments on all but the last */
		assert_int_equal(!!(fo & 0x2000), i < n - 1);
		off = (size_t)(fo & 0x1fff) * 8;
		assert_int_equal(off, end);
		if (i < n - 1)
			assert_int_equal((pc->len[i] - ihl) % 8, 0);
		memcpy(joined + off, f + ihl, pc->len[i] - ihl);
		end = off + pc->len[i] - ihl;
		/* the host accepts each: parse says fragment, then first or
		 * later */
		assert_int_equal(pkt_parse_ipv4(f, pc->len[i], &pi),
				 PKT_FRAGMENT);
		assert_int_equal(pkt_parse_fragment(f, pc->len[i], &pi),
				 PKT_OK);
		assert_int_equal(pi.frag, i ? PKT_FRAG_LATER : PKT_FRAG_FIRST);
		if (!i) {
			assert_int_equal(pi.sport, 40000);
			assert_int_equal(pi.dport, 7417);
		}
	}
	return end;
}

static void test_fragment_reassembles(void **state)
{
	static const size_t mtus[] = {1400, 1280, 576, 68, 9001};
	static const size_t sizes[] = {4000, 20000, 1500, 65535 - 28};
	struct pieces pc;
	size_t m, k, len;
	int n;

	(void)state;
	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		for (m = 0; m < sizeof(mtus) / sizeof(mtus[0]); m++) {
			len = make_udp(sizes[k], 0, 0);
			if (len <= mtus[m])
				continue;
			n = pmtu_fragment(pkt, len, mtus[m],
					  fresh(&pc, out, sizeof(out)));
			if ((len - 20 + (mtus[m] - 20) / 8 * 8 - 1) /
				    ((mtus[m] - 20) / 8 * 8) >
			    PIECES_MAX) {
				assert_int_equal(n, -1); /* too many pieces */
				continue;
			}
			assert_true(n > 1);
			assert_int_equal(reassemble(&pc, mtus[m], 20, 20),
					 len - 20);
			assert_memory_equal(joined, pkt + 20, len - 20);
		}
	}
}

/* Only options with the "copied" bit go into later fragments */
static void test_fragment_options(void **state)
{
	struct pieces pc;
	size_t len = make_udp(3000, 12, 0);
	int n;

	(void)state;
	n = pmtu_fragment(pkt, len, 1000, fresh(&pc, out, sizeof(out)));
	assert_true(n > 2);
	assert_int_equal(reassemble(&pc, 1000, 32, 24), len - 32);
	assert_memory_equal(joined, pkt + 32, len - 32);
	/* the first keeps both options, later ones the router alert only,
	 * padded with a no-operation */
	assert_memory_equal(pc.p[0] + 20, pkt + 20, 12);
	assert_memory_equal(pc.p[1] + 20, "\x94\x04\x00\x00", 4);
}

/* A fragment cut again keeps its offset, and its more-fragments flag on
 * its last piece */
static void test_fragment_of_fragment(void **state)
{
	struct pieces pc;
	size_t len = make_udp(3000, 0, 0x2000 | 100);
	int n;

	(void)state;
	n = pmtu_fragment(pkt, len, 1000, fresh(&pc, out, sizeof(out)));
	assert_true(n > 1);
	assert_int_equal(rd16(pc.p[0] + 6), 0x2000 | 100);
	assert_int_equal(rd16(pc.p[n - 1] + 6) & 0x2000, 0x2000);
}

static void test_fragment_refusals(void **state)
{
	struct pieces pc;
	size_t len;

	(void)state;
	/* don't fragment */
	len = make_udp(3000, 0, 0x4000);
	assert_int_equal(
		pmtu_fragment(pkt, len, 1400, fresh(&pc, out, sizeof(out))),
		-1);
	/* an MTU below IPv4's minimum, or one the header fills */
	len = make_udp(3000, 0, 0);
	assert_int_equal(
		pmtu_fragment(pkt, len, 60, fresh(&pc, out, sizeof(out))), -1);
	/* no room for the pieces, or too many of them */
	assert_int_equal(pmtu_fragment(pkt, len, 1400, fresh(&pc, out, 2000)),
			 -1);
	/* PIECES_MAX fragments of 48 bytes fit; one more does not */
	len = make_udp(PIECES_MAX * 48 - 8, 0, 0);
	assert_int_equal(
		pmtu_fragment(pkt, len, 68, fresh(&pc, out, sizeof(out))),
		PIECES_MAX);
	len = make_udp(PIECES_MAX * 48 - 7, 0, 0);
	assert_int_equal(
		pmtu_fragment(pkt, len, 68, fresh(&pc, out, sizeof(out))), -1);
	len = make_udp(3000, 0, 0);
	/* a total length that is not the buffer's */
	assert_int_equal(
		pmtu_fragment(pkt, len - 1, 1400, fresh(&pc, out, sizeof(out))),
		-1);
	/* malformed options: a length running past the header */
	len = make_udp(3000, 12, 0);
	pkt[25] = 40;
	assert_int_equal(
		pmtu_fragment(pkt, len, 1400, fresh(&pc, out, sizeof(out))),
		-1);
}

static void test_frag_needed(void **state)
{
	uint8_t icmp[PMTU_ICMP_MAX];
	size_t len = make_udp(4000, 0, 0x4000), n;
	struct pkt_info pi;

	(void)state;
	n = pmtu_frag_needed(pkt, len, 1400, htonl(PMTU_ICMP_SRC), icmp,
			     sizeof(icmp));
	assert_int_equal(n, PMTU_ICMP_MAX);
	/* a well-formed ICMP error the enclave accepts */
	assert_int_equal(pkt_parse_ipv4(icmp, n, &pi), PKT_OK);
	assert_int_equal(pi.proto, 1);
	assert_int_equal(pi.icmp_type, 3);
	assert_int_equal(pi.icmp_code, 4);
	assert_int_equal(pi.src, htonl(PMTU_ICMP_SRC));
	assert_memory_equal(&pi.dst, pkt + 12, 4);
	assert_int_equal(pkt_check_inbound(&pi, own4(pi.dst)), PKT_OK);
	assert_int_equal(rd16(icmp + 26), 1400);
	assert_true(ref_verifies(ref_sum(0, icmp + 20, n - 20)));
	/* it quotes the packet's header and the start of its payload */
	assert_memory_equal(icmp + 28, pkt, n - 28);

	/* a short packet is quoted whole; an odd length checks out */
	len = make_udp(33, 0, 0x4000);
	n = pmtu_frag_needed(pkt, len, 1400, htonl(PMTU_ICMP_SRC), icmp,
			     sizeof(icmp));
	assert_int_equal(n, 28 + len);
	assert_true(ref_verifies(ref_sum(0, icmp + 20, n - 20)));
	assert_memory_equal(icmp + 28, pkt, len);
}

/* No error about a later fragment, an ICMP error, or into a small buffer;
 * an echo request gets one */
static void test_frag_needed_refusals(void **state)
{
	uint8_t icmp[PMTU_ICMP_MAX];
	size_t len;

	(void)state;
	len = make_udp(4000, 0, 0x2000 | 10);
	assert_int_equal(
		pmtu_frag_needed(pkt, len, 1400, 0, icmp, sizeof(icmp)), 0);
	len = make_udp(4000, 0, 0x4000);
	assert_int_equal(pmtu_frag_needed(pkt, len, 1400, 0, icmp, 100), 0);
	pkt[9] = 1;
	pkt[20] = 3; /* an ICMP error */
	assert_int_equal(
		pmtu_frag_needed(pkt, len, 1400, 0, icmp, sizeof(icmp)), 0);
	pkt[20] = 8; /* an echo request */
	assert_int_equal(
		pmtu_frag_needed(pkt, len, 1400, 0, icmp, sizeof(icmp)),
		PMTU_ICMP_MAX);
}

/* What the host refuses among fragments: a TCP fragment at offset 8 (it
 * could rewrite the first's header), a first fragment whose TCP header is
 * cut, another protocol; a later one skips the port check only */
static void test_parse_fragment(void **state)
{
	struct portset ports;
	struct pkt_info pi;
	size_t len;

	(void)state;
	portset_clear(&ports);
	portset_add_range(&ports, 40000, 40000);
	len = make_udp(100, 0, 0x2000);
	assert_int_equal(pkt_parse_ipv4(pkt, len, &pi), PKT_FRAGMENT);
	assert_int_equal(pkt_parse_fragment(pkt, len, &pi), PKT_OK);
	assert_int_equal(pi.frag, PKT_FRAG_FIRST);
	assert_int_equal(pkt_check_outbound(&pi, own4(pi.src), &ports, 0),
			 PKT_OK);
	portset_clear(&ports);
	assert_int_equal(pkt_check_outbound(&pi, own4(pi.src), &ports, 0),
			 PKT_PORT);

	len = make_udp(100, 0, 5);
	assert_int_equal(pkt_parse_ipv4(pkt, len, &pi), PKT_FRAGMENT);
	assert_int_equal(pkt_parse_fragment(pkt, len, &pi), PKT_OK);
	assert_int_equal(pi.frag, PKT_FRAG_LATER);
	assert_int_equal(pkt_check_outbound(&pi, own4(pi.src), &ports, 0),
			 PKT_OK);
	assert_int_equal(
		pkt_check_outbound(&pi, own4(htonl(0x01020304)), &ports, 0),
		PKT_SRC);

	pkt[9] = 6; /* TCP at offset 8 */
	pkt[6] = 0;
	pkt[7] = 1;
	ref_ip4_fill(pkt);
	assert_int_equal(pkt_parse_ipv4(pkt, len, &pi), PKT_FRAGMENT);
	assert_int_equal(pkt_parse_fragment(pkt, len, &pi), PKT_MALFORMED);

	/* a first TCP fragment of 12 bytes: its header is cut */
	len = make_udp(4, 0, 0x2000);
	pkt[9] = 6;
	ref_ip4_fill(pkt);
	assert_int_equal(pkt_parse_ipv4(pkt, len, &pi), PKT_FRAGMENT);
	assert_int_equal(pkt_parse_fragment(pkt, len, &pi), PKT_MALFORMED);

	/* another protocol */
	len = make_udp(100, 0, 0x2000);
	pkt[9] = 47;
	ref_ip4_fill(pkt);
	assert_int_equal(pkt_parse_ipv4(pkt, len, &pi), PKT_FRAGMENT);
	assert_int_equal(pkt_parse_fragment(pkt, len, &pi), PKT_PROTO);
}

/* A UDP/IPv6 datagram of @len bytes from 2001:db8:1::1 port 39936 to
 * 2001:db8:2::2 port @dport, payload byte i being i * @mul */
static void make_udp6(uint8_t *p6, size_t len, uint16_t dport, unsigned mul)
{
	tp_ip6(p6, "2001:db8:1::1", "2001:db8:2::2", 17, len - 40);
	memset(p6 + 40, 0, 8);
	tp_put16(p6 + 40, 39936);
	tp_put16(p6 + 42, dport);
	tp_put16(p6 + 44, (uint16_t)(len - 40));
	tp_pattern(p6, 48, len, mul, 0);
}

/* "Packet too big" for IPv6: to the source, from the destination, the
 * MTU, as much of the packet as fits in 1280 bytes, a checksum that
 * verifies; none about an ICMPv6 error or with an MTU below 1280 */
static void test_too_big6(void **state)
{
	static uint8_t p6[4000], icmp[PMTU_ICMP6_MAX];
	uint8_t a[16], b[16];
	struct pkt_info pi;
	size_t n, len = 40 + 8 + 3000;

	(void)state;
	inet_pton(AF_INET6, "2001:db8:1::1", a);
	inet_pton(AF_INET6, "2001:db8:2::2", b);
	make_udp6(p6, len, 0x1d00, 1);
	n = pmtu_too_big6(p6, len, 1280, icmp, sizeof(icmp));
	assert_int_equal(n, PMTU_ICMP6_MAX);
	assert_int_equal(pkt_parse(icmp, n, &pi), PKT_OK);
	assert_int_equal(pi.version, 6);
	assert_int_equal(pi.proto, 58);
	assert_int_equal(pi.icmp_type, 2);
	assert_memory_equal(pi.dst6, a, 16);
	assert_memory_equal(pi.src6, b, 16);
	assert_int_equal(pkt_check_inbound(&pi, own6(a)), PKT_OK);
	assert_int_equal((uint32_t)rd16(icmp + 44) << 16 | rd16(icmp + 46),
			 1280);
	assert_memory_equal(icmp + 48, p6, n - 48);
	/* the checksum over the pseudo-header and the message */
	assert_true(ref_l4_ok(icmp, n, 40, 58));
	/* a small packet is quoted whole */
	n = pmtu_too_big6(p6, 100, 1280, icmp, sizeof(icmp));
	assert_int_equal(n, 148);
	/* not below IPv6's minimum MTU, not into a small buffer */
	assert_int_equal(pmtu_too_big6(p6, len, 1000, icmp, sizeof(icmp)), 0);
	assert_int_equal(pmtu_too_big6(p6, len, 1280, icmp, 100), 0);
	/* not about an ICMPv6 error; about an echo, yes */
	p6[6] = 58;
	p6[40] = 1;
	assert_int_equal(pmtu_too_big6(p6, len, 1280, icmp, sizeof(icmp)), 0);
	p6[40] = 128;
	assert_int_equal(pmtu_too_big6(p6, len, 1280, icmp, sizeof(icmp)),
			 PMTU_ICMP6_MAX);
}

/* IPv6 fragments: a fragment header after the fixed header, the same
 * identification, 8-byte multiples but the last, the pieces back in
 * order; the host takes each as a fragment of the right kind */
static void test_fragment6(void **state)
{
	static uint8_t p6[4048], joined6[4048];
	struct pieces pc;
	size_t len = sizeof(p6), end = 0;
	struct pkt_info pi;
	int n, k;

	(void)state;
	make_udp6(p6, len, 53, 7);
	n = pmtu_fragment6(p6, len, 1280, 0xabcdef01,
			   fresh(&pc, out, sizeof(out)));
	assert_int_equal(n, 4);
	for (k = 0; k < n; k++) {
		const uint8_t *f = pc.p[k];
		size_t off = rd16(f + 42) & 0xfff8;

		assert_true(pc.len[k] <= 1280);
		assert_int_equal(rd16(f + 4) + 40, pc.len[k]);
		assert_int_equal(f[6], 44);
		assert_int_equal(f[40], 17);
		assert_int_equal((uint32_t)rd16(f + 44) << 16 | rd16(f + 46),
				 0xabcdef01);
		assert_int_equal(rd16(f + 42) & 1, k < n - 1);
		assert_int_equal(off, end);
		if (k < n - 1)
			assert_int_equal((pc.len[k] - 48) % 8, 0);
		memcpy(joined6 + off, f + 48, pc.len[k] - 48);
		end = off + pc.len[k] - 48;
		assert_int_equal(pkt_parse(f, pc.len[k], &pi), PKT_FRAGMENT);
		assert_int_equal(pkt_parse_fragment(f, pc.len[k], &pi), PKT_OK);
		assert_int_equal(pi.frag, k ? PKT_FRAG_LATER : PKT_FRAG_FIRST);
	}
	assert_int_equal(end, len - 40);
	assert_memory_equal(joined6, p6 + 40, len - 40);
	/* extension headers, a small MTU, no room: refused */
	p6[6] = 0;
	assert_int_equal(
		pmtu_fragment6(p6, len, 1280, 1, fresh(&pc, out, sizeof(out))),
		-1);
	p6[6] = 17;
	assert_int_equal(
		pmtu_fragment6(p6, len, 1000, 1, fresh(&pc, out, sizeof(out))),
		-1);
	assert_int_equal(
		pmtu_fragment6(p6, len, 1280, 1, fresh(&pc, out, 2000)), -1);
}

/* The MTU of IPv4 routes through lo: the device's, as the kernel reports
 * it, at most IP_MAX_MTU (65535) (lo must be up: 127.0.0.0/8 is routed
 * through it) */
static size_t lo_mtu(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;

	assert_true(fd >= 0);
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	assert_int_equal(ioctl(fd, SIOCGIFFLAGS, &ifr), 0);
	if (!(ifr.ifr_flags & IFF_UP))
		fail_msg("lo is down here: no route to 127.0.0.1 to ask");
	assert_int_equal(ioctl(fd, SIOCGIFMTU, &ifr), 0);
	close(fd);
	assert_true(ifr.ifr_mtu > 0);
	return ifr.ifr_mtu > 65535 ? 65535 : (size_t)ifr.ifr_mtu;
}

/* The cache's slot for an IPv4 destination: FNV-1a of its bytes, as
 * pmtu.c spreads them (used to choose destinations, not results) */
static unsigned slot_of(const uint8_t *a)
{
	uint32_t h = 2166136261u;
	int i;

	for (i = 0; i < 4; i++)
		h = (h ^ a[i]) * 16777619u;
	return h % PMTU_CACHE_SLOTS;
}

/* A cache with a UDP socket for IPv4 lookups, none for IPv6 */
static struct pmtu_cache *cache_open(void)
{
	static struct pmtu_cache c;

	memset(&c, 0, sizeof(c));
	c.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	c.fd6 = -1;
	assert_true(c.fd >= 0);
	return &c;
}

/* Asked once a PMTU_CACHE_TTL: within it, the kernel is not asked (even
 * one that would answer otherwise: no socket), after it, it is */
static void test_cache_ttl(void **state)
{
	static const uint8_t a[4] = {127, 0, 0, 1};
	struct pmtu_cache *c = cache_open();
	size_t mtu = lo_mtu();
	int fd = c->fd;

	(void)state;
	assert_int_equal(pmtu_cache_mtu(c, AF_INET, a, 100.0), mtu);
	assert_int_equal(c->lookups, 1);
	assert_int_equal(pmtu_cache_mtu(c, AF_INET, a, 100.5), mtu);
	assert_int_equal(c->lookups, 1);
	/* a lookup now would say 0: the answer is the cache's */
	c->fd = -1;
	assert_int_equal(pmtu_cache_mtu(c, AF_INET, a, 100.0 + 0.999), mtu);
	assert_int_equal(c->lookups, 1);
	assert_int_equal(pmtu_cache_mtu(c, AF_INET, a, 100.0 + PMTU_CACHE_TTL),
			 0);
	assert_int_equal(c->lookups, 2);
	/* an unknown MTU is kept as long */
	c->fd = fd;
	assert_int_equal(pmtu_cache_mtu(c, AF_INET, a, 101.5), 0);
	assert_int_equal(c->lookups, 2);
	assert_int_equal(pmtu_cache_mtu(c, AF_INET, a, 102.0), mtu);
	assert_int_equal(c->lookups, 3);
	close(fd);
}

/* Two destinations in two slots are each kept; one in the slot of
 * another replaces it */
static void test_cache_slots(void **state)
{
	uint8_t a[4] = {127, 0, 0, 1}, b[4] = {127, 0, 0, 2}, x[4] = {127};
	struct pmtu_cache *c = cache_open();
	size_t mtu = lo_mtu();
	unsigned i;
	int k;

	(void)state;
	while (slot_of(b) == slot_of(a))
		b[3]++;
	/* another of 127.0.0.0/8 in a's slot (256 slots: one is near) */
	for (i = 2; i < 65536 && slot_of(x) != slot_of(a); i++) {
		x[2] = (uint8_t)(i >> 8);
		x[3] = (uint8_t)i;
	}
	assert_int_equal(slot_of(x), slot_of(a));
	assert_memory_not_equal(x, a, 4);
	assert_int_equal(pmtu_cache_mtu(c, AF_INET, a, 10.0), mtu);
	assert_int_equal(pmtu_cache_mtu(c, AF_INET, b, 10.0), mtu);
	assert_int_equal(c->lookups, 2);
	for (k = 0; k < 3; k++) {
		assert_int_equal(pmtu_cache_mtu(c, AF_INET, a, 10.5), mtu);
		assert_int_equal(pmtu_cache_mtu(c, AF_INET, b, 10.5), mtu);
	}
	assert_int_equal(c->lookups, 2);
	/* x replaces a, then a replaces x; b stays */
	assert_int_equal(pmtu_cache_mtu(c, AF_INET, x, 10.6), mtu);
	assert_int_equal(c->lookups, 3);
	assert_int_equal(pmtu_cache_mtu(c, AF_INET, a, 10.7), mtu);
	assert_int_equal(c->lookups, 4);
	assert_int_equal(pmtu_cache_mtu(c, AF_INET, b, 10.8), mtu);
	assert_int_equal(c->lookups, 4);
	close(c->fd);
}

/* Without a socket, every MTU is unknown */
static void test_cache_no_socket(void **state)
{
	static const uint8_t a[4] = {127, 0, 0, 1};
	static const uint8_t a6[16] = {[15] = 1};
	struct pmtu_cache c;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.fd = c.fd6 = -1;
	assert_int_equal(pmtu_cache_mtu(&c, AF_INET, a, 1.0), 0);
	assert_int_equal(pmtu_cache_mtu(&c, AF_INET6, a6, 1.0), 0);
	assert_int_equal(c.lookups, 2);
	assert_int_equal(pmtu_route_mtu(-1, AF_INET, a), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fragment_reassembles),
		cmocka_unit_test(test_fragment_options),
		cmocka_unit_test(test_fragment_of_fragment),
		cmocka_unit_test(test_fragment_refusals),
		cmocka_unit_test(test_frag_needed),
		cmocka_unit_test(test_frag_needed_refusals),
		cmocka_unit_test(test_parse_fragment),
		cmocka_unit_test(test_too_big6),
		cmocka_unit_test(test_fragment6),
		cmocka_unit_test(test_cache_ttl),
		cmocka_unit_test(test_cache_slots),
		cmocka_unit_test(test_cache_no_socket),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
