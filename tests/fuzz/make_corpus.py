#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write the seed corpus of the fuzz targets (tests/fuzz/corpus/).

    python3 tests/fuzz/make_corpus.py

Seeds are valid and nearly-valid inputs, so the fuzzer starts deep in the
code: a host's HELLO, then PACKET frames holding TCP, UDP and ICMP packets
to the enclave, keepalives, BYE, unknown frame types, and the classic bad
cases (bad magic, oversize length, spoofed sources, fragments); DNS queries
and answers (CNAME chains, compression, EDNS), alone and TCP-framed.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import pktlib  # noqa: E402
from pktlib import frame, ipv4  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ENCL = bytes([198, 18, 0, 1])
NET = bytes([198, 18, 0, 2])


def tcp(sport, dport, flags=0x02, data=b"", opts=False):
    if opts:  # a timestamp option, as Linux sends: a 32-byte header
        return (struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 0x80, flags, 65535, 0, 0)
                + b"\x01\x01\x08\x0a" + b"\0" * 8 + data)
    return struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 0x50, flags, 65535, 0, 0) + data


def udp(sport, dport, data=b""):
    return struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data


def icmp(typ, code=0, rest=b"\0\0\0\0", data=b""):
    return struct.pack("!BBH", typ, code, 0) + rest + data


def hello(role=1, version=1, caps=0):
    return pktlib.hello(role=role, version=version, software=b"remora 0.1.0", caps=caps)


def chunks(stream, size=255):
    """The link target's input: length byte, then up to 256 bytes, repeated."""
    out = b""
    for i in range(0, len(stream), size + 1):
        part = stream[i:i + size + 1]
        out += bytes([len(part) - 1]) + part
    return out


PACKETS = {
    "tcp_syn": ipv4(NET, ENCL, 6, tcp(40000, 443)),
    "tcp_data": ipv4(NET, ENCL, 6, tcp(443, 40000, 0x18, b"hello enclave")),
    "udp_dns": ipv4(NET, ENCL, 17, udp(53, 40001, b"\x12\x34\x81\x80" + b"\0" * 8)),
    "icmp_echo": ipv4(NET, ENCL, 1, icmp(8, data=b"ping" * 8)),
    "icmp_unreach": ipv4(NET, ENCL, 1, icmp(3, 3, data=ipv4(ENCL, NET, 17, udp(40001, 53))[:28])),
    "spoof_loopback": ipv4(bytes([127, 0, 0, 1]), ENCL, 6, tcp(80, 40000)),
    "spoof_self": ipv4(ENCL, ENCL, 6, tcp(80, 40000)),
    "wrong_dst": ipv4(NET, bytes([198, 18, 0, 9]), 6, tcp(80, 40000)),
    "fragment": ipv4(NET, ENCL, 17, udp(53, 40001, b"x" * 16), frag=0x2000),
    "bad_proto": ipv4(NET, ENCL, 47, b"\0" * 8),
    "truncated_tcp": ipv4(NET, ENCL, 6, tcp(80, 40000)[:10]),
    "outbound_tcp": ipv4(ENCL, NET, 6, tcp(40000, 443)),
    "outbound_imds": ipv4(ENCL, bytes([169, 254, 169, 254]), 6, tcp(40000, 80)),
    "outbound_hostport": ipv4(ENCL, NET, 17, udp(22, 9)),
    # ICMP errors about flows that never left the enclave: a loopback UDP
    # flow, the enclave talking to itself
    "icmp_unreach_loopback": ipv4(bytes([192, 0, 2, 1]), ENCL, 1, icmp(3, 3, data=ipv4(
        bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]), 17, udp(40000, 5353))[:28])),
    "icmp_timex_self": ipv4(NET, ENCL, 1, icmp(11, 0, data=ipv4(ENCL, ENCL, 6, tcp(40000, 8080))[:28])),
    # the enclave's port unreachable about a datagram it received, and one
    # quoting a later fragment of a flow of the host's
    "outbound_icmp_unreach": ipv4(ENCL, NET, 1, icmp(3, 3, data=ipv4(NET, ENCL, 17, udp(53, 40001, b"q" * 12)))),
    "outbound_icmp_later": ipv4(ENCL, NET, 1, icmp(3, 3, data=ipv4(NET, ENCL, 6, tcp(50000, 22), frag=0x00b9)[:28])),
}


def dns_name(name):
    """A name's wire form, uncompressed ("" is the root)."""
    out = b""
    for label in name.split(".") if name else []:
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def dns_ptr(off):
    return struct.pack("!H", 0xC000 | off)


def dns_hdr(ident, flags, qd=1, an=0, ns=0, ar=0):
    return struct.pack("!HHHHHH", ident, flags, qd, an, ns, ar)


