/* SPDX-License-Identifier: Apache-2.0 */
/* remora - counters: every packet forwarded and every drop, by reason */
#ifndef REMORA_STATS_H
#define REMORA_STATS_H

#include <stdint.h>
#include <stdio.h>

/* X-macro: counter name, description. "q2l" is queue to link (packets the
 * local kernel handed us, sent to the peer); "l2i" is link to injection
 * (packets the peer sent, injected into the local kernel). */
#define STATS_COUNTERS(X)                                                      \
	X(Q2L_PACKETS, "q2l_packets",                                          \
	  "packets taken from NFQUEUE (or the tun)")                           \
	X(Q2L_BYTES, "q2l_bytes", "bytes taken from NFQUEUE (or the tun)")     \
	X(Q2L_SENT_PACKETS, "q2l_sent_packets", "packets framed to the peer")  \
	X(Q2L_SENT_BYTES, "q2l_sent_bytes", "packet bytes framed to the peer") \
	X(Q2L_SEGMENTED, "q2l_segmented",                                      \
	  "aggregated TCP packets cut at their connection's MSS")              \
	X(Q2L_OFFLOADED, "q2l_offloaded",                                      \
	  "aggregated TCP packets sent whole, with their segment size, to a "  \
	  "peer that cuts them")                                               \
	X(Q2L_FRAGMENTED, "q2l_fragmented",                                    \
	  "IPv6 packets larger than their path's MTU, fragmented in the "      \
	  "kernel's stead")                                                    \
	X(Q2L_PASSED_ON, "q2l_passed_on",                                      \
	  "aggregated packets requeued for the kernel to cut")                 \
	X(Q2L_DROP_LINK_DOWN, "q2l_drop_link_down",                            \
	  "dropped: no link to the peer")                                      \
	X(Q2L_DROP_LINK_FULL, "q2l_drop_link_full",                            \
	  "dropped: link send buffer full")                                    \
	X(Q2L_DROP_MALFORMED, "q2l_drop_malformed",                            \
	  "dropped: queue message without a usable packet")                    \
	X(Q2L_DROP_UNCUT, "q2l_drop_uncut",                                    \
	  "dropped: super-packets from the tun that cannot be cut here "       \
	  "and have no kernel to go back to")                                  \
	X(Q2L_DROP_POLICY, "q2l_drop_policy",                                  \
	  "dropped: the enclave's outbound policy refuses it")                 \
	X(L2I_PACKETS, "l2i_packets", "packet frames received from the peer")  \
	X(L2I_BYTES, "l2i_bytes", "packet bytes received from the peer")       \
	X(L2I_INJECTED_PACKETS, "l2i_injected_packets",                        \
	  "packets injected into the local kernel")                            \
	X(L2I_INJECTED_BYTES, "l2i_injected_bytes",                            \
	  "bytes injected into the local kernel")                              \
	X(L2I_INJECT_CALLS, "l2i_inject_calls",                                \
	  "system calls that injected packets (sendmmsg on the raw socket, "   \
	  "writev on the tun)")                                                \
	X(L2I_SEGMENTED, "l2i_segmented",                                      \
	  "aggregated TCP packets cut to the local MTU before injection")      \
	X(L2I_FRAGMENTED, "l2i_fragmented",                                    \
	  "packets too large for their path, sent as fragments")               \
	X(L2I_FRAG_NEEDED, "l2i_frag_needed",                                  \
	  "packets too large for their path with DF set, or IPv6: answered "   \
	  "with ICMP fragmentation needed or packet too big")                  \
	X(L2I_DROP_MALFORMED, "l2i_drop_malformed",                            \
	  "dropped: not a well-formed IPv4 packet")                            \
	X(L2I_DROP_CHECKSUM, "l2i_drop_checksum",                              \
	  "dropped: bad IPv4 header checksum")                                 \
	X(L2I_DROP_FRAGMENT, "l2i_drop_fragment", "dropped: IPv4 fragment")    \
	X(L2I_DROP_PROTO, "l2i_drop_proto", "dropped: protocol not carried")   \
	X(L2I_DROP_SRC, "l2i_drop_src", "dropped: source address not allowed") \
	X(L2I_DROP_DST, "l2i_drop_dst",                                        \
	  "dropped: destination address not allowed")                          \
	X(L2I_DROP_PORT, "l2i_drop_port", "dropped: port not allowed")         \
	X(L2I_DROP_POLICY, "l2i_drop_policy",                                  \
	  "dropped: the enclave's inbound policy refuses it")                  \
	X(L2I_DROP_QUOTE, "l2i_drop_quote",                                    \
	  "dropped: ICMP error whose quoted packet is unreadable or a later "  \
	  "fragment")                                                          \
	X(L2I_DROP_QUOTE_SRC, "l2i_drop_quote_src",                            \
	  "dropped: ICMP error quoting a packet from a wrong source")          \
	X(L2I_DROP_QUOTE_DST, "l2i_drop_quote_dst",                            \
	  "dropped: ICMP error quoting a packet to a wrong destination "       \
	  "(loopback, martian, the shared address itself...)")                 \
	X(L2I_DROP_QUOTE_PORT, "l2i_drop_quote_port",                          \
	  "dropped: ICMP error quoting a packet to a port not the enclave's")  \
	X(L2I_DROP_L4_CHECKSUM, "l2i_drop_l4_checksum",                        \
	  "dropped: TCP super-packet to cut whose checksum does not verify")   \
	X(L2I_DROP_TCP_FLAGS, "l2i_drop_tcp_flags",                            \
	  "dropped: TCP super-packet to cut with SYN, RST or URG, which no "   \
	  "aggregate carries")                                                 \
	X(L2I_DROP_OFFLOAD, "l2i_drop_offload",                                \
	  "dropped: packet from the peer whose offload header is malformed")   \
	X(L2I_DROP_INJECT, "l2i_drop_inject",                                  \
	  "dropped: the kernel refused the injection")                         \
	X(L2I_DROP_ENCLAVE, "l2i_drop_enclave",                                \
	  "dropped: addressed to another enclave on this host, which it may "  \
	  "not reach (--enclave-to-enclave)")                                  \
	X(L2I_TO_ENCLAVE, "l2i_to_enclave",                                    \
	  "packets handed to another enclave on this host "                    \
	  "(--enclave-to-enclave)")                                            \
	X(LINK_UP, "link_up", "links established")                             \
	X(LINK_DOWN, "link_down", "links lost or closed")                      \
	X(LINK_CONNECT_FAILED, "link_connect_failed",                          \
	  "connection attempts that failed")                                   \
	X(LINK_REFUSED, "link_refused",                                        \
	  "peers refused (wrong CID, unprivileged, version or role)")          \
	X(LINK_REFUSED_UNPRIVILEGED, "link_refused_unprivileged",              \
	  "of them, peers refused as unprivileged: a vsock or tcp source "     \
	  "port of 1024 or above, a unix user neither root nor --enclave-uid") \
	X(LINK_PROTOCOL_ERRORS, "link_protocol_errors",                        \
	  "links closed on a framing error")                                   \
	X(LINK_TIMEOUTS, "link_timeouts", "links closed: peer silent")         \
	X(LINK_UNKNOWN_FRAMES, "link_unknown_frames",                          \
	  "frames of unknown type skipped")                                    \
	X(LINK_PEER_REPORTS, "link_peer_reports",                              \
	  "reports of its counters taken from remora-enclave (STATS frames)")  \
	X(LINK_PEER_REPORTS_REFUSED, "link_peer_reports_refused",              \
	  "STATS frames refused as malformed (the last good report stays)")    \
	X(LINK_RX_BYTES, "link_rx_bytes", "bytes read from the link")          \
	X(LINK_TX_BYTES, "link_tx_bytes", "bytes written to the link")         \
	X(LINK_WRITES, "link_writes", "writes to the link that moved bytes")   \
	X(METRICS_RENDERED, "metrics_rendered",                                \
	  "metrics reports built (at most one a second: scrapes in between "   \
	  "get the same copy)")                                                \
	X(METRICS_REFUSED, "metrics_refused",                                  \
	  "metrics requests refused: over 20 a second (answered 503)")         \
	X(METRICS_CUT, "metrics_cut",                                          \
	  "metrics clients cut: request or answer not done in 2 s, or idle "   \
	  "when a newer client needed the slot")

