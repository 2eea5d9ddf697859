// SPDX-License-Identifier: Apache-2.0
/* remora - unit tests of IPv4 parsing and the policy checks (pkt.c) */

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

#define SHARED	"172.31.5.9"  /* the instance address the enclave shares */
#define REMOTE	"203.0.113.7" /* a peer on the internet */
#define PKT_MAX 2048

static uint32_t ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

/* Reference Internet checksum, independent of csum.c */
static uint16_t ref_csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Recompute the header checksum after the test changed a header field */
static void fix_csum(uint8_t *p)
{
	size_t hlen = (size_t)(p[0] & 0x0f) * 4;
	uint16_t c;

	p[10] = p[11] = 0;
	c = ref_csum(p, hlen);
	p[10] = (uint8_t)(c >> 8);
	p[11] = (uint8_t)c;
}

/**
 * build_ip() - write an IPv4 packet with a correct header checksum
 * @p:		output, PKT_MAX bytes
 * @optlen:	bytes of IP options (NOPs), a multiple of 4
 * @proto:	IP protocol
 * @src:	source address, text
 * @dst:	destination address, text
 * @l4:		transport header and payload
 * @l4len:	bytes at @l4
 *
 * Return: total length
 */
static size_t build_ip(uint8_t *p, size_t optlen, uint8_t proto,
		       const char *src, const char *dst, const uint8_t *l4,
		       size_t l4len)
{
	size_t hlen = 20 + optlen, tot = hlen + l4len;
	uint32_t s = ip(src), d = ip(dst);

	assert_true(tot <= PKT_MAX);
	memset(p, 0, PKT_MAX);
	p[0] = (uint8_t)(0x40 | hlen / 4);
	p[2] = (uint8_t)(tot >> 8);
	p[3] = (uint8_t)tot;
	p[4] = 0x12; /* id */
	p[5] = 0x34;
	p[6] = 0x40; /* DF */
	p[8] = 64;   /* TTL */
	p[9] = proto;
	memcpy(p + 12, &s, 4);
	memcpy(p + 16, &d, 4);
	memset(p + 20, 1, optlen); /* NOP options */
	memcpy(p + hlen, l4, l4len);
	fix_csum(p);
	return tot;
}

static size_t build_tcp(uint8_t *p, const char *src, const char *dst,
			uint16_t sport, uint16_t dport, size_t paylen)
{
	uint8_t l4[PKT_MAX] = {0};

	l4[0] = (uint8_t)(sport >> 8);
	l4[1] = (uint8_t)sport;
	l4[2] = (uint8_t)(dport >> 8);
	l4[3] = (uint8_t)dport;
	l4[12] = 5 << 4; /* data offset: 20 bytes */
	l4[13] = 0x02;	 /* SYN */
	memset(l4 + 20, 'd', paylen);
	return build_ip(p, 0, IPPROTO_TCP, src, dst, l4, 20 + paylen);
}

static size_t build_udp(uint8_t *p, const char *src, const char *dst,
			uint16_t sport, uint16_t dport, size_t paylen)
{
	uint8_t l4[PKT_MAX] = {0};
	size_t ulen = 8 + paylen;

	l4[0] = (uint8_t)(sport >> 8);
	l4[1] = (uint8_t)sport;
	l4[2] = (uint8_t)(dport >> 8);
	l4[3] = (uint8_t)dport;
	l4[4] = (uint8_t)(ulen >> 8);
	l4[5] = (uint8_t)ulen;
	memset(l4 + 8, 'u', paylen);
	return build_ip(p, 0, IPPROTO_UDP, src, dst, l4, ulen);
}

static size_t build_icmp(uint8_t *p, const char *src, const char *dst,
			 uint8_t type, uint8_t code, size_t paylen)
{
	uint8_t l4[PKT_MAX] = {0};

	l4[0] = type;
	l4[1] = code;
	memset(l4 + 8, 'i', paylen);
	return build_ip(p, 0, IPPROTO_ICMP, src, dst, l4, 8 + paylen);
}

/* An ICMP error of @type and @code quoting @qlen bytes of @quoted */
static size_t build_icmp_err(uint8_t *p, const char *src, const char *dst,
			     uint8_t type, uint8_t code, const uint8_t *quoted,
			     size_t qlen)
{
	uint8_t l4[PKT_MAX] = {0};

	l4[0] = type;
	l4[1] = code;
	memcpy(l4 + 8, quoted, qlen);
	return build_ip(p, 0, IPPROTO_ICMP, src, dst, l4, 8 + qlen);
}

/* Set the total length field, keeping the checksum right */
static void set_tot(uint8_t *p, size_t tot)
{
	p[2] = (uint8_t)(tot >> 8);
	p[3] = (uint8_t)tot;
	fix_csum(p);
}

/* The checks' view of a side owning the IPv4 address @a (network order) */
static const struct pkt_own *own4(uint32_t a)
{
	static struct pkt_own o;

	memset(&o, 0, sizeof(o));
	o.addr = a;
	return &o;
}

static enum pkt_verdict parse(const uint8_t *p, size_t len)
{
	struct pkt_info pi;

	return pkt_parse_ipv4(p, len, &pi);
}

/* ---- parsing: accepted ---- */

