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

static enum pkt_verdict err6(const uint8_t *src, const uint8_t *dst,
			     uint8_t type, const uint8_t *qsrc,
			     const uint8_t *qdst, uint8_t nh0,
			     const uint8_t *ext, size_t elen, const uint8_t *l4,
			     size_t l4len);

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
	assert_int_equal(pkt_check_inbound(&pi, own6(encl)), PKT_OK);
	assert_int_equal(pkt_check_inbound(&pi, own6(net)), PKT_DST);
	len = make6(encl, encl, 6, NULL, 0, tcp, sizeof(tcp));
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_OK);
	assert_int_equal(pkt_check_inbound(&pi, own6(encl)), PKT_SRC);
	inet_pton(AF_INET6, "::ffff:127.0.0.1", a);
	len = make6(a, encl, 6, NULL, 0, tcp, sizeof(tcp));
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_OK);
	assert_int_equal(pkt_check_inbound(&pi, own6(encl)), PKT_SRC);
	for (i = 0; i < sizeof(types_ok); i++) {
		icmp[0] = types_ok[i];
		len = make6(net, encl, 58, NULL, 0, icmp, sizeof(icmp));
		assert_int_equal(pkt_parse(pkt, len, &pi), PKT_OK);
		/* an error quotes something, an echo nothing */
		assert_int_equal(pkt_check_inbound(&pi, own6(encl)),
				 types_ok[i] < 128 ? PKT_QUOTE : PKT_OK);
		if (types_ok[i] < 128)
			assert_int_equal(err6(net, encl, types_ok[i], encl, net,
					      58, NULL, 0, echo, 8),
					 PKT_OK);
	}
	/* neighbour discovery, router advertisements, MLD stay out */
	for (i = 0; i < sizeof(types_no); i++) {
		icmp[0] = types_no[i];
		len = make6(net, encl, 58, NULL, 0, icmp, sizeof(icmp));
		assert_int_equal(pkt_parse(pkt, len, &pi), PKT_OK);
		assert_int_equal(pkt_check_inbound(&pi, own6(encl)), PKT_PROTO);
	}
}

/* The verdict on an ICMPv6 error of @type from @src to @dst quoting a
 * packet from @qsrc to @qdst (extension headers @ext of @elen bytes,
 * first @nh0, then @l4len bytes of @l4); inbound when @dst is the
 * enclave's address, else outbound from it (ports 32768-60999) */
static enum pkt_verdict err6(const uint8_t *src, const uint8_t *dst,
			     uint8_t type, const uint8_t *qsrc,
			     const uint8_t *qdst, uint8_t nh0,
			     const uint8_t *ext, size_t elen, const uint8_t *l4,
			     size_t l4len)
{
	static uint8_t icmp[1400];
	struct portset ports;
	struct pkt_info pi;
	size_t qlen, len;

	qlen = make6(qsrc, qdst, nh0, ext, elen, l4, l4len);
	assert_true(8 + qlen <= sizeof(icmp));
	memset(icmp, 0, 8);
	icmp[0] = type;
	memcpy(icmp + 8, pkt, qlen);
	len = make6(src, dst, 58, NULL, 0, icmp, 8 + qlen);
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_OK);
	if (!memcmp(dst, encl, 16))
		return pkt_check_inbound(&pi, own6(encl));
	portset_clear(&ports);
	portset_add_range(&ports, 32768, 60999);
	return pkt_check_outbound(&pi, own6(encl), &ports, 0);
}