#define STATS_ENUM(id, name, desc) STAT_##id,
/**
 * enum stat_id - index of each counter
 */
enum stat_id { STATS_COUNTERS(STATS_ENUM) STAT_COUNT };
#undef STATS_ENUM

/**
 * struct stats - a set of counters
 * @c:	one 64-bit counter per enum stat_id
 */
struct stats {
	uint64_t c[STAT_COUNT];
};

/* the daemon's own counters; remora-host keeps a set per enclave too, and
 * charges what it does for an enclave to that enclave's (stats_charge()) */
extern struct stats stats;
extern struct stats *stats_charged;

/**
 * stat_add() - add to a counter of the set being charged
 * @id:	counter
 * @n:	amount
 */
static inline void stat_add(enum stat_id id, uint64_t n)
{
	stats_charged->c[id] += n;
}

/**
 * stat_inc() - add one to a counter of the set being charged
 * @id:	counter
 */
static inline void stat_inc(enum stat_id id)
{
	stats_charged->c[id]++;
}

/**
 * stats_charge() - charge what follows to a set of counters
 * @s:	the set; NULL: the daemon's own (stats)
 *
 * Every event handler that works for one enclave calls it first and
 * restores the set it returns when done.
 *
 * Return: the set charged until now
 */
static inline struct stats *stats_charge(struct stats *s)
{
	struct stats *prev = stats_charged;

	stats_charged = s ? s : &stats;
	return prev;
}

void stats_sum(struct stats *sum, const struct stats *s);

const char *stats_name(enum stat_id id);
const char *stats_desc(enum stat_id id);

#endif /* REMORA_STATS_H */
