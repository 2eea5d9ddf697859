// SPDX-License-Identifier: Apache-2.0
/* remora - fuzz target: the packet checks of both directions.
 *
 * The input is one packet. Whatever pkt_parse_ipv4() accepts must be a
 * whole, well-formed IPv4 TCP/UDP/ICMP packet; whatever the enclave's
 * inbound check accepts must be addressed to the enclave from an address
 * that can exist; whatever the host's outbound check accepts must come
 * from the shared address and one of the enclave's ports, to an address
 * the enclave may reach. A TCP packet larger than an MTU, cut as
 * remora-enclave cuts what the host sends, is cut only if its checksum
 * verifies and it has no SYN, RST or URG, and must give well-formed
 * segments within the MTU, with checksums that verify and the flags the
 * kernel's GSO gives, that carry exactly its data; a packet without DF,
 * fragmented as a router would, must give fragments within the MTU that
 * parse as fragments and reassemble to it; the "fragmentation needed"
 * answering a packet must parse and go back to its source. A fragment the
 * host accepts (pkt_parse_fragment()) must hold its whole transport header
 * if it is the first, and never start at offset 8 if TCP. IPv6 packets
 * (first nibble 6) go to the IPv6 parser and checks, with the same kind of
 * invariants. An ICMP error either side accepts must quote a flow of the
 * enclave's own: inbound, a packet from the enclave's address to one
 * that is neither martian nor its own; outbound, a packet the error's
 * destination sent to the shared address (and to an enclave port for TCP
 * and UDP), never a later fragment; the quote is read here from the bytes,
 * not from what the parser made of it. Any breach aborts.
 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "remora/csum.h"
#include "remora/gso.h"
#include "remora/pkt.h"
#include "remora/pmtu.h"
#include "remora/portset.h"

#define FUZZ_ADDR 0x010012c6U /* 198.18.0.1, network byte order */
#define FUZZ_IMDS 0xfea9fea9U /* 169.254.169.254, network byte order */

#define FUZZ_MTU 576