static void test_quote_inbound6(void **state)
{
	uint8_t lo[16] = {[15] = 1}, a[16];
	const uint8_t dstopts[8] = {17, 0, 1, 4, 0, 0, 0, 0};
	uint8_t frag[8] = {17, 0, 0, 0, 0, 0, 0, 7};
	struct pkt_info pi;
	uint8_t type;

	(void)state;
	for (type = 1; type <= 4; type++) {
		/* the enclave's own flows to the internet */
		assert_int_equal(err6(net, encl, type, encl, net, 6, NULL, 0,
				      tcp, sizeof(tcp)),
				 PKT_OK);
		assert_int_equal(err6(net, encl, type, encl, net, 17, NULL, 0,
				      udp, sizeof(udp)),
				 PKT_OK);
		/* with a destination option, walked to the ports */
		assert_int_equal(err6(net, encl, type, encl, net, 60, dstopts,
				      8, udp, sizeof(udp)),
				 PKT_OK);
		/* a loopback flow inside the enclave, ::1 to ::1 */
		assert_int_equal(err6(net, encl, type, lo, lo, 17, NULL, 0, udp,
				      sizeof(udp)),
				 PKT_QUOTE_SRC);
		/* the enclave to itself, to ::1, to a v4-mapped loopback */
		assert_int_equal(err6(net, encl, type, encl, encl, 17, NULL, 0,
				      udp, sizeof(udp)),
				 PKT_QUOTE_DST);
		assert_int_equal(err6(net, encl, type, encl, lo, 17, NULL, 0,
				      udp, sizeof(udp)),
				 PKT_QUOTE_DST);
		inet_pton(AF_INET6, "::ffff:127.0.0.1", a);
		assert_int_equal(err6(net, encl, type, encl, a, 6, NULL, 0, tcp,
				      sizeof(tcp)),
				 PKT_QUOTE_DST);
		/* the first fragment has the ports; a later one is refused */
		frag[2] = 0;
		frag[3] = 1; /* offset 0, more fragments */
		assert_int_equal(err6(net, encl, type, encl, net, 44, frag, 8,
				      udp, sizeof(udp)),
				 PKT_OK);
		frag[2] = 0x05;
		frag[3] = 0x10; /* offset 162 */
		assert_int_equal(err6(net, encl, type, encl, net, 44, frag, 8,
				      udp, sizeof(udp)),
				 PKT_QUOTE);
	}
	/* a quote cut inside the fixed header, or before the ports */
	memset(a, 0, sizeof(a));
	a[0] = 1; /* destination unreachable */
	make6(encl, net, 17, NULL, 0, udp, sizeof(udp));
	memmove(pkt + 48, pkt, 42);
	memset(pkt, 0, 48);
	memcpy(pkt + 40, a, 8);
	pkt[0] = 0x60;
	pkt[5] = 8 + 42;
	pkt[6] = 58;
	memcpy(pkt + 8, net, 16);
	memcpy(pkt + 24, encl, 16);
	assert_int_equal(pkt_parse(pkt, 40 + 8 + 42, &pi), PKT_OK);
	assert_int_equal(pi.quote.state, PKT_QUOTE_BAD);
	assert_int_equal(pkt_check_inbound(&pi, own6(encl)), PKT_QUOTE);
	/* an IPv4 packet quoted by ICMPv6 */
	memset(pkt + 48, 0, 44);
	pkt[48] = 0x45;
	pkt[5] = 8 + 44;
	assert_int_equal(pkt_parse(pkt, 40 + 8 + 44, &pi), PKT_OK);
	assert_int_equal(pkt_check_inbound(&pi, own6(encl)), PKT_QUOTE);
}

static void test_quote_outbound6(void **state)
{
	static const uint8_t udp_host[12] = {0x9c, 0x41, 0xf0, 0x00, 0, 12};
	static const uint8_t udp_encl[12] = {0x00, 0x35, 0x9c, 0x41, 0, 12};
	uint8_t other[16], frag[8] = {17, 0, 0x05, 0x10, 0, 0, 0, 7};

	(void)state;
	inet_pton(AF_INET6, "2001:db8:3::3", other);
	/* port unreachable for a datagram to one of the enclave's ports:
	 * udp's destination port 53 is not one; its source 40001 is */
	assert_int_equal(
		err6(encl, net, 1, net, encl, 17, NULL, 0, udp, sizeof(udp)),
		PKT_QUOTE_PORT);
	assert_int_equal(err6(encl, net, 1, net, encl, 17, NULL, 0, udp_host,
			      sizeof(udp_host)),
			 PKT_QUOTE_PORT);
	assert_int_equal(err6(encl, net, 1, net, encl, 17, NULL, 0, udp_encl,
			      sizeof(udp_encl)),
			 PKT_OK);
	assert_int_equal(
		err6(encl, net, 4, net, encl, 58, NULL, 0, echo, sizeof(echo)),
		PKT_OK);
	assert_int_equal(
		err6(encl, net, 1, net, other, 58, NULL, 0, echo, sizeof(echo)),
		PKT_QUOTE_DST);
	assert_int_equal(err6(encl, net, 1, other, encl, 58, NULL, 0, echo,
			      sizeof(echo)),
			 PKT_QUOTE_SRC);
	assert_int_equal(
		err6(encl, net, 1, net, encl, 44, frag, 8, udp, sizeof(udp)),
		PKT_QUOTE);
}

