// SPDX-License-Identifier: Apache-2.0
/* remora - IPv4 packet parsing and checks
 *
 * Every byte of a packet comes from a peer we do not trust (the host, for
 * remora-enclave) or from a process we do not control (the enclave, for
 * remora-host). Each read below is preceded by a check against the length
 * the caller gave.
 */

#include <arpa/inet.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <string.h>

#include "remora/bytes.h"
#include "remora/csum.h"
#include "remora/pkt.h"
#include "remora/view.h"

/* The instance metadata service and the credential endpoints of ECS tasks
 * and EKS Pod Identity, host order: what they answer (the instance role's,
 * a task's or a pod's credentials) belongs to the host */
static const uint32_t pkt_metadata_addrs[] = {
	0xa9fea9fe, /* 169.254.169.254 */
	0xa9feaa02, /* 169.254.170.2 */
	0xa9feaa17, /* 169.254.170.23 */
};

/**
 * pkt_icmp_error() - is a parsed packet an ICMP or ICMPv6 error?
 * @pi:	parsed packet
 *
 * IPv4: destination unreachable, time exceeded, parameter problem (the
 * errors remora carries); ICMPv6: destination unreachable, packet too big,
 * time exceeded, parameter problem. Each quotes the packet it is about.
 *
 * Return: non-zero if it is one
 */
int pkt_icmp_error(const struct pkt_info *pi)
{
	if (pi->proto == IPPROTO_ICMP && pi->version == 4)
		return pi->icmp_type == ICMP_DEST_UNREACH ||
		       pi->icmp_type == ICMP_TIME_EXCEEDED ||
		       pi->icmp_type == ICMP_PARAMETERPROB;
	if (pi->proto == IPPROTO_ICMPV6 && pi->version == 6)
		return pi->icmp_type >= ICMP6_DST_UNREACH &&
		       pi->icmp_type <= ICMP6_PARAM_PROB;
	return 0;
}

/**
 * pkt_quote_ports() - the ports of a quoted TCP or UDP packet
 * @l4:	its transport header, as far as quoted
 * @pq:	the quote, @proto set; @sport and @dport are added
 *
 * The ports are the first four bytes of the transport header, which every
 * ICMP error quotes (RFC 792 and RFC 4443: at least eight).
 *
 * Return: 0, or -1 if they are cut off
 */
int pkt_quote_ports(struct view l4, struct pkt_quote *pq)
{
	const uint8_t *ports = view_get(l4, 0, 4);

	if (pq->proto != IPPROTO_TCP && pq->proto != IPPROTO_UDP)
		return 0;
	if (!ports)
		return -1;
	pq->sport = get_be16(ports);
	pq->dport = get_be16(ports + 2);
	return 0;
}

/**
 * pkt_parse_quote() - read the IPv4 packet an ICMP error quotes
 * @q:	the quote: the bytes after the ICMP header; it may stop short of
 *	the quoted packet's end
 * @pq:	the result; @pq->state is PKT_QUOTE_BAD unless every field the
 *	checks need could be read
 *
 * Only what was sent can be quoted: a header of IPv4, a protocol remora
 * carries (TCP, UDP, ICMP) and, for TCP and UDP, the ports. A later
 * fragment has no transport header to quote and is marked @later.
 */
void pkt_parse_quote(struct view q, struct pkt_quote *pq)
{
	const uint8_t *h = view_get(q, 0, PKT_IPV4_MIN_HDR);
	size_t ihl;

	*pq = (struct pkt_quote){.state = PKT_QUOTE_BAD};
	if (!h || (h[0] >> 4) != 4)
		return;
	ihl = (size_t)(h[0] & 0x0f) * 4;
	if (ihl < PKT_IPV4_MIN_HDR || !view_get(q, 0, ihl))
		return;
	pq->proto = h[9];
	pq->src = get_n32(h + 12);
	pq->dst = get_n32(h + 16);
	if (pq->proto != IPPROTO_TCP && pq->proto != IPPROTO_UDP &&
	    pq->proto != IPPROTO_ICMP)
		return;
	pq->later = (get_be16(h + 6) & IP_OFFMASK) != 0;
	if (!pq->later && pkt_quote_ports(view_from(q, ihl), pq))
		return;
	pq->state = PKT_QUOTE_OK;
}

/* The ports of a TCP or UDP header, at its start (4 bytes there) */
static void pkt_ports(struct pkt_info *pi, const uint8_t *th)
{
	pi->sport = get_be16(th);
	pi->dport = get_be16(th + 2);
}