static void parse_tcp_ok(void **state)
{
	uint8_t p[PKT_MAX];
	struct pkt_info pi;
	size_t n;

	(void)state;
	n = build_tcp(p, REMOTE, SHARED, 443, 40001, 10);
	assert_int_equal(n, 50);
	memset(&pi, 0xaa, sizeof(pi));
	assert_int_equal(pkt_parse_ipv4(p, n, &pi), PKT_OK);
	assert_int_equal(pi.src, ip(REMOTE));
	assert_int_equal(pi.dst, ip(SHARED));
	assert_int_equal(pi.len, 50);
	assert_int_equal(pi.hlen, 20);
	assert_int_equal(pi.proto, IPPROTO_TCP);
	assert_int_equal(pi.sport, 443);
	assert_int_equal(pi.dport, 40001);
	assert_int_equal(pi.icmp_type, 0);
	assert_int_equal(pi.icmp_code, 0);
}

static void parse_udp_ok(void **state)
{
	uint8_t p[PKT_MAX];
	struct pkt_info pi;
	size_t n;

	(void)state;
	n = build_udp(p, SHARED, "8.8.8.8", 53000, 53, 30);
	assert_int_equal(pkt_parse_ipv4(p, n, &pi), PKT_OK);
	assert_int_equal(pi.src, ip(SHARED));
	assert_int_equal(pi.dst, ip("8.8.8.8"));
	assert_int_equal(pi.len, 20 + 8 + 30);
	assert_int_equal(pi.proto, IPPROTO_UDP);
	assert_int_equal(pi.sport, 53000);
	assert_int_equal(pi.dport, 53);

	/* no payload at all */
	n = build_udp(p, SHARED, "8.8.8.8", 1, 65535, 0);
	assert_int_equal(pkt_parse_ipv4(p, n, &pi), PKT_OK);
	assert_int_equal(pi.sport, 1);
	assert_int_equal(pi.dport, 65535);
}

static void parse_icmp_ok(void **state)
{
	uint8_t p[PKT_MAX];
	struct pkt_info pi;
	size_t n;

	(void)state;
	n = build_icmp(p, REMOTE, SHARED, 3, 4, 28);
	assert_int_equal(pkt_parse_ipv4(p, n, &pi), PKT_OK);
	assert_int_equal(pi.proto, IPPROTO_ICMP);
	assert_int_equal(pi.icmp_type, 3);
	assert_int_equal(pi.icmp_code, 4);
	assert_int_equal(pi.sport, 0);
	assert_int_equal(pi.dport, 0);
	assert_int_equal(pi.src, ip(REMOTE));
	assert_int_equal(pi.dst, ip(SHARED));

	/* exactly the 8-byte ICMP header */
	n = build_icmp(p, REMOTE, SHARED, 8, 0, 0);
	assert_int_equal(n, 28);
	assert_int_equal(pkt_parse_ipv4(p, n, &pi), PKT_OK);
	assert_int_equal(pi.icmp_type, 8);
}

static void parse_ip_options_ok(void **state)
{
	uint8_t p[PKT_MAX], l4[20] = {0x12, 0x34, 0x00, 0x50};
	struct pkt_info pi;
	size_t n;

	(void)state;
	l4[12] = 5 << 4;
	n = build_ip(p, 4, IPPROTO_TCP, REMOTE, SHARED, l4, sizeof(l4));
	assert_int_equal(n, 44);
	assert_int_equal(p[0], 0x46);
	assert_int_equal(pkt_parse_ipv4(p, n, &pi), PKT_OK);
	assert_int_equal(pi.hlen, 24);
	assert_int_equal(pi.sport, 0x1234);
	assert_int_equal(pi.dport, 80);

	/* the options are covered by the checksum */
	p[21] = 0;
	assert_int_equal(parse(p, n), PKT_CHECKSUM);
}

static void parse_tcp_options_ok(void **state)
{
	uint8_t p[PKT_MAX], l4[32] = {0, 22, 0, 80};
	struct pkt_info pi;
	size_t n;

	(void)state;
	l4[12] = 8 << 4; /* 32-byte header, all present */
	n = build_ip(p, 0, IPPROTO_TCP, REMOTE, SHARED, l4, sizeof(l4));
	assert_int_equal(pkt_parse_ipv4(p, n, &pi), PKT_OK);
	assert_int_equal(pi.sport, 22);
	assert_int_equal(pi.dport, 80);
}

static void parse_not_fragment_ok(void **state)
{
	uint8_t p[PKT_MAX];
	size_t n;

	(void)state;
	n = build_udp(p, REMOTE, SHARED, 1, 2, 3);
	p[6] = 0x40; /* DF alone is not a fragment */
	p[7] = 0;
	fix_csum(p);
	assert_int_equal(parse(p, n), PKT_OK);
	p[6] = 0;
	fix_csum(p);
	assert_int_equal(parse(p, n), PKT_OK);
}

/* ---- parsing: refused ---- */

static void parse_short(void **state)
{
	uint8_t p[PKT_MAX];
	size_t n, len;

	(void)state;
	n = build_tcp(p, REMOTE, SHARED, 1, 2, 0);
	assert_int_equal(parse(p, n), PKT_OK);
	for (len = 0; len < PKT_IPV4_MIN_HDR; len++)
		assert_int_equal(parse(p, len), PKT_MALFORMED);
	/* a bare header claiming 20 bytes: TCP header missing */
	set_tot(p, 20);
	assert_int_equal(parse(p, 20), PKT_MALFORMED);
}

static void parse_bad_version(void **state)
{
	uint8_t p[PKT_MAX];
	size_t n;

	(void)state;
	n = build_tcp(p, REMOTE, SHARED, 1, 2, 0);
	p[0] = 0x65;
	fix_csum(p);
	assert_int_equal(parse(p, n), PKT_MALFORMED);
	p[0] = 0x05;
	fix_csum(p);
	assert_int_equal(parse(p, n), PKT_MALFORMED);
}