static void test_metadata6(void **state)
{
	static const char *const svc[] = {"fd00:ec2::254", "fd00:ec2::23"};
	static const char *const not_svc[] = {"fd00:ec2::253", "fd00:ec2::123",
					      "fd00:ec3::254", "fd01:ec2::23"};
	struct portset ports;
	struct pkt_info pi;
	uint8_t a[16];
	size_t i, len;

	(void)state;
	portset_clear(&ports);
	for (i = 0; i < sizeof(svc) / sizeof(svc[0]); i++) {
		inet_pton(AF_INET6, svc[i], a);
		assert_true(pkt_addr6_metadata(a));
		len = make6(encl, a, 58, NULL, 0, echo, sizeof(echo));
		assert_int_equal(pkt_parse(pkt, len, &pi), PKT_OK);
		assert_int_equal(pkt_check_outbound(&pi, own6(encl), &ports, 0),
				 PKT_DST);
		assert_int_equal(pkt_check_outbound(&pi, own6(encl), &ports,
						    PKT_OUT_ALLOW_METADATA),
				 PKT_OK);
	}
	for (i = 0; i < sizeof(not_svc) / sizeof(not_svc[0]); i++) {
		inet_pton(AF_INET6, not_svc[i], a);
		assert_false(pkt_addr6_metadata(a));
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
	assert_int_equal(pkt_check_outbound(&pi, own6(encl), &ports, 0),
			 PKT_OK);
	assert_int_equal(pkt_check_outbound(&pi, own6(net), &ports, 0),
			 PKT_SRC);
	portset_clear(&ports);
	assert_int_equal(pkt_check_outbound(&pi, own6(encl), &ports, 0),
			 PKT_PORT);
	/* the metadata service over IPv6, multicast, the host itself */
	inet_pton(AF_INET6, "fd00:ec2::254", a);
	len = make6(encl, a, 58, NULL, 0, echo, sizeof(echo));
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_OK);
	assert_int_equal(pkt_check_outbound(&pi, own6(encl), &ports, 0),
			 PKT_DST);
	inet_pton(AF_INET6, "fd00:ec2::253", a); /* the resolver stays */
	len = make6(encl, a, 58, NULL, 0, echo, sizeof(echo));
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_OK);
	assert_int_equal(pkt_check_outbound(&pi, own6(encl), &ports, 0),
			 PKT_OK);
	inet_pton(AF_INET6, "ff02::1", a);
	len = make6(encl, a, 58, NULL, 0, echo, sizeof(echo));
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_OK);
	assert_int_equal(pkt_check_outbound(&pi, own6(encl), &ports, 0),
			 PKT_DST);
	len = make6(encl, encl, 58, NULL, 0, echo, sizeof(echo));
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_OK);
	assert_int_equal(pkt_check_outbound(&pi, own6(encl), &ports, 0),
			 PKT_DST);
	/* a neighbour solicitation from the enclave */
	len = make6(encl, net, 58, NULL, 0,
		    (const uint8_t[]){135, 0, 0, 0, 0, 0, 0, 0}, 8);
	assert_int_equal(pkt_parse(pkt, len, &pi), PKT_OK);
	assert_int_equal(pkt_check_outbound(&pi, own6(encl), &ports, 0),
			 PKT_PROTO);
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
		cmocka_unit_test(test_quote_inbound6),
		cmocka_unit_test(test_quote_outbound6),
		cmocka_unit_test(test_metadata6),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