/**
 * pkt_parse_l4() - check the transport header is present and whole
 * @l4:	the bytes from the transport header to the end of the packet
 * @pi:	@proto set; the ports, or the ICMP/ICMPv6 type and code, are added,
 *	and for an ICMP error what its quote says (@pi->quote)
 *
 * Return: PKT_OK, PKT_MALFORMED, or PKT_PROTO for a protocol not carried
 */
enum pkt_verdict pkt_parse_l4(struct view l4, struct pkt_info *pi)
{
	const uint8_t *h;
	size_t doff;

	switch (pi->proto) {
	case IPPROTO_TCP:
		h = view_get(l4, 0, sizeof(struct tcphdr));
		if (!h)
			return PKT_MALFORMED;
		/* data offset in 32-bit words, at least the fixed header */
		doff = (size_t)(h[12] >> 4) * 4;
		if (doff < sizeof(struct tcphdr) || !view_get(l4, 0, doff))
			return PKT_MALFORMED;
		pi->thlen = (uint16_t)doff;
		pkt_ports(pi, h);
		return PKT_OK;
	case IPPROTO_UDP:
		h = view_get(l4, 0, sizeof(struct udphdr));
		if (!h || get_be16(h + 4) < sizeof(struct udphdr) ||
		    get_be16(h + 4) > l4.len)
			return PKT_MALFORMED;
		pkt_ports(pi, h);
		return PKT_OK;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		/* each version has its own ICMP */
		if (pi->version != (pi->proto == IPPROTO_ICMP ? 4 : 6))
			return PKT_PROTO;
		h = view_get(l4, 0, PKT_ICMP_HDR);
		if (!h)
			return PKT_MALFORMED;
		pi->icmp_type = h[0];
		pi->icmp_code = h[1];
		if (!pkt_icmp_error(pi))
			return PKT_OK;
		/* read here, judged by the checks of each direction */
		if (pi->version == 4)
			pkt_parse_quote(view_from(l4, PKT_ICMP_HDR),
					&pi->quote);
		else
			pkt_parse_quote6(view_from(l4, PKT_ICMP_HDR),
					 &pi->quote);
		return PKT_OK;
	default:
		return PKT_PROTO;
	}
}

/**
 * pkt_parse_ipv4() - parse and validate an IPv4 packet
 * @p:	packet bytes
 * @len:	number of bytes, the frame's payload length
 * @pi:	what was found, valid when PKT_OK is returned
 *
 * Checks version, header length, that the total length equals @len (a
 * packet is exactly one frame: trailing bytes are refused, not ignored),
 * the header checksum, fragments, and that a TCP, UDP or ICMP header is
 * present and whole. Other protocols yield PKT_PROTO.
 *
 * Return: enum pkt_verdict
 */
enum pkt_verdict pkt_parse_ipv4(const uint8_t *p, size_t len,
				struct pkt_info *pi)
{
	struct view v = view_of(p, len);
	const uint8_t *h = view_get(v, 0, PKT_IPV4_MIN_HDR);
	size_t hlen;
	uint16_t off;

	*pi = (struct pkt_info){0};
	if (!h || (h[0] >> 4) != 4)
		return PKT_MALFORMED;
	pi->version = 4;
	hlen = (size_t)(h[0] & 0x0f) * 4;
	if (hlen < PKT_IPV4_MIN_HDR || !view_get(v, 0, hlen))
		return PKT_MALFORMED;
	if (get_be16(h + 2) != len)
		return PKT_MALFORMED;
	if (csum(h, hlen) != 0)
		return PKT_CHECKSUM;
	pi->len = (uint16_t)len;
	pi->hlen = (uint16_t)hlen;
	pi->proto = h[9];
	pi->src = get_n32(h + 12);
	pi->dst = get_n32(h + 16);
	off = get_be16(h + 6);
	pi->df = !!(off & IP_DF);
	if (off & (IP_MF | IP_OFFMASK)) {
		pi->frag_off = off & IP_OFFMASK;
		return PKT_FRAGMENT;
	}
	return pkt_parse_l4(view_from(v, hlen), pi);
}

/**
 * pkt_parse_fragment() - what can be checked of a fragment
 * @p:	packet bytes, for which pkt_parse() returned PKT_FRAGMENT
 * @len:	number of bytes
 * @pi:	as pkt_parse() filled it; the transport fields and @frag are
 *	added
 *
 * The first fragment must hold its whole transport header (a TCP header
 * cut across fragments is how filters are evaded, RFC 1858), and its
 * ports are taken; a later fragment has only addresses and protocol. A
 * later fragment at offset 8 (which could overwrite the first's TCP
 * header) is refused. For a UDP first fragment, the datagram's length
 * runs past the fragment, as it should. For IPv6, @hlen and @frag_off
 * come from the fragment header pkt_parse_ipv6() found.
 *
 * Return: PKT_OK, PKT_MALFORMED or PKT_PROTO
 */
