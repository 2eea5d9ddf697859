// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of the IPv6 parser and checks (pkt6.c): the fixed
 * header and its payload length, extension headers walked with bounds,
 * fragments, martian addresses, the ICMPv6 types carried, and the checks
 * of each side */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "remora/pkt.h"
#include "remora/portset.h"

static uint8_t pkt[70000];
static uint8_t encl[16], net[16];

/* An IPv6 packet from @src to @dst: extension headers @ext (@elen bytes,
 * the first's type in @nh0, their own next-header fields as given), then
 * @l4 (@l4len bytes) of protocol @proto */
static size_t make6(const uint8_t *src, const uint8_t *dst, uint8_t nh0,
		    const uint8_t *ext, size_t elen, const uint8_t *l4,
		    size_t l4len)
{
	size_t len = 40 + elen + l4len;

	memset(pkt, 0, 40);
	pkt[0] = 0x60;
	pkt[4] = (uint8_t)((elen + l4len) >> 8);
	pkt[5] = (uint8_t)(elen + l4len);
	pkt[6] = nh0;
	pkt[7] = 64;
	memcpy(pkt + 8, src, 16);
	memcpy(pkt + 24, dst, 16);
	if (elen)
		memcpy(pkt + 40, ext, elen);
	if (l4len)
		memcpy(pkt + 40 + elen, l4, l4len);
	return len;
}

static const uint8_t tcp[20] = {0x9c, 0x40, 0x01, 0xbb, 0, 0,	 0,
				1,    0,    0,	  0,	0, 0x50, 0x12};
static const uint8_t udp[12] = {0x9c, 0x41, 0x00, 0x35, 0,   12,
				0,    0,    'd',  'n',	's', '!'};
static const uint8_t echo[8] = {128, 0, 0, 0, 0, 1, 0, 1};

static int setup(void **state)
{
	(void)state;
	inet_pton(AF_INET6, "2001:db8:1::1", encl);
	inet_pton(AF_INET6, "2001:db8:2::2", net);
	return 0;
}

static void test_parse_transports(void **state)
{
	struct pkt_info pi;
	size_t len;

	(void)state;
	len = make6(net, encl, 6, NULL, 0, tcp, sizeof(tcp));
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_OK);
	assert_int_equal(pi.version, 6);
	assert_int_equal(pi.proto, 6);
	assert_int_equal(pi.sport, 40000);
	assert_int_equal(pi.dport, 443);
	assert_int_equal(pi.hlen, 40);
	assert_int_equal(pi.len, len);
	assert_memory_equal(pi.src6, net, 16);
	assert_memory_equal(pi.dst6, encl, 16);
	len = make6(net, encl, 17, NULL, 0, udp, sizeof(udp));
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_OK);
	assert_int_equal(pi.dport, 53);
	len = make6(net, encl, 58, NULL, 0, echo, sizeof(echo));
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_OK);
	assert_int_equal(pi.icmp_type, 128);
	/* ICMP for IPv4 inside IPv6 is no protocol of IPv6's */
	len = make6(net, encl, 1, NULL, 0, echo, sizeof(echo));
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_PROTO);
	/* ESP, AH, no next header */
	len = make6(net, encl, 50, NULL, 0, echo, sizeof(echo));
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_PROTO);
	len = make6(net, encl, 59, NULL, 0, NULL, 0);
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_PROTO);
}

static void test_parse_lengths(void **state)
{
	struct pkt_info pi;
	size_t len;

	(void)state;
	len = make6(net, encl, 6, NULL, 0, tcp, sizeof(tcp));
	/* trailing byte, missing byte, payload length 0 (jumbogram) */
	assert_int_equal(pkt_parse(pkt, len + 1, &pi), PKT_MALFORMED);
	assert_int_equal(pkt_parse(pkt, len - 1, &pi), PKT_MALFORMED);
	pkt[4] = pkt[5] = 0;
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_MALFORMED);
	/* shorter than the fixed header; wrong version */
	assert_int_equal(pkt_parse_ipv6(pkt, 39, &pi), PKT_MALFORMED);
	len = make6(net, encl, 6, NULL, 0, tcp, sizeof(tcp));
	pkt[0] = 0x40;
	assert_int_equal(pkt_parse_ipv6(pkt, len, &pi), PKT_MALFORMED);
	/* a TCP header cut short, a data offset past the end */
	len = make6(net, encl, 6, NULL, 0, tcp, 19);
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_MALFORMED);
	len = make6(net, encl, 6, NULL, 0, tcp, sizeof(tcp));
	pkt[52] = 0x60;
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_MALFORMED);
	/* a UDP length past the packet */
	len = make6(net, encl, 17, NULL, 0, udp, sizeof(udp));
	pkt[45] = 13;
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_MALFORMED);
}

