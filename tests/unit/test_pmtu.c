// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of what a router does with a packet too large for
 * its path (pmtu.c): fragments that reassemble to the packet, options
 * copied as RFC 791 says, refusals; the ICMP "fragmentation needed" and
 * when none is sent; the parse of fragments the host accepts (pkt.c) */

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "remora/pkt.h"
#include "remora/pmtu.h"

static uint8_t pkt[65535], out[96 << 10], joined[65535];

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* A UDP/IPv4 datagram of @data payload bytes with @opts bytes of IP
 * options (a copied one, then an uncopied one), flags @fo */
static size_t make_udp(size_t data, size_t opts, uint16_t fo)
{
	size_t ihl = 20 + opts, len = ihl + 8 + data, i;
	uint16_t c;

	memset(pkt, 0, ihl + 8);
	pkt[0] = (uint8_t)(0x40 | ihl / 4);
	pkt[2] = (uint8_t)(len >> 8);
	pkt[3] = (uint8_t)len;
	pkt[4] = 0xbe;
	pkt[5] = 0xef;
	pkt[6] = (uint8_t)(fo >> 8);
	pkt[7] = (uint8_t)fo;
	pkt[8] = 64;
	pkt[9] = 17;
	memcpy(pkt + 12, "\xc6\x12\x00\x01\xc6\x13\x00\x02", 8);
	if (opts == 12) {
		/* copied: 0x94 router alert (4 bytes); not copied: 0x07
		 * record route (7 bytes); end of options */
		memcpy(pkt + 20,
		       "\x94\x04\x00\x00\x07\x07\x04\x00\x00\x00\x00\x00", 12);
	}
	c = pkt_ipv4_csum(pkt, ihl);
	pkt[10] = (uint8_t)(c >> 8);
	pkt[11] = (uint8_t)c;
	pkt[ihl] = 0x9c;
	pkt[ihl + 1] = 0x40;
	pkt[ihl + 2] = 0x1c;
	pkt[ihl + 3] = 0xf9;
	pkt[ihl + 4] = (uint8_t)((8 + data) >> 8);
	pkt[ihl + 5] = (uint8_t)(8 + data);
	for (i = 0; i < data; i++)
		pkt[ihl + 8 + i] = (uint8_t)(i * 13 + 1);
	return len;
}

/* Put the fragments' payloads back where their offsets say; check every
 * header on the way. Return: the payload length covered */
static size_t reassemble(uint8_t **frags, const size_t *lens, int n, size_t mtu,
			 size_t first_ihl, size_t later_ihl)
{
	size_t end = 0;
	int i;

	for (i = 0; i < n; i++) {
		const uint8_t *f = frags[i];
		size_t ihl = (size_t)(f[0] & 0xf) * 4, off;
		uint16_t fo = rd16(f + 6);
		struct pkt_info pi;

		assert_true(lens[i] <= mtu);
		assert_int_equal(rd16(f + 2), lens[i]);
		assert_int_equal(pkt_ipv4_csum(f, ihl), 0);
		assert_int_equal(ihl, i ? later_ihl : first_ihl);
		assert_int_equal(rd16(f + 4), 0xbeef); /* same id */
		assert_int_equal(fo & 0x4000, 0);
		/* more fragments on all but the last */
		assert_int_equal(!!(fo & 0x2000), i < n - 1);
		off = (size_t)(fo & 0x1fff) * 8;
		assert_int_equal(off, end);
		if (i < n - 1)
			assert_int_equal((lens[i] - ihl) % 8, 0);
		memcpy(joined + off, f + ihl, lens[i] - ihl);
		end = off + lens[i] - ihl;
		/* the host accepts each: parse says fragment, then first or
		 * later */
		assert_int_equal(pkt_parse_ipv4(f, lens[i], &pi), PKT_FRAGMENT);
		assert_int_equal(pkt_parse_fragment(f, lens[i], &pi), PKT_OK);
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
	uint8_t *frags[PMTU_MAX_FRAGS];
	size_t lens[PMTU_MAX_FRAGS], m, k, len;
	int n;

	(void)state;
	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		for (m = 0; m < sizeof(mtus) / sizeof(mtus[0]); m++) {
			len = make_udp(sizes[k], 0, 0);
			if (len <= mtus[m])
				continue;
			n = pmtu_fragment(pkt, len, mtus[m], out, sizeof(out),
					  frags, lens, PMTU_MAX_FRAGS);
			if ((len - 20 + (mtus[m] - 20) / 8 * 8 - 1) /
				    ((mtus[m] - 20) / 8 * 8) >
			    PMTU_MAX_FRAGS) {
				assert_int_equal(n, -1); /* too many pieces */
				continue;
			}
			assert_true(n > 1);
			assert_int_equal(
				reassemble(frags, lens, n, mtus[m], 20, 20),
				len - 20);
			assert_memory_equal(joined, pkt + 20, len - 20);
		}
	}
}

/* Only options with the "copied" bit go into later fragments */
static void test_fragment_options(void **state)
{
	uint8_t *frags[PMTU_MAX_FRAGS];
	size_t lens[PMTU_MAX_FRAGS], len = make_udp(3000, 12, 0);
	int n;

	(void)state;
	n = pmtu_fragment(pkt, len, 1000, out, sizeof(out), frags, lens,
			  PMTU_MAX_FRAGS);
	assert_true(n > 2);
	assert_int_equal(reassemble(frags, lens, n, 1000, 32, 24), len - 32);
	assert_memory_equal(joined, pkt + 32, len - 32);
	/* the first keeps both options, later ones the router alert only,
	 * padded with a no-operation */
	assert_memory_equal(frags[0] + 20, pkt + 20, 12);
	assert_memory_equal(frags[1] + 20, "\x94\x04\x00\x00", 4);
}