enum pkt_verdict pkt_parse_fragment(const uint8_t *p, size_t len,
				    struct pkt_info *pi)
{
	struct view l4 = view_from(view_of(p, len), pi->hlen);
	const uint8_t *ports;

	if (pi->hlen > len || (pi->version == 4 && pi->hlen < PKT_IPV4_MIN_HDR))
		return PKT_MALFORMED;
	if (pi->proto != IPPROTO_TCP && pi->proto != IPPROTO_UDP &&
	    pi->proto != IPPROTO_ICMP && pi->proto != IPPROTO_ICMPV6)
		return PKT_PROTO;
	if ((pi->proto == IPPROTO_ICMP && pi->version != 4) ||
	    (pi->proto == IPPROTO_ICMPV6 && pi->version != 6))
		return PKT_PROTO;
	if (pi->frag_off) {
		if (pi->frag_off == 1 && pi->proto == IPPROTO_TCP)
			return PKT_MALFORMED;
		pi->frag = PKT_FRAG_LATER;
		return PKT_OK;
	}
	pi->frag = PKT_FRAG_FIRST;
	if (pi->proto == IPPROTO_UDP) {
		ports = view_get(l4, 0, sizeof(struct udphdr));
		if (!ports)
			return PKT_MALFORMED;
		pkt_ports(pi, ports);
		return PKT_OK;
	}
	return pkt_parse_l4(l4, pi);
}

/**
 * pkt_parse() - parse and validate an IPv4 or IPv6 packet
 * @p:	packet bytes
 * @len:	their number
 * @pi:	what was found
 *
 * Return: as pkt_parse_ipv4() or pkt_parse_ipv6(), by the version
 */
enum pkt_verdict pkt_parse(const uint8_t *p, size_t len, struct pkt_info *pi)
{
	if (len && (p[0] >> 4) == 6)
		return pkt_parse_ipv6(p, len, pi);
	return pkt_parse_ipv4(p, len, pi);
}

/**
 * pkt_addr_martian() - is an address never valid as a peer on the internet?
 * @addr:	IPv4 address, network byte order
 *
 * 0.0.0.0/8 (this network), 127.0.0.0/8 (loopback), 224.0.0.0/4
 * (multicast) and 240.0.0.0/4 (reserved, broadcast included).
 *
 * Return: non-zero if martian
 */
int pkt_addr_martian(uint32_t addr)
{
	uint32_t a = ntohl(addr);

	return (a >> 24) == 0 || (a >> 24) == 127 || (a >> 28) == 0xe ||
	       (a >> 28) == 0xf;
}

/**
 * pkt_addr_metadata() - is an address one of the instance's metadata or
 * credential services?
 * @addr:	IPv4 address, network byte order
 *
 * 169.254.169.254 (instance metadata), 169.254.170.2 (ECS task
 * credentials), 169.254.170.23 (EKS Pod Identity).
 *
 * Return: non-zero if it is
 */
int pkt_addr_metadata(uint32_t addr)
{
	size_t i;

	for (i = 0;
	     i < sizeof(pkt_metadata_addrs) / sizeof(*pkt_metadata_addrs); i++)
		if (addr == htonl(pkt_metadata_addrs[i]))
			return 1;
	return 0;
}

/* ICMP (and ICMPv6) types that cross in either direction: echo for ping,
 * the errors that make TCP and UDP fail fast and path MTU discovery work.
 * Redirects, router messages, timestamps, neighbour discovery, MLD and the
 * rest stay out (RFC 4890 for ICMPv6: they are the host's business) */
static int pkt_icmp_carried(const struct pkt_info *pi)
{
	if (pi->version == 6)
		switch (pi->icmp_type) {
		case ICMP6_DST_UNREACH:
		case ICMP6_PACKET_TOO_BIG:
		case ICMP6_TIME_EXCEEDED:
		case ICMP6_PARAM_PROB:
		case ICMP6_ECHO_REQUEST:
		case ICMP6_ECHO_REPLY:
			return 1;
		default:
			return 0;
		}
	switch (pi->icmp_type) {
	case ICMP_ECHOREPLY:
	case ICMP_DEST_UNREACH:
	case ICMP_ECHO:
	case ICMP_TIME_EXCEEDED:
	case ICMP_PARAMETERPROB:
		return 1;
	default:
		return 0;
	}
}