static void test_extension_headers(void **state)
{
	/* hop-by-hop (8 bytes, next: destination options), destination
	 * options (16 bytes, next: routing), routing with no segments left
	 * (8 bytes, next: TCP) */
	uint8_t ext[32] = {60, 0, 1, 4, 0, 0, 0, 0, 43, 1, 1, 10};
	struct pkt_info pi;
	uint8_t *r = ext + 24;
	size_t len;

	(void)state;
	r[0] = 6;
	r[1] = 0;
	r[2] = 4;
	r[3] = 0;
	len = make6(net, encl, 0, ext, sizeof(ext), tcp, sizeof(tcp));
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_OK);
	assert_int_equal(pi.proto, 6);
	assert_int_equal(pi.hlen, 40 + 32);
	assert_int_equal(pi.sport, 40000);
	/* segments left: the enclave is no router */
	pkt[40 + 24 + 3] = 1;
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_PROTO);
	/* hop-by-hop anywhere but first */
	len = make6(net, encl, 60,
		    (const uint8_t[]){0, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0,
				      0, 0},
		    16, tcp, sizeof(tcp));
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_MALFORMED);
	/* a header running past the end; one cut short */
	len = make6(net, encl, 60, (const uint8_t[]){6, 9, 0, 0, 0, 0, 0, 0}, 8,
		    tcp, sizeof(tcp));
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_MALFORMED);
	len = make6(net, encl, 60, (const uint8_t[]){6, 0, 0, 0}, 4, NULL, 0);
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_MALFORMED);
}

/* More than PKT_IPV6_MAX_EXT headers are not walked */
static void test_extension_chain_bound(void **state)
{
	uint8_t ext[8 * (PKT_IPV6_MAX_EXT + 2)];
	struct pkt_info pi;
	size_t len, i, n;

	(void)state;
	for (n = PKT_IPV6_MAX_EXT; n <= PKT_IPV6_MAX_EXT + 1; n++) {
		memset(ext, 0, sizeof(ext));
		for (i = 0; i < n; i++)
			ext[i * 8] = i + 1 < n ? 60 : 6;
		len = make6(net, encl, 60, ext, n * 8, tcp, sizeof(tcp));
		assert_int_equal(pkt_parse(pkt, len, &pi),
				 n <= PKT_IPV6_MAX_EXT ? PKT_OK
						       : PKT_MALFORMED);
	}
}

static void test_fragments(void **state)
{
	uint8_t frag[8] = {17, 0, 0, 1, 0, 0, 0, 7}; /* offset 0, more */
	struct pkt_info pi;
	size_t len;

	(void)state;
	len = make6(encl, net, 44, frag, 8, udp, sizeof(udp));
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_FRAGMENT);
	assert_int_equal(pi.proto, 17);
	assert_int_equal(pi.hlen, 48);
	assert_int_equal(pkt_parse_fragment(pkt, len, &pi), PKT_OK);
	assert_int_equal(pi.frag, PKT_FRAG_FIRST);
	assert_int_equal(pi.sport, 40001);
	/* a later one: offset 100 */
	frag[2] = 0x03;
	frag[3] = 0x20;
	len = make6(encl, net, 44, frag, 8, udp, sizeof(udp));
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_FRAGMENT);
	assert_int_equal(pi.frag_off, 100);
	assert_int_equal(pkt_parse_fragment(pkt, len, &pi), PKT_OK);
	assert_int_equal(pi.frag, PKT_FRAG_LATER);
	/* TCP at offset 8 */
	frag[0] = 6;
	frag[2] = 0;
	frag[3] = 0x08;
	len = make6(encl, net, 44, frag, 8, tcp, sizeof(tcp));
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_FRAGMENT);
	assert_int_equal(pkt_parse_fragment(pkt, len, &pi), PKT_MALFORMED);
	/* ICMP for IPv4 in an IPv6 fragment */
	frag[0] = 1;
	frag[3] = 1;
	len = make6(encl, net, 44, frag, 8, echo, sizeof(echo));
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_FRAGMENT);
	assert_int_equal(pkt_parse_fragment(pkt, len, &pi), PKT_PROTO);
	/* a fragment header cut short */
	len = make6(encl, net, 44, frag, 4, NULL, 0);
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_MALFORMED);
}