/* A fragment cut again keeps its offset, and its more-fragments flag on
 * its last piece */
static void test_fragment_of_fragment(void **state)
{
	uint8_t *frags[PMTU_MAX_FRAGS];
	size_t lens[PMTU_MAX_FRAGS], len = make_udp(3000, 0, 0x2000 | 100);
	int n;

	(void)state;
	n = pmtu_fragment(pkt, len, 1000, out, sizeof(out), frags, lens,
			  PMTU_MAX_FRAGS);
	assert_true(n > 1);
	assert_int_equal(rd16(frags[0] + 6), 0x2000 | 100);
	assert_int_equal(rd16(frags[n - 1] + 6) & 0x2000, 0x2000);
}

static void test_fragment_refusals(void **state)
{
	uint8_t *frags[PMTU_MAX_FRAGS];
	size_t lens[PMTU_MAX_FRAGS], len;

	(void)state;
	/* don't fragment */
	len = make_udp(3000, 0, 0x4000);
	assert_int_equal(pmtu_fragment(pkt, len, 1400, out, sizeof(out), frags,
				       lens, PMTU_MAX_FRAGS),
			 -1);
	/* an MTU below IPv4's minimum, or one the header fills */
	len = make_udp(3000, 0, 0);
	assert_int_equal(pmtu_fragment(pkt, len, 60, out, sizeof(out), frags,
				       lens, PMTU_MAX_FRAGS),
			 -1);
	/* no room for the pieces, or too many of them */
	assert_int_equal(pmtu_fragment(pkt, len, 1400, out, 2000, frags, lens,
				       PMTU_MAX_FRAGS),
			 -1);
	assert_int_equal(
		pmtu_fragment(pkt, len, 1400, out, sizeof(out), frags, lens, 2),
		-1);
	/* a total length that is not the buffer's */
	assert_int_equal(pmtu_fragment(pkt, len - 1, 1400, out, sizeof(out),
				       frags, lens, PMTU_MAX_FRAGS),
			 -1);
	/* malformed options: a length running past the header */
	len = make_udp(3000, 12, 0);
	pkt[25] = 40;
	assert_int_equal(pmtu_fragment(pkt, len, 1400, out, sizeof(out), frags,
				       lens, PMTU_MAX_FRAGS),
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
	assert_int_equal(pkt_check_inbound(&pi, pi.dst), PKT_OK);
	assert_int_equal(rd16(icmp + 26), 1400);
	assert_int_equal(pkt_ipv4_csum(icmp + 20, n - 20), 0);
	/* it quotes the packet's header and the start of its payload */
	assert_memory_equal(icmp + 28, pkt, n - 28);

	/* a short packet is quoted whole; an odd length checks out */
	len = make_udp(33, 0, 0x4000);
	n = pmtu_frag_needed(pkt, len, 1400, htonl(PMTU_ICMP_SRC), icmp,
			     sizeof(icmp));
	assert_int_equal(n, 28 + len);
	assert_int_equal(pkt_ipv4_csum(icmp + 20, n - 20), 0);
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
	assert_int_equal(pkt_check_outbound(&pi, pi.src, &ports), PKT_OK);
	portset_clear(&ports);
	assert_int_equal(pkt_check_outbound(&pi, pi.src, &ports), PKT_PORT);

	len = make_udp(100, 0, 5);
	assert_int_equal(pkt_parse_ipv4(pkt, len, &pi), PKT_FRAGMENT);
	assert_int_equal(pkt_parse_fragment(pkt, len, &pi), PKT_OK);
	assert_int_equal(pi.frag, PKT_FRAG_LATER);
	assert_int_equal(pkt_check_outbound(&pi, pi.src, &ports), PKT_OK);
	assert_int_equal(pkt_check_outbound(&pi, htonl(0x01020304), &ports),
			 PKT_SRC);

	pkt[9] = 6; /* TCP at offset 8 */
	pkt[6] = 0;
	pkt[7] = 1;
	pkt[10] = pkt[11] = 0;
	{
		uint16_t c = pkt_ipv4_csum(pkt, 20);

		pkt[10] = (uint8_t)(c >> 8);
		pkt[11] = (uint8_t)c;
	}
	assert_int_equal(pkt_parse_ipv4(pkt, len, &pi), PKT_FRAGMENT);
	assert_int_equal(pkt_parse_fragment(pkt, len, &pi), PKT_MALFORMED);

	/* a first TCP fragment of 12 bytes: its header is cut */
	len = make_udp(4, 0, 0x2000);
	pkt[9] = 6;
	pkt[10] = pkt[11] = 0;
	{
		uint16_t c = pkt_ipv4_csum(pkt, 20);

		pkt[10] = (uint8_t)(c >> 8);
		pkt[11] = (uint8_t)c;
	}
	assert_int_equal(pkt_parse_ipv4(pkt, len, &pi), PKT_FRAGMENT);
	assert_int_equal(pkt_parse_fragment(pkt, len, &pi), PKT_MALFORMED);

	/* another protocol */
	len = make_udp(100, 0, 0x2000);
	pkt[9] = 47;
	pkt[10] = pkt[11] = 0;
	{
		uint16_t c = pkt_ipv4_csum(pkt, 20);

		pkt[10] = (uint8_t)(c >> 8);
		pkt[11] = (uint8_t)c;
	}
	assert_int_equal(pkt_parse_ipv4(pkt, len, &pi), PKT_FRAGMENT);
	assert_int_equal(pkt_parse_fragment(pkt, len, &pi), PKT_PROTO);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