static void parse_bad_ihl(void **state)
{
	uint8_t p[PKT_MAX];
	size_t n;

	(void)state;
	n = build_tcp(p, REMOTE, SHARED, 1, 2, 0);
	assert_int_equal(n, 40);
	p[0] = 0x44; /* 16 bytes */
	fix_csum(p);
	assert_int_equal(parse(p, n), PKT_MALFORMED);
	p[0] = 0x40;
	fix_csum(p);
	assert_int_equal(parse(p, n), PKT_MALFORMED);

	n = build_tcp(p, REMOTE, SHARED, 1, 2, 0);
	p[0] = 0x4f; /* 60 bytes of header in a 40-byte packet */
	fix_csum(p);
	assert_int_equal(parse(p, n), PKT_MALFORMED);
	/* the header fits, the TCP header after it does not */
	n = build_tcp(p, REMOTE, SHARED, 1, 2, 20);
	assert_int_equal(n, 60);
	p[0] = 0x4f;
	fix_csum(p);
	assert_int_equal(parse(p, n), PKT_MALFORMED);
}

static void parse_total_length_mismatch(void **state)
{
	uint8_t p[PKT_MAX];
	size_t n;

	(void)state;
	n = build_udp(p, REMOTE, SHARED, 1, 2, 10);
	assert_int_equal(parse(p, n), PKT_OK);
	/* buffer longer than the total length: trailing bytes */
	assert_int_equal(parse(p, n + 1), PKT_MALFORMED);
	/* buffer shorter than the total length: truncated */
	assert_int_equal(parse(p, n - 1), PKT_MALFORMED);
	/* the same through the length field */
	set_tot(p, n - 1);
	assert_int_equal(parse(p, n), PKT_MALFORMED);
	set_tot(p, n + 1);
	assert_int_equal(parse(p, n), PKT_MALFORMED);
	set_tot(p, 0);
	assert_int_equal(parse(p, n), PKT_MALFORMED);
	set_tot(p, n);
	assert_int_equal(parse(p, n), PKT_OK);
}

static void parse_bad_checksum(void **state)
{
	uint8_t p[PKT_MAX];
	size_t n;

	(void)state;
	n = build_tcp(p, REMOTE, SHARED, 1, 2, 0);
	p[11] ^= 0x01;
	assert_int_equal(parse(p, n), PKT_CHECKSUM);
	p[11] ^= 0x01;
	assert_int_equal(parse(p, n), PKT_OK);
	p[15] ^= 0x80; /* source address changed in flight */
	assert_int_equal(parse(p, n), PKT_CHECKSUM);
	p[15] ^= 0x80;
	p[8] = 63; /* TTL */
	assert_int_equal(parse(p, n), PKT_CHECKSUM);
}

static void parse_fragments(void **state)
{
	uint8_t p[PKT_MAX];
	size_t n;

	(void)state;
	n = build_udp(p, REMOTE, SHARED, 1, 2, 100);
	p[6] = 0x20; /* MF, offset 0: first fragment */
	p[7] = 0;
	fix_csum(p);
	assert_int_equal(parse(p, n), PKT_FRAGMENT);
	p[6] = 0x60; /* DF|MF */
	fix_csum(p);
	assert_int_equal(parse(p, n), PKT_FRAGMENT);
	p[6] = 0x00; /* last fragment: offset only */
	p[7] = 0x01;
	fix_csum(p);
	assert_int_equal(parse(p, n), PKT_FRAGMENT);
	p[6] = 0x1f; /* largest offset */
	p[7] = 0xff;
	fix_csum(p);
	assert_int_equal(parse(p, n), PKT_FRAGMENT);

	/* a later fragment has no UDP header: still a fragment verdict */
	n = build_ip(p, 0, IPPROTO_UDP, REMOTE, SHARED, (const uint8_t *)"abc",
		     3);
	p[7] = 0x10;
	fix_csum(p);
	assert_int_equal(parse(p, n), PKT_FRAGMENT);
}

static void parse_tcp_truncated(void **state)
{
	uint8_t p[PKT_MAX], l4[64] = {0, 1, 0, 2};
	size_t n;

	(void)state;
	/* fewer than 20 bytes */
	l4[12] = 5 << 4;
	n = build_ip(p, 0, IPPROTO_TCP, REMOTE, SHARED, l4, 19);
	assert_int_equal(parse(p, n), PKT_MALFORMED);
	n = build_ip(p, 0, IPPROTO_TCP, REMOTE, SHARED, l4, 0);
	assert_int_equal(parse(p, n), PKT_MALFORMED);
	/* data offset below 5 words */
	l4[12] = 4 << 4;
	n = build_ip(p, 0, IPPROTO_TCP, REMOTE, SHARED, l4, 20);
	assert_int_equal(parse(p, n), PKT_MALFORMED);
	l4[12] = 0;
	n = build_ip(p, 0, IPPROTO_TCP, REMOTE, SHARED, l4, 20);
	assert_int_equal(parse(p, n), PKT_MALFORMED);
	/* data offset beyond the packet */
	l4[12] = 6 << 4;
	n = build_ip(p, 0, IPPROTO_TCP, REMOTE, SHARED, l4, 20);
	assert_int_equal(parse(p, n), PKT_MALFORMED);
	l4[12] = 15 << 4;
	n = build_ip(p, 0, IPPROTO_TCP, REMOTE, SHARED, l4, 56);
	assert_int_equal(parse(p, n), PKT_MALFORMED);
	/* boundary: offset exactly the bytes present */
	l4[12] = 6 << 4;
	n = build_ip(p, 0, IPPROTO_TCP, REMOTE, SHARED, l4, 24);
	assert_int_equal(parse(p, n), PKT_OK);
	l4[12] = 15 << 4;
	n = build_ip(p, 0, IPPROTO_TCP, REMOTE, SHARED, l4, 60);
	assert_int_equal(parse(p, n), PKT_OK);
}

