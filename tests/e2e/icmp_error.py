#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Send one ICMP port-unreachable quoting a TCP segment, from a raw socket.

  icmp_error.py SRC DST QUOTED_SRC QUOTED_SPORT QUOTED_DST QUOTED_DPORT

Used to check that an enclave cannot attach itself to a flow of the host's
own: the error quotes a segment of that flow, so conntrack would file it as
RELATED to the host's connection.
"""
import socket
import struct
import sys


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(src, dst, proto, payload):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0x4000,
                    64, proto, 0, socket.inet_aton(src), socket.inet_aton(dst))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def main():
    if len(sys.argv) != 7:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    src, dst, qsrc, qsport, qdst, qdport = sys.argv[1:]
    tcp = struct.pack("!HHIIBBHHH", int(qsport), int(qdport), 1, 0, 0x50,
                      0x18, 65535, 0, 0)
    quoted = ipv4(qsrc, qdst, socket.IPPROTO_TCP, tcp)[:28]
    icmp = struct.pack("!BBHI", 3, 3, 0, 0) + quoted
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.sendto(ipv4(src, dst, socket.IPPROTO_ICMP, icmp), (dst, 0))


if __name__ == "__main__":
    main()
