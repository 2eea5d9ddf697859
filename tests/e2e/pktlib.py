# SPDX-License-Identifier: Apache-2.0
"""Packets and link frames for remora's tests: one place for the IPv4
header, its checksum and the frame format (docs/protocol.md), used by the
hostile host, the ICMP error sender and the fuzz corpus generator."""
import struct


def csum(b):
    """The Internet checksum of b"""
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


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


def frame(typ, payload, version=1):
    """A link frame: magic RM, version, type, BE32 length, payload"""
    return b"RM" + bytes([version, typ]) + struct.pack("!I", len(payload)) + payload


def hello(role=1, version=1, software=b"remora-test"):
    """A HELLO frame: role 1 is the host, 2 the enclave"""
    return frame(1, struct.pack("!HHII", version, role, 0, 65535) + software,
                 version)