static void parse_udp_truncated(void **state)
{
	uint8_t p[PKT_MAX], l4[16] = {0, 1, 0, 2, 0, 8};
	size_t n;

	(void)state;
	/* fewer than 8 bytes */
	n = build_ip(p, 0, IPPROTO_UDP, REMOTE, SHARED, l4, 7);
	assert_int_equal(parse(p, n), PKT_MALFORMED);
	/* UDP length below the header */
	l4[5] = 7;
	n = build_ip(p, 0, IPPROTO_UDP, REMOTE, SHARED, l4, 8);
	assert_int_equal(parse(p, n), PKT_MALFORMED);
	l4[5] = 0;
	n = build_ip(p, 0, IPPROTO_UDP, REMOTE, SHARED, l4, 8);
	assert_int_equal(parse(p, n), PKT_MALFORMED);
	/* UDP length beyond the packet */
	l4[5] = 13;
	n = build_ip(p, 0, IPPROTO_UDP, REMOTE, SHARED, l4, 12);
	assert_int_equal(parse(p, n), PKT_MALFORMED);
	l4[4] = 0xff;
	l4[5] = 0xff;
	n = build_ip(p, 0, IPPROTO_UDP, REMOTE, SHARED, l4, 12);
	assert_int_equal(parse(p, n), PKT_MALFORMED);
	/* boundary: exactly the bytes present */
	l4[4] = 0;
	l4[5] = 12;
	n = build_ip(p, 0, IPPROTO_UDP, REMOTE, SHARED, l4, 12);
	assert_int_equal(parse(p, n), PKT_OK);
}

static void parse_icmp_truncated(void **state)
{
	uint8_t p[PKT_MAX], l4[8] = {8, 0};
	size_t n, len;

	(void)state;
	for (len = 0; len < 8; len++) {
		n = build_ip(p, 0, IPPROTO_ICMP, REMOTE, SHARED, l4, len);
		assert_int_equal(parse(p, n), PKT_MALFORMED);
	}
	n = build_ip(p, 0, IPPROTO_ICMP, REMOTE, SHARED, l4, 8);
	assert_int_equal(parse(p, n), PKT_OK);
}

static void parse_other_protocols(void **state)
{
	uint8_t p[PKT_MAX], l4[40] = {0};
	struct pkt_info pi;
	size_t n;

	(void)state;
	n = build_ip(p, 0, 47, REMOTE, SHARED, l4, sizeof(l4)); /* GRE */
	assert_int_equal(pkt_parse_ipv4(p, n, &pi), PKT_PROTO);
	assert_int_equal(pi.proto, 47);
	n = build_ip(p, 0, 132, REMOTE, SHARED, l4, sizeof(l4)); /* SCTP */
	assert_int_equal(parse(p, n), PKT_PROTO);
	n = build_ip(p, 0, 41, REMOTE, SHARED, l4, sizeof(l4)); /* 6in4 */
	assert_int_equal(parse(p, n), PKT_PROTO);
	n = build_ip(p, 0, 0, REMOTE, SHARED, l4, 0);
	assert_int_equal(parse(p, n), PKT_PROTO);
}

/* ---- checks ---- */

static void assert_martian(const char *a, int expect)
{
	if (!!pkt_addr_martian(ip(a)) != expect)
		fail_msg("pkt_addr_martian(%s) should be %d", a, expect);
}

static void addr_martian(void **state)
{
	(void)state;
	assert_martian("0.0.0.0", 1);
	assert_martian("0.1.2.3", 1);
	assert_martian("127.0.0.1", 1);
	assert_martian("127.255.255.255", 1);
	assert_martian("224.0.0.1", 1);
	assert_martian("239.255.255.255", 1);
	assert_martian("240.0.0.1", 1);
	assert_martian("255.255.255.255", 1);
	assert_martian("1.0.0.0", 0);
	assert_martian("8.8.8.8", 0);
	assert_martian("10.0.0.1", 0);
	assert_martian("126.255.255.255", 0);
	assert_martian("128.0.0.1", 0);
	assert_martian("223.255.255.255", 0);
	assert_martian(SHARED, 0);
}

/* Parse a packet the test built, which must be well formed */
static struct pkt_info info_of(const uint8_t *p, size_t n)
{
	struct pkt_info pi;

	assert_int_equal(pkt_parse_ipv4(p, n, &pi), PKT_OK);
	return pi;
}

static enum pkt_verdict inbound_tcp(const char *src, const char *dst)
{
	uint8_t p[PKT_MAX];
	size_t n = build_tcp(p, src, dst, 443, 40000, 0);
	struct pkt_info pi = info_of(p, n);

	return pkt_check_inbound(&pi, own4(ip(SHARED)));
}

/* ICMP of @type from REMOTE to the enclave; an error quotes the header and
 * eight bytes of a UDP datagram the enclave sent REMOTE */
static enum pkt_verdict inbound_icmp(uint8_t type)
{
	uint8_t p[PKT_MAX], q[PKT_MAX];
	size_t n = build_icmp(p, REMOTE, SHARED, type, 0, 0);
	struct pkt_info pi = info_of(p, n);

	if (pkt_icmp_error(&pi)) {
		build_udp(q, SHARED, REMOTE, 40000, 53, 100);
		n = build_icmp_err(p, REMOTE, SHARED, type, 0, q, 28);
		pi = info_of(p, n);
	}

	return pkt_check_inbound(&pi, own4(ip(SHARED)));
}