/* The shared addresses: 198.18.0.1 and 2001:db8::1 (fuzz_ipv6()'s addr6) */
static const struct pkt_own fuzz_own = {
	.addr = FUZZ_ADDR,
	.addr6 = {0x20, 0x01, 0x0d, 0xb8, [15] = 1},
	.have6 = 1,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* @pc, emptied, over @buf (@cap bytes) */
static struct pieces *fresh(struct pieces *pc, uint8_t *buf, size_t cap)
{
	pieces_init(pc, buf, cap);
	return pc;
}

/* An ICMP error's type (IPv4: 3, 11, 12; ICMPv6: 1 to 4)? */
static int fuzz_is_error(int v6, uint8_t type)
{
	return v6 ? type >= 1 && type <= 4
		  : type == 3 || type == 11 || type == 12;
}

/**
 * struct fuzz_quote - an IPv4 quote as read here, by fixed offsets
 * @src:	quoted source, network order
 * @dst:	quoted destination, network order
 * @proto:	quoted protocol
 * @later:	a fragment at a non-zero offset
 * @dport:	quoted destination port (TCP and UDP)
 */
struct fuzz_quote {
	uint32_t src, dst;
	uint8_t proto, later;
	uint16_t dport;
};

/* Read the quote of the ICMP error at @icmp (@len bytes). Return: 0, or
 * -1 if it is too short to hold what an accepted one must */
static int fuzz_read_quote(const uint8_t *icmp, size_t len,
			   struct fuzz_quote *q)
{
	const uint8_t *ip = icmp + 8;
	size_t ihl;

	if (len < 8 + 20 || (ip[0] >> 4) != 4)
		return -1;
	ihl = (size_t)(ip[0] & 0xf) * 4;
	memcpy(&q->src, ip + 12, 4);
	memcpy(&q->dst, ip + 16, 4);
	q->proto = ip[9];
	q->later = (((ip[6] << 8) | ip[7]) & 0x1fff) != 0;
	q->dport = 0;
	if (!q->later && (q->proto == 6 || q->proto == 17)) {
		if (len < 8 + ihl + 4)
			return -1;
		q->dport = (uint16_t)(ip[ihl + 2] << 8 | ip[ihl + 3]);
	}
	return 0;
}

/* An ICMP error one side accepted must quote a flow of the enclave's own */
static void fuzz_quote_check(const uint8_t *data, size_t size,
			     const struct pkt_info *pi, int inbound,
			     const struct portset *ports)
{
	struct fuzz_quote q;

	if (pi->proto != 1 || !fuzz_is_error(0, pi->icmp_type))
		return;
	if (fuzz_read_quote(data + pi->hlen, size - pi->hlen, &q) || q.later)
		abort();
	if (inbound && (q.src != FUZZ_ADDR || q.dst == FUZZ_ADDR ||
			pkt_addr_martian(q.dst)))
		abort();
	if (!inbound &&
	    (q.dst != FUZZ_ADDR || q.src != pi->dst ||
	     ((q.proto == 6 || q.proto == 17) && !portset_has(ports, q.dport))))
		abort();
}

/* The same for ICMPv6: the addresses by fixed offsets, the ports (past
 * any extension headers) as the parser found them */
static void fuzz_quote_check6(const uint8_t *data, size_t size,
			      const struct pkt_info *pi, const uint8_t *addr6,
			      int inbound, const struct portset *ports)
{
	const uint8_t *ip = data + pi->hlen + 8;

	if (pi->proto != 58 || !fuzz_is_error(1, pi->icmp_type))
		return;
	if (size < pi->hlen + 8 + 40 || (ip[0] >> 4) != 6 || pi->quote.later)
		abort();
	if (inbound &&
	    (memcmp(ip + 8, addr6, 16) || !memcmp(ip + 24, addr6, 16) ||
	     pkt_addr6_martian(ip + 24)))
		abort();
	if (!inbound &&
	    (memcmp(ip + 24, addr6, 16) || memcmp(ip + 8, pi->dst6, 16) ||
	     ((pi->quote.proto == 6 || pi->quote.proto == 17) &&
	      !portset_has(ports, pi->quote.dport))))
		abort();
}

/* Does the TCP checksum of the IPv4 packet @p verify? Summed here byte
 * pair by byte pair, independently of gso.c */
static int fuzz_tcp_csum_ok(const uint8_t *p, size_t len, size_t ihl)
{
	uint64_t sum = 6 + (len - ihl);
	size_t i;

	for (i = 12; i < 20; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	for (i = ihl; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if ((len - ihl) & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/* Cut @data at FUZZ_MTU as remora-enclave cuts what the host sends: as it
 * came, it is cut only if its checksum verifies and it has no SYN, RST or
 * URG; with its checksum made right, every segment must parse, fit, carry
 * the packet's data in order with a checksum that verifies, and the flags
 * the kernel's GSO would give it */
static void fuzz_segment(const uint8_t *data, size_t size, size_t ihl)
{
	static uint8_t out[160 << 10], fixed[65536];
	struct pieces pc;
	size_t hdrs, off = 0;
	uint8_t fl = data[ihl + 13], want;
	struct pkt_info si;
	int n, i;

	n = gso_tcp_segment(data, size, FUZZ_MTU, GSO_VERIFY_CSUM,
			    fresh(&pc, out, sizeof(out)));
	if (n >= 0 && (!fuzz_tcp_csum_ok(data, size, ihl) || (fl & 0x26)))
		abort();
	if (size > sizeof(fixed))
		return;
	memcpy(fixed, data, size);
	if (gso_fill_l4_csum(fixed, size))
		abort(); /* pkt_parse_ipv4() found a whole TCP header */
	n = gso_tcp_segment(fixed, size, FUZZ_MTU, GSO_VERIFY_CSUM,
			    fresh(&pc, out, sizeof(out)));
	if (n == -EBADMSG)
		abort();
	if (n < 0)
		return; /* headers too long, too many segments, or flags */
	hdrs = ihl + (size_t)(data[ihl + 12] >> 4) * 4;
	for (i = 0; i < n; i++) {
		want = fl;
		if (i + 1 < n)
			want &= (uint8_t)~0x09; /* FIN, PSH: last only */
		if (i)
			want &= (uint8_t)~0x80; /* CWR: first only */
		if (pc.len[i] > FUZZ_MTU || pc.len[i] < hdrs ||
		    pkt_parse_ipv4(pc.p[i], pc.len[i], &si) != PKT_OK ||
		    !fuzz_tcp_csum_ok(pc.p[i], pc.len[i], ihl) ||
		    pc.p[i][ihl + 13] != want ||
		    memcmp(pc.p[i] + hdrs, data + hdrs + off, pc.len[i] - hdrs))
			abort();
		off += pc.len[i] - hdrs;
	}
	if (off != size - hdrs)
		abort();
}

/* Fragment @data at FUZZ_MTU; the pieces must reassemble to it */
static void fuzz_fragment(const uint8_t *data, size_t size, size_t ihl)
{
	static uint8_t out[160 << 10], joined[65536];
	struct pieces pc;
	size_t end = 0, fl, off;
	struct pkt_info fi;
	int n, i;

	n = pmtu_fragment(data, size, FUZZ_MTU, fresh(&pc, out, sizeof(out)));
	if (n < 0)
		return; /* DF, options malformed, or too many pieces */
	for (i = 0; i < n; i++) {
		fl = (size_t)(pc.p[i][0] & 0xf) * 4;
		off = (size_t)(((pc.p[i][6] << 8) | pc.p[i][7]) & 0x1fff) * 8;
		if (pc.len[i] > FUZZ_MTU || fl > ihl ||
		    pkt_parse_ipv4(pc.p[i], pc.len[i], &fi) != PKT_FRAGMENT ||
		    off != end || off + pc.len[i] - fl > sizeof(joined))
			abort();
		memcpy(joined + off, pc.p[i] + fl, pc.len[i] - fl);
		end = off + pc.len[i] - fl;
	}
	if (end != size - ihl || memcmp(joined, data + ihl, end))
		abort();
}

/* The ICMP error answering @data must be one the enclave would take */
static void fuzz_frag_needed(const uint8_t *data, size_t size)
{
	uint8_t icmp[PMTU_ICMP_MAX];
	struct pkt_info ii;
	size_t n;

	n = pmtu_frag_needed(data, size, FUZZ_MTU, 0x080000c0U, icmp,
			     sizeof(icmp));
	if (!n)
		return;
	if (n > PMTU_ICMP_MAX || pkt_parse_ipv4(icmp, n, &ii) != PKT_OK ||
	    ii.icmp_type != 3 || ii.icmp_code != 4 ||
	    memcmp(&ii.dst, data + 12, 4) || csum(icmp + 20, n - 20))
		abort();
}

/* A fragment from the enclave: what the host accepts of it */
static void fuzz_fragment_check(const uint8_t *data, size_t size,
				struct pkt_info *pi,
				const struct portset *ports)
{
	unsigned off = ((unsigned)(data[6] << 8) | data[7]) & 0x1fff;

	if (pkt_parse_fragment(data, size, pi) != PKT_OK)
		return;
	if (pi->proto != 1 && pi->proto != 6 && pi->proto != 17)
		abort();
	if (pi->frag == PKT_FRAG_LATER &&
	    (!off || (off == 1 && pi->proto == 6)))
		abort();
	if (pi->frag == PKT_FRAG_FIRST &&
	    (off || (pi->proto == 6 && size < pi->hlen + 20u) ||
	     (pi->proto != 6 && size < pi->hlen + 8u)))
		abort();
	if (pkt_check_outbound(pi, &fuzz_own, ports, 0) != PKT_OK)
		return;
	if (pi->src != FUZZ_ADDR || pkt_addr_martian(pi->dst) ||
	    (pi->frag == PKT_FRAG_FIRST && pi->proto != 1 &&
	     !portset_has(ports, pi->sport)))
		abort();
	if (pi->frag == PKT_FRAG_FIRST)
		fuzz_quote_check(data, size, pi, 0, ports);
}

/* Fragment an IPv6 packet at 1280: the pieces must be fragments that put
 * its payload back */
static void fuzz_fragment6(const uint8_t *data, size_t size)
{
	static uint8_t out[160 << 10], joined[65536];
	struct pieces pc;
	size_t end = 0, off;
	struct pkt_info fi;
	int n, i;

	n = pmtu_fragment6(data, size, 1280, 7, fresh(&pc, out, sizeof(out)));
	if (n < 0)
		return;
	for (i = 0; i < n; i++) {
		off = ((size_t)(pc.p[i][42] << 8) | pc.p[i][43]) & 0xfff8;
		if (pc.len[i] > 1280 || pc.len[i] < 48 || off != end ||
		    pkt_parse(pc.p[i], pc.len[i], &fi) != PKT_FRAGMENT ||
		    off + pc.len[i] - 48 > sizeof(joined))
			abort();
		memcpy(joined + off, pc.p[i] + 48, pc.len[i] - 48);
		end = off + pc.len[i] - 48;
	}
	if (end != size - 40 || memcmp(joined, data + 40, end))
		abort();
}

/* An IPv6 packet: what the parser accepts must be whole, and what each
 * side's check accepts must be addressed as it says */
static void fuzz_ipv6(const uint8_t *data, size_t size,
		      const struct portset *ports)
{
	static const uint8_t addr6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
	struct pkt_info pi;
	enum pkt_verdict v;

	v = pkt_parse_ipv6(data, size, &pi);
	if (v == PKT_FRAGMENT) {
		if (pi.hlen > size || pi.hlen < 48)
			abort();
		if (pkt_parse_fragment(data, size, &pi) != PKT_OK)
			return;
		if (pi.proto != 6 && pi.proto != 17 && pi.proto != 58)
			abort();
		if (pi.frag == PKT_FRAG_FIRST &&
		    size < pi.hlen + (pi.proto == 6 ? 20u : 8u))
			abort();
	} else if (v != PKT_OK) {
		return;
	} else if (size < 40 || (data[0] >> 4) != 6 || pi.len != size ||
		   (((size_t)data[4] << 8) | data[5]) + 40 != size ||
		   pi.hlen < 40 || pi.hlen > size ||
		   (pi.proto != 6 && pi.proto != 17 && pi.proto != 58) ||
		   size < pi.hlen + (pi.proto == 6 ? 20u : 8u)) {
		abort();
	}
	if (memcmp(pi.src6, data + 8, 16) || memcmp(pi.dst6, data + 24, 16))
		abort();
	if (v == PKT_OK) {
		/* the "packet too big" answering it parses and goes back */
		static uint8_t icmp[PMTU_ICMP6_MAX];
		struct pkt_info ii;
		size_t n = pmtu_too_big6(data, size, 1280, icmp, sizeof(icmp));

		if (n &&
		    (n > PMTU_ICMP6_MAX || pkt_parse(icmp, n, &ii) != PKT_OK ||
		     ii.icmp_type != 2 || memcmp(ii.dst6, data + 8, 16)))
			abort();
		if (size > 1280)
			fuzz_fragment6(data, size);
	}
	if (v == PKT_OK && pkt_check_inbound(&pi, &fuzz_own) == PKT_OK) {
		if (memcmp(pi.dst6, addr6, 16) || !memcmp(pi.src6, addr6, 16) ||
		    pkt_addr6_martian(pi.src6))
			abort();
		fuzz_quote_check6(data, size, &pi, addr6, 1, ports);
	}
	if (pkt_check_outbound(&pi, &fuzz_own, ports, 0) == PKT_OK) {
		if (memcmp(pi.src6, addr6, 16) || !memcmp(pi.dst6, addr6, 16) ||
		    pkt_addr6_martian(pi.dst6) ||
		    (pi.frag != PKT_FRAG_LATER && pi.proto != 58 &&
		     !portset_has(ports, pi.sport)))
			abort();
		if (pi.frag != PKT_FRAG_LATER)
			fuzz_quote_check6(data, size, &pi, addr6, 0, ports);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct portset ports;
	static int ready;
	struct pkt_info pi;
	size_t hlen;

	if (!ready) {
		if (portset_parse(&ports, "80,443,1024-61439"))
			abort();
		ready = 1;
	}
	if (size && (data[0] >> 4) == 6) {
		fuzz_ipv6(data, size, &ports);
		return 0;
	}
	switch (pkt_parse_ipv4(data, size, &pi)) {
	case PKT_OK:
		break;
	case PKT_FRAGMENT:
		fuzz_fragment_check(data, size, &pi, &ports);
		return 0;
	default:
		return 0;
	}
	hlen = (size_t)(data[0] & 0xf) * 4;
	if (size < 20 || (data[0] >> 4) != 4 || hlen < 20 || hlen > size ||
	    pi.hlen != hlen || pi.len != size ||
	    (((size_t)data[2] << 8) | data[3]) != size ||
	    csum(data, hlen) != 0 || (((data[6] << 8) | data[7]) & 0x3fff) != 0)
		abort();
	if ((pi.proto == 6 && size < hlen + 20) ||
	    (pi.proto == 17 && size < hlen + 8) ||
	    (pi.proto == 1 && size < hlen + 8) ||
	    (pi.proto != 1 && pi.proto != 6 && pi.proto != 17))
		abort();
	if (memcmp(&pi.src, data + 12, 4) || memcmp(&pi.dst, data + 16, 4))
		abort();

	if (pi.proto == 6 && size > FUZZ_MTU)
		fuzz_segment(data, size, hlen);
	if (size > FUZZ_MTU)
		fuzz_fragment(data, size, hlen);
	fuzz_frag_needed(data, size);
	if (pkt_check_inbound(&pi, &fuzz_own) == PKT_OK) {
		if (pi.dst != FUZZ_ADDR || pi.src == FUZZ_ADDR ||
		    pkt_addr_martian(pi.src))
			abort();
		fuzz_quote_check(data, size, &pi, 1, &ports);
	}
	if (pkt_check_outbound(&pi, &fuzz_own, &ports, 0) == PKT_OK) {
		if (pi.src != FUZZ_ADDR || pi.dst == FUZZ_ADDR ||
		    pi.dst == FUZZ_IMDS || pkt_addr_martian(pi.dst) ||
		    ((pi.proto == 6 || pi.proto == 17) &&
		     !portset_has(&ports, pi.sport)))
			abort();
		fuzz_quote_check(data, size, &pi, 0, &ports);
	}
	return 0;
}