/* What an ICMP (or ICMPv6) packet is to the checks */
enum pkt_icmp_kind {
	PKT_ICMP_NONE = 0, /* not ICMP */
	PKT_ICMP_REFUSED,  /* a type not carried */
	PKT_ICMP_INFO,	   /* echo request or reply */
	PKT_ICMP_ERROR,	   /* an error: it quotes a packet */
};

static enum pkt_icmp_kind pkt_icmp_kind(const struct pkt_info *pi)
{
	if (pi->proto != IPPROTO_ICMP && pi->proto != IPPROTO_ICMPV6)
		return PKT_ICMP_NONE;
	if (!pkt_icmp_carried(pi))
		return PKT_ICMP_REFUSED;
	return pkt_icmp_error(pi) ? PKT_ICMP_ERROR : PKT_ICMP_INFO;
}

/* The addresses of a packet's quote as bytes, in network order, of the
 * packet's version (its own: pkt_src(), pkt_dst()): the checks below are
 * written once for both */
static const uint8_t *pkt_qsrc(const struct pkt_info *pi)
{
	return pi->version == 6 ? pi->quote.src6
				: (const uint8_t *)&pi->quote.src;
}

static const uint8_t *pkt_qdst(const struct pkt_info *pi)
{
	return pi->version == 6 ? pi->quote.dst6
				: (const uint8_t *)&pi->quote.dst;
}

/* The side's own address of the packet's version, NULL if it carries
 * none of that version */
static const uint8_t *pkt_own_of(const struct pkt_own *own,
				 const struct pkt_info *pi)
{
	if (pi->version == 6)
		return own->have6 ? own->addr6 : NULL;
	return pi->version == 4 ? (const uint8_t *)&own->addr : NULL;
}

/* Are two addresses of the packet's version the same? */
static int pkt_same(const struct pkt_info *pi, const uint8_t *a,
		    const uint8_t *b)
{
	return !memcmp(a, b, pi->version == 6 ? 16 : 4);
}

/* Is an address of the packet's version martian? */
static int pkt_martian(const struct pkt_info *pi, const uint8_t *a)
{
	return pi->version == 6 ? pkt_addr6_martian(a)
				: pkt_addr_martian(get_n32(a));
}

/* Is an address of the packet's version a metadata or credential
 * service? */
static int pkt_metadata(const struct pkt_info *pi, const uint8_t *a)
{
	return pi->version == 6 ? pkt_addr6_metadata(a)
				: pkt_addr_metadata(get_n32(a));
}

/**
 * pkt_check_inbound() - may the enclave receive this packet from the host?
 * @pi:		parsed packet, IPv4 or IPv6
 * @enclave:	the enclave's addresses
 *
 * Addressed to the enclave (IPv6 only if it has an IPv6 address), from a
 * source that is not martian and not its own. An ICMP error must be about
 * a packet the enclave could have sent to the internet: quoted from the
 * enclave's address to an address that is neither martian (loopback
 * included: 127/8, ::1, IPv4-mapped) nor the enclave's own. Otherwise the
 * host could make the enclave's kernel fail a flow that never left it: a
 * UDP socket connected over loopback, a service talking to itself.
 *
 * Return: PKT_OK, PKT_DST if not addressed to the enclave, PKT_SRC for a
 *	   martian source or the enclave's own address, PKT_PROTO for an ICMP
 *	   type not carried, PKT_QUOTE* for an ICMP error about a packet the
 *	   enclave did not send to the internet
 */
enum pkt_verdict pkt_check_inbound(const struct pkt_info *pi,
				   const struct pkt_own *enclave)
{
	const uint8_t *me = pkt_own_of(enclave, pi);
	const struct pkt_quote *q = &pi->quote;

	if (!me || !pkt_same(pi, pkt_dst(pi), me))
		return PKT_DST;
	if (pkt_martian(pi, pkt_src(pi)) || pkt_same(pi, pkt_src(pi), me))
		return PKT_SRC;
	switch (pkt_icmp_kind(pi)) {
	case PKT_ICMP_REFUSED:
		return PKT_PROTO;
	case PKT_ICMP_ERROR:
		break;
	default:
		return PKT_OK;
	}
	if (q->state != PKT_QUOTE_OK || q->later)
		return PKT_QUOTE;
	if (!pkt_same(pi, pkt_qsrc(pi), me))
		return PKT_QUOTE_SRC;
	if (pkt_martian(pi, pkt_qdst(pi)) || pkt_same(pi, pkt_qdst(pi), me))
		return PKT_QUOTE_DST;
	return PKT_OK;
}