static void inbound_ok(void **state)
{
	uint8_t p[PKT_MAX];
	struct pkt_info pi;
	size_t n;

	(void)state;
	assert_int_equal(inbound_tcp(REMOTE, SHARED), PKT_OK);
	assert_int_equal(inbound_tcp("10.1.2.3", SHARED), PKT_OK);
	n = build_udp(p, "8.8.8.8", SHARED, 53, 50000, 4);
	pi = info_of(p, n);
	assert_int_equal(pkt_check_inbound(&pi, own4(ip(SHARED))), PKT_OK);
}

static void inbound_bad_dst(void **state)
{
	(void)state;
	assert_int_equal(inbound_tcp(REMOTE, "172.31.5.10"), PKT_DST);
	assert_int_equal(inbound_tcp(REMOTE, "255.255.255.255"), PKT_DST);
	assert_int_equal(inbound_tcp(REMOTE, "127.0.0.1"), PKT_DST);
}

static void inbound_bad_src(void **state)
{
	(void)state;
	assert_int_equal(inbound_tcp("0.0.0.0", SHARED), PKT_SRC);
	assert_int_equal(inbound_tcp("0.1.2.3", SHARED), PKT_SRC);
	assert_int_equal(inbound_tcp("127.0.0.1", SHARED), PKT_SRC);
	assert_int_equal(inbound_tcp("224.0.0.1", SHARED), PKT_SRC);
	assert_int_equal(inbound_tcp("240.0.0.1", SHARED), PKT_SRC);
	assert_int_equal(inbound_tcp("255.255.255.255", SHARED), PKT_SRC);
	/* the enclave's own address as a source is spoofed */
	assert_int_equal(inbound_tcp(SHARED, SHARED), PKT_SRC);
}

static void inbound_icmp_types(void **state)
{
	(void)state;
	assert_int_equal(inbound_icmp(0), PKT_OK);     /* echo reply */
	assert_int_equal(inbound_icmp(3), PKT_OK);     /* dest unreachable */
	assert_int_equal(inbound_icmp(8), PKT_OK);     /* echo request */
	assert_int_equal(inbound_icmp(11), PKT_OK);    /* time exceeded */
	assert_int_equal(inbound_icmp(12), PKT_OK);    /* parameter problem */
	assert_int_equal(inbound_icmp(5), PKT_PROTO);  /* redirect */
	assert_int_equal(inbound_icmp(9), PKT_PROTO);  /* router advert */
	assert_int_equal(inbound_icmp(13), PKT_PROTO); /* timestamp */
	assert_int_equal(inbound_icmp(4), PKT_PROTO);  /* source quench */
}

struct outbound {
	struct portset ports;
};

static int outbound_setup(void **state)
{
	static struct outbound o;

	if (portset_parse(&o.ports, "1024-61439"))
		return -1;
	*state = &o;
	return 0;
}

static enum pkt_verdict outbound_tcp(const struct outbound *o, const char *src,
				     const char *dst, uint16_t sport)
{
	uint8_t p[PKT_MAX];
	size_t n = build_tcp(p, src, dst, sport, 443, 0);
	struct pkt_info pi = info_of(p, n);

	return pkt_check_outbound(&pi, own4(ip(SHARED)), &o->ports, 0);
}

/* ICMP of @type from the enclave to REMOTE; an error quotes a UDP
 * datagram REMOTE sent to one of the enclave's ports */
static enum pkt_verdict outbound_icmp(const struct outbound *o, uint8_t type)
{
	uint8_t p[PKT_MAX], q[PKT_MAX];
	size_t n = build_icmp(p, SHARED, REMOTE, type, 0, 0);
	struct pkt_info pi = info_of(p, n);

	if (pkt_icmp_error(&pi)) {
		build_udp(q, REMOTE, SHARED, 53, 40000, 100);
		n = build_icmp_err(p, SHARED, REMOTE, type, 3, q, 128);
		pi = info_of(p, n);
	}
	return pkt_check_outbound(&pi, own4(ip(SHARED)), &o->ports, 0);
}

static void outbound_ok(void **state)
{
	const struct outbound *o = *state;
	uint8_t p[PKT_MAX];
	struct pkt_info pi;
	size_t n;

	assert_int_equal(outbound_tcp(o, SHARED, REMOTE, 40000), PKT_OK);
	assert_int_equal(outbound_tcp(o, SHARED, REMOTE, 1024), PKT_OK);
	assert_int_equal(outbound_tcp(o, SHARED, REMOTE, 61439), PKT_OK);
	n = build_udp(p, SHARED, "8.8.8.8", 50000, 53, 4);
	pi = info_of(p, n);
	assert_int_equal(
		pkt_check_outbound(&pi, own4(ip(SHARED)), &o->ports, 0),
		PKT_OK);
}

static void outbound_bad_src(void **state)
{
	const struct outbound *o = *state;

	assert_int_equal(outbound_tcp(o, "172.31.5.10", REMOTE, 40000),
			 PKT_SRC);
	assert_int_equal(outbound_tcp(o, REMOTE, REMOTE, 40000), PKT_SRC);
	assert_int_equal(outbound_tcp(o, "0.0.0.0", REMOTE, 40000), PKT_SRC);
}