def dns_query(name, qtype=1, ident=0x1234, opt=None):
    """A stub's query (RD); opt: None, b"" (OPT, no option) or its options."""
    m = dns_hdr(ident, 0x0100, ar=0 if opt is None else 1) + dns_name(name) + struct.pack("!HH", qtype, 1)
    if opt is not None:
        m += b"\0" + struct.pack("!HHIH", 41, 1232, 0, len(opt)) + opt
    return m


def dns_rr(owner, rtype, ttl, rdata, rclass=1):
    """A record: owner as wire bytes (a name or a pointer)."""
    return owner + struct.pack("!HHIH", rtype, rclass, ttl, len(rdata)) + rdata


def dns_answer(name, records, qtype=1, rcode=0, ident=0x1234):
    """An answer (QR RD RA) to name, with records already built."""
    return (dns_hdr(ident, 0x8180 | rcode, an=len(records)) + dns_name(name) +
            struct.pack("!HH", qtype, 1) + b"".join(records))


def dns_tcp(*msgs):
    return b"".join(struct.pack("!H", len(m)) + m for m in msgs)


def dns_seeds():
    """The dns target's seeds: name -> bytes."""
    q = 12  # the question's name, for pointers
    cookie = struct.pack("!HH", 10, 8) + bytes(range(1, 9))
    seeds = {
        "query_a": dns_query("www.example.com"),
        "query_aaaa_cookie": dns_query("api.example.com", 28, opt=cookie),
        "query_opt": dns_query("Example.COM", 1, opt=b""),
        "query_root": dns_query("", 2),
        # refused: a byte after the OPT, a 16-byte (server) cookie
        "query_opt_trailing": dns_query("example.com", 1, opt=b"") + b"\0",
        "query_server_cookie": dns_query("example.com", 1, opt=struct.pack("!HH", 10, 16) + bytes(16)),
        "answer_a_aaaa": dns_answer("www.example.com", [
            dns_rr(dns_ptr(q), 1, 300, bytes([192, 0, 2, 1])),
            dns_rr(dns_ptr(q), 28, 60, bytes.fromhex("20010db8000000000000000000000001")),
        ]),
        "answer_nxdomain": dns_answer("nx.example.com", [], qtype=28, rcode=3),
    }
    # www.example.com -> cdn.example.com -> edge.cdn.example.com, A and
    # AAAA of the last, every name compressed
    m = dns_answer("www.example.com", [])
    m = bytearray(m)
    m[7] = 4
    cdn = len(m) + 12
    m += dns_rr(dns_ptr(q), 5, 300, b"\x03cdn" + dns_ptr(q + 4))
    edge = len(m) + 12
    m += dns_rr(dns_ptr(cdn), 5, 100, b"\x04edge" + dns_ptr(cdn))
    m += dns_rr(dns_ptr(edge), 1, 200, bytes([198, 51, 100, 7]))
    m += dns_rr(dns_ptr(edge), 28, 50, bytes.fromhex("20010db8000000000000000000000007"))
    seeds["answer_cname_chain"] = bytes(m)
    # a CNAME loop: a.test -> b.test -> a.test
    m = bytearray(dns_answer("a.test", []))
    m[7] = 2
    b = len(m) + 12
    m += dns_rr(dns_ptr(q), 5, 60, dns_name("b.test"))
    m += dns_rr(dns_ptr(b), 5, 60, dns_ptr(q))
    seeds["answer_cname_loop"] = bytes(m)
    # an owner reached through a chain of backward pointers in a TXT's data
    m = bytearray(dns_answer("p.test", []))
    m[7] = 2
    start = len(m) + 12
    ptrs = b"".join(dns_ptr(q if i == 0 else start + 2 * (i - 1)) for i in range(15))
    m += dns_rr(dns_ptr(q), 16, 60, ptrs)
    m += dns_rr(dns_ptr(start + 2 * 14), 1, 60, bytes([192, 0, 2, 9]))
    seeds["answer_pointer_chain"] = bytes(m)
    seeds["tcp_query_pair"] = dns_tcp(seeds["query_a"], seeds["query_aaaa_cookie"])
    seeds["tcp_answer_pair"] = dns_tcp(seeds["answer_a_aaaa"], seeds["answer_cname_chain"])
    # the resolver's side of a connection, as fuzz_stream() cuts it: each
    # segment a flags byte, its sequence number, its length, its bytes; a
    # SYN-ACK, then the pair of answers in three segments, one resent
    stream = seeds["tcp_answer_pair"]

    def seg(flags, seq, data):
        return bytes([flags]) + struct.pack("!IH", seq, len(data)) + data
    seeds["stream_answers_split"] = (seg(0x12, 999, b"") + seg(0x18, 1000, stream[:1]) +
                                     seg(0x18, 1000, stream[:1]) + seg(0x18, 1001, stream[1:40]) +
                                     seg(0x18, 1041, stream[40:]))
    return seeds


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    for name, p in PACKETS.items():
        write("pkt", name, p)
    bad_csum = bytearray(PACKETS["tcp_syn"])
    bad_csum[10] ^= 0xFF
    write("pkt", "bad_checksum", bytes(bad_csum))
    # a 10 KiB TCP packet, as the host sends what its kernel aggregated:
    # the enclave cuts it to its MTU
    write("pkt", "tcp_super", ipv4(NET, ENCL, 6, tcp(443, 40000, 0x19, b"", opts=True) + bytes(range(256)) * 40))
    write("pkt", "options_ihl6", ipv4(NET, ENCL, 1, icmp(0), options=b"\x01\x01\x01\x00"))
    # a 4000-byte datagram without DF (fragmented to the MTU), one with a
    # copied and an uncopied option, and fragments as the enclave's kernel
    # cuts them: a first one with the UDP header, a later one
    big = udp(40000, 53, bytes(range(256)) * 16)
    write("pkt", "udp_big_nodf", ipv4(ENCL, NET, 17, big, frag=0))
    write("pkt", "udp_big_options", ipv4(ENCL, NET, 17, big, frag=0,
                                         options=b"\x94\x04\x00\x00\x07\x07\x04\x00\x00\x00\x00\x00"))
    write("pkt", "frag_first", ipv4(ENCL, NET, 17, big[:1376], frag=0x2000))
    # IPv6: TCP, UDP behind hop-by-hop and destination options, echo, a
    # first fragment
    a6, b6 = bytes.fromhex("20010db8000000000000000000000001"), bytes.fromhex("20010db8000200000000000000000002")
    def ipv6(src, dst, nh, payload):
        return struct.pack("!IHBB", 0x60000000, len(payload), nh, 64) + src + dst + payload
    write("pkt", "v6_tcp", ipv6(b6, a6, 6, tcp(443, 40000, 0x12)))
    write("pkt", "v6_udp_ext", ipv6(b6, a6, 0, bytes([60, 0, 1, 4, 0, 0, 0, 0, 17, 0, 1, 4, 0, 0, 0, 0]) + udp(53, 40000, b"answer")))
    write("pkt", "v6_echo", ipv6(a6, b6, 58, bytes([128, 0, 0, 0, 0, 1, 0, 1])))
    write("pkt", "v6_frag_first", ipv6(a6, b6, 44, bytes([17, 0, 0, 1, 0, 0, 0, 9]) + udp(40000, 53, b"x" * 64)))
    lo6 = bytes(15) + b"\x01"
    write("pkt", "v6_unreach", ipv6(b6, a6, 58, bytes([1, 4, 0, 0, 0, 0, 0, 0]) + ipv6(a6, b6, 17, udp(40000, 53, b"x" * 8))))
    write("pkt", "v6_unreach_loopback", ipv6(b6, a6, 58, bytes([1, 4, 0, 0, 0, 0, 0, 0]) + ipv6(lo6, lo6, 17, udp(40000, 5353))))
    write("pkt", "v6_outbound_unreach", ipv6(a6, b6, 58, bytes([1, 4, 0, 0, 0, 0, 0, 0]) + ipv6(b6, a6, 17, udp(53, 40000, b"x" * 8))))
    write("pkt", "frag_later", ipv4(ENCL, NET, 17, big[1376:2752], frag=0x2000 | 172))

    good = hello() + b"".join(frame(2, p) for p in PACKETS.values()) + frame(3, b"")
    write("link", "hello_packets", chunks(good))
    write("link", "hello_packets_split", chunks(good, 7))
    write("link", "hello_then_bye", chunks(hello() + frame(4, struct.pack("!I", 0) + b"bye")))
    write("link", "hello_unknown_type", chunks(hello() + frame(9, b"future") + frame(2, PACKETS["icmp_echo"])))
    write("link", "packet_before_hello", chunks(frame(2, PACKETS["tcp_syn"]) + hello()))
    write("link", "wrong_role", chunks(hello(role=2)))
    write("link", "wrong_version", chunks(hello(version=2)))
    write("link", "bad_magic", chunks(b"XX" + hello()[2:]))
    write("link", "length_max", chunks(hello() + b"RM\x01\x02\xff\xff\xff\xff"))
    write("link", "length_zero", chunks(hello() + frame(2, b"") + frame(1, b"")))
    write("link", "half_frame", chunks(hello() + frame(2, PACKETS["tcp_data"])[:20]))
    def stats_entry(name, v):
        return bytes([len(name)]) + name + struct.pack("!Q", v)
    write("link", "hello_stats", chunks(hello(caps=2) + frame(6, b"") +
                                        frame(6, stats_entry(b"l2i_packets", 7) + stats_entry(b"x", 1)) +
                                        frame(6, b"\x03Ab")))
    write("link", "version_change", chunks(hello() + frame(2, PACKETS["tcp_syn"], version=2)))

    for name, m in dns_seeds().items():
        write("dns", name, m)


if __name__ == "__main__":
    main()