/* Is an ICMP error from the enclave about a packet it received through the
 * host? Its errors (port unreachable, parameter problem, reassembly time
 * exceeded) quote what reached it: a whole packet or a first fragment,
 * sent by the error's destination to the shared address and, for TCP and
 * UDP, to one of the enclave's ports. Anything else would be an error
 * about a flow of the host's own, which the guard rule on conntrack
 * cannot see when the quote is a later fragment (conntrack files such an
 * error as INVALID, not RELATED). Return: PKT_OK or a PKT_QUOTE* verdict */
static enum pkt_verdict pkt_check_quote_out(const struct pkt_info *pi,
					    const uint8_t *me,
					    const struct portset *ports)
{
	const struct pkt_quote *q = &pi->quote;

	if (q->state != PKT_QUOTE_OK || q->later)
		return PKT_QUOTE;
	if (!pkt_same(pi, pkt_qdst(pi), me))
		return PKT_QUOTE_DST;
	if (!pkt_same(pi, pkt_qsrc(pi), pkt_dst(pi)))
		return PKT_QUOTE_SRC;
	if ((q->proto == IPPROTO_TCP || q->proto == IPPROTO_UDP) &&
	    !portset_has(ports, q->dport))
		return PKT_QUOTE_PORT;
	return PKT_OK;
}

/**
 * pkt_check_outbound() - may the host send this packet for the enclave?
 * @pi:		parsed packet, IPv4 or IPv6 (pkt_parse_fragment() too for a
 *		fragment)
 * @shared:	the host's addresses the enclave shares
 * @enclave_ports: ports the enclave owns; TCP and UDP must use one as source
 * @flags:	PKT_OUT_ALLOW_METADATA: the metadata and credential services
 *		may be reached
 *
 * The host refuses to emit what would impersonate its own services or
 * reach its own stack: a source other than the shared address (IPv6 only
 * if the host carries it), a source port outside the enclave's, a martian
 * or local destination, an ICMP error about anything but a packet the
 * enclave received (see pkt_check_quote_out()), and, unless @flags allow
 * them, the instance metadata service and the credential endpoints
 * (pkt_addr_metadata(), pkt_addr6_metadata()), whose answers are the
 * host's, not the enclave's. Other link-local services (the VPC resolver
 * 169.254.169.253, time 169.254.169.123) stay reachable.
 *
 * Return: enum pkt_verdict
 */
enum pkt_verdict pkt_check_outbound(const struct pkt_info *pi,
				    const struct pkt_own *shared,
				    const struct portset *enclave_ports,
				    unsigned flags)
{
	const uint8_t *me = pkt_own_of(shared, pi);

	if (!me || !pkt_same(pi, pkt_src(pi), me))
		return PKT_SRC;
	if (pkt_martian(pi, pkt_dst(pi)) || pkt_same(pi, pkt_dst(pi), me) ||
	    (!(flags & PKT_OUT_ALLOW_METADATA) &&
	     pkt_metadata(pi, pkt_dst(pi))))
		return PKT_DST;
	if (pi->frag == PKT_FRAG_LATER)
		return PKT_OK; /* no transport header: the first one was seen */
	switch (pkt_icmp_kind(pi)) {
	case PKT_ICMP_REFUSED:
		return PKT_PROTO;
	case PKT_ICMP_ERROR:
		return pkt_check_quote_out(pi, me, enclave_ports);
	case PKT_ICMP_INFO:
		return PKT_OK;
	default:
		break;
	}
	if (!portset_has(enclave_ports, pi->sport))
		return PKT_PORT;
	return PKT_OK;
}

/**
 * pkt_verdict_str() - name of a verdict, for logs
 * @v:	verdict
 *
 * Return: static string
 */
const char *pkt_verdict_str(enum pkt_verdict v)
{
	static const char *const names[] = {
		[PKT_OK] = "ok",
		[PKT_MALFORMED] = "malformed",
		[PKT_CHECKSUM] = "checksum",
		[PKT_FRAGMENT] = "fragment",
		[PKT_PROTO] = "protocol",
		[PKT_SRC] = "source",
		[PKT_DST] = "destination",
		[PKT_PORT] = "port",
		[PKT_POLICY] = "policy",
		[PKT_QUOTE] = "quote",
		[PKT_QUOTE_SRC] = "quoted source",
		[PKT_QUOTE_DST] = "quoted destination",
		[PKT_QUOTE_PORT] = "quoted port",
		[PKT_L4_CHECKSUM] = "TCP checksum",
		[PKT_TCP_FLAGS] = "TCP flags",
		[PKT_OFFLOAD] = "offload header",
	};

	if ((unsigned)v >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[v];
}