static void outbound_bad_dst(void **state)
{
	const struct outbound *o = *state;

	assert_int_equal(outbound_tcp(o, SHARED, SHARED, 40000), PKT_DST);
	assert_int_equal(outbound_tcp(o, SHARED, "127.0.0.1", 40000), PKT_DST);
	assert_int_equal(outbound_tcp(o, SHARED, "0.0.0.0", 40000), PKT_DST);
	assert_int_equal(outbound_tcp(o, SHARED, "224.0.0.251", 40000),
			 PKT_DST);
	assert_int_equal(outbound_tcp(o, SHARED, "240.0.0.1", 40000), PKT_DST);
	assert_int_equal(outbound_tcp(o, SHARED, "255.255.255.255", 40000),
			 PKT_DST);
	/* the instance metadata service answers with the host's credentials */
	assert_int_equal(outbound_tcp(o, SHARED, "169.254.169.254", 40000),
			 PKT_DST);
	/* the VPC resolver and time service stay reachable */
	assert_int_equal(outbound_tcp(o, SHARED, "169.254.169.253", 40000),
			 PKT_OK);
	assert_int_equal(outbound_tcp(o, SHARED, "169.254.169.123", 40000),
			 PKT_OK);
}

static void outbound_bad_port(void **state)
{
	const struct outbound *o = *state;
	uint8_t p[PKT_MAX];
	struct pkt_info pi;
	size_t n;

	assert_int_equal(outbound_tcp(o, SHARED, REMOTE, 22), PKT_PORT);
	assert_int_equal(outbound_tcp(o, SHARED, REMOTE, 1023), PKT_PORT);
	assert_int_equal(outbound_tcp(o, SHARED, REMOTE, 61440), PKT_PORT);
	assert_int_equal(outbound_tcp(o, SHARED, REMOTE, 0), PKT_PORT);
	n = build_udp(p, SHARED, "8.8.8.8", 68, 67, 4);
	pi = info_of(p, n);
	assert_int_equal(
		pkt_check_outbound(&pi, own4(ip(SHARED)), &o->ports, 0),
		PKT_PORT);
}

static void outbound_icmp_types(void **state)
{
	const struct outbound *o = *state;
	struct portset none;
	uint8_t p[PKT_MAX];
	struct pkt_info pi;
	size_t n;

	assert_int_equal(outbound_icmp(o, 8), PKT_OK);
	assert_int_equal(outbound_icmp(o, 0), PKT_OK);
	assert_int_equal(outbound_icmp(o, 3), PKT_OK);
	assert_int_equal(outbound_icmp(o, 11), PKT_OK);
	assert_int_equal(outbound_icmp(o, 5), PKT_PROTO);
	assert_int_equal(outbound_icmp(o, 13), PKT_PROTO);
	assert_int_equal(outbound_icmp(o, 255), PKT_PROTO);

	/* ICMP has no ports: an empty port set does not matter */
	n = build_icmp(p, SHARED, REMOTE, 8, 0, 56);
	pi = info_of(p, n);
	portset_clear(&none);
	assert_int_equal(pkt_check_outbound(&pi, own4(ip(SHARED)), &none, 0),
			 PKT_OK);
}

/* ---- ICMP errors: what they quote ---- */

/* The verdict on an ICMP error of @type from @src to the enclave quoting
 * @qlen bytes of @q */
static enum pkt_verdict inbound_err(const char *src, uint8_t type,
				    const uint8_t *q, size_t qlen)
{
	uint8_t p[PKT_MAX];
	size_t n = build_icmp_err(p, src, SHARED, type, 3, q, qlen);
	struct pkt_info pi = info_of(p, n);

	return pkt_check_inbound(&pi, own4(ip(SHARED)));
}

static void quote_parsed(void **state)
{
	uint8_t q[PKT_MAX], p[PKT_MAX];
	struct pkt_info pi;
	size_t n;

	(void)state;
	build_tcp(q, SHARED, REMOTE, 40001, 443, 10);
	n = build_icmp_err(p, REMOTE, SHARED, 3, 4, q, 28);
	pi = info_of(p, n);
	assert_int_equal(pi.quote.state, PKT_QUOTE_OK);
	assert_int_equal(pi.quote.proto, IPPROTO_TCP);
	assert_int_equal(pi.quote.src, ip(SHARED));
	assert_int_equal(pi.quote.dst, ip(REMOTE));
	assert_int_equal(pi.quote.sport, 40001);
	assert_int_equal(pi.quote.dport, 443);
	assert_int_equal(pi.quote.later, 0);
	/* an echo quotes nothing */
	n = build_icmp(p, REMOTE, SHARED, 0, 0, 56);
	pi = info_of(p, n);
	assert_int_equal(pi.quote.state, PKT_QUOTE_NONE);
	/* an error with nothing after its header */
	n = build_icmp(p, REMOTE, SHARED, 11, 0, 0);
	pi = info_of(p, n);
	assert_int_equal(pi.quote.state, PKT_QUOTE_BAD);
}

static void inbound_quote_own_flow(void **state)
{
	static const uint8_t types[] = {3, 11, 12};
	uint8_t q[PKT_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(types); i++) {
		/* the enclave's UDP, TCP and ping to the internet */
		build_udp(q, SHARED, REMOTE, 40000, 53, 0);
		assert_int_equal(inbound_err(REMOTE, types[i], q, 28), PKT_OK);
		build_tcp(q, SHARED, REMOTE, 40000, 443, 0);
		assert_int_equal(inbound_err("10.9.8.7", types[i], q, 28),
				 PKT_OK);
		build_icmp(q, SHARED, REMOTE, 8, 0, 56);
		assert_int_equal(inbound_err(REMOTE, types[i], q, 28), PKT_OK);
		/* a whole quoted datagram, as Linux quotes up to 576 bytes */
		build_udp(q, SHARED, REMOTE, 40000, 53, 200);
		assert_int_equal(inbound_err(REMOTE, types[i], q, 228), PKT_OK);
	}
	/* fragmentation needed from remora-host (192.0.0.8) */
	build_tcp(q, SHARED, REMOTE, 40000, 443, 0);
	assert_int_equal(inbound_err("192.0.0.8", 3, q, 28), PKT_OK);
}

