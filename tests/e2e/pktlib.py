# SPDX-License-Identifier: Apache-2.0
"""Packets and link frames for remora's tests: one place for the IPv4
header, its checksum and the frame format (docs/protocol.md), used by the
hostile host, the fake peer, the ICMP error sender and the fuzz corpus
generator."""
import struct

# frame types (docs/protocol.md, section 2.2)
HELLO, PACKET, KEEPALIVE, BYE, OFFLOAD = 1, 2, 3, 4, 5
# HELLO capability bits (section 2.3.1)
CAP_OFFLOAD = 0x1
# OFFLOAD header: gso types and flags (section 2.7)
GSO_NONE, GSO_TCP, GSO_UDP = 0, 1, 2
CSUM_PARTIAL = 0x01


def csum(b):
    """The Internet checksum of b"""
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def pseudo_sum(src, dst, proto, length):
    """The folded, not complemented, sum of an IPv4 pseudo-header: what a
    CSUM_PARTIAL packet holds in its TCP or UDP checksum field"""
    return ~csum(src + dst + struct.pack("!BBH", 0, proto, length)) & 0xFFFF


def ipv4(src, dst, proto, payload, frag=0x4000, ttl=64, options=b"",
         fix_csum=True, tot=None, ident=1):
    """An IPv4 packet; src and dst are 4-byte addresses. tot overrides the
    total length field; fix_csum=False leaves the checksum 0."""
    hl = 20 + len(options)
    tot = hl + len(payload) if tot is None else tot
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | (hl // 4), 0, tot, ident, frag,
                    ttl, proto, 0, src, dst) + options
    if fix_csum:
        h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def l4_csum(src, dst, proto, seg, partial=False):
    """The checksum field of a TCP (proto 6) or UDP (17) segment seg whose
    own field is 0: complete, or with partial the pseudo-header's sum"""
    if partial:
        return pseudo_sum(src, dst, proto, len(seg))
    c = csum(src + dst + struct.pack("!BBH", 0, proto, len(seg)) + seg)
    return c or 0xFFFF if proto == 17 else c


def tcp(src, dst, sport, dport, seq, ack, flags, data=b"", window=65535,
        options=b"", partial=False):
    """A TCP segment (its header and data), checksum complete or partial"""
    off = (20 + len(options)) // 4
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags,
                      window, 0, 0) + options + data
    c = l4_csum(src, dst, 6, seg, partial)
    return seg[:16] + struct.pack("!H", c) + seg[18:]


def udp(src, dst, sport, dport, data, partial=False):
    """A UDP datagram (header and data), checksum complete or partial"""
    seg = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    c = l4_csum(src, dst, 17, seg, partial)
    return seg[:6] + struct.pack("!H", c) + seg[8:]


def icmp_echo(ident, seq, data=b""):
    """An ICMP echo request, checksum complete"""
    m = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + data
    return m[:2] + struct.pack("!H", csum(m)) + m[4:]


def frame(typ, payload, version=1):
    """A link frame: magic RM, version, type, BE32 length, payload"""
    return b"RM" + bytes([version, typ]) + struct.pack("!I", len(payload)) + payload


def hello(role=1, version=1, software=b"remora-test", caps=0, hdrver=None):
    """A HELLO frame: role 1 is the host, 2 the enclave; caps its
    capability bits (CAP_OFFLOAD); hdrver the frame header's version if
    not version"""
    return frame(HELLO, struct.pack("!HHII", version, role, caps, 65535) + software,
                 version if hdrver is None else hdrver)


def offload(pkt, gso_type=GSO_NONE, flags=0, gso_size=0, version=1):
    """An OFFLOAD frame: the 4-byte offload header, then the packet"""
    return frame(OFFLOAD, struct.pack("!BBH", gso_type, flags, gso_size) + pkt,
                 version)


TCP_FLAGS = "FSRPAUEC"


def describe(pkt):
    """One IPv4 packet in words, for tests to read:
    "tcp SRC:PORT>DST:PORT flags=SA seq=N ack=N len=N csum=ok mss=N",
    "udp ... len=N csum=ok", "icmp ...", "ipv6", "other PROTO". len is the
    transport payload's; csum is ok (complete and verifies), partial (the
    pseudo-header's sum, for a receiver to complete) or bad."""
    if len(pkt) < 20 or pkt[0] >> 4 != 4:
        return "ipv%d" % (pkt[0] >> 4) if pkt else "empty"
    hl = (pkt[0] & 15) * 4
    tot, proto = struct.unpack("!H", pkt[2:4])[0], pkt[9]
    src, dst = pkt[12:16], pkt[16:20]
    a = lambda b: ".".join(str(x) for x in b)  # noqa: E731
    l4 = pkt[hl:tot]
    out = "ttl=%d" % pkt[8]

    def check(field_at):
        got = struct.unpack("!H", l4[field_at:field_at + 2])[0]
        if csum(src + dst + struct.pack("!BBH", 0, proto, len(l4)) + l4) == 0:
            return "ok"
        if got == pseudo_sum(src, dst, proto, len(l4)):
            return "partial"
        return "bad"
    if proto == 6 and len(l4) >= 20:
        sport, dport, seq, ack, off, fl = struct.unpack("!HHIIBB", l4[:14])
        thl = (off >> 4) * 4
        flags = "".join(c for i, c in enumerate(TCP_FLAGS) if fl & (1 << i))
        mss = ""
        opts = l4[20:thl]
        i = 0
        while i < len(opts):
            if opts[i] == 0:
                break
            if opts[i] == 1:
                i += 1
                continue
            if i + 1 >= len(opts) or opts[i + 1] < 2:
                break
            if opts[i] == 2 and opts[i + 1] == 4:
                mss = " mss=%d" % struct.unpack("!H", opts[i + 2:i + 4])[0]
            i += opts[i + 1]
        return "tcp %s:%d>%s:%d flags=%s seq=%d ack=%d len=%d csum=%s %s%s" % (
            a(src), sport, a(dst), dport, flags or "-", seq, ack,
            len(l4) - thl, check(16), out, mss)
    if proto == 17 and len(l4) >= 8:
        sport, dport = struct.unpack("!HH", l4[:4])
        return "udp %s:%d>%s:%d len=%d csum=%s %s" % (
            a(src), sport, a(dst), dport, len(l4) - 8, check(6), out)
    if proto == 1 and len(l4) >= 4:
        return "icmp %s>%s type=%d code=%d %s" % (a(src), a(dst), l4[0], l4[1], out)
    return "other %d %s>%s" % (proto, a(src), a(dst))