static void test_martians(void **state)
{
	static const char *const bad[] = {
		"::",	   "::1",     "::ffff:127.0.0.1", "::ffff:10.0.0.1",
		"fe80::1", "febf::1", "ff02::1",	  "ff0e::1"};
	static const char *const good[] = {"2001:db8::1", "fd00::1",
					   "::2",	  "fec0::1",
					   "64:ff9b::1",  "2600::"};
	uint8_t a[16];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(inet_pton(AF_INET6, bad[i], a), 1);
		assert_true(pkt_addr6_martian(a));
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(inet_pton(AF_INET6, good[i], a), 1);
		assert_false(pkt_addr6_martian(a));
	}
}

static void test_check_inbound6(void **state)
{
	static const uint8_t types_ok[] = {1, 2, 3, 4, 128, 129};
	static const uint8_t types_no[] = {133, 134, 135, 136, 137, 130, 143};
	uint8_t icmp[8] = {0}, a[16];
	struct pkt_info pi;
	size_t len, i;

	(void)state;
	len = make6(net, encl, 6, NULL, 0, tcp, sizeof(tcp));
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_OK);
	assert_int_equal(pkt_check_inbound6(&pi, encl), PKT_OK);
	assert_int_equal(pkt_check_inbound6(&pi, net), PKT_DST);
	len = make6(encl, encl, 6, NULL, 0, tcp, sizeof(tcp));
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_OK);
	assert_int_equal(pkt_check_inbound6(&pi, encl), PKT_SRC);
	inet_pton(AF_INET6, "::ffff:127.0.0.1", a);
	len = make6(a, encl, 6, NULL, 0, tcp, sizeof(tcp));
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_OK);
	assert_int_equal(pkt_check_inbound6(&pi, encl), PKT_SRC);
	for (i = 0; i < sizeof(types_ok); i++) {
		icmp[0] = types_ok[i];
		len = make6(net, encl, 58, NULL, 0, icmp, sizeof(icmp));
		assert_int_equal(pkt_parse(pkt, len, &pi), PKT_OK);
		assert_int_equal(pkt_check_inbound6(&pi, encl), PKT_OK);
	}
	/* neighbour discovery, router advertisements, MLD stay out */
	for (i = 0; i < sizeof(types_no); i++) {
		icmp[0] = types_no[i];
		len = make6(net, encl, 58, NULL, 0, icmp, sizeof(icmp));
		assert_int_equal(pkt_parse(pkt, len, &pi), PKT_OK);
		assert_int_equal(pkt_check_inbound6(&pi, encl), PKT_PROTO);
	}
}

static void test_check_outbound6(void **state)
{
	struct portset ports;
	struct pkt_info pi;
	uint8_t a[16];
	size_t len;

	(void)state;
	portset_clear(&ports);
	portset_add_range(&ports, 32768, 60999);
	len = make6(encl, net, 6, NULL, 0, tcp, sizeof(tcp));
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_OK);
	assert_int_equal(pkt_check_outbound6(&pi, encl, &ports), PKT_OK);
	assert_int_equal(pkt_check_outbound6(&pi, net, &ports), PKT_SRC);
	portset_clear(&ports);
	assert_int_equal(pkt_check_outbound6(&pi, encl, &ports), PKT_PORT);
	/* the metadata service over IPv6, multicast, the host itself */
	inet_pton(AF_INET6, "fd00:ec2::254", a);
	len = make6(encl, a, 58, NULL, 0, echo, sizeof(echo));
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_OK);
	assert_int_equal(pkt_check_outbound6(&pi, encl, &ports), PKT_DST);
	inet_pton(AF_INET6, "fd00:ec2::253", a); /* the resolver stays */
	len = make6(encl, a, 58, NULL, 0, echo, sizeof(echo));
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_OK);
	assert_int_equal(pkt_check_outbound6(&pi, encl, &ports), PKT_OK);
	inet_pton(AF_INET6, "ff02::1", a);
	len = make6(encl, a, 58, NULL, 0, echo, sizeof(echo));
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_OK);
	assert_int_equal(pkt_check_outbound6(&pi, encl, &ports), PKT_DST);
	len = make6(encl, encl, 58, NULL, 0, echo, sizeof(echo));
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_OK);
	assert_int_equal(pkt_check_outbound6(&pi, encl, &ports), PKT_DST);
	/* a neighbour solicitation from the enclave */
	len = make6(encl, net, 58, NULL, 0,
		    (const uint8_t[]){135, 0, 0, 0, 0, 0, 0, 0}, 8);
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_OK);
	assert_int_equal(pkt_check_outbound6(&pi, encl, &ports), PKT_PROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_transports),
		cmocka_unit_test(test_parse_lengths),
		cmocka_unit_test(test_extension_headers),
		cmocka_unit_test(test_extension_chain_bound),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_martians),
		cmocka_unit_test(test_check_inbound6),
		cmocka_unit_test(test_check_outbound6),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