static void inbound_quote_private_flow(void **state)
{
	static const uint8_t types[] = {3, 11, 12};
	uint8_t q[PKT_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(types); i++) {
		/* a UDP flow over loopback inside the enclave */
		build_udp(q, "127.0.0.1", "127.0.0.1", 40000, 5353, 0);
		assert_int_equal(inbound_err("192.0.2.1", types[i], q, 28),
				 PKT_QUOTE_SRC);
		/* the enclave talking to itself */
		build_udp(q, SHARED, SHARED, 40000, 5353, 0);
		assert_int_equal(inbound_err(REMOTE, types[i], q, 28),
				 PKT_QUOTE_DST);
		/* from the enclave to loopback, to multicast, to 0/8 */
		build_tcp(q, SHARED, "127.0.0.53", 40000, 53, 0);
		assert_int_equal(inbound_err(REMOTE, types[i], q, 28),
				 PKT_QUOTE_DST);
		build_udp(q, SHARED, "224.0.0.251", 5353, 5353, 0);
		assert_int_equal(inbound_err(REMOTE, types[i], q, 28),
				 PKT_QUOTE_DST);
		build_udp(q, SHARED, "0.0.0.1", 40000, 53, 0);
		assert_int_equal(inbound_err(REMOTE, types[i], q, 28),
				 PKT_QUOTE_DST);
		/* someone else's packet */
		build_tcp(q, REMOTE, "8.8.8.8", 40000, 443, 0);
		assert_int_equal(inbound_err(REMOTE, types[i], q, 28),
				 PKT_QUOTE_SRC);
	}
}

static void inbound_quote_unreadable(void **state)
{
	uint8_t q[PKT_MAX];

	(void)state;
	build_udp(q, SHARED, REMOTE, 40000, 53, 0);
	assert_int_equal(inbound_err(REMOTE, 3, q, 0), PKT_QUOTE);
	assert_int_equal(inbound_err(REMOTE, 3, q, 19), PKT_QUOTE);
	/* the header, but the ports cut off */
	assert_int_equal(inbound_err(REMOTE, 3, q, 23), PKT_QUOTE);
	assert_int_equal(inbound_err(REMOTE, 3, q, 24), PKT_OK);
	/* not IPv4, a header length too small, or longer than the quote */
	q[0] = 0x65;
	assert_int_equal(inbound_err(REMOTE, 3, q, 28), PKT_QUOTE);
	q[0] = 0x44;
	assert_int_equal(inbound_err(REMOTE, 3, q, 28), PKT_QUOTE);
	q[0] = 0x48;
	assert_int_equal(inbound_err(REMOTE, 3, q, 28), PKT_QUOTE);
	q[0] = 0x45;
	/* a protocol remora never carried (GRE) */
	q[9] = 47;
	assert_int_equal(inbound_err(REMOTE, 3, q, 28), PKT_QUOTE);
	q[9] = IPPROTO_UDP;
	/* a later fragment: no ICMP error is about one */
	q[6] = 0x00;
	q[7] = 0xb9;
	assert_int_equal(inbound_err(REMOTE, 3, q, 28), PKT_QUOTE);
	/* the first fragment is fine */
	q[6] = 0x20;
	q[7] = 0x00;
	assert_int_equal(inbound_err(REMOTE, 3, q, 28), PKT_OK);
}

/* The verdict on an ICMP error from the enclave to @dst quoting @qlen
 * bytes of @q */
static enum pkt_verdict outbound_err(const struct outbound *o, const char *dst,
				     uint8_t type, const uint8_t *q,
				     size_t qlen)
{
	uint8_t p[PKT_MAX];
	size_t n = build_icmp_err(p, SHARED, dst, type, 3, q, qlen);
	struct pkt_info pi = info_of(p, n);

	return pkt_check_outbound(&pi, own4(ip(SHARED)), &o->ports, 0);
}

static void outbound_quote(void **state)
{
	const struct outbound *o = *state;
	uint8_t q[PKT_MAX];

	/* port unreachable for a datagram to an enclave port */
	build_udp(q, REMOTE, SHARED, 53, 40000, 20);
	assert_int_equal(outbound_err(o, REMOTE, 3, q, 48), PKT_OK);
	/* parameter problem about a TCP segment to the enclave */
	build_tcp(q, REMOTE, SHARED, 50000, 8443, 0);
	assert_int_equal(outbound_err(o, REMOTE, 12, q, 28), PKT_OK);
	/* about an echo request to the shared address */
	build_icmp(q, REMOTE, SHARED, 8, 0, 56);
	assert_int_equal(outbound_err(o, REMOTE, 3, q, 28), PKT_OK);
	/* about a packet to the host's own port: a flow of the host's */
	build_tcp(q, REMOTE, SHARED, 50000, 22, 0);
	assert_int_equal(outbound_err(o, REMOTE, 3, q, 28), PKT_QUOTE_PORT);
	build_udp(q, REMOTE, SHARED, 123, 61440, 0);
	assert_int_equal(outbound_err(o, REMOTE, 3, q, 28), PKT_QUOTE_PORT);
	/* about a packet to another address, or from another peer */
	build_udp(q, REMOTE, "10.0.0.9", 53, 40000, 0);
	assert_int_equal(outbound_err(o, REMOTE, 3, q, 28), PKT_QUOTE_DST);
	build_udp(q, "198.51.100.1", SHARED, 53, 40000, 0);
	assert_int_equal(outbound_err(o, REMOTE, 3, q, 28), PKT_QUOTE_SRC);
	/* the review's case: a later fragment of the host's SSH session,
	 * which conntrack cannot relate to it */
	build_tcp(q, REMOTE, SHARED, 50000, 22, 0);
	q[6] = 0x00;
	q[7] = 0xb9;
	assert_int_equal(outbound_err(o, REMOTE, 3, q, 28), PKT_QUOTE);
	/* an enclave port in a later fragment is no better */
	build_udp(q, REMOTE, SHARED, 53, 40000, 0);
	q[7] = 0x10;
	assert_int_equal(outbound_err(o, REMOTE, 3, q, 28), PKT_QUOTE);
	/* nothing quoted, or not enough */
	assert_int_equal(outbound_err(o, REMOTE, 3, q, 0), PKT_QUOTE);
	build_udp(q, REMOTE, SHARED, 53, 40000, 0);
	assert_int_equal(outbound_err(o, REMOTE, 3, q, 22), PKT_QUOTE);
}

static void outbound_metadata(void **state)
{
	static const char *const svc[] = {"169.254.169.254", "169.254.170.2",
					  "169.254.170.23"};
	const struct outbound *o = *state;
	uint8_t p[PKT_MAX];
	struct pkt_info pi;
	size_t i, n;

	for (i = 0; i < sizeof(svc) / sizeof(svc[0]); i++) {
		assert_true(pkt_addr_metadata(ip(svc[i])));
		n = build_tcp(p, SHARED, svc[i], 40000, 80, 0);
		pi = info_of(p, n);
		assert_int_equal(
			pkt_check_outbound(&pi, own4(ip(SHARED)), &o->ports, 0),
			PKT_DST);
		/* the operator's setting opens them */
		assert_int_equal(pkt_check_outbound(&pi, own4(ip(SHARED)),
						    &o->ports,
						    PKT_OUT_ALLOW_METADATA),
				 PKT_OK);
	}
	assert_false(pkt_addr_metadata(ip("169.254.170.3")));
	assert_false(pkt_addr_metadata(ip("169.254.169.253")));
	/* the setting opens nothing else */
	n = build_tcp(p, SHARED, "127.0.0.1", 40000, 80, 0);
	pi = info_of(p, n);
	assert_int_equal(pkt_check_outbound(&pi, own4(ip(SHARED)), &o->ports,
					    PKT_OUT_ALLOW_METADATA),
			 PKT_DST);
}

static void verdict_names(void **state)
{
	(void)state;
	assert_string_equal(pkt_verdict_str(PKT_OK), "ok");
	assert_string_equal(pkt_verdict_str(PKT_MALFORMED), "malformed");
	assert_string_equal(pkt_verdict_str(PKT_CHECKSUM), "checksum");
	assert_string_equal(pkt_verdict_str(PKT_FRAGMENT), "fragment");
	assert_string_equal(pkt_verdict_str(PKT_PROTO), "protocol");
	assert_string_equal(pkt_verdict_str(PKT_SRC), "source");
	assert_string_equal(pkt_verdict_str(PKT_DST), "destination");
	assert_string_equal(pkt_verdict_str(PKT_PORT), "port");
	assert_string_equal(pkt_verdict_str(PKT_QUOTE), "quote");
	assert_string_equal(pkt_verdict_str(PKT_QUOTE_SRC), "quoted source");
	assert_string_equal(pkt_verdict_str(PKT_QUOTE_DST),
			    "quoted destination");
	assert_string_equal(pkt_verdict_str(PKT_QUOTE_PORT), "quoted port");
	assert_string_equal(pkt_verdict_str((enum pkt_verdict)99), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_tcp_ok),
		cmocka_unit_test(parse_udp_ok),
		cmocka_unit_test(parse_icmp_ok),
		cmocka_unit_test(parse_ip_options_ok),
		cmocka_unit_test(parse_tcp_options_ok),
		cmocka_unit_test(parse_not_fragment_ok),
		cmocka_unit_test(parse_short),
		cmocka_unit_test(parse_bad_version),
		cmocka_unit_test(parse_bad_ihl),
		cmocka_unit_test(parse_total_length_mismatch),
		cmocka_unit_test(parse_bad_checksum),
		cmocka_unit_test(parse_fragments),
		cmocka_unit_test(parse_tcp_truncated),
		cmocka_unit_test(parse_udp_truncated),
		cmocka_unit_test(parse_icmp_truncated),
		cmocka_unit_test(parse_other_protocols),
		cmocka_unit_test(addr_martian),
		cmocka_unit_test(inbound_ok),
		cmocka_unit_test(inbound_bad_dst),
		cmocka_unit_test(inbound_bad_src),
		cmocka_unit_test(inbound_icmp_types),
		cmocka_unit_test_setup(outbound_ok, outbound_setup),
		cmocka_unit_test_setup(outbound_bad_src, outbound_setup),
		cmocka_unit_test_setup(outbound_bad_dst, outbound_setup),
		cmocka_unit_test_setup(outbound_bad_port, outbound_setup),
		cmocka_unit_test_setup(outbound_icmp_types, outbound_setup),
		cmocka_unit_test(quote_parsed),
		cmocka_unit_test(inbound_quote_own_flow),
		cmocka_unit_test(inbound_quote_private_flow),
		cmocka_unit_test(inbound_quote_unreadable),
		cmocka_unit_test_setup(outbound_quote, outbound_setup),
		cmocka_unit_test_setup(outbound_metadata, outbound_setup),
		cmocka_unit_test(verdict_names),
	};

	return cmocka_run_group_tests_name("pkt", tests, NULL, NULL);
}
